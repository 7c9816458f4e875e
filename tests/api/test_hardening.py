"""Hostile bodies (issue 14): every body is bounded whatever its type, a slow sender is cut off,
malformed input is a 400 (never a 500), a client that goes away is logged as gone."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, new_token, still

from frameloom.api import create_app
from frameloom.settings import Settings

Serve = Callable[[Any], str]


def _server(live_server: Serve, settings: Settings, clock: FakeClock, **changes: Any) -> tuple[str, int]:
    url = live_server(create_app(settings.model_copy(update=changes), clock=clock))
    return url, int(url.rsplit(":", 1)[1])


def _exchange(port: int, head: bytes, body_parts: Iterator[bytes] | None = None, wait_s: float = 10.0
              ) -> tuple[bytes, float]:
    """Send ``head``, then each part from a thread (a part may sleep first) while reading the answer;
    what came back within ``wait_s`` and the seconds until its first byte."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        started = time.monotonic()
        sock.sendall(head)

        def send_parts() -> None:
            try:
                for part in body_parts or ():
                    sock.sendall(part)
            except OSError:  # the server answered and closed while we were still sending: what we test
                pass

        threading.Thread(target=send_parts, daemon=True).start()
        answer = b""
        first = wait_s
        try:
            while chunk := sock.recv(65536):
                if not answer:
                    first = time.monotonic() - started
                answer += chunk
                if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    return answer, first


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _head(path: str, content_type: str, extra: str = "") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n{extra}\r\n").encode()


# --- a size bound on every body, whatever its type -------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/json",
                                          "application/x-www-form-urlencoded"])
def test_a_declared_oversize_body_is_refused_before_it_is_read(
    live_server: Serve, settings: Settings, clock: FakeClock, content_type: str
) -> None:
    _, port = _server(live_server, settings, clock, max_json_bytes=1000)
    answer, seconds = _exchange(port, _head("/api/auth/register", content_type, "Content-Length: 300000000\r\n"))
    assert _status(answer) == 413, answer[:300]
    assert b'"code":4002' in answer
    assert b'"max_bytes":1000' in answer
    assert seconds < 5  # answered without waiting for the 300 MB


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/json"])
def test_a_streamed_oversize_body_is_refused_at_the_bound(
    client: TestClient, settings: Settings, clock: FakeClock, content_type: str
) -> None:
    bounded = TestClient(create_app(settings.model_copy(update={"max_json_bytes": 1000}), clock=clock))
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(1000):
            sent += 100
            yield b"x" * 100

    response = bounded.post("/api/auth/register", content=chunks(), headers={"Content-Type": content_type})
    assert response.status_code == 413
    assert response.json()["code"] == 4002


def test_a_declared_upload_larger_than_twenty_files_is_refused_unread(
    live_server: Serve, settings: Settings, clock: FakeClock
) -> None:
    _url, port = _server(live_server, settings, clock, upload_max_bytes=1000)
    token = TestClient(create_app(settings, clock=clock)).post(
        "/api/auth/anonymous-token", headers={"X-Client-Id": "big"}).json()["data"]["token"]
    head = _head("/api/upload-video/nemo_agent/me/s1", "multipart/form-data; boundary=b",
                 f"Authorization: Bearer {token}\r\nContent-Length: 10000000000\r\n")
    assert _status(_exchange(port, head)[0]) in (404, 413)  # the session check may answer first


# --- slow senders ------------------------------------------------------------------------------


def _drip(first: bytes, pause_s: float, count: int) -> Iterator[bytes]:
    yield first
    for _ in range(count):
        time.sleep(pause_s)
        yield b" "


def test_a_slow_json_body_is_cut_off_at_the_deadline(live_server: Serve, settings: Settings, clock: FakeClock) -> None:
    _, port = _server(live_server, settings, clock, body_timeout_s=1.0)
    head = _head("/api/auth/login", "application/json", "Content-Length: 200\r\n")
    answer, seconds = _exchange(port, head, _drip(b"{", 0.3, 60))
    assert _status(answer) == 400, answer[:300]
    assert b"body" in answer
    assert b"1 s" in answer
    assert seconds < 2


