"""``GET /api/credits/balance/simple``: what the caller can spend."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from frameloom.api.deps import CurrentAccount
from frameloom.api.envelope import Envelope, ok

router = APIRouter(prefix="/credits", tags=["credits"])


class BalanceOut(BaseModel):
    """``total`` = ``available`` + ``frozen`` (frozen: held for actions under way)."""

    available: int
    frozen: int
    total: int


@router.get("/balance/simple", response_model=Envelope[BalanceOut])
async def balance(who: CurrentAccount) -> Envelope[BalanceOut]:
    """The caller's credits, as read with the token (one query; no I/O here, hence ``async``)."""
    return ok(BalanceOut(available=who.available, frozen=who.frozen, total=who.available + who.frozen))
