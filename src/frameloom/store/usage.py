"""Usage rows read back for the operator, and the account queries plans and ``admin accounts`` need.

The rows themselves are written by :mod:`frameloom.store.ledger` (a freeze opens one, closing
the hold closes it). Functions take the caller's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from frameloom.domain.errors import NotFound
from frameloom.domain.jobs import JobKind, JobStatus
from frameloom.domain.usage import Outcome, UsageBy, UsageLine
from frameloom.store.models import Account, Job, Usage

_GROUP = {UsageBy.SOURCE: Usage.source, UsageBy.ACCOUNT: Usage.account_id, UsageBy.KIND: Usage.kind}


def _count(outcome: Outcome) -> Any:
    return func.sum(case((Usage.outcome == outcome.value, 1), else_=0))


def usage_lines(session: Session, by: UsageBy, since: datetime | None = None,
                account_id: str | None = None) -> tuple[UsageLine, ...]:
    """Usage rows ordered since ``since`` (of one account when given), grouped ``by``; most
    credits first."""
    key = _GROUP[by]
    returned = func.sum(case((Usage.outcome.in_([Outcome.REFUNDED.value, Outcome.FAILED.value]), Usage.price),
                             else_=0))
    ended_ms = func.avg(Usage.duration_ms)  # AVG skips NULL: open actions do not count
    query = select(key, func.count(), _count(Outcome.SETTLED), _count(Outcome.REFUNDED), _count(Outcome.FAILED),
                   _count(Outcome.OPEN), func.sum(Usage.credits), returned, ended_ms).group_by(key)
    if since is not None:
        query = query.where(Usage.created_at >= since)
    if account_id is not None:
        query = query.where(Usage.account_id == account_id)
    lines = [UsageLine(key=row[0], actions=int(row[1]), settled=int(row[2]), refunded=int(row[3]),
                       failed=int(row[4]), open=int(row[5]), credits=int(row[6]), returned=int(row[7]),
                       avg_ms=None if row[8] is None else round(float(row[8])))
             for row in session.execute(query)]
    lines.sort(key=lambda line: (-line.credits, -line.actions, line.key or ""))
    return tuple(lines)


def spent_by_kind_and_source(session: Session) -> list[tuple[str, str | None, int]]:
    """Credits spent (settled) per kind and source, over all time: what ``/metrics`` counts."""
    rows = session.execute(
        select(Usage.kind, Usage.source, func.sum(Usage.credits))
        .where(Usage.outcome == Outcome.SETTLED.value).group_by(Usage.kind, Usage.source)
    )
    return [(row[0], row[1], int(row[2])) for row in rows]


def actions_by_source(session: Session) -> list[tuple[str, str | None, str, int]]:
    """Paid jobs (chat turns included) per kind, source and outcome, over all time."""
    rows = session.execute(
        select(Usage.kind, Usage.source, Usage.outcome, func.count())
        .group_by(Usage.kind, Usage.source, Usage.outcome)
    )
    return [(row[0], row[1], row[2], int(row[3])) for row in rows]


def lock_account(session: Session, account_id: str) -> None:
    """Lock the account's row for the rest of the transaction (PostgreSQL; SQLite's writes are
    serialised already), so checks that count the account's work do not race."""
    found = session.execute(select(Account.id).where(Account.id == account_id).with_for_update()).first()
    if found is None:
        raise NotFound("account", account_id)


def open_paid_jobs(session: Session, account_id: str) -> int:
    """The account's queued and running jobs, chat turns and export chunks left out."""
    return int(session.execute(
        select(func.count()).select_from(Job).where(
            Job.account_id == account_id, Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
            Job.kind != JobKind.CHAT.value, Job.parent_id.is_(None))  # a parallel export's chunks are its own
    ).scalar_one())


def list_accounts(session: Session, plan: str | None = None, limit: int = 100) -> list[Account]:
    """Live accounts (not merged into another), newest first."""
    query = select(Account).where(Account.merged_into.is_(None)).order_by(Account.created_at.desc(), Account.id)
    if plan is not None:
        query = query.where(Account.plan == plan)
    return list(session.execute(query.limit(limit)).scalars())


def set_suspended(session: Session, account_id: str, at: datetime | None) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(suspended_at=at)
                    .execution_options(synchronize_session=False))


def set_plan(session: Session, account_id: str, plan: str) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(plan=plan)
                    .execution_options(synchronize_session=False))
