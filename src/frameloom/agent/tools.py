"""The agent's tool vocabulary: every action the chat can take, as typed values.

A :class:`ToolCall` names one tool of :data:`TOOLS` and carries every argument of
that tool (defaults filled in), so code that runs a call reads ``call.args["n"]``
without guessing. Units: ``*_ms`` are milliseconds, ``seconds`` and ``delta_s``
seconds, ``volume`` a fraction 0..1. Reference arguments (``target``, ``media``,
``media_id``) hold a reference word ("title", "music", "video", "last", "all"),
a 1-based upload index as text ("2"), or an id ("med_...").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.media import FORMATS
from frameloom.timeline.edit import DRAFT_ASPECTS

ASPECTS = DRAFT_ASPECTS
EXPORT_FORMATS = tuple(FORMATS)
POSITIONS = ("top", "center", "bottom")
VOLUME_CHANGES = ("quieter", "louder")
LAST = "@last"  # generate_video's prompt meaning "from the last generated image"


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, a one-line description and its arguments with defaults.

    ``required`` arguments have no default; the others default to ``defaults``.
    """

    name: str
    description: str
    required: tuple[str, ...] = ()
    defaults: Mapping[str, object] = field(default_factory=dict)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return (*self.required, *self.defaults)


def _spec(name: str, description: str, *required: str, **defaults: object) -> ToolSpec:
    return ToolSpec(name, description, tuple(required), MappingProxyType(dict(defaults)))


TOOLS: Mapping[str, ToolSpec] = MappingProxyType({spec.name: spec for spec in (
    _spec("generate_image", "Generate images from a description.",
          "prompt", aspect=None, n=1, seed=None, style=None),
    _spec("generate_video", "Generate a video from a description, or from the last image (prompt '@last').",
          "prompt", seconds=None, aspect=None, style=None, music=None, title=None),
    _spec("vary", "Generate again from the last generation, optionally changed ('darker').", modifier=None),
    _spec("add_title", "Add a text overlay.", "text", start_ms=0, duration_ms=None, pos=None),
    _spec("set_title", "Change the title's text, timing or position.",
          text=None, start_ms=None, duration_ms=None, pos=None, target=None),
    _spec("add_music", "Add (or replace) the background music: a built-in style or an upload.",
          style=None, media_id=None, volume=None),
    _spec("set_volume", "Set a volume (0..1) or make it quieter or louder.", volume=None, change=None, target=None),
    _spec("set_aspect", "Change the aspect ratio.", "aspect"),
    _spec("set_duration", "Set the length in seconds, or lengthen or shorten it by delta_s.",
          seconds=None, delta_s=None),
    _spec("remove", "Remove a track or an element.", "target"),
    _spec("move", "Move an element to start at start_ms.", "target", "start_ms"),
    _spec("trim", "Keep only start_ms..end_ms of an element.", "target", start_ms=None, end_ms=None),
    _spec("use_upload", "Put an uploaded clip, photo or track on the timeline.",
          media="last", start_ms=None, duration_ms=None),
    _spec("for_each_upload", "Run one instruction on each upload, each with its own export.", "instruction"),
    _spec("export", "Export the timeline to a file.", format="mp4"),
    _spec("undo", "Undo the last turn."),
    _spec("redo", "Redo what undo undid."),
    _spec("show_status", "Show the tracks and the session's status."),
    _spec("help", "Say what the agent can do."),
)})


@dataclass(frozen=True)
class ToolCall:
    """One planned action: a tool name of :data:`TOOLS` and all its arguments."""

    name: str
    args: Mapping[str, object]

    @classmethod
    def of(cls, name: str, **args: object) -> ToolCall:
        """The call of tool ``name`` with ``args`` over the tool's defaults.

        Raises :class:`InvalidRequest` for an unknown tool, an unknown argument or a
        missing required one.
        """
        spec = TOOLS.get(name)
        if spec is None:
            raise InvalidRequest.of("name", f"unknown tool {name!r}; known: {', '.join(TOOLS)}")
        unknown = sorted(set(args) - set(spec.arg_names))
        if unknown:
            raise InvalidRequest.of(f"{name}.{unknown[0]}", f"unknown argument; {name} takes {', '.join(spec.arg_names) or 'none'}")
        missing = [arg for arg in spec.required if arg not in args]
        if missing:
            raise InvalidRequest.of(f"{name}.{missing[0]}", "required")
        return cls(name, MappingProxyType({**spec.defaults, **args}))

    def with_args(self, **args: object) -> ToolCall:
        """A copy with ``args`` replaced (checked like :meth:`of`)."""
        return ToolCall.of(self.name, **{**self.args, **args})
