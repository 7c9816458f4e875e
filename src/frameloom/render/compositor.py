"""The compositor: a draft (timeline) rendered to a file, frame by frame.

Compositing is a pure function of time (``timeline.active_at``): at each
frame every playing video segment, track by track from the bottom up (a
contained picture leaves its letterbox to the tracks below; a segment in its
transition is blended over what is below, the segment it crossfades from
playing on under it), then the text overlays playing then; the audio mix
follows the same clock in chunks of one frame. Memory stays bounded: one
decoded frame per open source, one frame being composed, one audio chunk, and
the prepared overlays.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from frameloom.domain.errors import Cancelled, InvalidRequest
from frameloom.music import music_loop
from frameloom.render.animation import web_defaults
from frameloom.render.audio import RATE, AudioClip, AudioSource, BufferAudio, FileAudio
from frameloom.render.export import OutputSpec, Writer, check_format, open_writer
from frameloom.render.frames import Array, Box, Overlay, black, blend, draw, overlay_from_rgba
from frameloom.render.loudness import MasteredMix
from frameloom.render.sources import Fitted, StillSource, VideoFileSource, VisualSource
from frameloom.render.text import TextStyle, parse_colour, render_text
from frameloom.timeline import (
    Active,
    AudioSegment,
    Draft,
    TextSegment,
    TrackKind,
    VideoSegment,
    active_at,
    duration_ms,
)

Progress = Callable[[float], None]
VisualFactory = Callable[[VideoSegment, int, int], VisualSource]
MAX_WIDTH, MAX_SHORT = 1920, 1080


@dataclass(frozen=True)
class RenderResult:
    path: Path
    format: str
    width: int
    height: int
    fps: int
    duration_ms: int
    frames: int
    bytes: int
    seconds: float


@dataclass
class SourceMap:
    """Where segment sources come from: media ids to files, generated ids to
    in-memory visual factories (animated shots), ``bgm:<style>`` to music."""

    files: Mapping[str, Path] = field(default_factory=dict)
    visuals: Mapping[str, VisualFactory] = field(default_factory=dict)
    music_seed: int = 0

    def open_visual(self, seg: VideoSegment, width: int, height: int) -> VisualSource:
        if seg.src in self.visuals:
            return self.visuals[seg.src](seg, width, height)
        path = self._file(seg.src)
        if _is_image(path):
            return StillSource.open(path, width, height, seg.fit, seg.motion, seg.duration_ms)
        return VideoFileSource(path, width, height, seg.fit, seg.motion, seg.in_ms, seg.duration_ms)

    def open_audio(self, seg: AudioSegment) -> AudioSource:
        if seg.src.startswith("bgm:"):
            return BufferAudio(music_loop(seg.src[4:], self.music_seed), loop=True)
        return FileAudio(self._file(seg.src), loop=seg.loop)

    def _file(self, src: str) -> Path:
        if src not in self.files:
            raise InvalidRequest.of("src", f"unknown media {src!r}")
        return self.files[src]


def _is_image(path: Path) -> bool:
    try:
        with Image.open(path) as img:
            return getattr(img, "n_frames", 1) == 1 or img.format not in ("GIF", "WEBP")
    except Exception:  # Pillow raises many types for "not an image": then it is a video
        return False


def output_size(draft: Draft, width: int | None, height: int | None) -> tuple[int, int]:
    """The export size: the draft's unless given; even, at most 1920 wide and 1080 on the short side."""
    w, h = width or draft.width, height or draft.height
    if width and not height:
        h = round(draft.height * width / draft.width)
    if height and not width:
        w = round(draft.width * height / draft.height)
    w, h = w - w % 2, h - h % 2
    if max(w, h) > MAX_WIDTH or min(w, h) > MAX_SHORT or min(w, h) < 16:
        raise InvalidRequest.of("size", f"{w}x{h}: at most 1920 px long and 1080 px short, at least 16 px")
    return w, h


@dataclass(frozen=True)
class TextLayer:
    seg: TextSegment
    overlay: Overlay

    def opacity(self, t_ms: int) -> float:
        local = t_ms - self.seg.start_ms
        level = 1.0
        if self.seg.fade_in_ms > 0:
            level = min(level, local / self.seg.fade_in_ms)
        if self.seg.fade_out_ms > 0:
            level = min(level, (self.seg.duration_ms - local) / self.seg.fade_out_ms)
        return max(0.0, min(1.0, level))


