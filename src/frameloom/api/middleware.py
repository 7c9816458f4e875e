"""Per-request context: the ``X-Request-Id`` header, the access log line, metrics, and the last-resort 500."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frameloom.api.errors import ErrorContext, internal_error_response, render_error, rule_for
from frameloom.api.observability import Metrics, current_request_id
from frameloom.domain.errors import InvalidRequest, TooLarge

log = logging.getLogger("frameloom.api")
access_log = logging.getLogger("frameloom.access")

REQUEST_ID_HEADER = "X-Request-Id"
SKILL_HEADERS = {b"x-skill-source": "skill_source", b"x-skill-version": "skill_version",
                 b"x-skill-platform": "skill_platform"}
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
MAX_JSON_DEPTH = 64
UPLOAD_PREFIX = "/api/upload-video/"  # streamed with its own limits (api/bodies.py)
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class RequestContextMiddleware:
    """Give every HTTP request an id (the caller's ``X-Request-Id`` when sane, else a new one).

    The id is ``request.state.request_id`` (and in every log record of the
    request) and is echoed in the response header. Each request ends with one
    access-log line (method, path without query, route, status, time, skill
    headers; unless ``FRAMELOOM_ACCESS_LOG=false``) and one metrics observation.
    An exception no handler took is logged with the id and answered with a 500
    carrying ``request_id``: never a stack trace.
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


class JsonBodyLimitMiddleware:
    """Bound JSON request bodies (SPEC section 7): at most ``max_bytes`` (4002) and ``max_depth``
    levels of nesting (400), checked before any route parses them. Uploads are exempt (streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] in _NO_BODY or not _is_json(scope)
                or scope["path"].startswith(UPLOAD_PREFIX)):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await _refuse(scope, receive, send, TooLarge(f"body: more than {self.max_bytes} bytes", self.max_bytes))
                return
        if json_depth(bytes(body)) > self.max_depth:
            problem = InvalidRequest.of("body", f"JSON nested deeper than {self.max_depth} levels")
            await _refuse(scope, receive, send, problem)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)



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


async def _refuse(scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
    rule = rule_for(exc)
    assert rule is not None
    ctx = ErrorContext(scope["state"]["request_id"], "")
    response = render_error(scope.get("path", "/"), rule.status, rule.code, str(exc), rule.data(exc, ctx))
    await response(scope, receive, send)
