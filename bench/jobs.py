"""Queue latency on the embedded default, dispatch latency on Redis against SQLite, and export
throughput with 1 and 2 ``cpu`` worker processes (a benchmark: it asserts nothing).

    python bench/jobs.py [--jobs 20] [--dispatch 30] [--burst 12]

A real uvicorn server (lifespan on, so its job host runs: huey on SQLite in
the data folder, one consumer thread, SQLite database) takes tiny exports
(2 s of 320x180 at 30 fps) one after another; the client polls each every
5 ms, on a new connection each time (see ``poll``). For each job, from its record and the polls:

- pickup: queued (the POST) to running (``started_at``);
- queue latency (the target, at most 100 ms): the job's end (the render
  returned) to the first poll that shows ``completed``; it covers checking
  the file with PyAV, storing it, the completing transaction and the poll;
- of which visible: ``finished_at`` (the completing commit) to that poll.

Dispatch latency (``--dispatch`` messages per backend): a ``cpu`` consumer in another process
(as a ``frameloom worker`` is) and this one sending a message every 0.2 to 1.0 s (so a polling
consumer has backed off, as between real jobs); each latency is send to the consumer's call,
on huey's SQLite storage (polled, 50 ms growing to 500 ms) and on Redis (one blocking pop).

Throughput (``--burst`` exports of the same 2 s at 320x180): an API process with no workers
queues them all at once; 1, then 2, ``frameloom worker --kinds cpu --threads 1`` processes drain
them; jobs per minute from the first POST to the last completion (workers started and ready
before, so their start-up is not counted). On the embedded stack (one data folder: SQLite,
huey on SQLite, local disk), as one machine with several worker processes runs it.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue as MpQueue
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from PIL import Image

from frameloom.api import create_app
from frameloom.domain.jobs import JobKind
from frameloom.jobs.queue import JobQueue, make_huey
from frameloom.settings import Settings
from frameloom.store.models import Job

FRAMELOOM = str(Path(sys.executable).with_name("frameloom"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

SKILL = {"X-Skill-Source": "bench", "X-Skill-Version": "1", "X-Skill-Platform": "bench"}


def serve(settings: Settings) -> tuple[uvicorn.Server, str, Any]:
    app = create_app(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, url, app


def poll(port: int, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """One GET on a new connection. On a kept-alive one every response from this server waits about
    40 ms for the client's delayed ACK (its two writes meet Nagle), which would hide what is measured;
    ``httpx.get`` builds an SSL context per call, which costs as much."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        data: dict[str, Any] = json.loads(conn.getresponse().read())["data"]
        return data
    finally:
        conn.close()


def post(port: int, path: str, headers: dict[str, str], body: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        assert response.status == 200, response.read()
        response.read()
    finally:
        conn.close()


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 180), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def studio(client: httpx.Client) -> tuple[dict[str, str], dict[str, Any]]:
    """A token, a session with one picture, and a 2 s draft of it (320x180 at 30 fps)."""
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"bench-{uuid.uuid4().hex[:8]}"}).json()[
        "data"]["token"]
    headers = {"Authorization": f"Bearer {token}", **SKILL}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"]["session_id"]
    media = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                        files={"file": ("p.png", png(), "image/png")}).json()["data"]["media"][0]["media_id"]
    draft = {"v": 1, "m": {"w": 320, "h": 180, "fps": 30},
             "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 2000, "m": {"src": media,
                                                                                  "motion": "zoom_in"}}]}]}
    return headers, {"session_id": sid, "draft": draft}


def embedded_latency(jobs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", access_log=False,  # type: ignore[call-arg]
                            log_level="warning", anonymous_credits=10_000)
        server, url, app = serve(settings)
        port = int(url.rsplit(":", 1)[1])
        client = httpx.Client(base_url=url, timeout=30)
        headers, order = studio(client)
        pickup, latency, visible = [], [], []
        for i in range(jobs):
            posted = datetime.now(UTC)
            post(port, "/api/render/proxy/lambda", headers, {"render_id": f"bench-{i}", **order})
            while True:
                data = poll(port, f"/api/render/proxy/lambda/bench-{i}", headers)
                seen = datetime.now(UTC)
                if data["status"] in {"completed", "failed"}:
                    break
                time.sleep(0.005)
            assert data["status"] == "completed", data
            with app.state.db.read() as session:
                job = session.query(Job).filter(Job.key == f"bench-{i}").one()
            assert job.started_at is not None
            assert job.finished_at is not None
            assert job.result is not None
            rendered = job.started_at + timedelta(seconds=job.result["render_s"])
            pickup.append((job.started_at - posted).total_seconds() * 1000)
            latency.append((seen - rendered).total_seconds() * 1000)
            visible.append((seen - job.finished_at).total_seconds() * 1000)
        client.close()
        server.should_exit = True

    print(f"jobs: {jobs} exports of 2 s at 320x180, embedded queue (huey on SQLite), one consumer thread")
    print(line("pickup (POST -> running)", pickup))
    print(line("queue latency (render end -> poll: completed)", latency) + "   target <= 100 ms")
    print(line("  of which commit -> poll", visible))


