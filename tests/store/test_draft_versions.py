"""Migration 0003 on both backends: sessions made before it get their draft as their first version."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select

from frameloom.domain.accounts import Plan
from frameloom.store import drafts
from frameloom.store.db import MIGRATIONS_DIR, Database
from frameloom.store.models import Account, StudioSession

NOW = datetime(2026, 1, 1, tzinfo=UTC)
DRAFT = {"v": 1, "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"}, "t": []}


def _to(db: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def test_sessions_from_before_keep_their_version_numbers(db: Database) -> None:
    _to(db, "0002")
    try:
        with db.write() as session:
            # the columns of 0002 only: the model has grown since (suspended_at, webhooks)
            owner = "acc_old"
            session.execute(insert(Account).values(id=owner, plan=Plan.ANONYMOUS.value, bind_id="bind_old",
                                                   available=100, frozen=0, created_at=NOW))
            for sid, version in (("ses_old", 3), ("ses_new", 0)):
                session.add(StudioSession(id=sid, account_id=owner, task_name="p", language="en", draft=DRAFT,
                                          version=version, created_at=NOW, updated_at=NOW))
    finally:
        _to(db, "head")
    with db.read() as session:
        versions = {s.id: s.version for s in session.execute(select(StudioSession)).scalars()}
        old = drafts.get_version(session, "ses_old", 3)
        new = drafts.get_version(session, "ses_new", 1)
    assert versions == {"ses_old": 3, "ses_new": 1}
    assert old is not None
    assert new is not None
    assert (old.draft, old.action, old.undo_to, old.redo_to) == (DRAFT, "new", None, None)
    assert new.created_at == NOW
