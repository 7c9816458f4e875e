"""Parallel exports, the rendering side: a timeline split into frame ranges, each range
rendered to a piece of its own, the pieces and the audio (mixed once) joined by stream copy.

Why the result matches a single render:

- ranges are integer frame indices at the export's fps, so they add up to the
  single render's ``duration * fps // 1000`` frames, and frame ``i`` is composed
  at ``i * 1000 // fps`` ms by the same :func:`compose_frame` (it is a pure
  function of time: a range starting mid-segment, mid-crossfade or mid-title
  draws what a single render draws there; video sources decode forward from
  their in-point up to the range's first frame);
- every piece is H.264 with the single render's encoder settings (``X264``), so
  the pieces share their SPS/PPS; each piece is one encode, so it starts with an
  IDR frame and its GOPs are closed (x264's default): no frame refers across a join;
- the audio is mixed once over the whole timeline through the same :class:`MasteredMix`
  and the same writer a single render uses (one loudness measurement, one gain, the same
  frame-sized reads), into a piece of its own, rendered alongside the video pieces;
- the join copies packets, the video's timestamps moved by each range's start, the audio's as
  they are: nothing is encoded twice.
"""

from __future__ import annotations

import heapq
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import av

from frameloom.domain.errors import Cancelled, InvalidRequest
from frameloom.render.audio import RATE
from frameloom.render.compositor import (
    OpenVisuals,
    SourceMap,
    _clip,
    output_size,
    prepare_texts,
    write_frames,
)
from frameloom.render.export import PIECE, AVWriter, OutputSpec
from frameloom.render.loudness import MasteredMix
from frameloom.timeline import AudioSegment, Draft, TrackKind, duration_ms

