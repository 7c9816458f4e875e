"""The agent chat (SPEC section 4) as ADK's REST API has it: ``/run_sse``, ``/run``, and ADK's session routes.

``POST /run_sse`` answers ``text/event-stream``: each event one ``data: <json>``
line and a blank line, ``: heartbeat`` after ``chat_heartbeat_s`` of silence,
closed after the turn's last event, or at ``chat_stream_cap_s`` with a last
event whose ``customMetadata`` says ``{"stream": "capped", "turnRunning": true,
"reattach": {...}}``. Everything that can go wrong before the first byte (bad
body 400, no token 1001, unknown session or turn 1002) is an envelope.

Re-attach: the same body with ``invocation_id`` (or ``invocationId``) and no
``new_message`` replays the turn's events after ``after`` (or the
``Last-Event-ID`` header; neither: from its first event), then follows live.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

from frameloom.api.deps import BaseUrl, CurrentAccount, SessionsDep, SettingsDep, from_state
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.events import Event
from frameloom.services.chat import ChatService, ChatSession, Cursor, Followed, Heartbeat
from frameloom.services.jobs import ATTRIBUTION_HEADERS

router = APIRouter(tags=["chat"])
HEARTBEAT_LINE = b": heartbeat\n\n"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering of the stream
ADK_SESSIONS = "/apps/{app_name}/users/{user_id}/sessions"


ChatDep = Annotated[ChatService, Depends(from_state("chat"))]


class _Camel(BaseModel):
    """snake_case or camelCase, as ADK clients send either; unknown fields ignored."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True,
                              extra="ignore")


class PartIn(_Camel):
    text: str | None = None


class MessageIn(_Camel):
    role: str = "user"
    parts: list[PartIn] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts if part.text)


class RunIn(_Camel):
    """ADK's ``RunAgentRequest``; ``app_name`` and ``user_id`` are taken and not used (the token says
    whose session it is). ``invocation_id`` without ``new_message``: re-attach to that turn."""

    app_name: str | None = Field(default=None, max_length=128)
    user_id: str | None = Field(default=None, max_length=128)
    session_id: str | None = Field(default=None, max_length=64)
    new_message: MessageIn | None = None
    streaming: bool = False
    invocation_id: str | None = Field(default=None, max_length=64)
    after: str | None = Field(default=None, max_length=64, description="re-attach after this event id")


async def _open(body: RunIn, request: Request, who: Principal, chat: ChatService, base_url: str) -> Cursor:
    """Start the turn the body asks for, or find the one it re-attaches to; raises before any byte is sent."""
    if body.invocation_id is not None:
        if body.new_message is not None:
            raise InvalidRequest.of("new_message", "leave it out to re-attach to invocation_id (or drop invocation_id)")
        after = body.after or request.headers.get("last-event-id") or None
        return await anyio.to_thread.run_sync(chat.attach, who, body.invocation_id, after, body.session_id)
    if body.session_id is None or body.new_message is None:
        raise InvalidRequest([Problem(name, "Field required") for name, value in
                              (("session_id", body.session_id), ("new_message", body.new_message)) if value is None])
    attribution = {name: request.headers.get(name) for name in ATTRIBUTION_HEADERS}
    invocation_id = await anyio.to_thread.run_sync(chat.start, who, body.session_id, body.new_message.text,
                                                   body.streaming, base_url, attribution)
    return chat.new_turn(invocation_id, body.session_id)


async def _sse(items: AsyncGenerator[Followed]) -> AsyncIterator[bytes]:
    async with aclosing(items):  # a client gone: the follower stops at once, the turn goes on
        async for item in items:
            yield HEARTBEAT_LINE if isinstance(item, Heartbeat) else f"data: {item.to_json()}\n\n".encode()


@router.post("/run_sse", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "ADK events, one `data: <json>` line each; `: heartbeat` lines"}})
async def run_sse(body: RunIn, request: Request, who: CurrentAccount, chat: ChatDep, settings: SettingsDep,
                  base_url: BaseUrl) -> StreamingResponse:
    """Run one message through the agent and stream its events (or re-attach to a running turn)."""
    cursor = await _open(body, request, who, chat, base_url)
    items = chat.follow(cursor, settings.chat_heartbeat_s, settings.chat_stream_cap_s)
    return StreamingResponse(_sse(items), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/run", responses={200: {"content": {"application/json": {}},
                                      "description": "the turn's ADK events, as a JSON list"}})
async def run(body: RunIn, request: Request, who: CurrentAccount, chat: ChatDep, settings: SettingsDep,
              base_url: BaseUrl) -> Response:
    """Run one message through the agent and answer the list of its events once the turn ends."""
    cursor = await _open(body, request, who, chat, base_url)
    async with aclosing(chat.follow(cursor, settings.chat_heartbeat_s, settings.chat_stream_cap_s)) as items:
        events = [item.to_json() async for item in items if isinstance(item, Event)]
    return Response("[" + ",".join(events) + "]", media_type="application/json")


# --- ADK's session routes (SPEC section 3): aliases of the session route, in ADK's Session shape ---


class AdkSessionIn(_Camel):
    """ADK's create-session body: ``state`` is taken and not kept (a session's state is its draft)."""

    state: dict[str, JsonValue] | None = None
    session_id: str | None = Field(default=None, description="not taken: frameloom makes session ids")


class AdkSession(_Camel):
    """ADK's ``Session``: ``state`` holds the draft's ``version`` and ``summary``; ``lastUpdateTime``
    in Unix seconds."""

    id: str
    app_name: str
    user_id: str
    state: dict[str, JsonValue]
    events: list[Event]
    last_update_time: float


def _adk(view: ChatSession, app_name: str, user_id: str) -> AdkSession:
    return AdkSession(id=view.session_id, app_name=app_name, user_id=user_id, events=view.events,
                      state={"version": view.version, "summary": view.summary},
                      last_update_time=view.updated_at.timestamp())


@router.post(ADK_SESSIONS, response_model=AdkSession, response_model_exclude_none=True, response_model_by_alias=True)
def create_adk_session(app_name: str, user_id: str, who: CurrentAccount, sessions: SessionsDep, chat: ChatDep,
                       body: AdkSessionIn | None = None) -> AdkSession:
    """A new session, as ``POST /api/tasks/me/with-session/nemo_agent`` makes one."""
    if body is not None and body.session_id is not None:
        raise InvalidRequest.of("session_id", "frameloom makes session ids: leave it out")
    session_id = sessions.create_session(who, "project", "en")
    return _adk(chat.chat_session(who, session_id), app_name, user_id)


@router.get(ADK_SESSIONS + "/{session_id}", response_model=AdkSession, response_model_exclude_none=True,
            response_model_by_alias=True)
def get_adk_session(app_name: str, user_id: str, session_id: str, who: CurrentAccount, chat: ChatDep) -> AdkSession:
    """The session with every stored chat event (the user's messages too), in order."""
    return _adk(chat.chat_session(who, session_id), app_name, user_id)


@router.get(ADK_SESSIONS, response_model=list[AdkSession], response_model_exclude_none=True,
            response_model_by_alias=True)
def list_adk_sessions(app_name: str, user_id: str, who: CurrentAccount, chat: ChatDep) -> list[AdkSession]:
    """The caller's sessions, most recently changed first, without their events."""
    return [_adk(view, app_name, user_id) for view in chat.chat_sessions(who)]
