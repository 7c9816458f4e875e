"""Parallel exports through real servers and real ``frameloom worker`` processes.

A 60 s timeline (``tests.render.chunk_media``: a clip from an in-point, crossfades, a Ken Burns
still, fading titles, music; every join inside something moving) is exported with chunks of 20 s,
and the file is compared with a single render of the same timeline made here: frame count,
duration, audio sample for sample, and the pictures at each join. 10 fps at 320x180 keeps it to
seconds; bench/chunks.py runs it at 1080p and 30 fps.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest
from tests.conftest import stack_env
from tests.jobs.test_durability import EXPORT, FRAMELOOM, SKILL, Processes, free_port
from tests.render.chunk_media import make_media, timeline, timeline_json

from frameloom.api import create_app
from frameloom.domain.jobs import JobKind
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.models import Job

W, H, FPS = 320, 180, 10
FINAL = {"completed", "failed", "cancelled"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_media(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="module")
def single(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same timeline rendered in one pass, here."""
    target = tmp_path_factory.mktemp("single") / "single.mp4"
    return render_draft(timeline(W, H, FPS), target, "mp4", media=SourceMap(files=files)).path


class Logged(Processes):
    """As the durability tests' processes, but each may take a minute and a half to start (the suites
    around share two cores), and ``serve`` logs to a file."""

    def serve(self, **extra: str) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        log = self.data.parent / f"serve-{port}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen([FRAMELOOM, "serve", "--port", str(port)], env=self.env(**extra),
                                    stdout=subprocess.DEVNULL, stderr=sink)
        self.started.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"frameloom serve did not start: {log.read_bytes()[-2000:]!r}")

    def workers(self, count: int, **extra: str) -> None:
        logs = [self.data.parent / f"worker-{len(self.started) + i}.log" for i in range(count)]
        for log in logs:
            with log.open("wb") as sink:
                self.started.append(subprocess.Popen([FRAMELOOM, "worker", "--threads", "1"], env=self.env(**extra),
                                                     stdout=subprocess.DEVNULL, stderr=sink))
        deadline = time.monotonic() + 90
        while not all(b"ready" in log.read_bytes() for log in logs):
            assert time.monotonic() < deadline, [log.read_bytes()[-500:] for log in logs]
            time.sleep(0.1)


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    processes = Logged(tmp_path / "data")
    yield processes
    processes.close()


def studio(url: str, files: dict[str, Path]) -> tuple[dict[str, str], str, dict[str, str]]:
    """A new account's session with both media uploaded; the media ids by name."""
    token = httpx.post(url + "/api/auth/anonymous-token", headers={"X-Client-Id": f"c{time.time_ns()}"}).json()
    headers = {"Authorization": f"Bearer {token['data']['token']}", **SKILL}
    sid = httpx.post(url + "/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"][
        "session_id"]
    names = {}
    for name, path in files.items():
        sent = httpx.post(f"{url}/api/upload-video/nemo_agent/me/{sid}", headers=headers, timeout=60,
                          files={"file": (path.name, path.read_bytes())})
        assert sent.status_code == 200, sent.text
        names[name] = sent.json()["data"]["media"][0]["media_id"]
    return headers, sid, names


def export(url: str, headers: dict[str, str], sid: str, names: dict[str, str], render_id: str,
           length_ms: int = 60_000) -> None:
    body = {"render_id": render_id, "session_id": sid, "draft": timeline_json(W, H, FPS, length_ms, names)}
    sent = httpx.post(url + EXPORT, headers=headers, json=body)
    assert sent.status_code == 200, sent.text


