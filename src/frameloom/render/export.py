"""Writers for every export format of SPEC section 5.

All write to a temporary file beside the target and move it into place only
when complete; ``abort`` removes it, so a failed or cancelled export never
leaves a half-written file.

| format | what is written |
|---|---|
| mp4, mov | H.264 (libx264, yuv420p) + AAC; fast start (moov first) |
| mkv | H.264 + AAC in Matroska |
| avi | H.264 + MP3 |
| webm | VP9 (realtime settings) + Opus |
| gif, webp | animated, at most 15 fps, 480 / 640 px long side by default (``render.animation``): streamed |
| jpg, png | one frame: the middle of the timeline |
| mp3, wav, m4a, aac | the audio mix alone |
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Protocol

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image

from frameloom.domain.errors import InvalidRequest
from frameloom.render.audio import RATE
from frameloom.render.encoding import EncodeThread, i420_frame
from frameloom.render.frames import Array, i420_to_rgb

VIDEO_FORMATS = ("mp4", "mov", "webm", "mkv", "avi", "gif", "webp")
STILL_FORMATS = ("jpg", "png")
AUDIO_FORMATS = ("mp3", "wav", "m4a", "aac")
FORMATS = VIDEO_FORMATS + STILL_FORMATS + AUDIO_FORMATS
PIECE = "piece"

# container, video codec, audio codec, container options
_AV: dict[str, tuple[str, str | None, str | None, dict[str, str]]] = {
    "mp4": ("mp4", "libx264", "aac", {"movflags": "+faststart"}),
    "mov": ("mov", "libx264", "aac", {"movflags": "+faststart"}),
    "mkv": ("matroska", "libx264", "aac", {}),
    "avi": ("avi", "libx264", "libmp3lame", {}),
    "webm": ("webm", "libvpx-vp9", "libopus", {}),
    "mp3": ("mp3", None, "libmp3lame", {}),
    "wav": ("wav", None, "pcm_s16le", {}),
    "m4a": ("ipod", None, "aac", {"movflags": "+faststart"}),
    "aac": ("adts", None, "aac", {}),
    # not a user's format: one range of a parallel export, H.264 alone, joined by packet copy (render.chunks)
    PIECE: ("mp4", "libx264", None, {}),
}
X264 = {"preset": "veryfast", "crf": "21",
        # the frames are BT.601 limited range (OpenCV's I420): say so, or players shift colours
        "x264-params": "colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m"}
# FFmpeg's AAC at its default 128 kb/s overshoots a -2.5 dBTP master past -1 dBTP on bright music
# (bgm:upbeat: -0.6 dBTP decoded); at 192 kb/s it stays under -1.7 (docs/loudness.md)
AUDIO_BIT_RATES = {"aac": 192_000}
VP9 = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "32", "b:v": "0"}


def check_format(fmt: str) -> str:
    key = fmt.lower().lstrip(".")
    if key == "jpeg":
        key = "jpg"
    if key not in FORMATS:
        raise InvalidRequest.of("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return key


@dataclass(frozen=True)
class OutputSpec:
    """What to write: ``fps`` frames a second of ``width`` x ``height`` (even px)."""

    format: str
    width: int
    height: int
    fps: int
    duration_ms: int

    @property
    def wants_video(self) -> bool:
        return self.format not in AUDIO_FORMATS

    @property
    def wants_audio(self) -> bool:
        return self.format in AUDIO_FORMATS or _AV.get(self.format, ("", None, None, {}))[2] is not None


class Writer(Protocol):
    def video(self, frame: Array, index: int) -> None: ...
    def audio(self, samples: Array, start: int) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


def _temp_beside(target: Path) -> Path:
    """A new temporary file next to ``target``, with the permissions a plain
    new file would get (mkstemp makes it 0600)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)


