"""Land: ridges, tree lines, ground, dunes, rocks and what grows on them.

Each silhouette is rim-lit on the side facing the light and hazed by depth;
fog pools at the base of far layers.
"""

from __future__ import annotations

import math

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, mix, paint, path_from_points, scale, vertical_gradient
from frameloom.engines.compose.elements import (
    Craters,
    Drifts,
    Dunes,
    Flowers,
    Ground,
    Hedges,
    Islands,
    Mesas,
    Ridge,
    Rocks,
    Seabed,
    Seaweed,
    Shore,
    Treeline,
)
from frameloom.engines.compose.painters.context import Ctx, draw_rimmed, painter

SAND: RGB = (222, 186, 136)
SNOW: RGB = (232, 238, 248)
MOON: RGB = (150, 150, 160)


def _profile(rng: np.random.Generator, n: int, rough: float) -> np.ndarray:
    """A 1-D height profile in 0..1: a few random sines plus jagged detail."""
    x = np.linspace(0, 1, n)
    y = np.zeros(n)
    for octave in range(5):
        f = 1.5 * 2.1**octave
        y += rng.uniform(0.4, 1.0) * math.pow(0.55 if rough > 0.5 else 0.45, octave) * np.sin(
            2 * math.pi * (f * x + rng.random()))
    jag = np.abs(np.sin(2 * math.pi * (rng.uniform(5, 9) * x + rng.random()))) * 0.35 * rough
    y = y - jag
    out: np.ndarray = (y - y.min()) / max(float(np.ptp(y)), 1e-6)
    return out


def baseline(ctx: Ctx, depth: float) -> float:
    """Where things at ``depth`` stand: the horizon far away, lower as they come near."""
    return ctx.horizon + (1 - depth) ** 2 * (ctx.h - ctx.horizon) * 0.5


def fog_band(ctx: Ctx, y: float, thickness: float, alpha: float = 0.55) -> None:
    haze = ctx.plan.palette.haze
    grad = vertical_gradient(y - thickness, y + thickness * 0.6,
                             [(0, haze, 0), (0.6, haze, alpha), (1, haze, 0)])
    ctx.canvas.drawRect(skia.Rect.MakeXYWH(0, y - thickness, ctx.w, thickness * 1.6), grad)


@painter(Ridge)
def ridge(ctx: Ctx, el: Ridge) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    base = baseline(ctx, depth)
    top = base - el.top * ctx.horizon * 0.8
    prof = _profile(rng, 160, el.rough)
    xs = np.linspace(-ctx.w * 0.02, ctx.w * 1.02, len(prof))
    ys = base - (base - top) * (0.35 + 0.65 * prof)
    path = path_from_points(list(zip(xs.tolist(), ys.tolist(), strict=True)), close_to=ctx.h)
    draw_rimmed(ctx, path, ctx.land(depth), depth, 3 * ctx.unit)
    if el.snow:
        peak = float(ys.min())
        snow_line = peak + (base - peak) * 0.28
        ctx.canvas.save()
        ctx.canvas.clipPath(path, doAntiAlias=True)
        cap = mix(ctx.hazed(SNOW, depth), ctx.plan.palette.light, 0.25)
        wobble = [(float(x), snow_line + math.sin(x * 0.02 + float(rng.random()) * 6) * 14 * ctx.unit)
                  for x in np.linspace(0, ctx.w, 40)]
        ctx.canvas.drawPath(path_from_points(wobble, close_to=0), paint(cap, 0.85))
        ctx.canvas.restore()
    fog_band(ctx, base, ctx.h * 0.05 * (0.5 + depth), 0.5 * depth)


