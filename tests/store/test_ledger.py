"""The credit ledger on both backends: freeze, settle, refund, never below zero, also concurrently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from frameloom.domain.accounts import Balance, Plan
from frameloom.domain.errors import InsufficientCredits, InvalidRequest, NotFound
from frameloom.store import accounts, ledger
from frameloom.store.db import Database
from frameloom.store.models import CreditEntry

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _account(db: Database, credits: int, plan: Plan = Plan.ANONYMOUS) -> str:
    with db.write() as session:
        return accounts.create_account(session, plan, credits, NOW).id


def _balance(db: Database, account_id: str) -> Balance:
    with db.read() as session:
        return ledger.balance(session, account_id)


def test_freeze_moves_available_to_frozen(db: Database) -> None:
    acc = _account(db, 10)
    with db.write() as session:
        ledger.freeze(session, acc, 4, "image", NOW)
    assert _balance(db, acc) == Balance(available=6, frozen=4)


def test_settle_spends_the_hold(db: Database) -> None:
    acc = _account(db, 10)
    with db.write() as session:
        hold = ledger.freeze(session, acc, 4, "image", NOW)
    with db.write() as session:
        assert ledger.settle(session, hold, NOW) is True
    assert _balance(db, acc) == Balance(available=6, frozen=0)


def test_refund_returns_the_hold(db: Database) -> None:
    acc = _account(db, 10)
    with db.write() as session:
        hold = ledger.freeze(session, acc, 4, "image", NOW)
    with db.write() as session:
        assert ledger.refund(session, hold, NOW) is True
    assert _balance(db, acc) == Balance(available=10, frozen=0)


def test_a_hold_closes_once(db: Database) -> None:
    acc = _account(db, 10)
    with db.write() as session:
        hold = ledger.freeze(session, acc, 4, "image", NOW)
    with db.write() as session:
        ledger.settle(session, hold, NOW)
    with db.write() as session:
        assert ledger.refund(session, hold, NOW) is False
        assert ledger.settle(session, hold, NOW) is False
    assert _balance(db, acc) == Balance(available=6, frozen=0)


def test_freezing_more_than_available_is_refused_with_the_numbers(db: Database) -> None:
    acc = _account(db, 3)
    with pytest.raises(InsufficientCredits) as caught, db.write() as session:
        ledger.freeze(session, acc, 4, "image", NOW)
    assert (caught.value.required, caught.value.available) == (4, 3)
    assert caught.value.bind_id is not None
    assert _balance(db, acc) == Balance(available=3, frozen=0)


def test_a_registered_account_short_of_credits_gets_no_bind_id(db: Database) -> None:
    acc = _account(db, 0, Plan.REGISTERED)
    with pytest.raises(InsufficientCredits) as caught, db.write() as session:
        ledger.freeze(session, acc, 2, "image", NOW)
    assert caught.value.bind_id is None


def test_grant_adds_and_takes_but_never_below_zero(db: Database) -> None:
    acc = _account(db, 5)
    with db.write() as session:
        assert ledger.grant(session, acc, 10, NOW) == Balance(available=15, frozen=0)
    with db.write() as session:
        assert ledger.grant(session, acc, -15, NOW) == Balance(available=0, frozen=0)
    with pytest.raises(InvalidRequest), db.write() as session:
        ledger.grant(session, acc, -1, NOW)


def test_an_unknown_account_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound), db.write() as session:
        ledger.freeze(session, "acc_nobody", 1, "image", NOW)


def test_every_movement_is_a_ledger_line(db: Database) -> None:
    acc = _account(db, 10)
    with db.write() as session:
        hold = ledger.freeze(session, acc, 4, "image", NOW)
        ledger.settle(session, hold, NOW)
    with db.read() as session:
        kinds = list(session.execute(
            select(CreditEntry.kind).where(CreditEntry.account_id == acc).order_by(CreditEntry.id)
        ).scalars())
        total = session.execute(
            select(func.sum(CreditEntry.available_delta)).where(CreditEntry.account_id == acc)
        ).scalar_one()
    assert kinds == ["grant", "freeze", "settle"]
    assert total == 6


def test_concurrent_freezes_never_overspend(db: Database) -> None:
    acc = _account(db, 25)

    def attempt(_: int) -> str | None:
        try:
            with db.write() as session:
                hold = ledger.freeze(session, acc, 2, "image", NOW)
            with db.write() as session:
                ledger.settle(session, hold, NOW)
            return hold
        except InsufficientCredits:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(40)))
    assert sum(r is not None for r in results) == 12
    assert _balance(db, acc) == Balance(available=1, frozen=0)
