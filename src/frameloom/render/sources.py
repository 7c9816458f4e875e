"""Visual sources: what a video segment shows at a time, as I420 frames.

Every source answers ``frame(local_ms)`` for times from its segment's start,
at the output size, and is closed when its segment ends. Fitted sources
(stills and video files) also say which part of the frame their picture
covers (``area``): with ``fit: contain`` the letterbox bars are not theirs, so
lower tracks show there. Stills with no motion
cost nothing per frame (the same array is returned); moving stills are one
warp of three planes; video files decode forward from their in-point and hold
or drop frames to the output frame rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import av
import numpy as np
from PIL import Image

from frameloom.domain.errors import InvalidRequest
from frameloom.render.frames import Array, Box, fit_box, fit_rgb, rgb_to_i420, shown_box, warp

MOTIONS = ("none", "zoom_in", "zoom_out", "pan_left", "pan_right", "ken_burns")
MOTION_ROOM = 1.2  # moving stills are prepared this much larger, so a zoom never upscales


class VisualSource(Protocol):
    def frame(self, local_ms: int) -> Array:
        """The I420 frame shown ``local_ms`` after the segment starts: read only, and valid
        until the next call (a source may hand out one buffer it reuses)."""
        ...

    def close(self) -> None: ...


class Fitted:
    """A source whose picture may not fill the frame (``fit: contain``): ``area``
    says which part of its frames it covers."""

    width: int
    height: int
    motion: str
    duration_ms: int
    room: float
    content: Box | None  # where the picture lies in the prepared image (px); None before the first frame

    def area(self, local_ms: int) -> Box | None:
        """The part (even px) of ``frame(local_ms)`` the picture covers, None for
        all of it; the frame must have been asked for first."""
        if self.content is None:
            return None
        pw, ph = _even(self.width * self.room), _even(self.height * self.room)
        # the warp replicates the prepared image's border pixels outward (a pan may look a little past
        # it), so a side of the picture on that border reaches as far as the frame does
        c = self.content
        reach = Box(c.x0 if c.x0 > 0 else -_FAR, c.y0 if c.y0 > 0 else -_FAR,
                    c.x1 if c.x1 < pw else _FAR, c.y1 if c.y1 < ph else _FAR)
        if self.motion == "none":
            return shown_box(reach, self.width, self.height)
        cam = camera(self.motion, local_ms / self.duration_ms)
        return shown_box(reach, self.width, self.height, cam.zoom / self.room, cam.cx * pw, cam.cy * ph)


_FAR = 1 << 20  # px: beyond any frame


def _even(value: float) -> int:
    """As ``frames.fit_rgb`` rounds the prepared image's sides."""
    return max(2, int(round(value / 2)) * 2)


@dataclass(frozen=True)
class Camera:
    """Where a moving still looks at one moment: zoom (1 = the whole fitted
    frame) and the centre of view as fractions of the prepared image."""

    zoom: float
    cx: float
    cy: float


def camera(motion: str, u: float) -> Camera:
    """The camera for ``motion`` at progress ``u`` in 0..1, eased in and out."""
    e = 0.5 - 0.5 * math.cos(math.pi * min(max(u, 0.0), 1.0))
    if motion == "zoom_in":
        return Camera(1.0 + 0.15 * e, 0.5, 0.5)
    if motion == "zoom_out":
        return Camera(1.15 - 0.15 * e, 0.5, 0.5)
    if motion == "pan_left":
        return Camera(1.12, 0.56 - 0.12 * e, 0.5)
    if motion == "pan_right":
        return Camera(1.12, 0.44 + 0.12 * e, 0.5)
    if motion == "ken_burns":
        return Camera(1.02 + 0.13 * e, 0.46 + 0.08 * e, 0.47 + 0.06 * e)
    return Camera(1.0, 0.5, 0.5)


def check_motion(motion: str) -> str:
    if motion not in MOTIONS:
        raise InvalidRequest.of("motion", f"unknown motion {motion!r}; use one of {', '.join(MOTIONS)}")
    return motion


class StillSource(Fitted):
    """An image (file or RGB array), fitted, optionally moving."""

    def __init__(self, rgb: Array, width: int, height: int, fit: str, motion: str, duration_ms: int) -> None:
        self.width, self.height = width, height
        self.motion = check_motion(motion)
        self.duration_ms = max(duration_ms, 1)
        room = 1.0 if motion == "none" else MOTION_ROOM
        self.prepared = rgb_to_i420(fit_rgb(rgb, width, height, fit, room))
        self.room = room
        self.content = fit_box(rgb.shape[1], rgb.shape[0], width, height, fit, room)

    @classmethod
    def open(cls, path: Path, width: int, height: int, fit: str, motion: str, duration_ms: int) -> StillSource:
        with Image.open(path) as img:
            rgb = np.asarray(img.convert("RGB"))
        return cls(rgb, width, height, fit, motion, duration_ms)

    def frame(self, local_ms: int) -> Array:
        if self.motion == "none":
            return self.prepared
        cam = camera(self.motion, local_ms / self.duration_ms)
        ph, pw = self.prepared.shape[0] * 2 // 3, self.prepared.shape[1]
        return warp(self.prepared, self.width, self.height, cam.zoom / self.room, cam.cx * pw, cam.cy * ph)

    def close(self) -> None:
        return None


class VideoFileSource(Fitted):
    """A video file from ``in_ms``, decoded forward, fitted, at the output fps."""

    def __init__(self, path: Path, width: int, height: int, fit: str, motion: str, in_ms: int,
                 duration_ms: int) -> None:
        self.width, self.height, self.fit = width, height, fit
        self.motion = check_motion(motion)
        self.duration_ms = max(duration_ms, 1)
        self.room = 1.0 if self.motion == "none" else MOTION_ROOM
        self.content = None
        self.container = av.open(str(path))
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = "AUTO"
        self.in_s = in_ms / 1000.0
        if in_ms > 0 and self.stream.time_base is not None:
            self.container.seek(int(self.in_s / float(self.stream.time_base)), stream=self.stream, backward=True)
        self.frames = self.container.decode(self.stream)
        self.current: Array | None = None
        self.current_t = -1.0
        self.pending: av.VideoFrame | None = None
        self.ended = False

    def _advance_to(self, t: float) -> None:
        """Decode until the next frame would start after ``t`` (source seconds)."""
        while not self.ended:
            frame = self.pending if self.pending is not None else next(self.frames, None)
            self.pending = None
            if frame is None:
                self.ended = True
                break
            ft = float(frame.time) if frame.time is not None else self.current_t + 1 / 30
            if ft > t + 1e-6 and self.current is not None:
                self.pending = frame
                break
            if ft <= t + 1e-6 or self.current is None:
                rgb = frame.to_ndarray(format="rgb24")
                self.current = rgb_to_i420(fit_rgb(rgb, self.width, self.height, self.fit, self.room))
                self.content = fit_box(rgb.shape[1], rgb.shape[0], self.width, self.height, self.fit, self.room)
                self.current_t = ft

    def frame(self, local_ms: int) -> Array:
        self._advance_to(self.in_s + local_ms / 1000.0)
        if self.current is None:
            raise InvalidRequest.of("src", "the video has no frames at its in-point")
        if self.motion == "none":
            return self.current
        cam = camera(self.motion, local_ms / self.duration_ms)
        ph, pw = self.current.shape[0] * 2 // 3, self.current.shape[1]
        return warp(self.current, self.width, self.height, cam.zoom / self.room, cam.cx * pw, cam.cy * ph)

    def close(self) -> None:
        self.container.close()
