"""URL imports through HTTP, from a local file server, with the SSRF guard of SPEC section 7."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, still, video

from frameloom.api import create_app
from frameloom.settings import Settings

FILES = {"fox.png": still("png"), "clip.mp4": video("mp4"), "notes.txt": b"plain text"}


def _file_server() -> FastAPI:
    server = FastAPI()

    @server.get("/media/{name}")
    def media(name: str) -> Response:
        if name not in FILES:
            return Response(status_code=404)
        return Response(FILES[name], media_type="application/octet-stream")

    @server.get("/redirect")
    def redirect(to: str) -> RedirectResponse:
        return RedirectResponse(to, status_code=302)

    @server.get("/loop")
    def loop() -> RedirectResponse:
        return RedirectResponse("/loop", status_code=302)

    @server.get("/endless")
    def endless() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            for _ in range(100):
                yield b"\x89PNG" + b"\x00" * 1020

        return StreamingResponse(chunks(), media_type="application/octet-stream")

    @server.get("/slow")
    async def slow() -> StreamingResponse:
        async def drip() -> AsyncIterator[bytes]:
            yield b"\x89PNG\r\n\x1a\n"
            for _ in range(20):
                await asyncio.sleep(0.1)
                yield b"\x00" * 10

        return StreamingResponse(drip(), media_type="application/octet-stream")

    return server


@pytest.fixture
def files_url(live_server: Callable[[Any], str]) -> str:
    return live_server(_file_server())


def _client(settings: Settings, clock: FakeClock, **changes: Any) -> tuple[TestClient, dict[str, str], str]:
    client = TestClient(create_app(settings.model_copy(update=changes), clock=clock))
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "imp"}).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    return client, headers, sid


@pytest.fixture
def allowed(settings: Settings, clock: FakeClock) -> tuple[TestClient, dict[str, str], str]:
    """The operator allows 127.0.0.1 (and only that address)."""
    return _client(settings, clock, url_import_allowed_networks=["127.0.0.1/32"])


def _import(client: TestClient, headers: dict[str, str], sid: str, *urls: str) -> Any:
    return client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers, json={"urls": list(urls)})


def _no_leftovers(settings: Settings) -> bool:
    return not [p for d in (settings.staging_dir, settings.media_dir) if d.exists() for p in d.rglob("*")
                if p.is_file()]


def test_an_allowed_address_is_imported(allowed: tuple[TestClient, dict[str, str], str], files_url: str) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/media/fox.png", f"{files_url}/media/clip.mp4")
    assert response.status_code == 200, response.text
    media = response.json()["data"]["media"]
    assert [(m["filename"], m["kind"]) for m in media] == [("fox.png", "image"), ("clip.mp4", "video")]
    assert client.get(media[0]["url"]).content == FILES["fox.png"]


def test_redirects_are_followed_when_every_hop_is_allowed(
    allowed: tuple[TestClient, dict[str, str], str], files_url: str
) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/redirect?to=/media/fox.png")
    assert response.json()["data"]["media"][0]["format"] == "png"


def test_loopback_is_refused_when_the_operator_allows_nothing(
    settings: Settings, clock: FakeClock, files_url: str
) -> None:
    client, headers, sid = _client(settings, clock)
    response = _import(client, headers, sid, f"{files_url}/media/fox.png")
    assert response.status_code == 400
    (error,) = response.json()["data"]["errors"]
    assert error["field"] == "urls[0]"
    assert "may not reach" in error["problem"]
    assert _no_leftovers(settings)


def test_a_name_that_resolves_to_loopback_is_refused(settings: Settings, clock: FakeClock, files_url: str) -> None:
    client, headers, sid = _client(settings, clock)
    response = _import(client, headers, sid, files_url.replace("127.0.0.1", "localhost") + "/media/fox.png")
    assert "may not reach" in response.json()["data"]["errors"][0]["problem"]


def test_each_redirect_hop_is_checked_again(allowed: tuple[TestClient, dict[str, str], str], files_url: str) -> None:
    client, headers, sid = allowed
    port = files_url.rsplit(":", 1)[1]
    response = _import(client, headers, sid, f"{files_url}/redirect?to=http://127.0.0.2:{port}/media/fox.png")
    assert response.status_code == 400
    assert "127.0.0.2" in response.json()["data"]["errors"][0]["problem"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
def test_only_http_and_https(allowed: tuple[TestClient, dict[str, str], str], files_url: str, target: str) -> None:
    client, headers, sid = allowed
    for url in (target, f"{files_url}/redirect?to={target}"):
        response = _import(client, headers, sid, url)
        assert response.status_code == 400
        assert "only http and https" in response.json()["data"]["errors"][0]["problem"]


@pytest.mark.parametrize("ip", ["10.1.2.3", "169.254.169.254", "192.168.0.1", "224.0.0.1", "0.0.0.0", "[::1]",
                                "[fe80::1]", "[::ffff:127.0.0.1]"])
def test_private_link_local_and_multicast_addresses_are_refused(
    settings: Settings, clock: FakeClock, ip: str
) -> None:
    client, headers, sid = _client(settings, clock)
    response = _import(client, headers, sid, f"http://{ip}/x.png")
    assert "may not reach" in response.json()["data"]["errors"][0]["problem"]


def test_too_many_redirects(allowed: tuple[TestClient, dict[str, str], str], files_url: str) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/loop")
    assert "more than 5 redirects" in response.json()["data"]["errors"][0]["problem"]


def test_an_http_error_is_400(allowed: tuple[TestClient, dict[str, str], str], files_url: str) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/media/missing.png")
    assert "HTTP 404" in response.json()["data"]["errors"][0]["problem"]


def test_imports_are_size_capped(settings: Settings, clock: FakeClock, files_url: str) -> None:
    client, headers, sid = _client(settings, clock, url_import_allowed_networks=["127.0.0.1/32"],
                                   upload_max_bytes=1000)
    for path in ("/media/clip.mp4", "/endless"):  # with and without a Content-Length
        response = _import(client, headers, sid, files_url + path)
        assert response.status_code == 413
        assert response.json()["data"] == {"max_bytes": 1000}
    assert _no_leftovers(settings)


def test_an_imported_file_is_typed_by_content(allowed: tuple[TestClient, dict[str, str], str], files_url: str) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/media/notes.txt")
    assert response.json()["code"] == 4001


def test_one_failing_url_imports_nothing(
    allowed: tuple[TestClient, dict[str, str], str], files_url: str, settings: Settings
) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, f"{files_url}/media/fox.png", f"{files_url}/media/missing.png")
    assert response.status_code == 400
    state = client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert state["media"] == []
    assert _no_leftovers(settings)


@pytest.mark.parametrize(("body", "field"), [(b"{not json", "body"), (b'{"urls": "x"}', "urls"),
                                             (b'{"urls": []}', "urls")])
def test_a_bad_json_body_is_400(
    allowed: tuple[TestClient, dict[str, str], str], body: bytes, field: str
) -> None:
    client, headers, sid = allowed
    response = client.post(f"/api/upload-video/nemo_agent/me/{sid}", content=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == field


def test_a_huge_json_body_is_4002(settings: Settings, clock: FakeClock) -> None:
    client, headers, sid = _client(settings, clock, max_json_bytes=100)
    response = _import(client, headers, sid, *[f"http://example.com/{i}.png" for i in range(10)])
    assert response.status_code == 413
    assert response.json()["data"] == {"max_bytes": 100}


def test_imports_are_time_capped(settings: Settings, clock: FakeClock, files_url: str) -> None:
    client, headers, sid = _client(settings, clock, url_import_allowed_networks=["127.0.0.1/32"],
                                   url_import_timeout_s=0.5)
    response = _import(client, headers, sid, f"{files_url}/slow")
    assert response.status_code == 400
    assert "took longer than 0.5 s" in response.json()["data"]["errors"][0]["problem"]
    assert _no_leftovers(settings)


def test_at_most_ten_urls(allowed: tuple[TestClient, dict[str, str], str]) -> None:
    client, headers, sid = allowed
    response = _import(client, headers, sid, *[f"http://example.com/{i}.png" for i in range(11)])
    assert response.json()["data"]["errors"] == [{"field": "urls", "problem": "give 1 to 10 URLs"}]
