"""Time to the first event of ``POST /run_sse`` on the embedded default, against a bare FastAPI stream.

    python bench/chat.py [--turns 50]

Both apps run in one uvicorn server each, in this process's threads, on
127.0.0.1 (uvicorn's defaults with ``frameloom serve``'s TCP_NODELAY protocol, no
access log). frameloom runs as ``frameloom
serve`` would (SQLite and huey's SQLite queue in a fresh data folder, one job
consumer thread), with a trivial agent that answers one text event and ends the
turn; so the figure is the transport's: the turn stored and queued, picked up
by the consumer, its event stored and relayed. The bare app's
``StreamingResponse`` sends one ``data:`` line at once. Each turn is timed from
the request to the first ``data:`` line, on a kept-alive connection, both apps
interleaved. A benchmark, not a test: it prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from frameloom.agent.turns import Emit, Turn
from frameloom.api import create_app
from frameloom.api.transport import NoDelayH11Protocol
from frameloom.domain.events import Content, Event, Part
from frameloom.settings import Settings
from frameloom.store.ids import new_id

HOST = "127.0.0.1"
GOAL_MS = 50.0


class Answer:
    """The trivial agent: one text event that ends the turn."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(Event(id=new_id("evt"), invocation_id=turn.invocation_id, timestamp=time.time(),
                   content=Content(parts=[Part(text="ok")]), turn_complete=True))


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/run_sse")
    async def run_sse() -> StreamingResponse:
        async def events() -> AsyncIterator[bytes]:
            yield b'data: {"id": "e1", "author": "nemo_agent", "turnComplete": true}\n\n'

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


class Server:
    """``app`` under uvicorn on a free port, in a thread (lifespan on: frameloom's job consumer runs)."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.url = f"http://{HOST}:{self.sock.getsockname()[1]}"
        # TCP_NODELAY as `frameloom serve` sets it: otherwise an event written after the headers waits
        # for the client's delayed ACK (about 40 ms), whatever the server does
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http=NoDelayH11Protocol)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def first_event_ms(client: httpx.Client, body: dict[str, Any]) -> float:
    """From sending the request to the first ``data:`` line, in ms (the stream is then read to its end)."""
    began = time.perf_counter()
    first = None
    with client.stream("POST", "/run_sse", json=body) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and line.startswith("data:"):
                first = (time.perf_counter() - began) * 1000
    assert first is not None, "no event"
    return first


def summary(name: str, samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return f"{name:<46}{cuts[49]:>9.2f}{cuts[98]:>9.2f}{max(samples):>9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--turns", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(_env_file=None, data_dir=Path(data_dir), access_log=False)  # type: ignore[call-arg]
        with Server(create_app(settings, turns=Answer())) as ours, Server(bare_app()) as bare, \
                httpx.Client(base_url=ours.url, timeout=30) as frameloom, \
                httpx.Client(base_url=bare.url, timeout=30) as baseline:
            token = frameloom.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench-chat"}).json()
            frameloom.headers["Authorization"] = f"Bearer {token['data']['token']}"
            session_id = frameloom.post("/api/tasks/me/with-session/nemo_agent", json={}).json()["data"]["session_id"]
            body = {"session_id": session_id, "new_message": {"role": "user", "parts": [{"text": "hello"}]}}
            for _ in range(5):  # warm-up: first connections, compiled statements, huey's tables
                first_event_ms(frameloom, body)
                first_event_ms(baseline, {})
            ours_ms, bare_ms = [], []
            for _ in range(args.turns):  # interleaved, so a busy moment on the machine hits both
                ours_ms.append(first_event_ms(frameloom, body))
                bare_ms.append(first_event_ms(baseline, {}))
    print(f"time to the first event, {args.turns} turns each, one keep-alive connection, 1 job consumer thread")
    print(f"{'':<46}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(summary("POST /run_sse (bare FastAPI StreamingResponse)", bare_ms))
    print(summary("POST /run_sse (frameloom: turn job, stored event)", ours_ms))
    p50 = statistics.median(ours_ms)
    verdict = "meets" if p50 <= GOAL_MS else "misses"
    print(f"frameloom p50 {p50:.1f} ms {verdict} the goal of {GOAL_MS:g} ms")


if __name__ == "__main__":
    main()
