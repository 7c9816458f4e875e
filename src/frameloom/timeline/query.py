"""Questions about a draft: how long it is, what plays at a time, where an id is.

``active_at`` is what a compositor asks once per frame: the segments showing at
``t``, one per track, bottom layer first. It says nothing about how they are
drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frameloom.domain.errors import InvalidRequest
from frameloom.timeline.model import Draft, Segment, Track, TrackKind, VideoSegment

VISUAL_KINDS: tuple[TrackKind, ...] = (TrackKind.VIDEO, TrackKind.TEXT)


@dataclass(frozen=True)
class Active:
    """A segment playing at a time ``t``.

    ``local_ms`` is ``t - segment.start_ms``. ``outgoing`` is set during a
    crossfade into ``segment``: the segment of the same track that ended where
    this one starts, still showing under the blend; ``outgoing_ms`` is its own
    local time (past its end, so a video source plays on).
    """

    track: Track
    segment: Segment
    local_ms: int
    outgoing: Segment | None = None

    @property
    def outgoing_ms(self) -> int:
        return self.segment.start_ms + self.local_ms - self.outgoing.start_ms if self.outgoing else 0

    @property
    def blend(self) -> float:
        """How far the transition into ``segment`` has gone, 0..1 (1 when there is none)."""
        transition = self.segment.transition if isinstance(self.segment, VideoSegment) else None
        if transition is None or self.local_ms >= transition.duration_ms:
            return 1.0
        return self.local_ms / transition.duration_ms


def duration_ms(draft: Draft) -> int:
    """The output length in ms: the draft's ``d``, or where its last segment ends
    when ``d`` is not set (0 for an empty draft)."""
    if draft.duration_ms is not None:
        return draft.duration_ms
    return max((seg.end_ms for track in draft.tracks for seg in track.segments), default=0)


def active_at(draft: Draft, t_ms: int, *, kinds: Sequence[TrackKind] = VISUAL_KINDS) -> tuple[Active, ...]:
    """The segments playing at ``t_ms`` (``start <= t < end``), one per track,
    ordered as layers: tracks of ``kinds[0]`` in draft order (bottom first), then
    those of ``kinds[1]``... The default is video tracks, then text on top; pass
    ``kinds=(TrackKind.AUDIO,)`` for what is heard."""
    out: list[Active] = []
    for kind in kinds:
        for track in draft.tracks:
            if track.kind == kind:
                active = _active_on(track, t_ms)
                if active is not None:
                    out.append(active)
    return tuple(out)


def _active_on(track: Track, t_ms: int) -> Active | None:
    for segment in track.segments:
        if segment.start_ms <= t_ms < segment.end_ms:
            local = t_ms - segment.start_ms
            return Active(track, segment, local, _outgoing(track, segment, local))
    return None


def _outgoing(track: Track, segment: Segment, local_ms: int) -> Segment | None:
    """The segment a crossfade blends from: the one on the track ending exactly at ``segment``'s start."""
    transition = segment.transition if isinstance(segment, VideoSegment) else None
    if transition is None or transition.kind != "crossfade" or local_ms >= transition.duration_ms:
        return None
    return next((other for other in track.segments if other.end_ms == segment.start_ms), None)


def find_track(draft: Draft, track_id: str) -> Track:
    """The track with this id; raises ``InvalidRequest`` on field ``track_id`` naming it."""
    for track in draft.tracks:
        if track.id == track_id:
            return track
    known = ", ".join(track.id for track in draft.tracks) or "none"
    raise InvalidRequest.of("track_id", f"no track {track_id!r} in the draft (tracks: {known})")


def find_segment(draft: Draft, segment_id: str) -> tuple[Track, Segment]:
    """The segment with this id and its track; raises ``InvalidRequest`` on field ``segment_id``."""
    for track in draft.tracks:
        for segment in track.segments:
            if segment.id == segment_id:
                return track, segment
    known = ", ".join(seg.id for track in draft.tracks for seg in track.segments) or "none"
    raise InvalidRequest.of("segment_id", f"no segment {segment_id!r} in the draft (segments: {known})")
