"""Frames as I420 (planar YUV 4:2:0, BT.601 limited range), the encoder's own format.

The compositor works in I420 from source to encoder: a frame is one
``(H * 3 // 2, W) uint8`` array (Y plane, then U, then V), exactly what
``av.VideoFrame.from_ndarray(..., format="yuv420p")`` takes. Warping and
blending three planes of 1.5 bytes a pixel costs half of RGB work, and no
per-frame colour conversion is left before the encoder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

Array = np.ndarray
BLACK_Y, NEUTRAL_UV = 16, 128


@dataclass(frozen=True)
class Planes:
    """Views of the three planes of an I420 frame (no copies)."""

    y: Array
    u: Array
    v: Array


def planes(frame: Array) -> Planes:
    h = frame.shape[0] * 2 // 3
    w = frame.shape[1]
    chroma = frame[h:].reshape(2, h // 2, w // 2)
    return Planes(frame[:h], chroma[0], chroma[1])


def black(width: int, height: int) -> Array:
    frame = np.empty((height * 3 // 2, width), np.uint8)
    frame[:height] = BLACK_Y
    frame[height:] = NEUTRAL_UV
    return frame


def rgb_to_i420(rgb: Array) -> Array:
    """``(H, W, 3|4) uint8`` RGB(A) with even sides to an I420 frame."""
    code = cv2.COLOR_RGBA2YUV_I420 if rgb.shape[2] == 4 else cv2.COLOR_RGB2YUV_I420
    out: Array = cv2.cvtColor(np.ascontiguousarray(rgb), code)
    return out


def i420_to_rgb(frame: Array) -> Array:
    out: Array = cv2.cvtColor(frame, cv2.COLOR_YUV2RGB_I420)
    return out


@dataclass(frozen=True)
class Box:
    """A rectangle of a frame in px, half-open: columns ``x0 .. x1 - 1``, rows ``y0 .. y1 - 1``."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def empty(self) -> bool:
        return self.x1 <= self.x0 or self.y1 <= self.y0


@dataclass(frozen=True)
class _Placement:
    """An image scaled to ``w`` x ``h`` px with its top-left corner at (x, y) in a ``box_w`` x ``box_h`` canvas."""

    box_w: int
    box_h: int
    w: int
    h: int
    x: int
    y: int


