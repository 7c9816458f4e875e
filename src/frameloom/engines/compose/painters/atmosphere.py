"""What hangs in the air in front of everything: rain, snow, fog, motes,
lightning, underwater light rays and bubbles, and the horizon haze."""

from __future__ import annotations

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, mix, paint, radial_paint, soft_layer, vertical_gradient
from frameloom.engines.compose.elements import (
    Bubbles,
    Fog,
    HazeBand,
    Lightning,
    Motes,
    Rain,
    Rays,
    Room,
    Snowfall,
    Table,
)
from frameloom.engines.compose.painters.context import Ctx, painter

PLUS = skia.BlendMode.kPlus


@painter(HazeBand)
def haze_band(ctx: Ctx, el: HazeBand) -> None:
    haze = ctx.plan.palette.haze
    band = ctx.h * 0.12
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, ctx.horizon - band, ctx.w, ctx.horizon + band * 0.5),
                        vertical_gradient(ctx.horizon - band, ctx.horizon + band * 0.5,
                                          [(0, haze, 0), (0.7, haze, 0.28), (1, haze, 0)]))


@painter(Rain)
def rain(ctx: Ctx, el: Rain) -> None:
    rng = ctx.rng(el.seed)
    heavy = el.heavy
    colour = mix(ctx.plan.palette.haze, (255, 255, 255), 0.5)
    slant = float(rng.uniform(0.1, 0.25))
    far, near = skia.Path(), skia.Path()
    for k in range(900 if heavy else 550):
        x, y = float(rng.uniform(-0.1, 1.1)) * ctx.w, float(rng.uniform(0, 1)) * ctx.h
        length = ctx.h * float(rng.uniform(0.02, 0.05)) * (2.2 if k % 5 == 0 else 1)
        target = near if k % 5 == 0 else far
        target.moveTo(x, y)
        target.lineTo(x - slant * length, y + length)
    ctx.canvas.drawPath(far, paint(colour, 0.22, stroke=1.1 * ctx.unit))
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=3 * ctx.unit, factor=2) as fg:
        fg.drawPath(near, paint(colour, 0.35, stroke=3 * ctx.unit))


@painter(Lightning)
def lightning(ctx: Ctx, el: Lightning) -> None:
    rng = ctx.rng(el.seed)
    x = ctx.w * float(rng.uniform(0.2, 0.8))
    y = 0.0
    path = skia.Path()
    path.moveTo(x, y)
    while y < ctx.horizon * 0.95:
        y += ctx.h * float(rng.uniform(0.03, 0.07))
        x += ctx.w * float(rng.uniform(-0.03, 0.03))
        path.lineTo(x, y)
    glow = (200, 210, 255)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=30 * ctx.unit, blend=PLUS) as halo:
        halo.drawPath(path, paint(glow, 0.9, stroke=18 * ctx.unit))
    ctx.canvas.drawPath(path, paint((245, 245, 255), 1.0, stroke=3 * ctx.unit))


@painter(Snowfall)
def snowfall(ctx: Ctx, el: Snowfall) -> None:
    rng = ctx.rng(el.seed)
    for _ in range(500):
        ctx.canvas.drawCircle(float(rng.uniform(0, ctx.w)), float(rng.uniform(0, ctx.h)),
                              float(rng.uniform(1, 3.5)) * ctx.unit, paint((250, 252, 255), 0.8))
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=6 * ctx.unit) as fg:
        for _ in range(40):
            fg.drawCircle(float(rng.uniform(0, ctx.w)), float(rng.uniform(0, ctx.h)),
                          float(rng.uniform(8, 18)) * ctx.unit, paint((250, 252, 255), 0.7))


@painter(Fog)
def fog(ctx: Ctx, el: Fog) -> None:
    haze = ctx.plan.palette.haze
    rng = ctx.rng(el.seed)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=60 * ctx.unit, factor=8) as layer:
        for _ in range(14):
            cx, cy = float(rng.uniform(0, ctx.w)), ctx.horizon + float(rng.uniform(-0.15, 0.25)) * ctx.h
            layer.drawOval(skia.Rect.MakeXYWH(cx - ctx.w * 0.25, cy - ctx.h * 0.06, ctx.w * 0.5, ctx.h * 0.12),
                           paint(haze, 0.45))
    ctx.canvas.drawRect(skia.Rect.MakeWH(ctx.w, ctx.h), paint(haze, 0.18))


