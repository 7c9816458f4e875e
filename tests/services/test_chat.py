"""The chat service on both databases: a turn is a job, its events are stored, followers get them in order."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from frameloom.agent.turns import Emit, Turn
from frameloom.domain.accounts import Plan, Principal
from frameloom.domain.errors import InvalidRequest, NotFound
from frameloom.domain.events import Content, Event, Part
from frameloom.domain.jobs import JobStatus
from frameloom.jobs.chat import INTERRUPTED
from frameloom.services.chat import HEARTBEAT, Cursor, Followed
from frameloom.services.container import Services, build_services
from frameloom.settings import Settings
from frameloom.store import accounts
from frameloom.store import chat as chat_repo
from frameloom.store import jobs as jobs_repo
from frameloom.store.ids import new_id
from frameloom.store.models import ChatEvent, Job


def text(turn: Turn, words: str, **extra: object) -> Event:
    return Event.model_validate({"id": new_id("evt"), "invocation_id": turn.invocation_id,
                                 "timestamp": time.time(), "content": Content(parts=[Part(text=words)]), **extra})


@dataclass
class Echo:
    """Says the message back, then ends the turn."""

    turns: list[Turn] = field(default_factory=list)

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        self.turns.append(turn)
        emit(text(turn, f"you said: {turn.message}"))
        emit(text(turn, "done", turn_complete=True))


class Boom:
    """Says one thing, then fails with a message that must not reach the stream."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(text(turn, "working"))
        raise RuntimeError("secret detail /etc/passwd")


class Mute:
    """Returns without its last event."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(text(turn, "half"))


class Chatty:
    """Emits after its last event: a contract violation the emitter refuses."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(text(turn, "end", turn_complete=True))
        emit(text(turn, "more"))


def _principal(services: Services) -> Principal:
    with services.db.write() as session:
        row = accounts.create_account(session, Plan.ANONYMOUS, 100, services.clock())
        return Principal(row.id, Plan.ANONYMOUS, row.bind_id, row.available, row.frozen)


@pytest.fixture
def make(backend_settings: Settings) -> Iterator[Callable[..., Services]]:
    made: list[Services] = []

    def build(turns: object = None) -> Services:
        services = build_services(backend_settings, turns=turns)  # type: ignore[arg-type]
        made.append(services)
        return services

    yield build
    for services in made:
        services.close()


def _start(services: Services, who: Principal, message: str = "hello") -> tuple[str, str]:
    session_id = services.sessions.create_session(who, "project", "en")
    invocation_id = services.chat.start(who, session_id, message, False, "http://test", {"X-Skill-Source": "t"})
    return session_id, invocation_id


def _job(services: Services, invocation_id: str) -> Job:
    with services.db.read() as session:
        job = chat_repo.turn_job(session, invocation_id)
    assert job is not None
    return job


def _run(services: Services, invocation_id: str) -> Job:
    services.jobs.runner.run(_job(services, invocation_id).id)
    return _job(services, invocation_id)


def _stored(services: Services) -> int:
    with services.db.read() as session:
        return session.query(ChatEvent).count()


def test_a_turn_is_a_free_chat_job_and_the_message_is_stored_first(make: Callable[..., Services]) -> None:
    services = make(Echo())
    who = _principal(services)
    session_id, invocation_id = _start(services, who, "a fox")
    job = _job(services, invocation_id)
    assert (job.kind, job.status, job.price, job.session_id) == ("chat", "queued", 0, session_id)
    assert services.credits.balance(who.account_id).frozen == 0  # its hold is of 0: counted as usage, nothing frozen
    assert job.time_limit_s == 900
    [said] = services.chat.session_events(who, session_id)
    assert (said.author, said.text, said.invocation_id, said.content and said.content.role) == (
        "user", "a fox", invocation_id, "user")
    assert services.chat.events(who, invocation_id) == []  # the user's message is not the agent's event