def test_a_body_below_the_minimum_rate_is_cut_off(live_server: Serve, settings: Settings, clock: FakeClock) -> None:
    _, port = _server(live_server, settings, clock, body_rate_grace_s=0.5, body_min_rate=1000)
    head = _head("/api/auth/login", "application/json", "Content-Length: 5000\r\n")
    answer, seconds = _exchange(port, head, _drip(b"{", 0.2, 100))
    assert _status(answer) == 400, answer[:300]
    assert b"bytes/s" in answer
    assert seconds < 2


def test_a_slow_upload_is_cut_off_and_leaves_nothing(live_server: Serve, settings: Settings, clock: FakeClock) -> None:
    _url, port = _server(live_server, settings, clock, body_timeout_s=1.0)
    with TestClient(create_app(settings, clock=clock)) as setup:
        token = new_token(setup)
        sid = setup.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                         headers={"Authorization": f"Bearer {token}"}).json()["data"]["session_id"]
    part = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + still("png"))
    head = _head(f"/api/upload-video/nemo_agent/me/{sid}", "multipart/form-data; boundary=b",
                 f"Authorization: Bearer {token}\r\nContent-Length: 100000\r\n")
    answer, seconds = _exchange(port, head, _drip(part, 0.3, 60))
    assert _status(answer) == 400, answer[:300]
    assert seconds < 2
    time.sleep(0.2)
    assert not [p for p in settings.staging_dir.glob("*") if p.is_file()]


# --- malformed input is a 400 ----------------------------------------------------------------


@pytest.fixture
def upload_url(client: TestClient, session_id: str) -> str:
    return f"/api/upload-video/nemo_agent/me/{session_id}"


@pytest.mark.parametrize("body", [
    b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\x89PNG--b--garbage",
    b"not a multipart body at all",
    b"--b\r\nno-colon-header\r\n\r\ndata\r\n--b--\r\n",
    b"--b\r\n" + b"X-Header: " + b"v" * 200_000 + b"\r\n\r\ndata\r\n--b--\r\n",
    b"--b\rbroken",
])
def test_a_broken_multipart_body_is_400(client: TestClient, headers: dict[str, str], upload_url: str,
                                        body: bytes) -> None:
    response = client.post(upload_url, content=body,
                           headers={**headers, "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 400


@pytest.mark.parametrize("boundary", ["", "x" * 300, "a<b>c", "a\\b"])
def test_an_odd_boundary_is_400(client: TestClient, headers: dict[str, str], upload_url: str, boundary: str) -> None:
    response = client.post(upload_url, content=b"--x\r\n\r\n--x--\r\n",
                           headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("name", ["a" * 100_000 + ".png", "\u00e9" * 5000 + ".png", "../" * 2000 + "x.png",
                                  "\x00\x01.png", ""])
def test_a_very_long_or_odd_file_name_is_taken_or_400(
    client: TestClient, headers: dict[str, str], upload_url: str, name: str
) -> None:
    response = client.post(upload_url, headers=headers, files={"file": (name, still("png"), "image/png")})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert len(response.json()["data"]["media"][0]["filename"]) <= 130


@pytest.mark.parametrize("exp", ["\u00b2", "\u0661\u0662", "1e9", "-1", "9" * 5000, ""])
def test_a_signed_link_with_an_odd_exp_is_403(client: TestClient, exp: str) -> None:
    response = client.get("/files/m/abc/x.png", params={"exp": exp, "sig": "abc"})
    assert response.status_code == 403, response.text


# --- a client that goes away ----------------------------------------------------------------


def test_a_client_gone_mid_upload_is_logged_as_a_disconnect(
    live_server: Serve, settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    _url, port = _server(live_server, settings, clock)
    with TestClient(create_app(settings, clock=clock)) as setup:
        token = new_token(setup)
        sid = setup.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                         headers={"Authorization": f"Bearer {token}"}).json()["data"]["session_id"]
    head = _head(f"/api/upload-video/nemo_agent/me/{sid}", "multipart/form-data; boundary=b",
                 f"Authorization: Bearer {token}\r\nContent-Length: 100000\r\n")
    part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n' + b"\x89PNG" * 100
    caplog.set_level(logging.INFO)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head + part)
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any("disconnect" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    assert any("disconnect" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [p for p in settings.staging_dir.glob("*") if p.is_file()]
