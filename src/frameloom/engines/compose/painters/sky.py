"""The sky: gradient, the light's disc and glow, stars, clouds, nebulae, planets."""

from __future__ import annotations

import math

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import (
    draw_pixels,
    mix,
    paint,
    radial_paint,
    scale,
    value_noise,
    vertical_gradient,
)
from frameloom.engines.compose.elements import Clouds, LightGlow, Nebula, Planet, Sky, Stars
from frameloom.engines.compose.painters.context import Ctx, painter

PLUS = skia.BlendMode.kPlus
SCREEN = skia.BlendMode.kScreen


@painter(Sky)
def sky(ctx: Ctx, el: Sky) -> None:
    pal = ctx.plan.palette
    hz = ctx.horizon
    grad = vertical_gradient(0, hz, [(0.0, pal.sky_top, 1), (0.55, pal.sky_mid, 1), (1.0, pal.sky_horizon, 1)])
    ctx.canvas.drawRect(skia.Rect.MakeWH(ctx.w, ctx.h), grad)


SKY_BODIES = frozenset({"sun", "moon", "crescent moon"})


@painter(LightGlow)
def light(ctx: Ctx, el: LightGlow) -> None:
    """The key light: a wide glow (always, it colours the sky) and, when visible, its disc."""
    lt = ctx.plan.light
    if ctx.plan.setting in ("room", "underwater") or lt.kind not in ("sun", "moon"):
        return
    u = ctx.unit
    low = lt.kind == "sun" and lt.y > ctx.horizon * 0.55
    glow_r = ctx.w * (0.7 if low else 0.35)
    glow = scale(lt.colour, (0.55 if low else 0.22) * lt.strength if lt.kind == "sun" else 0.25)
    ctx.canvas.drawRect(skia.Rect.MakeWH(ctx.w, ctx.horizon + 4 * u),
                        radial_paint(lt.x, max(lt.y, 0), glow_r, [(0, glow, 0.9), (0.35, glow, 0.35),
                                                                   (1, glow, 0.0)], PLUS))
    if not lt.visible or any(sub.noun in SKY_BODIES for sub in ctx.plan.subjects):
        return  # a sun or moon the prompt names is drawn as a subject: one disc, not two
    r = (58 if lt.kind == "sun" else 50) * u * (1.2 if ctx.plan.time_of_day in ("sunset", "dawn") else 1.0)
    core = mix(lt.colour, (255, 255, 250), 0.65)
    ctx.canvas.drawCircle(lt.x, lt.y, r * 3.2, radial_paint(lt.x, lt.y, r * 3.2, [(0, lt.colour, 0.6),
                                                                                   (1, lt.colour, 0)], PLUS))
    ctx.canvas.drawCircle(lt.x, lt.y, r, paint(core))
    if lt.kind == "moon":
        rng = ctx.rng(el.seed)
        for _ in range(5):
            a, d = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.6) * r
            ctx.canvas.drawCircle(lt.x + math.cos(a) * d, lt.y + math.sin(a) * d, r * rng.uniform(0.1, 0.22),
                                  paint(scale(core, 0.9), 0.5, blur=2 * u))


@painter(Stars)
def stars(ctx: Ctx, el: Stars) -> None:
    rng = ctx.rng(el.seed)
    u = ctx.unit
    n = int(700 * el.density * ctx.w * ctx.horizon / (1920 * 650))
    xs = rng.uniform(0, ctx.w, n)
    ys = rng.power(0.7, n) * ctx.horizon * 0.95
    sizes = rng.exponential(0.7, n) * u + 0.5 * u
    fade = 1 - ys / ctx.horizon
    bright = rng.uniform(0.25, 1.0, n) * fade
    dark = ctx.plan.time_of_day == "night" or ctx.plan.setting == "space"
    bright *= 1.0 if dark else 0.45
    for x, y, s, b in zip(xs, ys, sizes, bright, strict=True):
        ctx.canvas.drawCircle(float(x), float(y), float(s), paint((255, 248, 236), float(b), blend=PLUS))
    for x, y, s, b in zip(xs[:12], ys[:12], sizes[:12], bright[:12], strict=True):
        ctx.canvas.drawCircle(float(x), float(y), float(s) * 5, paint((200, 210, 255), float(b) * 0.25,
                                                                      blend=PLUS, blur=float(s) * 3))


