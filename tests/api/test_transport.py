"""Kept-alive connections answer at once: ``frameloom serve`` sets TCP_NODELAY on each connection."""

from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time

import uvicorn
from fastapi import FastAPI

from frameloom.api.transport import NoDelayH11Protocol


def keepalive_ms(protocol: type[NoDelayH11Protocol] | str) -> float:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, int]:
        return {"ok": 1}

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                           http=protocol))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        times = []
        for _ in range(8):
            started = time.perf_counter()
            conn.request("GET", "/ping")
            conn.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
        conn.close()
        return statistics.median(times)
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def test_requests_on_a_kept_alive_connection_are_not_held_back() -> None:
    assert keepalive_ms(NoDelayH11Protocol) < 20  # about 1 ms; 44 ms without TCP_NODELAY
