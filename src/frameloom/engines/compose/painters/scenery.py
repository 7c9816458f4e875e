"""Scenery no emoji draws that runs across the frame: roads, paths, rivers,
cliffs, caves, waterfalls, auroras, a window sill, a studio sweep, the
seasons' petals and leaves.

Each one is a general recipe in the scene's palette: colours come hazed by
depth from the context, edges facing the light get the rim, water mirrors
the sky's colours, so the same recipe fits dawn, noon or a neon night.
"""

from __future__ import annotations

import math

import numpy as np
import skia

from frameloom.engines.compose.canvas import (
    RGB,
    mix,
    paint,
    radial_paint,
    scale,
    soft_layer,
    vertical_gradient,
)
from frameloom.engines.compose.elements import (
    Aurora,
    Blossoms,
    Bridge,
    Cave,
    Cliff,
    Path,
    RiverBank,
    Road,
    Studio,
    Waterfall,
    Windowsill,
)
from frameloom.engines.compose.painters.context import Ctx, draw_rimmed, painter

ROCK: RGB = (112, 104, 98)
EARTH: RGB = (168, 136, 96)
ASPHALT: RGB = (64, 64, 70)
PLUS = skia.BlendMode.kPlus


def _band(ctx: Ctx, side: float, near_w: float, far_w: float, wiggle: float, rng: np.random.Generator,
          bottom: float | None = None) -> tuple[skia.Path, list[tuple[float, float]]]:
    """A band from the frame's bottom to the horizon, narrowing with distance
    (perspective), bending by ``wiggle``; returns its outline and its centre line."""
    top = ctx.horizon + 1
    bottom = ctx.h + 2 if bottom is None else bottom
    far_x = ctx.w * (0.5 + 0.3 * side)
    near_x = ctx.w * (0.5 - 0.12 * side)
    phase = float(rng.uniform(0, 6.28))
    centre: list[tuple[float, float]] = []
    left: list[tuple[float, float]] = []
    right: list[tuple[float, float]] = []
    for k in range(41):
        t = k / 40  # 0 at the horizon, 1 at the bottom
        y = top + (bottom - top) * t
        x = far_x + (near_x - far_x) * t + math.sin(phase + t * 5.0) * wiggle * ctx.w * t * (1 - t) * 2
        half = (far_w + (near_w - far_w) * t**1.2) * ctx.w / 2
        centre.append((x, y))
        left.append((x - half, y))
        right.append((x + half, y))
    path = skia.Path()
    path.moveTo(*left[0])
    for p in left[1:]:
        path.lineTo(*p)
    for p in reversed(right):
        path.lineTo(*p)
    path.close()
    return path, centre


def _ground_shade(ctx: Ctx, colour: RGB) -> skia.Paint:
    """A surface lying on the ground: hazy far, darker near, in the scene's light."""
    pal = ctx.plan.palette
    far = ctx.hazed(mix(colour, pal.light, 0.2), 0.6)
    near = mix(scale(colour, 0.7), pal.ambient, 0.3)
    return vertical_gradient(ctx.horizon, ctx.h, [(0, far, 1), (1, near, 1)])


@painter(Road)
def road(ctx: Ctx, el: Road) -> None:
    rng = ctx.rng(el.seed)
    path, centre = _band(ctx, el.side, 0.95, 0.015, 0.06, rng)
    ctx.canvas.drawPath(path, _ground_shade(ctx, ASPHALT))
    ctx.canvas.drawPath(path, paint(mix(ASPHALT, ctx.plan.palette.light, 0.4), 0.7, stroke=3 * ctx.unit))
    dash = mix((240, 220, 150), ctx.plan.palette.light, 0.3)
    for k in range(1, len(centre) - 1, 3):
        (x0, y0), (x1, y1) = centre[k], centre[k + 1]
        t = min(max((y0 - ctx.horizon) / max(ctx.h - ctx.horizon, 1), 0.0), 1.0)
        ctx.canvas.drawLine(x0, y0, x1, y1, paint(ctx.hazed(dash, 0.6 * (1 - t)), 0.9, stroke=(1 + 10 * t) * ctx.unit))


