"""The tool vocabulary as a language model sees it (OpenAI ``tools`` JSON schemas) and the
checks a model's tool call passes before it is planned.

Each argument of :data:`~frameloom.agent.tools.TOOLS` has one :class:`ArgKind` that
writes its schema and checks a value, with the vocabularies the rule planner's slot
parsers produce (aspects, styles, music styles, positions, export formats, references)
and the domain's limits. :func:`checked_call` is the one gate: a call it returns is a
call the rule planner could have made.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from frameloom.agent.refs import ID_RE
from frameloom.agent.tools import (
    ASPECTS,
    EXPORT_FORMATS,
    LAST,
    POSITIONS,
    TOOLS,
    VOLUME_CHANGES,
    ToolCall,
)
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import MAX_N, MAX_PROMPT_CHARS, MAX_SEED, STYLES
from frameloom.domain.video import MAX_TITLE_CHARS, MAX_VIDEO_SECONDS, MUSIC_STYLES

REFERENCE_WORDS = ("title", "music", "video", "last", "all")
_MAX_MS = MAX_VIDEO_SECONDS * 1000
_INDEX = re.compile(r"[1-9]\d{0,2}")

JsonSchema = Mapping[str, object]


@dataclass(frozen=True)
class ArgKind:
    """How one argument is written for the model and checked when it comes back.

    ``type`` is ``text``, ``choice``, ``integer``, ``number`` or ``reference``;
    ``choices`` the allowed values of a choice; ``low``/``high`` the inclusive range
    of a number or integer, or the length range of a text.
    """

    type: str
    description: str
    choices: tuple[str, ...] = ()
    low: float = 0
    high: float = math.inf

    def schema(self) -> JsonSchema:
        """The JSON schema of one argument."""
        schema: dict[str, object] = {"description": self.description}
        if self.type == "choice":
            schema.update(type="string", enum=list(self.choices))
        elif self.type in ("integer", "number"):
            schema.update(type=self.type, minimum=self.low, maximum=self.high)
        elif self.type == "text":
            schema.update(type="string", minLength=int(self.low), maxLength=int(self.high))
        else:
            schema["type"] = "string"
        return schema

    def check(self, field: str, value: object) -> object:
        """``value`` as the planner writes it (6.0 is 6 for an integer).

        Raises :class:`InvalidRequest` on ``field`` when it is not of this kind.
        """
        if self.type == "choice":
            if value not in self.choices:
                raise InvalidRequest.of(field, f"{value!r}: must be one of {', '.join(self.choices)}")
            return value
        if self.type in ("integer", "number"):
            return self._number(field, value)
        if not isinstance(value, str):
            raise InvalidRequest.of(field, f"{value!r}: must be a string")
        if self.type == "reference":
            if not (value in REFERENCE_WORDS or _INDEX.fullmatch(value) or ID_RE.fullmatch(value)):
                raise InvalidRequest.of(field, f"{value!r}: must be {', '.join(REFERENCE_WORDS)}, an upload "
                                               "number or an id")
            return value
        if not self.low <= len(value.strip()) <= self.high:
            raise InvalidRequest.of(field, f"{len(value.strip())} characters: must be {int(self.low)} to {int(self.high)}")
        return value.strip()

    def _number(self, field: str, value: object) -> int | float:
        # bool is an int in Python but never a number in JSON's sense
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidRequest.of(field, f"{value!r}: must be a number")
        if self.type == "integer" and value != int(value):
            raise InvalidRequest.of(field, f"{value!r}: must be a whole number")
        if not self.low <= value <= self.high:
            raise InvalidRequest.of(field, f"{value!r}: must be {self.low:g} to {self.high:g}")
        return int(value) if value == int(value) else value


def _text(description: str, high: int) -> ArgKind:
    return ArgKind("text", description, low=1, high=high)


def _choice(description: str, choices: tuple[str, ...]) -> ArgKind:
    return ArgKind("choice", description, choices=choices)


_REFERENCE = ArgKind("reference", "What it applies to: title, music, video, last (the latest thing, 'it'), all, "
                                  "an upload's 1-based number as text ('2'), or an id (med_..., gen_..., s3).")
KINDS: Mapping[str, ArgKind] = {
    "prompt": _text("What to show, in the user's words.", MAX_PROMPT_CHARS),
    "aspect": _choice("Aspect ratio: 9:16 is vertical (TikTok, Reels), 1:1 square, 16:9 widescreen.", ASPECTS),
    "n": ArgKind("integer", "How many images.", low=1, high=MAX_N),
    "seed": ArgKind("integer", "A seed, only when the user names one.", low=0, high=MAX_SEED),
    "style": _choice("A picture style, only when the user asks for one.", STYLES),
    "seconds": ArgKind("number", "Length in seconds.", low=1, high=MAX_VIDEO_SECONDS),
    "music": _choice("Background music style.", MUSIC_STYLES),
    "title": _text("Title text shown over the video.", MAX_TITLE_CHARS),
    "modifier": _text("How the new version differs ('darker', 'more colourful', a style name).", 200),
    "text": _text("The title's words, exactly as the user wrote them.", MAX_TITLE_CHARS),
    "start_ms": ArgKind("integer", "Start in milliseconds; negative counts from the end.", low=-_MAX_MS, high=_MAX_MS),
    "duration_ms": ArgKind("integer", "Duration in milliseconds.", low=1, high=_MAX_MS),
    "end_ms": ArgKind("integer", "End in milliseconds; negative counts from the end.", low=-_MAX_MS, high=_MAX_MS),
    "pos": _choice("Where the text goes.", POSITIONS),
    "target": _REFERENCE,
    "media": _REFERENCE,
    "media_id": _REFERENCE,
    "volume": ArgKind("number", "Volume as a fraction: 0.35 is 35 %, 0 is muted.", low=0, high=1),
    "change": _choice("A relative change of the volume.", VOLUME_CHANGES),
    "delta_s": ArgKind("number", "Seconds to add (negative: to take off).", low=-MAX_VIDEO_SECONDS, high=MAX_VIDEO_SECONDS),
    "instruction": _text("The instruction for each upload, saying 'it' for the upload.", MAX_PROMPT_CHARS),
    "format": _choice("File format.", EXPORT_FORMATS),
}
# Where one argument name means something else in one tool.
_OVERRIDES: Mapping[tuple[str, str], ArgKind] = {
    ("add_music", "style"): _choice("A built-in music style; leave out for an upload.", MUSIC_STYLES),
    ("generate_video", "prompt"): _text(f"What to show, in the user's words; {LAST!r} animates the last image.",
                                        MAX_PROMPT_CHARS),
}
# Calls that say nothing without one of these arguments.
_ONE_OF: Mapping[str, tuple[str, ...]] = {
    "set_duration": ("seconds", "delta_s"),
    "set_volume": ("volume", "change"),
    "trim": ("start_ms", "end_ms"),
}


def kind_of(tool: str, arg: str) -> ArgKind:
    """The kind of argument ``arg`` of ``tool``."""
    return _OVERRIDES.get((tool, arg)) or KINDS[arg]


def tool_schemas() -> list[JsonSchema]:
    """Every tool of :data:`TOOLS` as an OpenAI chat-completions ``tools`` entry."""
    return [
        {"type": "function", "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": {
                "type": "object",
                "properties": {arg: kind_of(spec.name, arg).schema() for arg in spec.arg_names},
                "required": list(spec.required),
                "additionalProperties": False,
            },
        }}
        for spec in TOOLS.values()
    ]


def checked_call(name: str, args: Mapping[str, object]) -> ToolCall:
    """The call of tool ``name`` with ``args``, every argument checked (None is a default's
    "not said"). Raises :class:`InvalidRequest` naming the tool and argument."""
    call = ToolCall.of(name, **args)
    checked: dict[str, object] = {}
    for arg, value in call.args.items():
        if value is None and arg not in TOOLS[name].required:
            continue
        checked[arg] = kind_of(name, arg).check(f"{name}.{arg}", value)
    needed = _ONE_OF.get(name, ())
    if needed and all(call.args[arg] is None for arg in needed):
        raise InvalidRequest.of(name, f"needs one of {', '.join(needed)}")
    return call.with_args(**checked)
