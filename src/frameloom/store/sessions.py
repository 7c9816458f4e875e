"""Sessions, media and generations of one account. Every lookup is by id *and* account:
another account's id is simply not found."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frameloom.domain.errors import NotFound
from frameloom.store.drafts import FIRST_VERSION, add_version, first_version
from frameloom.store.models import Generation, Media, StudioSession


def owned_session(session: Session, account_id: str, session_id: str) -> StudioSession:
    found = session.execute(
        select(StudioSession).where(StudioSession.id == session_id, StudioSession.account_id == account_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("session", session_id[:64])
    return found


def add_session(
    session: Session, session_id: str, account_id: str, task_name: str, language: str, draft: dict[str, Any],
    now: datetime,
) -> StudioSession:
    """A new session at draft version 1, recorded in its history (``store/drafts.py``)."""
    row = StudioSession(id=session_id, account_id=account_id, task_name=task_name, language=language,
                        draft=draft, version=FIRST_VERSION, created_at=now, updated_at=now)
    session.add(row)
    session.flush()  # the session row before its first version (foreign key)
    add_version(session, first_version(session_id, copy.deepcopy(draft), now))
    return row


def touch(session: Session, session_id: str, now: datetime) -> None:
    """Mark the session's state changed (``updated_at``). The version is the draft's and stays:
    media arriving does not make a draft edit made from the previous state stale."""
    session.execute(
        update(StudioSession).where(StudioSession.id == session_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


def session_media(session: Session, session_id: str) -> list[Media]:
    return list(session.execute(
        select(Media).where(Media.session_id == session_id).order_by(Media.created_at, Media.id)
    ).scalars())


def session_generations(session: Session, session_id: str) -> list[Generation]:
    return list(session.execute(
        select(Generation).where(Generation.session_id == session_id).order_by(Generation.created_at, Generation.id)
    ).scalars())
