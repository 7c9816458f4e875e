"""Life in a shot: what moves in the air and the sky, drawn over each frame.

Stars twinkle, rain and snow fall, fireflies and dust drift, leaves fall in
woods and fields, bubbles rise underwater, lightning flashes. Vector strokes
in window px, a few hundred a frame; deterministic by the shot's seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TypeVar

import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, Array, mix, new_layer, paint, surface
from frameloom.engines.compose.elements import BaseElement, Motes, Rain
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.planes import Light, Planes3, add_flat, tint

PLUS = skia.BlendMode.kPlus
FLASH = (210, 220, 255)  # lightning's light
SNOW = (250, 252, 255)
BUBBLE = (220, 245, 255)


class Life:
    """What moves in the air and the sky, drawn over each frame in window px."""

    def __init__(self, plan: ScenePlan, width: int, height: int, zoom: float, seed: int) -> None:
        self.plan, self.w, self.h = plan, width, height
        self.unit = height / 1080 * zoom
        rng = np.random.default_rng(seed)
        elements = [e for layer in plan.layers for e in layer.elements]
        kinds = {e.kind for e in elements}
        rain, motes = _last(elements, Rain), _last(elements, Motes)
        self.horizon = plan.horizon / plan.height * height * zoom
        night = plan.time_of_day in ("night", "dusk") or plan.setting == "space"
        self.stars = rng.random((60, 4)) if night and "stars" in kinds else None
        self.star_lights: list[tuple[Light, int, int]] | None = None
        self.mote_lights: list[tuple[Light, int]] | None = None
        self.rain = rng.random((500 if rain.heavy else 320, 3)) if rain is not None else None
        self.rain_colour: RGB = mix(plan.palette.haze, (255, 255, 255), 0.6)
        self.snow = rng.random((260, 4)) if "snowfall" in kinds else None
        self.motes = rng.random((70, 4)) if "motes" in kinds else None
        self.fireflies = motes.fireflies if motes is not None else False
        self.mote_colour: RGB = (255, 220, 120) if self.fireflies else mix(plan.palette.light, (255, 255, 255), 0.3)
        self.bubbles = rng.random((40, 3)) if "bubbles" in kinds else None
        leafy = plan.setting in ("forest", "jungle", "garden", "field") and plan.weather not in ("rain", "snow")
        self.leaves = rng.random((14, 5)) if leafy else None
        self.flashes = sorted(rng.uniform(0.5, 5, 3).tolist()) if "lightning" in kinds else []
        self.dark: RGB = mix(plan.palette.silhouette, (0, 0, 0), 0.5)

    def draw(self, canvas: skia.Canvas, ms: int) -> None:
        """Draw the life at ``ms`` on ``canvas`` (RGBA), all of it in vector strokes."""
        t = ms / 1000
        if self.stars is not None:
            self._twinkle(canvas, t)
        if self.motes is not None:
            self._motes(canvas, t)
        self._weather(canvas, t)
        if self.flashes:
            self._lightning(canvas, t)

    def draw_planes(self, planes: Planes3, ms: int, scratch: Array) -> None:
        """Draw the life at ``ms`` onto an I420 frame's ``planes``: the stars as lights prepared
        once (their glow is a blur: drawn per frame it costs a few ms), the weather (leaves, snow,
        rain, bubbles: strokes of one colour each) as coverage laid in that colour, a lightning
        flash added to the whole frame."""
        t = ms / 1000
        if self.stars is not None:
            self._twinkle_lights(planes, t)
        if self.motes is not None:
            self._mote_lights(planes, t)
        for strokes, colour in self._strokes():
            self.mask.fill(0)
            strokes(skia.Surface(self.mask, colorType=skia.kAlpha_8_ColorType, alphaType=skia.kPremul_AlphaType)
                    .getCanvas(), t)
            tint(planes, self.mask, colour, scratch)
        for at in self.flashes:
            if at <= t < at + 0.25:
                add_flat(planes, FLASH, 0.35 * (1 - (t - at) / 0.25))

    def _strokes(self) -> list[tuple[Callable[[skia.Canvas, float], None], RGB]]:
        """The weather in this shot, each kind drawn in strokes of one colour: how, and that colour."""
        kinds = ((self.leaves, self._leaves, self.dark), (self.snow, self._snow, SNOW),
                 (self.rain, self._rain, self.rain_colour), (self.bubbles, self._bubbles, BUBBLE))
        return [(draw, colour) for present, draw, colour in kinds if present is not None]

    @cached_property
    def mask(self) -> Array:
        """The weather's coverage, the frame's size: strokes of one colour drawn as alpha and laid
        as a flat colour (``planes.tint``); an RGBA overlay converted every frame cost a third more
        (bench section 4: a frame of rain 10.0 -> 7.2 ms)."""
        return np.zeros((self.h, self.w), np.uint8)

    def _weather(self, canvas: skia.Canvas, t: float) -> None:
        for strokes, _ in self._strokes():
            strokes(canvas, t)

    def _star_lights(self) -> list[tuple[Light, int, int]]:
        """Each star at full brightness as a light of its own, and where its corner goes (px)."""
        assert self.stars is not None
        sky = min(self.horizon, self.h) * 0.9
        out = []
        for x, y, f, _ in self.stars:
            r = (1.0 + 1.5 * f) * self.unit
            cx, cy, reach = x * self.w, y * sky, math.ceil(r * 9) + 1
            x0, y0 = math.floor(cx) - reach, math.floor(cy) - reach
            patch = new_layer(2 * reach + 2, 2 * reach + 2)
            canvas = surface(patch).getCanvas()
            canvas.drawCircle(cx - x0, cy - y0, r * 3, paint((255, 250, 235), 0.25, blend=PLUS, blur=r * 2))
            canvas.drawCircle(cx - x0, cy - y0, r, paint((255, 255, 255), 0.9, blend=PLUS))
            out.append((Light(patch), x0, y0))
        return out

    def _twinkle_lights(self, planes: Planes3, t: float) -> None:
        assert self.stars is not None
        if self.star_lights is None:
            self.star_lights = self._star_lights()
        for (_, _, f, p), (light, x0, y0) in zip(self.stars, self.star_lights, strict=True):
            level = max(0.0, math.sin(2 * math.pi * (0.3 + f * 0.9) * t + p * 6.28)) ** 3
            if level > 0.05:
                light.add(planes, x0, y0, level)

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
        canvas.drawPath(path, paint(self.rain_colour, 0.3, stroke=1.4 * self.unit))

    def _snow(self, canvas: skia.Canvas, t: float) -> None:
        assert self.snow is not None
        for x, y, v, p in self.snow:
            speed = self.h * (0.05 + 0.1 * v)
            py = (y * self.h + speed * t) % self.h
            px = x * self.w + math.sin(t * (0.8 + v) + p * 6.28) * 20 * self.unit
            r = (1.5 + 3.5 * v) * self.unit
            canvas.drawCircle(px, py, r, paint(SNOW, 0.85))

    def _mote_places(self, t: float) -> list[tuple[float, float, float, float]]:
        """Each mote at ``t``: centre (px), level (0..1) and radius (px)."""
        assert self.motes is not None
        out = []
        for x, y, v, p in self.motes:
            px = (x * self.w + math.sin(t * 0.5 + p * 6.28) * 40 * self.unit + t * 8 * self.unit) % self.w
            py = self.horizon * 0.8 + (y - 0.3) * self.h * 0.6 + math.cos(t * 0.7 + p * 6.28) * 25 * self.unit
            level = 0.5 + 0.5 * math.sin(t * (1.5 + v * 2) + p * 6.28) if self.fireflies else 0.7
            out.append((px, py, level, (1.5 + 2 * v) * self.unit))
        return out

    def _motes(self, canvas: skia.Canvas, t: float) -> None:
        for px, py, level, r in self._mote_places(t):
            _mote(canvas, px, py, r, self.mote_colour, level)

    def _mote_lights(self, planes: Planes3, t: float) -> None:
        """The motes as lights drawn once each (a blurred glow per frame costs skia a few ms)."""
        if self.mote_lights is None:
            self.mote_lights = []
            for _, _, _, r in self._mote_places(0.0):
                reach = math.ceil(r * 11) + 1  # the glow, 4 r, and its blur, 3 sigma of 2 r
                patch = new_layer(2 * reach, 2 * reach)
                _mote(surface(patch).getCanvas(), reach, reach, r, self.mote_colour, 1.0)
                self.mote_lights.append((Light(patch), reach))
        for (px, py, level, _), (light, reach) in zip(self._mote_places(t), self.mote_lights, strict=True):
            light.add(planes, round(px) - reach, round(py) - reach, level)

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
            canvas.drawCircle(px, py, r, paint(BUBBLE, 0.5, stroke=1.5 * self.unit))

    def _lightning(self, canvas: skia.Canvas, t: float) -> None:
        for at in self.flashes:
            if at <= t < at + 0.25:
                level = 1 - (t - at) / 0.25
                canvas.drawRect(skia.Rect.MakeWH(self.w, self.h), paint(FLASH, 0.35 * level, blend=PLUS))



E = TypeVar("E", bound=BaseElement)


def _last(elements: Iterable[BaseElement], kind: type[E]) -> E | None:
    """The last element of class ``kind``, None when there is none."""
    found = None
    for element in elements:
        if isinstance(element, kind):
            found = element
    return found


def _mote(canvas: skia.Canvas, x: float, y: float, r: float, colour: RGB, level: float) -> None:
    """A mote of light (dust in a sunbeam, a firefly): a soft glow and a bright core, added."""
    canvas.drawCircle(x, y, r * 4, paint(colour, 0.25 * level, blend=PLUS, blur=r * 2))
    canvas.drawCircle(x, y, r * 0.7, paint(colour, 0.9 * level, blend=PLUS))
