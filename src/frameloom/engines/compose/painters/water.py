"""Water: mirror reflections with ripples (lakes, wet streets) and the open sea."""

from __future__ import annotations

import math

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, mix, paint, scale, vertical_gradient
from frameloom.engines.compose.elements import Sea, Water
from frameloom.engines.compose.painters.context import Ctx, painter

PLUS = skia.BlendMode.kPlus


def reflect(ctx: Ctx, tint: RGB, keep: float, smear: int, seed: int) -> None:
    """Mirror what is above the horizon into the water below it, rippled,
    smeared vertically and pulled toward ``tint`` (``keep`` = how much of the
    reflection survives near the horizon)."""
    hz = int(ctx.horizon)
    below = ctx.h - hz
    if below <= 0 or hz <= 0:
        return
    src = ctx.seen(slice(0, hz))[::-1]
    if src.shape[0] < below:
        src = np.concatenate([src, np.repeat(src[-1:], below - src.shape[0], axis=0)])
    src = np.ascontiguousarray(src[:below])
    rng = np.random.default_rng(seed)
    d = np.arange(below, dtype=np.float32)
    amp = (1.5 + d * 0.035) * ctx.unit
    dx = amp * np.sin(d * 0.35 / ctx.unit + rng.random() * 6) + amp * 0.6 * np.sin(d * 0.9 / ctx.unit)
    map_x = np.arange(ctx.w, dtype=np.float32)[None, :] + dx[:, None]
    map_y = np.repeat(d[:, None], ctx.w, axis=1)
    rippled = cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if smear > 1:
        rippled = cv2.blur(rippled, (3, smear))
    fade = (keep * (1 - d / below * 0.55))[:, None, None]
    t = np.array([*tint, 255], np.float32)
    out = rippled.astype(np.float32) * fade + t * (1 - fade)
    ctx.pixels[hz:] = out.astype(np.uint8)


def glints(ctx: Ctx, rng: np.random.Generator, colour: RGB, count: int, spread: float) -> None:
    """Short horizontal highlights on the water, densest under the light."""
    lt = ctx.plan.light
    span = ctx.h - ctx.horizon
    for _ in range(count):
        t = float(rng.power(1.5))
        y = ctx.horizon + 2 + span * t
        x = lt.x + float(rng.normal(0, spread * (0.3 + t)))
        length = (6 + 60 * t) * ctx.unit * float(rng.uniform(0.4, 1.2))
        alpha = 0.75 * math.exp(-abs(x - lt.x) / (spread * 1.5 + 1))
        ctx.canvas.drawLine(x - length / 2, y, x + length / 2, y,
                            paint(colour, alpha, stroke=(1 + 2.5 * t) * ctx.unit, blend=PLUS))


@painter(Water)
def water(ctx: Ctx, el: Water) -> None:
    pal = ctx.plan.palette
    street = el.wet_street
    tint = mix(scale(pal.sky_top, 0.6), pal.ambient, 0.25)
    reflect(ctx, tint, 0.62 if not street else 0.5, 31 if street else 9, el.seed)
    rng = ctx.rng(el.seed)
    edge = mix(pal.light, pal.accent, 0.3) if ctx.plan.time_of_day == "night" else pal.sky_horizon
    ctx.canvas.drawLine(0, ctx.horizon + 1, ctx.w, ctx.horizon + 1, paint(edge, 0.5, stroke=2 * ctx.unit))
    if ctx.plan.light.visible:
        glints(ctx, rng, mix(pal.light, (255, 255, 255), 0.4), 260, ctx.w * 0.05)


@painter(Sea)
def sea(ctx: Ctx, el: Sea) -> None:
    """Open water to the horizon: a sky reflection, swells, and the light's glitter path."""
    pal = ctx.plan.palette
    rng = ctx.rng(el.seed)
    deep = mix(scale(pal.sky_top, 0.7), (10, 50, 80), 0.45)
    reflect(ctx, deep, 0.55, 15, el.seed)
    grad = vertical_gradient(ctx.horizon, ctx.h, [(0, pal.sky_horizon, 0.35), (1, scale(deep, 0.8), 0.6)])
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, ctx.horizon, ctx.w, ctx.h), grad)
    span = ctx.h - ctx.horizon
    for k in range(70):
        t = (k / 70) ** 1.6
        y = ctx.horizon + span * t + float(rng.uniform(-3, 3))
        x0 = float(rng.uniform(-0.1, 0.9)) * ctx.w
        length = ctx.w * float(rng.uniform(0.05, 0.25)) * (0.3 + t)
        path = skia.Path()
        path.moveTo(x0, y)
        path.quadTo(x0 + length / 2, y - (3 + 10 * t) * ctx.unit, x0 + length, y)
        ctx.canvas.drawPath(path, paint(mix(pal.sky_horizon, pal.light, 0.3), 0.18 + 0.2 * t,
                                        stroke=(1 + 2 * t) * ctx.unit))
    ctx.canvas.drawLine(0, ctx.horizon, ctx.w, ctx.horizon, paint(ctx.hazed(pal.light, 0.6), 0.45,
                                                                  stroke=1.5 * ctx.unit))
    if ctx.plan.light.visible:
        glints(ctx, rng, mix(pal.light, (255, 255, 255), 0.3), 500, ctx.w * 0.04)
