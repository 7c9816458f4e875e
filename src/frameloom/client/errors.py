"""The client's exceptions, one class per error code of SPEC section 2.

    ClientError(code, message, status, data)
    ├── BadRequest            400   .problems: list of (field, problem)
    ├── AuthRequired          1001  token missing, malformed, unknown or expired
    ├── NotFound              1002  session, media, render or job missing, or another account's
    ├── InsufficientCredits   2001  .required, .available, .register_url (anonymous accounts)
    ├── PlanRequired          402   .reason (the plan forbids export, or attribution headers missing)
    ├── Conflict              409   .current_version (a stale edit, nothing to undo)
    ├── UnsupportedFile       4001  .supported formats
    ├── FileTooLarge          4002  .max_bytes
    ├── ContentRefused        4003  the operator's content policy refused the prompt
    ├── RateLimited           429   .retry_after seconds (data, else the Retry-After header)
    ├── ServerError           500, 503 (and any other code)  .retry_after when the server advised one
    └── ConnectionFailed      no answer at all (httpx transport errors); the URL in the message

``error_for`` builds the right class from an envelope's ``code`` (an int) or a
chat error event's ``errorCode`` (the same code as a string).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "AuthRequired",
    "BadRequest",
    "ClientError",
    "Conflict",
    "ConnectionFailed",
    "ContentRefused",
    "FileTooLarge",
    "InsufficientCredits",
    "NotFound",
    "PlanRequired",
    "Problem",
    "RateLimited",
    "ServerError",
    "UnsupportedFile",
    "error_for",
]

Data = Mapping[str, object]


def _float(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _int(value: object) -> int | None:
    number = _float(value)
    return None if number is None else int(number)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


class ClientError(Exception):
    """An error answer from the server (or none at all). ``code`` is the SPEC code, ``status`` the HTTP
    status (0 when there was no answer), ``data`` the envelope's ``data`` as sent."""

    def __init__(self, code: int, message: str, status: int = 0, data: Data | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.data: Data = dict(data or {})

    def __str__(self) -> str:
        return f"{self.message} (code {self.code})"


@dataclass(frozen=True)
class Problem:
    """One invalid field of a 400: its dotted path and what is wrong with it."""

    field: str
    problem: str


class BadRequest(ClientError):
    """400: a missing header, malformed JSON or an invalid field; ``problems`` names each."""

    @property
    def problems(self) -> list[Problem]:
        raw = self.data.get("errors")
        if not isinstance(raw, list):
            return []
        return [Problem(str(e.get("field", "")), str(e.get("problem", ""))) for e in raw if isinstance(e, dict)]


class AuthRequired(ClientError):
    """1001: the token is missing, malformed, unknown or expired; get a new one."""


class NotFound(ClientError):
    """1002: not there, or not the caller's (the server does not tell which)."""


class InsufficientCredits(ClientError):
    """2001: not enough credits; ``register_url`` is set for anonymous accounts."""

    @property
    def required(self) -> int | None:
        return _int(self.data.get("required"))

    @property
    def available(self) -> int | None:
        return _int(self.data.get("available"))

    @property
    def register_url(self) -> str | None:
        return _str(self.data.get("register_url"))


class PlanRequired(ClientError):
    """402: the plan does not allow this (export), or the attribution headers were missing."""

    @property
    def reason(self) -> str | None:
        return _str(self.data.get("reason"))


class Conflict(ClientError):
    """409: made from a stale version (``current_version`` is the one to start from), nothing to undo."""

    @property
    def current_version(self) -> int | None:
        return _int(self.data.get("current_version"))


class UnsupportedFile(ClientError):
    """4001: the file's content is not a supported type; ``supported`` lists the formats."""

    @property
    def supported(self) -> list[str]:
        raw = self.data.get("supported")
        return [str(s) for s in raw] if isinstance(raw, list) else []


class FileTooLarge(ClientError):
    """4002: the file is over the server's limit, ``max_bytes``."""

    @property
    def max_bytes(self) -> int | None:
        return _int(self.data.get("max_bytes"))


class ContentRefused(ClientError):
    """4003: the prompt is refused by the operator's content policy; nothing was charged.
    ``reason`` says why, ``field`` which text (``prompt``, ``title``...)."""

    @property
    def reason(self) -> str:
        return str(self.data.get("reason") or self.message)

    @property
    def field(self) -> str | None:
        found = self.data.get("field")
        return str(found) if found is not None else None


class _RetryAfter(ClientError):
    def __init__(self, code: int, message: str, status: int = 0, data: Data | None = None,
                 retry_after_header: float | None = None) -> None:
        super().__init__(code, message, status, data)
        self._header = retry_after_header

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before trying again: the data's ``retry_after``, else the header."""
        advised = _float(self.data.get("retry_after"))
        return advised if advised is not None else self._header


class RateLimited(_RetryAfter):
    """429: too many requests; wait ``retry_after`` seconds."""


class ServerError(_RetryAfter):
    """500 (``data.request_id`` names it in the server's log) or 503 (try again after ``retry_after``)."""


class ConnectionFailed(ClientError):
    """No answer: the server is down, unreachable or the connection broke. ``code`` and ``status`` are 0."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(0, f"cannot reach {url}: {reason}", 0, {})
        self.url = url


_BY_CODE: dict[int, type[ClientError]] = {
    400: BadRequest,
    1001: AuthRequired,
    1002: NotFound,
    2001: InsufficientCredits,
    402: PlanRequired,
    409: Conflict,
    4001: UnsupportedFile,
    4002: FileTooLarge,
    4003: ContentRefused,
    429: RateLimited,
}
# OpenAI's own codes on /v1 where it has one for a SPEC code
_BY_NAME: dict[str, int] = {"content_policy_violation": 4003}


def error_for(code: int | str, message: str, status: int = 0, data: Data | None = None,
              retry_after_header: float | None = None) -> ClientError:
    """The exception for an error ``code`` (an int, or a chat event's string); unknown codes are
    ``ServerError``."""
    number = _BY_NAME.get(code) if isinstance(code, str) and code in _BY_NAME else _int(code)
    number = 500 if number is None else number
    cls = _BY_CODE.get(number, ServerError)
    if issubclass(cls, _RetryAfter):
        return cls(number, message, status, data, retry_after_header)
    return cls(number, message, status, data)