def line(name: str, values: list[float]) -> str:
    return f"{name:<44} median {statistics.median(values):6.1f} ms   max {max(values):6.1f} ms"


# --- dispatch latency: enqueue -> a consumer in another process starts it ----------------------


def _consume(settings: Settings, out: MpQueue[float], ready: Any) -> None:
    """A cpu consumer (one thread) that reports, for each message, how long ago it was sent."""

    def run(job_id: str) -> None:
        out.put((time.time_ns() - int(job_id.removeprefix("t"))) / 1e6)

    consumer = JobQueue(lambda cls: make_huey(settings, cls), run).consumer(1, {JobKind.EXPORT})
    consumer.start()
    ready.set()
    time.sleep(3600)


def dispatch(settings: Settings, messages: int) -> list[float]:
    context = multiprocessing.get_context("spawn")
    out: MpQueue[float] = context.Queue()
    ready = context.Event()
    child = context.Process(target=_consume, args=(settings, out, ready), daemon=True)
    child.start()
    ready.wait(60)
    queue = JobQueue(lambda cls: make_huey(settings, cls), lambda job_id: None)
    rng = random.Random(7)
    found: list[float] = []
    try:
        for _ in range(messages):
            time.sleep(rng.uniform(0.2, 1.0))
            queue.enqueue(f"t{time.time_ns()}", JobKind.EXPORT)
            found.append(out.get(timeout=30))
    finally:
        child.kill()
    return found


def dispatch_latency(messages: int) -> None:
    import redis

    print(f"dispatch latency: send -> a consumer in another process starts it, {messages} messages each, "
          "0.2 to 1.0 s apart")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Settings(_env_file=None, data_dir=Path(tmp) / "data")  # type: ignore[call-arg]
        results = {"huey on SQLite": dispatch(sqlite, messages)}
    name = f"bench-{uuid.uuid4().hex[:8]}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        print(f"  huey on Redis: skipped, no Redis at {REDIS_URL} ({exc})")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            scaled = Settings(_env_file=None, data_dir=Path(tmp) / "data", redis_url=REDIS_URL,  # type: ignore[call-arg]
                              queue_name=name)
            results["huey on Redis"] = dispatch(scaled, messages)
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{name}*"):
            client.delete(key)
    for backend, values in results.items():
        ordered = sorted(values)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(f"  {backend:<16} median {statistics.median(values):6.1f} ms   p90 {p90:6.1f} ms   "
              f"max {max(values):6.1f} ms")


# --- throughput: exports per minute with 1 and 2 cpu worker processes --------------------------


def throughput(workers: int, burst: int) -> float:
    """Exports per minute that ``workers`` cpu worker processes finish from a burst of ``burst``."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        settings = Settings(_env_file=None, data_dir=data, access_log=False, log_level="warning",  # type: ignore[call-arg]
                            anonymous_credits=10_000, workers=0)
        server, url, app = serve(settings)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_")}
        env.update(FRAMELOOM_DATA_DIR=str(data), FRAMELOOM_LOG_LEVEL="warning")
        logs = [Path(tmp) / f"worker-{i}.log" for i in range(workers)]
        procs = []
        for log in logs:
            with log.open("wb") as sink:
                procs.append(subprocess.Popen([FRAMELOOM, "worker", "--kinds", "cpu", "--threads", "1"], env=env,
                                              stdout=subprocess.DEVNULL, stderr=sink))
        try:
            while not all(b" ready for " in log.read_bytes() for log in logs):
                time.sleep(0.05)
            client = httpx.Client(base_url=url, timeout=30)
            headers, order = studio(client)
            port = int(url.rsplit(":", 1)[1])
            start = time.perf_counter()
            for i in range(burst):
                post(port, "/api/render/proxy/lambda", headers, {"render_id": f"t-{i}", **order})
            while True:
                with app.state.db.read() as session:
                    done = session.query(Job).filter(Job.status.in_(["completed", "failed"])).count()
                if done == burst:
                    break
                time.sleep(0.02)
            seconds = time.perf_counter() - start
            client.close()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
            server.should_exit = True
    return burst / seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--dispatch", type=int, default=30)
    parser.add_argument("--burst", type=int, default=12)
    args = parser.parse_args()
    embedded_latency(args.jobs)
    dispatch_latency(args.dispatch)
    print(f"throughput: {args.burst} exports of 2 s at 320x180 queued at once, drained by cpu worker processes "
          f"(--threads 1 each; {os.cpu_count()} cores here)")
    rates = {workers: throughput(workers, args.burst) for workers in (1, 2)}
    for workers, rate in rates.items():
        print(f"  {workers} cpu worker{'s' if workers > 1 else ' '}  {rate:6.1f} jobs per minute")
    print(f"  speed-up with 2: x{rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
