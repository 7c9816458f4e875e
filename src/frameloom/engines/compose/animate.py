"""Animated shots from a scene plan: real parallax and life in the scene.

The scene is painted once, at the closest shot's resolution, in separate
depth groups (sky, clouds, far, near with the subjects, foreground). A shot is
a camera window moving over those groups; each group follows the camera at
its own speed (the sky barely, the foreground faster than the camera), clouds
drift, and the weather and light are alive: stars twinkle, rain and snow fall,
fireflies and dust drift, leaves fall, bubbles rise, lightning flashes.

Per frame the work is a handful of integer-offset blits and a few hundred
vector strokes, then one colour conversion: about 15 ms at 1080p.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import (
    RGB,
    Array,
    as_image,
    mix,
    new_layer,
    paint,
    radial_falloff,
    surface,
)
from frameloom.engines.compose.elements import BaseElement, Motes, Rain
from frameloom.engines.compose.finish import finish
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.painters import Ctx
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.render import paint as paint_layers
from frameloom.engines.compose.styles import FILTERS

LIFE = ("rain", "snowfall", "motes", "lightning", "bubbles")
ZOOMS = {"wide": 1.12, "medium": 1.35, "close": 1.6}
SHOT_MS = 4000
PLUS = skia.BlendMode.kPlus


@dataclass(frozen=True)
class Group:
    """Layers painted together, and how they move: ``parallax`` is the share
    of the camera's motion they follow; ``drift`` their own motion (px/s at
    1080p, positive to the right)."""

    name: str
    layers: tuple[Layer, ...]
    parallax: float
    drift: float = 0.0
    subjects: bool = False


def split_groups(plan: ScenePlan) -> list[Group]:
    """The plan's layers in depth groups; moving elements (weather) are left to ``life``."""
    sky, rest = plan.layers[0], plan.layers[1:]
    still_sky = tuple(e for e in sky.elements if e.kind != "clouds")
    clouds = tuple(e for e in sky.elements if e.kind == "clouds")
    reflecting = [i for i, layer in enumerate(rest) if any(e.kind in ("water", "sea") for e in layer.elements)]
    far_end = max([i for i, layer in enumerate(rest) if layer.depth >= 0.5] + reflecting, default=-1)
    far = rest[: far_end + 1]
    near = tuple(layer for layer in rest[far_end + 1:] if layer.depth > 0.15)
    front = tuple(_without_life(layer) for layer in rest[far_end + 1:] if layer.depth <= 0.15)
    groups = [Group("sky", (replace(sky, elements=still_sky),), 0.04)]
    if clouds:
        groups.append(Group("clouds", (replace(sky, elements=clouds),), 0.08, drift=-14.0))
    groups += [Group("far", tuple(far), 0.3), Group("near", near, 0.75, subjects=True),
               Group("front", front, 1.3)]
    return groups


def _without_life(layer: Layer) -> Layer:
    return replace(layer, elements=tuple(e for e in layer.elements if e.kind not in LIFE))


@dataclass(frozen=True)
class Painted:
    """The groups of one scene as premultiplied RGBA arrays at one zoom level,
    and the lights drawn in them that flicker (group index, x, y, w, h px, colour)."""

    zoom: float
    width: int
    height: int
    groups: tuple[tuple[Group, Array], ...]
    emitters: tuple[tuple[int, float, float, float, float, RGB], ...] = ()


def paint_groups(plan: ScenePlan) -> Painted:
    """Paint every group at the plan's size; grade each (bloom only on the sky)."""
    composite = new_layer(plan.width, plan.height)
    out: list[tuple[Group, Array]] = []
    emitters: list[tuple[int, float, float, float, float, RGB]] = []
    for index, group in enumerate(split_groups(plan)):
        pixels = new_layer(plan.width, plan.height)
        ctx = Ctx(canvas=surface(pixels).getCanvas(), pixels=pixels, plan=plan, underlay=composite)
        paint_layers(ctx, group.layers, with_subjects=group.subjects)
        composite = ctx.seen(slice(0, plan.height)).copy()
        out.append((group, _grade(pixels, plan, group.name == "sky")))
        emitters.extend((index, *e) for e in ctx.emitters)
    return Painted(1.0, plan.width, plan.height, tuple(out), tuple(emitters))


def _grade(pixels: Array, plan: ScenePlan, opaque: bool) -> Array:
    """The still's finish and style on one group (colours un-premultiplied)."""
    alpha = pixels[..., 3:4].astype(np.float32) / 255.0
    rgb = pixels[..., :3] if opaque else np.clip(pixels[..., :3] / np.maximum(alpha, 1e-3), 0, 255).astype(np.uint8)
    graded = finish(np.ascontiguousarray(rgb), bloom=0.55 if opaque else 0.0, vignette=0.0)
    styled = FILTERS[plan.style](graded, plan.seed)
    out = np.empty_like(pixels)
    out[..., :3] = (styled * alpha).astype(np.uint8) if not opaque else styled
    out[..., 3] = pixels[..., 3]
    return out


