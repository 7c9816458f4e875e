"""The photographic finish: bloom, tone mapping on luminance, grading, vignette.

Tone mapping works on luminance and scales the colour by the same ratio, so a
bright orange glow stays orange (per-channel curves turn it green-yellow).
Bloom is computed at quarter resolution.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from frameloom.engines.compose.canvas import Array, radial_falloff

LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


def finish(rgb: Array, bloom: float = 0.55, threshold: float = 0.62, vignette: float = 0.32) -> Array:
    """``(H, W, 3) uint8`` in, graded ``(H, W, 3) uint8`` out."""
    h, w = rgb.shape[:2]
    img = rgb.astype(np.float32) * (1.0 / 255.0)
    if bloom > 0:
        img += _bloom(img, threshold) * bloom
    lum = cv2.transform(img, LUMA[None, :])
    mapped = _shoulder(lum)
    img *= (mapped / np.maximum(lum, 1e-4))[..., None]
    img *= _vignette(w, h, vignette)[..., None]
    out = np.clip(img * 255.0, 0, 255).astype(np.uint8)
    return cv2.LUT(out, _contrast_lut())


def _bloom(img: Array, threshold: float) -> Array:
    h, w = img.shape[:2]
    small = cv2.resize(img, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    lum = cv2.transform(small, LUMA[None, :])
    # a bright scene blooms less: only what stands out from it glows
    threshold = max(threshold, float(lum.mean()) + 0.25)
    bright = small * np.clip((lum - threshold) / max(1 - threshold, 0.05), 0, 1)[..., None]
    glow = cv2.GaussianBlur(bright, (0, 0), w / 4 * 0.012) * 0.6 + cv2.GaussianBlur(bright, (0, 0), w / 4 * 0.04)
    out: Array = cv2.resize(glow, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def _shoulder(lum: Array) -> Array:
    """Identity below 0.7, then a smooth roll-off toward 1.0."""
    knee = 0.7
    over = np.maximum(lum - knee, 0)
    out: Array = np.minimum(lum, knee) + (1 - knee) * (1 - np.exp(-over / (1 - knee)))
    return out


@lru_cache(maxsize=8)
def _vignette(w: int, h: int, strength: float) -> Array:
    d = radial_falloff(w, h)
    v = (1 - strength * np.clip(d - 0.35, 0, None) ** 1.6).astype(np.float32)
    v.setflags(write=False)
    return v


@lru_cache(maxsize=1)
def _contrast_lut() -> Array:
    x = np.arange(256, dtype=np.float32) / 255
    s = x + (x * x * (3 - 2 * x) - x) * 0.25  # a quarter of the way to smoothstep: a gentle S-curve
    return np.clip(s * 255, 0, 255).astype(np.uint8)
