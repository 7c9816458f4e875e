"""Chat events: appended one by one as a turn emits them, read back in order (``seq``).

A turn's events are written by one thread, one after another, so within a turn
``seq`` is their order on both backends. Ownership goes through the session:
an invocation belongs to whoever owns the session its events are stored in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from frameloom.domain.events import Event
from frameloom.domain.jobs import JobKind
from frameloom.store.models import ChatEvent, Job, StudioSession

USER = "user"


def add_event(session: Session, session_id: str, event: Event, now: datetime) -> ChatEvent:
    """Store ``event`` of session ``session_id``; a turn's last event (``turnComplete`` or an error)
    is marked ``ends_turn``. A second event with the same id fails on the unique ``event_id``."""
    row = ChatEvent(event_id=event.id, session_id=session_id, invocation_id=event.invocation_id,
                    author=event.author, body=event.to_json(),
                    ends_turn=bool(event.turn_complete) or event.is_error, created_at=now)
    session.add(row)
    return row


def invocation_session(session: Session, invocation_id: str, account_id: str) -> str | None:
    """The session of ``invocation_id`` when that session is ``account_id``'s; None otherwise."""
    return session.execute(
        select(ChatEvent.session_id).join(StudioSession, StudioSession.id == ChatEvent.session_id)
        .where(ChatEvent.invocation_id == invocation_id, StudioSession.account_id == account_id).limit(1)
    ).scalar_one_or_none()


def seq_of(session: Session, invocation_id: str, event_id: str) -> int | None:
    """Where event ``event_id`` of ``invocation_id`` stands (None when it is not one of its events)."""
    return session.execute(
        select(ChatEvent.seq).where(ChatEvent.invocation_id == invocation_id, ChatEvent.event_id == event_id)
    ).scalar_one_or_none()


def turn_events(session: Session, invocation_id: str, after_seq: int = 0) -> list[ChatEvent]:
    """The agent's events of ``invocation_id`` after ``after_seq``, in order (the user's message left out)."""
    return list(session.execute(
        select(ChatEvent).where(ChatEvent.invocation_id == invocation_id, ChatEvent.seq > after_seq,
                                ChatEvent.author != USER).order_by(ChatEvent.seq)
    ).scalars())


def session_events(session: Session, session_id: str) -> list[ChatEvent]:
    """Every event of the session, the user's messages included, in order."""
    return list(session.execute(
        select(ChatEvent).where(ChatEvent.session_id == session_id).order_by(ChatEvent.seq)
    ).scalars())


def turn_job(session: Session, invocation_id: str) -> Job | None:
    """The ``chat`` job running ``invocation_id`` (its key)."""
    return session.execute(
        select(Job).where(Job.key == invocation_id, Job.kind == JobKind.CHAT.value).limit(1)
    ).scalar_one_or_none()


def account_sessions(session: Session, account_id: str) -> list[StudioSession]:
    """The account's sessions, the most recently changed first (ADK's session list)."""
    return list(session.execute(
        select(StudioSession).where(StudioSession.account_id == account_id)
        .order_by(StudioSession.updated_at.desc(), StudioSession.id)
    ).scalars())
