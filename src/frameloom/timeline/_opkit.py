"""The parts the edit ops (``timeline/ops.py``) share: field checks, run once when an op is
built, and where a new segment goes. Times are ms."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.media import MediaKind
from frameloom.timeline.edit import add_segment, add_track, next_id
from frameloom.timeline.model import (
    MAX_DURATION_MS,
    Draft,
    Segment,
    TextSegment,
    Track,
    TrackKind,
    VideoSegment,
)
from frameloom.timeline.targets import REFERENCE_WORDS, MediaCatalog

MAX_TEXT_CHARS = 500


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_ms(problems: list[Problem], name: str, value: object, minimum: int, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(Problem(name, f"{value!r}: must be whole milliseconds"))
    elif not minimum <= value <= MAX_DURATION_MS:
        problems.append(Problem(name, f"{value} ms: must be {minimum} to {MAX_DURATION_MS} ms"))


def check_text(problems: list[Problem], name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(name, "must be non-empty text"))
    elif len(value) > MAX_TEXT_CHARS:
        problems.append(Problem(name, f"{len(value)} characters; at most {MAX_TEXT_CHARS}"))


def check_choice(problems: list[Problem], name: str, value: object, choices: Sequence[str]) -> None:
    if value not in choices:
        problems.append(Problem(name, f"{value!r}: use one of {', '.join(choices)}"))


def check_target(problems: list[Problem], value: object, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("target", f"must be a track or segment id or one of {', '.join(REFERENCE_WORDS)}"))


def check_volume(problems: list[Problem], name: str, value: object) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= value <= 1.0:
        problems.append(Problem(name, f"{value!r}: must be 0 to 1 (0.35 is 35 %)"))


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise InvalidRequest(problems)


def fits(track: Track, segment: Segment) -> bool:
    return all(s.end_ms <= segment.start_ms or s.start_ms >= segment.end_ms for s in track.segments)


def place(draft: Draft, kind: TrackKind, segment: Segment, name: str, prefix: str,
           skip: Track | None = None) -> Draft:
    """Put ``segment`` on the first track of ``kind`` where it fits (``name``\\ d tracks
    first), else on a new track ``<prefix>N`` called ``name``, on top."""
    tracks = [t for t in draft.tracks if t.kind == kind and (skip is None or t.id != skip.id)]
    tracks.sort(key=lambda t: (t.name or "") != name)  # stable: draft order within each group
    for track in tracks:
        if fits(track, segment):
            return add_segment(draft, track.id, segment)
    return add_track(draft, Track(next_id(draft, prefix), kind, name, (segment,)))


def fitted_fades(segment: TextSegment, length_ms: int) -> TextSegment:
    """The segment ``length_ms`` long; its fades shrink to fit, the ending's first (as edits do)."""
    fade_out = min(segment.fade_out_ms, length_ms)
    fade_in = min(segment.fade_in_ms, length_ms - fade_out)
    return replace(segment, duration_ms=length_ms, fade_in_ms=fade_in, fade_out_ms=fade_out)


def is_clip(segment: VideoSegment, media: MediaCatalog) -> bool:
    """Whether the segment shows a moving source (a picture, known from the media, has no in-point to move)."""
    facts = media.get(segment.src)
    return facts is None or facts.kind != MediaKind.IMAGE


def room_for(draft: Draft, segment: Segment) -> Draft:
    """A draft with a fixed ``d`` grows to hold ``segment``; one whose length follows its content needs nothing."""
    if draft.duration_ms is None or segment.end_ms <= draft.duration_ms:
        return draft
    if segment.end_ms > MAX_DURATION_MS:
        raise InvalidRequest.of("start_ms", f"the timeline would end at {segment.end_ms / 1000:g} s; "
                                            f"at most {MAX_DURATION_MS // 1000} s")
    return replace(draft, duration_ms=segment.end_ms)
