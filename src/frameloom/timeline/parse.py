"""JSON to draft: read and check a draft, reporting every problem at its JSON path.

Paths use the draft's own short keys: ``v``, ``d``, ``m.w``, ``t[1].tt``,
``t[1].sg[0].s``, ``t[0].sg[2].m.transition.d``; ``draft`` is the whole document.
Problems come in document order: ``v``, ``d``, ``m``, then each track (its own
fields, each segment's fields, then overlaps on that track).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from frameloom.domain.errors import Problem
from frameloom.domain.video import MAX_FPS, MIN_FPS
from frameloom.timeline._bodies import READERS, Context, Head
from frameloom.timeline._reader import ABSENT, Reader, is_int, shown
from frameloom.timeline.errors import DraftInvalid
from frameloom.timeline.model import (
    BGM_STYLES,
    DRAFT_VERSION,
    MAX_DURATION_MS,
    MAX_LONG_SIDE_PX,
    MAX_SHORT_SIDE_PX,
    MIN_SIDE_PX,
    Draft,
    Segment,
    Track,
    TrackKind,
)
from frameloom.timeline.serialize import draft_to_json

_ASPECT_RE = re.compile(r"^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$")
# ``ar`` is a label, but one that contradicts w x h would mislead whoever reads
# it (the agent's summary, an editor); 1 % absorbs rounding such as 2.39:1.
_ASPECT_TOLERANCE = 0.01


def parse_draft(
    data: object, *, media_ids: Collection[str] | None = None, bgm_styles: Collection[str] = BGM_STYLES
) -> Draft:
    """Read a draft from decoded JSON (``json.loads`` output).

    ``media_ids``: when given, every ``src`` that is not built-in music must be
    one of them. ``bgm_styles``: the styles ``bgm:<style>`` may name.
    Raises :class:`DraftInvalid` listing every problem with its JSON path.
    """
    return _parse(data, media_ids, bgm_styles)


def validate(
    draft: Draft, *, media_ids: Collection[str] | None = None, bgm_styles: Collection[str] = BGM_STYLES
) -> Draft:
    """Check a draft built in code by the same rules as :func:`parse_draft`;
    returns it unchanged or raises :class:`DraftInvalid`."""
    _parse(draft_to_json(draft), media_ids, bgm_styles)
    return draft


def check_structure(draft: Draft) -> Draft:
    """The rules that hold without knowing the session's media and music: what
    every edit checks (ids, types, ranges, overlaps, duration, size)."""
    _parse(draft_to_json(draft), None, None)
    return draft


@dataclass(frozen=True)
class _Span:
    """Where a segment sits, kept even when its ``m`` is bad, for the overlap check."""

    index: int
    id: str
    start_ms: int
    end_ms: int


def _parse(data: object, media_ids: Collection[str] | None, bgm_styles: Collection[str] | None) -> Draft:
    ctx = Context(media_ids, bgm_styles)
    draft = _read_draft(data, ctx)
    if ctx.problems or draft is None:
        raise DraftInvalid(ctx.problems or [Problem("draft", "is not a valid draft")])
    return draft


def _read_draft(data: object, ctx: Context) -> Draft | None:
    if not isinstance(data, Mapping):
        ctx.problems.append(Problem("draft", f"{shown(data)}: must be a JSON object"))
        return None
    r = Reader(data, "", ctx.problems)
    version = r.integer("v", unit="", required=True)
    if version is not None and version != DRAFT_VERSION:
        r.problem("v", f"{version}: unsupported version; this frameloom reads version {DRAFT_VERSION}")
    ctx.duration_ms = _read_draft_duration(r)
    m = r.child("m", required=True)
    frame = _read_frame(m, ctx) if m else None
    items = r.array("t", required=True)
    tracks = [_read_track(item, f"t[{i}]", ctx) for i, item in enumerate(items or [])]
    extra_outer = r.rest()
    if version is None or frame is None or items is None or m is None:
        return None
    width, height, fps, aspect = frame
    complete = tuple(track for track in tracks if track is not None)
    if len(complete) != len(tracks):
        return None
    return Draft(
        version, ctx.duration_ms, width, height, fps, aspect, complete,
        extra=m.rest(), extra_outer=extra_outer, given=r.given | m.given,
    )


def _read_draft_duration(r: Reader) -> int | None:
    """``d`` in ms: absent or null (the length follows the content), or 1 ms to 10 minutes."""
    if r.obj.get("d", 0) is None:
        r.raw("d")
        return None
    d = r.integer("d", unit="ms", minimum=1)
    if d is not None and d > MAX_DURATION_MS:
        r.problem("d", f"{d} ms: over the 10-minute limit ({MAX_DURATION_MS} ms)")
        return None
    return d


def _read_frame(m: Reader, ctx: Context) -> tuple[int, int, int, str | None] | None:
    """``m.w``, ``m.h`` (px), ``m.fps`` and ``m.ar``: the output frame."""
    width = _read_side(m, "w")
    height = _read_side(m, "h")
    if _check_frame_size(m, width, height):
        ctx.width, ctx.height = width, height
    fps = m.integer("fps", unit="frames per second", required=True)
    if fps is not None and not MIN_FPS <= fps <= MAX_FPS:
        m.problem("fps", f"{fps}: must be {MIN_FPS} to {MAX_FPS} frames per second")
        fps = None
    aspect = m.string("ar", nullable=True)
    if aspect is not None:
        _check_aspect(m, aspect, ctx)
    if width is None or height is None or fps is None:
        return None
    return width, height, fps, aspect


def _read_side(m: Reader, key: str) -> int | None:
    """One side in px: at least 64 and even (the encoder halves chroma, so yuv420p needs even sides)."""
    side = m.integer(key, unit="px", required=True, minimum=MIN_SIDE_PX)
    if side is not None and side % 2:
        m.problem(key, f"{side}: must be an even number of px")
        return None
    return side


def _check_frame_size(m: Reader, width: int | None, height: int | None) -> bool:
    """Up to 1920 px on the long side and 1080 px on the short one, either way up."""
    ok = True
    for key, side in (("w", width), ("h", height)):
        if side is not None and side > MAX_LONG_SIDE_PX:
            m.problem(key, f"{side}: must be at most {MAX_LONG_SIDE_PX} px")
            ok = False
    if ok and width is not None and height is not None and min(width, height) > MAX_SHORT_SIDE_PX:
        m.problem("h" if height <= width else "w",
                  f"{width}x{height}: the short side must be at most {MAX_SHORT_SIDE_PX} px")
        ok = False
    return ok and width is not None and height is not None


def _check_aspect(m: Reader, aspect: str, ctx: Context) -> None:
    match = _ASPECT_RE.match(aspect)
    if not match or not float(match.group(1)) or not float(match.group(2)):
        m.problem("ar", f"{shown(aspect)}: must be W:H, e.g. 16:9")
        return
    if ctx.width is None or ctx.height is None:
        return
    ratio = float(match.group(1)) / float(match.group(2))
    if abs(ctx.width / ctx.height - ratio) > _ASPECT_TOLERANCE * ratio:
        m.problem("ar", f"{shown(aspect)} does not match {ctx.width}x{ctx.height}")


def _read_id(r: Reader, seen: dict[str, str], what: str) -> str | None:
    """A required id, unique among the draft's tracks (or segments)."""
    ident = r.string("id", required=True)
    if ident is None:
        return None
    if ident in seen:
        r.problem("id", f"duplicate {what} id {shown(ident)} (also at {seen[ident]})")
    else:
        seen[ident] = r.base
    return ident


