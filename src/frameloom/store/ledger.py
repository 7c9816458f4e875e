"""The credit ledger: grant, freeze, settle and refund, each one atomic conditional ``UPDATE``.

Credits never go below zero, also under concurrent requests: a freeze is
``UPDATE accounts SET available = available - n, frozen = frozen + n WHERE id = ?
AND available >= n``, which the database applies to the current row (a row lock
on PostgreSQL, the write lock on SQLite). A hold is closed once: settle and
refund only act on a hold still ``frozen``. Every movement is a ledger line.
All functions take the caller's write session; the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from frameloom.domain.accounts import Balance, Plan
from frameloom.domain.errors import InsufficientCredits, InvalidRequest, NotFound
from frameloom.store.ids import new_id
from frameloom.store.models import Account, CreditEntry, CreditHold

FROZEN = "frozen"
SETTLED = "settled"
REFUNDED = "refunded"


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


def freeze(session: Session, account_id: str, amount: int, purpose: str, now: datetime) -> str:
    """Move ``amount`` from available to frozen; return the hold id. ``InsufficientCredits`` if short."""
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
    session.add(CreditEntry(account_id=account_id, kind="freeze", available_delta=-amount,
                            frozen_delta=amount, hold_id=hold_id, note=purpose, created_at=now))
    return hold_id


def settle(session: Session, hold_id: str, now: datetime) -> bool:
    """Spend a hold's credits (frozen goes down). False when the hold was already closed."""
    return _close(session, hold_id, SETTLED, now)


def refund(session: Session, hold_id: str, now: datetime) -> bool:
    """Return a hold's credits to available. False when the hold was already closed."""
    return _close(session, hold_id, REFUNDED, now)


def _close(session: Session, hold_id: str, status: str, now: datetime) -> bool:
    closed = session.execute(
        update(CreditHold)
        .where(CreditHold.id == hold_id, CreditHold.status == FROZEN)
        .values(status=status, closed_at=now)
        .returning(CreditHold.account_id, CreditHold.amount)
        .execution_options(synchronize_session=False)
    ).first()
    if closed is None:
        return False
    account_id, amount = closed.account_id, closed.amount
    back = amount if status == REFUNDED else 0
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(frozen=Account.frozen - amount, available=Account.available + back)
        .execution_options(synchronize_session=False)
    )
    kind = "refund" if status == REFUNDED else "settle"
    session.add(CreditEntry(account_id=account_id, kind=kind, available_delta=back, frozen_delta=-amount,
                            hold_id=hold_id, note="", created_at=now))
    return True