@painter(Path)
def footpath(ctx: Ctx, el: Path) -> None:
    rng = ctx.rng(el.seed)
    path, centre = _band(ctx, el.side, 0.42, 0.01, 0.22, rng)
    ctx.canvas.drawPath(path, _ground_shade(ctx, EARTH))
    stones = scale(EARTH, 0.75)
    for _ in range(60):
        x, y = centre[int(rng.integers(5, len(centre)))]
        t = min(max((y - ctx.horizon) / max(ctx.h - ctx.horizon, 1), 0.0), 1.0)
        r = (2 + 9 * t) * ctx.unit
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(x + float(rng.normal(0, 0.08 * t)) * ctx.w, y, r * 2, r),
                            paint(ctx.hazed(stones, 0.5 * (1 - t)), 0.8))


@painter(RiverBank)
def river_bank(ctx: Ctx, el: RiverBank) -> None:
    """Water that mirrors the sky's gradient, a pale glint line, a darker bank along each edge."""
    rng = ctx.rng(el.seed)
    pal = ctx.plan.palette
    path, _ = _band(ctx, el.side, 0.75, 0.04, 0.3, rng)
    bank = mix(mix(pal.ground, (150, 130, 100), 0.4), pal.ambient, 0.3)
    ctx.canvas.drawPath(path, paint(bank, 0.8, stroke=10 * ctx.unit, blur=3 * ctx.unit))
    water = vertical_gradient(ctx.horizon, ctx.h, [(0, pal.sky_horizon, 1), (0.5, pal.sky_mid, 1),
                                                   (1, mix(pal.sky_top, (20, 60, 90), 0.4), 1)])
    ctx.canvas.drawPath(path, water)
    ctx.canvas.save()
    ctx.canvas.clipPath(path, doAntiAlias=True)
    glint = mix(pal.light, (255, 255, 255), 0.4)
    for _ in range(40):
        y = ctx.horizon + (ctx.h - ctx.horizon) * float(rng.power(1.5))
        x = float(rng.uniform(0, ctx.w))
        ln = (8 + 40 * (y - ctx.horizon) / ctx.h) * ctx.unit
        ctx.canvas.drawLine(x, y, x + ln, y, paint(glint, 0.35, stroke=2 * ctx.unit))
    ctx.canvas.restore()


def _rock_face(ctx: Ctx, side: float, top: float, width: float, rng: np.random.Generator,
               depth: float) -> skia.Path:
    """A jagged vertical face rising from the frame's bottom to ``top`` on one side."""
    edge = ctx.w if side > 0 else 0.0
    inner = edge - side * width
    pts = [(edge, ctx.h + 5), (edge, top)]
    steps = 14
    for k in range(steps + 1):
        t = k / steps
        x = edge - side * width * (0.55 + 0.45 * t) + side * float(rng.uniform(-0.04, 0.04)) * ctx.w
        y = top + (ctx.h + 5 - top) * t ** 1.3
        pts.append((x, y + float(rng.uniform(-0.01, 0.01)) * ctx.h))
    pts.append((inner, ctx.h + 5))
    path = skia.Path()
    path.moveTo(*pts[0])
    for p in pts[1:]:
        path.lineTo(*p)
    path.close()
    return path


@painter(Cliff)
def cliff(ctx: Ctx, el: Cliff) -> None:
    rng = ctx.rng(el.seed)
    depth = 0.3
    path = _rock_face(ctx, el.side, ctx.horizon * 0.35, ctx.w * 0.3, rng, depth)
    body = ctx.land(depth, mix(ROCK, ctx.plan.palette.silhouette, 0.35))
    draw_rimmed(ctx, path, body, depth, 6 * ctx.unit)
    ctx.canvas.save()
    ctx.canvas.clipPath(path, doAntiAlias=True)
    for k in range(9):  # strata
        y = ctx.horizon * 0.4 + k * ctx.h * 0.07 + float(rng.uniform(-8, 8)) * ctx.unit
        ctx.canvas.drawLine(0, y, ctx.w, y + ctx.h * 0.03 * el.side, paint(scale(body, 0.7), 0.6, stroke=4 * ctx.unit))
    grass = mix(ctx.plan.palette.ground, ctx.plan.palette.light, 0.2)
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, 0, ctx.w, ctx.horizon * 0.35 + 12 * ctx.unit), paint(grass))
    ctx.canvas.restore()


