"""What an edit names: a target (a track, a segment, or a reference word) and the session's media.

A ``target`` is a track id, a segment id, or one of these words:

- ``"title"`` / ``"text"``: the last title (the text segment starting latest);
- ``"music"``: the music track (the last audio track named BGM or Music, or
  holding built-in ``bgm:`` music);
- ``"video"``: the last video segment (starting latest);
- ``"last"``: the segment starting latest on any track (the upper track on a tie).

One that names nothing is ``InvalidRequest`` on ``target``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

from frameloom.domain.errors import InvalidRequest
from frameloom.domain.media import MediaKind
from frameloom.timeline.model import BGM_PREFIX, AudioSegment, Draft, Segment, Track, TrackKind

REFERENCE_WORDS: tuple[str, ...] = ("title", "text", "music", "video", "last")
_MUSIC_NAMES = ("bgm", "music")


@dataclass(frozen=True)
class MediaFacts:
    """What an edit needs to know of one of the session's media: its kind, its length
    in ms (None for stills or when unknown) and a name for the segment's label."""

    kind: MediaKind
    duration_ms: int | None = None
    name: str | None = None


MediaCatalog: TypeAlias = Mapping[str, MediaFacts]
"""The session's media by id; an id outside it is unknown."""
NO_MEDIA: MediaCatalog = MappingProxyType({})


@dataclass(frozen=True)
class Ref:
    """What a ``target`` names: a whole track (``segment`` None) or one segment on it."""

    track: Track
    segment: Segment | None = None


def resolve(draft: Draft, target: str) -> Ref:
    """The track or segment ``target`` names (see the module docstring); ``InvalidRequest`` on ``target``."""
    word = target.strip().lower()
    if word in ("title", "text"):
        return _latest(draft, (TrackKind.TEXT,), "there is no title in the draft")
    if word == "video":
        return _latest(draft, (TrackKind.VIDEO,), "there is no video in the draft")
    if word == "last":
        return _latest(draft, tuple(TrackKind), "the draft is empty")
    if word == "music":
        track = music_track(draft)
        if track is None:
            raise InvalidRequest.of("target", "there is no music in the draft")
        return Ref(track)
    for track in draft.tracks:
        if track.id == target:
            return Ref(track)
        for segment in track.segments:
            if segment.id == target:
                return Ref(track, segment)
    ids = ", ".join([t.id for t in draft.tracks] + [s.id for t in draft.tracks for s in t.segments]) or "none"
    raise InvalidRequest.of(
        "target", f"{target!r}: no such track or segment (ids: {ids}; words: {', '.join(REFERENCE_WORDS)})"
    )


def music_track(draft: Draft) -> Track | None:
    """The last audio track named BGM or Music, or holding ``bgm:`` music; None when there is none."""
    found = None
    for track in draft.tracks:
        named = (track.name or "").strip().lower() in _MUSIC_NAMES
        builtin = any(isinstance(s, AudioSegment) and s.src.startswith(BGM_PREFIX) for s in track.segments)
        if track.kind == TrackKind.AUDIO and (named or builtin):
            found = track
    return found


def _latest(draft: Draft, kinds: tuple[TrackKind, ...], missing: str) -> Ref:
    """The segment starting latest on tracks of ``kinds``; the upper (later) track wins a tie."""
    best: Ref | None = None
    for track in draft.tracks:
        if track.kind not in kinds:
            continue
        for segment in track.segments:
            if best is None or best.segment is None or segment.start_ms >= best.segment.start_ms:
                best = Ref(track, segment)
    if best is None:
        raise InvalidRequest.of("target", missing)
    return best


def one_segment(ref: Ref, target: str) -> tuple[Track, Segment]:
    """The segment a reference names; a track counts when it holds exactly one."""
    if ref.segment is not None:
        return ref.track, ref.segment
    if len(ref.track.segments) == 1:
        return ref.track, ref.track.segments[0]
    raise InvalidRequest.of(
        "target", f"{target!r} is track {ref.track.id!r} with {len(ref.track.segments)} segments; name one of "
                  f"{', '.join(s.id for s in ref.track.segments) or 'none'}"
    )


def media_facts(media: MediaCatalog, media_id: str) -> MediaFacts:
    facts = media.get(media_id)
    if facts is None:
        raise InvalidRequest.of("media_id", f"{media_id!r}: not a media of this session")
    return facts