def _place(w: int, h: int, width: int, height: int, fit: str, margin: float) -> _Placement:
    box_w, box_h = _even(width * margin), _even(height * margin)
    scale = max(box_w / w, box_h / h) if fit == "cover" else min(box_w / w, box_h / h)
    new_w, new_h = max(2, round(w * scale)), max(2, round(h * scale))
    return _Placement(box_w, box_h, new_w, new_h, (box_w - new_w) // 2, (box_h - new_h) // 2)


def fit_box(w: int, h: int, width: int, height: int, fit: str, margin: float = 1.0) -> Box:
    """Where ``fit_rgb`` puts a ``w`` x ``h`` image in its canvas, clipped to the canvas (px)."""
    p = _place(w, h, width, height, fit, margin)
    return Box(max(0, p.x), max(0, p.y), min(p.box_w, p.x + p.w), min(p.box_h, p.y + p.h))


def fit_rgb(rgb: Array, width: int, height: int, fit: str, margin: float = 1.0) -> Array:
    """Scale an image to cover (crop) or be contained in (letterbox, black) a
    ``width * margin`` x ``height * margin`` box; margin > 1 leaves room to move.
    ``fit_box`` says where the picture lands."""
    p = _place(rgb.shape[1], rgb.shape[0], width, height, fit, margin)
    interp = cv2.INTER_AREA if p.w < rgb.shape[1] else cv2.INTER_CUBIC
    scaled = cv2.resize(rgb, (p.w, p.h), interpolation=interp)
    canvas = np.zeros((p.box_h, p.box_w, 3), np.uint8)
    sx0, sy0 = max(0, -p.x), max(0, -p.y)
    dx0, dy0 = max(0, p.x), max(0, p.y)
    cw, ch = min(p.w - sx0, p.box_w - dx0), min(p.h - sy0, p.box_h - dy0)
    canvas[dy0:dy0 + ch, dx0:dx0 + cw] = scaled[sy0:sy0 + ch, sx0:sx0 + cw, :3]
    return canvas


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def warp(source: Array, width: int, height: int, scale: float, cx: float, cy: float) -> Array:
    """An I420 frame of ``width`` x ``height`` showing ``source`` (I420, any
    size) scaled by ``scale`` about the source point (cx, cy) in px, which
    lands at the frame's centre. Subpixel, bilinear, plane by plane."""
    src = planes(source)
    out = np.empty((height * 3 // 2, width), np.uint8)
    dst = planes(out)
    for s_plane, d_plane, k in ((src.y, dst.y, 1), (src.u, dst.u, 2), (src.v, dst.v, 2)):
        m = np.array([[scale, 0, width / k / 2 - cx / k * scale], [0, scale, height / k / 2 - cy / k * scale]],
                     np.float32)
        cv2.warpAffine(s_plane, m, (width // k, height // k), dst=d_plane, flags=cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
    return out


def shown_box(content: Box, width: int, height: int, scale: float = 1.0, cx: float | None = None,
              cy: float | None = None) -> Box | None:
    """The part of a ``width`` x ``height`` frame that ``content`` (a box of the
    source, px) covers once drawn by ``warp`` with the same ``scale``, ``cx``, ``cy``
    (no warp: the defaults). Rounded inward to even px, so no pixel (and no
    chroma sample) of it mixes with what lies outside the content; None when it
    covers the whole frame."""
    tx = width / 2 - (width / 2 if cx is None else cx) * scale
    ty = height / 2 - (height / 2 if cy is None else cy) * scale
    # a destination pixel i samples the source at (i - tx) / scale: keep those inside the content
    x0, x1 = _even_up(content.x0 * scale + tx), _even_down((content.x1 - 1) * scale + tx + 1)
    y0, y1 = _even_up(content.y0 * scale + ty), _even_down((content.y1 - 1) * scale + ty + 1)
    box = Box(max(0, x0), max(0, y0), min(width, x1), min(height, y1))
    return None if box == Box(0, 0, width, height) else box


def _even_up(value: float) -> int:
    return 2 * math.ceil(value / 2 - 1e-6)


def _even_down(value: float) -> int:
    return 2 * math.floor(value / 2 + 1e-6)


def draw(canvas: Array, frame: Array, box: Box | None, opacity: float) -> None:
    """``frame`` (I420, same size) drawn in place over ``canvas`` inside ``box``
    (even px; None: everywhere) at ``opacity`` 0..1; nothing outside ``box`` is touched."""
    height, width = canvas.shape[0] * 2 // 3, canvas.shape[1]
    box = box or Box(0, 0, width, height)
    if box.empty or opacity <= 0:
        return
    dst, src = planes(canvas), planes(frame)
    for d, s, k in ((dst.y, src.y, 1), (dst.u, src.u, 2), (dst.v, src.v, 2)):
        region = (slice(box.y0 // k, box.y1 // k), slice(box.x0 // k, box.x1 // k))
        if opacity >= 1:
            d[region] = s[region]
        else:
            d[region] = cv2.addWeighted(d[region], 1.0 - opacity, s[region], opacity, 0.0)


@dataclass(frozen=True)
class Overlay:
    """A premultiplied overlay in I420 terms, placed at (x, y) (even px):
    ``y``, ``u``, ``v`` are premultiplied plane values (alpha * value) as
    float32 and ``a`` / ``a_half`` the alpha at full and half resolution."""

    x: int
    y: int
    luma: Array
    u: Array
    v: Array
    a: Array
    a_half: Array


def overlay_from_rgba(rgba: Array, x: int, y: int) -> Overlay:
    """Prepare an RGBA (straight alpha) sprite once for fast blending in I420."""
    h, w = rgba.shape[:2]
    h, w = h - h % 2, w - w % 2
    rgba = np.ascontiguousarray(rgba[:h, :w])
    yuv = planes(cv2.cvtColor(rgba, cv2.COLOR_RGBA2YUV_I420))
    a = rgba[..., 3].astype(np.float32) / 255.0
    a_half = cv2.resize(a, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return Overlay(x - x % 2, y - y % 2, yuv.y.astype(np.float32) * a, yuv.u.astype(np.float32) * a_half,
                   yuv.v.astype(np.float32) * a_half, a, a_half)


def blend(frame: Array, ov: Overlay, opacity: float = 1.0) -> None:
    """Source-over ``ov`` onto ``frame`` in place, clipped to the frame."""
    dst = planes(frame)
    for d, s, a, k in ((dst.y, ov.luma, ov.a, 1), (dst.u, ov.u, ov.a_half, 2), (dst.v, ov.v, ov.a_half, 2)):
        x0, y0 = ov.x // k, ov.y // k
        h, w = s.shape
        fx0, fy0 = max(0, x0), max(0, y0)
        fx1, fy1 = min(d.shape[1], x0 + w), min(d.shape[0], y0 + h)
        if fx1 <= fx0 or fy1 <= fy0:
            continue
        sl = (slice(fy0 - y0, fy1 - y0), slice(fx0 - x0, fx1 - x0))
        region = d[fy0:fy1, fx0:fx1]
        alpha = a[sl] * opacity
        out = region.astype(np.float32) * (1 - alpha) + s[sl] * opacity
        region[...] = np.clip(out + 0.5, 0, 255).astype(np.uint8)
