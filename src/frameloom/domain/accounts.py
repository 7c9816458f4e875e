"""Accounts, tokens and credits as plain values (SPEC section 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ANONYMOUS_TOKEN_TTL = timedelta(days=7)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024


class Plan(StrEnum):
    ANONYMOUS = "anonymous"
    REGISTERED = "registered"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account behind a valid token, with its credits when it was read."""

    account_id: str
    plan: Plan
    bind_id: str
    available: int
    frozen: int

    @property
    def anonymous(self) -> bool:
        return self.plan is Plan.ANONYMOUS


@dataclass(frozen=True)
class Balance:
    """Credits: ``available`` to spend, ``frozen`` for actions under way; ``total`` is their sum."""

    available: int
    frozen: int

    @property
    def total(self) -> int:
        return self.available + self.frozen


@dataclass(frozen=True)
class IssuedToken:
    """A token as handed out once, at creation. Only its hash is ever stored."""

    token: str
    expires_at: datetime
    account_id: str
    plan: Plan
    bind_id: str
    credits: int