def _tree(path: skia.Path, style: str, x: float, base: float, h: float, rng: np.random.Generator) -> None:
    w = h * 0.42
    if style in ("conifer", "snowy"):
        tiers = 4
        for i in range(tiers):
            ty = base - h * (0.18 + 0.82 * i / tiers)
            tw = w * (1 - i / (tiers + 0.6))
            path.moveTo(x - tw / 2, ty)
            path.lineTo(x, ty - h * 0.36)
            path.lineTo(x + tw / 2, ty)
            path.close()
        path.addRect(skia.Rect.MakeXYWH(x - w * 0.05, base - h * 0.22, w * 0.1, h * 0.22))
    elif style == "palm":
        lean = rng.uniform(-0.25, 0.25) * h
        trunk = skia.Path()
        trunk.moveTo(x - w * 0.05, base)
        trunk.quadTo(x + lean * 0.3, base - h * 0.5, x + lean, base - h)
        trunk.lineTo(x + lean + w * 0.06, base - h)
        trunk.quadTo(x + lean * 0.3 + w * 0.1, base - h * 0.5, x + w * 0.06, base)
        trunk.close()
        path.addPath(trunk)
        cx, cy = x + lean, base - h
        for k in range(7):
            a = -math.pi / 2 + (k - 3) * 0.5 + rng.uniform(-0.15, 0.15)
            ex, ey = cx + math.cos(a) * h * 0.45, cy + math.sin(a) * h * 0.25 + h * 0.18
            frond = skia.Path()
            frond.moveTo(cx, cy)
            frond.quadTo(cx + math.cos(a) * h * 0.3, cy - h * 0.12, ex, ey)
            frond.quadTo(cx + math.cos(a) * h * 0.22, cy - h * 0.02, cx, cy + h * 0.03)
            frond.close()
            path.addPath(frond)
    else:
        path.addRect(skia.Rect.MakeXYWH(x - w * 0.06, base - h * 0.45, w * 0.12, h * 0.45))
        big = style == "broadleaf"
        for _ in range(5 if big else 4):
            r = w * rng.uniform(0.22, 0.34) * (1.25 if big else 1.0)
            path.addCircle(x + rng.uniform(-0.3, 0.3) * w, base - h * rng.uniform(0.55, 0.85), r)


@painter(Treeline)
def treeline(ctx: Ctx, el: Treeline) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    base = baseline(ctx, depth)
    size = el.size * ctx.h
    density = el.density
    keep_out = (el.keep_out or 0.0) * ctx.w / 2
    avoid = [s.x for s in ctx.plan.subjects if s.role in ("main", "rider", "mount", "support")]
    style = el.style
    path = skia.Path()
    x = -size * rng.uniform(0, 0.4)
    while x < ctx.w + size:
        if not any(abs(x - a) < keep_out for a in avoid):
            kind = style if style != "mixed" else ("conifer" if rng.random() < 0.6 else "round")
            h = size * rng.uniform(0.6, 1.15)
            _tree(path, kind, x, base + rng.uniform(-0.02, 0.05) * size, h, rng)
        x += size * 0.42 / density * rng.uniform(0.4, 1.4)
    pal = ctx.plan.palette
    body = ctx.land(depth, mix(pal.silhouette, scale(pal.ground, 0.55), 0.5))
    draw_rimmed(ctx, path, body, depth, max(2.0, 4 * ctx.unit * (1 - depth)))
    if style == "snowy":
        ctx.canvas.save()
        ctx.canvas.clipPath(path, doAntiAlias=True)
        ctx.canvas.drawPath(path, paint(mix(ctx.hazed(SNOW, depth), ctx.plan.palette.light, 0.2)))
        ctx.canvas.translate(0, size * 0.05)
        ctx.canvas.drawPath(path, paint(body))
        ctx.canvas.restore()
    if depth > 0.4:
        fog_band(ctx, base, size * 0.35, 0.35 * depth)