@painter(Motes)
def motes(ctx: Ctx, el: Motes) -> None:
    """Dust in the light, or fireflies at night: small additive glows."""
    rng = ctx.rng(el.seed)
    fireflies = el.fireflies
    colour = (255, 220, 120) if fireflies else mix(ctx.plan.palette.light, (255, 255, 255), 0.3)
    for _ in range(90 if fireflies else 60):
        x, y = float(rng.uniform(0, ctx.w)), ctx.horizon + float(rng.uniform(-0.25, 0.35)) * ctx.h
        r = float(rng.uniform(1.2, 3.2)) * ctx.unit
        ctx.canvas.drawCircle(x, y, r * 4, radial_paint(x, y, r * 4, [(0, colour, 0.5), (1, colour, 0)], PLUS))
        ctx.canvas.drawCircle(x, y, r * 0.6, paint(colour, 0.9, blend=PLUS))


@painter(Rays)
def rays(ctx: Ctx, el: Rays) -> None:
    rng = ctx.rng(el.seed)
    colour = mix(ctx.plan.palette.light, (180, 240, 255), 0.5)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=20 * ctx.unit, blend=PLUS) as layer:
        for _ in range(7):
            x = float(rng.uniform(0, ctx.w))
            top_w, spread = ctx.w * float(rng.uniform(0.02, 0.05)), ctx.w * float(rng.uniform(0.05, 0.15))
            path = skia.Path()
            path.moveTo(x, 0)
            path.lineTo(x + top_w, 0)
            path.lineTo(x + top_w + spread + ctx.w * 0.1, ctx.h * 0.9)
            path.lineTo(x + ctx.w * 0.1, ctx.h * 0.9)
            path.close()
            layer.drawPath(path, vertical_gradient(0, ctx.h * 0.9, [(0, colour, 0.35), (1, colour, 0)]))


@painter(Bubbles)
def bubbles(ctx: Ctx, el: Bubbles) -> None:
    rng = ctx.rng(el.seed)
    for _ in range(40):
        x, y = float(rng.uniform(0, ctx.w)), float(rng.uniform(0, ctx.h))
        r = float(rng.uniform(2, 12)) * ctx.unit
        ctx.canvas.drawCircle(x, y, r, paint((220, 245, 255), 0.55, stroke=1.5 * ctx.unit))
        ctx.canvas.drawCircle(x - r * 0.35, y - r * 0.35, r * 0.25, paint((255, 255, 255), 0.7))


