"""Parallel exports: the wall time of one 60 s 1080p export on 1 worker and split across 2 (a benchmark:
it asserts nothing).

    python bench/chunks.py [--seconds 60] [--width 1920] [--height 1080] [--fps 30] [--chunk-s 20]

Real processes on one data folder (SQLite, huey on SQLite, media on local disk): a ``frameloom serve``
that only queues (``FRAMELOOM_WORKERS=0``) and ``frameloom worker`` processes taking the ``cpu`` class,
one thread each. The timeline is the tests' (``tests/render/chunk_media.py``: a clip from an in-point,
crossfades, a Ken Burns still, fading titles, music). Side by side, in one run:

- **1 worker**: ``FRAMELOOM_EXPORT_CHUNK_S=0``, the export is one job;
- **2 workers**: chunks of ``--chunk-s`` seconds, each a job any worker takes, then the join.

Wall time runs from the POST to the first poll that shows ``completed``. For the split run it also
prints the chunks' render times (from their records; the audio is one of them) and the join's
(the export's last run).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from frameloom.domain.jobs import JobKind
from frameloom.store.db import Database
from frameloom.store.models import Job

FRAMELOOM = str(Path(sys.executable).with_name("frameloom"))
EXPORT = "/api/render/proxy/lambda"
SKILL = {"X-Skill-Source": "bench", "X-Skill-Version": "1", "X-Skill-Platform": "bench"}
ROOT = Path(__file__).resolve().parent.parent


def chunk_media() -> ModuleType:
    """The tests' timeline module, loaded from its file (``tests`` is not an installed package)."""
    spec = importlib.util.spec_from_file_location("chunk_media", ROOT / "tests" / "render" / "chunk_media.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Stack:
    """``frameloom serve`` (queues only) and ``workers`` ``frameloom worker`` processes on ``data``."""

    def __init__(self, data: Path, workers: int, chunk_s: float) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_")}
        env.update(FRAMELOOM_DATA_DIR=str(data), FRAMELOOM_SECRET_KEY="b" * 40, FRAMELOOM_LOG_LEVEL="warning",
                   FRAMELOOM_ACCESS_LOG="false", FRAMELOOM_EXPORT_CHUNK_S=str(chunk_s),
                   FRAMELOOM_EXPORT_TIME_LIMIT_S="3600")
        self.data, self.procs = data, []
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.serve_log = data.parent / "serve.log"
        with self.serve_log.open("wb") as sink:
            self.procs.append(subprocess.Popen([FRAMELOOM, "serve", "--port", str(port)],
                                               env={**env, "FRAMELOOM_WORKERS": "0"},
                                               stdout=subprocess.DEVNULL, stderr=sink))
        logs = [data.parent / f"worker-{i}.log" for i in range(workers)]
        for log in logs:
            with log.open("wb") as sink:
                self.procs.append(subprocess.Popen([FRAMELOOM, "worker", "--threads", "1"],
                                                   env={**env, "FRAMELOOM_WORKER_KINDS": "cpu"},
                                                   stdout=subprocess.DEVNULL, stderr=sink))
        deadline = time.monotonic() + 300  # a loaded machine starts processes slowly
        while not all(b"ready" in log.read_bytes() for log in logs) or not self._up():
            if time.monotonic() > deadline or self.procs[0].poll() is not None:
                self.close()
                raise RuntimeError(f"the processes did not start: {self.serve_log.read_bytes()[-1000:]!r} "
                                   f"{[log.read_bytes()[-300:] for log in logs]}")
            time.sleep(0.1)

    def _up(self) -> bool:
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(label: str, workers: int, chunk_s: float, args: argparse.Namespace, media: ModuleType,
        files: dict[str, Path], root: Path) -> dict[str, Any]:
    data = root / label / "data"
    data.mkdir(parents=True)
    stack = Stack(data, workers, chunk_s)
    try:
        url = stack.url
        token = httpx.post(url + "/api/auth/anonymous-token", headers={"X-Client-Id": label}).json()
        headers = {"Authorization": f"Bearer {token['data']['token']}", **SKILL}
        sid = httpx.post(url + "/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()[
            "data"]["session_id"]
        names = {}
        for name, path in files.items():
            sent = httpx.post(f"{url}/api/upload-video/nemo_agent/me/{sid}", headers=headers, timeout=120,
                              files={"file": (path.name, path.read_bytes())}).json()
            names[name] = sent["data"]["media"][0]["media_id"]
        draft = media.timeline_json(args.width, args.height, args.fps, args.seconds * 1000, names)
        began = time.perf_counter()
        posted = httpx.post(url + EXPORT, headers=headers, timeout=30,
                            json={"render_id": label, "session_id": sid, "draft": draft})
        assert posted.status_code == 200, posted.text
        while True:
            data_ = httpx.get(f"{url}{EXPORT}/{label}", headers=headers, timeout=30).json()["data"]
            if data_["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.1)
        wall = time.perf_counter() - began
        if data_["status"] != "completed":
            raise RuntimeError(f"{label}: {data_}")
        return {"wall": wall, **_records(data)}
    finally:
        stack.close()


def _records(data: Path) -> dict[str, Any]:
    db = Database(f"sqlite:///{data / 'frameloom.db'}")
    try:
        with db.read() as session:
            jobs = session.query(Job).all()
            chunks = sorted((j.payload["index"], (j.finished_at - j.started_at).total_seconds(), j.worker)
                             for j in jobs if j.kind == JobKind.EXPORT_CHUNK.value and j.finished_at and j.started_at)
            parent = next(j for j in jobs if j.kind == JobKind.EXPORT.value)
            last_run = (parent.finished_at - parent.started_at).total_seconds() \
                if parent.finished_at and parent.started_at else 0.0
    finally:
        db.dispose()
    return {"chunks": chunks, "last_run": last_run}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--chunk-s", type=float, default=20.0)
    parser.add_argument("--only", choices=("one", "two"), help="run one side only")
    args = parser.parse_args()
    media = chunk_media()
    print(f"parallel exports: {args.seconds} s of {args.width}x{args.height} at {args.fps} fps "
          f"({args.seconds * args.fps} frames), {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="frameloom-bench-chunks-") as tmp:
        root = Path(tmp)
        files = media.make_media(root / "media")
        print(f"  {'':34} {'wall s':>8}   load average at the end")
        if args.only != "two":
            one = run("one", 1, 0, args, media, files, root)
            print(f"  {'1 worker, one job':34} {one['wall']:8.1f}   {os.getloadavg()[0]:.1f}", flush=True)
        if args.only == "one":
            return
        two = run("two", 2, args.chunk_s, args, media, files, root)
    ratio = f"   speed-up x{one['wall'] / two['wall']:.2f}" if args.only is None else ""
    print(f"  {f'2 workers, chunks of {args.chunk_s:g} s':34} {two['wall']:8.1f}   {os.getloadavg()[0]:.1f}{ratio}")
    last = max(index for index, _, _ in two["chunks"])  # the audio is the last index
    for index, seconds, worker in two["chunks"]:
        what = "audio (mixed once)" if index == last else f"chunk {index}"
        print(f"    {what:18} {seconds:6.1f} s on {worker.rsplit(':', 1)[0] if worker else '?'}")
    print(f"    join (the export's last run, packet copy): {two['last_run']:.1f} s")


if __name__ == "__main__":
    main()
