"""Pure edits: each takes a draft and returns a new one, checked.

Every edit ends with :func:`check_structure`, so what it returns is a draft
``parse_draft`` would accept (media ids and music styles aside: the session
checks those with ``validate``). A bad edit raises ``InvalidRequest`` naming the
argument (``track_id``, ``segment_id``, ``aspect`` ...) or ``DraftInvalid`` with
the JSON path of what it would break (an overlap, a segment past ``d``).
Times are ms, sizes px.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.sizes import ASPECTS
from frameloom.timeline.model import (
    DRAFT_VERSION,
    MAX_DURATION_MS,
    SEGMENT_TYPES,
    AudioSegment,
    Draft,
    Segment,
    TextPos,
    TextSegment,
    Track,
    VideoSegment,
    is_fraction_point,
)
from frameloom.timeline.parse import check_structure
from frameloom.timeline.query import duration_ms as content_ms
from frameloom.timeline.query import find_segment, find_track

# The aspects a draft can take: each keeps a 1080 px short side, so all stay
# within 1920 x 1080 either way up (21:9 at 1080 px high would be 2520 wide).
DRAFT_ASPECTS: tuple[str, ...] = ("16:9", "9:16", "1:1", "4:3", "3:4")


def empty_draft(aspect: str = "16:9", fps: int = 30) -> Draft:
    """A draft with no tracks, 1080 px on the short side; its length follows the content."""
    width, height = _aspect_size(aspect)
    return check_structure(Draft(DRAFT_VERSION, None, width, height, fps, aspect))


def next_id(draft: Draft, prefix: str) -> str:
    """The first ``<prefix>1``, ``<prefix>2`` ... that no track or segment uses."""
    taken = {track.id for track in draft.tracks} | {s.id for track in draft.tracks for s in track.segments}
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def add_track(draft: Draft, track: Track, *, index: int | None = None) -> Draft:
    """Insert ``track`` at layer ``index`` (None: on top, the end of the list)."""
    tracks = list(draft.tracks)
    tracks.insert(len(tracks) if index is None else index, track)
    return check_structure(replace(draft, tracks=tuple(tracks)))


def remove_track(draft: Draft, track_id: str) -> Draft:
    """The draft without that track (and its segments)."""
    find_track(draft, track_id)
    return check_structure(replace(draft, tracks=tuple(t for t in draft.tracks if t.id != track_id)))


def add_segment(draft: Draft, track_id: str, segment: Segment) -> Draft:
    """Put ``segment`` on a track of its kind, in start order; it must not overlap."""
    track = find_track(draft, track_id)
    _check_fits(track, segment)
    return check_structure(_with_track(draft, replace(track, segments=_inserted(track.segments, segment))))


def remove_segment(draft: Draft, segment_id: str) -> Draft:
    """The draft without that segment; its track stays, even if empty."""
    track, _ = find_segment(draft, segment_id)
    kept = tuple(seg for seg in track.segments if seg.id != segment_id)
    return check_structure(_with_track(draft, replace(track, segments=kept)))


def replace_segment(draft: Draft, segment: Segment) -> Draft:
    """Swap in a changed copy of a segment (same id, same kind), e.g.
    ``replace_segment(d, dataclasses.replace(seg, volume=0.5))``."""
    track, _ = find_segment(draft, segment.id)
    _check_fits(track, segment)
    return _map_segment(draft, segment.id, lambda _: segment)


def move_segment(draft: Draft, segment_id: str, start_ms: int, *, track_id: str | None = None) -> Draft:
    """Start the segment at ``start_ms`` (same length), optionally on another track of its kind."""
    track, segment = find_segment(draft, segment_id)
    moved = replace(segment, start_ms=start_ms)
    if track_id is None or track_id == track.id:
        return _map_segment(draft, segment_id, lambda _: moved)
    return add_segment(remove_segment(draft, segment_id), track_id, moved)


def trim_segment(
    draft: Draft,
    segment_id: str,
    *,
    in_ms: int | None = None,
    out_ms: int | None = None,
    duration_ms: int | None = None,
) -> Draft:
    """Change what part of its source a segment plays; the start stays.

    ``in_ms`` / ``out_ms`` are source times of a video segment (the new length is
    ``out - in``); ``duration_ms`` is the new length on the timeline (any kind).
    Fades and a transition longer than the new length shrink to fit it.
    """
    _, segment = find_segment(draft, segment_id)
    if out_ms is not None and duration_ms is not None:
        raise InvalidRequest.of("out_ms", "give out_ms or duration_ms, not both")
    if not isinstance(segment, VideoSegment) and (in_ms is not None or out_ms is not None):
        field = "in_ms" if in_ms is not None else "out_ms"
        raise InvalidRequest.of(field, f"only video segments have source in/out points; {segment_id!r} has none")
    trimmed: Segment = segment
    if isinstance(trimmed, VideoSegment) and in_ms is not None:
        trimmed = replace(trimmed, in_ms=in_ms)
    if isinstance(trimmed, VideoSegment) and out_ms is not None:
        if out_ms <= trimmed.in_ms:
            raise InvalidRequest.of("out_ms", f"{out_ms} ms: must be after the in-point ({trimmed.in_ms} ms)")
        duration_ms = out_ms - trimmed.in_ms
    if duration_ms is not None:
        if duration_ms < 1:
            raise InvalidRequest.of("duration_ms", f"{duration_ms} ms: must be 1 ms or more")
        trimmed = _with_duration(trimmed, duration_ms)
    return _map_segment(draft, segment_id, lambda _: trimmed)


def set_duration(draft: Draft, duration_ms: int | None) -> Draft:
    """Set the draft's ``d`` alone (None: the length follows the content).
    Segments past the new end are an error; :func:`fit_duration` cuts them."""
    given = draft.given if duration_ms is not None else draft.given - {"d"}  # None: no "d" key at all
    return check_structure(replace(draft, duration_ms=duration_ms, given=given))


def fit_duration(draft: Draft, duration_ms: int) -> Draft:
    """Make the draft ``duration_ms`` long, editing its content to match.

    Shorter: segments starting at or after the new end go, those crossing it
    are cut there. Longer: segments that reached the old end (the last shot, the
    music, a caption over everything) stretch to the new end; the others stay.
    """
    if not 1 <= duration_ms <= MAX_DURATION_MS:
        raise InvalidRequest.of("duration_ms", f"{duration_ms} ms: must be 1 ms to 10 minutes ({MAX_DURATION_MS})")
    old_end = content_ms(draft)  # segments reaching it are the ones that stretch
    tracks = tuple(replace(track, segments=_fitted(track.segments, old_end, duration_ms)) for track in draft.tracks)
    return check_structure(replace(draft, duration_ms=duration_ms, tracks=tracks))


def set_aspect(draft: Draft, aspect: str) -> Draft:
    """Change the frame to ``aspect`` (16:9, 9:16, 1:1, 4:3, 3:4) with a 1080 px short side.

    Text keeps its place and its size relative to the short side (sizes scale by
    the short side's ratio, pixel positions by each axis' ratio; fractional
    positions are unchanged). Video keeps its fit: cover crops, contain letterboxes.
    """
    width, height = _aspect_size(aspect)
    scale_x, scale_y = width / draft.width, height / draft.height
    scale_size = min(width, height) / min(draft.width, draft.height)

    def refit(segment: Segment) -> Segment:
        if not isinstance(segment, TextSegment):
            return segment
        size = max(1, round(segment.size * scale_size))
        return replace(segment, size=size, pos=_scaled_pos(segment.pos, scale_x, scale_y, width, height))

    tracks = tuple(replace(track, segments=tuple(refit(seg) for seg in track.segments)) for track in draft.tracks)
    return check_structure(replace(draft, width=width, height=height, aspect=aspect, tracks=tracks))


# --- helpers


def _aspect_size(aspect: str) -> tuple[int, int]:
    if aspect not in DRAFT_ASPECTS:
        raise InvalidRequest.of("aspect", f"unknown aspect {aspect!r}; use one of {', '.join(DRAFT_ASPECTS)}")
    return ASPECTS[aspect]


def _check_fits(track: Track, segment: Segment) -> None:
    """A segment goes only on a track of its own kind."""
    if not isinstance(segment, SEGMENT_TYPES[track.kind]):
        raise InvalidRequest.of(
            "segment", f"a {type(segment).__name__} cannot go on {track.kind.name.lower()} track {track.id!r}"
        )


def _inserted(segments: tuple[Segment, ...], new: Segment) -> tuple[Segment, ...]:
    """``segments`` with ``new`` before the first one that starts later."""
    at = next((i for i, seg in enumerate(segments) if seg.start_ms > new.start_ms), len(segments))
    return (*segments[:at], new, *segments[at:])


def _with_track(draft: Draft, track: Track) -> Draft:
    return replace(draft, tracks=tuple(track if t.id == track.id else t for t in draft.tracks))


def _map_segment(draft: Draft, segment_id: str, change: Callable[[Segment], Segment]) -> Draft:
    """Apply ``change`` to one segment, in place on its track, and check the result."""
    track, _ = find_segment(draft, segment_id)
    segments = tuple(change(seg) if seg.id == segment_id else seg for seg in track.segments)
    return check_structure(_with_track(draft, replace(track, segments=segments)))


def _with_duration(segment: Segment, length_ms: int) -> Segment:
    """The segment ``length_ms`` long; fades and the transition shrink to fit it."""
    if isinstance(segment, VideoSegment):
        tr = segment.transition
        if tr is not None and tr.duration_ms > length_ms:
            tr = replace(tr, duration_ms=length_ms)
        return replace(segment, duration_ms=length_ms, transition=tr)
    fade_out = min(segment.fade_out_ms, length_ms)  # the ending keeps its fade first
    fade_in = min(segment.fade_in_ms, length_ms - fade_out)
    shortened: AudioSegment | TextSegment = replace(
        segment, duration_ms=length_ms, fade_in_ms=fade_in, fade_out_ms=fade_out
    )
    return shortened


def _fitted(segments: tuple[Segment, ...], old_end: int, new_end: int) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for seg in segments:
        if seg.start_ms >= new_end:
            continue
        if seg.end_ms > new_end or (new_end > old_end and seg.end_ms == old_end):
            seg = _with_duration(seg, new_end - seg.start_ms)
        out.append(seg)
    return tuple(out)


def _scaled_pos(pos: TextPos, scale_x: float, scale_y: float, width: int, height: int) -> TextPos:
    """A pixel point moved with the frame; names and fractions are already relative."""
    if isinstance(pos, str) or is_fraction_point(pos):
        return pos
    x, y = round(pos[0] * scale_x), round(pos[1] * scale_y)
    if is_fraction_point((x, y)):
        # within a px of the corner it would read as fractions; say it as fractions
        return (round(x / width, 4), round(y / height, 4))
    return (x, y)
