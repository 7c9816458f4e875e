"""The one place requests are made and answers read, for both clients.

A :class:`Call` describes a request and how to read its answer's ``data``;
:class:`HttpCore` turns it into an ``httpx.Request`` (token and attribution
headers added) and an answer into the result or a :mod:`frameloom.client.errors`
exception. :func:`send` and :func:`asend` are the only places that touch the
network (plus the two stream openers for ``/run_sse`` and downloads).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import JsonValue

from frameloom import __version__
from frameloom.client.errors import ConnectionFailed, ServerError, error_for
from frameloom.client.settings import Attribution

__all__ = [
    "CHUNK", "DEFAULT_ATTRIBUTION", "Call", "Files", "HttpCore", "asend", "astream", "content_length", "raise_for",
    "segment", "send", "stream",
]

T = TypeVar("T")
CHUNK = 64 * 1024  # bytes per read of a download
DEFAULT_ATTRIBUTION = Attribution(source="frameloom-client", version=__version__, platform="python")
Files = list[tuple[str, tuple[str, object, str]]]


def segment(value: str) -> str:
    """An id made safe as one path segment (a ``/`` or ``..`` in it cannot reach another route)."""
    return quote(value, safe="")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: ``parse`` reads the envelope's ``data`` (or, with ``envelope=False``, the whole
    JSON body) into the result."""

    method: str
    path: str
    parse: Callable[[JsonValue], T]
    json: JsonValue | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    files: Files | None = None
    envelope: bool = True
    timeout: float | None = None  # seconds; None: the client's own


class HttpCore:
    """What both clients share: the base URL, the token, the attribution, and reading answers."""

    def __init__(self, base_url: str, token: str | None, attribution: Attribution | None) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        self.token = token
        self.attribution = attribution or DEFAULT_ATTRIBUTION

    def headers_for(self, url: httpx.URL) -> dict[str, str]:
        """Attribution always; the token only to the server itself, never to another origin a
        download link might point at."""
        headers = self.attribution.headers()
        if self.token and self._same_origin(url):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _same_origin(self, url: httpx.URL) -> bool:
        if not url.is_absolute_url:
            return True
        return (url.scheme, url.host, url.port) == (self.base_url.scheme, self.base_url.host, self.base_url.port)

    def url(self, path: str) -> httpx.URL:
        """``path`` ("/api/...") under the base URL (which may itself have a path); absolute URLs as they are."""
        url = httpx.URL(path)
        return url if url.is_absolute_url else self.base_url.join(path.lstrip("/"))

    def build(self, client: httpx.Client | httpx.AsyncClient, call: Call[T]) -> httpx.Request:
        url = self.url(call.path)
        headers = {**self.headers_for(url), **call.headers}
        timeout = httpx.USE_CLIENT_DEFAULT if call.timeout is None else httpx.Timeout(call.timeout)
        if call.files is not None:
            return client.build_request(call.method, url, headers=headers, files=call.files,  # type: ignore[arg-type]
                                        timeout=timeout)
        content = None if call.json is None else json.dumps(call.json).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        return client.build_request(call.method, url, headers=headers, content=content, timeout=timeout)

    def result(self, call: Call[T], response: httpx.Response) -> T:
        """The call's result from a read answer; raises the error class of the answer's code."""
        raise_for(response)
        body = _json(response)
        if not call.envelope:
            return call.parse(body)
        if not isinstance(body, dict) or "data" not in body:
            raise ServerError(500, f"the server answered {call.method} {call.path} without an envelope",
                              response.status_code)
        return call.parse(body["data"])

    def unreachable(self, exc: httpx.TransportError) -> ConnectionFailed:
        return ConnectionFailed(str(self.base_url).rstrip("/"), str(exc) or type(exc).__name__)


def _json(response: httpx.Response) -> JsonValue:
    try:
        body: JsonValue = response.json()
    except ValueError:
        raise ServerError(500, f"the server answered {response.status_code} with no JSON",
                          response.status_code) from None
    return body


def _retry_after_header(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None  # an HTTP date, or none: the data's retry_after is the one to use


def raise_for(response: httpx.Response) -> None:
    """Raise the error an answer carries: an envelope with a code other than 0, OpenAI's
    ``{"error": ...}`` shape (``/v1``), or a status of 400 and above with a body of neither shape."""
    try:
        body = response.json()
    except ValueError:
        body = None
    header = _retry_after_header(response)
    if isinstance(body, dict) and isinstance(body.get("code"), int) and "message" in body:
        if body["code"] == 0 and response.is_success:
            return
        data = body.get("data")
        raise error_for(body["code"], str(body["message"]), response.status_code,
                        data if isinstance(data, dict) else {}, header)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        data = error.get("data")
        raise error_for(str(error.get("code") or response.status_code), str(error.get("message", "")),
                        response.status_code, data if isinstance(data, dict) else {}, header)
    if not response.is_success:
        text = response.text[:200].strip()
        raise error_for(response.status_code, text or response.reason_phrase or "error", response.status_code,
                        {}, header)


def send(client: httpx.Client, core: HttpCore, call: Call[T]) -> T:
    """Make ``call`` and read its answer (sync)."""
    try:
        response = client.send(core.build(client, call))
    except httpx.TransportError as exc:
        raise core.unreachable(exc) from exc
    return core.result(call, response)


async def asend(client: httpx.AsyncClient, core: HttpCore, call: Call[T]) -> T:
    """Make ``call`` and read its answer (async)."""
    try:
        response = await client.send(core.build(client, call))
    except httpx.TransportError as exc:
        raise core.unreachable(exc) from exc
    return core.result(call, response)


def stream(client: httpx.Client, core: HttpCore, call: Call[object]) -> httpx.Response:
    """Open ``call`` as a stream (sync): an answer with a success status, its body unread; the caller
    closes it. An error answer is read and raised."""
    try:
        response = client.send(core.build(client, call), stream=True)
        if not response.is_success:
            response.read()
    except httpx.TransportError as exc:
        raise core.unreachable(exc) from exc
    if not response.is_success:
        response.close()
        raise_for(response)
    return response


async def astream(client: httpx.AsyncClient, core: HttpCore, call: Call[object]) -> httpx.Response:
    """Open ``call`` as a stream (async); see :func:`stream`."""
    try:
        response = await client.send(core.build(client, call), stream=True)
        if not response.is_success:
            await response.aread()
    except httpx.TransportError as exc:
        raise core.unreachable(exc) from exc
    if not response.is_success:
        await response.aclose()
        raise_for(response)
    return response


def content_length(response: httpx.Response) -> int | None:
    """The answer's ``Content-Length`` in bytes, or None when it is not sent."""
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None
