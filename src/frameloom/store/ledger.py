"""The credit ledger: grant, freeze, settle and refund, each one atomic conditional ``UPDATE``.

Credits never go below zero, also under concurrent requests: a freeze is
``UPDATE accounts SET available = available - n, frozen = frozen + n WHERE id = ?
AND available >= n``, which the database applies to the current row (a row lock
on PostgreSQL, the write lock on SQLite). A hold is closed once: settle and
refund only act on a hold still ``frozen``. Every movement is a ledger line.
All functions take the caller's write session; the caller commits.

Usage is recorded here too, so that every paid action is counted whatever door
it came through: a freeze inserts the action's ``usage`` row (kind, the
caller's attribution, price; ``open``) and closing its hold closes the row
(``settled`` with the credits spent, or ``refunded`` / ``failed`` with none),
in the same transaction as the credits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from frameloom.domain.accounts import Attribution, Balance, Plan
from frameloom.domain.errors import InsufficientCredits, InvalidRequest, NotFound
from frameloom.store.ids import new_id
from frameloom.store.models import Account, CreditEntry, CreditHold, Usage

FROZEN = "frozen"
SETTLED = "settled"
REFUNDED = "refunded"
OPEN = "open"  # a usage row whose hold is still frozen
FAILED = "failed"  # a usage row whose hold came back because the work failed (not cancelled)


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def balance(session: Session, account_id: str) -> Balance:
    row = session.execute(select(Account.available, Account.frozen).where(Account.id == account_id)).first()
    if row is None:
        raise NotFound("account", account_id)
    return Balance(available=row.available, frozen=row.frozen)


def grant(session: Session, account_id: str, amount: int, now: datetime, kind: str = "grant", note: str = "") -> Balance:
    """Add ``amount`` (may be negative, never below 0 available) to the account's available credits."""
    result = session.execute(
        update(Account)
        .where(Account.id == account_id, Account.available + amount >= 0)
        .values(available=Account.available + amount)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        current = balance(session, account_id)  # NotFound for an unknown account
        raise InvalidRequest.of("amount", f"{amount}: only {current.available} available")
    session.add(CreditEntry(account_id=account_id, kind=kind, available_delta=amount, frozen_delta=0,
                            hold_id=None, note=note, created_at=now))
    return balance(session, account_id)


def freeze(session: Session, account_id: str, amount: int, purpose: str, now: datetime,
           attribution: Attribution | None = None) -> str:
    """Move ``amount`` from available to frozen; return the hold id. ``InsufficientCredits`` if short.

    ``purpose`` is the action's kind (``image``, ``export``, ...), kept with its usage row and
    ``attribution``. A hold of 0 (a free action, such as a chat turn) is counted as usage but
    writes no ledger line: nothing moved.
    """
    result = session.execute(
        update(Account)
        .where(Account.id == account_id, Account.available >= amount)
        .values(available=Account.available - amount, frozen=Account.frozen + amount)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        row = session.execute(
            select(Account.available, Account.plan, Account.bind_id).where(Account.id == account_id)
        ).first()
        if row is None:
            raise NotFound("account", account_id)
        bind_id = row.bind_id if row.plan == Plan.ANONYMOUS else None
        raise InsufficientCredits(amount, row.available, bind_id)
    hold_id = new_id("hold")
    session.add(CreditHold(id=hold_id, account_id=account_id, amount=amount, purpose=purpose,
                           status=FROZEN, created_at=now, closed_at=None))
    if amount:
        session.add(CreditEntry(account_id=account_id, kind="freeze", available_delta=-amount,
                                frozen_delta=amount, hold_id=hold_id, note=purpose, created_at=now))
    attribution = attribution or Attribution()
    session.add(Usage(hold_id=hold_id, account_id=account_id, kind=purpose[:16], source=attribution.source,
                      version=attribution.version, platform=attribution.platform, price=amount, credits=0,
                      outcome=OPEN, created_at=now, finished_at=None, duration_ms=None))
    return hold_id


def settle(session: Session, hold_id: str, now: datetime) -> bool:
    """Spend a hold's credits (frozen goes down). False when the hold was already closed."""
    return _close(session, hold_id, SETTLED, now)


def refund(session: Session, hold_id: str, now: datetime, failed: bool = False) -> bool:
    """Return a hold's credits to available. False when the hold was already closed.

    ``failed``: the work failed (its usage row says ``failed``), rather than was cancelled (``refunded``).
    """
    return _close(session, hold_id, REFUNDED, now, FAILED if failed else REFUNDED)


def _close(session: Session, hold_id: str, status: str, now: datetime, outcome: str | None = None) -> bool:
    closed = session.execute(
        update(CreditHold)
        .where(CreditHold.id == hold_id, CreditHold.status == FROZEN)
        .values(status=status, closed_at=now)
        .returning(CreditHold.account_id, CreditHold.amount, CreditHold.created_at)
        .execution_options(synchronize_session=False)
    ).first()
    if closed is None:
        return False
    account_id, amount = closed.account_id, closed.amount
    _close_usage(session, hold_id, outcome or status, amount if status == SETTLED else 0,
                 now, closed.created_at)
    back = amount if status == REFUNDED else 0
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(frozen=Account.frozen - amount, available=Account.available + back)
        .execution_options(synchronize_session=False)
    )
    kind = "refund" if status == REFUNDED else "settle"
    if amount:
        session.add(CreditEntry(account_id=account_id, kind=kind, available_delta=back, frozen_delta=-amount,
                                hold_id=hold_id, note="", created_at=now))
    return True


def _close_usage(session: Session, hold_id: str, outcome: str, credits: int, now: datetime,
                 frozen_at: datetime) -> None:
    """The hold's usage row gets its outcome, the credits spent and how long the action took (ms)."""
    duration_ms = max(0, round((now - frozen_at).total_seconds() * 1000))
    session.execute(
        update(Usage).where(Usage.hold_id == hold_id)
        .values(outcome=outcome, credits=credits, finished_at=now, duration_ms=duration_ms)
        .execution_options(synchronize_session=False)
    )
