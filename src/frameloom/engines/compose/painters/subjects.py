"""Subjects: emoji artwork assembled into figures, relit by the scene's light,
standing on cast shadows.

A figure is one subject plus what it holds; head-only animal art gets a drawn
body in the art's own colours, seated, with paws over what it holds. The
whole figure is relit at once so that the light is consistent across parts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
import skia

from frameloom.engines.compose.art import base_colour, colours, sprite
from frameloom.engines.compose.canvas import RGB, Array, mix, new_layer, paint, radial_paint, scale, surface
from frameloom.engines.compose.painters import poses
from frameloom.engines.compose.painters.context import Ctx
from frameloom.engines.compose.placement import EMISSIVE, OVERHEAD, SubjectPlan
from frameloom.engines.compose.scenery_nouns import is_drawn

MARGIN = 0.18


@dataclass(frozen=True)
class Figure:
    main: SubjectPlan
    held: tuple[SubjectPlan, ...]


def figures(subjects: tuple[SubjectPlan, ...]) -> list[Figure]:
    """Group held things with the subject just before them (their holder)."""
    out: list[Figure] = []
    for s in subjects:
        if s.role == "held" and out:
            out[-1] = Figure(out[-1].main, (*out[-1].held, s))
        else:
            out.append(Figure(s, ()))
    return out


def paint_subjects(ctx: Ctx) -> None:
    for fig in figures(ctx.plan.subjects):
        pixels, origin_x, origin_y = _assemble(fig)
        if fig.main.role == "floater" and ctx.plan.setting != "underwater":
            # a swimmer sinks to its shoulders; a boat or a duck sits on the water
            swims = fig.main.pose == "swimming"
            deep = fig.main.height * 0.38 if swims else (
                _water_strip(pixels, origin_y) if fig.main.kind == "vehicle" else 0.0)
            # a hull whose art's water is cut away keeps its lines: only a short fade at the waterline
            _submerge(pixels, origin_y - deep, fig.main.height * (0.1 if swims else 0.04 if deep else 0.2))
            origin_y -= deep  # the waterline, not the art's foot, lies on the planned base
        if fig.main.flip:
            pixels = np.ascontiguousarray(pixels[:, ::-1])
            origin_x = pixels.shape[1] - origin_x
        pixels, origin_x, origin_y = poses.bend(pixels, origin_x, origin_y, fig.main)
        glow = EMISSIVE.get(fig.main.noun) or _sky_glow(ctx, fig.main)
        lit = pixels if glow is not None else relight(ctx, pixels, fig.main)  # what shines is not shaded
        up = poses.lift(fig.main)
        left, top = fig.main.x - origin_x, fig.main.base_y - origin_y - up
        box = _box(fig.main, pixels, left, top, up)
        if fig.main.shadow:
            width = pixels.shape[1] - 2 * MARGIN * fig.main.height
            # flat-bottomed structures sit on their shadow, rounded art's feet sink into it a little
            at = replace(fig.main, base_y=fig.main.base_y - width * 0.04) if is_drawn(fig.main.emoji) else fig.main
            _shadow(ctx, at, width * (0.7 if up else 1.0))
        poses.before(ctx, fig.main, box)
        if glow is not None:
            _glow(ctx, fig.main, glow, 2.2, 0.45)
        img = skia.Image.fromarray(lit, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)
        ctx.canvas.drawImage(img, left, top)
        if glow is not None:
            _glow(ctx, fig.main, glow, 0.5, 0.5)
        poses.after(ctx, fig.main, box)


def _sky_glow(ctx: Ctx, s: SubjectPlan) -> RGB | None:
    """Stars, moons and suns in the sky shine rather than take the scene's shading."""
    if s.role != "sky" and not (s.kind == "nature" and s.role == "flyer"):
        return None
    return mix(ctx.plan.palette.light, (255, 240, 200), 0.5) if s.noun in ("star", "moon", "crescent moon", "sun",
                                                                             "comet") else None


