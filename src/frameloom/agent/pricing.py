"""What a whole turn will cost, checked against the balance before anything is frozen.

Generations cost what the generation service charges (``image_price`` an image,
``video_price_per_second`` a started second). An export costs
``export_price`` per started ``export_price_seconds`` of the timeline *as it
will be then*, which this estimates by following the plan: a generated video
is placed (in place of the picture it animates, or after it), an image fills
an empty timeline for 5 s, ``set_duration`` sets or changes the length. Each
action still freezes its own exact price when it starts, so an estimate too
low ends the turn with 2001 at that action instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frameloom.agent.context import SessionFacts
from frameloom.agent.tools import LAST, ToolCall
from frameloom.domain.jobs import export_price
from frameloom.domain.video import DEFAULT_SECONDS
from frameloom.timeline import duration_ms
from frameloom.timeline.media_ops import IMAGE_MS

if TYPE_CHECKING:
    from frameloom.services.container import Services


@dataclass
class _Walk:
    """The plan followed so far: the timeline's length (ms), the last generation's kind and length."""

    length: int
    last_kind: str | None
    last_seconds: float
    total: int = 0


def _seconds(value: object, default: float) -> float:
    return float(str(value)) if value is not None else default


def _step(walk: _Walk, call: ToolCall, services: Services) -> None:
    generation, settings = services.generation, services.settings
    a = call.args
    if call.name == "generate_image":
        walk.total += generation.image_price(int(str(a["n"])))
        walk.length = walk.length or IMAGE_MS
        walk.last_kind = "image"
    elif call.name == "generate_video":
        seconds = _seconds(a["seconds"], DEFAULT_SECONDS)
        walk.total += generation.video_price(seconds)
        ms = round(seconds * 1000)
        walk.length = max(walk.length, ms) if a["prompt"] == LAST else walk.length + ms
        walk.last_kind, walk.last_seconds = "video", seconds
    elif call.name == "vary" and walk.last_kind is not None:
        walk.total += (generation.image_price(1) if walk.last_kind == "image"
                       else generation.video_price(walk.last_seconds))
    elif call.name == "set_duration":
        if a["seconds"] is not None:
            walk.length = round(_seconds(a["seconds"], 0) * 1000)
        else:
            walk.length = max(1, walk.length + round(_seconds(a["delta_s"], 0) * 1000))
    elif call.name == "export" and walk.length > 0:
        walk.total += export_price(walk.length, settings.export_price, settings.export_price_seconds)


def estimate(calls: Sequence[ToolCall], facts: SessionFacts, services: Services) -> int:
    """The credits ``calls`` will freeze in all, run in order on the session of ``facts``."""
    last = facts.last
    walk = _Walk(duration_ms(facts.draft), last.kind if last else None,
                 (last.seconds or DEFAULT_SECONDS) if last else DEFAULT_SECONDS)
    for call in calls:
        _step(walk, call, services)
    return walk.total
