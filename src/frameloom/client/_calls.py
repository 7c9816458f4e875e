"""Every endpoint the clients call, as a :class:`~frameloom.client._http.Call`: the path, the body and
how to read the answer. The sync and the async client both make these, so they cannot drift."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import JsonValue, TypeAdapter

from frameloom.client._http import Call, Files, segment
from frameloom.client.errors import ServerError
from frameloom.client.models import (
    Balance,
    DraftChange,
    EngineInfo,
    Job,
    MediaInfo,
    Render,
    SessionState,
    TokenInfo,
    WebhookInfo,
)
from frameloom.domain.events import Event

STATE = "/api/state/nemo_agent/me/{session_id}"
RENDERS = "/api/render/proxy/lambda"
RUN_TIMEOUT_S = 960.0  # /run answers once the turn ends: up to the server's 15-minute stream cap
_EVENTS = TypeAdapter(list[Event])
_MEDIA = TypeAdapter(list[MediaInfo])
_ENGINES = TypeAdapter(list[EngineInfo])


def _field(data: JsonValue, name: str) -> JsonValue:
    if not isinstance(data, dict) or name not in data:
        raise ServerError(500, f"the server's answer has no {name!r}")
    return data[name]


def _body(**fields: JsonValue) -> dict[str, JsonValue]:
    """A JSON body without the fields left unset (the server's defaults apply to those)."""
    return {name: value for name, value in fields.items() if value is not None}


def _state(session_id: str, tail: str) -> str:
    return STATE.format(session_id=segment(session_id)) + tail


def anonymous_token(client_id: str) -> Call[TokenInfo]:
    return Call("POST", "/api/auth/anonymous-token", TokenInfo.model_validate, headers={"X-Client-Id": client_id})


def register(email: str, password: str, bind_id: str | None) -> Call[TokenInfo]:
    return Call("POST", "/api/auth/register", TokenInfo.model_validate,
                json=_body(email=email, password=password, bind_id=bind_id))


def login(email: str, password: str, bind_id: str | None) -> Call[TokenInfo]:
    return Call("POST", "/api/auth/login", TokenInfo.model_validate,
                json=_body(email=email, password=password, bind_id=bind_id))


def webhook() -> Call[WebhookInfo]:
    return Call("GET", "/api/account/webhook", WebhookInfo.model_validate)


def set_webhook(url: str | None) -> Call[WebhookInfo]:
    return Call("PUT", "/api/account/webhook", WebhookInfo.model_validate, json={"url": url})


def balance() -> Call[Balance]:
    return Call("GET", "/api/credits/balance/simple", Balance.model_validate)


def create_session(task_name: str, language: str) -> Call[str]:
    return Call("POST", "/api/tasks/me/with-session/nemo_agent", lambda d: str(_field(d, "session_id")),
                json={"task_name": task_name, "language": language})


def state(session_id: str) -> Call[SessionState]:
    return Call("GET", _state(session_id, "/latest"), SessionState.model_validate)


def upload(session_id: str, files: Files) -> Call[list[MediaInfo]]:
    return Call("POST", f"/api/upload-video/nemo_agent/me/{segment(session_id)}",
                lambda d: _MEDIA.validate_python(_field(d, "media")), files=files)


def import_urls(session_id: str, urls: Sequence[str]) -> Call[list[MediaInfo]]:
    return Call("POST", f"/api/upload-video/nemo_agent/me/{segment(session_id)}",
                lambda d: _MEDIA.validate_python(_field(d, "media")), json={"urls": list(urls)})


def chat_body(session_id: str, message: str, streaming: bool) -> dict[str, JsonValue]:
    return {"app_name": "nemo_agent", "user_id": "me", "session_id": session_id, "streaming": streaming,
            "new_message": {"role": "user", "parts": [{"text": message}]}}


def run_sse(body: Mapping[str, JsonValue]) -> Call[object]:
    return Call("POST", "/run_sse", lambda d: d, json=dict(body), headers={"Accept": "text/event-stream"})


def reattach_body(invocation_id: str, session_id: str, after: str | None) -> dict[str, JsonValue]:
    return _body(app_name="nemo_agent", user_id="me", session_id=session_id, invocation_id=invocation_id,
                 after=after, streaming=True)


def run(session_id: str, message: str) -> Call[list[Event]]:
    return Call("POST", "/run", _EVENTS.validate_python, json=chat_body(session_id, message, False),
                envelope=False, timeout=RUN_TIMEOUT_S)


def export(session_id: str, fmt: str, render_id: str | None, width: int | None, height: int | None,
           fps: int | None, webhook_url: str | None = None) -> Call[Render]:
    return Call("POST", RENDERS, Render.model_validate,
                json=_body(session_id=session_id, format=fmt, render_id=render_id, width=width, height=height,
                           fps=fps, webhook_url=webhook_url))


def render(render_id: str) -> Call[Render]:
    return Call("GET", f"{RENDERS}/{segment(render_id)}", Render.model_validate)


def cancel_render(render_id: str) -> Call[Render]:
    return Call("DELETE", f"{RENDERS}/{segment(render_id)}", Render.model_validate)


def generate_image(prompt: str, **options: JsonValue) -> Call[Job]:
    """``options``: the image route's other fields (n, aspect, size, seed, style, engine, session_id,
    webhook_url)."""
    return Call("POST", "/api/jobs/image", Job.model_validate, json=_body(prompt=prompt, **options))


def generate_video(prompt: str, **options: JsonValue) -> Call[Job]:
    """``options``: the video route's other fields (seconds, aspect, size, fps, seed, style, music, title,
    title_seconds, engine, session_id, webhook_url)."""
    return Call("POST", "/api/jobs/video", Job.model_validate, json=_body(prompt=prompt, **options))


def download(url: str) -> Call[object]:
    return Call("GET", url, lambda d: d)


def job(job_id: str) -> Call[Job]:
    return Call("GET", f"/api/jobs/{segment(job_id)}", Job.model_validate)


def cancel_job(job_id: str) -> Call[Job]:
    return Call("DELETE", f"/api/jobs/{segment(job_id)}", Job.model_validate)


def edit(session_id: str, ops: Sequence[Mapping[str, object]], version: int | None,
         label: str | None) -> Call[DraftChange]:
    body: dict[str, JsonValue] = _body(version=version, label=label)
    body["ops"] = [_json_object(op) for op in ops]
    return Call("POST", _state(session_id, "/edits"), DraftChange.model_validate, json=body)


def replace_draft(session_id: str, draft: Mapping[str, object], version: int,
                  label: str | None) -> Call[DraftChange]:
    body = _body(version=version, label=label, draft=_json_object(draft))
    return Call("PUT", _state(session_id, "/draft"), DraftChange.model_validate, json=body)


def undo(session_id: str) -> Call[DraftChange]:
    return Call("POST", _state(session_id, "/undo"), DraftChange.model_validate, json={})


def redo(session_id: str) -> Call[DraftChange]:
    return Call("POST", _state(session_id, "/redo"), DraftChange.model_validate, json={})


def engines() -> Call[list[EngineInfo]]:
    return Call("GET", "/api/engines", lambda d: _ENGINES.validate_python(_field(d, "engines")))


_JSON_OBJECT = TypeAdapter(dict[str, JsonValue])


def _json_object(value: Mapping[str, object]) -> dict[str, JsonValue]:
    """``value`` checked to be JSON (a ``ValueError`` naming the first bad part otherwise)."""
    return _JSON_OBJECT.validate_python(dict(value))
