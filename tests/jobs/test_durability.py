"""Jobs survive their process: real ``frameloom serve`` and ``frameloom worker`` processes, killed with SIGKILL.

The processes share one data folder (SQLite database, huey's SQLite queue, media), or, on the scaled
stack (``stack_settings``), PostgreSQL, Redis and S3.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.conftest import still
from tests.conftest import stack_env

from frameloom.domain.jobs import JobKind
from frameloom.jobs.queue import JobQueue, make_huey
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.models import Job

FRAMELOOM = str(Path(sys.executable).with_name("frameloom"))
EXPORT = "/api/render/proxy/lambda"
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Processes:
    """Starts frameloom processes on one data folder; kills whatever is left at the end."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.started: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_")}
        env.update(FRAMELOOM_DATA_DIR=str(self.data), FRAMELOOM_SECRET_KEY="k" * 40, FRAMELOOM_LOG_LEVEL="warning",
                   FRAMELOOM_ACCESS_LOG="false", FRAMELOOM_JOB_HEARTBEAT_S="0.2", **extra)
        return env

    def serve(self, **extra: str) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        proc = subprocess.Popen([FRAMELOOM, "serve", "--port", str(port)], env=self.env(**extra),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.started.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90  # a loaded machine (2 cores, several suites) starts slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("frameloom serve did not start")

    def workers(self, count: int, **extra: str) -> None:
        """``count`` ``frameloom worker`` processes, started together; returns once each says it is ready."""
        logs = [self.data.parent / f"worker-{len(self.started) + i}.log" for i in range(count)]
        for log in logs:
            with log.open("wb") as sink:  # a file, not a pipe nobody drains
                self.started.append(subprocess.Popen([FRAMELOOM, "worker", "--threads", "1"], env=self.env(**extra),
                                                     stdout=subprocess.DEVNULL, stderr=sink))
        deadline = time.monotonic() + 90  # a loaded machine (2 cores, several suites) starts slowly
        while not all(b"ready" in log.read_bytes() for log in logs):
            assert time.monotonic() < deadline, [log.read_bytes()[-500:] for log in logs]
            time.sleep(0.05)

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)  # reaped: its pid is gone

    def close(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.kill(proc)


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    processes = Processes(tmp_path / "data")
    yield processes
    processes.close()


def studio(url: str) -> tuple[dict[str, str], str, str]:
    token = httpx.post(url + "/api/auth/anonymous-token", headers={"X-Client-Id": f"c{time.time_ns()}"}).json()
    headers = {"Authorization": f"Bearer {token['data']['token']}", **SKILL}
    sid = httpx.post(url + "/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"][
        "session_id"]
    media = httpx.post(f"{url}/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                       files={"file": ("pic.png", still("png", 320, 180), "image/png")}).json()["data"]["media"]
    return headers, sid, media[0]["media_id"]


def draft(media_id: str, seconds: int, fps: int = 30) -> dict[str, Any]:
    ms = seconds * 1000
    return {"v": 1, "d": ms, "m": {"w": 320, "h": 180, "fps": fps},
            "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": media_id,
                                                                                 "motion": "ken_burns"}}]}]}


