"""The database seam: the same schema and behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from frameloom.store.db import AnySelect, Database
from frameloom.store.models import Base


def test_migrations_create_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_the_models_match_the_migrations(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrating_twice_changes_nothing(db: Database) -> None:
    db.migrate()
    db.ping()


def test_a_write_that_fails_is_rolled_back(db: Database) -> None:
    from datetime import UTC, datetime

    from frameloom.domain.accounts import Plan
    from frameloom.store import accounts

    now = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        with db.write() as session:
            accounts.create_account(session, Plan.ANONYMOUS, 100, now, account_id="acc_rollback")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with db.read() as session:
        assert accounts.by_id_or_email(session, "acc_rollback") is None


def test_sqlite_file_is_created_in_its_folder(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    database = Database(f"sqlite:///{tmp_path / 'deep' / 'er' / 'x.db'}")
    database.migrate()
    assert (tmp_path / "deep" / "er" / "x.db").is_file()
    database.dispose()


def test_read_one_sees_each_committed_write(db: Database) -> None:
    from datetime import UTC, datetime, timedelta

    from frameloom.domain.accounts import Plan
    from frameloom.store import accounts, ledger

    now = datetime(2026, 1, 1, tzinfo=UTC)
    with db.write() as session:
        account = accounts.create_account(session, Plan.ANONYMOUS, 10, now)
        accounts.add_token(session, account.id, "h" * 64, "anonymous", now, timedelta(days=7))
    first = accounts.principal_for_token(db, "h" * 64, now)
    assert first is not None
    assert first.available == 10
    with db.write() as session:
        ledger.freeze(session, account.id, 4, "image", now)
    second = accounts.principal_for_token(db, "h" * 64, now)
    assert second is not None
    assert (second.available, second.frozen) == (6, 4)
    assert accounts.principal_for_token(db, "h" * 64, now + timedelta(days=7)) is None
    assert accounts.principal_for_token(db, "x" * 64, now) is None


def test_read_one_from_many_threads(db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import bindparam, literal_column, select

    statement: AnySelect = select(literal_column("1").label("one")).where(bindparam("x") == bindparam("x"))
    with ThreadPoolExecutor(max_workers=12) as pool:
        rows = list(pool.map(lambda i: db.read_one(statement, {"x": i}), range(48)))
    assert rows == [{"one": 1}] * 48
