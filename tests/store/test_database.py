"""The database seam: the same schema and behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from frameloom.store.db import Database
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