def test_the_turn_runs_with_the_request_context_and_its_events_are_stored_in_order(
        make: Callable[..., Services]) -> None:
    echo = Echo()
    services = make(echo)
    who = _principal(services)
    session_id, invocation_id = _start(services, who, "a fox")
    assert _run(services, invocation_id).status == JobStatus.COMPLETED.value
    [turn] = echo.turns
    assert (turn.account_id, turn.session_id, turn.invocation_id, turn.message, turn.base_url) == (
        who.account_id, session_id, invocation_id, "a fox", "http://test")
    assert turn.attribution["X-Skill-Source"] == "t"
    events = services.chat.events(who, invocation_id)
    assert [e.text for e in events] == ["you said: a fox", "done"]
    assert events[-1].turn_complete is True
    assert [e.author for e in services.chat.session_events(who, session_id)] == ["user", "nemo_agent", "nemo_agent"]
    assert [e.text for e in services.chat.events(who, invocation_id, after_event_id=events[0].id)] == ["done"]


@pytest.mark.parametrize("message", ["", "   ", "x" * 4001])
def test_an_empty_or_too_long_message_is_400_and_nothing_is_queued(make: Callable[..., Services],
                                                                    message: str) -> None:
    services = make(Echo())
    who = _principal(services)
    session_id = services.sessions.create_session(who, "project", "en")
    with pytest.raises(InvalidRequest) as caught:
        services.chat.start(who, session_id, message, False, "", {})
    assert caught.value.problems[0].field == "new_message"
    assert _stored(services) == 0


def test_another_accounts_session_is_not_found_before_anything_is_stored(make: Callable[..., Services]) -> None:
    services = make(Echo())
    owner, stranger = _principal(services), _principal(services)
    session_id, invocation_id = _start(services, owner)
    before = _stored(services)
    with pytest.raises(NotFound):
        services.chat.start(stranger, session_id, "hi", False, "", {})
    with pytest.raises(NotFound):
        services.chat.start(owner, "ses_missing", "hi", False, "", {})
    assert _stored(services) == before
    with services.db.read() as session:
        assert session.query(Job).count() == 1
    for call in (lambda: services.chat.events(stranger, invocation_id),
                 lambda: services.chat.session_events(stranger, session_id),
                 lambda: services.chat.attach(owner, invocation_id, session_id="ses_other")):
        with pytest.raises(NotFound):
            call()


def test_re_attaching_after_an_event_that_is_not_the_turns_is_400(make: Callable[..., Services]) -> None:
    services = make(Echo())
    who = _principal(services)
    _, first = _start(services, who)
    _, second = _start(services, who)
    _run(services, first)
    other_event = services.chat.events(who, first)[0].id
    with pytest.raises(InvalidRequest) as caught:
        services.chat.attach(who, second, other_event)
    assert caught.value.problems[0].field == "after"


def test_a_failing_agent_fails_the_job_and_ends_the_turn_with_a_500_event_without_details(
        make: Callable[..., Services]) -> None:
    services = make(Boom())
    who = _principal(services)
    _, invocation_id = _start(services, who)
    assert _run(services, invocation_id).status == JobStatus.FAILED.value
    working, end = services.chat.events(who, invocation_id)
    assert working.text == "working"
    assert end.error_code == "500"
    assert end.error_message is not None
    assert "secret" not in end.error_message
    assert "RuntimeError" not in end.error_message


def test_by_default_the_built_in_agent_answers(make: Callable[..., Services]) -> None:
    services = make(None)
    who = _principal(services)
    _, invocation_id = _start(services, who, "help")
    _run(services, invocation_id)
    events = services.chat.events(who, invocation_id)
    assert events[-1].turn_complete
    assert "image" in events[-1].text.lower()


def test_an_agent_that_returns_without_its_last_event_gets_one(make: Callable[..., Services]) -> None:
    services = make(Mute())
    who = _principal(services)
    _, invocation_id = _start(services, who)
    _run(services, invocation_id)
    events = services.chat.events(who, invocation_id)
    assert next(e.text for e in events) == "half"
    assert events[-1].is_error


