"""Accounts, tokens and credits as plain values (SPEC section 3)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ANONYMOUS_TOKEN_TTL = timedelta(days=7)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024


class Plan(StrEnum):
    """The built-in plans; an operator may define more (``FRAMELOOM_PLANS``), so an account's
    plan is a plain name, one of these or theirs."""

    ANONYMOUS = "anonymous"
    REGISTERED = "registered"


ATTRIBUTION_MAX_CHARS = 64


def _attribution_value(value: str | None) -> str | None:
    text = (value or "").strip()[:ATTRIBUTION_MAX_CHARS]
    return text or None


@dataclass(frozen=True)
class Attribution:
    """Who asked on the caller's behalf: the ``X-Skill-Source``, ``-Version`` and ``-Platform``
    headers of the request (None when absent), at most 64 characters each."""

    source: str | None = None
    version: str | None = None
    platform: str | None = None

    @classmethod
    def of(cls, headers: Mapping[str, str | None]) -> Attribution:
        """From the three headers, whatever their case."""
        lowered = {name.lower(): value for name, value in headers.items()}
        return cls(*(_attribution_value(lowered.get(f"x-skill-{part}")) for part in ("source", "version", "platform")))


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account behind a valid token, with its credits when it was read, its
    plan's name, and the attribution of the request (carried into the jobs it orders)."""

    account_id: str
    plan: str
    bind_id: str
    available: int
    frozen: int
    attribution: Attribution = Attribution()

    @property
    def anonymous(self) -> bool:
        return self.plan == Plan.ANONYMOUS


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
    plan: str
    bind_id: str
    credits: int
