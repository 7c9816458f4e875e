"""Premultiplied I420: what a shot's frames are composed in.

A frame is I420, BT.601 limited range (what OpenCV converts to and libx264
takes): luma at full size, Cb and Cr at half size each way. A layer drawn over
it is kept premultiplied in the same planes, Y' = a Y and C' = a C (a the
alpha, 0..1, R'G'B' premultiplied):

    Y' = 16 a + (65.481 R' + 128.553 G' + 24.966 B') / 255
    Cb' = 128 a + (-37.797 R' - 74.203 G' + 112 B') / 255

so source-over stays what it is in RGBA, one multiply and one add a plane
(``out = src' + dst (1 - a)``), on 1.5 bytes a pixel instead of 4, and no
conversion is left before the encoder. Chroma is each 2 x 2 block's
top-left pixel's, with that pixel's alpha, as OpenCV converts a frame (and
so as the RGBA reference path ends). A layer at an odd offset has its
chroma placed at the even offset below it: one luma pixel off at most.

Light added to the frame (a neon sign's glow, a star) is kept as its luma and
its chroma's positive and negative parts, each added with saturation.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from frameloom.engines.compose.canvas import Array

# rows: Y', Cb', Cr' from premultiplied (R', G', B', A), all / 255
LUMA = np.array([[65.481, 128.553, 24.966, 16.0]]) / 255
CHROMA = np.array([[-37.797, -74.203, 112.0, 128.0], [112.0, -93.786, -18.214, 128.0]]) / 255

FAINT = 2  # levels: a light's chroma part no larger than this is left out
Planes3 = tuple[Array, Array, Array]  # Y (h, w), U and V (h / 2, w / 2)


def frame_planes(yuv: Array, width: int, height: int) -> Planes3:
    """Views of the Y, U and V planes of an I420 frame (``(height * 3 / 2, width)`` uint8)."""
    flat = yuv.reshape(-1)
    size, quarter = width * height, width * height // 4
    u = flat[size:size + quarter].reshape(height // 2, width // 2)
    v = flat[size + quarter:size + 2 * quarter].reshape(height // 2, width // 2)
    return yuv[:height], u, v


@dataclass(frozen=True)
class Premultiplied:
    """An RGBA image in premultiplied I420, padded to even sides: ``y`` and
    ``inv`` (255 - alpha) at full size, ``u``, ``v`` and ``inv2`` (255 - the
    2 x 2 mean alpha) at half size."""

    y: Array
    u: Array
    v: Array
    inv: Array
    inv2: Array


def _even(rgba: Array) -> Array:
    h, w = rgba.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        return rgba
    out = np.zeros((h + h % 2, w + w % 2, 4), np.uint8)
    out[:h, :w] = rgba
    return out


def premultiplied(rgba: Array) -> Premultiplied:
    """Premultiplied RGBA (``(h, w, 4)`` uint8) as premultiplied I420 planes: OpenCV's conversion
    of the premultiplied colour (Y = 16 + K.RGB', chroma 128 + k.RGB' of each 2 x 2 block's top-left
    pixel, as OpenCV converts a frame) less the offsets scaled by what is transparent (16 (1 - a),
    128 (1 - a) at that pixel). 30 times faster than a 4 x 3 matrix transform."""
    rgba = _even(rgba)
    h, w = rgba.shape[:2]
    y, u, v = frame_planes(cv2.cvtColor(rgba, cv2.COLOR_RGBA2YUV_I420), w, h)
    inv = cv2.subtract(255, cv2.extractChannel(rgba, 3))  # type: ignore[call-overload]
    inv2 = cv2.resize(inv, (w // 2, h // 2), interpolation=cv2.INTER_NEAREST)  # each block's top-left
    cv2.subtract(y, cv2.convertScaleAbs(inv, alpha=16 / 255), dst=y)
    offset2 = cv2.convertScaleAbs(inv2, alpha=128 / 255)
    u, v = np.ascontiguousarray(u), np.ascontiguousarray(v)
    cv2.subtract(u, offset2, dst=u)
    cv2.subtract(v, offset2, dst=v)
    return Premultiplied(y=y, u=u, v=v, inv=inv, inv2=inv2)


def blend(dst: Array, src: Array, inv: Array, scratch: Array) -> None:
    """Premultiplied source-over of ``src`` (with its ``inv`` = 255 - alpha) onto ``dst``, all of one shape;
    ``scratch`` a buffer at least that large."""
    tmp = scratch[:dst.shape[0], :dst.shape[1]]
    cv2.multiply(dst, inv, dst=tmp, scale=1 / 255)
    cv2.add(tmp, src, dst=dst)


def _ycbcr(pixel: Array) -> list[float]:
    """Y', Cb', Cr' of one premultiplied RGBA ``pixel`` (a ``(1, 1, 4)`` array; its alpha gives the offsets)."""
    return [float(cv2.transform(pixel, LUMA)[0, 0]), *(float(c) for c in cv2.transform(pixel, CHROMA)[0, 0])]


