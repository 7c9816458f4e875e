"""Poses: one general table of transforms and drawn props per verb, applied to
any figure (emoji art, a drawn body, a structure), never to one prompt.

A pose bends the assembled figure before it is relit (``bend``): sleeping
lies down (an upright figure turns on its side, a long one settles flat),
running leans into its direction, dancing and surfing tilt, jumping leaves
the ground. Then it adds what the verb needs around the figure, drawn in the
scene's light (``before`` under the figure, ``after`` over it): motion lines
and dust, a "z" over a sleeper, a waterline round a swimmer, a board on a
wave, a watering can and its drops, a fishing line.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, Array, mix, paint, scale
from frameloom.engines.compose.painters.context import Ctx
from frameloom.engines.compose.placement import SubjectPlan

# how far a jumper leaves the ground, as a share of its height
JUMP = 0.32
# tilt in degrees toward the way the figure faces
TILTS = {"running": 14.0, "dancing": 10.0, "surfing": 8.0, "climbing": -6.0, "waving": 4.0}


@dataclass(frozen=True)
class Box:
    """Where a posed figure is drawn: its centre x, the ground y under it, its
    drawn top y, its drawn width and height, and which way it faces (+1 right)."""

    x: float
    ground: float
    top: float
    width: float
    height: float
    facing: float


def lift(s: SubjectPlan) -> float:
    """How far above its base the figure is drawn (px)."""
    return s.height * JUMP if s.pose == "jumping" else 0.0


def bend(pixels: Array, origin_x: float, origin_y: float, s: SubjectPlan) -> tuple[Array, float, float]:
    """The figure array posed, and where its base centre now sits in it."""
    if s.pose == "sleeping":
        return _lie(pixels, s)
    if s.pose == "sitting" and not s.body and pixels.shape[1] > pixels.shape[0] * 1.1:
        return _squash(pixels, 0.82)
    tilt = TILTS.get(s.pose or "")
    if tilt:
        if s.kind == "animal" and not s.body:
            tilt *= 0.4  # a four-legged runner leans less than an upright one
        # cv2 turns counter-clockwise for positive angles: forward for a figure facing left
        return _tilt(pixels, origin_x, origin_y, tilt * (-1 if s.flip else 1))
    return pixels, origin_x, origin_y


def _lie(pixels: Array, s: SubjectPlan) -> tuple[Array, float, float]:
    _h, _w = pixels.shape[:2]
    if s.kind == "animal" and not s.body:  # a four-legged sleeper settles belly down, legs tucked under
        return _tuck(pixels)
    turned = cv2.rotate(pixels, cv2.ROTATE_90_CLOCKWISE if s.flip else cv2.ROTATE_90_COUNTERCLOCKWISE)
    rows = np.nonzero(turned[..., 3].max(axis=1) > 8)[0]
    bottom = float(rows[-1] + 1) if rows.size else float(turned.shape[0])
    return np.ascontiguousarray(turned), turned.shape[1] / 2, bottom


def _tuck(pixels: Array) -> tuple[Array, float, float]:
    """Hide the legs: the figure's lowest quarter goes, its new base fades softly."""
    rows = np.nonzero(pixels[..., 3].max(axis=1) > 8)[0]
    if rows.size == 0:
        return pixels, pixels.shape[1] / 2, float(pixels.shape[0])
    top, bottom = int(rows[0]), int(rows[-1] + 1)
    cut = top + int((bottom - top) * 0.74)
    out = pixels[:cut].copy()
    fade = max(2, int((bottom - top) * 0.04))
    ramp = np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None, None]
    out[cut - fade:] = (out[cut - fade:] * ramp).astype(np.uint8)
    out = cv2.resize(out, (out.shape[1], max(2, int(out.shape[0] * 0.94))), interpolation=cv2.INTER_AREA)
    return out, out.shape[1] / 2, float(out.shape[0]) - fade * 0.5


def _squash(pixels: Array, k: float) -> tuple[Array, float, float]:
    h, w = pixels.shape[:2]
    rows = np.nonzero(pixels[..., 3].max(axis=1) > 8)[0]
    bottom = float(rows[-1] + 1) if rows.size else float(h)
    out = cv2.resize(pixels, (w, max(2, int(h * k))), interpolation=cv2.INTER_AREA)
    return out, w / 2, bottom * k