def prepare_text(seg: TextSegment, draft: Draft, width: int, height: int) -> TextLayer:
    """Render a text segment's sprite once and place it per its ``pos``."""
    k = height / draft.height
    box = seg.box if isinstance(seg.box, str) else ("#000000" if seg.box else None)
    style = TextStyle(size=seg.size * k, colour=parse_colour(seg.color),
                      box=parse_colour(box) if box else None, font=seg.font)
    sprite = render_text(seg.text, style, int(width * 0.9))
    sh, sw = sprite.shape[:2]
    if isinstance(seg.pos, tuple):
        fx, fy = seg.pos
        cx = fx * width if fx <= 1 and fy <= 1 else fx * k
        cy = fy * height if fx <= 1 and fy <= 1 else fy * k
        x, y = cx - sw / 2, cy - sh / 2
    else:
        x = (width - sw) / 2
        y = {"top": height * 0.08, "center": (height - sh) / 2, "bottom": height * 0.92 - sh}[seg.pos]
    return TextLayer(seg, overlay_from_rgba(sprite, int(x), int(y)))


@dataclass(frozen=True)
class Layer:
    """One picture to draw: an I420 frame, the part of it that is picture
    (``area``, even px; None: all of it) and its opacity 0..1."""

    frame: Array
    area: Box | None
    opacity: float

    @property
    def hides_below(self) -> bool:
        return self.area is None and self.opacity >= 1.0


class OpenVisuals:
    """Visual sources by segment id: opened when a segment first plays, closed
    once it and any crossfade out of it are over."""

    def __init__(self, sources: SourceMap, width: int, height: int) -> None:
        self.sources, self.width, self.height = sources, width, height
        self.open: dict[str, tuple[VideoSegment, VisualSource]] = {}

    def layer(self, seg: VideoSegment, local_ms: int, opacity: float = 1.0) -> Layer:
        if seg.id not in self.open:
            self.open[seg.id] = (seg, self.sources.open_visual(seg, self.width, self.height))
        source = self.open[seg.id][1]
        frame = source.frame(local_ms)
        return Layer(frame, source.area(local_ms) if isinstance(source, Fitted) else None, opacity)

    def close_finished(self, t_ms: int, grace_ms: int) -> None:
        for sid, (seg, source) in list(self.open.items()):
            if t_ms >= seg.end_ms + grace_ms:
                source.close()
                del self.open[sid]

    def close(self) -> None:
        for _, source in self.open.values():
            source.close()
        self.open.clear()


def layers(videos: Sequence[Active], visuals: OpenVisuals) -> list[Layer]:
    """The pictures of the playing video segments, bottom first. A segment in
    its transition is drawn at the transition's progress over what is below;
    during a crossfade the segment it comes from plays on right under it.
    Taken from the top down, stopping at the first picture that hides all
    below: what it hides is neither decoded nor warped."""
    out: list[Layer] = []
    for active in reversed(videos):
        seg = active.segment
        assert isinstance(seg, VideoSegment)
        incoming = visuals.layer(seg, active.local_ms, active.blend)
        out.append(incoming)
        if incoming.hides_below:
            break
        if active.outgoing is not None:
            assert isinstance(active.outgoing, VideoSegment)
            outgoing = visuals.layer(active.outgoing, active.outgoing_ms)
            out.append(outgoing)
            if outgoing.hides_below:
                break
    out.reverse()
    return out


class Canvas:
    """The frame being composed, one buffer reused frame after frame (writers
    copy what they keep), over black where nothing is drawn."""

    def __init__(self, width: int, height: int) -> None:
        self.black = black(width, height)
        self.work = np.empty_like(self.black)

    def flatten(self, stack: Sequence[Layer]) -> Array:
        """``stack`` drawn bottom first. Layers under the topmost one that hides
        everything are skipped; when that one is on top its frame is returned as
        it is (read only: it may be a source's own array)."""
        base = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].hides_below), None)
        if base is not None and base == len(stack) - 1:
            return stack[base].frame
        np.copyto(self.work, self.black if base is None else stack[base].frame)
        for layer in stack[0 if base is None else base + 1:]:
            draw(self.work, layer.frame, layer.area, layer.opacity)
        return self.work

    def writable(self, frame: Array) -> Array:
        """``frame`` as the work buffer, to draw on (copied unless it already is)."""
        if frame is not self.work:
            np.copyto(self.work, frame)
        return self.work