@painter(Ground)
def ground(ctx: Ctx, el: Ground) -> None:
    """The ground plane from the horizon down: hazed far, darker and richer near."""
    pal = ctx.plan.palette
    base = {"meadow": pal.ground, "sand": SAND, "snow": SNOW, "moon": MOON}[el.surface]
    lit = mix(base, pal.light, 0.25)
    near = mix(scale(base, 0.55), pal.ambient, 0.3)
    far = ctx.hazed(mix(lit, pal.ambient, 0.2), 0.55)
    top = ctx.horizon - 2
    if el.surface == "snow":
        near = mix(base, pal.ambient, 0.4)
    grad = vertical_gradient(top, ctx.h, [(0, far, 1), (0.35, mix(far, near, 0.5), 1), (1, near, 1)])
    path = skia.Path()
    if el.shore:
        rng = ctx.rng(el.seed)
        y0 = ctx.horizon + (ctx.h - ctx.horizon) * rng.uniform(0.25, 0.4)
        y1 = ctx.horizon + (ctx.h - ctx.horizon) * rng.uniform(0.05, 0.2)
        if rng.random() < 0.5:
            y0, y1 = y1, y0
        path.moveTo(0, y0)
        path.cubicTo(ctx.w * 0.35, y0, ctx.w * 0.65, y1, ctx.w, y1)
        path.lineTo(ctx.w, ctx.h)
        path.lineTo(0, ctx.h)
        path.close()
        ctx.canvas.drawPath(path, paint(mix(far, (255, 255, 255), 0.5), 0.8, stroke=5 * ctx.unit))
        grad = vertical_gradient(min(y0, y1), ctx.h, [(0, far, 1), (1, near, 1)])
    else:
        path.addRect(skia.Rect.MakeLTRB(0, top, ctx.w, ctx.h))
    ctx.canvas.drawPath(path, grad)
    lt = ctx.plan.light
    if lt.visible and ctx.plan.light.kind == "sun":
        pool = skia.GradientShader.MakeRadial(skia.Point(lt.x, ctx.horizon), ctx.w * 0.45,
                                              [skia.ColorSetARGB(90, *pal.light), skia.ColorSetARGB(0, *pal.light)])
        p = skia.Paint(AntiAlias=True, Shader=pool, BlendMode=skia.BlendMode.kScreen)
        ctx.canvas.save()
        ctx.canvas.clipPath(path, doAntiAlias=True)
        ctx.canvas.scale(1, 0.35)
        ctx.canvas.translate(0, ctx.horizon / 0.35 - ctx.horizon)
        ctx.canvas.drawCircle(lt.x, ctx.horizon, ctx.w * 0.45, p)
        ctx.canvas.restore()


def _blob(x: float, y: float, r: float, rng: np.random.Generator, flat: float = 0.6) -> skia.Path:
    pts = []
    for k in range(9):
        a = math.pi + k * math.pi / 8
        rr = r * rng.uniform(0.75, 1.1)
        pts.append((x + math.cos(a) * rr, y + math.sin(a) * rr * flat))
    return path_from_points(pts, close_to=y + r * 0.15)


@painter(Rocks)
def rocks(ctx: Ctx, el: Rocks) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    path = skia.Path()
    count = 2 + int(rng.integers(0, 3))
    for _ in range(count):
        side = rng.choice([0.0, 1.0])
        x = ctx.w * (side + (1 - 2 * side) * rng.uniform(0.0, 0.22))
        y = ctx.h * rng.uniform(0.9, 1.02) if depth < 0.2 else baseline(ctx, depth) + ctx.h * rng.uniform(0, 0.1)
        r = ctx.h * rng.uniform(0.06, 0.16) * (1.4 if depth < 0.2 else 0.6)
        path.addPath(_blob(x, y, r, rng))
    body = ctx.land(depth, mix(ctx.plan.palette.silhouette, (70, 70, 80), 0.3))
    draw_rimmed(ctx, path, body, depth, 4 * ctx.unit)


@painter(Islands)
def islands(ctx: Ctx, el: Islands) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    path = skia.Path()
    for _ in range(int(rng.integers(1, 3))):
        cx, wid = ctx.w * rng.uniform(0.05, 0.95), ctx.w * rng.uniform(0.12, 0.3)
        hgt = ctx.horizon * rng.uniform(0.04, 0.12)
        xs = np.linspace(cx - wid / 2, cx + wid / 2, 30)
        prof = np.sin(np.linspace(0, math.pi, 30)) ** 0.7 * (0.7 + 0.3 * _profile(rng, 30, 0.5))
        pts = list(zip(xs.tolist(), (ctx.horizon - hgt * prof).tolist(), strict=True))
        path.addPath(path_from_points(pts, close_to=ctx.horizon + 1))
    draw_rimmed(ctx, path, ctx.land(depth), depth, 2 * ctx.unit)


