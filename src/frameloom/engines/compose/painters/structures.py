"""Procedural art for things no emoji draws: a lighthouse, a tent, a table...

Each recipe draws one structure in flat colours with simple form shading
into its own RGBA array, like an emoji sprite; the subject painter then
relights it with the scene's one light exactly as it relights emoji art, so
structures and emoji sit in the same light. Sizes are fractions of the
sprite's height ``h``; ``ASPECT`` gives each one's width.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, Array, mix, new_layer, paint, scale, surface

Recipe = Callable[[skia.Canvas, float, float, np.random.Generator], None]
RECIPES: dict[str, Recipe] = {}
# width over height of each structure's sprite
ASPECT: dict[str, float] = {}
# where things rest on a structure: a share of its height from the ground
TOP: dict[str, float] = {}

WHITE: RGB = (236, 234, 228)
RED: RGB = (196, 52, 46)
STONE: RGB = (150, 146, 140)
WOOD: RGB = (138, 90, 52)
DARK_WOOD: RGB = (92, 58, 34)


def recipe(key: str, aspect: float, top: float) -> Callable[[Recipe], Recipe]:
    def register(fn: Recipe) -> Recipe:
        RECIPES[key], ASPECT[key], TOP[key] = fn, aspect, top
        return fn

    return register


def draw_structure(key: str, height: int) -> Array:
    """The structure ``key`` drawn ``height`` px tall, premultiplied RGBA."""
    w = max(8, int(round(height * ASPECT[key])))
    pixels = new_layer(w, height)
    canvas = surface(pixels).getCanvas()
    rng = np.random.default_rng(sum(map(ord, key)))  # the same look at every size
    RECIPES[key](canvas, float(w), float(height), rng)
    return pixels


def _poly(points: list[tuple[float, float]]) -> skia.Path:
    path = skia.Path()
    path.moveTo(*points[0])
    for p in points[1:]:
        path.lineTo(*p)
    path.close()
    return path


def _shaded_rect(c: skia.Canvas, x: float, y: float, w: float, h: float, colour: RGB, r: float = 0.0) -> None:
    """A box with a lighter left half and a darker right: form the relighting can turn."""
    rect = skia.Rect.MakeXYWH(x, y, w, h)
    shader = skia.GradientShader.MakeLinear([skia.Point(x, 0), skia.Point(x + w, 0)],
                                            [skia.Color(*scale(colour, 1.12)), skia.Color(*scale(colour, 0.72))])
    c.drawRoundRect(rect, r, r, skia.Paint(AntiAlias=True, Shader=shader))


@recipe("lighthouse", 0.42, 1.0)
def lighthouse(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A tapered tower in red and white bands, a gallery, a glowing lantern room, a red dome."""
    cx = w / 2
    base_w, top_w = w * 0.62, w * 0.36
    tower_top, tower_bot = h * 0.26, h * 0.97
    tower = _poly([(cx - base_w / 2, tower_bot), (cx - top_w / 2, tower_top), (cx + top_w / 2, tower_top),
                   (cx + base_w / 2, tower_bot)])
    shader = skia.GradientShader.MakeLinear([skia.Point(cx - base_w / 2, 0), skia.Point(cx + base_w / 2, 0)],
                                            [skia.Color(*WHITE), skia.Color(*scale(WHITE, 0.7))])
    c.drawPath(tower, skia.Paint(AntiAlias=True, Shader=shader))
    c.save()
    c.clipPath(tower, doAntiAlias=True)
    bands = 4
    for k in range(bands):
        y0 = tower_top + (tower_bot - tower_top) * (k + 0.5) / (bands + 0.5)
        band = skia.Rect.MakeLTRB(0, y0, w, y0 + (tower_bot - tower_top) / (bands + 0.5) * 0.5)
        c.drawRect(band, skia.Paint(AntiAlias=True, Shader=skia.GradientShader.MakeLinear(
            [skia.Point(cx - base_w / 2, 0), skia.Point(cx + base_w / 2, 0)],
            [skia.Color(*scale(RED, 1.1)), skia.Color(*scale(RED, 0.65))])))
    c.restore()
    for k in range(3):  # small windows up the tower
        y = tower_top + (tower_bot - tower_top) * (0.2 + 0.25 * k)
        c.drawRoundRect(skia.Rect.MakeXYWH(cx - w * 0.035, y, w * 0.07, h * 0.035), 2, 2, paint((40, 44, 60)))
    gallery = tower_top - h * 0.015
    c.drawRect(skia.Rect.MakeXYWH(cx - top_w * 0.72, gallery, top_w * 1.44, h * 0.022), paint((50, 50, 56)))
    room_h = h * 0.09
    room = skia.Rect.MakeXYWH(cx - top_w * 0.36, gallery - room_h, top_w * 0.72, room_h)
    c.drawRect(room, paint((255, 236, 150)))
    for k in range(1, 3):
        x = room.left() + room.width() * k / 3
        c.drawLine(x, room.top(), x, room.bottom(), paint((50, 50, 56), stroke=max(1.0, w * 0.012)))
    c.drawRect(room, paint((50, 50, 56), stroke=max(1.0, w * 0.014)))
    dome = skia.Path()
    dome.addArc(skia.Rect.MakeXYWH(room.left() - w * 0.02, room.top() - room_h * 0.8, room.width() + w * 0.04,
                                   room_h * 1.6), 180, 180)
    dome.close()
    c.drawPath(dome, paint(RED))
    c.drawLine(cx, room.top() - room_h * 0.8, cx, room.top() - room_h * 1.15, paint((50, 50, 56), stroke=w * 0.02))
    c.drawRect(skia.Rect.MakeXYWH(cx - base_w * 0.6, tower_bot - h * 0.005, base_w * 1.2, h * 0.03),
               paint(STONE))


