"""Errors at the HTTP edge, answered from the one table (``services/error_codes.py``).

Routes raise domain errors; nothing else in the API formats an error. Anything
not in the table is an internal error: 500, code 500, ``data.request_id``, the
exception logged with that id, never a stack trace in the response.

Two shapes render the table: the ``{code, message, data}`` envelope
(SPEC section 2), and OpenAI's ``{"error": {message, type, code, param}}`` on
the OpenAI-compatible routes under ``/v1/`` (``code`` is the SPEC code as a
string, ``data`` rides along).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frameloom.api.envelope import error_response
from frameloom.domain.errors import FrameloomError
from frameloom.services.error_codes import ERROR_TABLE, ErrorContext, ErrorRule, rule_for

__all__ = ["ERROR_TABLE", "ErrorContext", "ErrorRule", "install_error_handlers", "render_error", "rule_for"]

log = logging.getLogger("frameloom.api")

INTERNAL_STATUS = 500
INTERNAL_CODE = 500
INTERNAL_MESSAGE = "internal error"
OPENAI_PREFIX = "/v1/"


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "-")


def base_url_of(request: Request) -> str:
    """``FRAMELOOM_PUBLIC_URL``, else the request's own base (no trailing slash)."""
    configured: str | None = request.app.state.settings.public_url
    return configured or str(request.base_url).rstrip("/")


def is_openai_route(path: str) -> bool:
    return path.startswith(OPENAI_PREFIX)


def render_error(
    path: str, status: int, code: int, message: str, data: dict[str, Any], headers: dict[str, str] | None = None,
    openai_type: str = "invalid_request_error", openai_code: str | None = None,
) -> JSONResponse:
    """The error in the shape the route speaks: the envelope, or OpenAI's on ``/v1/``."""
    if not is_openai_route(path):
        return error_response(status, code, message, data, headers=headers)
    errors = data.get("errors") or [{}]
    body: dict[str, Any] = {
        "message": message, "type": openai_type, "code": openai_code or str(code), "param": errors[0].get("field") or data.get("field"),
    }
    if data:
        body["data"] = data
    return JSONResponse(status_code=status, content={"error": body}, headers=headers)


def internal_error_response(request_id: str, path: str = "/") -> JSONResponse:
    return render_error(path, INTERNAL_STATUS, INTERNAL_CODE, INTERNAL_MESSAGE, {"request_id": request_id},
                        openai_type="server_error")


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    ctx = ErrorContext(request_id_of(request), base_url_of(request))
    rule = rule_for(exc)
    if rule is None:  # pragma: no cover - only FrameloomError is routed here
        raise exc
    if rule.status >= INTERNAL_STATUS:
        log.error("request %s failed: %s: %s", ctx.request_id, type(exc).__name__, exc)
    message = str(exc) if rule.show_message else INTERNAL_MESSAGE
    headers = rule.headers(exc) if rule.headers else None
    return render_error(request.url.path, rule.status, rule.code, message, rule.data(exc, ctx), headers,
                        rule.openai_type, rule.openai_code)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            errors.append({"field": "body", "problem": "malformed JSON"})
        else:
            errors.append({"field": _field(tuple(err.get("loc", ()))), "problem": str(err.get("msg", ""))})
    message = "; ".join(f"{e['field']}: {e['problem']}" for e in errors) or "invalid request"
    return render_error(request.url.path, 400, 400, message, {"errors": errors})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "error"
    headers = dict(exc.headers) if exc.headers else None
    return render_error(request.url.path, exc.status_code, exc.status_code, message, {}, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; unexpected exceptions are answered by the request middleware."""
    app.add_exception_handler(FrameloomError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
