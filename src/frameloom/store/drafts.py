"""A session's draft history: the versions, and the one conditional write that makes a new one.

The session row holds the current draft and its version number; each version
is also a ``draft_versions`` row. :func:`advance` moves the session from
``base`` to ``base + 1`` only if it is still at ``base``
(``UPDATE ... WHERE version = :base``): on PostgreSQL a concurrent writer waits
for the row lock and then finds the version changed, on SQLite writes are
serialised, so of two edits made from one version exactly one wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, load_only

from frameloom.store.models import DraftVersion, StudioSession

FIRST_VERSION = 1


def add_version(session: Session, version: DraftVersion) -> DraftVersion:
    session.add(version)
    return version


def first_version(session_id: str, draft: dict[str, Any], now: datetime) -> DraftVersion:
    """Version 1 of a new session: its empty draft, nothing to undo or redo."""
    return DraftVersion(session_id=session_id, number=FIRST_VERSION, draft=draft, label="new session",
                        action="new", undo_to=None, redo_to=None, restores=None, created_at=now)


def advance(session: Session, account_id: str, session_id: str, base: int, draft: dict[str, Any],
            now: datetime) -> bool:
    """Make ``draft`` the session's current one at version ``base + 1`` if the session is
    still at ``base`` (and the account's); False when it is not (nothing changed)."""
    result = session.execute(
        update(StudioSession)
        .where(StudioSession.id == session_id, StudioSession.account_id == account_id,
               StudioSession.version == base)
        .values(version=base + 1, draft=draft, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def get_version(session: Session, session_id: str, number: int) -> DraftVersion | None:
    return session.get(DraftVersion, (session_id, number))


def get_versions(session: Session, session_id: str, numbers: set[int]) -> dict[int, DraftVersion]:
    """The rows of these version numbers (those that exist), by number."""
    rows = session.execute(
        select(DraftVersion).where(DraftVersion.session_id == session_id, DraftVersion.number.in_(numbers))
    ).scalars()
    return {row.number: row for row in rows}


def list_versions(session: Session, session_id: str) -> list[DraftVersion]:
    """Every version of the session, oldest first, without their drafts (not loaded)."""
    columns = (DraftVersion.session_id, DraftVersion.number, DraftVersion.label, DraftVersion.action,
               DraftVersion.undo_to, DraftVersion.redo_to, DraftVersion.restores, DraftVersion.created_at)
    return list(session.execute(
        select(DraftVersion).options(load_only(*columns, raiseload=True))
        .where(DraftVersion.session_id == session_id).order_by(DraftVersion.number)
    ).scalars())
