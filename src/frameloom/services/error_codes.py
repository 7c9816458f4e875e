"""The one table from the domain exception tree to HTTP statuses, SPEC codes and error data.

Two edges answer from it: the HTTP API (``api/errors.py``: the envelope, or
OpenAI's shape under ``/v1/``) and the chat stream (the agent's error events
carry the same code as a string). Anything not in the table is an internal
error: 500, code 500.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frameloom.domain.errors import (
    AuthError,
    Cancelled,
    Conflict,
    ContentRefused,
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
    PolicyUnavailable,
    RateLimited,
    StaleVersion,
    StoreUnavailable,
    TooLarge,
    UnsupportedMedia,
)


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
    data: dict[str, Any] = {"reason": exc.reason}
    if exc.limit is not None:
        data["limit"] = exc.limit
    if exc.allowed is not None:
        data["allowed"] = exc.allowed
    return data


def _refusal(exc: Exception, ctx: ErrorContext) -> dict[str, Any]:
    assert isinstance(exc, ContentRefused)
    data: dict[str, Any] = {"reason": exc.reason, "field": exc.field, "source": exc.source}
    if exc.categories:
        data["categories"] = list(exc.categories)
    return data


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


def _store_retry_header(exc: Exception) -> dict[str, str]:
    return {"Retry-After": "1"}


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
    openai_code: str | None = None  # OpenAI's own code on /v1 when it has one; else the SPEC code


# Most specific first: the first rule whose type matches wins.
ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(InvalidRequest, 400, 400, _problems),
    ErrorRule(EngineUnavailable, 400, 400, _engine_problem),
    ErrorRule(AuthError, 401, 1001, _nothing, openai_type="authentication_error"),
    ErrorRule(NotFound, 404, 1002, _nothing, openai_type="not_found_error"),
    ErrorRule(InsufficientCredits, 402, 2001, _credits, openai_type="insufficient_quota"),
    ErrorRule(PlanForbids, 402, 402, _reason, openai_type="insufficient_quota"),
    ErrorRule(ContentRefused, 400, 4003, _refusal, openai_code="content_policy_violation"),
    ErrorRule(PolicyUnavailable, 503, 503, _request_id, headers=_store_retry_header, openai_type="server_error"),
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
    ErrorRule(StoreUnavailable, 503, 503, _request_id, headers=_store_retry_header, openai_type="server_error"),
    ErrorRule(OutputError, 500, 500, _request_id, show_message=False, openai_type="server_error"),
    ErrorRule(FrameloomError, 500, 500, _request_id, show_message=False, openai_type="server_error"),
)


def rule_for(exc: Exception) -> ErrorRule | None:
    """The table row for ``exc``, or ``None`` for an unexpected exception."""
    return next((rule for rule in ERROR_TABLE
                 if isinstance(exc, rule.exc_type) and (rule.when is None or rule.when(exc))), None)
