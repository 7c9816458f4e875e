"""Usage rows on both backends: the ledger opens one per hold and closes it with the hold, and the
operator's report groups them; what a report says adds up to the balances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from frameloom.domain.accounts import Attribution, Plan
from frameloom.domain.usage import UsageBy, total_of
from frameloom.store import accounts, ledger
from frameloom.store import usage as repo
from frameloom.store.db import Database
from frameloom.store.models import CreditEntry, Usage

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ALPHA = Attribution("alpha", "1.0", "cli")


def _account(db: Database, credits: int = 100) -> str:
    with db.write() as session:
        return accounts.create_account(session, Plan.ANONYMOUS, credits, NOW).id


def _row(db: Database, hold_id: str) -> Usage:
    with db.read() as session:
        row = session.get(Usage, hold_id)
        assert row is not None
        return row


def test_a_freeze_opens_a_usage_row_and_closing_the_hold_closes_it(db: Database) -> None:
    acc = _account(db)
    with db.write() as session:
        spent, failed, cancelled = (ledger.freeze(session, acc, n, kind, NOW, ALPHA)
                                    for n, kind in ((4, "image"), (3, "video"), (2, "export")))
    opened = _row(db, spent)
    assert (opened.kind, opened.source, opened.version, opened.platform) == ("image", "alpha", "1.0", "cli")
    assert (opened.outcome, opened.price, opened.credits, opened.finished_at) == ("open", 4, 0, None)
    with db.write() as session:
        ledger.settle(session, spent, NOW + timedelta(seconds=1.5))
        ledger.refund(session, failed, NOW + timedelta(seconds=2), failed=True)
        ledger.refund(session, cancelled, NOW + timedelta(milliseconds=10))
        assert not ledger.settle(session, spent, NOW + timedelta(seconds=9))  # closed once
    rows = [_row(db, hold) for hold in (spent, failed, cancelled)]
    assert [(r.outcome, r.credits, r.duration_ms) for r in rows] == [
        ("settled", 4, 1500), ("failed", 0, 2000), ("refunded", 0, 10)]
    with db.read() as session:
        available = ledger.balance(session, acc).available
    assert 100 - available == sum(r.credits for r in rows)


def test_a_free_action_is_usage_but_no_ledger_line(db: Database) -> None:
    acc = _account(db)
    with db.read() as session:
        before = session.execute(select(func.count()).select_from(CreditEntry)).scalar_one()
    with db.write() as session:
        hold = ledger.freeze(session, acc, 0, "chat", NOW)
        ledger.settle(session, hold, NOW)
    with db.read() as session:
        after = session.execute(select(func.count()).select_from(CreditEntry)).scalar_one()
    assert after == before
    row = _row(db, hold)
    assert (row.kind, row.source, row.outcome, row.credits) == ("chat", None, "settled", 0)


def test_lines_group_by_source_account_and_kind_since_a_moment(db: Database) -> None:
    first, second = _account(db), _account(db)
    beta = Attribution("beta", None, None)
    with db.write() as session:
        for acc, n, kind, who, at in ((first, 4, "image", ALPHA, NOW), (first, 1, "export", ALPHA, NOW),
                                      (second, 3, "video", beta, NOW), (second, 2, "image", Attribution(), NOW),
                                      (second, 9, "image", beta, NOW - timedelta(days=2))):
            ledger.settle(session, ledger.freeze(session, acc, n, kind, at, who), at)
        ledger.freeze(session, second, 5, "export", NOW, beta)  # still open: counted, nothing spent yet
    with db.read() as session:
        by_source = repo.usage_lines(session, UsageBy.SOURCE, since=NOW - timedelta(days=1))
        by_kind = repo.usage_lines(session, UsageBy.KIND)
        by_account = repo.usage_lines(session, UsageBy.ACCOUNT)
    assert [(x.key, x.actions, x.settled, x.open, x.credits) for x in by_source] == [
        ("alpha", 2, 2, 0, 5), ("beta", 2, 1, 1, 3), (None, 1, 1, 0, 2)]
    assert [(x.key, x.credits) for x in by_kind] == [("image", 15), ("video", 3), ("export", 1)]
    assert {x.key: x.credits for x in by_account} == {first: 5, second: 14}
    total = total_of(by_source)
    assert (total.actions, total.credits, total.open) == (5, 10, 1)
