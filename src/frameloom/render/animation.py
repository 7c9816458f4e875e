"""Animated GIF and WebP for the web, streamed through FFmpeg (PyAV) frame by frame.

Defaults (``web_defaults``): without a size in the request the long side is
480 px (GIF) or 640 px (WebP), the other side in proportion; the frame rate
is at most 15 fps. The compositor then draws at that size and rate, so a
1080p timeline costs a 480 px GIF's work, not a 1080p one's.

GIF: one palette for the whole file (255 colours from frames sampled across
the timeline, and one transparent entry), each frame mapped to it through a
64^3 lookup table with a 4x4 ordered dither (a pixel that does not change
keeps its index, so differencing still finds it unchanged). FFmpeg's GIF
encoder writes only the rectangle that changed since the previous frame, with
unchanged pixels inside it transparent. WebP: libwebp's animation encoder
(lossy, quality 75), which keeps sub-frame rectangles and blending itself.
Frames go to the encoder as they come; the writer holds one frame at a time.

Frame delays are exact in the format's unit (GIF 1/100 s, WebP 1 ms): frame
k ends at its rounded end time, so the delays add up to the timeline.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.stream import VideoStream
from PIL import Image

from frameloom.domain.errors import InvalidRequest
from frameloom.render.encoding import i420_frame
from frameloom.render.export import (
    ANIMATION_MAX_FPS,
    DELAY_UNIT_MS,
    OutputSpec,
    Preview,
    _temp_beside,
    animation_step,
)
from frameloom.render.frames import Array, i420_to_rgb

LONG_SIDE = {"gif": 480, "webp": 640}  # px, when the request names no size
PALETTE_SAMPLES = 8  # frames spread over the timeline for the GIF's palette
TRANSPARENT = 255  # the palette index FFmpeg's GIF encoder uses for unchanged pixels
WEBP_OPTIONS = {"quality": "75", "compression_level": "1", "lossless": "0"}
_BAYER = (np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.int16) - 7.5) * 0.8


def web_defaults(fmt: str, draft_width: int, draft_height: int, width: int | None, height: int | None,
                 fps: int | None, draft_fps: int) -> tuple[int | None, int | None, int]:
    """The size and rate to draw an export at: for gif and webp, the long side ``LONG_SIDE`` px
    unless the request gives a width or height (never larger than the draft), and at most
    ``ANIMATION_MAX_FPS``; other formats unchanged (the rate: the request's, else the draft's)."""
    rate = fps or draft_fps
    if fmt not in LONG_SIDE:
        return width, height, rate
    if width is None and height is None:
        side = min(LONG_SIDE[fmt], max(draft_width, draft_height))
        if draft_width >= draft_height:
            width = side
        else:
            height = side
    return width, height, min(rate, ANIMATION_MAX_FPS)


@dataclass(frozen=True)
class Palette:
    """A GIF palette: ``argb`` ``(256, 4)`` uint8 (PyAV's pal8 order; entry 255 transparent) and
    ``lut``, the nearest entry for each colour on a 64^3 grid (index: r >> 2 << 12 | g >> 2 << 6 | b >> 2)."""

    argb: Array
    lut: Array

    @property
    def colours(self) -> int:
        return int((self.argb[:, 0] > 0).sum())

    def indices(self, rgb: Array) -> Array:
        """``(H, W)`` palette indices of an ``(H, W, 3)`` uint8 image, ordered-dithered."""
        h, w = rgb.shape[:2]
        dither = np.tile(_BAYER, (h // 4 + 1, w // 4 + 1))[:h, :w, None]
        q = (np.clip(rgb + dither, 0, 255).astype(np.uint16) >> 2).astype(np.uint32)
        out: Array = self.lut[(q[..., 0] << 12) | (q[..., 1] << 6) | q[..., 2]]
        return out


def shared_palette(frames: Sequence[Array]) -> Palette:
    """255 colours for I420 ``frames`` (a sample of the clip), by median cut over a mosaic of them."""
    if not frames:
        raise InvalidRequest.of("draft", "the timeline has no frame to export")
    small = [Image.fromarray(i420_to_rgb(f)).reduce(2) for f in frames]
    mosaic = Image.new("RGB", (small[0].width, small[0].height * len(small)))
    for i, image in enumerate(small):
        mosaic.paste(image, (0, i * small[0].height))
    quantized = mosaic.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    rgb = np.array(quantized.getpalette() or [], np.uint8).reshape(-1, 3)[:255]
    argb = np.zeros((256, 4), np.uint8)
    argb[: len(rgb), 0] = 255
    argb[: len(rgb), 1:] = rgb
    argb[len(rgb):255, 1:] = rgb[-1] if len(rgb) else 0  # unused entries: a copy, never the transparent one
    argb[len(rgb):255, 0] = 255
    return Palette(argb, _lookup(quantized))


def _lookup(quantized: Image.Image) -> Array:
    """The nearest palette entry of every colour on the 64^3 grid, by Pillow's own mapping."""
    grid = np.arange(64, dtype=np.uint8) * 4 + 2
    r, g, b = np.meshgrid(grid, grid, grid, indexing="ij")
    cube = Image.fromarray(np.stack([r, g, b], axis=-1).reshape(512, 512, 3))
    mapped = cube.quantize(palette=quantized, dither=Image.Dither.NONE)
    return np.asarray(mapped, np.uint8).reshape(-1)


def sample_times(duration_ms: int, fps: int, count: int = PALETTE_SAMPLES) -> list[int]:
    """``count`` frame times (ms) spread evenly over the timeline, first and last frame included."""
    frames = max(1, duration_ms * fps // 1000)
    picks = sorted({round(i * (frames - 1) / max(count - 1, 1)) for i in range(count)})
    return [k * 1000 // fps for k in picks]


class AnimationWriter:
    """An animated GIF or WebP, written frame by frame as the compositor draws them.

    ``preview`` gives the frames the GIF's palette is made from (required for gif).
    """

    def __init__(self, target: Path, spec: OutputSpec, preview: Preview | None = None) -> None:
        self.target, self.spec = target, spec
        self.step = animation_step(spec.fps)
        self.frames = max(1, spec.duration_ms * spec.fps // 1000)
        self.unit = DELAY_UNIT_MS[spec.format]
        self.palette: Palette | None = None
        if spec.format == "gif":
            if preview is None:
                raise ValueError("a GIF needs the preview of its frames for its palette")
            # copies: a preview frame is valid only until the next one
            self.palette = shared_palette([f.copy() for f in preview(sample_times(spec.duration_ms, spec.fps))])
        self.temp = _temp_beside(target)
        options = {"loop": "0"}
        if spec.format == "gif":  # the muxer would repeat the previous delay
            last = (self.frames - 1) // self.step
            options["final_delay"] = str(self._end(last) - (self._end(last - 1) if last else 0))
        self.container = av.open(str(self.temp), "w", format=spec.format, options=options)
        self.stream = self._stream()
        self.written = 0

    def _stream(self) -> VideoStream:
        stream = self.container.add_stream("gif" if self.palette else "libwebp_anim", rate=self.spec.fps)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height = self.spec.width, self.spec.height
        stream.pix_fmt = "pal8" if self.palette else "yuv420p"
        if self.palette is None:
            stream.options = dict(WEBP_OPTIONS)
        stream.time_base = Fraction(self.unit, 1000)
        return stream

    def _end(self, k: int) -> int:
        """Where kept frame ``k`` ends, in delay units, rounded (so the delays add up to the timeline)."""
        return round(min((k + 1) * self.step, self.frames) * 1000 / self.spec.fps / self.unit)

    def video(self, frame: Array, index: int) -> None:
        if index % self.step:
            return
        k = index // self.step
        if self.palette is not None:
            pal8 = (self.palette.indices(i420_to_rgb(frame)), self.palette.argb)
            vf = av.VideoFrame.from_ndarray(pal8, format="pal8")  # type: ignore[arg-type]  # the stub lacks pal8's pair
        else:
            vf = i420_frame(frame)
        start = self._end(k - 1) if k > 0 else 0
        vf.pts, vf.time_base = start, Fraction(self.unit, 1000)
        vf.duration = self._end(k) - start
        for packet in self.stream.encode(vf):
            self.container.mux(packet)
        self.written += 1

    def audio(self, samples: Array, start: int) -> None:
        return None

    def close(self) -> None:
        if not self.written:
            self.abort()
            raise InvalidRequest.of("draft", "the timeline has no frame to export")
        try:
            for packet in self.stream.encode(None):
                self.container.mux(packet)
            self.container.close()
            if self.spec.format == "webp":
                _set_last_webp_delay(self.temp, self._end(self.written - 1))
            os.replace(self.temp, self.target)
        finally:
            self.temp.unlink(missing_ok=True)

    def abort(self) -> None:
        try:
            self.container.close()
        finally:
            self.temp.unlink(missing_ok=True)


def _set_last_webp_delay(path: Path, total_ms: int) -> None:
    """Make an animated WebP's delays add up to ``total_ms``: libwebp's encoder merges identical
    frames into the one before, and gives the last frame one frame period (rounded down) even when
    it stands for several; the last ANMF chunk's 24-bit duration gets the rest."""
    with path.open("r+b") as f:
        data = f.read()
        pos, frames = 12, []  # after "RIFF", the size and "WEBP"
        while pos + 8 <= len(data):
            size = int.from_bytes(data[pos + 4:pos + 8], "little")
            if data[pos:pos + 4] == b"ANMF":
                frames.append(pos)
            pos += 8 + size + (size & 1)
        if not frames:
            raise ValueError(f"{path.name}: no animation frame")
        # in each ANMF: the chunk header, then x, y, width - 1, height - 1 (3 bytes each), then the duration
        before = sum(int.from_bytes(data[p + 20:p + 23], "little") for p in frames[:-1])
        f.seek(frames[-1] + 20)
        f.write((total_ms - before).to_bytes(3, "little"))
