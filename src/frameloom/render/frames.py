"""Frames as I420 (planar YUV 4:2:0, BT.601 limited range), the encoder's own format.

The compositor works in I420 from source to encoder: a frame is one
``(H * 3 // 2, W) uint8`` array (Y plane, then U, then V), exactly what
``av.VideoFrame.from_ndarray(..., format="yuv420p")`` takes. Warping and
blending three planes of 1.5 bytes a pixel costs half of RGB work, and no
per-frame colour conversion is left before the encoder.
"""

from __future__ import annotations

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


def fit_rgb(rgb: Array, width: int, height: int, fit: str, margin: float = 1.0) -> Array:
    """Scale an image to cover (crop) or be contained in (letterbox) a
    ``width * margin`` x ``height * margin`` box; margin > 1 leaves room to move."""
    box_w, box_h = _even(width * margin), _even(height * margin)
    h, w = rgb.shape[:2]
    scale = max(box_w / w, box_h / h) if fit == "cover" else min(box_w / w, box_h / h)
    new_w, new_h = max(2, round(w * scale)), max(2, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(rgb, (new_w, new_h), interpolation=interp)
    canvas = np.zeros((box_h, box_w, 3), np.uint8)
    x0, y0 = (box_w - new_w) // 2, (box_h - new_h) // 2
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    cw, ch = min(new_w - sx0, box_w - dx0), min(new_h - sy0, box_h - dy0)
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


def mix(a: Array, b: Array, t: float) -> Array:
    """``a`` faded into ``b``: ``t`` = 0 gives ``a``, 1 gives ``b`` (same shapes)."""
    out: Array = cv2.addWeighted(a, 1.0 - t, b, t, 0.0)
    return out


def fade(frame: Array, level: float) -> Array:
    """Fade toward black: ``level`` 1 keeps the frame, 0 is black."""
    h = frame.shape[0] * 2 // 3
    return mix(black(frame.shape[1], h), frame, level)


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
