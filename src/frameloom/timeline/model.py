"""The draft: typed, immutable values for the short-key timeline JSON (SPEC section 5).

Times are integer milliseconds on the draft's clock; sizes and positions are
pixels at the draft's own ``width`` x ``height`` unless a docstring says
fractions. Every value is a frozen dataclass holding tuples, so an edit is a
new draft (``dataclasses.replace``) and an old one can be kept for undo.

Lossless round trip: keys frameloom does not know are kept in ``extra`` (those
inside the object's ``m``) and ``extra_outer`` (those beside ``id``/``s``/``d``/
``m``); ``given`` remembers which known keys the JSON spelled out, so a key
written with its default value (``"fit": "cover"``) is written back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal, TypeAlias, get_args

from frameloom.domain.video import MUSIC_STYLES
from frameloom.timeline.jsonvalue import EMPTY, JsonObject, freeze_object

DRAFT_VERSION = 1
MAX_DURATION_MS = 10 * 60 * 1000
MIN_SIDE_PX = 64
MAX_LONG_SIDE_PX = 1920
MAX_SHORT_SIDE_PX = 1080
DEFAULT_TEXT_SIZE_PX = 64
DEFAULT_COLOR = "#FFFFFF"
BGM_PREFIX = "bgm:"
BGM_STYLES: tuple[str, ...] = MUSIC_STYLES  # the built-in music, defined once in domain.video


class TrackKind(IntEnum):
    """The ``tt`` of a track. Values are the wire codes of SPEC section 5."""

    VIDEO = 0
    AUDIO = 1
    TEXT = 7


Fit = Literal["cover", "contain"]
Motion = Literal["none", "zoom_in", "zoom_out", "pan_left", "pan_right", "ken_burns"]
TransitionKind = Literal["fade", "crossfade"]
NamedPos = Literal["top", "center", "bottom"]
TextPos: TypeAlias = NamedPos | tuple[float, float]

FITS: tuple[Fit, ...] = get_args(Fit)
MOTIONS: tuple[Motion, ...] = get_args(Motion)
TRANSITIONS: tuple[TransitionKind, ...] = get_args(TransitionKind)
NAMED_POSITIONS: tuple[NamedPos, ...] = get_args(NamedPos)


def _no_extra() -> JsonObject:
    return EMPTY


def _frozen_extras(obj: object) -> None:
    """Deep-freeze ``extra`` / ``extra_outer`` in place, whatever mapping was passed."""
    for name in ("extra", "extra_outer"):
        if hasattr(obj, name):
            object.__setattr__(obj, name, freeze_object(getattr(obj, name)))


@dataclass(frozen=True)
class Transition:
    """How a video segment enters, over its first ``duration_ms`` ms.

    ``fade``: in over whatever lies below the track (black when nothing does).
    ``crossfade``: blended from the previous segment of the same track when one
    ends exactly at this segment's start (that one plays on under the blend),
    otherwise from whatever lies below the track.
    """

    kind: TransitionKind
    duration_ms: int
    extra: JsonObject = field(default_factory=_no_extra, hash=False)

    def __post_init__(self) -> None:
        _frozen_extras(self)


@dataclass(frozen=True)
class _SegmentBase:
    """What every segment has: an id unique in the draft, and its place in ms."""

    id: str
    start_ms: int
    duration_ms: int
    extra: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    extra_outer: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        _frozen_extras(self)

    @property
    def end_ms(self) -> int:
        """The first ms after the segment (segments are half-open: ``[start, end)``)."""
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class VideoSegment(_SegmentBase):
    """A picture on a video track. ``src`` is a media or generation id (an image
    or a video file); ``in_ms`` is the source time shown at ``start_ms``."""

    src: str
    in_ms: int = 0
    fit: Fit = "cover"
    motion: Motion = "none"
    transition: Transition | None = None
    label: str | None = None


@dataclass(frozen=True)
class AudioSegment(_SegmentBase):
    """Sound on an audio track. ``src`` is a media id or ``bgm:<style>`` (built-in
    music). ``volume`` is linear gain 0..1; fades are ms at each end; ``loop``
    repeats a source shorter than the segment."""

    src: str
    volume: float = 1.0
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    loop: bool = False
    label: str | None = None

    @property
    def bgm_style(self) -> str | None:
        """The built-in music style for ``bgm:<style>`` sources, else None."""
        return self.src[len(BGM_PREFIX):] if self.src.startswith(BGM_PREFIX) else None


@dataclass(frozen=True)
class TextSegment(_SegmentBase):
    """Words over the picture.

    ``size`` is the font size in px at the draft's height. ``color`` is
    ``#RRGGBB``. ``pos`` is ``top``, ``center``, ``bottom`` or the point ``(x, y)``
    where the centre of the text block sits: fractions of the frame's width and
    height when both are within 0..1, otherwise px from the top-left corner.
    ``box`` is False (no box), True (the renderer's default box) or a ``#RRGGBB``
    box colour. Fades are ms at each end.
    """

    text: str
    font: str | None = None
    size: int = DEFAULT_TEXT_SIZE_PX
    color: str = DEFAULT_COLOR
    pos: TextPos = "center"
    box: bool | str = False
    fade_in_ms: int = 0
    fade_out_ms: int = 0


def is_fraction_point(point: tuple[float, float]) -> bool:
    """True when ``(x, y)`` is read as fractions of the frame (both within 0..1), not px."""
    return 0 <= point[0] <= 1 and 0 <= point[1] <= 1


def point_px(point: tuple[float, float], width: int, height: int) -> tuple[float, float]:
    """A text ``pos`` point in px on a ``width`` x ``height`` frame (fractions are scaled)."""
    if is_fraction_point(point):
        return point[0] * width, point[1] * height
    return float(point[0]), float(point[1])


Segment: TypeAlias = VideoSegment | AudioSegment | TextSegment

SEGMENT_TYPES: dict[TrackKind, type[VideoSegment] | type[AudioSegment] | type[TextSegment]] = {
    TrackKind.VIDEO: VideoSegment,
    TrackKind.AUDIO: AudioSegment,
    TrackKind.TEXT: TextSegment,
}


@dataclass(frozen=True)
class Track:
    """One layer of the timeline; its segments never overlap. Segments keep the
    order of the JSON (edits insert in start order)."""

    id: str
    kind: TrackKind
    name: str | None = None
    segments: tuple[Segment, ...] = ()
    extra: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    extra_outer: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        _frozen_extras(self)


@dataclass(frozen=True)
class Draft:
    """A whole timeline. ``duration_ms`` is the draft's ``d``: the length of the
    output, or None when it follows the content (see ``timeline.duration_ms``).
    ``width`` x ``height`` px, ``fps`` frames per second, ``aspect`` the ``ar``
    label (``"16:9"``) or None. Earlier tracks are drawn below later ones."""

    version: int
    duration_ms: int | None
    width: int
    height: int
    fps: int
    aspect: str | None = None
    tracks: tuple[Track, ...] = ()
    extra: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    extra_outer: JsonObject = field(default_factory=_no_extra, hash=False, kw_only=True)
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        _frozen_extras(self)