def _tilt(pixels: Array, ox: float, oy: float, degrees: float) -> tuple[Array, float, float]:
    """Rotate about the base centre so the feet stay where they stand."""
    h, w = pixels.shape[:2]
    pad = int(max(h, w) * 0.25)
    big = cv2.copyMakeBorder(pixels, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0, 0, 0, 0))
    m = cv2.getRotationMatrix2D((ox + pad, oy + pad), degrees, 1.0)
    out = cv2.warpAffine(big, m, (big.shape[1], big.shape[0]), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    return out, ox + pad, oy + pad


def before(ctx: Ctx, s: SubjectPlan, box: Box) -> None:
    """What lies under a posed figure: the wave a surfer rides, the water a swimmer is in."""
    if s.pose == "surfing":
        _wave(ctx, box, s.role != "rider")  # a rider of a drawn wave needs only the board
    if s.pose == "swimming" and s.role != "floater":
        _pool(ctx, box)


def after(ctx: Ctx, s: SubjectPlan, box: Box) -> None:
    """What is drawn over a posed figure."""
    fn = _AFTER.get(s.pose or "")
    if fn is not None:
        fn(ctx, box)


def _ink(ctx: Ctx) -> RGB:
    """A light line colour that reads on this scene."""
    return mix(ctx.plan.palette.light, (255, 255, 255), 0.5)


def _sleep(ctx: Ctx, box: Box) -> None:
    """A trail of z's rising from the sleeper's head, smaller as they go."""
    font = skia.Font(skia.Typeface("DejaVu Sans", skia.FontStyle.Bold()), box.height * 0.22)
    x, y = box.x + box.facing * box.width * 0.25, box.top - box.height * 0.02
    for k in range(3):
        font.setSize(box.height * (0.26 - 0.06 * k))
        ctx.canvas.drawString("z", x + box.facing * k * box.height * 0.16, y - k * box.height * 0.2, font,
                              paint(_ink(ctx), 0.9 - 0.2 * k))


def _run(ctx: Ctx, box: Box) -> None:
    """Speed lines behind the runner and dust kicked up at its heels."""
    back = -box.facing
    ink = _ink(ctx)
    for k in range(4):
        y = box.top + box.height * (0.25 + 0.15 * k)
        x0 = box.x + back * box.width * (0.45 + 0.05 * (k % 2))
        ctx.canvas.drawLine(x0, y, x0 + back * box.height * (0.55 - 0.08 * k), y,
                            paint(ink, 0.75, stroke=box.height * 0.02))
    dust = mix(ctx.plan.palette.ground, ctx.plan.palette.haze, 0.5)
    for k in range(5):
        r = box.height * (0.05 + 0.02 * k)
        ctx.canvas.drawCircle(box.x + back * box.width * (0.3 + 0.12 * k), box.ground - r * 0.6, r,
                              paint(dust, 0.35 - 0.05 * k, blur=r * 0.3))


def _jump(ctx: Ctx, box: Box) -> None:
    """Two arcs under the jumper: it has just left the ground."""
    ink = _ink(ctx)
    for k in (-1, 1):
        x = box.x + k * box.width * 0.25
        path = skia.Path()
        path.moveTo(x, box.top + box.height * 1.05)
        path.quadTo(x + k * box.width * 0.08, box.top + box.height * 1.18, x, box.top + box.height * 1.3)
        ctx.canvas.drawPath(path, paint(ink, 0.55, stroke=box.height * 0.012))


def _water_colour(ctx: Ctx) -> RGB:
    return mix((40, 110, 160), ctx.plan.palette.sky_mid, 0.35)


def _pool(ctx: Ctx, box: Box) -> None:
    """A patch of water round a swimmer who is not already in the sea."""
    rect = skia.Rect.MakeXYWH(box.x - box.width * 1.1, box.ground - box.height * 0.2, box.width * 2.2,
                              box.height * 0.4)
    ctx.canvas.drawOval(rect, paint(_water_colour(ctx), 0.9))


def _swim(ctx: Ctx, box: Box) -> None:
    """The lower part of the swimmer under a waterline (the scene's water, or a
    band of it on dry land), ripples spreading round it."""
    in_water = ctx.plan.setting in ("lake", "ocean", "beach", "underwater")
    line = box.top + box.height * (0.97 if in_water else 0.6)
    if not in_water:
        rect = skia.Rect.MakeLTRB(box.x - box.width * 0.9, line, box.x + box.width * 0.9, box.top + box.height * 1.05)
        ctx.canvas.drawOval(rect, paint(_water_colour(ctx), 0.95, blur=box.height * 0.02))
    for k in range(3):
        w = box.width * (0.7 + 0.3 * k)
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(box.x - w, line - box.height * 0.04 * (k + 1), 2 * w,
                                               box.height * 0.08 * (k + 1)),
                            paint(_ink(ctx), 0.55 - 0.15 * k, stroke=box.height * 0.012))