SPLIT_FORMATS = {"mp4": "mp4", "mov": "mov"}  # format -> container; H.264 + AAC both
Progress = Callable[[float], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class Frames:
    """What a render of ``draft`` writes: ``count`` frames of ``width`` x ``height`` at ``fps``."""

    width: int
    height: int
    fps: int
    duration_ms: int

    @property
    def count(self) -> int:
        return max(1, self.duration_ms * self.fps // 1000)


def frames_of(draft: Draft, width: int | None, height: int | None, fps: int | None) -> Frames:
    """The frames a single render of ``draft`` writes (the sizes as :func:`render_draft` picks them)."""
    w, h = output_size(draft, width, height)
    length = duration_ms(draft)
    if length <= 0:
        raise InvalidRequest.of("d", "the timeline is empty")
    return Frames(w, h, fps or draft.fps, length)


def plan_ranges(frames: int, fps: int, chunk_s: float) -> list[tuple[int, int]]:
    """``frames`` cut into ranges ``[a, b)`` of about ``chunk_s`` seconds each, or ``[]`` when that
    makes fewer than two (a short export stays one job). Adjacent, in order, covering every frame."""
    per = chunk_s * fps
    count = int(frames // per) if per > 0 else 0
    if count < 2:
        return []
    cuts = [frames * k // count for k in range(count + 1)]
    return list(pairwise(cuts))


@dataclass(frozen=True)
class Piece:
    """A rendered range: its file, its first frame's index and how many frames it holds."""

    path: Path
    start: int
    frames: int
    seconds: float


def render_range(draft: Draft, target: Path, frames: Frames, start: int, end: int, *,
                 media: SourceMap | None = None, progress: Progress | None = None,
                 cancelled: Cancel | None = None) -> Piece:
    """Frames ``[start, end)`` of ``draft``, video only, to ``target`` (MP4). ``progress`` gets 0..1
    of the range; ``cancelled`` is asked before every frame (:class:`Cancelled`, no file)."""
    if not 0 <= start < end <= frames.count:
        raise InvalidRequest.of("range", f"[{start}, {end}) is not within the {frames.count} frames")
    began = time.perf_counter()
    media = media or SourceMap()
    w, h, rate = frames.width, frames.height, frames.fps
    visuals = OpenVisuals(media, w, h)
    writer = AVWriter(target, OutputSpec(PIECE, w, h, rate, frames.duration_ms), first_frame=start)
    write_frames(draft, range(start, end), rate, visuals, prepare_texts(draft, w, h), writer,
                 progress=progress, cancelled=cancelled)
    return Piece(target, start, end - start, time.perf_counter() - began)


def timeline_mix(draft: Draft, media: SourceMap, frames: Frames) -> MasteredMix:
    """The whole timeline's mix, mastered as a single render masters it (the same clips, the same length)."""
    clips = [_clip(s, media) for t in draft.tracks if t.kind == TrackKind.AUDIO
             for s in t.segments if isinstance(s, AudioSegment)]
    return MasteredMix(clips, frames.count * RATE // frames.fps)


def render_audio(draft: Draft, target: Path, frames: Frames, *, media: SourceMap | None = None,
                 cancelled: Cancel | None = None) -> Path:
    """The whole timeline's audio, mixed once, to ``target`` (AAC in M4A) through the single render's
    writer, in its frame-sized reads: the packets a single render muxes, ready to be copied."""
    media = media or SourceMap()
    mix = timeline_mix(draft, media, frames)
    writer = AVWriter(target, OutputSpec("m4a", frames.width, frames.height, frames.fps, frames.duration_ms))
    try:
        for i in range(frames.count):
            if i % 64 == 0 and cancelled is not None and cancelled():
                raise Cancelled("the render was cancelled")
            a0, a1 = i * RATE // frames.fps, (i + 1) * RATE // frames.fps
            writer.audio(mix.read(a0, a1 - a0), a0)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return target


def _video_packets(pieces: Sequence[Piece], fps: int) -> Iterator[tuple[float, av.Packet[Any]]]:
    """Every piece's packets in order, timestamps moved by the piece's start; each with its dts in seconds."""
    for piece in pieces:
        with av.open(str(piece.path)) as source:
            stream = source.streams.video[0]
            tb = stream.time_base
            assert tb is not None
            shift = Fraction(piece.start, fps) / tb
            if shift.denominator != 1:
                raise InvalidRequest.of("pieces", f"a piece's time base {tb} cannot hold frame {piece.start}")
            for packet in source.demux(stream):
                if packet.dts is None or packet.size == 0:
                    continue  # the demuxer's end marker
                packet.pts = None if packet.pts is None else packet.pts + int(shift)
                packet.dts += int(shift)
                yield float(packet.dts * tb), packet


def _audio_packets(path: Path) -> Iterator[tuple[float, av.Packet[Any]]]:
    with av.open(str(path)) as source:
        stream = source.streams.audio[0]
        tb = stream.time_base
        assert tb is not None
        for packet in source.demux(stream):
            if packet.dts is not None and packet.size:
                yield float(packet.dts * tb), packet


def join_pieces(pieces: Sequence[Piece], sound: Path, target: Path, fmt: str, frames: Frames,
                cancelled: Cancel | None = None) -> Path:
    """The pieces (in frame order, adjacent) and the audio (:func:`render_audio`) stream-copied into one
    ``fmt`` file at ``target``, interleaved by time; written beside it and moved into place when complete."""
    expected = 0
    for piece in pieces:
        if piece.start != expected:
            raise InvalidRequest.of("pieces", f"a piece starts at frame {piece.start}, not {expected}")
        expected += piece.frames
    if expected != frames.count:
        raise InvalidRequest.of("pieces", f"the pieces hold {expected} frames, not {frames.count}")
    temp = target.with_name(f".{target.name}.part")
    try:
        with av.open(str(temp), "w", format=SPLIT_FORMATS[fmt], options={"movflags": "+faststart"}) as out:
            with av.open(str(pieces[0].path)) as first, av.open(str(sound)) as audio:
                video = out.add_stream_from_template(first.streams.video[0])
                aac = out.add_stream_from_template(audio.streams.audio[0])
            streams = (video, aac)
            merged = heapq.merge(((t, 0, n, p) for n, (t, p) in enumerate(_video_packets(pieces, frames.fps))),
                                 ((t, 1, n, p) for n, (t, p) in enumerate(_audio_packets(sound))),
                                 key=lambda item: item[:3])
            for count, (_, which, _, packet) in enumerate(merged):
                if count % 64 == 0 and cancelled is not None and cancelled():
                    raise Cancelled("the render was cancelled")
                packet.stream = streams[which]
                out.mux(packet)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