def scaled(painted: Painted, zoom: float) -> Painted:
    """The same groups at a lower zoom (painted once at the highest)."""
    k = zoom / painted.zoom
    w, h = round(painted.width * k), round(painted.height * k)
    groups = tuple((g, cv2.resize(px, (w, h), interpolation=cv2.INTER_AREA)) for g, px in painted.groups)
    emitters = tuple((i, x * k, y * k, ew * k, eh * k, c) for i, x, y, ew, eh, c in painted.emitters)
    return Painted(zoom, w, h, groups, emitters)


@dataclass(frozen=True)
class Shot:
    """A camera move over one zoom level: the window's top-left corner goes
    from ``start`` to ``end`` (px in the zoomed image) in ``duration_ms``."""

    kind: str
    zoom: float
    start: tuple[float, float]
    end: tuple[float, float]
    duration_ms: int
    seed: int


def plan_shots(plan: ScenePlan, width: int, height: int, duration_ms: int, seed: int) -> list[Shot]:
    """Wide, medium and close shots in turn, about 4 s each, framed on the main subject."""
    rng = random.Random(seed)
    count = max(1, round(duration_ms / SHOT_MS))
    kinds = [("wide", "medium", "close")[i % 3] for i in range(count)]
    lengths = [duration_ms // count] * count
    lengths[-1] += duration_ms - sum(lengths)
    focus = _focus(plan)
    shots = []
    for i, (kind, length) in enumerate(zip(kinds, lengths, strict=True)):
        z = ZOOMS[kind]
        room_x, room_y = width * (z - 1), height * (z - 1)
        fx, fy = (0.5, 0.5) if kind == "wide" else focus if kind == "close" else (0.5 + (focus[0] - 0.5) * 0.6, 0.5)
        cx = min(max(fx * width * z - width / 2, 0), room_x)
        cy = min(max(fy * height * z - height / 2, 0), room_y)
        travel = room_x * (0.7 if kind == "wide" else 0.3) * (1 if rng.random() < 0.5 else -1)
        sx = min(max(cx - travel / 2, 0), room_x)
        ex = min(max(cx + travel / 2, 0), room_x)
        rise = room_y * (0.25 if kind == "close" else 0.1)
        shots.append(Shot(kind, z, (sx, min(cy + rise / 2, room_y)), (ex, max(cy - rise / 2, 0)), length,
                          seed * 101 + i))
    return shots


def _focus(plan: ScenePlan) -> tuple[float, float]:
    if not plan.subjects:
        return (0.5, 0.55)
    s = plan.subjects[0]
    return (s.x / plan.width, (s.base_y - s.height * 0.55) / plan.height)


class ShotPlayer:
    """Frames of one shot: groups blitted at parallax offsets, then life, as I420."""

    def __init__(self, painted: Painted, shot: Shot, plan: ScenePlan, width: int, height: int) -> None:
        self.painted, self.shot, self.plan = painted, shot, plan
        self.width, self.height = width, height
        self.images = [(g, as_image(px)) for g, px in painted.groups]
        self.frame_px = new_layer(width, height)
        self.canvas = surface(self.frame_px).getCanvas()
        self.life = Life(plan, width, height, painted.zoom, shot)
        self.vignette = (255 * (1 - 0.3 * np.clip(radial_falloff(width, height) - 0.35, 0, None) ** 1.6)).astype(
            np.uint8)

    def offsets(self, local_ms: int) -> list[tuple[int, int]]:
        """Where each group's top-left corner sits under the window (px, in
        the group's image) at ``local_ms``: every group follows the camera by
        its parallax share, clouds also drift."""
        u = min(max(local_ms / max(self.shot.duration_ms, 1), 0.0), 1.0)
        e = 0.5 - 0.5 * math.cos(math.pi * u)
        (sx, sy), (ex, ey) = self.shot.start, self.shot.end
        room_x, room_y = self.painted.width - self.width, self.painted.height - self.height
        k = self.height / 1080
        out = []
        for group, _ in self.images:
            x = sx + (ex - sx) * e * group.parallax - group.drift * k * local_ms / 1000
            y = sy + (ey - sy) * e * group.parallax
            if group.drift:
                x = x % max(room_x, 1)
            out.append((round(min(max(x, 0), room_x)), round(min(max(y, 0), room_y))))
        return out

    def frame(self, local_ms: int) -> Array:
        offsets = self.offsets(local_ms)
        for (_, image), (x, y) in zip(self.images, offsets, strict=True):
            self.canvas.drawImage(image, -x, -y)
        self._flicker(offsets, local_ms / 1000)
        self.life.draw(self.canvas, local_ms)
        yuv: Array = cv2.cvtColor(self.frame_px, cv2.COLOR_RGBA2YUV_I420)
        luma = yuv[: self.height]
        cv2.multiply(luma, self.vignette, dst=luma, scale=1 / 255)
        return yuv

    def _flicker(self, offsets: list[tuple[int, int]], t: float) -> None:
        """Neon hums: each sign's glow breathes at its own rate and now and then
        drops out for a few frames, as old tubes do."""
        for n, (gi, x, y, w, h, colour) in enumerate(self.painted.emitters):
            ox, oy = offsets[gi]
            sx, sy = x - ox, y - oy
            if sx + w < 0 or sy + h < 0 or sx > self.width or sy > self.height:
                continue
            phase = (n * 0.618) % 1.0
            if (t * (0.35 + phase * 0.3) + phase) % 1.0 < 0.03:
                self.canvas.drawRect(skia.Rect.MakeXYWH(sx, sy, w, h), paint((10, 8, 20), 0.55))
                continue
            level = 0.5 + 0.5 * math.sin(2 * math.pi * (1.5 + 2.5 * phase) * t + phase * 6.28)
            grow = max(w, h) * 0.15
            self.canvas.drawRect(skia.Rect.MakeXYWH(sx - grow, sy - grow, w + 2 * grow, h + 2 * grow),
                                 paint(colour, 0.12 * level, blend=PLUS, blur=grow))

    def close(self) -> None:
        return None


class Life:
    """What moves in the air and the sky, drawn over each frame in window px."""

    def __init__(self, plan: ScenePlan, width: int, height: int, zoom: float, shot: Shot) -> None:
        self.plan, self.w, self.h = plan, width, height
        self.unit = height / 1080 * zoom
        rng = np.random.default_rng(shot.seed)
        elements = [e for layer in plan.layers for e in layer.elements]
        kinds = {e.kind for e in elements}
        rain, motes = _last(elements, Rain), _last(elements, Motes)
        self.horizon = plan.horizon / plan.height * height * zoom
        night = plan.time_of_day in ("night", "dusk") or plan.setting == "space"
        self.stars = rng.random((60, 4)) if night and "stars" in kinds else None
        self.rain = rng.random((500 if rain.heavy else 320, 3)) if rain is not None else None
        self.snow = rng.random((260, 4)) if "snowfall" in kinds else None
        self.motes = rng.random((70, 4)) if "motes" in kinds else None
        self.fireflies = motes.fireflies if motes is not None else False
        self.bubbles = rng.random((40, 3)) if "bubbles" in kinds else None
        leafy = plan.setting in ("forest", "jungle", "garden", "field") and plan.weather not in ("rain", "snow")
        self.leaves = rng.random((14, 5)) if leafy else None
        self.flashes = sorted(rng.uniform(0.5, 5, 3).tolist()) if "lightning" in kinds else []
        self.light_colour = plan.palette.light
        self.dark: RGB = mix(plan.palette.silhouette, (0, 0, 0), 0.5)

    def draw(self, canvas: skia.Canvas, ms: int) -> None:
        t = ms / 1000
        if self.stars is not None:
            self._twinkle(canvas, t)
        if self.leaves is not None:
            self._leaves(canvas, t)
        if self.motes is not None:
            self._motes(canvas, t)
        if self.snow is not None:
            self._snow(canvas, t)
        if self.rain is not None:
            self._rain(canvas, t)
        if self.bubbles is not None:
            self._bubbles(canvas, t)
        if self.flashes:
            self._lightning(canvas, t)

    def _twinkle(self, canvas: skia.Canvas, t: float) -> None:
        assert self.stars is not None
        sky = min(self.horizon, self.h) * 0.9
        for x, y, f, p in self.stars:
            level = max(0.0, math.sin(2 * math.pi * (0.3 + f * 0.9) * t + p * 6.28)) ** 3
            if level > 0.05:
                r = (1.0 + 1.5 * f) * self.unit
                canvas.drawCircle(x * self.w, y * sky, r * 3, paint((255, 250, 235), 0.25 * level, blend=PLUS,
                                                                     blur=r * 2))
                canvas.drawCircle(x * self.w, y * sky, r, paint((255, 255, 255), 0.9 * level, blend=PLUS))

    def _rain(self, canvas: skia.Canvas, t: float) -> None:
        assert self.rain is not None
        path = skia.Path()
        length, slant = self.h * 0.05, 0.18
        for x, y, v in self.rain:
            speed = self.h * (1.6 + 1.2 * v)
            py = (y * self.h * 1.2 + speed * t) % (self.h * 1.2) - self.h * 0.1
            px = (x * self.w * 1.2 - slant * speed * t) % (self.w * 1.2) - self.w * 0.1
            path.moveTo(px, py)
            path.lineTo(px - slant * length, py + length)
        canvas.drawPath(path, paint(mix(self.plan.palette.haze, (255, 255, 255), 0.6), 0.3,
                                    stroke=1.4 * self.unit))

    def _snow(self, canvas: skia.Canvas, t: float) -> None:
        assert self.snow is not None
        for x, y, v, p in self.snow:
            speed = self.h * (0.05 + 0.1 * v)
            py = (y * self.h + speed * t) % self.h
            px = x * self.w + math.sin(t * (0.8 + v) + p * 6.28) * 20 * self.unit
            r = (1.5 + 3.5 * v) * self.unit
            canvas.drawCircle(px, py, r, paint((250, 252, 255), 0.85))

    def _motes(self, canvas: skia.Canvas, t: float) -> None:
        assert self.motes is not None
        colour = (255, 220, 120) if self.fireflies else mix(self.light_colour, (255, 255, 255), 0.3)
        for x, y, v, p in self.motes:
            px = (x * self.w + math.sin(t * 0.5 + p * 6.28) * 40 * self.unit + t * 8 * self.unit) % self.w
            py = self.horizon * 0.8 + (y - 0.3) * self.h * 0.6 + math.cos(t * 0.7 + p * 6.28) * 25 * self.unit
            level = 0.5 + 0.5 * math.sin(t * (1.5 + v * 2) + p * 6.28) if self.fireflies else 0.7
            r = (1.5 + 2 * v) * self.unit
            canvas.drawCircle(px, py, r * 4, paint(colour, 0.25 * level, blend=PLUS, blur=r * 2))
            canvas.drawCircle(px, py, r * 0.7, paint(colour, 0.9 * level, blend=PLUS))

    def _leaves(self, canvas: skia.Canvas, t: float) -> None:
        assert self.leaves is not None
        for x, y, v, p, s in self.leaves:
            fall = self.h * (0.06 + 0.06 * v)
            py = (y * self.h * 1.3 + fall * t) % (self.h * 1.3) - self.h * 0.15
            px = (x * self.w + math.sin(t * 0.9 + p * 6.28) * 60 * self.unit + 25 * self.unit * t) % self.w
            size = (14 + 18 * s) * self.unit
            canvas.save()
            canvas.translate(px, py)
            canvas.rotate(math.degrees(t * (1 + v) + p * 6.28))
            leaf = skia.Path()
            leaf.moveTo(-size / 2, 0)
            leaf.quadTo(0, -size * 0.35, size / 2, 0)
            leaf.quadTo(0, size * 0.35, -size / 2, 0)
            canvas.drawPath(leaf, paint(self.dark, 0.85, blur=2 * self.unit))
            canvas.restore()

    def _bubbles(self, canvas: skia.Canvas, t: float) -> None:
        assert self.bubbles is not None
        for x, y, v in self.bubbles:
            speed = self.h * (0.05 + 0.08 * v)
            py = self.h - (y * self.h + speed * t) % self.h
            px = x * self.w + math.sin(t * 2 + v * 9) * 8 * self.unit
            r = (3 + 9 * v) * self.unit
            canvas.drawCircle(px, py, r, paint((220, 245, 255), 0.5, stroke=1.5 * self.unit))

    def _lightning(self, canvas: skia.Canvas, t: float) -> None:
        for at in self.flashes:
            if at <= t < at + 0.25:
                level = 1 - (t - at) / 0.25
                canvas.drawRect(skia.Rect.MakeWH(self.w, self.h), paint((210, 220, 255), 0.35 * level, blend=PLUS))



E = TypeVar("E", bound=BaseElement)


def _last(elements: Iterable[BaseElement], kind: type[E]) -> E | None:
    """The last element of class ``kind``, None when there is none."""
    found = None
    for element in elements:
        if isinstance(element, kind):
            found = element
    return found


class Film:
    """All shots of one prompt: the scene painted once at the closest shot's
    zoom, each zoom level derived by downscaling, shots planned on the main
    subject. ``player(i)`` gives a source that plays shot ``i``."""

    def __init__(self, facts_plan: ScenePlan, hi_plan: ScenePlan, duration_ms: int, seed: int) -> None:
        self.plan, self.hi_plan = facts_plan, hi_plan
        self.width, self.height = facts_plan.width, facts_plan.height
        self.shots = plan_shots(facts_plan, self.width, self.height, duration_ms, seed)
        top = max(ZOOMS.values())
        painted = replace(paint_groups(hi_plan), zoom=top)
        self.levels = {z: painted if z == top else scaled(painted, z) for z in {s.zoom for s in self.shots}}

    def player(self, index: int) -> ShotPlayer:
        shot = self.shots[index]
        return ShotPlayer(self.levels[shot.zoom], shot, self.hi_plan, self.width, self.height)