def _clip(x: int, y: int, w: int, h: int, fw: int, fh: int) -> tuple[int, int, int, int] | None:
    """The part of a ``w`` x ``h`` box at (x, y) inside an ``fw`` x ``fh`` frame: frame x0, y0, x1, y1."""
    x0, y0, x1, y1 = max(0, x), max(0, y), min(fw, x + w), min(fh, y + h)
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def over(planes: Planes3, rgba: Array, x: int, y: int, scratch: Array) -> None:
    """Premultiplied ``rgba`` (a posed sprite, made this frame) source-over onto ``planes`` with its
    top-left corner at (x, y) px, clipped to the frame: its on-screen part is converted exactly
    aligned (luma and chroma to the pixel)."""
    fy, _, _ = planes
    fh, fw = fy.shape
    sh, sw = rgba.shape[:2]
    box = _clip(x, y, sw, sh, fw, fh)
    if box is None:
        return
    x0, y0, x1, y1 = box[0] & ~1, box[1] & ~1, box[2] + box[2] % 2, box[3] + box[3] % 2
    part = rgba  # already even-aligned and inside the frame: no copy
    if (x0, y0, x1 - x0, y1 - y0) != (x, y, sw, sh):
        part = np.zeros((y1 - y0, x1 - x0, 4), np.uint8)  # the even-aligned box, the sprite where it lies
        part[box[1] - y0:box[3] - y0, box[0] - x0:box[2] - x0] = rgba[box[1] - y:box[3] - y, box[0] - x:box[2] - x]
    layer = premultiplied(part)
    for plane, src, inv, (px0, py0, px1, py1) in _parts(planes, layer, x0, y0, x1, y1):
        blend(plane[py0:py1, px0:px1], src, inv, scratch)