def _read_kind(r: Reader) -> TrackKind | None:
    """``tt``: 0 video, 1 audio, 7 text."""
    value = r.raw("tt", required=True)
    if value is ABSENT:
        return None
    if is_int(value) and value in {kind.value for kind in TrackKind}:
        return TrackKind(value)
    r.problem("tt", f"{shown(value)}: unknown track type; use 0 (video), 1 (audio) or 7 (text)")
    return None


def _read_track(item: object, path: str, ctx: Context) -> Track | None:
    if not isinstance(item, Mapping):
        ctx.problems.append(Problem(path, f"{shown(item)}: must be an object"))
        return None
    r = Reader(item, path, ctx.problems)
    track_id = _read_id(r, ctx.track_ids, "track")
    kind = _read_kind(r)
    m = r.child("m")
    name = m.string("name", nullable=True) if m else None
    items = r.array("sg", required=True)
    read = [_read_segment(seg, f"{path}.sg[{j}]", j, kind, ctx) for j, seg in enumerate(items or [])]
    _check_overlaps(r, [span for span, _ in read if span is not None])
    segments = tuple(seg for _, seg in read if seg is not None)
    extra_outer = r.rest()
    if track_id is None or kind is None or items is None or len(segments) != len(read):
        return None
    return Track(
        track_id, kind, name, segments,
        extra=m.rest() if m else {}, extra_outer=extra_outer, given=r.given | (m.given if m else frozenset()),
    )


def _check_overlaps(r: Reader, spans: list[_Span]) -> None:
    """Segments on one track must not overlap (``[start, end)``; touching is fine)."""
    reach: _Span | None = None  # the span seen so far that ends last
    for span in sorted(spans, key=lambda s: (s.start_ms, s.index)):
        if reach is not None and span.start_ms < reach.end_ms:
            r.problem(f"sg[{span.index}].s", f"{shown(span.id)} ({span.start_ms}-{span.end_ms} ms) overlaps "
                      f"{shown(reach.id)} ({reach.start_ms}-{reach.end_ms} ms)")
        if reach is None or span.end_ms > reach.end_ms:
            reach = span


def _read_segment(
    item: object, path: str, index: int, kind: TrackKind | None, ctx: Context
) -> tuple[_Span | None, Segment | None]:
    """One segment: its id and place, then its ``m`` by the track's kind."""
    if not isinstance(item, Mapping):
        ctx.problems.append(Problem(path, f"{shown(item)}: must be an object"))
        return None, None
    r = Reader(item, path, ctx.problems)
    seg_id = _read_id(r, ctx.segment_ids, "segment")
    start = r.integer("s", unit="ms", required=True, minimum=0)
    duration = r.integer("d", unit="ms", required=True, minimum=1)
    span = None
    if seg_id is not None and start is not None and duration is not None:
        span = _Span(index, seg_id, start, start + duration)
        _check_end(r, span.end_ms, ctx)
    if kind is None:  # the track's type is already refused; its segments' m cannot be read
        return span, None
    m = r.child("m", required=True)
    head = Head(seg_id, start, duration, r.rest())
    return span, (READERS[kind](m, head, ctx) if m else None)


def _check_end(r: Reader, end_ms: int, ctx: Context) -> None:
    """A segment ends within the draft's ``d`` (when set) and within 10 minutes."""
    if ctx.duration_ms is not None and end_ms > ctx.duration_ms:
        r.problem("d", f"ends at {end_ms} ms, after the draft's end (d = {ctx.duration_ms} ms)")
    elif end_ms > MAX_DURATION_MS:
        r.problem("d", f"ends at {end_ms} ms, over the 10-minute limit ({MAX_DURATION_MS} ms)")