@recipe("camping tent", 1.5, 0.6)
def tent(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """An A-frame tent: two lit and shaded flanks, a dark open door, guy ropes and pegs."""
    apex = (w * 0.5, h * 0.04)
    left, right, ground = (w * 0.06, h * 0.97), (w * 0.94, h * 0.97), h * 0.97
    body = (226, 120, 48)
    c.drawPath(_poly([apex, left, (w * 0.5, ground)]), paint(scale(body, 1.1)))
    c.drawPath(_poly([apex, (w * 0.5, ground), right]), paint(scale(body, 0.78)))
    c.drawPath(_poly([(w * 0.5, h * 0.3), (w * 0.36, ground), (w * 0.64, ground)]), paint((48, 30, 26)))
    c.drawPath(_poly([(w * 0.5, h * 0.3), (w * 0.36, ground), (w * 0.41, ground)]), paint(scale(body, 0.6)))
    c.drawLine(apex[0], apex[1], apex[0], h * 0.3, paint(scale(body, 0.55), stroke=w * 0.008))
    rope = paint((210, 200, 180), 0.9, stroke=max(1.0, w * 0.004))
    c.drawLine(apex[0], apex[1], 0, ground, rope)
    c.drawLine(apex[0], apex[1], w, ground, rope)


@recipe("campfire ring", 2.2, 0.4)
def campfire_ring(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A ring of stones round crossed logs, embers glowing between them."""
    cx, cy = w / 2, h * 0.72
    c.drawOval(skia.Rect.MakeXYWH(w * 0.12, h * 0.5, w * 0.76, h * 0.42), paint((60, 34, 24)))
    c.drawOval(skia.Rect.MakeXYWH(w * 0.3, h * 0.58, w * 0.4, h * 0.22), paint((255, 140, 50)))
    for a, length in ((-0.35, 0.62), (0.35, 0.62), (0.0, 0.5)):
        dx, dy = math.cos(a) * w * length / 2, math.sin(a) * h * 0.3
        c.drawLine(cx - dx, cy + dy, cx + dx, cy - dy, paint(DARK_WOOD, stroke=h * 0.16))
        c.drawCircle(cx + dx, cy - dy, h * 0.08, paint((196, 150, 100)))
    for k in range(14):
        a = 2 * math.pi * k / 14
        sx, sy = cx + math.cos(a) * w * 0.42, cy + math.sin(a) * h * 0.26
        r = h * float(rng.uniform(0.13, 0.18))
        tone = float(rng.uniform(0.85, 1.15))
        c.drawOval(skia.Rect.MakeXYWH(sx - r * 1.2, sy - r * 0.8, r * 2.4, r * 1.6), paint(scale(STONE, tone * 0.7)))
        c.drawOval(skia.Rect.MakeXYWH(sx - r * 1.0, sy - r * 0.8, r * 1.9, r * 1.2), paint(scale(STONE, tone)))


@recipe("pedestal", 0.75, 1.0)
def pedestal(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A marble plinth: a cap, a fluted shaft, a stepped base."""
    marble = (226, 222, 214)
    _shaded_rect(c, 0, 0, w, h * 0.09, marble, w * 0.02)
    _shaded_rect(c, w * 0.12, h * 0.09, w * 0.76, h * 0.74, scale(marble, 0.95))
    for k in range(1, 5):
        x = w * 0.12 + w * 0.76 * k / 5
        c.drawLine(x, h * 0.11, x, h * 0.81, paint(scale(marble, 0.75), 0.7, stroke=max(1.0, w * 0.012)))
    _shaded_rect(c, w * 0.05, h * 0.83, w * 0.9, h * 0.08, marble)
    _shaded_rect(c, 0, h * 0.91, w, h * 0.09, scale(marble, 0.92), w * 0.01)


def _table(c: skia.Canvas, w: float, h: float, drawer: bool) -> None:
    top_h = h * 0.16
    c.drawPath(_poly([(w * 0.06, 0), (w * 0.94, 0), (w, top_h * 0.7), (0, top_h * 0.7)]),
               paint(scale(WOOD, 1.2)))
    _shaded_rect(c, 0, top_h * 0.7, w, top_h * 0.4, WOOD)
    leg = w * 0.05
    for x in (w * 0.04, w * 0.91):
        _shaded_rect(c, x, top_h * 1.1, leg, h - top_h * 1.1, DARK_WOOD)
    if drawer:
        _shaded_rect(c, w * 0.58, top_h * 1.1, w * 0.37, h * 0.45, WOOD)
        for k in range(2):
            y = top_h * 1.1 + h * 0.45 * (k + 0.5) / 2
            c.drawLine(w * 0.72, y, w * 0.8, y, paint((60, 40, 24), stroke=h * 0.02))


@recipe("table", 1.9, 1.0)
def table(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    _table(c, w, h, drawer=False)


@recipe("desk", 1.9, 1.0)
def desk(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    _table(c, w, h, drawer=True)


@recipe("shelf", 0.75, 1.0)
def shelf(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A bookcase: a frame, four shelves of books of many heights and colours."""
    _shaded_rect(c, 0, 0, w, h, DARK_WOOD)
    inner = skia.Rect.MakeLTRB(w * 0.07, h * 0.04, w * 0.93, h * 0.96)
    c.drawRect(inner, paint(scale(DARK_WOOD, 0.55)))
    books = [(150, 50, 50), (50, 90, 150), (60, 130, 70), (200, 160, 60), (120, 70, 140), (220, 220, 210)]
    rows = 4
    row_h = inner.height() / rows
    for r in range(rows):
        y1 = inner.top() + (r + 1) * row_h
        x = inner.left() + w * 0.01
        while x < inner.right() - w * 0.06:
            bw = w * float(rng.uniform(0.04, 0.08))
            bh = row_h * float(rng.uniform(0.62, 0.86))
            _shaded_rect(c, x, y1 - bh - h * 0.012, bw, bh, books[int(rng.integers(0, len(books)))])
            x += bw + w * 0.006
        _shaded_rect(c, 0, y1 - h * 0.014, w, h * 0.026, WOOD)


@recipe("iceberg", 1.7, 0.88)
def iceberg(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """Jagged ice: a sunlit face, a cold blue shaded face, a pale waterline."""
    n = 9
    xs = np.linspace(0, w, n)
    peaks = [(float(x), h * (0.95 - 0.9 * math.sin(math.pi * k / (n - 1)) ** 0.8 * float(rng.uniform(0.7, 1.0))))
             for k, x in enumerate(xs)]
    outline = [(0.0, h), *peaks, (w, h)]
    c.drawPath(_poly(outline), paint((236, 246, 252)))
    ridge = int(np.argmin([p[1] for p in peaks]))
    shade = [peaks[ridge], *peaks[ridge + 1:], (w, h), (peaks[ridge][0] + w * 0.08, h)]
    c.drawPath(_poly(shade), paint((150, 196, 228)))
    for _k in range(4):
        x = w * float(rng.uniform(0.15, 0.85))
        c.drawLine(x, h * float(rng.uniform(0.3, 0.6)), x + w * 0.04, h, paint((180, 214, 236), 0.7, stroke=w * 0.01))
    c.drawRect(skia.Rect.MakeXYWH(0, h * 0.94, w, h * 0.06), paint((200, 230, 246)))


@recipe("wall", 3.2, 1.0)
def wall(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """Courses of stone blocks, offset every other row, a capstone along the top."""
    rows = 5
    row_h = h * 0.9 / rows
    c.drawRect(skia.Rect.MakeXYWH(0, h * 0.08, w, h * 0.92), paint(scale(STONE, 0.55)))
    for r in range(rows):
        y = h * 0.1 + r * row_h
        x = -row_h * (0.8 if r % 2 else 0.0)
        while x < w:
            bw = row_h * float(rng.uniform(1.4, 2.2))
            tone = float(rng.uniform(0.82, 1.12))
            _shaded_rect(c, max(x, 0) + h * 0.008, y + h * 0.008, min(bw, w - max(x, 0)) - h * 0.016,
                         row_h - h * 0.016, scale(mix(STONE, (170, 140, 110), float(rng.random()) * 0.4), tone),
                         h * 0.01)
            x += bw
    _shaded_rect(c, -w * 0.01, 0, w * 1.02, h * 0.1, scale(STONE, 1.1), h * 0.01)


@recipe("fence", 3.2, 1.0)
def fence(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """White pickets on two rails."""
    paint_colour = (232, 228, 216)
    for y in (0.35, 0.72):
        _shaded_rect(c, 0, h * y, w, h * 0.08, scale(paint_colour, 0.85))
    pickets = max(5, int(w / (h * 0.24)))
    step = w / pickets
    for k in range(pickets):
        x = k * step + step * 0.18
        pw = step * 0.64
        c.drawPath(_poly([(x, h), (x, h * 0.1), (x + pw / 2, 0), (x + pw, h * 0.1), (x + pw, h)]),
                   paint(paint_colour))
        c.drawRect(skia.Rect.MakeXYWH(x + pw * 0.6, h * 0.1, pw * 0.4, h * 0.9), paint(scale(paint_colour, 0.78)))


@recipe("bridge", 3.6, 0.72)
def bridge(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A stone arch bridge: a deck with a parapet, three arches over the water."""
    deck = h * 0.28
    body = skia.Path()
    body.addRect(skia.Rect.MakeXYWH(0, deck, w, h - deck))
    arches = 3
    span = w / arches
    for k in range(arches):
        arch = skia.Path()
        x0 = k * span + span * 0.12
        arch.addArc(skia.Rect.MakeXYWH(x0, h * 0.5, span * 0.76, h * 1.0), 180, 180)
        arch.lineTo(x0 + span * 0.76, h)
        arch.lineTo(x0, h)
        arch.close()
        body = skia.Op(body, arch, skia.PathOp.kDifference_PathOp) or body
    shader = skia.GradientShader.MakeLinear([skia.Point(0, deck), skia.Point(0, h)],
                                            [skia.Color(*scale(STONE, 1.05)), skia.Color(*scale(STONE, 0.7))])
    c.drawPath(body, skia.Paint(AntiAlias=True, Shader=shader))
    c.save()
    c.clipPath(body, doAntiAlias=True)
    for r in range(6):
        y = deck + (h - deck) * r / 6
        c.drawLine(0, y, w, y, paint(scale(STONE, 0.6), 0.6, stroke=max(1.0, h * 0.008)))
    c.restore()
    _shaded_rect(c, 0, h * 0.14, w, h * 0.14, scale(STONE, 0.95))
    for k in range(int(w / (h * 0.12))):
        c.drawRect(skia.Rect.MakeXYWH(k * h * 0.12, h * 0.14, h * 0.02, h * 0.14), paint(scale(STONE, 0.6), 0.6))


@recipe("branch", 2.6, 0.58)
def branch(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A bough reaching in from the left edge, twigs and leaves along it; things perch at 55 % of its height."""
    bark = (84, 56, 36)
    limb = skia.Path()
    limb.moveTo(0, h * 0.3)
    limb.cubicTo(w * 0.35, h * 0.36, w * 0.7, h * 0.4, w, h * 0.43)
    limb.cubicTo(w * 0.7, h * 0.54, w * 0.35, h * 0.66, 0, h * 0.74)
    limb.close()
    c.drawPath(limb, paint(bark))
    c.drawLine(0, h * 0.36, w, h * 0.43, paint(scale(bark, 1.4), 0.7, stroke=h * 0.04))
    leaf = (70, 130, 60)
    for k in range(22):
        x = w * float(rng.uniform(0.02, 0.97))
        y = h * 0.45
        a = float(rng.uniform(-2.7, -0.4)) if k % 3 else float(rng.uniform(0.4, 2.7))
        size = h * float(rng.uniform(0.3, 0.45))
        tip_x, tip_y = x + math.cos(a) * size, y + math.sin(a) * size
        c.drawLine(x, y, (x + tip_x) / 2, (y + tip_y) / 2, paint(bark, stroke=h * 0.025))
        lf = skia.Path()
        mx, my = (x + tip_x) / 2, (y + tip_y) / 2
        nx, ny = -math.sin(a) * size * 0.25, math.cos(a) * size * 0.25
        lf.moveTo(mx, my)
        lf.quadTo(mx + (tip_x - mx) * 0.5 + nx, my + (tip_y - my) * 0.5 + ny, tip_x, tip_y)
        lf.quadTo(mx + (tip_x - mx) * 0.5 - nx, my + (tip_y - my) * 0.5 - ny, mx, my)
        c.drawPath(lf, paint(scale(leaf, float(rng.uniform(0.75, 1.25)))))


@recipe("bench", 2.0, 0.5)
def bench(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A park bench: slatted seat and back on iron legs."""
    iron = (44, 46, 50)
    for x in (w * 0.1, w * 0.84):
        c.drawRect(skia.Rect.MakeXYWH(x, h * 0.05, w * 0.05, h * 0.95), paint(iron))
    for k in range(3):
        _shaded_rect(c, 0, h * (0.08 + 0.12 * k), w, h * 0.09, WOOD, h * 0.02)
    _shaded_rect(c, -w * 0.02, h * 0.48, w * 1.04, h * 0.1, scale(WOOD, 1.1), h * 0.02)
    _shaded_rect(c, -w * 0.01, h * 0.58, w * 1.02, h * 0.06, scale(WOOD, 0.8), h * 0.02)


@recipe("hot air balloon", 0.78, 1.0)
def hot_air_balloon(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """An envelope in bright gores narrowing to its mouth, ropes down to a wicker basket."""
    colours = [(220, 60, 60), (250, 200, 60), (60, 120, 200), (250, 250, 240), (90, 170, 90)]
    first = int(rng.integers(0, len(colours)))
    envelope = skia.Path()
    cx, top, belly, mouth = w / 2, 0.0, h * 0.36, h * 0.7
    envelope.moveTo(cx - w * 0.12, mouth)
    envelope.cubicTo(cx - w * 0.62, h * 0.5, cx - w * 0.58, top, cx, top)
    envelope.cubicTo(cx + w * 0.58, top, cx + w * 0.62, h * 0.5, cx + w * 0.12, mouth)
    envelope.close()
    c.drawPath(envelope, paint(colours[first]))
    c.save()
    c.clipPath(envelope, doAntiAlias=True)
    gores = 6
    for k in range(gores):
        if k % 2:
            continue
        x0 = w * k / gores
        band = skia.Path()
        band.moveTo(cx, top - h * 0.05)
        band.cubicTo(x0 - w * 0.1, belly * 0.4, x0, belly, cx + (x0 - cx) * 0.2, mouth)
        band.lineTo(cx + (x0 + w / gores - cx) * 0.2, mouth)
        band.cubicTo(x0 + w / gores, belly, x0 + w / gores + w * 0.1, belly * 0.4, cx, top - h * 0.05)
        c.drawPath(band, paint(colours[(first + 1 + k // 2) % len(colours)]))
    shade = skia.GradientShader.MakeLinear([skia.Point(0, 0), skia.Point(w, 0)],
                                           [skia.ColorSetARGB(0, 0, 0, 0), skia.ColorSetARGB(90, 0, 0, 0)])
    c.drawRect(skia.Rect.MakeWH(w, h), skia.Paint(AntiAlias=True, Shader=shade))
    c.restore()
    rope = paint((90, 70, 50), stroke=max(1.0, w * 0.008))
    basket = skia.Rect.MakeXYWH(cx - w * 0.1, h * 0.86, w * 0.2, h * 0.14)
    for x0, x1 in ((cx - w * 0.1, basket.left()), (cx + w * 0.1, basket.right())):
        c.drawLine(x0, mouth, x1, basket.top(), rope)
    _shaded_rect(c, basket.left(), basket.top(), basket.width(), basket.height(), (150, 104, 60), w * 0.01)


@recipe("blossom tree", 1.05, 1.0)
def blossom_tree(c: skia.Canvas, w: float, h: float, rng: np.random.Generator) -> None:
    """A cherry tree in flower: a dark forked trunk under clouds of pink blossom."""
    bark = (80, 52, 44)
    trunk = skia.Path()
    trunk.moveTo(w * 0.44, h)
    trunk.cubicTo(w * 0.46, h * 0.75, w * 0.4, h * 0.6, w * 0.3, h * 0.45)
    trunk.lineTo(w * 0.36, h * 0.43)
    trunk.cubicTo(w * 0.48, h * 0.58, w * 0.52, h * 0.5, w * 0.66, h * 0.4)
    trunk.lineTo(w * 0.7, h * 0.44)
    trunk.cubicTo(w * 0.58, h * 0.58, w * 0.56, h * 0.75, w * 0.58, h)
    trunk.close()
    c.drawPath(trunk, paint(bark))
    pinks = [(248, 180, 200), (255, 206, 222), (236, 150, 180), (255, 226, 236)]
    for k in range(26):
        a = float(rng.uniform(0, 2 * math.pi))
        r = float(rng.uniform(0, 1)) ** 0.5
        x = w / 2 + math.cos(a) * r * w * 0.36
        y = h * 0.33 + math.sin(a) * r * h * 0.22
        rad = w * float(rng.uniform(0.1, 0.17))
        c.drawCircle(x, y, rad, paint(scale(pinks[k % len(pinks)], 0.88 if y > h * 0.38 else 1.0)))
