"""Queue latency on the embedded default (a benchmark: it asserts nothing).

    python bench/jobs.py [--jobs 20]

A real uvicorn server (lifespan on, so its job host runs: huey on SQLite in
the data folder, one consumer thread, SQLite database) takes tiny exports
(2 s of 320x180 at 30 fps) one after another; the client polls each every
5 ms, on a new connection each time (see ``poll``). For each job, from its record and the polls:

- pickup: queued (the POST) to running (``started_at``);
- queue latency (the target, at most 100 ms): the job's end (the render
  returned) to the first poll that shows ``completed``; it covers checking
  the file with PyAV, storing it, the completing transaction and the poll;
- of which visible: ``finished_at`` (the completing commit) to that poll.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from PIL import Image

from frameloom.api import create_app
from frameloom.settings import Settings
from frameloom.store.models import Job

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", access_log=False,  # type: ignore[call-arg]
                            log_level="warning", anonymous_credits=10_000)
        server, url, app = serve(settings)
        port = int(url.rsplit(":", 1)[1])
        client = httpx.Client(base_url=url, timeout=30)
        token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}", **SKILL}
        sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"][
            "session_id"]
        media = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                            files={"file": ("p.png", png(), "image/png")}).json()["data"]["media"][0]["media_id"]
        draft = {"v": 1, "m": {"w": 320, "h": 180, "fps": 30},
                 "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 2000, "m": {"src": media,
                                                                                      "motion": "zoom_in"}}]}]}
        pickup, latency, visible = [], [], []
        for i in range(args.jobs):
            posted = datetime.now(UTC)
            body = {"render_id": f"bench-{i}", "session_id": sid, "draft": draft}
            post(port, "/api/render/proxy/lambda", headers, body)
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

    def line(name: str, values: list[float]) -> str:
        return f"{name:<44} median {statistics.median(values):6.1f} ms   max {max(values):6.1f} ms"

    print(f"jobs: {args.jobs} exports of 2 s at 320x180, embedded queue (huey on SQLite), one consumer thread")
    print(line("pickup (POST -> running)", pickup))
    print(line("queue latency (render end -> poll: completed)", latency) + "   target <= 100 ms")
    print(line("  of which commit -> poll", visible))


if __name__ == "__main__":
    main()
