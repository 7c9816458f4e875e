"""Out-of-focus framing at the edges: trunks, hanging leaves, grass, ferns, a plant.

Drawn dark and blurred at quarter resolution (cheap), with a rim toward the
light, so the eye reads depth and goes to the subject.
"""

from __future__ import annotations

import math

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, mix, paint, scale, soft_layer
from frameloom.engines.compose.elements import Ferns, Grass, Leaves, Plant, Trunk
from frameloom.engines.compose.painters.context import Ctx, painter


def _dark(ctx: Ctx) -> RGB:
    pal = ctx.plan.palette
    return scale(mix(pal.silhouette, pal.ambient, 0.15), 0.45)


def _free_side(ctx: Ctx) -> float:
    """The frame edge (0 or 1) farther from the main subject."""
    if not ctx.plan.subjects:
        return 0.0
    return 0.0 if ctx.plan.subjects[0].x > ctx.w / 2 else 1.0


@painter(Trunk)
def trunk(ctx: Ctx, el: Trunk) -> None:
    rng = ctx.rng(el.seed)
    side = _free_side(ctx)
    wid = ctx.w * float(rng.uniform(0.05, 0.08))
    x = side * ctx.w + (1 - 2 * side) * wid * 0.3
    dark = _dark(ctx)
    rim = mix(dark, ctx.plan.palette.light, 0.45)
    lit_side = ctx.toward_light(x)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=6 * ctx.unit) as fg:
        fg.drawRect(skia.Rect.MakeXYWH(x - wid / 2 + lit_side * 4 * ctx.unit, -10, wid, ctx.h + 20), paint(rim))
        fg.drawRect(skia.Rect.MakeXYWH(x - wid / 2, -10, wid, ctx.h + 20), paint(dark))


def _leaf(path: skia.Path, x: float, y: float, size: float, angle: float) -> None:
    leaf = skia.Path()
    leaf.moveTo(0, 0)
    leaf.quadTo(size * 0.5, -size * 0.35, size, 0)
    leaf.quadTo(size * 0.5, size * 0.35, 0, 0)
    m = skia.Matrix()
    m.setRotate(math.degrees(angle))
    m.postTranslate(x, y)
    leaf.transform(m)
    path.addPath(leaf)


@painter(Leaves)
def leaves(ctx: Ctx, el: Leaves) -> None:
    rng = ctx.rng(el.seed)
    big = bool(el.big)
    path = skia.Path()
    for corner in (0.0, 1.0):
        if rng.random() < 0.25 and not big:
            continue
        cx = corner * ctx.w
        for _ in range(int(rng.integers(40, 70))):
            r = float(rng.exponential(0.07)) * ctx.w * (1.5 if big else 1.0)
            a = float(rng.uniform(0, math.pi / 2))
            x = cx + (1 - 2 * corner) * math.cos(a) * r
            y = math.sin(a) * r * 0.7 - ctx.h * 0.02
            size = ctx.h * float(rng.uniform(0.03, 0.06)) * (1.8 if big else 1.0)
            _leaf(path, x, y, size, float(rng.uniform(0, 2 * math.pi)))
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=5 * ctx.unit) as fg:
        fg.drawPath(path, paint(_dark(ctx)))


@painter(Grass)
def grass(ctx: Ctx, el: Grass) -> None:
    """Blades along the bottom edge: sharp thin ones in the field, blurred dark ones in front."""
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    dune = bool(el.dune)
    path = skia.Path()
    count = 140 if not dune else 60
    for _ in range(count):
        x = float(rng.uniform(-20, ctx.w + 20))
        if dune and ctx.w * 0.25 < x < ctx.w * 0.75:
            continue
        base = ctx.h + 5
        hgt = ctx.h * float(rng.uniform(0.04, 0.16))
        bend = float(rng.uniform(-0.5, 0.5)) * hgt
        path.moveTo(x - 3 * ctx.unit, base)
        path.quadTo(x + bend * 0.3, base - hgt * 0.6, x + bend, base - hgt)
        path.quadTo(x + bend * 0.3 + 3 * ctx.unit, base - hgt * 0.6, x + 3 * ctx.unit, base)
        path.close()
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=4 * ctx.unit) as fg:
        fg.drawPath(path, paint(_dark(ctx)))
    _field_blades(ctx, rng, pal.light)


def _field_blades(ctx: Ctx, rng: np.random.Generator, light: RGB) -> None:
    """Fine blades scattered on the ground plane, catching the light."""
    span = ctx.h - ctx.horizon
    path = skia.Path()
    for _ in range(500):
        t = float(rng.power(2.0))
        y = ctx.horizon + span * (0.15 + 0.85 * t)
        x = float(rng.uniform(0, ctx.w))
        hgt = (3 + 16 * t) * ctx.unit
        lean = float(rng.uniform(-0.4, 0.4)) * hgt
        path.moveTo(x, y)
        path.lineTo(x + lean, y - hgt)
    col = mix(ctx.hazed(ctx.plan.palette.ground, 0.4), light, 0.35)
    ctx.canvas.drawPath(path, paint(col, 0.45, stroke=1.2 * ctx.unit))


@painter(Ferns)
def ferns(ctx: Ctx, el: Ferns) -> None:
    rng = ctx.rng(el.seed)
    path = skia.Path()
    for side in (0.0, 1.0):
        for _ in range(4):
            bx = side * ctx.w + (1 - 2 * side) * float(rng.uniform(0, 0.15)) * ctx.w
            for k in range(9):
                a = -math.pi / 2 + (k - 4) * 0.28 + float(rng.uniform(-0.1, 0.1))
                size = ctx.h * float(rng.uniform(0.16, 0.3))
                _leaf(path, bx, ctx.h + 10, size, a)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=5 * ctx.unit) as fg:
        fg.drawPath(path, paint(_dark(ctx)))


@painter(Plant)
def plant(ctx: Ctx, el: Plant) -> None:
    rng = ctx.rng(el.seed)
    side = _free_side(ctx)
    x = ctx.w * (0.06 if side == 0 else 0.94)
    pot_w, pot_h = ctx.w * 0.05, ctx.h * 0.09
    path = skia.Path()
    for k in range(12):
        a = -math.pi / 2 + (k - 5.5) * 0.22
        _leaf(path, x, ctx.h - pot_h, ctx.h * float(rng.uniform(0.1, 0.18)), a)
    path.addRect(skia.Rect.MakeXYWH(x - pot_w / 2, ctx.h - pot_h, pot_w, pot_h))
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=5 * ctx.unit) as fg:
        fg.drawPath(path, paint(_dark(ctx)))
