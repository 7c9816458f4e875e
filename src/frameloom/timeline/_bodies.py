"""Segment bodies: each reader checks one segment's ``m`` by its track's kind.

Part of the draft parser (``parse.py``); problems go to the shared context.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from frameloom.domain.errors import Problem
from frameloom.timeline._reader import ABSENT, Reader, is_number, shown
from frameloom.timeline.jsonvalue import JsonValue
from frameloom.timeline.model import (
    BGM_PREFIX,
    DEFAULT_COLOR,
    DEFAULT_TEXT_SIZE_PX,
    FITS,
    MOTIONS,
    NAMED_POSITIONS,
    TRANSITIONS,
    AudioSegment,
    Segment,
    TextPos,
    TextSegment,
    TrackKind,
    Transition,
    VideoSegment,
    is_fraction_point,
)

_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass
class Context:
    """What checks across the document need; sizes and ``d`` are None when bad."""

    media_ids: Collection[str] | None
    bgm_styles: Collection[str] | None
    problems: list[Problem] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    track_ids: dict[str, str] = field(default_factory=dict)
    segment_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Head:
    """A segment's id, start and duration (each None when bad) and its outer extras."""

    id: str | None
    start_ms: int | None
    duration_ms: int | None
    extra_outer: Mapping[str, JsonValue]

    def place(self) -> tuple[str, int, int] | None:
        if self.id is None or self.start_ms is None or self.duration_ms is None:
            return None
        return self.id, self.start_ms, self.duration_ms


def _read_video(m: Reader, head: Head, ctx: Context) -> Segment | None:
    src = m.string("src", required=True)
    if src is not None:
        if src.startswith(BGM_PREFIX):
            m.problem("src", f"{shown(src)}: built-in music is audio; a video segment needs a media id")
        else:
            _check_media(m, src, ctx)
    in_ms = m.integer("in", unit="ms", minimum=0)
    fit = m.choice("fit", FITS, "cover")
    motion = m.choice("motion", MOTIONS, "none")
    transition = _read_transition(m, head.duration_ms)
    label = m.string("label", nullable=True)
    extra, place = m.rest(), head.place()
    if src is None or place is None:
        return None
    return VideoSegment(
        *place, src, in_ms or 0, fit, motion, transition, label,
        extra=extra, extra_outer=head.extra_outer, given=m.given,
    )


def _read_transition(m: Reader, duration: int | None) -> Transition | None:
    """``{"type": "fade" | "crossfade", "d": ms}``, no longer than its segment."""
    tr = m.child("transition", nullable=True)
    if tr is None:
        return None
    kind = tr.raw("type", required=True)
    if kind is not ABSENT and kind not in TRANSITIONS:
        tr.problem("type", f"{shown(kind)}: must be one of {', '.join(TRANSITIONS)}")
    length = tr.integer("d", unit="ms", required=True, minimum=1)
    if length is not None and duration is not None and length > duration:
        tr.problem("d", f"{length} ms: longer than its segment (d = {duration} ms)")
    extra = tr.rest()
    for option in TRANSITIONS:
        if kind == option and length is not None:
            return Transition(option, length, extra)
    return None


def _read_audio(m: Reader, head: Head, ctx: Context) -> Segment | None:
    src = m.string("src", required=True)
    if src is not None:
        _check_audio_src(m, src, ctx)
    volume = m.number("volume", 1.0, low=0.0, high=1.0, hint=" (0.35 is 35 %)")
    fade_in, fade_out = _read_fades(m, head.duration_ms)
    loop = m.boolean("loop", False)
    label = m.string("label", nullable=True)
    extra, place = m.rest(), head.place()
    if src is None or place is None:
        return None
    return AudioSegment(
        *place, src, volume, fade_in, fade_out, loop, label,
        extra=extra, extra_outer=head.extra_outer, given=m.given,
    )


def _check_audio_src(m: Reader, src: str, ctx: Context) -> None:
    if not src.startswith(BGM_PREFIX):
        _check_media(m, src, ctx)
        return
    style = src[len(BGM_PREFIX):]
    if ctx.bgm_styles is not None and style not in ctx.bgm_styles:
        known = ", ".join(BGM_PREFIX + name for name in ctx.bgm_styles)
        m.problem("src", f"{shown(src)}: unknown built-in music; use one of {known}")