def _box(s: SubjectPlan, pixels: Array, left: float, top: float, up: float) -> poses.Box:
    """The drawn extent of a figure's opaque pixels on the canvas."""
    alpha = pixels[..., 3] > 16
    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
    if rows.size == 0:
        return poses.Box(s.x, s.base_y, s.base_y - s.height, s.height, s.height, 1.0)
    y0, y1 = top + float(rows[0]), top + float(rows[-1] + 1)
    x0, x1 = left + float(cols[0]), left + float(cols[-1] + 1)
    return poses.Box(x=(x0 + x1) / 2, ground=s.base_y, top=y0, width=x1 - x0, height=y1 - y0,
                     facing=1.0 if s.flip else -1.0)


def _glow(ctx: Ctx, s: SubjectPlan, colour: RGB, reach: float, alpha: float) -> None:
    """Additive light around a thing that shines; bloom in the finish does the rest."""
    cx, cy, r = s.x, s.base_y - s.height * 0.55, s.height * reach
    ctx.canvas.drawCircle(cx, cy, r, radial_paint(cx, cy, r, [(0, colour, alpha), (0.4, colour, alpha * 0.35),
                                                              (1, colour, 0)], skia.BlendMode.kPlus))


def _water_strip(pixels: Array, base: float) -> float:
    """How tall the strip of water is that floating art carries at its foot
    (a canoe or a speedboat sits on a blue block): rows from the bottom up
    whose opaque pixels are mostly water blue."""
    rows = 0
    bottom = min(int(base), pixels.shape[0]) - 1
    for y in range(bottom, max(bottom - int(pixels.shape[0] * 0.45), 0), -1):
        row = pixels[y]
        solid = row[..., 3] > 128
        if solid.sum() < 4:
            rows += 1
            continue
        rgb = row[solid][:, :3].astype(np.int16)
        blue = (rgb[:, 2] > rgb[:, 0] + 30) & (rgb[:, 2] >= rgb[:, 1])
        if blue.mean() < 0.6:
            break
        rows += 1
    return float(rows)


def _submerge(pixels: Array, base: float, fade: float) -> None:
    """Fade the part of a floating thing just above ``base`` into the water and
    drop what is below it (art often carries its own strip of water, which
    would float on ours)."""
    top, bottom = int(base - fade), int(base)
    if bottom <= top:
        return
    ramp = np.linspace(1.0, 0.0, bottom - top, dtype=np.float32) ** 1.5
    pixels[top:bottom] = (pixels[top:bottom] * ramp[:, None, None]).astype(np.uint8)
    pixels[bottom:] = 0


def _assemble(fig: Figure) -> tuple[Array, float, float]:
    """Draw a figure in its own premultiplied RGBA array.

    Returns the array and where the subject's base centre sits in it (px).
    """
    s = fig.main
    h = s.height
    pad = MARGIN * h
    person = s.body and s.kind in ("person", "creature")
    head_h = int(h * ((0.4 if person else 0.56) if s.body else 1.0))
    head = sprite(s.emoji, max(8, head_h)).pixels
    arts = [sprite(item.emoji, max(8, int(item.height))).pixels for item in fig.held]
    # the canvas must hold everything: held things may stick out above or to the side
    reach_up = max([h, *((s.base_y - it.base_y) + art.shape[0] for it, art in zip(fig.held, arts, strict=True))])
    reach_side = max([head.shape[1] / 2, h * 0.45 if s.body else 0.0,
                      *(abs(it.x - s.x) + art.shape[1] / 2 for it, art in zip(fig.held, arts, strict=True))])
    width = int(2 * reach_side + 2 * pad)
    height = int(reach_up + 2 * pad)
    pixels = new_layer(width, height)
    canvas = surface(pixels).getCanvas()
    cx, base = width / 2, height - pad
    main, light = colours(s.emoji)
    if person:
        main = clothing(s)
        _person_body(canvas, cx, base, h, head.shape[1], main, seated=s.role == "rider")
    elif s.body:
        _body(canvas, cx, base, h, head.shape[1], main, light)
    _blit(pixels, head, cx - head.shape[1] / 2, base - h)
    for item, art in zip(fig.held, arts, strict=True):
        top = base - (s.base_y - item.base_y) - art.shape[0]
        _blit(pixels, art, cx + (item.x - s.x) - art.shape[1] / 2, top)
        if s.body and item.noun not in OVERHEAD:
            _paws(canvas, cx, top + art.shape[0] * 0.55, art.shape[1], h, main if not person else scale(main, 0.9))
    return pixels, cx, base


