"""The one table from the domain exception tree to HTTP statuses and SPEC codes.

Routes raise domain errors; nothing else in the API formats an error. Anything
not in the table is an internal error: 500, code 500, ``data.request_id``, the
exception logged with that id, never a stack trace in the response.

Two shapes render the same table: the ``{code, message, data}`` envelope
(SPEC section 2), and OpenAI's ``{"error": {message, type, code, param}}`` on
the OpenAI-compatible routes under ``/v1/`` (``code`` is the SPEC code as a
string, ``data`` rides along).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frameloom.api.envelope import error_response
from frameloom.domain.errors import (
    AuthError,
    Cancelled,
    Conflict,
    EngineFailed,
    EngineUnavailable,
    FrameloomError,
    InsufficientCredits,
    InvalidRequest,
    LinkInvalid,
    NotFound,
    NothingToUndo,
    OutputError,
    PlanForbids,
    RateLimited,
    StaleVersion,
    TooLarge,
    UnsupportedMedia,
)

log = logging.getLogger("frameloom.api")

INTERNAL_STATUS = 500
INTERNAL_CODE = 500
INTERNAL_MESSAGE = "internal error"
OPENAI_PREFIX = "/v1/"


@dataclass(frozen=True)
class ErrorContext:
    """What an error's data may need from the request: its id and the public base URL."""

    request_id: str
    base_url: str


DataOf = Callable[[Exception, ErrorContext], dict[str, Any]]


def _problems(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, InvalidRequest)
    return {"errors": [{"field": p.field, "problem": p.problem} for p in exc.problems]}


def _engine_problem(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    return {"errors": [{"field": "engine", "problem": str(exc)}]}


def _request_id(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    return {"request_id": ctx.request_id}


def _nothing(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    return {}


def _credits(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, InsufficientCredits)
    data: dict[str, Any] = {"required": exc.required, "available": exc.available}
    if exc.bind_id is not None:
        data["register_url"] = f"{ctx.base_url}/register?bind={exc.bind_id}"
    return data


def _reason(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, PlanForbids)
    return {"reason": exc.reason}


def _supported(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, UnsupportedMedia)
    return {"supported": exc.supported}


def _max_bytes(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, TooLarge)
    return {"max_bytes": exc.max_bytes}


def _retry_after(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, RateLimited)
    return {"retry_after": exc.retry_after}


def _current_version(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, StaleVersion | NothingToUndo)
    return {"current_version": exc.current}


def _retry_header(exc: Exception) -> dict[str, str]:
    assert isinstance(exc, RateLimited)
    return {"Retry-After": str(exc.retry_after)}


def _engine_retry_s(exc: Exception) -> int:
    assert isinstance(exc, EngineFailed)
    return max(1, math.ceil(exc.retry_after or 1))


def _engine_retry(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    return {"retry_after": _engine_retry_s(exc), "request_id": ctx.request_id}


def _engine_retry_header(exc: Exception) -> dict[str, str]:
    return {"Retry-After": str(_engine_retry_s(exc))}


def _temporary(exc: Exception) -> bool:
    return isinstance(exc, EngineFailed) and exc.retry_after is not None


@dataclass(frozen=True)
class ErrorRule:
    """How one branch of the exception tree answers: status, code, data, headers, OpenAI type."""

    exc_type: type[Exception]
    status: int
    code: int
    data: DataOf
    show_message: bool = True
    headers: Callable[[Exception], dict[str, str]] | None = None
    openai_type: str = "invalid_request_error"
    when: Callable[[Exception], bool] | None = None  # a further condition on the exception


# Most specific first: the first rule whose type matches wins.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(InvalidRequest, 400, 400, _problems),
    ErrorRule(EngineUnavailable, 400, 400, _engine_problem),
    ErrorRule(AuthError, 401, 1001, _nothing, openai_type="authentication_error"),
    ErrorRule(NotFound, 404, 1002, _nothing, openai_type="not_found_error"),
    ErrorRule(InsufficientCredits, 402, 2001, _credits, openai_type="insufficient_quota"),
    ErrorRule(PlanForbids, 402, 402, _reason, openai_type="insufficient_quota"),
    ErrorRule(UnsupportedMedia, 415, 4001, _supported),
    ErrorRule(TooLarge, 413, 4002, _max_bytes),
    ErrorRule(RateLimited, 429, 429, _retry_after, headers=_retry_header, openai_type="rate_limit_error"),
    ErrorRule(StaleVersion, 409, 409, _current_version),
    ErrorRule(NothingToUndo, 409, 409, _current_version),
    ErrorRule(Conflict, 409, 409, _nothing),
    ErrorRule(LinkInvalid, 403, 403, _nothing, openai_type="permission_error"),
    ErrorRule(Cancelled, 409, 409, _nothing),
    ErrorRule(EngineFailed, 503, 503, _engine_retry, headers=_engine_retry_header, openai_type="server_error",
              when=_temporary),
    ErrorRule(EngineFailed, 500, 500, _request_id, openai_type="server_error"),
    ErrorRule(OutputError, 500, 500, _request_id, show_message=False, openai_type="server_error"),
    ErrorRule(FrameloomError, 500, 500, _request_id, show_message=False, openai_type="server_error"),
)


def rule_for(exc: Exception) -> ErrorRule | None:
    """The table row for ``exc``, or ``None`` for an unexpected exception."""
    return next((rule for rule in ERROR_TABLE
                 if isinstance(exc, rule.exc_type) and (rule.when is None or rule.when(exc))), None)


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
    openai_type: str = "invalid_request_error",
) -> JSONResponse:
    """The error in the shape the route speaks: the envelope, or OpenAI's on ``/v1/``."""
    if not is_openai_route(path):
        return error_response(status, code, message, data, headers=headers)
    errors = data.get("errors") or [{}]
    body: dict[str, Any] = {
        "message": message, "type": openai_type, "code": str(code), "param": errors[0].get("field"),
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
                        rule.openai_type)


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