def _parts(planes: Planes3, layer: Premultiplied, x0: int, y0: int, x1: int, y1: int
           ) -> list[tuple[Array, Array, Array, tuple[int, int, int, int]]]:
    fy, fu, fv = planes
    half = (x0 // 2, y0 // 2, x1 // 2, y1 // 2)
    return [(fy, layer.y, layer.inv, (x0, y0, x1, y1)), (fu, layer.u, layer.inv2, half),
            (fv, layer.v, layer.inv2, half)]


def shade(planes: Planes3, box: tuple[float, float, float, float], rgb: tuple[int, int, int],
          opacity: float) -> None:
    """A flat ``rgb`` at ``opacity`` over ``box`` (x0, y0, x1, y1 px, rounded to whole chroma samples)."""
    fy, _, _ = planes
    fh, fw = fy.shape
    x0, y0 = max(0, round(box[0] / 2) * 2), max(0, round(box[1] / 2) * 2)
    x1, y1 = min(fw, round(box[2] / 2) * 2), min(fh, round(box[3] / 2) * 2)
    if x0 >= x1 or y0 >= y1:
        return
    for plane, value, k in zip(planes, _ycbcr(np.array([[[*rgb, 255]]], np.uint8)), (1, 2, 2), strict=True):
        part = plane[y0 // k:y1 // k, x0 // k:x1 // k]
        cv2.convertScaleAbs(part, dst=part, alpha=1 - opacity, beta=value * opacity)


class Light:
    """Light added to a frame (drawn with skia's Plus onto a transparent patch): its luma and the
    positive and negative parts of its chroma, added at a level with saturation, as Plus adds.
    Each part keeps only the box where it is not zero (a blur's far tail rounds to nothing)."""

    def __init__(self, rgba: Array) -> None:
        rgba = _even(rgba)
        rgb0 = rgba.copy()
        rgb0[..., 3] = 0  # added light has no offset: only the colour's own part
        h, w = rgba.shape[:2]
        chroma = cv2.resize(cv2.transform(rgb0.astype(np.float32), CHROMA), (w // 2, h // 2),
                            interpolation=cv2.INTER_AREA)
        parts = [(0, 1, cv2.transform(rgb0, LUMA))] + [
            (index, sign, np.clip(np.rint(sign * c), 0, 255).astype(np.uint8))
            for index, c in ((1, chroma[..., 0]), (2, chroma[..., 1])) for sign in (1, -1)]
        # a white light's chroma is a level or two: not worth two more calls a frame
        self.parts = [(index, sign, *_cropped(part)) for index, sign, part in parts
                      if part.max() > (0 if index == 0 else FAINT)]

    def add(self, planes: Planes3, x: int, y: int, level: float) -> None:
        """Add the light at ``level`` (0..1) with its top-left corner at (x, y) px (chroma at the even
        px at or before it), clipped to the frame."""
        if level <= 0:
            return
        for index, sign, part, dx, dy in self.parts:
            k = 0 if index == 0 else 1
            _add(planes[index], part, (x >> k) + dx, (y >> k) + dy, sign * level)


def _cropped(part: Array) -> tuple[Array, int, int]:
    """``part`` cut to the box of its non-zero values, and where that box starts in it (x, y)."""
    rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    return np.ascontiguousarray(part[y0:y1, x0:x1]), x0, y0


def _add(plane: Array, part: Array, x: int, y: int, level: float) -> None:
    ph, pw = plane.shape
    box = _clip(x, y, part.shape[1], part.shape[0], pw, ph)
    if box is None:
        return
    x0, y0, x1, y1 = box
    dst = plane[y0:y1, x0:x1]
    cv2.scaleAdd(part[y0 - y:y1 - y, x0 - x:x1 - x], level, dst, dst=dst)


def tint(planes: Planes3, mask: Array, rgb: tuple[int, int, int], scratch: Array) -> None:
    """``rgb`` source-over the frame through ``mask`` (its alpha, the luma's size): strokes of one
    colour (the weather) drawn as coverage only. Chroma takes each 2 x 2 block's top-left pixel's
    alpha, as ``premultiplied`` does."""
    half = np.ascontiguousarray(mask[::2, ::2])
    values = _ycbcr(np.array([[[*rgb, 255]]], np.uint8))
    for plane, value, alpha in zip(planes, values, (mask, half, half), strict=True):
        blend(plane, cv2.convertScaleAbs(alpha, alpha=value / 255), cv2.bitwise_not(alpha), scratch)


def add_flat(planes: Planes3, rgb: tuple[int, int, int], amount: float) -> None:
    """``rgb`` times ``amount`` added to the whole frame with saturation (a flash of light)."""
    deltas = _ycbcr(np.array([[[*rgb, 0]]], np.float32) * amount)
    for plane, delta in zip(planes, deltas, strict=True):
        cv2.addWeighted(plane, 1.0, plane, 0.0, delta, dst=plane)  # saturating either way