def render_draft(draft: Draft, target: Path, fmt: str = "mp4", *, media: SourceMap | None = None,
                 width: int | None = None, height: int | None = None, fps: int | None = None,
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Render ``draft`` to ``target``. ``progress`` gets 0..1 about ten times a
    second of output; ``cancelled`` is asked before every frame and, when it
    says yes, the export stops with :class:`Cancelled` and no file."""
    started = time.perf_counter()
    # 1. what to write
    fmt = check_format(fmt)
    media = media or SourceMap()
    width, height, rate = web_defaults(fmt, draft.width, draft.height, width, height, fps, draft.fps)
    w, h = output_size(draft, width, height)
    duration = duration_ms(draft)
    if duration <= 0:
        raise InvalidRequest.of("d", "the timeline is empty")
    spec = OutputSpec(fmt, w, h, rate, duration)
    frames = max(1, duration * rate // 1000)
    # 2. prepare once: sources on demand, text sprites, audio clips
    visuals = OpenVisuals(media, w, h)
    texts = prepare_texts(draft, w, h)
    clips = [_clip(s, media) for t in draft.tracks if t.kind == TrackKind.AUDIO
             for s in t.segments if isinstance(s, AudioSegment)] if spec.wants_audio else []
    audio = MasteredMix(clips, frames * RATE // rate)  # measures the whole mix first: loudness is global
    writer = open_writer(target, spec, lambda times: preview(draft, media, texts, w, h, times))
    # 3. frame by frame, the encoder on a thread of its own (render.encoding)
    write_frames(draft, range(frames), rate, visuals, texts, writer, video=spec.wants_video,
                 audio=audio if clips or spec.wants_audio else None, progress=progress, cancelled=cancelled)
    return RenderResult(target, fmt, w, h, rate, duration, frames, target.stat().st_size,
                        time.perf_counter() - started)


def prepare_texts(draft: Draft, width: int, height: int) -> dict[str, TextLayer]:
    """Every text segment's sprite, made once for the whole render."""
    return {s.id: prepare_text(s, draft, width, height) for t in draft.tracks if t.kind == TrackKind.TEXT
            for s in t.segments if isinstance(s, TextSegment)}


def write_frames(draft: Draft, indices: range, rate: int, visuals: OpenVisuals, texts: Mapping[str, TextLayer],
                 writer: Writer, *, video: bool = True, audio: MasteredMix | None = None,
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> None:
    """Frames ``indices`` of ``draft`` at ``rate`` composed and handed to ``writer`` (with ``audio``'s
    samples for each frame when given), then the file closed. ``progress`` gets the share of
    ``indices`` done about ten times a second of output; ``cancelled`` is asked before every frame
    (:class:`Cancelled`). On any error the writer aborts, leaving no file; the sources are closed
    either way. One loop for a whole render and for a parallel export's range (``render.chunks``)."""
    grace = max((s.transition.duration_ms for t in draft.tracks for s in t.segments
                 if isinstance(s, VideoSegment) and s.transition), default=0)
    canvas, total, every = Canvas(visuals.width, visuals.height), len(indices), max(1, rate // 10)
    try:
        for done, i in enumerate(indices, 1):
            if cancelled is not None and cancelled():
                raise Cancelled("the render was cancelled")
            t_ms = i * 1000 // rate
            if video:
                writer.video(compose_frame(draft, t_ms, visuals, texts, canvas), i)
                visuals.close_finished(t_ms, grace)
            if audio is not None:
                a0, a1 = i * RATE // rate, (i + 1) * RATE // rate
                writer.audio(audio.read(a0, a1 - a0), a0)
            if progress is not None and ((done - 1) % every == 0 or done == total):
                progress(done / total)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        visuals.close()


def preview(draft: Draft, media: SourceMap, texts: Mapping[str, TextLayer], width: int, height: int,
            times: Sequence[int]) -> Iterator[Array]:
    """Frames at ``times`` (ms, increasing) from sources of their own, before the render
    (a GIF's palette is made from them); each valid until the next is asked for."""
    visuals, canvas = OpenVisuals(media, width, height), Canvas(width, height)
    try:
        for t_ms in times:
            yield compose_frame(draft, t_ms, visuals, texts, canvas)
    finally:
        visuals.close()


def compose_frame(draft: Draft, t_ms: int, visuals: OpenVisuals, texts: Mapping[str, TextLayer],
                  canvas: Canvas) -> Array:
    """The frame at ``t_ms``: the video tracks bottom to top, then text on top.
    The array is valid until the next call (it may be ``canvas``'s buffer)."""
    playing = active_at(draft, t_ms)
    frame = canvas.flatten(layers([a for a in playing if a.track.kind == TrackKind.VIDEO], visuals))
    titles = [texts[a.segment.id] for a in playing if a.track.kind == TrackKind.TEXT]
    shown = [(layer, opacity) for layer in titles if (opacity := layer.opacity(t_ms)) > 0]
    if not shown:
        return frame
    out = canvas.writable(frame)
    for layer, opacity in shown:
        blend(out, layer.overlay, opacity)
    return out


def _clip(seg: AudioSegment, media: SourceMap) -> AudioClip:
    def samples(ms: int) -> int:
        return ms * RATE // 1000

    return AudioClip(media.open_audio(seg), samples(seg.start_ms), samples(seg.duration_ms), seg.volume,
                     samples(seg.fade_in_ms), samples(seg.fade_out_ms))


