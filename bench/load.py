"""Load on the embedded default: 50 concurrent clients on loopback, and the server's memory over a soak.

    python bench/load.py [--clients 50] [--seconds 10] [--requests 2000]   # make load
    python bench/load.py --soak 600                                        # make soak (SOAK_S)

``frameloom serve`` runs as its own process (SQLite in a fresh data folder, one job worker
thread, access log off); this process drives it with httpx on asyncio. Each scenario runs
until ``--requests`` answers or ``--seconds`` have passed, whichever comes first, with
``--clients`` concurrent clients, each with its own anonymous account and keep-alive
connection. Scenarios: ``GET /api/credits/balance/simple``; ``POST /v1/images/generations``
at 1024x1024, its smallest size (synchronous: the answer carries the picture, so its latency includes the
queue); chat turns ``POST /run`` with "help" and with a small edit. The server's RSS
(VmRSS of its pid) is sampled every second. The soak repeats the mix for ``--soak``
seconds and prints RSS after a warm-up minute (or a tenth of the soak) and at the end.
A benchmark, not a test: it prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
FRAMELOOM = str(Path(sys.executable).with_name("frameloom"))
IMAGE = {"prompt": "a small red boat on a lake", "n": 1, "size": "1024x1024"}  # the smallest size /v1 takes
EDIT = "add a title Hello"

Call = Callable[[httpx.AsyncClient, "Account"], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Account:
    headers: dict[str, str]
    session_id: str


@dataclass
class Result:
    latencies_s: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def line(self, name: str) -> str:
        lat = sorted(self.latencies_s)
        if not lat:
            return f"{name:<44} no answers; errors {self.errors}"
        p50 = lat[len(lat) // 2] * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        return (f"{name:<44} {len(lat) / self.elapsed_s:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:8.1f} ms  "
                f"n={len(lat)}  errors={self.errors or 0}")


class Server:
    """``frameloom serve`` in a fresh data folder; its RSS sampled every second on a thread."""

    def __init__(self, data: Path) -> None:
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            self.port: int = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_")}
        env.update(FRAMELOOM_DATA_DIR=str(data), FRAMELOOM_SECRET_KEY="k" * 40, FRAMELOOM_ACCESS_LOG="false",
                   FRAMELOOM_LOG_LEVEL="warning", FRAMELOOM_ANONYMOUS_PER_IP="100000",
                   FRAMELOOM_ANONYMOUS_CREDITS="1000000")
        self.proc = subprocess.Popen([FRAMELOOM, "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://{HOST}:{self.port}"
        self.rss_kib: list[tuple[float, int]] = []
        self._stop = threading.Event()
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def rss_now(self) -> int:
        """VmRSS of the server process, KiB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def _sample(self) -> None:
        start = time.monotonic()
        while not self._stop.wait(1.0) and self.proc.poll() is None:
            self.rss_kib.append((time.monotonic() - start, self.rss_now()))

    def close(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def account(client: httpx.AsyncClient, n: int) -> Account:
    token = (await client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"load-{n}-{time.time_ns()}"}
                               )).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sid = (await client.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={})).json()["data"][
        "session_id"]
    return Account(headers, sid)


def chat_body(account: Account, text: str) -> dict[str, object]:
    return {"session_id": account.session_id, "app_name": "nemo_agent", "user_id": "me",
            "new_message": {"role": "user", "parts": [{"text": text}]}}


SCENARIOS: dict[str, Call] = {
    "GET /api/credits/balance/simple":
        lambda c, a: c.get("/api/credits/balance/simple", headers=a.headers),
    "POST /v1/images/generations 1024x1024":
        lambda c, a: c.post("/v1/images/generations", headers=a.headers, json=IMAGE),
    "POST /run 'help'":
        lambda c, a: c.post("/run", headers=a.headers, json=chat_body(a, "help")),
    f"POST /run '{EDIT}'":
        lambda c, a: c.post("/run", headers=a.headers, json=chat_body(a, EDIT)),
}


async def drive(url: str, accounts: list[Account], call: Call, requests: int, seconds: float) -> Result:
    """``len(accounts)`` clients call ``call`` in a loop until ``requests`` answers or ``seconds`` pass."""
    result = Result()
    left = [requests]
    deadline = time.monotonic() + seconds

    async def client(acc: Account) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            while left[0] > 0 and time.monotonic() < deadline:
                left[0] -= 1
                start = time.perf_counter()
                try:
                    response = await call(http, acc)
                    status = response.status_code
                except httpx.HTTPError:
                    status = -1
                if status == 200:
                    result.latencies_s.append(time.perf_counter() - start)
                else:
                    result.errors[status] = result.errors.get(status, 0) + 1

    start = time.perf_counter()
    await asyncio.gather(*(client(acc) for acc in accounts))
    result.elapsed_s = time.perf_counter() - start
    return result


async def load(server: Server, clients: int, requests: int, seconds: float) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        accounts = [await account(http, n) for n in range(clients)]
    print(f"frameloom serve (embedded default), {clients} concurrent clients, "
          f"at most {requests} requests or {seconds:.0f} s per scenario; RSS {server.rss_now() / 1024:.0f} MiB")
    for name, call in SCENARIOS.items():
        result = await drive(server.url, accounts, call, requests, seconds)
        print(result.line(name), flush=True)
    print(f"server RSS after the scenarios: {server.rss_now() / 1024:.0f} MiB, "
          f"peak sampled {max((r for _, r in server.rss_kib), default=0) / 1024:.0f} MiB")


async def soak(server: Server, clients: int, seconds: float, only: list[str]) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        accounts = [await account(http, n) for n in range(clients)]
    warmup = min(60.0, seconds / 10)
    names = [name for name in SCENARIOS if not only or any(word in name for word in only)]
    calls = [SCENARIOS[name] for name in names]
    answered = [0]

    async def mixed(c: httpx.AsyncClient, a: Account) -> httpx.Response:
        answered[0] += 1
        return await calls[answered[0] % len(calls)](c, a)

    print(f"soak: {clients} clients, {len(calls)} scenario(s) in turn ({'; '.join(names)}), {seconds:.0f} s "
          f"(warm-up {warmup:.0f} s)", flush=True)
    await drive(server.url, accounts, mixed, 10**9, warmup)
    base = server.rss_now()
    result = await drive(server.url, accounts, mixed, 10**9, seconds - warmup)
    end = server.rss_now()
    after = [r for t, r in server.rss_kib if t >= warmup] or [end]
    print(result.line("mixed" if len(calls) > 1 else names[0]))
    print(f"RSS after warm-up {base / 1024:.1f} MiB, at the end {end / 1024:.1f} MiB, growth "
          f"{(end - base) / 1024:+.1f} MiB ({(end - base) / base * 100:+.1f} %); "
          f"min/median/max over the soak {min(after) / 1024:.1f}/{statistics.median(after) / 1024:.1f}/"
          f"{max(after) / 1024:.1f} MiB")
    step = max(1, len(after) // 10)
    print("RSS over the soak (MiB, every tenth):", " ".join(f"{r / 1024:.0f}" for r in after[::step]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario, at most")
    parser.add_argument("--requests", type=int, default=2000, help="per scenario, at most")
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of mixed load, RSS sampled")
    parser.add_argument("--only", action="append", default=[],
                        help="soak only the scenarios whose name holds this word (repeatable): balance, v1, run...")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "data")
        try:
            if args.soak:
                asyncio.run(soak(server, args.clients, args.soak, args.only))
            else:
                asyncio.run(load(server, args.clients, args.requests, args.seconds))
        finally:
            server.close()


if __name__ == "__main__":
    main()
