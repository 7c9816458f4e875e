"""Cities: skylines with lit windows and neon, and a railing in the foreground."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, mix, paint, scale, soft_layer
from frameloom.engines.compose.elements import Railing, Skyline
from frameloom.engines.compose.painters.context import Ctx, draw_rimmed, painter

PLUS = skia.BlendMode.kPlus
WINDOW_COLOURS: tuple[RGB, ...] = ((255, 214, 140), (255, 190, 110), (170, 210, 255), (255, 150, 220))


@dataclass(frozen=True)
class Building:
    x: float
    w: float
    top: float
    spire: bool


def _buildings(ctx: Ctx, rng: np.random.Generator, el: Skyline) -> list[Building]:
    depth = el.depth
    unit_w = el.width * ctx.w
    tallest = el.top * ctx.horizon
    shortest = el.min_h * ctx.horizon
    keep_out = (el.keep_out or 0.0) * ctx.w / 2
    light_x = ctx.plan.light.x if ctx.plan.light.visible else -1e9
    out: list[Building] = []
    x = -unit_w * float(rng.uniform(0, 0.8))
    while x < ctx.w:
        bw = unit_w * float(rng.uniform(0.6, 1.4))
        centre = x + bw / 2
        hgt = shortest + (tallest - shortest) * float(rng.power(1.6))
        # towers near the frame's edges stand taller: they frame the view
        hgt *= 1 + (el.frame or 0.0) * (abs(centre - ctx.w / 2) / (ctx.w / 2)) ** 2
        hgt = min(hgt, ctx.horizon * 0.98)
        # keep the moon or sun clear of towers, and the main subject clear of near towers
        if abs(centre - light_x) < ctx.w * 0.08 and depth < 0.8:
            hgt = min(hgt, (ctx.horizon - ctx.plan.light.y) * 0.5)
        if keep_out and any(abs(centre - s.x) < keep_out for s in ctx.plan.subjects[:1]):
            hgt *= 0.35
        # near layers leave gaps so the skyline behind them shows through
        if rng.random() >= (el.gaps or 0.0):
            out.append(Building(x, bw * 0.94, ctx.horizon - hgt, rng.random() < 0.12))
        x += bw
    return out


def _windows(ctx: Ctx, b: Building, rng: np.random.Generator, lit: float, depth: float,
             paths: dict[int, skia.Path]) -> None:
    cell = max(3.0, (10 - 6 * depth) * ctx.unit)
    cols = int(b.w // (cell * 1.6))
    rows = int((ctx.horizon - b.top) // (cell * 1.9))
    if cols < 1 or rows < 1:
        return
    on = rng.random((rows, cols)) < lit * float(rng.uniform(0.5, 1.5))
    x0 = b.x + (b.w - cols * cell * 1.6) / 2 + cell * 0.3
    for r, c in zip(*np.nonzero(on), strict=True):
        key = int(rng.integers(0, len(WINDOW_COLOURS)))
        paths.setdefault(key, skia.Path()).addRect(
            skia.Rect.MakeXYWH(x0 + c * cell * 1.6, b.top + cell + r * cell * 1.9, cell, cell * 1.2))


@painter(Skyline)
def skyline(ctx: Ctx, el: Skyline) -> None:
    rng = ctx.rng(el.seed)
    depth = el.depth
    pal = ctx.plan.palette
    buildings = _buildings(ctx, rng, el)
    path = skia.Path()
    for b in buildings:
        path.addRect(skia.Rect.MakeLTRB(b.x, b.top, b.x + b.w, ctx.horizon + 2))
        if b.spire:
            path.moveTo(b.x + b.w * 0.35, b.top)
            path.lineTo(b.x + b.w * 0.5, b.top - b.w * 1.2)
            path.lineTo(b.x + b.w * 0.65, b.top)
            path.close()
    body = ctx.land(depth, mix(pal.silhouette, (40, 40, 70), 0.3))
    draw_rimmed(ctx, path, body, depth, 2.5 * ctx.unit)
    lit = el.lit
    paths: dict[int, skia.Path] = {}
    if lit > 0:
        for b in buildings:
            _windows(ctx, b, rng, lit, depth, paths)
        fade = 1 - ctx.haze_amount(depth) * 0.6
        for key, p in paths.items():
            ctx.canvas.drawPath(p, paint(WINDOW_COLOURS[key], 0.85 * fade))
    else:
        glass = mix(body, pal.sky_mid, 0.25)
        for b in buildings[::2]:
            ctx.canvas.drawRect(skia.Rect.MakeXYWH(b.x + b.w * 0.15, b.top + b.w * 0.2, b.w * 0.7,
                                                   (ctx.horizon - b.top) * 0.9), paint(glass, 0.35))
    if el.neon:
        _neon(ctx, buildings, rng, depth)


def _neon(ctx: Ctx, buildings: list[Building], rng: np.random.Generator, depth: float) -> None:
    """Neon drawn three times: a wide additive halo, a coloured stroke, a near-white core."""
    pal = ctx.plan.palette
    colours = [pal.accent, pal.accent2, (255, 60, 200), (40, 220, 255)]
    strokes: list[tuple[float, float, float, float, RGB]] = []
    for b in buildings:
        if rng.random() > 0.45 or b.w < 20 * ctx.unit:
            continue
        c = colours[int(rng.integers(0, len(colours)))]
        if rng.random() < 0.5:
            y = b.top + (ctx.horizon - b.top) * float(rng.uniform(0.05, 0.5))
            strokes.append((b.x + b.w * 0.1, y, b.x + b.w * 0.9, y, c))
        else:
            x = b.x + b.w * float(rng.choice([0.08, 0.92]))
            y = b.top + (ctx.horizon - b.top) * float(rng.uniform(0.1, 0.4))
            strokes.append((x, y, x, y + (ctx.horizon - b.top) * 0.3, c))
    width = (5 - 3 * depth) * ctx.unit
    boxes = _sign_boxes(ctx, buildings, rng, colours)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=22 * ctx.unit, blend=PLUS) as halo:
        for x0, y0, x1, y1, c in strokes:
            halo.drawLine(x0, y0, x1, y1, paint(c, 0.9, stroke=width * 6))
        for rect, c in boxes:
            halo.drawRect(rect, paint(c, 0.8))
    for rect, c in boxes:
        ctx.canvas.drawRoundRect(rect, 6 * ctx.unit, 6 * ctx.unit, paint(scale(c, 0.25), 0.9))
        ctx.canvas.drawRoundRect(rect, 6 * ctx.unit, 6 * ctx.unit, paint(c, 1.0, stroke=width))
        inner = rect.makeInset(rect.width() * 0.2, rect.height() * 0.3)
        ctx.canvas.drawRect(inner, paint(mix(c, (255, 255, 255), 0.6), 0.9))
    pad = width * 3
    ctx.emitters.extend((min(x0, x1) - pad, min(y0, y1) - pad, abs(x1 - x0) + 2 * pad, abs(y1 - y0) + 2 * pad, c)
                        for x0, y0, x1, y1, c in strokes)
    ctx.emitters.extend((r.left(), r.top(), r.width(), r.height(), c) for r, c in boxes)
    for x0, y0, x1, y1, c in strokes:
        ctx.canvas.drawLine(x0, y0, x1, y1, paint(c, 1.0, stroke=width))
        ctx.canvas.drawLine(x0, y0, x1, y1, paint(mix(c, (255, 255, 255), 0.75), 1.0, stroke=width * 0.35))


@painter(Railing)
def railing(ctx: Ctx, el: Railing) -> None:
    pal = ctx.plan.palette
    col = scale(mix(pal.silhouette, pal.ambient, 0.2), 0.5)
    y = ctx.h * 0.9
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=8 * ctx.unit) as fg:
        fg.drawRect(skia.Rect.MakeLTRB(0, y, ctx.w, y + 14 * ctx.unit), paint(col))
        fg.drawLine(0, y, ctx.w, y, paint(mix(col, pal.light, 0.5), 0.8, stroke=3 * ctx.unit))
        step = ctx.w / 9
        for k in range(10):
            fg.drawRect(skia.Rect.MakeXYWH(k * step, y, 12 * ctx.unit, ctx.h - y), paint(col))


def _sign_boxes(ctx: Ctx, buildings: list[Building], rng: np.random.Generator,
                colours: list[RGB]) -> list[tuple[skia.Rect, RGB]]:
    """Glowing signboards on the wider buildings, kept inside the frame."""
    out = []
    for b in buildings:
        if b.w < 60 * ctx.unit or rng.random() > 0.3:
            continue
        sw, sh = b.w * float(rng.uniform(0.4, 0.7)), b.w * float(rng.uniform(0.15, 0.25))
        x = b.x + (b.w - sw) / 2
        y = b.top + (ctx.horizon - b.top) * float(rng.uniform(0.15, 0.55))
        if x < 0 or x + sw > ctx.w:
            continue
        out.append((skia.Rect.MakeXYWH(x, y, sw, sh), colours[int(rng.integers(0, len(colours)))]))
    return out