def follow(url: str, headers: dict[str, str], render_id: str, until: Callable[[dict[str, Any]], bool],
           timeout: float = 240) -> list[dict[str, Any]]:
    """Every poll until ``until`` holds for one (or the time is up)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(httpx.get(f"{url}{EXPORT}/{render_id}", headers=headers).json()["data"])
        if until(seen[-1]):
            break
        time.sleep(0.1)
    return seen


def download(url: str, data: dict[str, Any], folder: Path) -> Path:
    target = folder / "joined.mp4"
    response = httpx.get(data["url"] if data["url"].startswith("http") else url + data["url"], timeout=60)
    assert response.status_code == 200
    target.write_bytes(response.content)
    return target


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="yuv420p").astype(np.float64) for f in container.decode(video=0)]


def audio(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a - b) ** 2).mean())
    return 99.0 if mse == 0 else 10 * float(np.log10(255**2 / mse))


def assert_matches(joined: Path, single: Path, joins: tuple[int, ...]) -> None:
    with av.open(str(joined)) as a, av.open(str(single)) as b:
        assert a.streams.video[0].frames == b.streams.video[0].frames == 600
        assert a.duration == b.duration
        assert (a.streams.video[0].codec_context.name, a.streams.audio[0].codec_context.name) == ("h264", "aac")
    assert np.array_equal(audio(joined), audio(single)), "the audio is mixed once, as a single render mixes it"
    x, y = decoded(joined), decoded(single)
    assert len(x) == len(y) == 600
    for join in joins:
        for i in (join - 1, join, join + 1):
            assert psnr(x[i], y[i]) > 38, f"frame {i}: {psnr(x[i], y[i]):.1f} dB"


def rows(settings: Settings) -> tuple[Job, list[Job]]:
    """The export's job and its chunks (in order), read from the shared database."""
    db = Database(settings.resolved_database_url)
    try:
        with db.read() as session:
            jobs = session.query(Job).all()
            session.expunge_all()
    finally:
        db.dispose()
    parents = [j for j in jobs if j.kind == JobKind.EXPORT.value]
    assert len(parents) == 1
    kids = sorted((j for j in jobs if j.parent_id == parents[0].id), key=lambda j: int(j.payload["index"]))
    return parents[0], kids


def monotone(seen: list[dict[str, Any]]) -> None:
    values = [d["progress"] for d in seen]
    assert values == sorted(values), values


def worker_settings(procs: Processes, shared: dict[str, str]) -> Settings:
    return Settings(_env_file=None, data_dir=procs.data,  # type: ignore[call-arg]
                    database_url=shared.get("FRAMELOOM_DATABASE_URL"))


@pytest.fixture
def shared(stack_settings: Settings) -> dict[str, str]:
    """What the processes share: nothing (embedded: one data folder) or PostgreSQL, Redis and S3."""
    return {k: v for k, v in stack_env(stack_settings).items() if k != "FRAMELOOM_DATA_DIR"}


CPU = {"FRAMELOOM_WORKER_KINDS": "cpu", "FRAMELOOM_EXPORT_CHUNK_S": "20"}


# on PostgreSQL, Redis and S3 (no disk shared); the kill test below runs the same on the embedded stack
@pytest.mark.parametrize("stack_settings", ["scaled"], indirect=True)
def test_a_minute_split_across_two_workers_matches_a_single_render(
        procs: Processes, shared: dict[str, str], files: dict[str, Path], single: Path, tmp_path: Path) -> None:
    _, url = procs.serve(FRAMELOOM_WORKERS="0", **shared)  # the API only queues
    procs.workers(2, **CPU, **shared)
    headers, sid, names = studio(url, files)
    export(url, headers, sid, names, "minute")
    seen = follow(url, headers, "minute", lambda d: d["status"] in FINAL)
    final = seen[-1]
    assert final["status"] == "completed", final
    assert (final["duration_ms"], final["width"], final["height"]) == (60_000, W, H)
    monotone(seen)
    assert any(d["status"] == "rendering" and 0 < d["progress"] < 1 for d in seen)
    assert_matches(download(url, final, tmp_path), single, joins=(200, 400))

    parent, kids = rows(worker_settings(procs, shared))
    assert [(k.payload["start"], k.payload["end"], k.payload["audio"], k.status) for k in kids] == [
        (0, 200, False, "completed"), (200, 400, False, "completed"), (400, 600, False, "completed"),
        (0, 0, True, "completed")]  # the audio, mixed once for the whole minute
    assert len({k.worker for k in kids}) == 2, "both workers rendered chunks"
    assert all(k.price == 0 and k.hold_id is None for k in kids)
    assert parent.attempts == 1  # the split's run is not an attempt; the join's is
    balance = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
    assert balance == {"available": 94, "frozen": 0, "total": 94}  # 6 credits for 60 s, frozen once


