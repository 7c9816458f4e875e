"""The chat stream's events (SPEC section 4): ADK ``Event`` objects, typed, in camelCase on the wire.

The server writes them and the client parses them with these same classes.
Only fields ADK's own ``Event`` model knows are used; anything else rides in
``customMetadata`` or inside a ``functionResponse`` (ADK validates with
``extra="forbid"``). Timestamps are Unix seconds (float).

    text            Event(content=Content(parts=[Part(text=...)]), partial=True while streaming deltas)
    tool call       Part(function_call=FunctionCall(id, name, args))
    tool result     Part(function_response=FunctionResponse(id, name, response))
    progress        custom_metadata={"stage": "rendering", "progress": 0.4}
    error           error_code="2001", error_message=...; the stream ends after it
    end of turn     turn_complete=True on the last event
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue
from pydantic.alias_generators import to_camel

AUTHOR = "nemo_agent"


class _Wire(BaseModel):
    """camelCase on the wire, snake_case in Python; either accepted when parsing."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore")


class FunctionCall(_Wire):
    id: str
    name: str
    args: dict[str, JsonValue] = Field(default_factory=dict)


class FunctionResponse(_Wire):
    id: str
    name: str
    response: dict[str, JsonValue] = Field(default_factory=dict)


class Part(_Wire):
    """Exactly one of ``text``, ``function_call``, ``function_response``."""

    text: str | None = None
    function_call: FunctionCall | None = None
    function_response: FunctionResponse | None = None


class Content(_Wire):
    role: str = "model"
    parts: list[Part] = Field(default_factory=list)


class Event(_Wire):
    """One event of a turn (``invocation_id``); ``id`` is unique across all turns."""

    id: str
    invocation_id: str
    author: str = AUTHOR
    timestamp: float
    content: Content | None = None
    partial: bool | None = None
    turn_complete: bool | None = None
    error_code: str | None = None
    error_message: str | None = None
    custom_metadata: dict[str, JsonValue] | None = None

    def to_json(self) -> str:
        """The wire form: camelCase, unset fields left out."""
        return self.model_dump_json(by_alias=True, exclude_none=True)

    @property
    def text(self) -> str:
        """The text parts joined ('' when there are none)."""
        return "".join(p.text for p in self.content.parts if p.text) if self.content else ""

    @property
    def function_calls(self) -> list[FunctionCall]:
        return [p.function_call for p in self.content.parts if p.function_call] if self.content else []

    @property
    def function_responses(self) -> list[FunctionResponse]:
        return [p.function_response for p in self.content.parts if p.function_response] if self.content else []

    @property
    def is_error(self) -> bool:
        return self.error_code is not None
