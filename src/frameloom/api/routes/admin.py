"""The operator's routes (``/api/admin/...``), behind ``FRAMELOOM_ADMIN_TOKEN``.

With no admin token set they do not exist: 404, exactly as an unknown route answers, so a
service that never turned them on shows nothing. With one set, a request without it (as
``Authorization: Bearer <admin token>``) answers 1001. The token is compared in constant time.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from frameloom.api.deps import SettingsDep, from_state
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.errors import AuthError
from frameloom.domain.usage import UsageBy, report_json
from frameloom.services.usage import UsageService

router = APIRouter(prefix="/admin", tags=["admin"])


def operator(request: Request, settings: SettingsDep) -> None:
    """Let the request through only with the operator's token (see the module docstring)."""
    if settings.admin_token is None:
        raise HTTPException(status_code=404)
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    expected = settings.admin_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise AuthError("the operator's routes need Authorization: Bearer <FRAMELOOM_ADMIN_TOKEN>")


class UsageLineOut(BaseModel):
    key: str | None
    actions: int
    settled: int
    refunded: int
    failed: int
    open: int
    credits: int
    returned: int
    avg_ms: int | None


class UsageReportOut(BaseModel):
    """Paid actions since ``since`` grouped ``by``; ``credits`` spent, ``returned`` given back."""

    since: str | None
    by: str
    lines: list[UsageLineOut]
    total: UsageLineOut


UsageDep = Annotated[UsageService, Depends(from_state("usage"))]


@router.get("/usage", response_model=Envelope[UsageReportOut], dependencies=[Depends(operator)])
def usage(service: UsageDep, since: str | None = None,
          by: Annotated[UsageBy, Query()] = UsageBy.SOURCE) -> Envelope[UsageReportOut]:
    """Usage by source, account or kind since a date (``2026-12-01``), a time, or an age (``24h``)."""
    return ok(UsageReportOut.model_validate(report_json(service.report(since, by))))