def test_an_event_after_the_last_is_refused(make: Callable[..., Services]) -> None:
    services = make(Chatty())
    who = _principal(services)
    _, invocation_id = _start(services, who)
    assert _run(services, invocation_id).status == JobStatus.FAILED.value
    [end] = services.chat.events(who, invocation_id)
    assert end.turn_complete is True


def test_a_turn_that_already_spoke_is_not_run_twice(make: Callable[..., Services]) -> None:
    echo = Echo()
    services = make(echo)
    who = _principal(services)
    session_id, invocation_id = _start(services, who)
    services.jobs.events.append(session_id, Event(id=new_id("evt"), invocation_id=invocation_id,
                                                  timestamp=time.time(), content=Content(parts=[Part(text="half")])))
    _run(services, invocation_id)  # as recovery would after the first attempt's process died
    assert echo.turns == []
    _half, end = services.chat.events(who, invocation_id)
    assert (end.error_code, end.error_message) == ("500", INTERRUPTED)


async def _collect(services: Services, cursor: Cursor, heartbeat_s: float, cap_s: float) -> list[Followed]:
    return [item async for item in services.chat.follow(cursor, heartbeat_s, cap_s)]


def test_a_follower_gets_live_events_then_stops_at_the_last(make: Callable[..., Services]) -> None:
    gate = threading.Event()

    class Gated:
        def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
            emit(text(turn, "first"))
            gate.wait(10)
            emit(text(turn, "last", turn_complete=True))

    services = make(Gated())
    who = _principal(services)
    session_id, invocation_id = _start(services, who)
    worker = threading.Thread(target=_run, args=(services, invocation_id))
    worker.start()
    threading.Timer(0.6, gate.set).start()
    items = asyncio.run(_collect(services, services.chat.new_turn(invocation_id, session_id), 0.2, 30))
    worker.join(10)
    events = [i for i in items if isinstance(i, Event)]
    assert [e.text for e in events] == ["first", "last"]
    assert HEARTBEAT in items  # 0.6 s of silence with a 0.2 s heartbeat
    assert services.jobs.events.hub.following(invocation_id) == 0  # the follower let go


def test_the_cap_ends_a_follow_with_an_event_saying_how_to_re_attach(make: Callable[..., Services]) -> None:
    services = make(Echo())
    who = _principal(services)
    session_id, invocation_id = _start(services, who)  # never run: the turn stays queued
    items = asyncio.run(_collect(services, services.chat.new_turn(invocation_id, session_id), 10, 0.3))
    [capped] = items
    assert isinstance(capped, Event)
    assert capped.custom_metadata is not None
    assert capped.custom_metadata["turnRunning"] is True
    assert capped.custom_metadata["reattach"] == {"path": "/run_sse", "invocationId": invocation_id, "after": None}


def test_a_turn_whose_job_ended_without_its_last_event_gets_one_error_event(make: Callable[..., Services]) -> None:
    services = make(Echo())
    who = _principal(services)
    session_id, invocation_id = _start(services, who)
    with services.db.write() as session:  # as recovery does when it gives up on a turn
        jobs_repo.end_open(session, _job(services, invocation_id).id, JobStatus.FAILED,
                           "the worker stopped 3 times; giving up", services.clock())
    cursor = services.chat.new_turn(invocation_id, session_id)

    async def two_followers() -> list[list[Followed]]:
        return list(await asyncio.gather(_collect(services, cursor, 10, 5), _collect(services, cursor, 10, 5)))

    for items in asyncio.run(two_followers()):
        [end] = items
        assert isinstance(end, Event)
        assert end.error_code == "500"
        assert end.error_message is not None
        assert "giving up" in end.error_message
    assert len(services.chat.events(who, invocation_id)) == 1
