"""Download links: signed, expiring, with real HTTP Range requests against a uvicorn server, with the
media on local disk and in S3 (SeaweedFS): the same answers from both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from tests.api.conftest import FakeClock
from tests.support.seaweed import S3Server

from frameloom.api import create_app
from frameloom.settings import Settings

DATA = bytes(range(256)) * 40  # 10240 bytes
KEY = "m/med_test/clip.mp4"


@pytest.fixture(params=["local", "s3"])
def app(request: pytest.FixtureRequest, settings: Settings, clock: FakeClock) -> FastAPI:
    if request.param == "s3":
        server: S3Server = request.getfixturevalue("seaweed")
        settings = settings.model_copy(update={"s3_url": request.getfixturevalue("s3_url"),
                                               "s3_endpoint": server.endpoint})
    return create_app(settings, clock=clock)


@pytest.fixture
def link(app: FastAPI) -> str:
    app.state.storage.put_bytes(KEY, DATA)
    url: str = app.state.signer.url("", KEY)
    return url


@pytest.fixture
def server(app: FastAPI, live_server: Callable[[Any], str]) -> str:
    return live_server(app)


def test_a_signed_link_serves_the_whole_file(server: str, link: str) -> None:
    response = httpx.get(server + link)
    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-length"] == str(len(DATA))


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, 10239), ("bytes=-10", 10230, 10239), ("bytes=10000-99999", 10000, 10239)],
)
def test_a_range_is_206_with_content_range(server: str, link: str, header: str, start: int, end: int) -> None:
    response = httpx.get(server + link, headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response.headers["content-length"] == str(end - start + 1)
    assert response.content == DATA[start : end + 1]


def test_a_range_past_the_end_is_416(server: str, link: str) -> None:
    response = httpx.get(server + link, headers={"Range": "bytes=20000-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(DATA)}"


def test_several_ranges_get_the_whole_file(server: str, link: str) -> None:
    response = httpx.get(server + link, headers={"Range": "bytes=0-1,5-6"})
    assert response.status_code == 200
    assert response.content == DATA


def test_head_tells_the_size(server: str, link: str) -> None:
    response = httpx.head(server + link)
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(DATA))


def test_a_tampered_signature_is_403(server: str, link: str) -> None:
    response = httpx.get(server + link[:-2] + "xx")
    assert response.status_code == 403
    assert response.json()["code"] == 403


def test_a_link_for_another_key_is_403(server: str, link: str) -> None:
    response = httpx.get(server + link.replace("clip.mp4", "other.mp4"))
    assert response.status_code == 403


def test_an_unsigned_link_is_403(server: str) -> None:
    assert httpx.get(f"{server}/files/{KEY}").status_code == 403


def test_an_expired_link_is_403(server: str, link: str, clock: FakeClock) -> None:
    clock.advance(days=1, seconds=1)
    response = httpx.get(server + link)
    assert response.status_code == 403
    assert "expired" in response.json()["message"]


def test_a_signed_link_to_nothing_is_1002(server: str, app: FastAPI) -> None:
    url = app.state.signer.url(server, "m/med_gone/x.png")
    assert httpx.get(url).json()["code"] == 1002


def test_path_traversal_is_refused(server: str, app: FastAPI) -> None:
    response = httpx.get(f"{server}/files/m/..%2F..%2Fsecret_key?exp=1&sig=x")
    assert response.status_code in {403, 404}


def test_concurrent_ranges_each_get_their_own_bytes(server: str, link: str) -> None:
    """A player seeking, many viewers at once: the storage's readers share one client, not a position."""
    from concurrent.futures import ThreadPoolExecutor

    starts = [(i * 617) % (len(DATA) - 300) for i in range(24)]

    def fetch(start: int) -> bytes:
        response = httpx.get(server + link, headers={"Range": f"bytes={start}-{start + 299}"})
        assert response.status_code == 206
        return response.content

    with ThreadPoolExecutor(max_workers=12) as pool:
        bodies = list(pool.map(fetch, starts))
    assert bodies == [DATA[start:start + 300] for start in starts]