@painter(Cave)
def cave(ctx: Ctx, el: Cave) -> None:
    """A rock mound standing back on one side, its dark mouth breathing a little haze."""
    rng = ctx.rng(el.seed)
    depth = 0.4
    cx = ctx.w * (0.5 + 0.3 * el.side)
    base = ctx.horizon + (ctx.h - ctx.horizon) * 0.35
    r = ctx.w * 0.26
    mound = skia.Path()
    pts = []
    for k in range(25):
        a = math.pi + math.pi * k / 24
        rr = r * float(rng.uniform(0.85, 1.05))
        pts.append((cx + math.cos(a) * rr, base + math.sin(a) * rr * 0.75))
    mound.moveTo(cx - r, base + 4)
    for p in pts:
        mound.lineTo(*p)
    mound.lineTo(cx + r, base + 4)
    mound.close()
    draw_rimmed(ctx, mound, ctx.land(depth, mix(ROCK, ctx.plan.palette.silhouette, 0.4)), depth, 5 * ctx.unit)
    mouth = skia.Path()
    mw, mh = r * 0.62, r * 0.5
    mouth.moveTo(cx - mw / 2, base + 2)
    mouth.cubicTo(cx - mw / 2, base - mh * 1.2, cx + mw / 2, base - mh * 1.2, cx + mw / 2, base + 2)
    mouth.close()
    ctx.canvas.drawPath(mouth, paint((10, 8, 10)))
    ctx.canvas.drawPath(mouth, paint(ctx.plan.palette.haze, 0.25, stroke=4 * ctx.unit, blur=6 * ctx.unit))


@painter(Waterfall)
def waterfall(ctx: Ctx, el: Waterfall) -> None:
    """A rocky cliff behind the scene, green along its top, a bright sheet of
    water down a notch in it, foam and mist boiling at its foot."""
    rng = ctx.rng(el.seed)
    depth = 0.3
    pal = ctx.plan.palette
    cx = ctx.w * (0.5 + 0.22 * el.side)
    top = ctx.horizon * 0.3
    base = ctx.horizon + (ctx.h - ctx.horizon) * 0.22
    pts = [(cx - ctx.w * 0.3, base)]
    for k in range(13):
        t = k / 12
        bump = float(rng.uniform(-0.03, 0.03)) * ctx.h
        # a rounded crag: highest over the fall, falling away to each side
        pts.append((cx - ctx.w * 0.28 + ctx.w * 0.56 * t, top + bump + ctx.h * 0.22 * (abs(t - 0.5) * 2) ** 1.6))
    pts.append((cx + ctx.w * 0.3, base))
    wall = skia.Path()
    wall.moveTo(*pts[0])
    for pt in pts[1:]:
        wall.lineTo(*pt)
    wall.close()
    rock = ctx.land(depth, mix((104, 88, 76), pal.silhouette, 0.3))
    draw_rimmed(ctx, wall, rock, depth, 4 * ctx.unit)
    ctx.canvas.save()
    ctx.canvas.clipPath(wall, doAntiAlias=True)
    moss = ctx.hazed(mix(pal.ground, (40, 110, 50), 0.5), depth)
    ridge = skia.Path()
    ridge.moveTo(*pts[1])
    for pt in pts[2:-1]:
        ridge.lineTo(*pt)
    ctx.canvas.drawPath(ridge, paint(moss, stroke=ctx.h * 0.07))
    for _ in range(16):  # cracks and ledges down the rock, not courses of a wall
        x = cx + float(rng.uniform(-0.3, 0.3)) * ctx.w
        y = float(rng.uniform(top, base))
        crack = skia.Path()
        crack.moveTo(x, y)
        crack.lineTo(x + float(rng.uniform(-0.02, 0.02)) * ctx.w, y + float(rng.uniform(0.04, 0.12)) * ctx.h)
        ctx.canvas.drawPath(crack, paint(scale(rock, 0.7), 0.6, stroke=3 * ctx.unit))
    ctx.canvas.restore()
    fall_w = ctx.w * 0.1
    fall_top = top + ctx.h * 0.03
    water = mix((225, 240, 250), pal.light, 0.2)
    sheet = skia.Path()  # narrow at the lip, spreading as it falls
    sheet.moveTo(cx - fall_w * 0.4, fall_top)
    sheet.lineTo(cx + fall_w * 0.4, fall_top)
    sheet.lineTo(cx + fall_w * 0.62, base)
    sheet.lineTo(cx - fall_w * 0.62, base)
    sheet.close()
    ctx.canvas.drawPath(sheet, vertical_gradient(fall_top, base, [(0, mix(water, (150, 200, 230), 0.35), 1),
                                                                (1, water, 1)]))
    for _ in range(40):
        x = cx + float(rng.uniform(-0.4, 0.4)) * fall_w
        ctx.canvas.drawLine(x, fall_top + float(rng.uniform(0, 0.3)) * (base - fall_top), x * 1.0 + (x - cx) * 0.5, base,
                            paint(mix(water, (120, 170, 200), 0.35), 0.5, stroke=float(rng.uniform(1, 4)) * ctx.unit))
    pool = skia.Rect.MakeXYWH(cx - ctx.w * 0.22, base - ctx.h * 0.015, ctx.w * 0.44, ctx.h * 0.08)
    ctx.canvas.drawOval(pool, paint(mix(pal.sky_mid, (30, 100, 130), 0.45)))
    for _ in range(18):
        r = ctx.h * float(rng.uniform(0.02, 0.045))
        ctx.canvas.drawCircle(cx + float(rng.uniform(-0.7, 0.7)) * fall_w, base + float(rng.uniform(-0.5, 0.8)) * r,
                              r, paint((250, 252, 255), 0.85))
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=30 * ctx.unit) as mist:
        mist.drawOval(skia.Rect.MakeXYWH(cx - ctx.w * 0.18, base - ctx.h * 0.1, ctx.w * 0.36, ctx.h * 0.14),
                      paint((255, 255, 255), 0.7))


