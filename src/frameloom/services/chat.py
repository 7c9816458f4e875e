"""The chat (SPEC section 4): start a turn as a job, read its stored events, follow them live.

A turn outlives its connection: ``start`` stores the user's message as an
event (author ``user``) and queues a ``chat`` job (no price; each paid action
of the turn freezes its own). The job's events are stored one by one
(:mod:`frameloom.jobs.chat`), so any stream, on any node, at any time, reads
them from the database: ``follow`` is woken at once by this process's
:class:`~frameloom.jobs.chat.ChatHub` and polls every :data:`POLL_S` for turns
run elsewhere. A stream ends with the turn's last event (``turnComplete`` or an
error), or at its cap with a last event of its own (not stored) that says the
turn still runs and how to re-attach. A turn whose job ended without a last
event (recovery gave up on it, its time limit passed) gets an error event from
the first stream that notices.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from pydantic import JsonValue
from sqlalchemy.exc import IntegrityError

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, NotFound
from frameloom.domain.events import Content, Event, Part
from frameloom.domain.jobs import ChatTurnJob, JobKind, JobStatus
from frameloom.jobs.chat import INTERNAL_CODE, EventLog, error_event
from frameloom.services.clock import Clock
from frameloom.services.jobs import JobService
from frameloom.services.sessions import summarize
from frameloom.settings import Settings
from frameloom.store import chat as repo
from frameloom.store import sessions as sessions_repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import ChatEvent, StudioSession

MAX_MESSAGE = 4000  # characters, as prompts (SPEC section 7)
POLL_S = 0.2  # a follower reads the database this often when nothing woke it (turns run by another process)
JOB_CHECK_S = 1.0  # and looks at the turn's job this often while the turn is silent
USER = "user"
ENDED = "the turn ended without its last event"


@dataclass(frozen=True)
class Heartbeat:
    """Nothing happened for ``heartbeat_s``: the stream says it is alive (``: heartbeat``)."""


HEARTBEAT = Heartbeat()
Followed = Event | Heartbeat


@dataclass(frozen=True)
class Cursor:
    """A stream's place in a turn: after the stored event at ``after_seq`` (0: from the start),
    whose id is ``after_event_id``."""

    invocation_id: str
    session_id: str
    after_seq: int = 0
    after_event_id: str | None = None


@dataclass(frozen=True)
class ChatSession:
    """A session as ADK's session routes show it: its draft's ``version`` and ``summary``, when it
    last changed, and its stored events (empty in lists)."""

    session_id: str
    version: int
    summary: str
    updated_at: datetime
    events: list[Event]


def _event(row: ChatEvent) -> Event:
    return Event.model_validate_json(row.body)


class ChatService:
    def __init__(self, db: Database, events: EventLog, jobs: JobService, settings: Settings, clock: Clock) -> None:
        self.db, self.log, self.jobs, self.settings, self.clock = db, events, jobs, settings, clock

    # --- turns ------------------------------------------------------------------------------

    def start(self, who: Principal, session_id: str, message: str, streaming: bool, base_url: str,
              attribution: Mapping[str, str | None]) -> str:
        """Queue a turn for ``message`` in the caller's session; returns its invocation id.

        400 (``InvalidRequest`` on ``new_message``) for a message with no text or over
        :data:`MAX_MESSAGE` characters; 1002 (``NotFound``) for a missing or another
        account's session. Both are raised before anything is stored or queued.
        """
        if not message.strip():
            raise InvalidRequest.of("new_message", "must hold a text part")
        if len(message) > MAX_MESSAGE:
            raise InvalidRequest.of("new_message", f"at most {MAX_MESSAGE} characters (got {len(message)})")
        with self.db.read() as session:
            sessions_repo.owned_session(session, who.account_id, session_id)
        invocation_id = new_id("inv")
        said = Event(id=new_id("evt"), invocation_id=invocation_id, author=USER, timestamp=self.clock().timestamp(),
                     content=Content(role=USER, parts=[Part(text=message)]))
        self.log.append(session_id, said)
        spec = ChatTurnJob(session_id=session_id, invocation_id=invocation_id, message=message, streaming=streaming,
                           base_url=base_url, attribution=dict(attribution))
        self.jobs.submit(who, JobKind.CHAT, invocation_id, session_id, spec, 0, self.settings.chat_time_limit_s)
        return invocation_id

    def new_turn(self, invocation_id: str, session_id: str) -> Cursor:
        """The cursor of a turn just started: from its first event."""
        return Cursor(invocation_id, session_id)

    def attach(self, who: Principal, invocation_id: str, after_event_id: str | None = None,
               session_id: str | None = None) -> Cursor:
        """A cursor into the caller's turn ``invocation_id``, after event ``after_event_id`` (None: from
        its first event).

        1002 (``NotFound``) for an unknown or another account's turn, or one not of ``session_id``
        when given; 400 (``InvalidRequest`` on ``after``) for an event id that is not the turn's.
        """
        with self.db.read() as session:
            owner = repo.invocation_session(session, invocation_id, who.account_id)
            if owner is None or (session_id is not None and session_id != owner):
                raise NotFound("invocation", invocation_id[:64])
            if after_event_id is None:
                return Cursor(invocation_id, owner)
            seq = repo.seq_of(session, invocation_id, after_event_id)
        if seq is None:
            raise InvalidRequest.of("after", f"{after_event_id[:64]!r} is not an event of {invocation_id}")
        return Cursor(invocation_id, owner, seq, after_event_id)

    def events(self, who: Principal, invocation_id: str, after_event_id: str | None = None) -> list[Event]:
        """The turn's events stored so far, after ``after_event_id`` (errors as :meth:`attach`)."""
        cursor = self.attach(who, invocation_id, after_event_id)
        return [_event(row) for row in self._read(cursor.invocation_id, cursor.after_seq)]

    async def follow(self, cursor: Cursor, heartbeat_s: float, cap_s: float) -> AsyncGenerator[Followed]:
        """The turn's events after ``cursor`` as they come, and :data:`HEARTBEAT` after each
        ``heartbeat_s`` of silence, until the turn's last event; after ``cap_s`` seconds, a last
        event of the stream's own instead (see :meth:`capped`). Closing the iterator leaves the
        turn running."""
        loop = asyncio.get_running_loop()
        wake = asyncio.Event()

        def waker() -> None:  # from the turn's thread
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody follows any more
                loop.call_soon_threadsafe(wake.set)

        stop = self.log.hub.listen(cursor.invocation_id, waker)
        try:
            begun = loop.time()
            deadline, quiet_since, checked = begun + cap_s, begun, begun
            after, last_id = cursor.after_seq, cursor.after_event_id
            while True:
                wake.clear()  # before reading: an event stored after the read wakes the wait below
                rows = await anyio.to_thread.run_sync(self._read, cursor.invocation_id, after)
                for row in rows:
                    yield _event(row)
                    after, last_id = row.seq, row.event_id
                    if row.ends_turn:
                        return
                now = loop.time()
                if rows:
                    quiet_since = now
                elif now - checked >= JOB_CHECK_S:
                    checked = now
                    if await anyio.to_thread.run_sync(self._end_orphan, cursor):
                        continue
                if now >= deadline:
                    yield self.capped(cursor.invocation_id, last_id)
                    return
                if now - quiet_since >= heartbeat_s:
                    yield HEARTBEAT
                    quiet_since = now
                wait = min(POLL_S, deadline - now, quiet_since + heartbeat_s - now)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), max(0.0, wait))
        finally:
            stop()

    def capped(self, invocation_id: str, last_event_id: str | None) -> Event:
        """The last event of a stream that reached its cap while the turn runs on (not stored, not
        part of the turn): ``customMetadata`` says so and how to re-attach."""
        reattach: dict[str, JsonValue] = {"path": "/run_sse", "invocationId": invocation_id, "after": last_event_id}
        return Event(id=new_id("evt"), invocation_id=invocation_id, timestamp=self.clock().timestamp(),
                     custom_metadata={"stream": "capped", "turnRunning": True, "reattach": reattach})

    def _read(self, invocation_id: str, after_seq: int) -> list[ChatEvent]:
        with self.db.read() as session:
            return repo.turn_events(session, invocation_id, after_seq)

    def _end_orphan(self, cursor: Cursor) -> bool:
        """When the turn's job is over and its last event is missing, store an error event as its
        last (one id per turn, so two streams noticing at once store one). True when the turn has
        its last event now."""
        with self.db.read() as session:
            job = repo.turn_job(session, cursor.invocation_id)
        if job is None or not JobStatus(job.status).final:
            return False
        if self.log.progress(cursor.invocation_id).ended:
            return True
        message = f"{ENDED}: {job.error or job.status}"
        end = error_event(cursor.invocation_id, INTERNAL_CODE, message, self.clock,
                          event_id=f"evt_end_{cursor.invocation_id}"[:64])
        with contextlib.suppress(IntegrityError):
            self.log.append(cursor.session_id, end)
        return True

    # --- sessions as ADK shows them ---------------------------------------------------------

    def session_events(self, who: Principal, session_id: str) -> list[Event]:
        """Every stored event of the caller's session, the user's messages included, in order; 1002
        for a missing or another account's session."""
        with self.db.read() as session:
            sessions_repo.owned_session(session, who.account_id, session_id)
            rows = repo.session_events(session, session_id)
        return [_event(row) for row in rows]

    def chat_session(self, who: Principal, session_id: str) -> ChatSession:
        """The caller's session with its events (1002 when missing or another account's)."""
        with self.db.read() as session:
            row = sessions_repo.owned_session(session, who.account_id, session_id)
            events = [_event(e) for e in repo.session_events(session, session_id)]
        return _chat_session(row, events)

    def chat_sessions(self, who: Principal) -> list[ChatSession]:
        """The caller's sessions, most recently changed first, without their events."""
        with self.db.read() as session:
            rows = repo.account_sessions(session, who.account_id)
        return [_chat_session(row, []) for row in rows]


def _chat_session(row: StudioSession, events: list[Event]) -> ChatSession:
    return ChatSession(session_id=row.id, version=row.version, summary=summarize(row.draft),
                       updated_at=row.updated_at, events=events)
