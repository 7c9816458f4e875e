"""The one table from the domain exception tree to HTTP statuses and SPEC codes.

Routes raise domain errors; nothing else in the API formats an error. Anything
not in the table is an internal error: 500, code 500, ``data.request_id``, the
exception logged with that id, never a stack trace in the response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from frameloom.api.envelope import error_response
from frameloom.domain.errors import (
    EngineFailed,
    EngineUnavailable,
    FrameloomError,
    InvalidRequest,
    OutputError,
)

log = logging.getLogger("frameloom.api")

INTERNAL_STATUS = 500
INTERNAL_CODE = 500
INTERNAL_MESSAGE = "internal error"

DataOf = Callable[[Exception, str], dict[str, Any]]


def _problems(exc: Exception, request_id: str) -> dict[str, Any]:
    assert isinstance(exc, InvalidRequest)
    return {"errors": [{"field": p.field, "problem": p.problem} for p in exc.problems]}


def _engine_problem(exc: Exception, request_id: str) -> dict[str, Any]:
    return {"errors": [{"field": "engine", "problem": str(exc)}]}


def _request_id(exc: Exception, request_id: str) -> dict[str, Any]:
    return {"request_id": request_id}


@dataclass(frozen=True)
class ErrorRule:
    """How one branch of the exception tree answers: status, code, message shown, data."""

    exc_type: type[Exception]
    status: int
    code: int
    data: DataOf
    show_message: bool = True


# Most specific first: the first rule whose type matches wins.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(InvalidRequest, 400, 400, _problems),
    ErrorRule(EngineUnavailable, 400, 400, _engine_problem),
    ErrorRule(EngineFailed, 500, 500, _request_id),
    ErrorRule(OutputError, 500, 500, _request_id, show_message=False),
    ErrorRule(FrameloomError, 500, 500, _request_id, show_message=False),
)


def rule_for(exc: Exception) -> ErrorRule | None:
    """The table row for ``exc``, or ``None`` for an unexpected exception."""
    return next((rule for rule in ERROR_TABLE if isinstance(exc, rule.exc_type)), None)


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "-")


def internal_error_response(request_id: str) -> JSONResponse:
    return error_response(INTERNAL_STATUS, INTERNAL_CODE, INTERNAL_MESSAGE, {"request_id": request_id})


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    rid = request_id_of(request)
    rule = rule_for(exc)
    if rule is None:  # pragma: no cover - only FrameloomError is routed here
        raise exc
    if rule.status >= INTERNAL_STATUS:
        log.error("request %s failed: %s: %s", rid, type(exc).__name__, exc)
    message = str(exc) if rule.show_message else INTERNAL_MESSAGE
    return error_response(rule.status, rule.code, message, rule.data(exc, rid))


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
    return error_response(400, 400, message, {"errors": errors})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "error"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, exc.status_code, message, {}, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; unexpected exceptions are answered by the request middleware."""
    app.add_exception_handler(FrameloomError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