def _check_media(m: Reader, src: str, ctx: Context) -> None:
    if ctx.media_ids is not None and src not in ctx.media_ids:
        m.problem("src", f"{shown(src)}: unknown media id")


def _read_fades(m: Reader, duration: int | None) -> tuple[int, int]:
    """``fade_in`` and ``fade_out`` in ms; together no longer than the segment."""
    fade_in = m.integer("fade_in", unit="ms", minimum=0) or 0
    fade_out = m.integer("fade_out", unit="ms", minimum=0) or 0
    if duration is not None and fade_in > duration:
        m.problem("fade_in", f"{fade_in} ms: longer than its segment (d = {duration} ms)")
    elif duration is not None and fade_in + fade_out > duration:
        m.problem("fade_out", f"fade_in + fade_out = {fade_in + fade_out} ms: longer than its segment "
                              f"(d = {duration} ms)")
    return fade_in, fade_out


def _read_text(m: Reader, head: Head, ctx: Context) -> Segment | None:
    text = m.string("text", required=True)
    font = m.string("font", nullable=True)
    size = _read_text_size(m, ctx)
    color = _read_color(m, "color", m.raw("color")) or DEFAULT_COLOR
    pos = _read_pos(m, ctx)
    box = _read_box(m)
    fade_in, fade_out = _read_fades(m, head.duration_ms)
    extra, place = m.rest(), head.place()
    if text is None or place is None:
        return None
    return TextSegment(
        *place, text, font, size, color, pos, box, fade_in, fade_out,
        extra=extra, extra_outer=head.extra_outer, given=m.given,
    )


def _read_text_size(m: Reader, ctx: Context) -> int:
    """Font size in px at the draft's height: 1 px up to that height."""
    size = m.integer("size", unit="px", minimum=1)
    if size is not None and ctx.height is not None and size > ctx.height:
        m.problem("size", f"{size} px: larger than the frame's height ({ctx.height} px)")
    return size or DEFAULT_TEXT_SIZE_PX


def _read_color(m: Reader, key: str, value: object) -> str | None:
    """``value`` of field ``key`` as ``#RRGGBB``; None when absent or bad."""
    if value is ABSENT:
        return None
    if not isinstance(value, str) or not _COLOR_RE.match(value):
        m.problem(key, f"{shown(value)}: must be a colour #RRGGBB, e.g. #FFFFFF")
        return None
    return value


def _read_box(m: Reader) -> bool | str:
    """``box``: true, false, or a ``#RRGGBB`` box colour."""
    value = m.raw("box")
    if value is ABSENT or isinstance(value, bool):
        return value is True
    if not isinstance(value, str) or not _COLOR_RE.match(value):
        m.problem("box", f"{shown(value)}: must be true, false or a colour #RRGGBB")
        return False
    return value


def _read_pos(m: Reader, ctx: Context) -> TextPos:
    """``top`` / ``center`` / ``bottom``, or ``[x, y]``: fractions when both are
    within 0..1, else px inside the frame."""
    value = m.raw("pos")
    if value is ABSENT:
        return "center"
    for name in NAMED_POSITIONS:
        if value == name:
            return name
    point = _point(value)
    if point is None:
        m.problem("pos", f"{shown(value)}: must be top, center, bottom or [x, y]")
        return "center"
    x, y = point
    if x < 0 or y < 0:
        m.problem("pos", f"{shown(value)}: x and y must be 0 or more")
    elif not is_fraction_point(point) and ctx.width is not None and ctx.height is not None and (
        x > ctx.width or y > ctx.height
    ):
        m.problem("pos", f"{shown(value)}: outside the {ctx.width}x{ctx.height} px frame")
    return point


def _point(value: object) -> tuple[float, float] | None:
    """``[x, y]`` of two finite numbers, kept as given (an int stays an int)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    x, y = value
    if not (is_number(x) and is_number(y)):
        return None
    assert isinstance(x, int | float)
    assert isinstance(y, int | float)
    return x, y


READERS = {TrackKind.VIDEO: _read_video, TrackKind.AUDIO: _read_audio, TrackKind.TEXT: _read_text}
