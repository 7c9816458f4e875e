"""What every painter gets: the canvas, the plan, and the scene's one light.

Depth haze is applied to colours (not pixels): a painter asks for a colour at
a depth and gets it already blended toward the haze, which costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import RGB, Array, mix, scale
from frameloom.engines.compose.elements import BaseElement, Element

if TYPE_CHECKING:
    from frameloom.engines.compose.plan import ScenePlan


Emitter = tuple[float, float, float, float, RGB]


@dataclass
class Ctx:
    """``underlay`` is what lies behind ``pixels`` when a scene is painted in
    separate groups (video parallax): painters that look through the current
    group, such as a reflection, see it. ``emitters`` collects the boxes
    (x, y, w, h px, colour) of lights a painter drew, such as neon, so that
    video can make them flicker."""

    canvas: skia.Canvas
    pixels: Array
    plan: ScenePlan
    underlay: Array | None = None
    emitters: list[Emitter] = field(default_factory=list)

    def seen(self, rows: slice) -> Array:
        """The pixels of ``rows`` as the viewer sees them: this group over the underlay."""
        top = self.pixels[rows]
        if self.underlay is None:
            return top
        # premultiplied "over" in OpenCV (rounds as (u * (255 - a) + 127) // 255 does, 4x faster than NumPy)
        clear = cv2.bitwise_not(np.ascontiguousarray(top[..., 3]))
        out: Array = cv2.add(top, cv2.multiply(self.underlay[rows], cv2.merge([clear] * 4), scale=1 / 255))
        return out

    @property
    def w(self) -> int:
        return self.plan.width

    @property
    def h(self) -> int:
        return self.plan.height

    @property
    def horizon(self) -> float:
        return self.plan.horizon

    @property
    def unit(self) -> float:
        """One "point": 1/1080 of the short side, so details scale with the frame."""
        return min(self.w, self.h) / 1080.0

    def rng(self, seed: int) -> np.random.Generator:
        """The random numbers of one element, from its own ``seed``."""
        return np.random.default_rng(seed)

    def haze_amount(self, depth: float) -> float:
        fog = 1.35 if self.plan.weather in ("fog", "snow") else 1.0
        return float(min(0.93, (depth**1.5) * 0.85 * fog))

    def hazed(self, c: RGB, depth: float) -> RGB:
        return mix(c, self.plan.palette.haze, self.haze_amount(depth))

    def land(self, depth: float, base: RGB | None = None) -> RGB:
        """The body colour of scenery at ``depth``: dark silhouettes near, hazy far."""
        pal = self.plan.palette
        body = base if base is not None else mix(pal.silhouette, pal.ambient, 0.25)
        return self.hazed(body, depth)

    def rim(self, depth: float) -> RGB:
        """The colour of an edge that faces the light, fading with depth."""
        pal = self.plan.palette
        strength = self.plan.light.strength
        return mix(self.land(depth), scale(pal.light, 1.05), min(0.85, 0.55 * strength * (1.1 - depth)))

    def toward_light(self, x: float) -> float:
        """+1 when the light is to the right of ``x``, -1 when to the left."""
        return 1.0 if self.plan.light.x >= x else -1.0


E = TypeVar("E", bound=BaseElement)
# keyed by element class; ``painter`` pairs each class with a function of that class only
PAINTERS: dict[type[BaseElement], Callable[[Ctx, Any], None]] = {}


def painter(kind: type[E]) -> Callable[[Callable[[Ctx, E], None]], Callable[[Ctx, E], None]]:
    """Register the painter of one element class."""

    def register(fn: Callable[[Ctx, E], None]) -> Callable[[Ctx, E], None]:
        PAINTERS[kind] = fn
        return fn

    return register


def draw_element(ctx: Ctx, element: Element) -> None:
    """Paint one element with the painter registered for its class."""
    PAINTERS[type(element)](ctx, element)


def draw_rimmed(ctx: Ctx, path: skia.Path, body: RGB, depth: float, rim_px: float) -> None:
    """The cheap rim light: fill in the rim colour, then fill again in the body
    colour shifted away from the light, so only the lit edge keeps the rim."""
    bounds = path.computeTightBounds()
    side = ctx.toward_light(bounds.centerX())
    ctx.canvas.drawPath(path, _fill(ctx.rim(depth)))
    ctx.canvas.save()
    ctx.canvas.translate(-side * rim_px, rim_px * 0.6)
    ctx.canvas.drawPath(path, _fill(body))
    ctx.canvas.restore()


def _fill(c: RGB) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=skia.ColorSetRGB(*c))
