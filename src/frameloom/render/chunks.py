"""Parallel exports, the rendering side: a timeline split into frame ranges, each range
rendered to a piece of its own, the pieces joined by stream copy with the audio mixed once.

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
- the join copies packets, their timestamps moved by the range's start, and adds
  the audio mixed once over the whole timeline through the same
  :class:`MasteredMix` a single render uses (one loudness measurement, one gain),
  encoded frame by frame as a single render encodes it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from frameloom.domain.errors import Cancelled, InvalidRequest
from frameloom.render.audio import RATE
from frameloom.render.compositor import (
    Canvas,
    OpenVisuals,
    SourceMap,
    _clip,
    compose_frame,
    output_size,
    prepare_text,
)
from frameloom.render.encoding import EncodeThread
from frameloom.render.export import X264
from frameloom.render.frames import Array
from frameloom.render.loudness import MasteredMix
from frameloom.timeline import AudioSegment, Draft, TextSegment, TrackKind, VideoSegment, duration_ms

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


class _PieceWriter:
    """H.264 alone in MP4, with the single render's settings; frames numbered from the range's start."""

    def __init__(self, target: Path, frames: Frames, start: int) -> None:
        self.target, self.start = target, start
        self.temp = target.with_name(f".{target.name}.part")
        self.container = av.open(str(self.temp), "w", format="mp4")
        stream = self.container.add_stream("libx264", rate=frames.fps)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = frames.width, frames.height, "yuv420p"
        stream.options = dict(X264)
        stream.thread_type = "AUTO"
        self.stream, self.fps = stream, frames.fps
        self.encoder = EncodeThread(self.container)

    def video(self, frame: Array, index: int) -> None:
        vf = av.VideoFrame.from_ndarray(frame, format="yuv420p")
        vf.pts = index - self.start
        vf.time_base = Fraction(1, self.fps)
        self.encoder.put((self.stream, vf))

    def close(self) -> None:
        self.encoder.finish()
        for packet in self.stream.encode(None):
            self.container.mux(packet)
        self.container.close()
        os.replace(self.temp, self.target)

    def abort(self) -> None:
        try:
            self.encoder.abandon()
            self.container.close()
        finally:
            self.temp.unlink(missing_ok=True)


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
    grace = max((s.transition.duration_ms for t in draft.tracks for s in t.segments
                 if isinstance(s, VideoSegment) and s.transition), default=0)
    texts = {s.id: prepare_text(s, draft, w, h) for t in draft.tracks if t.kind == TrackKind.TEXT
             for s in t.segments if isinstance(s, TextSegment)}
    writer, canvas, count = _PieceWriter(target, frames, start), Canvas(w, h), end - start
    try:
        for i in range(start, end):
            if cancelled is not None and cancelled():
                raise Cancelled("the render was cancelled")
            t_ms = i * 1000 // rate
            writer.video(compose_frame(draft, t_ms, visuals, texts, canvas), i)
            visuals.close_finished(t_ms, grace)
            done = i - start + 1
            if progress is not None and (done % max(1, rate // 10) == 0 or done == count):
                progress(done / count)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        visuals.close()
    return Piece(target, start, count, time.perf_counter() - began)


def timeline_mix(draft: Draft, media: SourceMap, frames: Frames) -> MasteredMix:
    """The whole timeline's mix, mastered as a single render masters it (the same clips, the same length)."""
    clips = [_clip(s, media) for t in draft.tracks if t.kind == TrackKind.AUDIO
             for s in t.segments if isinstance(s, AudioSegment)]
    return MasteredMix(clips, frames.count * RATE // frames.fps)


class _Audio:
    """AAC of the mix, encoded in the single render's frame-sized reads and muxed as it goes."""

    def __init__(self, container: av.container.OutputContainer, mix: MasteredMix, fps: int, frames: int) -> None:
        stream = container.add_stream("aac", rate=RATE, layout="stereo")
        assert isinstance(stream, AudioStream)
        stream.time_base = Fraction(1, RATE)
        self.container, self.stream, self.mix, self.fps, self.frames = container, stream, mix, fps, frames
        self.next = 0  # the video frame whose audio comes next

    def until(self, seconds: float) -> None:
        """Mux the audio of every frame that starts at or before ``seconds``."""
        while self.next < self.frames and self.next / self.fps <= seconds:
            a0, a1 = self.next * RATE // self.fps, (self.next + 1) * RATE // self.fps
            samples = self.mix.read(a0, a1 - a0)
            if len(samples):
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T, dtype=np.float32), format="fltp",
                                                layout="stereo")
                af.sample_rate, af.pts, af.time_base = RATE, a0, Fraction(1, RATE)
                for packet in self.stream.encode(af):
                    self.container.mux(packet)
            self.next += 1

    def close(self) -> None:
        self.until(float("inf"))
        for packet in self.stream.encode(None):
            self.container.mux(packet)


def _packets(pieces: Sequence[Piece], fps: int) -> Iterator[tuple[av.Packet[Any], float]]:
    """Every piece's packets in order, timestamps moved by the piece's start; with each, its dts in seconds."""
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
                yield packet, float(packet.dts * tb)


def join_pieces(pieces: Sequence[Piece], target: Path, fmt: str, mix: MasteredMix, frames: Frames,
                cancelled: Cancel | None = None) -> Path:
    """The pieces (in frame order, adjacent) stream-copied into one ``fmt`` file at ``target`` with
    the mix's AAC; written beside ``target`` and moved into place when complete."""
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
            with av.open(str(pieces[0].path)) as first:
                video = out.add_stream_from_template(first.streams.video[0])
            audio = _Audio(out, mix, frames.fps, frames.count)
            for n, (packet, at) in enumerate(_packets(pieces, frames.fps)):
                if n % 64 == 0 and cancelled is not None and cancelled():
                    raise Cancelled("the render was cancelled")
                audio.until(at)
                packet.stream = video
                out.mux(packet)
            audio.close()
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
