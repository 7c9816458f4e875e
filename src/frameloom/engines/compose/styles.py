"""Style filters applied after the finish; each unifies subjects and scene.

All take and return ``(H, W, 3) uint8`` RGB and are deterministic by seed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import cv2
import numpy as np

from frameloom.engines.compose.canvas import Array, value_noise

StyleFilter = Callable[[Array, int], Array]


@lru_cache(maxsize=4)
def _paper(w: int, h: int) -> Array:
    """A paper texture in ~0.9..1.0, cached per size (it costs a few ms)."""
    rng = np.random.default_rng(1234)
    fibres = value_noise((h // 2, w // 2), rng, octaves=3, base=40)
    grain = rng.random((h // 2, w // 2), dtype=np.float32)
    tex = 0.93 + 0.05 * fibres + 0.02 * grain
    out = cv2.resize(tex, (w, h), interpolation=cv2.INTER_LINEAR)
    out.setflags(write=False)
    return out


def illustration(rgb: Array, seed: int) -> Array:
    return rgb


def watercolor(rgb: Array, seed: int) -> Array:
    """Washes at quarter resolution, wobbly edges, darkened pigment edges, paper."""
    h, w = rgb.shape[:2]
    rng = np.random.default_rng(seed)
    small = cv2.resize(rgb, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    small = cv2.bilateralFilter(small, 7, 40, 5)
    wash = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    nx = value_noise((h // 16, w // 16), rng, octaves=2, base=6)
    ny = value_noise((h // 16, w // 16), rng, octaves=2, base=6)
    amp = 6.0 * h / 1080
    mx = cv2.resize((nx - 0.5) * 2 * amp, (w, h)) + np.arange(w, dtype=np.float32)[None, :]
    my = cv2.resize((ny - 0.5) * 2 * amp, (w, h)) + np.arange(h, dtype=np.float32)[:, None]
    warped = cv2.remap(wash, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    detail = rgb.astype(np.float32)
    img = warped * 0.75 + detail * 0.25
    gray = cv2.cvtColor(cv2.resize(small, (w // 2, h // 2)), cv2.COLOR_RGB2GRAY).astype(np.float32)
    edges = np.abs(cv2.Laplacian(gray, cv2.CV_32F, ksize=3))
    edges = cv2.resize(cv2.GaussianBlur(edges, (0, 0), 1.0), (w, h))
    img *= (1 - np.clip(edges / 90, 0, 0.35))[..., None]
    img = 255 - (255 - img) * 0.78  # pigment on white paper: lift toward the paper
    img *= _paper(w, h)[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def pixel_art(rgb: Array, seed: int) -> Array:
    """Downscale, reduce to a small palette, upscale nearest-neighbour."""
    h, w = rgb.shape[:2]
    block = max(4, round(min(w, h) / 135))
    small = cv2.resize(rgb, (w // block, h // block), interpolation=cv2.INTER_AREA)
    levels = np.array([0, 48, 96, 144, 200, 255], np.uint8)
    idx = np.clip(np.rint(small.astype(np.float32) / 51.0), 0, 5).astype(np.uint8)
    reduced = levels[idx]
    out: Array = cv2.resize(reduced, (w, h), interpolation=cv2.INTER_NEAREST)
    return out


def oil_painting(rgb: Array, seed: int) -> Array:
    """Flattened colour patches and directional brush texture lit from above-left."""
    h, w = rgb.shape[:2]
    rng = np.random.default_rng(seed)
    half = cv2.resize(rgb, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    flat = cv2.medianBlur(cv2.bilateralFilter(half, 9, 60, 7), 5)
    noise = rng.random((h // 2, w // 2), dtype=np.float32)
    strokes = cv2.GaussianBlur(noise, (0, 0), sigmaX=4.0, sigmaY=1.0)
    relief = cv2.Sobel(strokes, cv2.CV_32F, 1, 1, ksize=3)
    relief = 1 + np.clip(relief * 6, -0.12, 0.12)
    img = cv2.resize(flat.astype(np.float32) * relief[..., None], (w, h), interpolation=cv2.INTER_CUBIC)
    hsv = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV)
    hsv[..., 1] = np.minimum(hsv[..., 1].astype(np.int16) + 18, 255).astype(np.uint8)
    out: Array = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    return out


def sketch(rgb: Array, seed: int) -> Array:
    """Pencil: outlines from a colour-dodge of the grey image by its blurred
    negative, tone from the blurred grey image, cross-hatching in the darks, paper."""
    h, w = rgb.shape[:2]
    k = h / 1080
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    blur = cv2.GaussianBlur(255 - gray, (0, 0), 4.0 * k)
    lines = np.clip(gray * 255 / np.maximum(255 - blur, 1), 0, 255) / 255
    tone = cv2.GaussianBlur(gray, (0, 0), 3.0 * k) / 255
    tone = np.clip(tone * 1.35 + 0.12, 0, 1)
    hatch = _hatching(w, h)
    dark = np.clip(0.6 - tone, 0, 0.6) / 0.6
    img = 255 * lines**2.2 * (0.5 + 0.5 * tone) * (1 - dark * (1 - hatch)) * _paper(w, h)
    tint = np.array([0.97, 0.96, 1.0], np.float32)
    out: Array = np.clip(img[..., None] * tint, 0, 255).astype(np.uint8)
    return out


@lru_cache(maxsize=4)
def _hatching(w: int, h: int) -> Array:
    """Diagonal pencil strokes in 0.55..1, cached per size."""
    rng = np.random.default_rng(7)
    noise = rng.random((h, w), dtype=np.float32)
    kernel = np.eye(15, dtype=np.float32) / 15  # smear along a diagonal: strokes
    strokes = cv2.filter2D(noise, -1, kernel)
    out: Array = np.clip(0.55 + (strokes - 0.5) * 3.0 + 0.35, 0.55, 1.0)
    out.setflags(write=False)
    return out


def neon(rgb: Array, seed: int) -> Array:
    """Synthwave: shadows pushed to violet, highlights to magenta and cyan, more glow."""
    img = rgb.astype(np.float32) / 255
    lum = cv2.transform(img, np.array([[0.2126, 0.7152, 0.0722]], np.float32))[..., None]
    shadows = np.array([0.25, 0.05, 0.45], np.float32)
    highs = np.array([1.0, 0.35, 0.9], np.float32)
    split = shadows + (highs - shadows) * lum
    img = img * 0.6 + split * lum * 0.4 + img * (img - lum) * 0.6
    h, w = rgb.shape[:2]
    small = cv2.resize(img, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    glow = cv2.resize(cv2.GaussianBlur(np.clip(small - 0.5, 0, 1), (0, 0), w / 4 * 0.02), (w, h))
    out: Array = np.clip((img + glow * 0.8) * 255, 0, 255).astype(np.uint8)
    return out


FILTERS: dict[str, StyleFilter] = {
    "illustration": illustration,
    "watercolor": watercolor,
    "pixel_art": pixel_art,
    "oil_painting": oil_painting,
    "sketch": sketch,
    "neon": neon,
}
