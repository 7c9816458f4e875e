"""A scene painted for video: its depth groups and its subjects, at one zoom level (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import cv2
import numpy as np

from frameloom.engines.compose.canvas import RGB, Array
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.motion import Motion
from frameloom.engines.compose.tiles import TiledLayer

SOLID = 128  # alpha from which a sprite's pixel counts as the figure's own


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


@dataclass(frozen=True)
class Sprite:
    """A subject with what it holds, rides or sits in, painted on its own:
    premultiplied RGBA ``pixels`` with the top-left corner at (``x``, ``y``)
    px of the painted scene; ``base`` the lead subject's foot point (px),
    ``height`` its height (px); ``main`` for the plan's main subject; ``keep``
    what a shot framing it keeps in view (x0, y0, x1, y1 px)."""

    pixels: Array
    x: int
    y: int
    base: tuple[float, float]
    height: float
    motion: Motion
    main: bool
    keep: tuple[float, float, float, float]

    @cached_property
    def body(self) -> tuple[int, int, int, int]:
        """The box of what is solid in the sprite (x0, y0, x1, y1 px of the sprite):
        the figure, without the faint ground shadow and glow around it."""
        solid = self.pixels[..., 3] >= SOLID
        rows, cols = np.nonzero(solid.any(axis=1))[0], np.nonzero(solid.any(axis=0))[0]
        if rows.size == 0:
            return (0, 0, self.pixels.shape[1], self.pixels.shape[0])
        return (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)

    def at(self, k: float) -> Sprite:
        """The same sprite at ``k`` times the size."""
        h, w = self.pixels.shape[:2]
        size = (max(1, round(w * k)), max(1, round(h * k)))
        pixels = cv2.resize(self.pixels, size, interpolation=cv2.INTER_AREA)
        keep = (self.keep[0] * k, self.keep[1] * k, self.keep[2] * k, self.keep[3] * k)
        return Sprite(pixels, round(self.x * k), round(self.y * k), (self.base[0] * k, self.base[1] * k),
                      self.height * k, self.motion, self.main, keep)


@dataclass(frozen=True)
class Painted:
    """The groups of one scene as premultiplied RGBA arrays at one zoom level,
    the subjects' sprites (drawn right after the group ``subjects_after``),
    and the lights drawn in the groups that flicker (group index, x, y, w, h px, colour).
    ``tiles``: the groups classified for drawing frames (``tiled``); a level made
    only to draw frames drops its RGBA pixels then (zero-size arrays in ``groups``)."""

    zoom: float
    width: int
    height: int
    groups: tuple[tuple[Group, Array], ...]
    emitters: tuple[tuple[int, float, float, float, float, RGB], ...] = ()
    sprites: tuple[Sprite, ...] = ()
    subjects_after: int = -1
    tiles: tuple[TiledLayer, ...] = ()


NO_PIXELS = np.zeros((0, 0, 4), np.uint8)


def tiled(painted: Painted) -> Painted:
    """``painted`` with each group classified by tiles."""
    return replace(painted, tiles=tuple(TiledLayer(px) for _, px in painted.groups))


def scaled(painted: Painted, zoom: float) -> Painted:
    """The same groups and sprites at a lower zoom (painted once at the highest)."""
    w, h = scaled_size(painted.width, painted.height, zoom / painted.zoom)
    groups = tuple((g, cv2.resize(px, (w, h), interpolation=cv2.INTER_AREA)) for g, px in painted.groups)
    return replace(_scaled_rest(painted, zoom), groups=groups)


def scaled_size(width: int, height: int, k: float) -> tuple[int, int]:
    """A ``width`` x ``height`` image's size (w, h px) scaled by ``k``."""
    return round(width * k), round(height * k)


def shrunk_tiles(pixels: Array, size: tuple[int, int]) -> TiledLayer:
    """A group's ``pixels`` at ``size`` (w, h px), classified by tiles."""
    return TiledLayer(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA))


def level(painted: Painted, zoom: float, tiles: tuple[TiledLayer, ...] = ()) -> Painted:
    """``painted`` at ``zoom`` with its groups classified by tiles, made to draw frames: a lower
    level keeps only the tiles (a 1080p film's two lower levels hold 130 MB less), each group
    shrunk and classified in turn, or ``tiles`` when they were made as the groups were graded
    (``shrunk_tiles``)."""
    if zoom == painted.zoom:
        return tiled(painted)
    size = scaled_size(painted.width, painted.height, zoom / painted.zoom)
    tiles = tiles or tuple(shrunk_tiles(px, size) for _, px in painted.groups)
    return replace(_scaled_rest(painted, zoom), groups=tuple((g, NO_PIXELS) for g, _ in painted.groups), tiles=tiles)


def _scaled_rest(painted: Painted, zoom: float) -> Painted:
    """``painted``'s emitters and sprites at ``zoom``, its groups still at its own."""
    k = zoom / painted.zoom
    w, h = scaled_size(painted.width, painted.height, k)
    emitters = tuple((i, x * k, y * k, ew * k, eh * k, c) for i, x, y, ew, eh, c in painted.emitters)
    return Painted(zoom, w, h, painted.groups, emitters, tuple(s.at(k) for s in painted.sprites),
                   painted.subjects_after)
