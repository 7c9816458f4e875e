"""The ``chat`` job: one user message run by the agent, each of its events stored, then relayed.

Every event goes through :class:`EventLog`: one short write transaction per
event (nothing stays open while the agent works, so a generation job the agent
runs inline in this thread can take the database's write lock), then
:class:`ChatHub` wakes the streams of this process that follow the turn at
once; streams served by another process find the event on their next poll.

The agent comes in as a :class:`TurnCall` (this package does not import
``frameloom.agent``): the composition root adapts the agent's ``TurnRunner``.

A turn runs at most once: when an earlier attempt already emitted something
(its process died and recovery queued the job again), its actions may have
happened, so the new attempt only ends the turn with an error event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from frameloom.domain.events import Event
from frameloom.domain.jobs import ChatTurnJob, JobResult
from frameloom.jobs.runner import Clock, JobContext, Outcome, Work
from frameloom.store import chat as repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id

INTERNAL_CODE = "500"  # ADK types errorCode as a string; SPEC section 2's code for internal errors
NO_AGENT = "no agent runs on this server yet, so the chat cannot answer; the studio's other routes work"
FAILED = "internal error: the turn failed (nothing more is known to this stream)"
STOPPED = "the turn was stopped (its time limit passed or the server is stopping)"
NO_FINAL = "internal error: the agent ended the turn without its final event"
INTERRUPTED = "the turn was interrupted (the server stopped while it ran); send the message again"

Emit = Callable[[Event], None]


class TurnCall(Protocol):
    """Runs one turn to its end: every event through ``emit``, the last one ``turn_complete`` or an error.

    ``job_id`` and ``account_id``: the job running it and whose it is. ``cancelled()`` turns true when
    the turn must stop (its time limit, the process stopping).
    """

    def __call__(self, job_id: str, account_id: str, spec: ChatTurnJob, emit: Emit,
                 cancelled: Callable[[], bool]) -> None: ...


def error_event(invocation_id: str, code: str, message: str, clock: Clock, event_id: str | None = None) -> Event:
    """An error event of ``invocation_id`` (it ends the turn's stream); a new id unless one is given."""
    return Event(id=event_id or new_id("evt"), invocation_id=invocation_id, timestamp=clock().timestamp(),
                 error_code=code, error_message=message)


class ChatHub:
    """Who follows which turn in this process: ``notify`` calls each follower's ``wake`` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakers: dict[str, list[Callable[[], None]]] = {}

    def listen(self, invocation_id: str, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` (from any thread; it must not block) whenever ``invocation_id`` gets an event,
        until the returned function is called."""
        with self._lock:
            self._wakers.setdefault(invocation_id, []).append(wake)

        def stop() -> None:
            with self._lock:
                wakers = self._wakers.get(invocation_id, [])
                if wake in wakers:
                    wakers.remove(wake)
                if not wakers:
                    self._wakers.pop(invocation_id, None)

        return stop

    def notify(self, invocation_id: str) -> None:
        with self._lock:
            wakers = list(self._wakers.get(invocation_id, ()))
        for wake in wakers:
            wake()

    def following(self, invocation_id: str) -> int:
        """How many followers ``invocation_id`` has here (for tests)."""
        with self._lock:
            return len(self._wakers.get(invocation_id, ()))


@dataclass(frozen=True)
class TurnProgress:
    """How far a turn got: the agent said something (``spoke``); its last event is stored (``ended``)."""

    spoke: bool
    ended: bool


class EventLog:
    """Stores chat events (one write transaction each) and wakes their followers in this process."""

    def __init__(self, db: Database, hub: ChatHub, clock: Clock) -> None:
        self.db, self.hub, self.clock = db, hub, clock

    def append(self, session_id: str, event: Event) -> None:
        """Store ``event`` of session ``session_id``, then wake its turn's followers.

        ``sqlalchemy.exc.IntegrityError`` when an event with its id is already stored.
        """
        with self.db.write() as session:
            repo.add_event(session, session_id, event, self.clock())
        self.hub.notify(event.invocation_id)

    def progress(self, invocation_id: str) -> TurnProgress:
        with self.db.read() as session:
            events = repo.turn_events(session, invocation_id)
        return TurnProgress(spoke=bool(events), ended=any(e.ends_turn for e in events))


class _TurnEmitter:
    """The ``emit`` a turn gets: events of this invocation only, in order, none after the last."""

    def __init__(self, log: EventLog, spec: ChatTurnJob) -> None:
        self.log, self.spec = log, spec
        self.ended = False
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            if event.invocation_id != self.spec.invocation_id:
                raise ValueError(f"event {event.id} belongs to {event.invocation_id}, not {self.spec.invocation_id}")
            if self.ended:
                raise ValueError(f"event {event.id} comes after the turn's last event")
            self.log.append(self.spec.session_id, event)
            self.ended = bool(event.turn_complete) or event.is_error


def chat_work(run_turn: TurnCall | None, log: EventLog, clock: Clock) -> Work:
    """The work function of ``chat`` jobs. Payload: a :class:`~frameloom.domain.jobs.ChatTurnJob`.

    The stream always gets a last event: when the agent raises, an error event
    (code ``"500"``, no stack trace) and the job fails; when it returns without
    one, an error event. ``run_turn`` None (no agent wired): an error event saying so.
    """

    def run(ctx: JobContext) -> Outcome:
        spec = ChatTurnJob(**ctx.payload)
        emit = _TurnEmitter(log, spec)
        done = Outcome(result=JobResult(files=()))
        before = log.progress(spec.invocation_id)
        if before.ended:
            return done
        if before.spoke:
            emit(error_event(spec.invocation_id, INTERNAL_CODE, INTERRUPTED, clock))
            return done
        try:
            if run_turn is None:
                emit(error_event(spec.invocation_id, INTERNAL_CODE, NO_AGENT, clock))
            else:
                run_turn(ctx.job_id, ctx.account_id, spec, emit, ctx.cancelled)
        except Exception:
            if not emit.ended:
                emit(error_event(spec.invocation_id, INTERNAL_CODE, STOPPED if ctx.cancelled() else FAILED, clock))
            raise
        if not emit.ended:
            emit(error_event(spec.invocation_id, INTERNAL_CODE, STOPPED if ctx.cancelled() else NO_FINAL, clock))
        return done

    return run