def _blit(dst: Array, src: Array, x: float, y: float) -> None:
    """Source-over of premultiplied ``src`` onto ``dst`` at (x, y), clipped."""
    x0, y0 = int(round(x)), int(round(y))
    h, w = src.shape[:2]
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(dst.shape[1], x0 + w), min(dst.shape[0], y0 + h)
    if dx1 <= dx0 or dy1 <= dy0:
        return
    part = src[dy0 - y0: dy1 - y0, dx0 - x0: dx1 - x0].astype(np.uint16)
    under = dst[dy0:dy1, dx0:dx1].astype(np.uint16)
    inv = 255 - part[..., 3:4]
    dst[dy0:dy1, dx0:dx1] = (part + (under * inv + 127) // 255).astype(np.uint8)


def _body(canvas: skia.Canvas, cx: float, base: float, h: float, head_w: float, main: RGB, light: RGB) -> None:
    """A seated body under head-only art: torso, belly, haunches and a tail."""
    bw = min(head_w * 0.78, h * 0.55)
    top = base - h * 0.62
    tail = skia.Path()
    tail.moveTo(cx + bw * 0.3, base - h * 0.08)
    tail.cubicTo(cx + bw * 1.1, base, cx + bw * 1.25, base - h * 0.25, cx + bw * 0.95, base - h * 0.4)
    canvas.drawPath(tail, paint(main, stroke=h * 0.11))
    canvas.drawCircle(cx + bw * 0.95, base - h * 0.4, h * 0.06, paint(mix(light, (255, 255, 255), 0.4)))
    torso = skia.Path()
    torso.moveTo(cx - bw * 0.32, top)
    torso.cubicTo(cx - bw * 0.62, top + h * 0.25, cx - bw * 0.68, base - h * 0.05, cx - bw * 0.45, base)
    torso.lineTo(cx + bw * 0.45, base)
    torso.cubicTo(cx + bw * 0.68, base - h * 0.05, cx + bw * 0.62, top + h * 0.25, cx + bw * 0.32, top)
    torso.close()
    canvas.drawPath(torso, paint(main))
    canvas.drawOval(skia.Rect.MakeXYWH(cx - bw * 0.25, top + h * 0.08, bw * 0.5, h * 0.42), paint(light))
    for side in (-1, 1):
        canvas.drawOval(skia.Rect.MakeXYWH(cx + side * bw * 0.38 - bw * 0.2, base - h * 0.06, bw * 0.4, h * 0.07),
                        paint(scale(main, 0.7)))


CLOTHES: tuple[RGB, ...] = ((60, 90, 160), (170, 50, 60), (60, 120, 90), (40, 140, 170), (120, 70, 150),
                            (40, 40, 50), (230, 230, 235))


def clothing(s: SubjectPlan) -> RGB:
    """What a drawn body wears: the bust's own shoulders when they are not
    skin or hair (a space suit, a robe), else a colour picked by name."""
    c = s.colour or base_colour(s.emoji)
    r, g, b = c
    skin_or_hair = r > g > b and r - b > 50
    if s.colour is None and skin_or_hair:
        return CLOTHES[sum(map(ord, s.noun)) % len(CLOTHES)]
    return c


def _person_body(canvas: skia.Canvas, cx: float, base: float, h: float, head_w: float, main: RGB,
                 seated: bool = False) -> None:
    """A body under a bust: legs (standing, or bent at the knee when seated),
    a torso in the bust's shoulder colour, arms."""
    bw = min(head_w * 0.75, h * 0.27)
    legs = scale(main, 0.55)
    if seated:
        _seated_legs(canvas, cx, base, h, bw, legs, scale(main, 0.35))
    for side in (-1, 1):
        if seated:
            break
        canvas.drawRoundRect(skia.Rect.MakeXYWH(cx + side * bw * 0.2 - bw * 0.14, base - h * 0.36, bw * 0.28,
                                                h * 0.36), bw * 0.12, bw * 0.12, paint(legs))
        canvas.drawOval(skia.Rect.MakeXYWH(cx + side * bw * 0.26 - bw * 0.2, base - h * 0.04, bw * 0.4, h * 0.05),
                        paint(scale(main, 0.35)))
    canvas.drawRoundRect(skia.Rect.MakeXYWH(cx - bw / 2, base - h * 0.64, bw, h * 0.34), bw * 0.25, bw * 0.25,
                         paint(main))
    for side in (-1, 1):
        arm = skia.Path()
        arm.moveTo(cx + side * bw * 0.45, base - h * 0.6)
        arm.quadTo(cx + side * bw * 0.62, base - h * 0.45, cx + side * bw * 0.4, base - h * 0.36)
        canvas.drawPath(arm, paint(scale(main, 0.85), stroke=bw * 0.2))


def _seated_legs(canvas: skia.Canvas, cx: float, base: float, h: float, bw: float, legs: RGB, shoes: RGB) -> None:
    """Thighs forward from the hip (toward the way the art faces, left), shins down to the seat's front."""
    hip = base - h * 0.34
    for k, side in enumerate((-1, 1)):
        y = hip + k * bw * 0.06
        canvas.drawRoundRect(skia.Rect.MakeXYWH(cx - bw * 0.95, y - bw * 0.14 + side * bw * 0.02, bw * 1.2,
                                                bw * 0.28), bw * 0.12, bw * 0.12, paint(legs))
        canvas.drawRoundRect(skia.Rect.MakeXYWH(cx - bw * 0.95 - k * bw * 0.08, y, bw * 0.28, h * 0.3),
                             bw * 0.12, bw * 0.12, paint(legs))
        canvas.drawOval(skia.Rect.MakeXYWH(cx - bw * 1.15 - k * bw * 0.08, y + h * 0.28, bw * 0.45, h * 0.05),
                        paint(shoes))


def _paws(canvas: skia.Canvas, cx: float, y: float, item_w: float, h: float, main: RGB) -> None:
    for side in (-1, 1):
        px = cx + side * item_w * 0.45
        canvas.drawOval(skia.Rect.MakeXYWH(px - h * 0.055, y - h * 0.04, h * 0.11, h * 0.08), paint(scale(main, 0.8)))


def _shadow(ctx: Ctx, s: SubjectPlan, width: float) -> None:
    """A soft ground shadow cast away from the light, and a dark contact shadow."""
    lt = ctx.plan.light
    away = -ctx.toward_light(s.x)
    strength = min(1.0, 0.35 + 0.4 * lt.strength)
    reach = width * (0.35 + 0.5 * max(0.0, (s.base_y - lt.y) / ctx.h - 0.3))
    dark = scale(ctx.plan.palette.ambient, 0.2)
    ctx.canvas.drawOval(skia.Rect.MakeXYWH(s.x - width * 0.5 + away * reach * 0.5, s.base_y - width * 0.06,
                                           width + reach * 0.6, width * 0.13),
                        paint(dark, 0.45 * strength, blur=width * 0.05))
    ctx.canvas.drawOval(skia.Rect.MakeXYWH(s.x - width * 0.38, s.base_y - width * 0.035, width * 0.76, width * 0.07),
                        paint(dark, 0.6, blur=width * 0.015))


def relight(ctx: Ctx, pixels: Array, s: SubjectPlan) -> Array:
    """Relight flat artwork for this scene: ambient tint, a gradient toward the
    light, rounded (darker) inner edges, a rim on the lit side, ground bounce.
    ``pixels`` and the result are ``(H, W, 4) uint8`` premultiplied RGBA."""
    pal, lt = ctx.plan.palette, ctx.plan.light
    h, w = pixels.shape[:2]
    a = pixels[..., 3].astype(np.float32) / 255.0
    rgb = pixels[..., :3].astype(np.float32) / 255.0 / np.maximum(a, 1e-3)[..., None]
    if s.colour is not None:
        rgb = recolour(rgb, a, s.colour)
    # light direction in the figure's frame: from its centre toward the light
    cx, cy = s.x, s.base_y - s.height / 2
    dx, dy = lt.x - cx, lt.y - cy
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-3)
    dx, dy = dx / norm, dy / norm
    xs = (np.arange(w, dtype=np.float32) - w / 2) / max(w, h)
    ys = (np.arange(h, dtype=np.float32) - h / 2) / max(w, h)
    facing = np.clip(0.55 + 1.2 * (xs[None, :] * dx + ys[:, None] * dy), 0, 1)[..., None]
    # a low light is behind the scene: the front of a subject sees mostly the ambient
    low = float(np.clip((ctx.horizon - lt.y) / max(ctx.horizon, 1) * 2.5, 0.35, 1.0))
    key = np.array(lt.colour, np.float32) / 255.0 * (0.7 + 0.3 * lt.strength)
    amb = np.array(mix(pal.ambient, (255, 255, 255), 0.2), np.float32) / 255.0 * 0.75
    shade = amb + (key - amb) * facing * low
    sigma = max(1.0, 0.015 * max(w, h))
    soft = cv2.GaussianBlur(a, (0, 0), sigma)
    rgb = rgb * shade * (0.7 + 0.3 * soft)[..., None]
    shift = max(1, min(int(0.01 * max(w, h)), int(8 * ctx.unit)))
    moved = np.roll(np.roll(soft, -int(round(dx * shift)), axis=1), -int(round(dy * shift)), axis=0)
    rim = np.clip(a - moved * 1.15, 0, 1) * min(1.0, 0.6 + 0.5 * lt.strength)
    rgb += rim[..., None] * (np.array(mix(lt.colour, (255, 255, 255), 0.3), np.float32) / 255.0) * 1.1
    bounce = np.clip((ys[:, None] + 0.1) * 2.2, 0, 1)[..., None] * 0.12
    rgb += bounce * np.array(mix(pal.ground, pal.light, 0.4), np.float32) / 255.0
    if s.depth > 0.25:
        haze = np.array(pal.haze, np.float32) / 255.0
        k = ctx.haze_amount(s.depth) * 0.8
        rgb = rgb * (1 - k) + haze * k
    out = np.empty_like(pixels)
    out[..., :3] = np.clip(rgb * a[..., None] * 255.0, 0, 255).astype(np.uint8)
    out[..., 3] = pixels[..., 3]
    return out


def recolour(rgb: Array, alpha: Array, colour: RGB) -> Array:
    """The art in ``colour`` with its own shading kept: each pixel's lightness
    relative to the art's mean lightness scales the new colour, so a red
    sneaker asked for in white comes out white with its folds and shadows.
    Near-black lines (outlines, eyes) stay as they are."""
    lum = rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    solid = alpha > 0.5
    mean = float(lum[solid].mean()) if solid.any() else 0.5
    target = np.array(colour, np.float32) / 255.0
    shading = np.clip(lum / max(mean, 1e-3), 0.0, 1.6) ** 0.8
    tinted = target[None, None, :] * shading[..., None]
    light = float(target.mean())
    if light > 0.8:  # white: the folds stay light, so that it still reads white once the scene's light dims it
        tinted = target[None, None, :] * (0.72 + 0.28 * np.minimum(shading, 1.2)[..., None])
    keep = np.clip((0.16 - rgb.max(axis=-1)) / 0.08, 0, 1)[..., None]
    out: Array = np.clip(tinted, 0, 1) * (1 - keep) + rgb * keep
    return out
