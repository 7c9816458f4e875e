"""Text to video with the configured engine: shots drawn by diffusers or a remote (OpenAI-compatible) one.

When the request's engine (or ``FRAMELOOM_ENGINE``) is not ``compose``, the
shots come from that engine, then play through the same draft and compositor
as everything else:

1. the film is cut into shots of about 4 s;
2. each shot is drawn: with a diffusers text-to-video pipeline configured
   (``FRAMELOOM_DIFFUSERS_VIDEO_MODEL``), its frames (a clip, resampled to the
   output's rate by the compositor); otherwise one image per shot, seeded
   ``seed + i``, framed wide, medium and close in turn like compose's shots,
   which the camera then moves over (``ken_burns``, ``zoom_in``, ``pan_right``,
   ``zoom_out``, ``pan_left``: the render sources' Ken Burns motions);
3. the shots are written to a scratch folder beside the target (a PNG or an
   MP4 each, so memory holds one at a time) and become video segments joined
   by crossfades, with the music and the title a compose film gets.

Drawing is the first 70 % of the progress, rendering the rest; cancelling
stops between diffusion steps, requests and frames alike.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
from av.video.stream import VideoStream

from frameloom.domain.images import ImageRequest
from frameloom.domain.video import VideoRequest
from frameloom.engines.base import Engine, Hooks
from frameloom.render.compositor import RenderResult, SourceMap, render_draft
from frameloom.render.frames import rgb_to_i420
from frameloom.render.text import TextStyle, render_text
from frameloom.timeline import Draft, TextSegment, Track, TrackKind, Transition, VideoSegment
from frameloom.timeline.model import Motion
from frameloom.video.framing import needs_scrim, place
from frameloom.video.text_to_video import (
    CROSSFADE_MS,
    TITLE_FADE_MS,
    TITLE_SIZE_AT_1080,
    soundtrack,
    video_draft,
)

if TYPE_CHECKING:
    from frameloom.engines.diffusers import DiffusersVideo

SHOT_MS = 4000
FIRST_FADE_MS = 400
MOTIONS: tuple[Motion, ...] = ("ken_burns", "zoom_in", "pan_right", "zoom_out", "pan_left")
FRAMINGS = ("wide shot", "medium shot", "close-up")
CLIP_LONG_SIDE = 512  # px a text-to-video model is asked for (it draws at its own size; the compositor fits)
DRAWING_SHARE = 0.7  # of the progress
Progress = Callable[[float], None]


@dataclass(frozen=True)
class EngineShot:
    """A drawn shot: its file (a still or a clip), how long it plays (ms), the camera motion, a label."""

    path: Path
    duration_ms: int
    motion: Motion
    label: str


def shot_lengths(total_ms: int, shot_ms: int = SHOT_MS) -> list[int]:
    """Shot lengths (ms) of about ``shot_ms`` that add up to ``total_ms``."""
    count = max(1, round(total_ms / shot_ms))
    edges = [round(i * total_ms / count) for i in range(count + 1)]
    return [b - a for a, b in itertools.pairwise(edges)]


def still_shots(request: VideoRequest, engine: Engine, folder: Path, hooks: Hooks) -> list[EngineShot]:
    """One image per shot from ``engine`` (seed ``seed + i``, framed in turn), saved as PNGs in ``folder``."""
    lengths = shot_lengths(round(request.seconds * 1000))
    shots = []
    for i, length in enumerate(lengths):
        framing = FRAMINGS[i % len(FRAMINGS)]
        image_request = ImageRequest(prompt=f"{request.prompt}, {framing}", width=request.width,
                                     height=request.height, seed=(request.seed + i) % 2**32, style=request.style)
        part = Hooks(progress=_part(hooks, i, len(lengths)), cancelled=hooks.cancelled)
        image = engine.generate(image_request, part)[0].image
        path = folder / f"shot-{i}.png"
        image.convert("RGB").save(path)
        shots.append(EngineShot(path, length, MOTIONS[i % len(MOTIONS)], framing))
    return shots


def clip_shots(request: VideoRequest, video: DiffusersVideo, folder: Path, hooks: Hooks) -> list[EngineShot]:
    """One clip per shot from a text-to-video pipeline (seed ``seed + i``), saved as MP4s in ``folder``.
    A model that draws fewer seconds than the shot lasts leaves its last frame held."""
    from frameloom.engines.diffusers.video import MAX_SHOT_SECONDS, ShotRequest

    lengths = shot_lengths(round(request.seconds * 1000))
    width, height = _clip_size(request.width, request.height)
    shots = []
    for i, length in enumerate(lengths):
        part = Hooks(progress=_part(hooks, i, len(lengths)), cancelled=hooks.cancelled)
        shot = video.shot(ShotRequest(prompt=request.prompt, seconds=min(length / 1000, MAX_SHOT_SECONDS),
                                      width=width, height=height, seed=(request.seed + i) % 2**32,
                                      style=request.style), part)
        path = folder / f"shot-{i}.mp4"
        write_clip(path, shot.frames, shot.fps)
        shots.append(EngineShot(path, length, "none", f"clip {i + 1}"))
    return shots


def _clip_size(width: int, height: int) -> tuple[int, int]:
    """The output's aspect with its long side ``CLIP_LONG_SIDE`` px, in multiples of 8 (64 px at least)."""
    k = CLIP_LONG_SIDE / max(width, height)
    return max(64, round(width * k / 8) * 8), max(64, round(height * k / 8) * 8)


