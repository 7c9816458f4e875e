"""Building a turn's events (``domain/events.py``): ids, timestamps, texts, tool calls, progress, errors.

:class:`TurnEvents` holds what every event of one turn shares (the invocation
id, the clock, the ``emit`` that stores and relays them) and emits each event
as it is built, so the order of calls is the order on the wire.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime

from pydantic import JsonValue

from frameloom.agent.turns import Emit
from frameloom.domain.errors import FrameloomError, InsufficientCredits
from frameloom.domain.events import Content, Event, FunctionCall, FunctionResponse, Part
from frameloom.services.error_codes import ErrorContext, rule_for

log = logging.getLogger("frameloom.agent")
WORDS_PER_DELTA = 4  # a streamed text goes out a few words at a time
INTERNAL_MESSAGE = "internal error"
_PIECES = re.compile(r"\S+\s*|\s+")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
CJK_CHARS_PER_DELTA = 8


def new_event_id() -> str:
    """``evt_`` and 24 hex digits: unique across every turn."""
    return f"evt_{secrets.token_hex(12)}"


def deltas(text: str) -> list[str]:
    """``text`` cut into streaming deltas of a few words (a few characters of Chinese); joined,
    they are ``text`` again."""
    pieces = _PIECES.findall(text)
    out: list[str] = []
    for start in range(0, len(pieces), WORDS_PER_DELTA):
        chunk = "".join(pieces[start:start + WORDS_PER_DELTA])
        if _CJK.search(chunk) and len(chunk) > CJK_CHARS_PER_DELTA:
            out.extend(chunk[i:i + CJK_CHARS_PER_DELTA] for i in range(0, len(chunk), CJK_CHARS_PER_DELTA))
        else:
            out.append(chunk)
    return out


def error_code(exc: Exception, base_url: str) -> tuple[str, str, dict[str, JsonValue]]:
    """The SPEC code (as a string), the message and the data of ``exc``, from the one error table.

    Events carry the codes the HTTP edge answers with, read from the same table
    (``services/error_codes.py``); an error outside it is ``"500"`` with no detail.
    """
    rule = rule_for(exc)
    if rule is None:
        return "500", INTERNAL_MESSAGE, {}
    message = str(exc) if rule.show_message else INTERNAL_MESSAGE
    data: dict[str, JsonValue] = dict(rule.data(exc, ErrorContext("", base_url)))
    data.pop("request_id", None)  # a turn is not a request; its invocation id names it
    return str(rule.code), message, data


class TurnEvents:
    """Emits the events of one turn, in order. Timestamps are Unix seconds from ``clock``."""

    def __init__(self, invocation_id: str, emit: Emit, clock: Callable[[], datetime], base_url: str = "") -> None:
        self.invocation_id, self._emit, self.clock, self.base_url = invocation_id, emit, clock, base_url
        self.ended = False

    def _send(self, **fields: object) -> Event:
        event = Event.model_validate({"id": new_event_id(), "invocation_id": self.invocation_id,
                                      "timestamp": self.clock().timestamp(), **fields})
        self._emit(event)
        return event

    def text(self, text: str) -> Event:
        """A whole text, mid-turn (a price before it is spent, a note)."""
        return self._send(content=Content(parts=[Part(text=text)]))

    def call(self, call_id: str, name: str, args: Mapping[str, JsonValue]) -> Event:
        return self._send(content=Content(parts=[Part(function_call=FunctionCall(id=call_id, name=name,
                                                                                 args=dict(args)))]))

    def response(self, call_id: str, name: str, response: Mapping[str, JsonValue]) -> Event:
        part = Part(function_response=FunctionResponse(id=call_id, name=name, response=dict(response)))
        return self._send(content=Content(parts=[part]))

    def progress(self, stage: str, fraction: float) -> Event:
        """``customMetadata`` ``{"stage": ..., "progress": 0..1}`` (rounded to 0.01)."""
        return self._send(custom_metadata={"stage": stage, "progress": round(fraction, 2)})

    def final(self, text: str, streaming: bool) -> Event:
        """The turn's last event: its whole text with ``turnComplete``; when ``streaming``, the
        text goes out first as ``partial`` deltas (ADK's rule: the final event carries it whole)."""
        if streaming:
            for delta in deltas(text):
                self._send(content=Content(parts=[Part(text=delta)]), partial=True)
        self.ended = True
        return self._send(content=Content(parts=[Part(text=text)]), turn_complete=True)

    def error(self, exc: Exception) -> Event:
        """The turn's last event: ``errorCode`` (the SPEC code) and ``errorMessage``, the error's data
        (``required``, ``available``, ``register_url``...) in ``customMetadata``."""
        code, message, data = error_code(exc, self.base_url)
        if code == "500" and not isinstance(exc, FrameloomError):
            log.error("turn %s failed", self.invocation_id, exc_info=exc)
        elif code == "500":
            log.error("turn %s failed: %s: %s", self.invocation_id, type(exc).__name__, exc)
        if isinstance(exc, InsufficientCredits) and "register_url" in data:
            message = f"{message}; register to keep your credits and get more: {data['register_url']}"
        self.ended = True
        return self._send(error_code=code, error_message=message, custom_metadata=data or None)