@painter(Bridge)
def bridge(ctx: Ctx, el: Bridge) -> None:
    """The structure recipe drawn straight onto the scene, wider than the frame,
    through a colour filter that tints it by the scene's light and haze (a
    frame-wide sprite would cost a whole relighting pass)."""
    from frameloom.engines.compose.painters.structures import ASPECT, RECIPES

    pal = ctx.plan.palette
    w = ctx.w * 1.1
    h = w / ASPECT["bridge"] * 0.6  # a lower, longer span than the standing structure
    base = ctx.horizon + (ctx.h * 0.93 - ctx.horizon) * 0.25
    tint = scale(mix(pal.ambient, pal.light, 0.4), 0.95)
    haze = scale(pal.haze, ctx.haze_amount(0.4))
    m, a = [c / 255 for c in tint], [c / 255 for c in haze]  # colour * tint + haze, per channel
    layer = skia.Paint(ColorFilter=skia.ColorFilters.Matrix([m[0], 0, 0, 0, a[0], 0, m[1], 0, 0, a[1],
                                                             0, 0, m[2], 0, a[2], 0, 0, 0, 1, 0]))
    ctx.canvas.saveLayer(skia.Rect.MakeXYWH(0, base - h, ctx.w, h), layer)
    ctx.canvas.translate((ctx.w - w) / 2, base - h)
    RECIPES["bridge"](ctx.canvas, w, h, ctx.rng(el.seed))
    ctx.canvas.restore()


@painter(Aurora)
def aurora(ctx: Ctx, el: Aurora) -> None:
    """Curtains of light: vertical strokes along a few slow waves, green at the foot, violet above."""
    rng = ctx.rng(el.seed)
    green, violet = (80, 255, 170), (170, 90, 255)
    with soft_layer(ctx.canvas, ctx.w, ctx.h, blur=18 * ctx.unit, blend=PLUS) as sky:
        for band in range(3):
            phase, amp = float(rng.uniform(0, 6.28)), float(rng.uniform(0.05, 0.12))
            y0 = ctx.horizon * float(rng.uniform(0.25, 0.5))
            reach = ctx.horizon * float(rng.uniform(0.25, 0.4))
            for k in range(90):
                t = k / 89
                x = ctx.w * (-0.05 + 1.1 * t)
                y = y0 + math.sin(phase + t * 6.0) * amp * ctx.h
                fade = math.sin(math.pi * t) ** 0.7 * (0.5 + 0.5 * math.sin(phase * 3 + t * 23))
                shader = skia.GradientShader.MakeLinear(
                    [skia.Point(x, y - reach), skia.Point(x, y)],
                    [skia.Color4f(violet[0] / 255, violet[1] / 255, violet[2] / 255, 0.0).toColor(),
                     skia.ColorSetARGB(int(120 * fade), *violet),
                     skia.ColorSetARGB(int(230 * fade), *green)], [0.0, 0.55, 1.0])
                sky.drawRect(skia.Rect.MakeXYWH(x, y - reach, ctx.w * 0.016, reach),
                             skia.Paint(AntiAlias=True, Shader=shader))
            del band


