"""``/run_sse``, ``/run`` and ADK's session routes against a real server (uvicorn, jobs in the process).

The agents are small fakes (``TurnRunner``\\ s): the transport is under test, not the planner. Every
event a test sees is checked with ``google-adk``'s own ``Event`` model, on its 2.x line (the ``adk``
extra, in ``.venv``) and its 1.x line (``.venv-adk1``, built by ``make test``), each in a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from frameloom.agent.turns import Emit, Turn, TurnRunner
from frameloom.api import create_app
from frameloom.domain.events import Content, Event, FunctionCall, FunctionResponse, Part
from frameloom.services.container import Services
from frameloom.settings import Settings
from frameloom.store.ids import new_id

ROOT = Path(__file__).resolve().parents[2]
ADK1_PYTHON = ROOT / ".venv-adk1" / "bin" / "python"
Json = dict[str, Any]

# --- the agents ---------------------------------------------------------------------------------


def event(turn: Turn, words: str | None = None, **extra: Any) -> Event:
    content = Content(parts=[Part(text=words)]) if words is not None else extra.pop("content", None)
    return Event(id=new_id("evt"), invocation_id=turn.invocation_id, timestamp=time.time(), content=content,
                 **extra)


class Echo:
    """Says the message back (as partial deltas first when streaming), then ends the turn."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        reply = f"you said: {turn.message}"
        if turn.streaming:
            emit(event(turn, reply[:8], partial=True))
            emit(event(turn, reply[8:], partial=True))
        emit(event(turn, reply, turn_complete=True))


class Tools:
    """Every kind of event a real turn sends: text, a tool call, progress, the tool's result, the end."""

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(event(turn, "Making an image (2 credits).", partial=True))
        emit(event(turn, "Making an image (2 credits)."))
        call = FunctionCall(id="call_1", name="generate_image", args={"prompt": "a fox", "n": 1})
        emit(event(turn, content=Content(parts=[Part(function_call=call)])))
        emit(event(turn, custom_metadata={"stage": "rendering", "progress": 0.4}))
        result = FunctionResponse(id="call_1", name="generate_image",
                                  response={"media_ids": ["med_1"], "links": ["http://x/files/a"], "summary": "ok"})
        emit(event(turn, content=Content(parts=[Part(function_response=result)])))
        emit(event(turn, "Done. Timeline (0 tracks): empty", turn_complete=True))


class Slow:
    """Two events ``pause_s`` apart."""

    def __init__(self, pause_s: float) -> None:
        self.pause_s = pause_s

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(event(turn, "thinking"))
        time.sleep(self.pause_s)
        emit(event(turn, "done", turn_complete=True))


@dataclass
class Gated:
    """``first``; waits for ``gates[0]``; ``second``; waits for ``gates[1]``; ``last`` (turn complete)."""

    gates: tuple[threading.Event, threading.Event] = field(default_factory=lambda: (threading.Event(),
                                                                                    threading.Event()))

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(event(turn, "first"))
        self.gates[0].wait(20)
        emit(event(turn, "second"))
        self.gates[1].wait(20)
        emit(event(turn, "last", turn_complete=True))

    def open(self) -> None:
        for gate in self.gates:
            gate.set()


class Boom:
    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        emit(event(turn, "working"))
        raise RuntimeError("Traceback: secret detail")


# --- ADK's Event model, both lines, each in a subprocess that reads events as JSON lines ---------

_VALIDATE = """
import json, sys
import google.adk
from google.adk.events import Event
print(google.adk.__version__, flush=True)
while line := sys.stdin.readline():
    data = json.loads(line)
    try:
        kept = Event.model_validate(data).model_dump(mode="json", by_alias=True, exclude_none=True)
        dropped = sorted(set(data) - set(kept))
        print(json.dumps(f"keys ADK drops: {dropped}" if dropped else ""), flush=True)
    except Exception as exc:
        print(json.dumps(str(exc)), flush=True)
"""