class AVWriter:
    """Video and/or audio through FFmpeg (PyAV), streamed frame by frame; the
    encoding runs on a thread of its own, overlapped with the caller's composing.
    ``first_frame`` is the index the file's first frame has in the whole render
    (a parallel export's range starts where the one before it ends)."""

    def __init__(self, target: Path, spec: OutputSpec, first_frame: int = 0) -> None:
        self.target, self.spec, self.first_frame = target, spec, first_frame
        self.temp = _temp_beside(target)
        fmt, vcodec, acodec, options = _AV[spec.format]
        self.container = av.open(str(self.temp), "w", format=fmt, options=options)
        self.vstream: VideoStream | None = None
        if vcodec and spec.wants_video:
            video = self.container.add_stream(vcodec, rate=spec.fps)
            assert isinstance(video, VideoStream)
            video.width, video.height = spec.width, spec.height
            video.pix_fmt = "yuv420p"
            video.options = dict(X264 if vcodec == "libx264" else VP9)
            video.thread_type = "AUTO"
            self.vstream = video
        self.astream: AudioStream | None = None
        if acodec:
            sound = self.container.add_stream(acodec, rate=RATE, layout="stereo")
            assert isinstance(sound, AudioStream)
            sound.time_base = Fraction(1, RATE)
            if acodec in AUDIO_BIT_RATES:
                sound.bit_rate = AUDIO_BIT_RATES[acodec]
            self.astream = sound
        self.afmt = "s16" if acodec == "pcm_s16le" else ("s16p" if acodec == "libmp3lame" else "fltp")
        self.encoder = EncodeThread(self.container)

    def video(self, frame: Array, index: int) -> None:
        if self.vstream is None:
            return
        vf = i420_frame(frame)
        vf.pts = index - self.first_frame
        vf.time_base = Fraction(1, self.spec.fps)
        self.encoder.put((self.vstream, vf))

    def audio(self, samples: Array, start: int) -> None:
        if self.astream is None or len(samples) == 0:
            return
        if self.afmt == "s16":
            data = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        elif self.afmt == "s16p":
            data = (np.clip(samples, -1, 1) * 32767).astype(np.int16).T.copy()
        else:
            data = np.ascontiguousarray(samples.T, dtype=np.float32)
        af = av.AudioFrame.from_ndarray(data, format=self.afmt, layout="stereo")
        af.sample_rate = RATE
        af.pts = start
        af.time_base = Fraction(1, RATE)
        self.encoder.put((self.astream, af))

    def close(self) -> None:
        self.encoder.finish()
        if self.vstream is not None:
            for packet in self.vstream.encode(None):
                self.container.mux(packet)
        if self.astream is not None:
            for packet in self.astream.encode(None):
                self.container.mux(packet)
        self.container.close()
        os.replace(self.temp, self.target)

    def abort(self) -> None:
        try:
            self.encoder.abandon()
            self.container.close()
        finally:
            self.temp.unlink(missing_ok=True)


class StillWriter:
    """One frame (the one at ``pick``) as JPEG or PNG."""

    def __init__(self, target: Path, spec: OutputSpec, pick: int) -> None:
        self.target, self.spec, self.pick = target, spec, pick
        self.frame: Array | None = None

    def video(self, frame: Array, index: int) -> None:
        if index == self.pick or self.frame is None:
            self.frame = frame.copy()

    def audio(self, samples: Array, start: int) -> None:
        return None

    def close(self) -> None:
        if self.frame is None:
            raise InvalidRequest.of("draft", "the timeline has no frame to export")
        temp = _temp_beside(self.target)
        try:
            image = Image.fromarray(i420_to_rgb(self.frame))
            image.save(temp, "JPEG" if self.spec.format == "jpg" else "PNG", quality=92)
            os.replace(temp, self.target)
        finally:
            temp.unlink(missing_ok=True)

    def abort(self) -> None:
        self.frame = None


Preview = Callable[[Sequence[int]], Iterator[Array]]
"""Frames (I420, the output's size) at the given times in ms, in increasing order."""
ANIMATION_MAX_FPS = 15
# GIF stores frame delays in 1/100 s, WebP in ms
DELAY_UNIT_MS = {"gif": 10, "webp": 1}


def animation_step(fps: int) -> int:
    """An animation keeps one frame in this many, for ``ANIMATION_MAX_FPS`` at most (about)."""
    return max(1, round(fps / ANIMATION_MAX_FPS))


def open_writer(target: Path, spec: OutputSpec, preview: Preview | None = None) -> Writer:
    """The writer for ``spec.format``; the target's folder must exist. ``preview`` gives
    frames at chosen times ahead of the render (a GIF's palette is made from a sample)."""
    if spec.format in STILL_FORMATS:
        frames = max(1, spec.duration_ms * spec.fps // 1000)
        return StillWriter(target, spec, frames // 2)
    if spec.format in ("gif", "webp"):
        from frameloom.render.animation import AnimationWriter  # it builds on this module

        return AnimationWriter(target, spec, preview)
    return AVWriter(target, spec)