def test_a_killed_worker_reruns_only_its_chunk(procs: Processes, files: dict[str, Path], single: Path,
                                                tmp_path: Path) -> None:
    _, url = procs.serve(FRAMELOOM_WORKERS="0")
    procs.workers(2, **CPU)
    headers, sid, names = studio(url, files)
    export(url, headers, sid, names, "survivor")
    settings = worker_settings(procs, {})
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        _, kids = rows(settings) if _has_jobs(settings) else (None, [])
        running = [k for k in kids if k.status == "running" and k.progress > 0.1 and not k.payload["audio"]]
        if running:
            victim = running[0]
        time.sleep(0.05)
    assert victim is not None
    pid = int((victim.worker or "::").split(":")[1])
    procs.kill(next(p for p in procs.started if p.pid == pid))

    final = follow(url, headers, "survivor", lambda d: d["status"] in FINAL)[-1]
    assert final["status"] == "completed", final
    _, kids = rows(settings)
    assert {k.id: k.attempts for k in kids} == {k.id: 2 if k.id == victim.id else 1 for k in kids}
    assert_matches(download(url, final, tmp_path), single, joins=(200, 400))


def _has_jobs(settings: Settings) -> bool:
    db = Database(settings.resolved_database_url)
    try:
        with db.read() as session:
            return session.query(Job).filter(Job.kind == JobKind.EXPORT.value).count() == 1
    finally:
        db.dispose()


def _first_range_running(settings: Settings) -> bool:
    if not _has_jobs(settings):
        return False
    kids = rows(settings)[1]
    return bool(kids) and kids[0].status == "running"


def test_one_embedded_thread_splits_renders_and_joins_without_waiting_on_itself(
        settings: Settings, live_server: Callable[[Any], str], files: dict[str, Path]) -> None:
    """The default: one consumer thread inside the server. The export parks instead of waiting, so
    that same thread runs its chunks, then its join."""
    url = live_server(create_app(settings.model_copy(update={"workers": 1, "export_chunk_s": 2.0})))
    headers, sid, names = studio(url, files)
    export(url, headers, sid, names, "alone", length_ms=6_000)
    seen = follow(url, headers, "alone", lambda d: d["status"] in FINAL, timeout=120)
    assert seen[-1]["status"] == "completed", seen[-1]
    assert seen[-1]["duration_ms"] == 6_000
    monotone(seen)
    parent, kids = rows(settings)
    assert [k.status for k in kids] == ["completed"] * 4  # 3 ranges and the audio
    assert {k.worker for k in kids} == {parent.worker}, "one process, one thread did it all"


def test_cancel_stops_every_chunk_and_refunds(settings: Settings, live_server: Callable[[Any], str],
                                              files: dict[str, Path]) -> None:
    url = live_server(create_app(settings.model_copy(update={"workers": 1, "export_chunk_s": 20.0})))
    headers, sid, names = studio(url, files)
    export(url, headers, sid, names, "stopped")
    # cancelled as soon as the first range runs (not at a progress figure: on a loaded machine a
    # poll may come late, after a whole range)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _first_range_running(settings):
        time.sleep(0.05)
    cancelled = httpx.delete(f"{url}{EXPORT}/stopped", headers=headers).json()["data"]
    assert cancelled["status"] == "cancelled"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        parent, kids = rows(settings)
        if all(k.status != "running" for k in kids):
            break
        time.sleep(0.1)
    assert parent.status == "cancelled"
    # the audio (first in the queue) was done; the running range stopped, the queued ones never ran
    assert [k.status for k in kids] == ["cancelled"] * 3 + ["completed"]
    time.sleep(1.0)
    assert rows(settings)[0].status == "cancelled"  # nothing woke it
    balance = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
    assert balance == {"available": 100, "frozen": 0, "total": 100}
    assert [p for p in settings.media_dir.rglob("*") if "chunks" in p.parts and p.is_file()] == []


def test_a_failed_chunk_fails_the_export_and_cancels_the_others(settings: Settings,
                                                                live_server: Callable[[Any], str],
                                                                files: dict[str, Path]) -> None:
    url = live_server(create_app(settings.model_copy(update={"workers": 1, "export_chunk_s": 2.0})))
    headers, sid, names = studio(url, files)
    for stored in [p for p in settings.media_dir.rglob("*") if p.is_file() and names["sweep"] in str(p)]:
        stored.unlink()  # the clip is gone from storage: the first chunk to fetch it fails
    export(url, headers, sid, names, "broken", length_ms=6_000)
    final = follow(url, headers, "broken", lambda d: d["status"] in FINAL, timeout=60)[-1]
    assert final["status"] == "failed", final
    assert final["error"].startswith("chunk 3 failed: "), final  # the audio, first in the queue
    _, kids = rows(settings)
    assert [k.status for k in kids] == ["cancelled"] * 3 + ["failed"]
    balance = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
    assert balance == {"available": 100, "frozen": 0, "total": 100}
