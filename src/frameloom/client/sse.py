"""An incremental parser for ``text/event-stream`` (the WHATWG rules frameloom's stream needs), and the
step from its messages to chat events, shared by the sync and the async client.

Feed it bytes as they arrive, in chunks split anywhere (inside a line, inside a
UTF-8 character, between ``\\r`` and ``\\n``); it returns what those bytes
completed: a :class:`Message` at each blank line, a :class:`Comment` for each
``:`` line (frameloom's ``: heartbeat``). Lines end with LF, CRLF or CR.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from frameloom.client.errors import ServerError, error_for
from frameloom.domain.events import Event

__all__ = ["Comment", "EventReader", "Message", "SseParser", "event_of", "raise_for_event", "reattach_of"]


@dataclass(frozen=True)
class Message:
    """One dispatched message: its ``data`` lines joined with ``\\n``; ``event`` and ``id`` when sent."""

    data: str
    event: str = "message"
    id: str | None = None


@dataclass(frozen=True)
class Comment:
    """A comment line, without its leading ``:`` and one space (``"heartbeat"``)."""

    text: str


Item = Message | Comment


class SseParser:
    """Incremental: ``feed`` chunks, then ``close`` at the end of the stream."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._last_id: str | None = None

    def feed(self, chunk: bytes) -> list[Item]:
        """The items the bytes so far complete, in order."""
        self._buffer += chunk
        items: list[Item] = []
        while True:
            line = self._next_line()
            if line is None:
                return items
            item = self._line(line)
            if item is not None:
                items.append(item)

    def close(self) -> list[Item]:
        """The end of the stream: a last ``\r`` ends its line; an unfinished line and a message
        without its blank line are dropped (the SSE rules: they were not complete)."""
        items: list[Item] = []
        if self._buffer.endswith(b"\r"):
            self._buffer = self._buffer[:-1] + b"\n"
            items = self.feed(b"")
        self._buffer, self._data = b"", []
        return items

    @property
    def last_event_id(self) -> str | None:
        """The last ``id`` field seen (what a re-connect would send as ``Last-Event-ID``)."""
        return self._last_id

    def _next_line(self) -> str | None:
        for i, byte in enumerate(self._buffer):
            if byte == 0x0A:  # LF
                line, self._buffer = self._buffer[:i], self._buffer[i + 1:]
                return line.decode("utf-8", errors="replace")
            if byte == 0x0D:  # CR: alone, or the start of CRLF (wait for the next byte to know)
                if i + 1 == len(self._buffer):
                    return None
                skip = 2 if self._buffer[i + 1] == 0x0A else 1
                line, self._buffer = self._buffer[:i], self._buffer[i + skip:]
                return line.decode("utf-8", errors="replace")
        return None

    def _line(self, line: str) -> Item | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return Comment(line[1:].removeprefix(" "))
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\x00" not in value:
            self._id = self._last_id = value
        return None

    def _dispatch(self) -> Message | None:
        data, event, id_ = self._data, self._event, self._id
        self._data, self._event, self._id = [], "", None
        if not data:
            return None
        return Message("\n".join(data), event or "message", id_)


def event_of(message: Message) -> Event:
    """The chat event a message carries; ``ServerError`` when the data is not an event at all."""
    try:
        return Event.model_validate(json.loads(message.data))
    except ValueError as exc:  # json.JSONDecodeError and pydantic.ValidationError are ValueErrors
        raise ServerError(500, f"the chat stream sent something that is not an event: {exc}") from None


def raise_for_event(event: Event) -> Event:
    """``event`` itself, or, for an error event, the error class of its ``errorCode`` raised (its data
    is the event's ``customMetadata``: ``register_url``, ``retry_after`` ...)."""
    if event.error_code is not None:
        raise error_for(event.error_code, event.error_message or "the turn failed", 200,
                        event.custom_metadata or {})
    return event


def reattach_of(event: Event) -> tuple[str, str | None] | None:
    """``(invocation_id, after)`` when ``event`` is the last of a stream that reached the server's cap
    while the turn runs on (``customMetadata.stream == "capped"``); None for any other event."""
    meta = event.custom_metadata or {}
    if meta.get("stream") != "capped":
        return None
    how = meta.get("reattach")
    after = how.get("after") if isinstance(how, dict) else None
    return event.invocation_id, after if isinstance(after, str) else None


class EventReader:
    """Bytes of a ``/run_sse`` answer in, chat events out; ``on_heartbeat`` called at each comment."""

    def __init__(self, on_heartbeat: Callable[[], None] | None = None) -> None:
        self._parser = SseParser()
        self._on_heartbeat = on_heartbeat

    def feed(self, chunk: bytes) -> list[Event]:
        """The events the bytes complete (error events too: see :func:`raise_for_event`)."""
        return self._events(self._parser.feed(chunk))

    def close(self) -> list[Event]:
        return self._events(self._parser.close())

    def _events(self, items: list[Item]) -> list[Event]:
        events: list[Event] = []
        for item in items:
            if isinstance(item, Comment):
                if self._on_heartbeat is not None:
                    self._on_heartbeat()
            else:
                events.append(event_of(item))
        return events
