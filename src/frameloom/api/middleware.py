"""Per-request context: the ``X-Request-Id`` header, the access log line, metrics, and the last-resort 500."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frameloom.api.errors import ErrorContext, internal_error_response, render_error, rule_for
from frameloom.api.observability import Metrics, current_request_id
from frameloom.domain.errors import FrameloomError, InvalidRequest, TooLarge

log = logging.getLogger("frameloom.api")
access_log = logging.getLogger("frameloom.access")

REQUEST_ID_HEADER = "X-Request-Id"
SKILL_HEADERS = {b"x-skill-source": "skill_source", b"x-skill-version": "skill_version",
                 b"x-skill-platform": "skill_platform"}
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
MAX_JSON_DEPTH = 64
UPLOAD_PREFIX = "/api/upload-video/"  # streamed with its own limits (api/bodies.py)
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
CLIENT_GONE = 499  # the status the access log and metrics record for a client that went away (nginx's)


class RequestContextMiddleware:
    """Give every HTTP request an id (the caller's ``X-Request-Id`` when sane, else a new one).

    The id is ``request.state.request_id`` (and in every log record of the
    request) and is echoed in the response header. Each request ends with one
    access-log line (method, path without query, route, status, time, skill
    headers; unless ``FRAMELOOM_ACCESS_LOG=false``) and one metrics observation.
    An exception no handler took is logged with the id and answered with a 500
    carrying ``request_id``: never a stack trace. A client that went away mid-request
    is logged as a disconnect and recorded as 499, not as a failure.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None, access_log: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started_at = time.perf_counter()
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:  # not our failure: nobody is there to answer
            status = CLIENT_GONE
            log.info("request %s: the client disconnected before its body was read", request_id)
        except Exception:
            log.exception("request %s failed", request_id)
            if started:  # headers already sent: nothing better to do than drop the connection
                raise
            await internal_error_response(request_id, scope.get("path", "/"))(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started_at)
            current_request_id.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = _route_template(scope)
        method = scope.get("method", "-")
        skill = _skill_headers(scope)
        if self.metrics is not None:
            self.metrics.observe(method, route, status, seconds)
            if "skill_source" in skill:
                self.metrics.count_source(skill["skill_source"])
        if self.access_log and access_log.isEnabledFor(logging.INFO):
            client = scope.get("client")
            fields = {"method": method, "path": scope.get("path", ""), "route": route, "status": status,
                      "ms": round(seconds * 1000, 2), "client": client[0] if client else None, **skill}
            access_log.info(f"{method} {fields['path']} {status}",
                            extra={"fields": fields, "request_id": scope["state"]["request_id"]})


def _route_template(scope: Scope) -> str:
    """The matched route's full path template (``/api/state/.../{session_id}/latest``), never the raw path."""
    app = scope.get("app")
    paths: dict[object, str] = getattr(getattr(app, "state", None), "route_paths", {})
    endpoint = scope.get("endpoint")
    if endpoint is not None and endpoint in paths:
        return paths[endpoint]
    return "unmatched"


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _VALID_ID.match(text) else None
    return None


def _skill_headers(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = SKILL_HEADERS.get(name)
        if key is not None:
            found[key] = value.decode("latin-1")[:128]
    return found


@dataclass(frozen=True)
class BodyLimits:
    """What every request body is held to (SPEC section 7, issue 14).

    ``max_bytes``: any body but an upload's, whatever its type; ``upload_max_bytes``: a
    whole upload request (its files are bounded one by one in ``api/bodies.py``);
    ``timeout_s``: the whole body arrives within this; ``min_rate`` bytes/s on average
    once ``grace_s`` has passed (0: no minimum); ``max_depth``: JSON nesting.
    """

    max_bytes: int
    upload_max_bytes: int
    timeout_s: float
    min_rate: int = 0
    grace_s: float = 10.0
    max_depth: int = MAX_JSON_DEPTH


class BodyMeter:
    """A ``receive`` that counts the body as it arrives: ``TooLarge`` past ``bound`` bytes,
    ``InvalidRequest`` (on ``body``) when the sender misses the deadline or the minimum rate.

    Every wait for the next chunk is cut at the moment the sender would fail either, so a
    sender of nothing at all is cut off on time too. Once the body is whole, it passes
    messages through untouched (a streamed response waits on it for the disconnect).
    """

    def __init__(self, receive: Receive, bound: int, limits: BodyLimits) -> None:
        self.receive = receive
        self.bound = bound
        self.limits = limits
        self.started = time.monotonic()
        self.received = 0
        self.done = False

    async def __call__(self) -> Message:
        if self.done:
            return await self.receive()
        try:
            message = await asyncio.wait_for(self.receive(), self._wait_s())
        except TimeoutError:
            raise self._too_slow() from None
        if message["type"] != "http.request":
            return message
        self.received += len(message.get("body", b""))
        if self.received > self.bound:
            raise TooLarge(f"body: more than {self.bound} bytes", self.bound)
        self.done = not message.get("more_body", False)
        return message

    def _wait_s(self) -> float:
        """Seconds the next chunk may take; ``InvalidRequest`` when the sender is already too late."""
        elapsed = time.monotonic() - self.started
        wait = self.limits.timeout_s - elapsed
        if self.limits.min_rate > 0:
            wait = min(wait, max(self.limits.grace_s, self.received / self.limits.min_rate) - elapsed)
        if wait <= 0:
            raise self._too_slow()
        return wait

    def _too_slow(self) -> InvalidRequest:
        elapsed = time.monotonic() - self.started
        if elapsed >= self.limits.timeout_s - 0.001:
            return InvalidRequest.of("body", f"did not arrive within {self.limits.timeout_s:g} s")
        return InvalidRequest.of("body", f"arrived slower than {self.limits.min_rate} bytes/s")


class BodyLimitMiddleware:
    """Bound every request body whatever its content type (4002), before any route reads it.

    A declared ``Content-Length`` over the bound is refused before a byte is read; a body
    without one is counted as it streams. Every body is held to a deadline and a minimum
    rate (:class:`BodyMeter`). Bodies other than uploads are read here whole (at most
    ``max_bytes``), their JSON depth checked (400), then handed to the route; an upload is
    metered as the route streams it to disk. A client that goes away while its body is read
    raises ``ClientDisconnect`` (logged as a disconnect by :class:`RequestContextMiddleware`).
    """

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        upload = scope["path"].startswith(UPLOAD_PREFIX)
        bound = self.limits.upload_max_bytes if upload else self.limits.max_bytes
        declared = _content_length(scope)
        if declared is not None and declared > bound:
            await _refuse(scope, receive, send, TooLarge(f"body: {declared} bytes; at most {bound}", bound))
            return
        meter = BodyMeter(receive, bound, self.limits)
        if upload:
            await self.app(scope, meter, send)
            return
        try:
            body = await _read_all(meter)
            if _is_json(scope) and json_depth(body) > self.limits.max_depth:
                raise InvalidRequest.of("body", f"JSON nested deeper than {self.limits.max_depth} levels")
        except FrameloomError as exc:
            await _refuse(scope, receive, send, exc)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _read_all(receive: Receive) -> bytes:
    """The whole body; ``ClientDisconnect`` when the client goes away first."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def json_depth(body: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (a quick scan, no parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    return False


async def _refuse(scope: Scope, receive: Receive, send: Send, exc: FrameloomError) -> None:
    rule = rule_for(exc)
    assert rule is not None
    ctx = ErrorContext(scope["state"]["request_id"], "")
    response = render_error(scope.get("path", "/"), rule.status, rule.code, str(exc), rule.data(exc, ctx))
    await response(scope, receive, send)
