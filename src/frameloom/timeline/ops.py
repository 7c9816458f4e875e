"""Typed edit operations: the one vocabulary for changing a draft.

The agent's tools, the web page and ``POST .../edits`` all build these frozen
values and call :func:`apply_ops`, so their names and fields are a contract.
Each op checks its own fields once, when it is built (``InvalidRequest`` naming
the field), and ``apply(draft, media)`` returns a new, checked draft built with
:mod:`frameloom.timeline.edit`. Times are ms, sizes px, volumes linear 0..1.

A ``target`` is a track id, a segment id, or a reference word ("title", "text",
"music", "video", "last"; see :mod:`frameloom.timeline.targets`). ``media`` is
the session's media (id -> :class:`MediaFacts`); an id outside it is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeAlias

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.timeline._opkit import (
    check_choice,
    check_ms,
    check_target,
    check_text,
    fitted_fades,
    is_clip,
    is_int,
    is_number,
    place,
    raise_problems,
)
from frameloom.timeline.edit import (
    DRAFT_ASPECTS,
    fit_duration,
    move_segment,
    next_id,
    remove_segment,
    remove_track,
    replace_segment,
    set_aspect,
    trim_segment,
)
from frameloom.timeline.errors import DraftInvalid
from frameloom.timeline.media_ops import VOLUME_CHANGES, AddMusic, PlaceMedia, SetVolume, VolumeChange
from frameloom.timeline.model import (
    MAX_DURATION_MS,
    NAMED_POSITIONS,
    Draft,
    NamedPos,
    TextSegment,
    TrackKind,
    VideoSegment,
)
from frameloom.timeline.query import duration_ms as timeline_ms
from frameloom.timeline.summary import seconds_text
from frameloom.timeline.targets import (
    NO_MEDIA,
    REFERENCE_WORDS,
    MediaCatalog,
    MediaFacts,
    Ref,
    music_track,
    one_segment,
    resolve,
)

MAX_OPS = 50
TITLE_MS = 3000  # a title's default length, or up to the end when the timeline is shorter
TITLE_SIZE_PX = 96  # at a 1080 px short side; scaled with it
TITLE_FADE_MS = 300



class EditOp(Protocol):
    """What every op offers: a short human label and a pure ``apply``."""

    @property
    def label(self) -> str: ...

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft: ...


# --- the ops -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddTitle:
    """Words over the picture from ``start_ms`` for ``duration_ms`` (None: 3 s, or up to the
    end of a shorter timeline) at ``pos``, ``size`` px (None: 96 at a 1080 px short side),
    fading in and out. Goes on a free text track (a new one named Title if none is free)."""

    text: str
    start_ms: int = 0
    duration_ms: int | None = None
    pos: NamedPos = "center"
    size: int | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_text(problems, "text", self.text)
        check_ms(problems, "start_ms", self.start_ms, 0, optional=False)
        check_ms(problems, "duration_ms", self.duration_ms, 1)
        check_choice(problems, "pos", self.pos, NAMED_POSITIONS)
        if self.size is not None and (not is_int(self.size) or self.size < 1):
            problems.append(Problem("size", f"{self.size!r}: must be whole px, 1 or more"))
        raise_problems(problems)

    @property
    def label(self) -> str:
        return "add title"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        length = timeline_ms(draft)
        left = length - self.start_ms
        duration = self.duration_ms or (min(TITLE_MS, left) if left > 0 else TITLE_MS)
        size = self.size or max(1, round(TITLE_SIZE_PX * min(draft.width, draft.height) / 1080))
        fade = min(TITLE_FADE_MS, duration // 4)
        segment = TextSegment(next_id(draft, "s"), self.start_ms, duration, self.text.strip(), size=size,
                              pos=self.pos, fade_in_ms=fade, fade_out_ms=fade)
        return place(draft, TrackKind.TEXT, segment, "Title", "x")


@dataclass(frozen=True)
class SetTitle:
    """Change a title (``target`` None: the last one): its text, start, length or position.
    Fades shrink to fit a shorter title."""

    target: str | None = None
    text: str | None = None
    start_ms: int | None = None
    duration_ms: int | None = None
    pos: NamedPos | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_target(problems, self.target, optional=True)
        if self.text is not None:
            check_text(problems, "text", self.text)
        check_ms(problems, "start_ms", self.start_ms, 0)
        check_ms(problems, "duration_ms", self.duration_ms, 1)
        if self.pos is not None:
            check_choice(problems, "pos", self.pos, NAMED_POSITIONS)
        if (self.text, self.start_ms, self.duration_ms, self.pos) == (None, None, None, None):
            problems.append(Problem("text", "nothing to change: give text, start_ms, duration_ms or pos"))
        raise_problems(problems)

    @property
    def label(self) -> str:
        return "edit title"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        target = self.target or "title"
        _, segment = one_segment(resolve(draft, target), target)
        if not isinstance(segment, TextSegment):
            raise InvalidRequest.of("target", f"{target!r} is not a title (segment {segment.id!r} is not text)")
        changed = replace(
            segment,
            text=self.text.strip() if self.text is not None else segment.text,
            pos=self.pos if self.pos is not None else segment.pos,
            start_ms=self.start_ms if self.start_ms is not None else segment.start_ms,
        )
        if self.duration_ms is not None:
            changed = fitted_fades(changed, self.duration_ms)
        return replace_segment(draft, changed)


@dataclass(frozen=True)
class SetAspect:
    """The frame as ``aspect`` (16:9, 9:16, 1:1, 4:3, 3:4) with a 1080 px short side
    (``timeline.set_aspect``: titles keep their place and relative size)."""

    aspect: str

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_choice(problems, "aspect", self.aspect, DRAFT_ASPECTS)
        raise_problems(problems)

    @property
    def label(self) -> str:
        return f"set aspect {self.aspect}"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        return set_aspect(draft, self.aspect)


@dataclass(frozen=True)
class SetDuration:
    """Fit the timeline to ``seconds``, or make it ``delta_s`` seconds longer (or shorter
    when negative): what reached the end (the last shot, the music) stretches or is
    cut; what starts after a shorter end goes (``timeline.fit_duration``)."""

    seconds: float | None = None
    delta_s: float | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        limit = MAX_DURATION_MS // 1000
        if (self.seconds is None) == (self.delta_s is None):
            problems.append(Problem("seconds", "give seconds or delta_s, one of them"))
        elif self.seconds is not None and (not is_number(self.seconds) or not 0 < self.seconds <= limit):
            problems.append(Problem("seconds", f"{self.seconds!r}: must be above 0 and at most {limit}"))
        elif self.delta_s is not None and (not is_number(self.delta_s) or self.delta_s == 0):
            problems.append(Problem("delta_s", f"{self.delta_s!r}: must be a non-zero number of seconds"))
        raise_problems(problems)

    @property
    def label(self) -> str:
        if self.seconds is not None:
            return f"set duration {seconds_text(round(self.seconds * 1000))}s"
        assert self.delta_s is not None
        return f"{'longer' if self.delta_s > 0 else 'shorter'} by {seconds_text(round(abs(self.delta_s) * 1000))}s"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        field = "seconds" if self.seconds is not None else "delta_s"
        current = timeline_ms(draft)
        if current <= 0:
            raise InvalidRequest.of(field, "the timeline is empty: add something before setting its length")
        if self.seconds is not None:
            new = round(self.seconds * 1000)
        else:
            assert self.delta_s is not None
            new = current + round(self.delta_s * 1000)
        if not 1 <= new <= MAX_DURATION_MS:
            raise InvalidRequest.of(field, f"the timeline would be {new / 1000:g} s; it must be above 0 and at "
                                           f"most {MAX_DURATION_MS // 1000} s (it is {current / 1000:g} s)")
        return fit_duration(draft, new)


@dataclass(frozen=True)
class Remove:
    """Remove a track, or a segment (its track goes too when nothing is left on it)."""

    target: str

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_target(problems, self.target)
        raise_problems(problems)

    @property
    def label(self) -> str:
        return f"remove {self.target}"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        ref = resolve(draft, self.target)
        if ref.segment is None or len(ref.track.segments) == 1:
            return remove_track(draft, ref.track.id)
        return remove_segment(draft, ref.segment.id)


@dataclass(frozen=True)
class Move:
    """Start a segment at ``start_ms``, same length, same track."""

    target: str
    start_ms: int

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_target(problems, self.target)
        check_ms(problems, "start_ms", self.start_ms, 0, optional=False)
        raise_problems(problems)

    @property
    def label(self) -> str:
        return f"move {self.target} to {seconds_text(self.start_ms)}s"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        _, segment = one_segment(resolve(draft, self.target), self.target)
        return move_segment(draft, segment.id, self.start_ms)


@dataclass(frozen=True)
class Trim:
    """Cut a segment to ``[start_ms, end_ms)`` on the timeline (None: keep that end).

    Only cuts: the new span lies within the old one. A clip's source in-point
    moves with its start; pictures, audio and text have none, so they just start later.
    """

    target: str
    start_ms: int | None = None
    end_ms: int | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        check_target(problems, self.target)
        check_ms(problems, "start_ms", self.start_ms, 0)
        check_ms(problems, "end_ms", self.end_ms, 1)
        if self.start_ms is None and self.end_ms is None:
            problems.append(Problem("end_ms", "give start_ms, end_ms or both"))
        elif self.start_ms is not None and self.end_ms is not None and self.start_ms >= self.end_ms:
            problems.append(Problem("end_ms", f"{self.end_ms} ms: must be after start_ms ({self.start_ms} ms)"))
        raise_problems(problems)

    @property
    def label(self) -> str:
        if self.start_ms is None:
            return f"trim {self.target} end to {seconds_text(self.end_ms or 0)}s"
        if self.end_ms is None:
            return f"trim {self.target} start to {seconds_text(self.start_ms)}s"
        return f"trim {self.target} to {seconds_text(self.start_ms)}-{seconds_text(self.end_ms)}s"

    def apply(self, draft: Draft, media: MediaCatalog = NO_MEDIA) -> Draft:
        _, segment = one_segment(resolve(draft, self.target), self.target)
        start = self.start_ms if self.start_ms is not None else segment.start_ms
        end = self.end_ms if self.end_ms is not None else segment.end_ms
        span = f"{segment.id!r} spans {segment.start_ms}-{segment.end_ms} ms; trim only cuts"
        if not segment.start_ms <= start < segment.end_ms:
            raise InvalidRequest.of("start_ms", f"{start} ms: outside the segment ({span})")
        if not start < end <= segment.end_ms:
            raise InvalidRequest.of("end_ms", f"{end} ms: outside the segment ({span})")
        cut = start - segment.start_ms
        in_ms = segment.in_ms + cut if isinstance(segment, VideoSegment) and is_clip(segment, media) else None
        draft = trim_segment(draft, segment.id, in_ms=in_ms, duration_ms=end - start)
        return move_segment(draft, segment.id, start) if cut else draft


Op: TypeAlias = AddTitle | SetTitle | AddMusic | SetVolume | SetAspect | SetDuration | Remove | Move | Trim | PlaceMedia


def apply_ops(draft: Draft, ops: Sequence[EditOp], media: MediaCatalog = NO_MEDIA) -> tuple[Draft, str]:
    """Apply ``ops`` in order as one change; the result and the labels joined (``"add title; add music"``).

    All or nothing: the first op that fails raises and nothing is kept. With
    several ops, a field of op *i* is reported as ``ops[i].<field>``; a
    ``DraftInvalid`` keeps its JSON paths into the draft.
    """
    if not ops:
        raise InvalidRequest.of("ops", "give at least one edit")
    if len(ops) > MAX_OPS:
        raise InvalidRequest.of("ops", f"{len(ops)} edits; at most {MAX_OPS} at once")
    for i, op in enumerate(ops):
        try:
            draft = op.apply(draft, media)
        except DraftInvalid:
            raise
        except InvalidRequest as exc:
            if len(ops) == 1:
                raise
            raise InvalidRequest([Problem(f"ops[{i}].{p.field}", p.problem) for p in exc.problems]) from None
    return draft, "; ".join(op.label for op in ops)


__all__ = [
    "MAX_OPS",
    "NO_MEDIA",
    "REFERENCE_WORDS",
    "VOLUME_CHANGES",
    "AddMusic",
    "AddTitle",
    "EditOp",
    "MediaCatalog",
    "MediaFacts",
    "Move",
    "Op",
    "PlaceMedia",
    "Ref",
    "Remove",
    "SetAspect",
    "SetDuration",
    "SetTitle",
    "SetVolume",
    "Trim",
    "VolumeChange",
    "apply_ops",
    "music_track",
    "resolve",
]
