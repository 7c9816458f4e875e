"""Wrong passwords, counted in the database so that every API node's login throttle sees them all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from frameloom.store.models import LoginFailure


def recent(session: Session, scope: str, subject: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures of ``(scope, subject)`` are after ``since``, and the oldest of them."""
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.at))
        .where(LoginFailure.scope == scope, LoginFailure.subject == subject, LoginFailure.at > since)
    ).one()
    return int(count), oldest  # min() keeps the column's type: an aware UTC datetime


def add(session: Session, scope: str, subject: str, now: datetime) -> None:
    session.add(LoginFailure(scope=scope, subject=subject[:320], at=now))


def clear(session: Session, scope: str, subject: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.subject == subject))


def prune(session: Session, before: datetime) -> int:
    """Forget failures that left every window (older than ``before``); how many went."""
    result = session.execute(delete(LoginFailure).where(LoginFailure.at <= before))
    return int(getattr(result, "rowcount", 0) or 0)