def _wave(ctx: Ctx, box: Box, with_wave: bool) -> None:
    """A curling wave under the surfer and the board it stands on."""
    if with_wave:
        _curl(ctx, box)
    board = skia.Rect.MakeXYWH(box.x - box.width * 0.75, box.ground - box.height * 0.04, box.width * 1.5,
                               box.height * 0.08)
    ctx.canvas.drawOval(board, paint(scale(ctx.plan.palette.accent, 0.9)))
    ctx.canvas.drawOval(board.makeInset(box.width * 0.2, box.height * 0.025), paint((250, 250, 245), 0.9))


def _curl(ctx: Ctx, box: Box) -> None:
    water = _water_colour(ctx)
    back = -box.facing
    g = box.ground + box.height * 0.08
    path = skia.Path()
    path.moveTo(box.x - box.width * 2.2, g + box.height * 0.3)
    path.cubicTo(box.x - box.width * 0.5, g + box.height * 0.1, box.x + back * box.width * 0.6, g,
                 box.x + back * box.width * 1.1, g - box.height * 0.55)
    path.quadTo(box.x + back * box.width * 1.5, g - box.height * 0.75, box.x + back * box.width * 1.9,
                g - box.height * 0.45)
    path.lineTo(box.x + back * box.width * 2.4, g + box.height * 0.3)
    path.close()
    ctx.canvas.drawPath(path, paint(water))
    ctx.canvas.drawPath(path, paint(mix(water, (255, 255, 255), 0.7), 0.8, stroke=box.height * 0.03))


def _water_plants(ctx: Ctx, box: Box) -> None:
    """A watering can held out in front, drops falling from its spout."""
    f = box.facing
    cx, cy = box.x + f * box.width * 0.55, box.top + box.height * 0.5
    r = box.height * 0.12
    can = (80, 150, 110)
    ctx.canvas.drawRoundRect(skia.Rect.MakeXYWH(cx - r, cy - r * 0.8, 2 * r, 1.6 * r), r * 0.3, r * 0.3,
                             paint(can))
    ctx.canvas.drawLine(cx + f * r * 0.8, cy + r * 0.3, cx + f * r * 2.2, cy - r * 0.7,
                        paint(scale(can, 0.8), stroke=r * 0.3))
    handle = skia.Rect.MakeXYWH(cx - r * 0.9, cy - r * 1.5, r * 1.8, r * 1.6)
    ctx.canvas.drawArc(handle, 180, 180, False, paint(scale(can, 0.7), stroke=r * 0.22))
    drop = mix((140, 200, 255), ctx.plan.palette.light, 0.2)
    for k in range(9):
        t = (k + 1) / 9
        x = cx + f * r * (2.3 + 1.2 * t)
        y = cy - r * 0.7 + (box.ground - cy) * t * t + (k % 3) * r * 0.2
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(x - r * 0.08, y - r * 0.14, r * 0.16, r * 0.28), paint(drop, 0.85))


def _fish(ctx: Ctx, box: Box) -> None:
    """The line from the rod's tip down into the water ahead, a red and white float on it."""
    f = box.facing
    tip_x, tip_y = box.x + f * box.width * 0.75, box.top - box.height * 0.05
    end_x, end_y = tip_x + f * box.height * 0.55, box.ground + box.height * 0.02
    path = skia.Path()
    path.moveTo(tip_x, tip_y)
    path.quadTo(tip_x + f * box.height * 0.45, tip_y + box.height * 0.1, end_x, end_y)
    ctx.canvas.drawPath(path, paint(_ink(ctx), 0.8, stroke=max(1.0, box.height * 0.006)))
    r = box.height * 0.03
    ctx.canvas.drawCircle(end_x, end_y - r, r, paint((220, 40, 40)))
    ctx.canvas.drawRect(skia.Rect.MakeXYWH(end_x - r, end_y - r, 2 * r, r), paint((245, 245, 245)))
    for k in range(2):
        w = r * (3 + 2 * k)
        ctx.canvas.drawOval(skia.Rect.MakeXYWH(end_x - w, end_y - w * 0.15, 2 * w, w * 0.3),
                            paint(_ink(ctx), 0.5, stroke=max(1.0, r * 0.25)))


def _dance(ctx: Ctx, box: Box) -> None:
    """Music notes beside a dancer."""
    font = skia.Font(skia.Typeface("DejaVu Sans"), box.height * 0.16)
    for k, note in enumerate(("\u266a", "\u266b")):
        ctx.canvas.drawString(note, box.x + (1 if k else -1) * box.width * 0.6 - box.height * 0.05,
                              box.top + box.height * (0.2 + 0.15 * k), font, paint(_ink(ctx), 0.85))


_AFTER = {"sleeping": _sleep, "running": _run, "jumping": _jump, "swimming": _swim, "watering": _water_plants,
          "fishing": _fish, "dancing": _dance}