@painter(Mesas)
def mesas(ctx: Ctx, el: Mesas) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    body = ctx.land(depth, mix((150, 80, 60), ctx.plan.palette.silhouette, 0.5))
    path = skia.Path()
    for _ in range(int(rng.integers(2, 4))):
        cx, wid = ctx.w * rng.uniform(0, 1), ctx.w * rng.uniform(0.1, 0.25)
        hgt = ctx.horizon * rng.uniform(0.08, 0.2)
        slope = wid * 0.15
        path.addPath(path_from_points([(cx - wid / 2 - slope, ctx.horizon), (cx - wid / 2, ctx.horizon - hgt),
                                       (cx + wid / 2, ctx.horizon - hgt * rng.uniform(0.85, 1)),
                                       (cx + wid / 2 + slope, ctx.horizon)], close_to=ctx.horizon + 2))
    draw_rimmed(ctx, path, body, depth, 3 * ctx.unit)
    fog_band(ctx, ctx.horizon, ctx.h * 0.04, 0.4)


@painter(Dunes)
def dunes(ctx: Ctx, el: Dunes) -> None:
    """Sand dunes: a lit slope and a shaded slope split at a crest line."""
    rng = ctx.rng(el.seed)
    depth = el.depth
    base = baseline(ctx, depth)
    amp = el.top * (ctx.h - ctx.horizon) * 0.6
    xs = np.linspace(-10, ctx.w + 10, 90)
    ys = base - amp * (0.3 + 0.7 * _profile(rng, 90, 0.1))
    pts = list(zip(xs.tolist(), ys.tolist(), strict=True))
    path = path_from_points(pts, close_to=ctx.h)
    pal = ctx.plan.palette
    lit, shade = ctx.hazed(mix(SAND, pal.light, 0.35), depth), ctx.hazed(mix(scale(SAND, 0.55), pal.ambient, 0.4), depth)
    side = ctx.toward_light(ctx.w / 2)
    grad = skia.GradientShader.MakeLinear(
        [skia.Point(0, float(ys.min())), skia.Point(0, base + amp)],
        [skia.ColorSetRGB(*lit), skia.ColorSetRGB(*mix(lit, shade, 0.6))])
    ctx.canvas.drawPath(path, skia.Paint(AntiAlias=True, Shader=grad))
    ctx.canvas.drawPath(path_from_points(pts), paint(mix(lit, (255, 255, 255), 0.3), 0.7,
                                                     stroke=2.5 * ctx.unit))
    ctx.canvas.save()
    ctx.canvas.clipPath(path, doAntiAlias=True)
    ctx.canvas.translate(side * amp * 0.6, amp * 0.25)
    ctx.canvas.drawPath(path, paint(shade, 0.45))
    ctx.canvas.restore()


@painter(Drifts)
def drifts(ctx: Ctx, el: Drifts) -> None:
    rng = ctx.rng(el.seed)
    path = skia.Path()
    for side in (0, 1):
        x = ctx.w * side
        path.addPath(_blob(x, ctx.h * 1.02, ctx.h * rng.uniform(0.12, 0.2), rng, flat=0.5))
    body = mix(SNOW, ctx.plan.palette.ambient, 0.45)
    draw_rimmed(ctx, path, body, 0.05, 5 * ctx.unit)


@painter(Flowers)
def flowers(ctx: Ctx, el: Flowers) -> None:
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    colours = [pal.accent, pal.accent2, (255, 240, 120), (255, 255, 255), (240, 90, 120)]
    n = int(260 * el.density)
    span = ctx.h - ctx.horizon
    for _ in range(n):
        t = float(rng.power(1.8))
        y = ctx.horizon + span * (0.08 + 0.92 * t)
        x = float(rng.uniform(0, ctx.w))
        r = (1.5 + 9 * t * t) * ctx.unit
        c = colours[int(rng.integers(0, len(colours)))]
        ctx.canvas.drawCircle(x, y, r, paint(ctx.hazed(mix(c, pal.ambient, 0.2), 0.8 * (1 - t)), 0.9))


