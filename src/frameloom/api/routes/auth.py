"""``/api/auth/...``: anonymous tokens, register, login (SPEC section 3). No Bearer token needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from frameloom.api.deps import AuthDep, ClientIp
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.accounts import IssuedToken

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenOut(BaseModel):
    """A token, shown this once. ``expires_at`` is ISO 8601 UTC; ``credits`` are the available ones."""

    token: str
    expires_at: str
    credits: int
    account_id: str
    bind_id: str
    plan: str


class CredentialsIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    bind_id: str | None = Field(default=None, max_length=40)


def _out(issued: IssuedToken) -> TokenOut:
    return TokenOut(token=issued.token, expires_at=issued.expires_at.isoformat(), credits=issued.credits,
                    account_id=issued.account_id, bind_id=issued.bind_id, plan=str(issued.plan))


@router.post("/anonymous-token", response_model=Envelope[TokenOut])
def anonymous_token(
    auth: AuthDep, ip: ClientIp, x_client_id: Annotated[str | None, Header()] = None
) -> Envelope[TokenOut]:
    """A new anonymous account with its credits and a 7-day token; one per client id per 7 days."""
    return ok(_out(auth.anonymous_token(x_client_id, ip)))


@router.post("/register", response_model=Envelope[TokenOut])
def register(body: CredentialsIn, auth: AuthDep) -> Envelope[TokenOut]:
    """A registered account; with ``bind_id`` the anonymous account becomes it, credits kept."""
    return ok(_out(auth.register(body.email, body.password, body.bind_id)))


@router.post("/login", response_model=Envelope[TokenOut])
def login(body: CredentialsIn, auth: AuthDep, ip: ClientIp) -> Envelope[TokenOut]:
    """A new token; with ``bind_id`` the anonymous account's credits, sessions and media move in.
    Too many wrong passwords for the account or from the address lately: 429 with ``Retry-After``."""
    return ok(_out(auth.login(body.email, body.password, body.bind_id, ip)))
