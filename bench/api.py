"""Requests per second of ``GET /api/credits/balance/simple`` against a bare FastAPI hello-world.

    python bench/api.py [--seconds 5] [--rounds 3] [--connections 50]

Both apps run in their own process under the same uvicorn settings (one
worker, 127.0.0.1, uvicorn's defaults, no uvicorn access log); frameloom runs
as ``frameloom serve`` would (SQLite in a fresh data folder, JSON logs at info,
one access-log line per request, to a discarded stderr), and once more with
``FRAMELOOM_ACCESS_LOG=false`` to show what that line costs; the balance
request carries a valid token. The load
comes from ``wrk`` when it is installed (``apt-get install wrk``), else from a
small asyncio client; either way with 50 concurrent keep-alive connections.
A benchmark, not a test: it prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
TARGET_RATIO = 0.5


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def serve(which: str, port: int, data_dir: str) -> None:
    """Run one app (``hello`` or ``frameloom``) with the shared uvicorn settings; blocks."""
    import uvicorn
    from fastapi import FastAPI

    if which == "hello":
        app = FastAPI()

        @app.get("/hello")
        async def hello() -> dict[str, str]:
            return {"message": "hello world"}

    else:
        from frameloom.api import create_app
        from frameloom.api.observability import configure_logging
        from frameloom.settings import Settings

        settings = Settings(_env_file=None, data_dir=Path(data_dir))  # type: ignore[call-arg]
        app = create_app(settings)
        configure_logging(settings.log_level, settings.log_format)
    uvicorn.run(app, host=HOST, port=port, log_config=None, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _start(which: str, data_dir: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", which, "--port", str(port), "--data", data_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    base = f"http://{HOST}:{port}"
    for _ in range(300):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return proc, base
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{which} server did not start")


def _token(base: str) -> str:
    request = urllib.request.Request(f"{base}/api/auth/anonymous-token", method="POST",
                                     headers={"X-Client-Id": f"bench-{os.getpid()}"})
    with urllib.request.urlopen(request) as response:
        token: str = json.load(response)["data"]["token"]
        return token


def _wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> Load:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    return Load(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors)


def _wrk_ms(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def _asyncio_load(url: str, headers: dict[str, str], seconds: float, connections: int) -> Load:
    """Keep-alive HTTP/1.1 GETs from ``connections`` concurrent clients for ``seconds``."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: {host_port}\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        host, port = host_port.split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            errors += not head.startswith(b"HTTP/1.1 200")
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, errors)


def _median(loads: list[Load]) -> Load:
    """The round with the median requests per second."""
    return sorted(loads, key=lambda load: load.rps)[len(loads) // 2]


def measure(url: str, headers: dict[str, str], seconds: float, connections: int) -> Load:
    if shutil.which("wrk"):
        _wrk(url, headers, 1, connections)  # warm-up
        return _wrk(url, headers, seconds, connections)
    asyncio.run(_asyncio_load(url, headers, 1, connections))
    return asyncio.run(_asyncio_load(url, headers, seconds, connections))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=["hello", "frameloom"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.data)
        return

    tool = "wrk" if shutil.which("wrk") else "asyncio client"
    with tempfile.TemporaryDirectory() as data_dir:
        hello, hello_url = _start("hello", data_dir)
        frameloom, frameloom_url = _start("frameloom", data_dir)
        quiet, quiet_url = _start("frameloom", data_dir, {"FRAMELOOM_ACCESS_LOG": "false"})
        try:
            token = _token(frameloom_url)
            balance = "/api/credits/balance/simple"
            auth = {"Authorization": f"Bearer {token}"}
            print(f"uvicorn, 1 worker, {args.connections} connections, {args.rounds} interleaved rounds of "
                  f"{args.seconds:g} s each (median round shown), load from {tool}")
            rounds: dict[str, list[Load]] = {"bare": [], "ours": [], "quiet": []}
            for _ in range(args.rounds):  # interleaved, so a busy moment on the machine hits all
                rounds["bare"].append(measure(f"{hello_url}/hello", {}, args.seconds, args.connections))
                rounds["ours"].append(measure(frameloom_url + balance, auth, args.seconds, args.connections))
                rounds["quiet"].append(measure(quiet_url + balance, auth, args.seconds, args.connections))
            bare, ours, quiet_load = (_median(rounds[key]) for key in ("bare", "ours", "quiet"))
        finally:
            for proc in (hello, frameloom, quiet):
                proc.terminate()
                proc.wait(timeout=10)
    print(f"{'endpoint':<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    rows = (("GET /hello (bare FastAPI)", bare), ("GET /api/credits/balance/simple (token)", ours),
            ("  the same, FRAMELOOM_ACCESS_LOG=false", quiet_load))
    for name, load in rows:
        print(f"{name:<44}{load.rps:>9.0f}{load.p50_ms:>9.2f}{load.p99_ms:>9.2f}{load.errors:>8}")
    for label, load in (("balance / hello", ours), ("without the access log", quiet_load)):
        ratio = load.rps / bare.rps
        verdict = "meets" if ratio >= TARGET_RATIO else "misses"
        print(f"ratio {label}: {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")


if __name__ == "__main__":
    main()
