"""The ``{code, message, data}`` envelope every ``/api/...`` JSON response uses."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel

T = TypeVar("T")

OK_CODE = 0
OK_MESSAGE = "ok"


class Envelope(BaseModel, Generic[T]):
    """``code`` 0 means success; any other value is an error code from SPEC section 2."""

    code: int = OK_CODE
    message: str = OK_MESSAGE
    data: T


def ok(data: T) -> Envelope[T]:
    """Wrap a route's result in a success envelope."""
    return Envelope[T](data=data)


def error_response(
    status: int, code: int, message: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """An error envelope as a response with the given HTTP status."""
    body = {"code": code, "message": message, "data": data}
    return JSONResponse(status_code=status, content=body, headers=headers)