def poll_until(url: str, render_id: str, headers: dict[str, str], done: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = httpx.get(f"{url}{EXPORT}/{render_id}", headers=headers).json()["data"]
        if done(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def balance(url: str, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
    return data


def job_rows(db: Database, with_id: bool = False) -> list[tuple[Any, ...]]:
    with db.read() as session:
        rows = session.query(Job).order_by(Job.key).all()
        return [(j.key, j.status, j.attempts, j.worker) + ((j.id,) if with_id else ()) for j in rows]


@pytest.mark.parametrize(("attempts", "ending"), [("3", "completed"), ("1", "failed")])
def test_an_export_survives_sigkill_of_its_server(procs: Processes, attempts: str, ending: str) -> None:
    server, url = procs.serve(FRAMELOOM_JOB_ATTEMPTS=attempts)
    headers, sid, media_id = studio(url)
    body = {"render_id": "survivor", "session_id": sid, "draft": draft(media_id, seconds=20)}
    assert httpx.post(url + EXPORT, headers=headers, json=body).json()["data"]["status"] in {"queued", "rendering"}
    seen = poll_until(url, "survivor", headers, lambda d: d["status"] != "queued" and d["progress"] > 0)
    procs.kill(server)  # mid-render: 20 s of video take seconds to render here
    assert seen["status"] == "rendering", seen

    _, url = procs.serve(FRAMELOOM_JOB_ATTEMPTS=attempts)

    final = poll_until(url, "survivor", headers, lambda d: d["status"] in {"completed", "failed", "cancelled"})
    assert final["status"] == ending, final
    if ending == "completed":
        assert (final["duration_ms"], final["width"]) == (20_000, 320)
        assert balance(url, headers) == {"available": 98, "frozen": 0, "total": 98}
        db = Database(f"sqlite:///{procs.data / 'frameloom.db'}")
        assert job_rows(db)[0][2] == 2  # the second attempt finished it
        db.dispose()
    else:
        assert "stopped 1 times" in final["error"]
        assert balance(url, headers) == {"available": 100, "frozen": 0, "total": 100}


@pytest.fixture
def shared(stack_settings: Settings) -> dict[str, str]:
    """What the processes share besides their data folder: nothing more (embedded), or PostgreSQL,
    Redis and S3 (scaled)."""
    return {k: v for k, v in stack_env(stack_settings).items() if k != "FRAMELOOM_DATA_DIR"}


def test_two_workers_share_the_queue_and_run_each_job_once(procs: Processes, shared: dict[str, str]) -> None:
    _, url = procs.serve(FRAMELOOM_WORKERS="0", **shared)  # the API only queues
    procs.workers(2, **shared)
    headers, sid, media_id = studio(url)
    keys = [f"job-{i}" for i in range(6)]
    for key in keys:
        body = {"render_id": key, "session_id": sid, "draft": draft(media_id, seconds=4, fps=30)}
        assert httpx.post(url + EXPORT, headers=headers, json=body).status_code == 200
    for key in keys:
        assert poll_until(url, key, headers, lambda d: d["status"] == "completed")["status"] == "completed"

    settings = Settings(_env_file=None, data_dir=procs.data,  # type: ignore[call-arg]
                        database_url=shared.get("FRAMELOOM_DATABASE_URL"),
                        redis_url=shared.get("FRAMELOOM_REDIS_URL"),
                        queue_name=shared.get("FRAMELOOM_QUEUE_NAME", "frameloom"))
    db = Database(settings.resolved_database_url)
    rows = job_rows(db)
    assert [attempts for _, _, attempts, _ in rows] == [1] * 6
    assert len({worker for *_, worker in rows}) == 2  # both took jobs

    # Every message again (as after a lost acknowledgement): claims are exclusive, nothing runs twice.
    queue = JobQueue(lambda cls: make_huey(settings, cls), lambda job_id: None)
    for _, _, _, _, job_id in job_rows(db, with_id=True):
        queue.enqueue(job_id, JobKind.EXPORT)
    deadline = time.monotonic() + 10
    while queue.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert queue.pending() == 0
    assert job_rows(db) == rows
    db.dispose()
    assert balance(url, headers) == {"available": 94, "frozen": 0, "total": 94}
    state = httpx.get(f"{url}/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert len([m for m in state["media"] if m["format"] == "mp4"]) == 6  # one file each, no duplicate


@pytest.mark.parametrize(("attempts", "available"), [("3", 92), ("1", 100)])
def test_a_synchronous_v1_generation_survives_sigkill_of_its_server(
    procs: Processes, attempts: str, available: int
) -> None:
    """The ``/v1`` request is an image job: its hold belongs to the job, so recovery settles or refunds it."""
    server, url = procs.serve(FRAMELOOM_JOB_ATTEMPTS=attempts)
    headers, _, _ = studio(url)
    body = {"prompt": "a fox reading a book in a forest at sunset", "n": 4, "size": "1920x1080", "seed": 3}

    def request() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under it
            httpx.post(url + "/v1/images/generations", headers=headers, json=body, timeout=60)

    caller = threading.Thread(target=request)
    caller.start()
    db = Database(f"sqlite:///{procs.data / 'frameloom.db'}")
    deadline = time.monotonic() + 30
    while not any(status == "running" for _, status, _, _ in job_rows(db)):
        assert time.monotonic() < deadline, job_rows(db)
        time.sleep(0.02)
    assert balance(url, headers)["frozen"] == 8
    procs.kill(server)  # mid-draw: four 1080p pictures take seconds here
    caller.join(timeout=10)

    _, url = procs.serve(FRAMELOOM_JOB_ATTEMPTS=attempts)
    deadline = time.monotonic() + 60
    while balance(url, headers)["frozen"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert balance(url, headers) == {"available": available, "frozen": 0, "total": available}
    (_, status, tries, _), = job_rows(db)
    assert (status, tries) == (("completed", 2) if available == 92 else ("failed", 1))
    db.dispose()