@painter(Windowsill)
def windowsill(ctx: Ctx, el: Windowsill) -> None:
    """A painted sill across the frame with the window's frame at the sides and top."""
    pal = ctx.plan.palette
    top = el.top * ctx.h
    wood = mix((236, 230, 218), pal.ambient, 0.3)
    frame = mix(wood, (0, 0, 0), 0.15)
    bar = ctx.w * 0.045
    for x in (0.0, ctx.w - bar):
        ctx.canvas.drawRect(skia.Rect.MakeXYWH(x, 0, bar, top), paint(frame))
    ctx.canvas.drawRect(skia.Rect.MakeXYWH(0, 0, ctx.w, bar * 0.8), paint(frame))
    ledge = ctx.h * 0.05
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, top - ledge, ctx.w, top + ctx.h * 0.015),
                        vertical_gradient(top - ledge, top, [(0, mix(wood, pal.light, 0.35), 1), (1, wood, 1)]))
    wall = mix((200, 190, 176), pal.ambient, 0.5)
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, top + ctx.h * 0.015, ctx.w, ctx.h),
                        vertical_gradient(top, ctx.h, [(0, scale(wall, 0.75), 1), (1, scale(wall, 0.45), 1)]))


@painter(Studio)
def studio(ctx: Ctx, el: Studio) -> None:
    """A seamless sweep: the wall curving into the floor, a soft pool of key light, a darker fall-off."""
    pal = ctx.plan.palette
    base = (208, 204, 198) if el.look == "product" else (92, 100, 112)
    tone = mix(base, pal.accent, 0.12)
    floor = ctx.horizon
    ctx.canvas.drawRect(skia.Rect.MakeLTRB(0, 0, ctx.w, ctx.h), vertical_gradient(
        0, ctx.h, [(0, scale(tone, 0.7), 1), (floor / ctx.h * 0.85, tone, 1), (floor / ctx.h, scale(tone, 1.08), 1),
                   (1, scale(tone, 0.82), 1)]))
    cx = ctx.plan.subjects[0].x if ctx.plan.subjects else ctx.w / 2
    r = ctx.w * 0.5
    ctx.canvas.drawCircle(cx, floor * 0.7, r, radial_paint(cx, floor * 0.7, r, [(0, (255, 255, 255), 0.35),
                                                                            (1, (255, 255, 255), 0)]))
    ctx.canvas.save()
    ctx.canvas.scale(1, 0.25)
    fy = (floor + (ctx.h - floor) * 0.45) / 0.25
    ctx.canvas.drawCircle(cx, fy, r * 0.9, radial_paint(cx, fy, r * 0.9, [(0, (255, 255, 255), 0.3),
                                                                       (1, (255, 255, 255), 0)]))
    ctx.canvas.restore()


@painter(Blossoms)
def blossoms(ctx: Ctx, el: Blossoms) -> None:
    """Falling petals (spring) or leaves (autumn), sharper near, softer far."""
    rng = ctx.rng(el.seed)
    colours = [(255, 190, 210), (255, 220, 232), (240, 160, 190)] if el.season == "spring" else \
        [(214, 110, 40), (236, 160, 50), (180, 70, 40), (200, 140, 60)]
    for _ in range(160):
        x, y = float(rng.uniform(0, ctx.w)), float(rng.uniform(0, ctx.h))
        r = float(rng.uniform(5, 14)) * ctx.unit
        c = mix(colours[int(rng.integers(0, len(colours)))], ctx.plan.palette.light, 0.15)
        ctx.canvas.save()
        ctx.canvas.translate(x, y)
        ctx.canvas.rotate(float(rng.uniform(0, 360)))
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(-r, -r * 0.5, 2 * r, r), paint(c, 0.85))
        ctx.canvas.restore()