@painter(Hedges)
def hedges(ctx: Ctx, el: Hedges) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    base = baseline(ctx, depth)
    path = skia.Path()
    x = 0.0
    while x < ctx.w:
        r = ctx.h * rng.uniform(0.04, 0.07)
        path.addCircle(x, base - r * 0.6, r)
        x += r * 1.2
    path.addRect(skia.Rect.MakeLTRB(0, base - ctx.h * 0.04, ctx.w, base + 2))
    draw_rimmed(ctx, path, ctx.land(depth, mix(ctx.plan.palette.silhouette, (40, 80, 40), 0.4)), depth,
                3 * ctx.unit)


@painter(Shore)
def shore(ctx: Ctx, el: Shore) -> None:
    rng = ctx.rng(el.seed)
    y = ctx.h * rng.uniform(0.84, 0.9)
    xs = np.linspace(-5, ctx.w + 5, 50)
    ys = y - ctx.h * 0.04 * _profile(rng, 50, 0.2)
    pts = list(zip(xs.tolist(), ys.tolist(), strict=True))
    draw_rimmed(ctx, path_from_points(pts, close_to=ctx.h), ctx.land(0.2, ctx.plan.palette.ground), 0.2,
                3 * ctx.unit)


@painter(Craters)
def craters(ctx: Ctx, el: Craters) -> None:
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    for _ in range(9):
        t = float(rng.uniform(0.05, 1))
        y = ctx.horizon + (ctx.h - ctx.horizon) * t
        r = ctx.h * 0.05 * (0.3 + t)
        x = float(rng.uniform(0, ctx.w))
        oval = skia.Rect.MakeXYWH(x - r, y - r * 0.3, 2 * r, r * 0.6)
        ctx.canvas.drawOval(oval, paint(mix(scale(MOON, 0.45), pal.ambient, 0.3)))
        ctx.canvas.drawOval(oval, paint(mix(MOON, pal.light, 0.3), 0.6, stroke=2 * ctx.unit))


@painter(Seabed)
def seabed(ctx: Ctx, el: Seabed) -> None:
    pal = ctx.plan.palette
    rng = ctx.rng(el.seed)
    for depth in (0.8, 0.55):
        base = ctx.h * (0.8 if depth > 0.7 else 0.88)
        prof = _profile(rng, 60, 0.6)
        xs = np.linspace(-5, ctx.w + 5, 60)
        ys = base - ctx.h * 0.18 * (1 - depth) * 2 * prof
        draw_rimmed(ctx, path_from_points(list(zip(xs.tolist(), ys.tolist(), strict=True)), close_to=ctx.h),
                    ctx.land(depth, mix(pal.silhouette, (30, 60, 80), 0.5)), depth, 3 * ctx.unit)
    sand = vertical_gradient(ctx.h * 0.86, ctx.h, [(0, ctx.hazed(SAND, 0.5), 1), (1, mix(SAND, pal.ambient, 0.5), 1)])
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, ctx.h * 0.9, ctx.w, ctx.h), sand)


@painter(Seaweed)
def seaweed(ctx: Ctx, el: Seaweed) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    tall = bool(el.tall)
    col = ctx.land(depth, (30, 110, 70))
    for _ in range(10 if not tall else 5):
        x = float(rng.uniform(0, ctx.w)) if not tall else ctx.w * float(rng.choice([rng.uniform(0, 0.15),
                                                                                        rng.uniform(0.85, 1)]))
        hgt = ctx.h * rng.uniform(0.2, 0.45) * (1.6 if tall else 1)
        path = skia.Path()
        path.moveTo(x, ctx.h)
        phase = float(rng.random()) * 6
        for k in range(1, 9):
            path.lineTo(x + math.sin(phase + k * 0.9) * 18 * ctx.unit, ctx.h - hgt * k / 8)
        ctx.canvas.drawPath(path, paint(col, 0.95, stroke=(14 if tall else 8) * ctx.unit))
