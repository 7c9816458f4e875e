"""The edit ops that bring sound and media in: music, volume, placing an upload.

Part of the op vocabulary of :mod:`frameloom.timeline.ops` (import them from
there). Times are ms, volumes linear 0..1; ``media`` is the session's media.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.media import MediaKind
from frameloom.domain.video import MUSIC_STYLES
from frameloom.timeline._opkit import (
    check_choice,
    check_ms,
    check_target,
    check_volume,
    place,
    raise_problems,
    room_for,
)
from frameloom.timeline.edit import add_track, next_id, remove_track, replace_segment
from frameloom.timeline.model import (
    BGM_PREFIX,
    FITS,
    MOTIONS,
    AudioSegment,
    Draft,
    Fit,
    Motion,
    Track,
    TrackKind,
    VideoSegment,
)
from frameloom.timeline.query import duration_ms as timeline_ms
from frameloom.timeline.targets import NO_MEDIA, MediaCatalog, MediaFacts, media_facts, music_track, resolve

MUSIC_FADE_OUT_MS = 1000
IMAGE_MS = 5000  # how long a placed still shows when no duration is given
VOLUME_STEP = 0.6  # "quieter" multiplies by it, "louder" divides (about 4.4 dB)
MUSIC_LABELS = {"lofi": "Lo-fi"}
MAX_NAME = 200  # a segment name (its label in the timeline summary)

VolumeChange = Literal["quieter", "louder"]
VOLUME_CHANGES: tuple[VolumeChange, ...] = get_args(VolumeChange)


@dataclass(frozen=True)
class AddMusic:
    """Background music spanning the whole timeline, fading out at the end: built-in
    ``style`` (None with no ``media_id``: lofi) or the session's audio ``media_id``
    (looped when shorter). Replaces the music track's content when there is one."""

    style: str | None = None
    media_id: str | None = None
    volume: float = 0.35

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if self.style is not None and self.media_id is not None:
            problems.append(Problem("media_id", "give style or media_id, not both"))
        if self.style is not None:
            check_choice(problems, "style", self.style, MUSIC_STYLES)
        if self.media_id is not None and (not isinstance(self.media_id, str) or not self.media_id):
            problems.append(Problem("media_id", "must be a media id"))
        check_volume(problems, "volume", self.volume)
        raise_problems(problems)

    @property
    def label(self) -> str:
        return "add music" if self.media_id is not None else f"add {self.style or 'lofi'} music"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        length = timeline_ms(draft)
        if length <= 0:
            raise InvalidRequest.of("draft", "the timeline is empty; music spans it, so add a picture, video "
                                             "or title first")
        segment = self._segment(draft, length, media)
        existing = music_track(draft)
        if existing is None:
            return add_track(draft, Track(next_id(draft, "a"), TrackKind.AUDIO, "BGM", (segment,)))
        index = draft.tracks.index(existing)
        return add_track(remove_track(draft, existing.id), replace(existing, segments=(segment,)), index=index)

    def _segment(self, draft: Draft, length: int, media: MediaCatalog) -> AudioSegment:
        fade_out = min(MUSIC_FADE_OUT_MS, length // 2)
        volume = float(self.volume)
        if self.media_id is None:
            style = self.style or "lofi"
            label = MUSIC_LABELS.get(style, style.capitalize())
            return AudioSegment(next_id(draft, "s"), 0, length, BGM_PREFIX + style, volume,
                                fade_out_ms=fade_out, label=label)
        facts = media_facts(media, self.media_id)
        if facts.kind != MediaKind.AUDIO:
            raise InvalidRequest.of("media_id", f"{self.media_id!r} is {facts.kind.value}; music needs an audio file")
        loop = facts.duration_ms is None or facts.duration_ms < length
        return AudioSegment(next_id(draft, "s"), 0, length, self.media_id, volume, fade_out_ms=fade_out,
                            loop=loop, label=facts.name)


@dataclass(frozen=True)
class SetVolume:
    """Set a volume (0..1) or make it ``quieter`` / ``louder`` (x0.6 / ÷0.6, at most 1) on
    every audio segment ``target`` names (None: the music)."""

    volume: float | None = None
    change: VolumeChange | None = None
    target: str | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if (self.volume is None) == (self.change is None):
            problems.append(Problem("volume", "give volume or change (quieter, louder), one of them"))
        elif self.volume is not None:
            check_volume(problems, "volume", self.volume)
        else:
            check_choice(problems, "change", self.change, VOLUME_CHANGES)
        check_target(problems, self.target, optional=True)
        raise_problems(problems)

    @property
    def label(self) -> str:
        what = "music" if self.target in (None, "music") else str(self.target)
        if self.volume is not None:
            return f"{what} volume {int(self.volume * 100 + 0.5)}%"
        return f"{what} {self.change}"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        ref = resolve(draft, self.target or "music")
        segments = (ref.segment,) if ref.segment is not None else ref.track.segments
        audio = [s for s in segments if isinstance(s, AudioSegment)]
        if ref.track.kind != TrackKind.AUDIO or not audio:
            raise InvalidRequest.of("target", f"{self.target or 'music'!r} holds no audio; only audio has a volume")
        for segment in audio:
            draft = replace_segment(draft, replace(segment, volume=self._new(segment.volume)))
        return draft

    def _new(self, volume: float) -> float:
        if self.volume is not None:
            return float(self.volume)
        if self.change == "quieter":
            if volume <= 0:
                raise InvalidRequest.of("change", "already silent (0%)")
            return round(volume * VOLUME_STEP, 2)
        if volume >= 1:
            raise InvalidRequest.of("change", "already at full volume (100%)")
        return min(1.0, round(volume / VOLUME_STEP, 2))


@dataclass(frozen=True)
class PlaceMedia:
    """Put one of the session's media on the timeline; its kind decides the track.

    Pictures and clips go on a free video track, audio on a free audio track
    other than the music. ``start_ms`` None: right after the last video segment
    (audio: at 0). ``duration_ms`` None: the clip's or sound's length, 5 s for a
    picture. ``motion`` None: ``zoom_in`` for a picture, ``none`` for a clip.
    A draft with a fixed length (``d``) grows to hold it.
    """

    media_id: str
    start_ms: int | None = None
    duration_ms: int | None = None
    fit: Fit = "cover"
    motion: Motion | None = None
    name: str | None = None  # what the timeline calls the segment (None: the file's name)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.media_id, str) or not self.media_id:
            problems.append(Problem("media_id", "must be a media id"))
        if self.name is not None and not 1 <= len(self.name.strip()) <= MAX_NAME:
            problems.append(Problem("name", f"must be 1 to {MAX_NAME} characters"))
        check_ms(problems, "start_ms", self.start_ms, 0)
        check_ms(problems, "duration_ms", self.duration_ms, 1)
        check_choice(problems, "fit", self.fit, FITS)
        if self.motion is not None:
            check_choice(problems, "motion", self.motion, MOTIONS)
        raise_problems(problems)

    @property
    def label(self) -> str:
        return "add media"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        facts = media_facts(media, self.media_id)
        length = self._length(facts)
        if facts.kind == MediaKind.AUDIO:
            if self.motion is not None:
                raise InvalidRequest.of("motion", "a sound has no motion")
            start = self.start_ms or 0
            loop = facts.duration_ms is not None and facts.duration_ms < length
            audio = AudioSegment(next_id(draft, "s"), start, length, self.media_id, loop=loop,
                                 label=self.name or facts.name)
            return place(room_for(draft, audio), TrackKind.AUDIO, audio, "Audio", "a", skip=music_track(draft))
        if self.start_ms is not None:
            start = self.start_ms
        else:
            start = max((s.end_ms for t in draft.tracks if t.kind == TrackKind.VIDEO for s in t.segments), default=0)
        motion = self.motion or ("zoom_in" if facts.kind == MediaKind.IMAGE else "none")
        video = VideoSegment(next_id(draft, "s"), start, length, self.media_id, fit=self.fit, motion=motion,
                             label=self.name or facts.name)
        return place(room_for(draft, video), TrackKind.VIDEO, video, "Video", "v")

    def _length(self, facts: MediaFacts) -> int:
        if facts.kind == MediaKind.IMAGE:
            return self.duration_ms or IMAGE_MS
        if facts.duration_ms is None and self.duration_ms is None:
            raise InvalidRequest.of("duration_ms", f"the length of {self.media_id!r} is unknown; give duration_ms")
        if facts.kind == MediaKind.VIDEO and facts.duration_ms is not None and self.duration_ms is not None \
                and self.duration_ms > facts.duration_ms:
            raise InvalidRequest.of("duration_ms", f"{self.duration_ms} ms: longer than the clip "
                                                   f"({facts.duration_ms} ms)")
        length = self.duration_ms or facts.duration_ms
        assert length is not None
        return length