def write_clip(path: Path, frames: list[np.ndarray], fps: float) -> None:
    """RGB frames as a near-lossless H.264 MP4 at ``fps`` (the compositor reads it like an upload)."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        assert isinstance(stream, VideoStream)
        h, w = frames[0].shape[:2]
        stream.width, stream.height, stream.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "12"}
        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb_to_i420(rgb[: h - h % 2, : w - w % 2]), format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def _part(hooks: Hooks, index: int, count: int) -> Progress:
    """Progress of shot ``index`` of ``count`` as a share of the drawing part of the whole."""
    return lambda f: hooks.report(DRAWING_SHARE * (index + f) / count)


def engine_draft(request: VideoRequest, shots: list[EngineShot]) -> Draft:
    """The draft that plays ``shots`` in turn (``shot:<i>``), with music and a title when asked."""
    segments, start = [], 0
    for i, shot in enumerate(shots):
        transition = Transition("crossfade", CROSSFADE_MS) if i else Transition("fade", FIRST_FADE_MS)
        segments.append(VideoSegment(id=f"s{i + 1}", start_ms=start, duration_ms=shot.duration_ms, src=f"shot:{i}",
                                     motion=shot.motion, transition=transition, label=shot.label))
        start += shot.duration_ms
    tracks = [Track(id="v1", kind=TrackKind.VIDEO, name="Video", segments=tuple(segments)), *soundtrack(request, start)]
    if request.title is not None:
        duration = min(round(request.title_seconds * 1000), start)
        tracks.append(_title_track(request.title, duration, request.width, request.height, shots[0].path))
    return video_draft(request, start, tracks)


def _title_track(text: str, duration_ms: int, width: int, height: int, first: Path) -> Track:
    """The title inside the safe zone, clear of the middle of the frame, where a generated picture
    puts its subject (nothing tells where it is), with a box over a bright or busy background."""
    size = max(1, round(TITLE_SIZE_AT_1080 * min(width, height) / 1080))
    sprite = render_text(text, TextStyle(size=size, box=(0, 0, 0)), int(width * 0.9))
    middle = (width * 0.25, height * 0.25, width * 0.75, height * 0.75)
    spot = place((sprite.shape[1], sprite.shape[0]), width, height, [middle])
    fade = min(TITLE_FADE_MS, duration_ms // 4)
    title = TextSegment(id="t1", start_ms=0, duration_ms=duration_ms, text=text,
                        size=max(1, round(size * spot.scale)), pos=(spot.cx / width, spot.cy / height),
                        box="#000000" if needs_scrim(_luma(first, spot.box, width, height)) else False,
                        fade_in_ms=fade, fade_out_ms=fade)
    return Track(id="x1", kind=TrackKind.TEXT, name="Title", segments=(title,))


def _luma(path: Path, box: tuple[float, float, float, float], width: int, height: int) -> np.ndarray:
    """The luma (Y) of the first shot under ``box`` (px of the output), for a still; empty for a clip."""
    if path.suffix != ".png":
        return np.zeros(0, np.uint8)
    from PIL import Image

    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB").resize((width - width % 2, height - height % 2)))
    x0, y0, x1, y1 = (max(0, math.floor(v)) for v in box)
    return rgb_to_i420(rgb)[: rgb.shape[0]][y0:y1, x0:x1].ravel()


def engine_video(request: VideoRequest, engine: Engine, target: Path, fmt: str = "mp4",
                 progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Render ``request`` with shots from ``engine`` (its text-to-video pipeline when it has one)."""
    hooks = Hooks(progress=progress, cancelled=cancelled)
    video = _video_pipeline(engine)
    with tempfile.TemporaryDirectory(prefix=".frameloom-shots-", dir=target.parent) as scratch:
        folder = Path(scratch)
        shots = (clip_shots(request, video, folder, hooks) if video is not None
                 else still_shots(request, engine, folder, hooks))
        draft = engine_draft(request, shots)
        media = SourceMap(files={f"shot:{i}": shot.path for i, shot in enumerate(shots)}, music_seed=request.seed)
        rest = (lambda f: hooks.report(DRAWING_SHARE + (1 - DRAWING_SHARE) * f)) if progress else None
        return render_draft(draft, target, fmt, media=media, progress=rest, cancelled=cancelled)


def _video_pipeline(engine: Engine) -> DiffusersVideo | None:
    """The engine's text-to-video pipeline: a diffusers engine's, when a video model is configured."""
    if engine.name != "diffusers":
        return None
    from frameloom.engines.diffusers import DiffusersEngine, DiffusersVideo

    assert isinstance(engine, DiffusersEngine)
    video = DiffusersVideo(engine.config, steps=engine.config.steps)
    return video if video.configured else None

