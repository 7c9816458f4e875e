"""Drawing helpers shared by the scene painters: colours, skia surfaces over
numpy arrays, value noise, soft (low-resolution, blurred) layers.

Pixel arrays are ``(H, W, 4) uint8`` RGBA with premultiplied alpha unless a
docstring says otherwise; skia draws straight into them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import cv2
import numpy as np
import skia

RGB = tuple[int, int, int]
Array = np.ndarray


def mix(a: Sequence[float], b: Sequence[float], t: float) -> RGB:
    """Linear blend of two colours; ``t`` = 0 gives ``a``, 1 gives ``b``."""
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def scale(c: Sequence[float], k: float) -> RGB:
    return (min(255, round(c[0] * k)), min(255, round(c[1] * k)), min(255, round(c[2] * k)))


def luma(c: Sequence[float]) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def color(c: Sequence[float], alpha: float = 1.0) -> int:
    """A skia colour int from an RGB triple and an alpha in 0..1."""
    return int(skia.ColorSetARGB(round(255 * min(max(alpha, 0.0), 1.0)), int(c[0]), int(c[1]), int(c[2])))


def paint(c: Sequence[float], alpha: float = 1.0, *, stroke: float = 0.0,
          blend: skia.BlendMode | None = None, blur: float = 0.0) -> skia.Paint:
    """An anti-aliased fill paint, or a round-capped stroke when ``stroke`` > 0 (px)."""
    p = skia.Paint(AntiAlias=True, Color=color(c, alpha))
    if stroke > 0:
        p.setStyle(skia.Paint.kStroke_Style)
        p.setStrokeWidth(stroke)
        p.setStrokeCap(skia.Paint.kRound_Cap)
        p.setStrokeJoin(skia.Paint.kRound_Join)
    if blend is not None:
        p.setBlendMode(blend)
    if blur > 0:
        p.setMaskFilter(skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, blur))
    return p


def vertical_gradient(y0: float, y1: float, stops: Sequence[tuple[float, Sequence[float], float]]) -> skia.Paint:
    """A paint whose colour runs from ``y0`` to ``y1``; stops are (pos 0..1, rgb, alpha)."""
    colors = [color(c, a) for _, c, a in stops]
    positions = [p for p, _, _ in stops]
    shader = skia.GradientShader.MakeLinear([skia.Point(0, y0), skia.Point(0, y1)], colors, positions)
    return skia.Paint(AntiAlias=True, Shader=shader)


def radial_paint(cx: float, cy: float, r: float, stops: Sequence[tuple[float, Sequence[float], float]],
                 blend: skia.BlendMode | None = None) -> skia.Paint:
    colors = [color(c, a) for _, c, a in stops]
    shader = skia.GradientShader.MakeRadial(skia.Point(cx, cy), max(r, 1.0), colors, [p for p, _, _ in stops])
    p = skia.Paint(AntiAlias=True, Shader=shader)
    if blend is not None:
        p.setBlendMode(blend)
    return p


def new_layer(width: int, height: int) -> Array:
    return np.zeros((height, width, 4), np.uint8)


def surface(pixels: Array) -> skia.Surface:
    """A skia surface drawing straight into ``pixels`` (RGBA premultiplied)."""
    return skia.Surface(pixels, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)


def as_image(pixels: Array) -> skia.Image:
    return skia.Image.fromarray(pixels, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)


LINEAR = skia.SamplingOptions(skia.FilterMode.kLinear)


def draw_pixels(canvas: skia.Canvas, pixels: Array, rect: tuple[float, float, float, float],
                blend: skia.BlendMode | None = None, alpha: float = 1.0) -> None:
    """Draw an RGBA premultiplied array stretched into ``rect`` (x, y, w, h)."""
    p = skia.Paint(AntiAlias=True)
    if blend is not None:
        p.setBlendMode(blend)
    if alpha < 1.0:
        p.setAlphaf(alpha)
    x, y, w, h = rect
    whole = [round(v) for v in rect]
    if all(abs(v - r) < 1e-6 for v, r in zip(rect, whole, strict=True)) and whole[2] > 0 and whole[3] > 0:
        # skia's own stretch costs ~90 ms for a quarter-size layer on a 1080p frame; OpenCV's bilinear
        # resize and a 1:1 draw give the same pixels in ~12 ms (premultiplied values interpolate alike)
        if pixels.shape[1] != whole[2] or pixels.shape[0] != whole[3]:
            pixels = cv2.resize(pixels, (whole[2], whole[3]), interpolation=cv2.INTER_LINEAR)
        canvas.drawImage(as_image(np.ascontiguousarray(pixels)), whole[0], whole[1], skia.SamplingOptions(), p)
        return
    canvas.drawImageRect(as_image(np.ascontiguousarray(pixels)), skia.Rect.MakeXYWH(x, y, w, h), LINEAR, p)


@contextmanager
def soft_layer(canvas: skia.Canvas, width: int, height: int, blur: float, factor: int = 4,
               blend: skia.BlendMode | None = None, alpha: float = 1.0) -> Iterator[skia.Canvas]:
    """Yield a canvas in full-size coordinates that renders at 1/``factor``
    resolution; on exit the layer is blurred by ``blur`` px (full-size units)
    and drawn onto ``canvas``. Cheap out-of-focus foregrounds, halos and glows."""
    lw, lh = max(1, width // factor), max(1, height // factor)
    pixels = new_layer(lw, lh)
    small = surface(pixels).getCanvas()
    small.scale(lw / width, lh / height)
    yield small
    if blur > 0:
        sigma = blur / factor
        cv2.GaussianBlur(pixels, (0, 0), sigma, dst=pixels)
    draw_pixels(canvas, pixels, (0, 0, width, height), blend, alpha)


def value_noise(shape: tuple[int, int], rng: np.random.Generator, octaves: int = 4,
                base: int = 4, persistence: float = 0.5) -> Array:
    """Fractal value noise in 0..1, ``(H, W) float32``: random grids upscaled
    bicubically and summed; cheap at the low resolutions it is used at."""
    h, w = shape
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        cells = base * 2**o
        gh, gw = max(2, cells * h // max(h, w) + 2), max(2, cells * w // max(h, w) + 2)
        grid = rng.random((gh, gw), dtype=np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= persistence
    out /= total
    lo, hi = float(out.min()), float(out.max())
    return (out - lo) / max(hi - lo, 1e-6)


@lru_cache(maxsize=8)
def radial_falloff(width: int, height: int) -> Array:
    """``(H, W) float32`` distance from the centre, 0 there and about 1 at the corners."""
    ys = (np.arange(height, dtype=np.float32) - height / 2) / (height / 2)
    xs = (np.arange(width, dtype=np.float32) - width / 2) / (width / 2)
    d = np.sqrt(xs[None, :] ** 2 * 0.75 + ys[:, None] ** 2 * 0.9)
    d.setflags(write=False)
    return d


def path_from_points(points: Sequence[tuple[float, float]], close_to: float | None = None) -> skia.Path:
    """A polyline path; with ``close_to`` the outline is closed down to that y
    (a silhouette standing on a baseline)."""
    path = skia.Path()
    first = points[0]
    if close_to is not None:
        path.moveTo(first[0], close_to)
        path.lineTo(*first)
    else:
        path.moveTo(*first)
    for x, y in points[1:]:
        path.lineTo(x, y)
    if close_to is not None:
        path.lineTo(points[-1][0], close_to)
        path.close()
    return path