@painter(Room)
def room(ctx: Ctx, el: Room) -> None:
    """An interior: a wall with a window onto the sky, shelves, a floor in perspective."""
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    floor_y = ctx.horizon
    wall = mix((120, 92, 74), pal.ambient, 0.45)
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, 0, ctx.w, floor_y),
                        vertical_gradient(0, floor_y, [(0, mix(wall, (0, 0, 0), 0.45), 1), (1, wall, 1)]))
    win_x = ctx.w * (0.5 + float(rng.uniform(-0.12, 0.12)))
    win = skia.Rect.MakeXYWH(win_x - ctx.w * 0.13, ctx.h * 0.12, ctx.w * 0.26, floor_y * 0.55)
    ctx.canvas.drawRect(win, vertical_gradient(win.top(), win.bottom(),
                                               [(0, pal.sky_top, 1), (0.6, pal.sky_mid, 1), (1, pal.sky_horizon, 1)]))
    moon_x, moon_y = win.left() + win.width() * 0.7, win.top() + win.height() * 0.3
    ctx.canvas.drawCircle(moon_x, moon_y, win.height() * 0.09, paint(mix(pal.light, (255, 255, 255), 0.5)))
    frame = mix(wall, (40, 28, 22), 0.6)
    ctx.canvas.drawRect(win, paint(frame, stroke=14 * ctx.unit))
    ctx.canvas.drawLine(win.centerX(), win.top(), win.centerX(), win.bottom(), paint(frame, stroke=8 * ctx.unit))
    ctx.canvas.drawLine(win.left(), win.centerY(), win.right(), win.centerY(), paint(frame, stroke=8 * ctx.unit))
    ctx.canvas.drawCircle(win.centerX(), win.centerY(), win.width() * 0.9,
                          radial_paint(win.centerX(), win.centerY(), win.width() * 0.9,
                                       [(0, pal.light, 0.18), (1, pal.light, 0)], PLUS))
    if el.shelves:
        _shelves(ctx, rng, win, floor_y, frame)
    floor = mix((110, 70, 45), pal.ambient, 0.4)
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, floor_y, ctx.w, ctx.h),
                        vertical_gradient(floor_y, ctx.h, [(0, floor, 1), (1, mix(floor, (0, 0, 0), 0.5), 1)]))
    for k in range(-12, 13):
        x0 = ctx.w / 2 + k * ctx.w * 0.04
        ctx.canvas.drawLine(x0, floor_y, ctx.w / 2 + k * ctx.w * 0.16, ctx.h,
                            paint(mix(floor, (0, 0, 0), 0.4), 0.5, stroke=2 * ctx.unit))
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, floor_y - 10 * ctx.unit, ctx.w, floor_y), paint(frame))
    lamp_x = ctx.w * (0.15 if win_x > ctx.w / 2 else 0.85)
    ctx.canvas.drawCircle(lamp_x, floor_y * 0.6, ctx.w * 0.35,
                          radial_paint(lamp_x, floor_y * 0.6, ctx.w * 0.35,
                                       [(0, (255, 180, 100), 0.3), (1, (255, 180, 100), 0)], PLUS))


def _shelves(ctx: Ctx, gen: np.random.Generator, win: skia.Rect, floor_y: float, frame: RGB) -> None:
    side_left = win.centerX() > ctx.w / 2
    x0, x1 = (ctx.w * 0.04, win.left() - ctx.w * 0.06) if side_left else (win.right() + ctx.w * 0.06, ctx.w * 0.96)
    if x1 - x0 < ctx.w * 0.1:
        return
    top = ctx.h * 0.1
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(x0, top, x1, floor_y), paint(mix(frame, (0, 0, 0), 0.3)))
    rows = 4
    row_h = (floor_y - top) / rows
    book_colours = [(150, 50, 50), (50, 90, 140), (60, 120, 70), (170, 130, 60), (110, 60, 120)]
    for r in range(rows):
        y = top + r * row_h
        x = x0 + 6 * ctx.unit
        while x < x1 - 20 * ctx.unit:
            bw = float(gen.uniform(10, 24)) * ctx.unit
            bh = row_h * float(gen.uniform(0.6, 0.85))
            c = mix(book_colours[int(gen.integers(0, len(book_colours)))], ctx.plan.palette.ambient, 0.45)
            ctx.canvas.drawRect(skia.Rect.MakeXYWH(x, y + row_h - bh - 6 * ctx.unit, bw, bh), paint(c))
            x += bw + 2 * ctx.unit
        ctx.canvas.drawRect(skia.Rect.MakeXYWH(x0, y + row_h - 6 * ctx.unit, x1 - x0, 8 * ctx.unit), paint(frame))


@painter(Table)
def table(ctx: Ctx, el: Table) -> None:
    """A wooden table top across the frame, lit from the key light's side."""
    pal = ctx.plan.palette
    top = el.top * ctx.h
    wood = mix((130, 84, 52), pal.ambient, 0.35)
    edge = top + ctx.h * 0.035
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, top - ctx.h * 0.06, ctx.w, edge),
                        vertical_gradient(top - ctx.h * 0.06, edge, [(0, mix(wood, pal.light, 0.25), 1), (1, wood, 1)]))
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, edge, ctx.w, ctx.h),
                        vertical_gradient(edge, ctx.h, [(0, mix(wood, (0, 0, 0), 0.35), 1), (1, mix(wood, (0, 0, 0), 0.7), 1)]))
    ctx.canvas.drawLine(0, edge, ctx.w, edge, paint(mix(wood, pal.light, 0.5), 0.8, stroke=2 * ctx.unit))