class AdkValidator:
    """One ``google-adk`` install: ``problems(events)`` is one message per event it does not take whole."""

    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen([python, "-c", _VALIDATE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout is not None
        self.version = self.proc.stdout.readline().strip()

    def problems(self, events: list[Json]) -> list[str]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        found = []
        for data in events:
            self.proc.stdin.write(json.dumps(data) + "\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline())
            if answer:
                found.append(f"google-adk {self.version}: {answer} in {data}")
        return found

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(timeout=10)


def _adk_pythons() -> dict[str, str | None]:
    return {"2.x": sys.executable if importlib.util.find_spec("google.adk") else None,
            "1.x": str(ADK1_PYTHON) if ADK1_PYTHON.exists() else None}


@pytest.fixture(scope="module")
def validators() -> Iterator[dict[str, AdkValidator]]:
    started = {line: AdkValidator(python) for line, python in _adk_pythons().items() if python}
    yield started
    for validator in started.values():
        validator.close()


@pytest.fixture
def adk(validators: dict[str, AdkValidator]) -> Callable[[list[Json]], None]:
    """``adk(events)``: every event validates with each google-adk line installed here."""

    def check(events: list[Json]) -> None:
        assert events
        problems = [p for validator in validators.values() for p in validator.problems(events)]
        assert not problems, "\n".join(problems)

    return check


# --- a server, an account, a session ------------------------------------------------------------


@dataclass
class Chat:
    url: str
    headers: dict[str, str]
    session_id: str
    app: FastAPI

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def client(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=timeout)

    def body(self, text: str = "hello", **extra: Any) -> Json:
        return {"session_id": self.session_id, "new_message": {"role": "user", "parts": [{"text": text}]},
                "app_name": "nemo_agent", "user_id": "me", **extra}

    def stored(self) -> list[Json]:
        with self.client() as client:
            events: list[Json] = client.get(f"/apps/nemo_agent/users/me/sessions/{self.session_id}").json()["events"]
            return events


_client_ids = iter(range(1, 10_000))


@pytest.fixture
def serve(settings: Settings, live_server: Callable[[Any], str]) -> Callable[..., Chat]:
    """``serve(agent, **settings)``: a real server whose chat turns ``agent`` runs; heartbeats every 0.2 s."""

    def start(agent: TurnRunner | None, **overrides: Any) -> Chat:
        tuned = settings.model_copy(update={"chat_heartbeat_s": 0.2, **overrides})
        app = create_app(tuned, turns=agent)
        url = live_server(app)
        token = httpx.post(f"{url}/api/auth/anonymous-token",
                           headers={"X-Client-Id": f"chat-{next(_client_ids)}"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        session_id = httpx.post(f"{url}/api/tasks/me/with-session/nemo_agent", json={},
                                headers=headers).json()["data"]["session_id"]
        return Chat(url, headers, session_id, app)

    return start


@dataclass
class Stream:
    """What an SSE response said: its events (parsed JSON) and heartbeats, in order."""

    items: list[Json | str] = field(default_factory=list)

    @property
    def events(self) -> list[Json]:
        return [item for item in self.items if isinstance(item, dict)]

    @property
    def heartbeats(self) -> int:
        return sum(item == "heartbeat" for item in self.items)


class SseReader:
    """Reads blocks (``data: <json>`` or ``: heartbeat``, each ended by a blank line) from a response;
    any other shape fails the test."""

    def __init__(self, response: httpx.Response) -> None:
        self.chunks = response.iter_text()
        self.buffer = ""

    def read(self, events: int | None = None) -> Stream:
        """Until the stream ends, or until ``events`` more events were read."""
        stream = Stream()
        while True:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                if block == ": heartbeat":
                    stream.items.append("heartbeat")
                    continue
                assert block.startswith("data: "), f"not a data line: {block!r}"
                assert "\n" not in block, f"more than one line: {block!r}"
                stream.items.append(json.loads(block.removeprefix("data: ")))
                if events is not None and len(stream.events) == events:
                    return stream
            chunk = next(self.chunks, None)
            if chunk is None:
                assert self.buffer == "", f"the stream ended inside a block: {self.buffer!r}"
                return stream
            self.buffer += chunk


def read_sse(response: httpx.Response, events: int | None = None) -> Stream:
    return SseReader(response).read(events)


def texts(events: list[Json]) -> list[str]:
    return ["".join(p.get("text", "") for p in (e.get("content") or {}).get("parts", [])) for e in events]


def wait_for(condition: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- the stream ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["snake_case", "camelCase"])
def test_a_turn_streams_as_server_sent_events_from_either_body_case(
        serve: Callable[..., Chat], adk: Callable[[list[Json]], None], case: str) -> None:
    chat = serve(Echo())
    body = chat.body("a fox", streaming=True)
    if case == "camelCase":
        body = {"sessionId": chat.session_id, "newMessage": body["new_message"], "appName": "nemo_agent",
                "userId": "me", "streaming": True}
    with chat.client() as client, client.stream("POST", "/run_sse", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = read_sse(response)
    events = stream.events
    assert texts(events) == ["you said", ": a fox", "you said: a fox"]
    assert [e.get("partial") for e in events] == [True, True, None]
    assert events[-1]["turnComplete"] is True
    assert {e["invocationId"] for e in events} == {events[0]["invocationId"]}
    assert all(e["author"] == "nemo_agent" for e in events)
    adk(events)


def test_every_kind_of_event_keeps_its_shape_on_the_wire(serve: Callable[..., Chat],
                                                         adk: Callable[[list[Json]], None]) -> None:
    chat = serve(Tools())
    with chat.client() as client, client.stream("POST", "/run_sse", json=chat.body("an image of a fox")) as response:
        events = read_sse(response).events
    parts = [p for e in events for p in (e.get("content") or {}).get("parts", [])]
    assert {"functionCall": {"id": "call_1", "name": "generate_image", "args": {"prompt": "a fox", "n": 1}}} in parts
    assert any(p.get("functionResponse", {}).get("response", {}).get("media_ids") == ["med_1"] for p in parts)
    assert {"stage": "rendering", "progress": 0.4} in [e.get("customMetadata") for e in events]
    adk(events + chat.stored())


def test_heartbeats_arrive_while_a_slow_turn_is_silent(serve: Callable[..., Chat],
                                                       adk: Callable[[list[Json]], None]) -> None:
    chat = serve(Slow(pause_s=1.0))
    with chat.client() as client, client.stream("POST", "/run_sse", json=chat.body()) as response:
        stream = read_sse(response)
    assert texts(stream.events) == ["thinking", "done"]
    between = stream.items[stream.items.index(stream.events[0]) + 1: stream.items.index(stream.events[1])]
    assert set(between) == {"heartbeat"}
    assert 2 <= len(between) <= 6  # 1 s of silence, one every 0.2 s (fewer on a loaded machine)
    adk(stream.events)


def test_a_client_that_disconnects_mid_turn_leaves_the_turn_running_to_its_end(
        serve: Callable[..., Chat], adk: Callable[[list[Json]], None]) -> None:
    agent = Gated()
    chat = serve(agent)
    with chat.client() as client, client.stream("POST", "/run_sse", json=chat.body()) as response:
        [first] = read_sse(response, events=1).events
    invocation_id = first["invocationId"]
    hub = chat.services.jobs.events.hub
    wait_for(lambda: hub.following(invocation_id) == 0)  # the server noticed and let go
    agent.open()
    wait_for(lambda: any(e.get("turnComplete") for e in chat.stored()))
    stored = chat.stored()
    assert [e["author"] for e in stored] == ["user", "nemo_agent", "nemo_agent", "nemo_agent"]
    assert texts(stored) == ["hello", "first", "second", "last"]
    adk(stored)


@pytest.mark.parametrize("how", ["after", "Last-Event-ID"])
def test_re_attaching_replays_the_missed_events_then_follows_live(
        serve: Callable[..., Chat], adk: Callable[[list[Json]], None], how: str) -> None:
    agent = Gated()
    chat = serve(agent)
    with chat.client() as client, client.stream("POST", "/run_sse", json=chat.body()) as response:
        [first] = read_sse(response, events=1).events
    agent.gates[0].set()  # "second" is emitted while nobody listens
    wait_for(lambda: "second" in texts(chat.stored()))
    body: Json = {"invocationId": first["invocationId"]}
    headers = {}
    if how == "after":
        body["after"] = first["id"]
    else:
        headers["Last-Event-ID"] = first["id"]
    with chat.client() as client, client.stream("POST", "/run_sse", json=body, headers=headers) as response:
        assert response.status_code == 200
        reader = SseReader(response)
        [missed] = reader.read(events=1).events
        assert texts([missed]) == ["second"]
        agent.gates[1].set()
        rest = reader.read().events
    assert texts(rest) == ["last"]
    assert rest[-1]["turnComplete"] is True
    with chat.client() as client:  # a finished turn replays whole
        replay = read_sse(client.post("/run_sse", json={"invocation_id": first["invocationId"]}))
    assert texts(replay.events) == ["first", "second", "last"]
    adk([missed, *rest, *replay.events])


def test_the_cap_closes_the_stream_cleanly_with_a_way_back(serve: Callable[..., Chat],
                                                           adk: Callable[[list[Json]], None]) -> None:
    agent = Gated()
    chat = serve(agent, chat_stream_cap_s=0.6)
    with chat.client() as client, client.stream("POST", "/run_sse", json=chat.body()) as response:
        stream = read_sse(response)  # ends by itself
    first, capped = stream.events
    assert capped["customMetadata"]["turnRunning"] is True
    assert capped["customMetadata"]["reattach"] == {"path": "/run_sse", "invocationId": first["invocationId"],
                                                   "after": first["id"]}
    assert "turnComplete" not in capped
    assert "errorCode" not in capped
    agent.open()
    with chat.client() as client:
        rest = read_sse(client.post("/run_sse", json=capped["customMetadata"]["reattach"]))
    assert texts(rest.events) == ["second", "last"]
    adk([*stream.events, *rest.events])


def test_a_failing_turn_ends_its_stream_with_a_500_error_event(serve: Callable[..., Chat],
                                                               adk: Callable[[list[Json]], None]) -> None:
    chat = serve(Boom())
    with chat.client() as client:
        events = read_sse(client.post("/run_sse", json=chat.body())).events
    working, end = events
    assert working["content"]["parts"] == [{"text": "working"}]
    assert end["errorCode"] == "500"
    assert "secret" not in end["errorMessage"]
    assert "Traceback" not in end["errorMessage"]
    adk(events)


def test_the_built_in_agent_answers_through_the_stream(serve: Callable[..., Chat],
                                                       adk: Callable[[list[Json]], None]) -> None:
    chat = serve(None)
    with chat.client() as client:
        events = read_sse(client.post("/run_sse", json=chat.body("help"))).events
    assert events[-1].get("turnComplete") is True
    assert "errorCode" not in events[-1]
    adk(events)


def test_run_answers_the_turns_events_as_one_json_list(serve: Callable[..., Chat],
                                                       adk: Callable[[list[Json]], None]) -> None:
    chat = serve(Tools())
    with chat.client() as client:
        response = client.post("/run", json=chat.body("an image of a fox"))
    assert response.status_code == 200
    events = response.json()
    assert isinstance(events, list)
    assert len(events) == 6
    assert events[-1]["turnComplete"] is True
    assert "invocationId" in events[0]
    assert "invocation_id" not in events[0]
    adk(events)


# --- errors before the stream: the envelope ------------------------------------------------------


@pytest.mark.parametrize(("body", "field"), [
    (b"{not json", "body"),
    (b'{"new_message": {"parts": [{"text": "hi"}]}}', "session_id"),
    (b'{"session_id": "ses_x"}', "new_message"),
    (b'{"session_id": "ses_x", "new_message": {"parts": "hi"}}', "new_message.parts"),
    (b'{"session_id": "ses_x", "new_message": {"parts": [{"image": "x"}]}}', "new_message"),
    (b'{"invocation_id": "inv_x", "new_message": {"parts": [{"text": "hi"}]}}', "new_message"),
])
@pytest.mark.parametrize("route", ["/run_sse", "/run"])
def test_a_malformed_body_is_400_in_the_envelope(serve: Callable[..., Chat], body: bytes, field: str,
                                                 route: str) -> None:
    chat = serve(Echo())
    if b"ses_x" in body:
        body = body.replace(b"ses_x", chat.session_id.encode())
    with chat.client() as client:
        response = client.post(route, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == 400
    assert field in [e["field"] for e in response.json()["data"]["errors"]]


def test_unknown_sessions_turns_and_tokens_are_answered_before_any_event(serve: Callable[..., Chat]) -> None:
    chat = serve(Echo())
    token = httpx.post(f"{chat.url}/api/auth/anonymous-token", headers={"X-Client-Id": "stranger"}).json()
    others = httpx.post(f"{chat.url}/api/tasks/me/with-session/nemo_agent", json={},
                        headers={"Authorization": f"Bearer {token['data']['token']}"}).json()["data"]["session_id"]
    with chat.client() as client:
        for body in (chat.body() | {"session_id": "ses_missing"}, chat.body() | {"session_id": others},
                     {"invocation_id": "inv_missing"}):
            response = client.post("/run_sse", json=body)
            assert (response.status_code, response.json()["code"]) == (404, 1002)
            assert response.headers["content-type"].startswith("application/json")
        response = client.post("/run_sse", json={"invocation_id": "inv_missing", "after": "evt_x"})
        assert response.json()["code"] == 1002
    response = httpx.post(chat.url + "/run_sse", json=chat.body())
    assert (response.status_code, response.json()["code"]) == (401, 1001)
    assert chat.stored() == []


def test_a_message_over_4000_characters_is_400(serve: Callable[..., Chat]) -> None:
    chat = serve(Echo())
    with chat.client() as client:
        response = client.post("/run_sse", json=chat.body("x" * 4001))
    assert response.json()["code"] == 400
    assert chat.stored() == []


# --- ADK's session routes -------------------------------------------------------------------------


def test_adk_session_routes_create_read_and_list(serve: Callable[..., Chat], adk: Callable[[list[Json]], None]) -> None:
    chat = serve(Echo())
    with chat.client() as client:
        created = client.post("/apps/nemo_agent/users/u1/sessions", json={"state": {"k": 1}})
        assert created.status_code == 200
        session = created.json()
        assert set(session) == {"id", "appName", "userId", "state", "events", "lastUpdateTime"}
        assert (session["appName"], session["userId"], session["events"]) == ("nemo_agent", "u1", [])
        assert session["state"] == {"version": 1, "summary": "Timeline (0 tracks): empty"}
        body = chat.body("hi") | {"session_id": session["id"]}
        turn = client.post("/run", json=body).json()
        got = client.get(f"/apps/nemo_agent/users/u1/sessions/{session['id']}").json()
        assert [e["author"] for e in got["events"]] == ["user", "nemo_agent"]
        assert got["events"][1:] == turn
        listed = client.get("/apps/nemo_agent/users/u1/sessions").json()
        assert {s["id"] for s in listed} == {session["id"], chat.session_id}
        assert all(s["events"] == [] for s in listed)
        assert client.get("/apps/nemo_agent/users/u1/sessions/ses_missing").json()["code"] == 1002
        refused = client.post("/apps/nemo_agent/users/u1/sessions", json={"sessionId": "mine"})
        assert refused.json()["code"] == 400
    adk(got["events"])


# --- google-adk itself: both lines, or the reason they were not checked --------------------------


@pytest.mark.parametrize("line", ["2.x", "1.x"])
def test_google_adk_takes_every_event_shape(serve: Callable[..., Chat], line: str) -> None:
    python = _adk_pythons()[line]
    if python is None:
        where = "the adk extra in .venv" if line == "2.x" else ".venv-adk1"
        pytest.skip(f"google-adk {line} is not installed ({where}; `make test` builds it)")
    chat = serve(Tools(), chat_stream_cap_s=5)
    with chat.client() as client:
        events = read_sse(client.post("/run_sse", json=chat.body())).events
    validator = AdkValidator(python)
    try:
        assert validator.version.startswith(line[0] + ".")
        broken = Event(id="x", invocation_id="y", timestamp=1.0).model_dump(mode="json", by_alias=True) | {
            "content": {"parts": [{"text": "x", "notAField": 1}]}}
        assert validator.problems([broken])  # the check can fail
        assert validator.problems(events + chat.stored()) == []
    finally:
        validator.close()
