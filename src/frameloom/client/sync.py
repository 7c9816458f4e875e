"""The synchronous client (``httpx.Client``); :mod:`frameloom.client.aio` mirrors it method for method.

Every method raises the :mod:`frameloom.client.errors` class of the server's
error code, and ``ConnectionFailed`` when the server does not answer.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import httpx
from pydantic import JsonValue

from frameloom.client import _calls
from frameloom.client._http import CHUNK, Call, Files, HttpCore, content_length, send, stream
from frameloom.client.errors import ConnectionFailed
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
from frameloom.client.settings import DEFAULT_URL, Attribution
from frameloom.client.sse import EventReader, raise_for_event, reattach_of
from frameloom.domain.events import Event

__all__ = ["Client"]

R = TypeVar("R")


class Client:
    """A frameloom server's API. ``token`` (settable) is sent as ``Authorization: Bearer`` to the server
    only; ``attribution`` as the ``X-Skill-*`` headers on every request; ``timeout`` in seconds."""

    def __init__(self, base_url: str = DEFAULT_URL, token: str | None = None, *,
                 attribution: Attribution | None = None, transport: httpx.BaseTransport | None = None,
                 timeout: float = 60.0) -> None:
        self._core = HttpCore(base_url, token, attribution)
        self._http = httpx.Client(transport=transport, timeout=timeout)

    @property
    def token(self) -> str | None:
        return self._core.token

    @token.setter
    def token(self, value: str | None) -> None:
        self._core.token = value

    @property
    def base_url(self) -> str:
        return str(self._core.base_url).rstrip("/")

    def _do(self, call: Call[R]) -> R:
        return send(self._http, self._core, call)

    # --- accounts ----------------------------------------------------------------------------

    def anonymous_token(self, client_id: str) -> TokenInfo:
        """A new anonymous account (one per ``client_id`` per 7 days: ``RateLimited`` after); the token
        becomes this client's."""
        info = self._do(_calls.anonymous_token(client_id))
        self.token = info.token
        return info

    def register(self, email: str, password: str, bind_id: str | None = None) -> TokenInfo:
        """A registered account (``bind_id``: the anonymous one it becomes); the token becomes this client's."""
        info = self._do(_calls.register(email, password, bind_id))
        self.token = info.token
        return info

    def login(self, email: str, password: str, bind_id: str | None = None) -> TokenInfo:
        """A new token for a registered account; it becomes this client's."""
        info = self._do(_calls.login(email, password, bind_id))
        self.token = info.token
        return info

    def balance(self) -> Balance:
        return self._do(_calls.balance())

    # --- sessions and media ------------------------------------------------------------------

    def create_session(self, task_name: str = "project", language: str = "en") -> str:
        """A new session with an empty draft; its id."""
        return self._do(_calls.create_session(task_name, language))

    def state(self, session_id: str) -> SessionState:
        return self._do(_calls.state(session_id))

    def upload(self, session_id: str, paths: Sequence[Path]) -> list[MediaInfo]:
        """Add files to the session, streamed from disk (``FileTooLarge``, ``UnsupportedFile``)."""
        with ExitStack() as files:
            parts: Files = [("file", (Path(p).name, files.enter_context(Path(p).open("rb")),
                                      "application/octet-stream")) for p in paths]
            return self._do(_calls.upload(session_id, parts))

    def import_urls(self, session_id: str, urls: Sequence[str]) -> list[MediaInfo]:
        """Add media the server fetches from http(s) URLs."""
        return self._do(_calls.import_urls(session_id, urls))

    # --- the chat ----------------------------------------------------------------------------

    def chat(self, session_id: str, message: str, *, streaming: bool = True,
             on_heartbeat: Callable[[], None] | None = None) -> Iterator[Event]:
        """The turn's events as they come, up to the one with ``turn_complete``. A stream the server
        capped is re-attached to at once. An error event raises its error class; a stream that
        breaks raises ``ConnectionFailed`` (re-attach with :meth:`reattach`). Lazy: the request is
        sent at the first ``next``."""
        return self._follow(_calls.chat_body(session_id, message, streaming), on_heartbeat)

    def reattach(self, invocation_id: str, session_id: str, after: str | None = None, *,
                 on_heartbeat: Callable[[], None] | None = None) -> Iterator[Event]:
        """A running or finished turn's events after the event id ``after`` (all without), then live."""
        return self._follow(_calls.reattach_body(invocation_id, session_id, after), on_heartbeat)

    def _follow(self, body: dict[str, JsonValue], on_heartbeat: Callable[[], None] | None) -> Iterator[Event]:
        while True:
            resume: tuple[str, str | None] | None = None
            for event in self._stream(body, on_heartbeat):
                resume = reattach_of(event)
                if resume is not None:
                    break
                yield raise_for_event(event)
                if event.turn_complete:
                    return
            if resume is None:
                raise ConnectionFailed(self.base_url, "the chat stream closed before the turn ended")
            body = _calls.reattach_body(resume[0], str(body.get("session_id") or ""), resume[1])

    def _stream(self, body: dict[str, JsonValue], on_heartbeat: Callable[[], None] | None) -> Iterator[Event]:
        reader = EventReader(on_heartbeat)
        response = stream(self._http, self._core, _calls.run_sse(body))
        try:
            for chunk in response.iter_bytes():
                yield from reader.feed(chunk)
            yield from reader.close()
        except httpx.TransportError as exc:
            raise self._core.unreachable(exc) from exc
        finally:
            response.close()

    def run(self, session_id: str, message: str) -> list[Event]:
        """The whole turn at once (``/run``); an error event at its end raises its error class."""
        events = self._do(_calls.run(session_id, message))
        for event in events:
            raise_for_event(event)
        return events

    # --- exports -----------------------------------------------------------------------------

    def export(self, session_id: str, format: str = "mp4", *, render_id: str | None = None,
               width: int | None = None, height: int | None = None, fps: int | None = None,
               webhook_url: str | None = None) -> Render:
        """Queue an export of the session's draft (``render_id``: your key, the same again returns the
        same export). ``PlanRequired`` when the plan may not export, ``InsufficientCredits``.
        ``webhook_url``: the server POSTs the export's poll body there, signed, when it ends
        (``frameloom.client.webhooks.verify``)."""
        return self._do(_calls.export(session_id, format, render_id, width, height, fps, webhook_url))

    def render(self, render_id: str) -> Render:
        return self._do(_calls.render(render_id))

    def cancel_render(self, render_id: str) -> Render:
        """Cancel a queued or running export (its frozen credits come back); a finished one stays."""
        return self._do(_calls.cancel_render(render_id))

    def wait_for_render(self, render_id: str, on_progress: Callable[[Render], None] | None = None,
                        poll_s: float = 1.0, timeout_s: float = 1800) -> Render:
        """Poll every ``poll_s`` seconds until the export is completed, failed or cancelled, and return
        it (check ``status``); ``on_progress`` gets each poll. ``TimeoutError`` after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            current = self.render(render_id)
            if on_progress is not None:
                on_progress(current)
            if current.finished:
                return current
            if time.monotonic() + poll_s > deadline:
                raise TimeoutError(f"export {render_id} still {current.status} after {timeout_s:g} s")
            time.sleep(poll_s)

    def download(self, url: str, path: Path,
                 on_progress: Callable[[int, int | None], None] | None = None) -> Path:
        """Save a download link (signed ``/files/...`` URL) to ``path``, atomically: the bytes go to a
        hidden file beside it, renamed at the end, so ``path`` is whole or absent. ``on_progress``
        gets (bytes so far, total or None)."""
        path = Path(path)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
        response = stream(self._http, self._core, _calls.download(url))
        try:
            total = content_length(response)
            with partial.open("wb") as out:
                done = 0
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if on_progress is not None:
                        on_progress(done, total)
            os.replace(partial, path)
        except httpx.TransportError as exc:
            raise self._core.unreachable(exc) from exc
        finally:
            response.close()
            partial.unlink(missing_ok=True)
        return path

    # --- generation jobs ---------------------------------------------------------------------

    def generate_image(self, prompt: str, *, n: int = 1, aspect: str | None = None, size: str | None = None,
                       seed: int | None = None, style: str | None = None, engine: str | None = None,
                       session_id: str | None = None, webhook_url: str | None = None) -> Job:
        """Queue ``n`` images (2 credits each by default); the media join ``session_id`` when given;
        ``webhook_url`` is told (signed) when the job ends."""
        return self._do(_calls.generate_image(
            prompt, n=n, aspect=aspect, size=size, seed=seed, style=style, engine=engine,
            session_id=session_id, webhook_url=webhook_url))

    def generate_video(self, prompt: str, *, seconds: float | None = None, aspect: str | None = None,
                       size: str | None = None, fps: int | None = None, seed: int | None = None,
                       style: str | None = None, music: str | None = None, title: str | None = None,
                       title_seconds: float | None = None, engine: str | None = None,
                       session_id: str | None = None, webhook_url: str | None = None) -> Job:
        """Queue a video (``seconds`` long, 1 credit a second by default); unset options take the server's defaults;
        ``webhook_url`` is told (signed) when the job ends."""
        return self._do(_calls.generate_video(
            prompt, seconds=seconds, aspect=aspect, size=size, fps=fps, seed=seed, style=style, music=music,
            title=title, title_seconds=title_seconds, engine=engine, session_id=session_id,
            webhook_url=webhook_url))

    # --- webhooks ----------------------------------------------------------------------------

    def webhook(self) -> WebhookInfo:
        """The account's default webhook and its signing secret (made on first use)."""
        return self._do(_calls.webhook())

    def set_webhook(self, url: str | None) -> WebhookInfo:
        """Set the default webhook of the account's jobs (400 ``BadRequest`` on ``url`` for a private or
        odd address), or clear it with None."""
        return self._do(_calls.set_webhook(url))

    def job(self, job_id: str) -> Job:
        return self._do(_calls.job(job_id))

    def cancel_job(self, job_id: str) -> Job:
        return self._do(_calls.cancel_job(job_id))

    def wait_for_job(self, job_id: str, on_progress: Callable[[Job], None] | None = None,
                     poll_s: float = 0.5, timeout_s: float = 1800) -> Job:
        """Poll until the job is completed, failed or cancelled and return it; see :meth:`wait_for_render`."""
        deadline = time.monotonic() + timeout_s
        while True:
            current = self.job(job_id)
            if on_progress is not None:
                on_progress(current)
            if current.finished:
                return current
            if time.monotonic() + poll_s > deadline:
                raise TimeoutError(f"job {job_id} still {current.status} after {timeout_s:g} s")
            time.sleep(poll_s)

    # --- the draft ---------------------------------------------------------------------------

    def edit(self, session_id: str, ops: Sequence[Mapping[str, object]], version: int | None = None,
             label: str | None = None) -> DraftChange:
        """Typed edits (``{"op": "add_title", "text": ...}``) as one new version, made from ``version``
        (None: the current one); ``Conflict`` with ``current_version`` when it is stale."""
        return self._do(_calls.edit(session_id, ops, version, label))

    def replace_draft(self, session_id: str, draft: Mapping[str, object], version: int,
                      label: str | None = None) -> DraftChange:
        """Replace the whole draft, made from ``version`` (``Conflict`` when stale)."""
        return self._do(_calls.replace_draft(session_id, draft, version, label))

    def undo(self, session_id: str) -> DraftChange:
        """Back one change (``Conflict`` when there is nothing to undo)."""
        return self._do(_calls.undo(session_id))

    def redo(self, session_id: str) -> DraftChange:
        return self._do(_calls.redo(session_id))

    def engines(self) -> list[EngineInfo]:
        return self._do(_calls.engines())

    # --- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