@painter(Clouds)
def clouds(ctx: Ctx, el: Clouds) -> None:
    """Noise clouds at 1/8 resolution, lit on the side that faces the light."""
    rng = ctx.rng(el.seed)
    pal, lt = ctx.plan.palette, ctx.plan.light
    cw, ch = max(8, ctx.w // 8), max(8, int(ctx.horizon) // 8)
    # noise made wide then squeezed: clouds stretch horizontally, flatter near the horizon
    n = value_noise((ch * 2, cw * 3), rng, octaves=6, base=5, persistence=0.55)
    n = cv2.resize(n, (cw, ch), interpolation=cv2.INTER_AREA)
    coverage = el.coverage
    ys = np.linspace(0, 1, ch, dtype=np.float32)[:, None]
    band = _smoothstep(0.0, 0.3, ys) * (1 - _smoothstep(0.55, 1.0, ys))  # smooth: a kink shows as a line
    density = cv2.GaussianBlur(np.clip((n - (1 - coverage)) * 2.4, 0, 1) ** 1.3, (0, 0), 0.8) * band
    dx = int(round((lt.x - ctx.w / 2) / ctx.w * 6)) or 1
    shifted = np.roll(density, -dx, axis=1)
    shifted[1:] = shifted[:-1].copy()
    lit = np.clip(0.55 + (density - shifted) * 1.6 + (1 - ys) * 0.1, 0, 1)[..., None]
    dark = np.array(mix(pal.sky_top, pal.ambient, 0.45), np.float32) * 0.85
    bright = np.array(mix(pal.light, (255, 255, 255), 0.25 if lt.kind == "sun" else 0.0), np.float32)
    if ctx.plan.time_of_day == "night":
        bright = np.array(mix(pal.sky_mid, pal.light, 0.35), np.float32)
    rgb = dark + (bright - dark) * lit
    alpha = (density * 0.92)[..., None]
    rgba = np.concatenate([rgb * alpha, alpha * 255], axis=2).clip(0, 255).astype(np.uint8)
    draw_pixels(ctx.canvas, rgba, (0, 0, ctx.w, round(ctx.horizon)))


@painter(Nebula)
def nebula(ctx: Ctx, el: Nebula) -> None:
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    cw, ch = ctx.w // 8, int(ctx.horizon) // 8
    for colour, cut in ((pal.accent, 0.55), (pal.accent2, 0.6)):
        n = value_noise((ch, cw), rng, octaves=5, base=3)
        a = (np.clip((n - cut) * 2.2, 0, 1) ** 1.5 * 0.55)[..., None]
        rgba = np.concatenate([np.array(colour, np.float32) * a, a * 255], axis=2).astype(np.uint8)
        draw_pixels(ctx.canvas, rgba, (0, 0, ctx.w, round(ctx.horizon)), PLUS)


@painter(Planet)
def planet(ctx: Ctx, el: Planet) -> None:
    """A shaded planet with a thin atmosphere, lit from the key light's side."""
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    side = -ctx.toward_light(ctx.w / 2)
    r = ctx.h * rng.uniform(0.12, 0.2)
    cx = ctx.w / 2 + side * ctx.w * rng.uniform(0.22, 0.36)
    cy = ctx.horizon * rng.uniform(0.25, 0.45)
    body = mix(pal.accent2, (120, 130, 160), 0.4)
    lx = ctx.toward_light(cx)
    ctx.canvas.drawCircle(cx, cy, r * 1.15, radial_paint(cx, cy, r * 1.15, [(0.8, body, 0.5), (1, body, 0)], PLUS))
    shade = skia.GradientShader.MakeLinear(
        [skia.Point(cx + lx * r, cy - r * 0.4), skia.Point(cx - lx * r, cy + r * 0.4)],
        [skia.ColorSetRGB(*mix(body, (255, 255, 255), 0.35)), skia.ColorSetRGB(*scale(body, 0.6)),
         skia.ColorSetRGB(*scale(body, 0.08))], [0.0, 0.45, 0.85])
    ctx.canvas.drawCircle(cx, cy, r, skia.Paint(AntiAlias=True, Shader=shade))
    if rng.random() < 0.6:
        ring = paint(mix(body, (255, 240, 220), 0.5), 0.7, stroke=r * 0.06)
        ctx.canvas.save()
        ctx.canvas.translate(cx, cy)
        ctx.canvas.rotate(float(rng.uniform(-20, 20)))
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(-r * 1.8, -r * 0.35, r * 3.6, r * 0.7), ring)
        ctx.canvas.restore()


def _smoothstep(lo: float, hi: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - lo) / (hi - lo), 0, 1)
    out: np.ndarray = t * t * (3 - 2 * t)
    return out
