"""The URL import guard (services/fetch.py): every IPv6 form that carries an IPv4 address is judged by
that address, odd URLs are 400s, and a slow sender is cut off by one deadline on the whole download."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import RedirectResponse, StreamingResponse

from frameloom.domain.errors import InvalidRequest
from frameloom.services.fetch import Fetcher, address_allowed, embedded_ipv4

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32")]


@pytest.mark.parametrize(("address", "inside"), [
    ("::ffff:127.0.0.1", "127.0.0.1"),            # IPv4-mapped
    ("::127.0.0.1", "127.0.0.1"),                 # IPv4-compatible (deprecated, still routed by some stacks)
    ("::10.0.0.1", "10.0.0.1"),
    ("64:ff9b::7f00:1", "127.0.0.1"),             # NAT64 well-known prefix
    ("64:ff9b::a9fe:a9fe", "169.254.169.254"),    # NAT64 to the cloud metadata address
    ("2002:7f00:1::", "127.0.0.1"),               # 6to4
    ("2002:c0a8:101::1", "192.168.1.1"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),  # Teredo (client address, un-XORed)
])
def test_an_ipv6_form_carrying_a_private_ipv4_is_refused(address: str, inside: str) -> None:
    ip = ipaddress.ip_address(address)
    assert ipaddress.ip_address(inside) in embedded_ipv4(ip)
    assert not address_allowed(ip, [])


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "8.8.8.8",
                                     "2606:4700::1111"])
def test_an_ipv6_form_carrying_a_public_ipv4_passes(address: str) -> None:
    assert address_allowed(ipaddress.ip_address(address), [])


def test_the_operator_may_allow_an_embedded_address() -> None:
    assert address_allowed(ipaddress.ip_address("::ffff:127.0.0.1"), LOOPBACK)
    assert address_allowed(ipaddress.ip_address("64:ff9b::7f00:1"), LOOPBACK)


def _fetcher(timeout_s: float = 5.0, allowed: list[str] | None = None) -> Fetcher:
    return Fetcher(allowed if allowed is not None else ["127.0.0.1/32"], 10_000_000, timeout_s)


@pytest.mark.parametrize("url", [
    "http://0177.0.0.1/x.png",           # octal loopback
    "http://[::1/x.png",                 # unclosed bracket
    "http://example.com/" + "a" * 100_000,
    "http://exa\x00mple.com/x.png",
    "http://" + "a" * 300 + ".com/x.png",  # a label longer than DNS allows
    "http:///x.png",
    "file:///etc/passwd",
    "",
])
def test_odd_urls_are_invalid_requests(url: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest) as caught:
        _fetcher().fetch(url, tmp_path / "x.part", field="urls[0]")
    assert caught.value.problems[0].field == "urls[0]"
    assert len(str(caught.value)) < 1000  # the URL is shortened in the message
    assert not (tmp_path / "x.part").exists()


def _server() -> FastAPI:
    server = FastAPI()

    @server.get("/to-data")
    def to_data() -> RedirectResponse:
        return RedirectResponse("data:image/png;base64,iVBORw0KGgo=", status_code=302)

    @server.get("/to-odd")
    def to_odd() -> RedirectResponse:
        return RedirectResponse("http://[::1/x", status_code=302)

    @server.get("/drip")
    async def drip() -> StreamingResponse:
        async def one_byte_at_a_time() -> AsyncIterator[bytes]:
            yield b"\x89PNG\r\n\x1a\n"
            for _ in range(60):  # 12 s in all, never 64 KiB
                await asyncio.sleep(0.2)
                yield b"\x00"

        return StreamingResponse(one_byte_at_a_time(), media_type="application/octet-stream")

    @server.get("/stall")
    async def stall() -> StreamingResponse:
        async def headers_then_nothing() -> AsyncIterator[bytes]:
            yield b"\x89PNG\r\n\x1a\n"
            await asyncio.sleep(12)
            yield b"\x00"

        return StreamingResponse(headers_then_nothing(), media_type="application/octet-stream")

    return server


@pytest.fixture
def server_url(live_server: Callable[[Any], str]) -> str:
    return live_server(_server())


@pytest.mark.parametrize("path", ["/to-data", "/to-odd"])
def test_a_redirect_to_an_odd_place_is_an_invalid_request(server_url: str, path: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest, match="urls"):
        _fetcher().fetch(server_url + path, tmp_path / "x.part", field="urls")


@pytest.mark.parametrize("path", ["/drip", "/stall"])
def test_a_slow_sender_is_cut_off_at_the_deadline(server_url: str, path: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidRequest, match=r"longer than 1 s"):
        _fetcher(timeout_s=1.0).fetch(server_url + path, tmp_path / "x.part")
    assert time.monotonic() - started < 2.5
    assert not (tmp_path / "x.part").exists()
