"""Shots: camera moves over a painted scene, and the player that draws their frames.

Shots of about 4 s go wide, medium, close in turn. Medium and close shots are
framed on what must stay in view (the main subject's head with what it holds,
rides or sits in), pulling back from the level's zoom when that would not fit,
and their camera never moves it out of the window.

A frame is composed in premultiplied I420 (``planes``), the encoder's own
format, so no conversion is left: the groups drawn by tiles at their parallax
offsets (only what each covers is touched; opaque runs are copied), the
subjects at their pose right after their group, the neon's flicker and the
stars from lights prepared once, the weather (leaves, snow, rain, bubbles)
as coverage laid in its one colour, then the vignette on luma. ``reference`` draws the same frame in
RGBA with skia and converts it, as before tiles and planes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cached_property, lru_cache

import cv2
import numpy as np
import skia

from frameloom.engines.compose.canvas import Array, as_image, new_layer, paint, radial_falloff, surface
from frameloom.engines.compose.life import Life
from frameloom.engines.compose.motion import Pose, pose_at
from frameloom.engines.compose.painted import Group, Painted, Sprite
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.planes import Light, Planes3, frame_planes, over, shade
from frameloom.engines.compose.sprites import box, posed
from frameloom.engines.compose.tiles import TiledLayer

ZOOMS = {"wide": 1.12, "medium": 1.35, "close": 1.6}
SHOT_MS = 4000
PLUS = skia.BlendMode.kPlus
DARK_TUBE = (10, 8, 20)  # a neon sign's tubes when they drop out
# how much of its gait's path a subject covers per shot: a close shot keeps it near the centre
TRAVEL = {"wide": 1.0, "medium": 0.5, "close": 0.25}
ROOM = 0.12  # space kept around what a shot frames, a share of the window


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


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 px


def plan_shots(width: int, height: int, duration_ms: int, seed: int, keep: Box | None,
               direction: int = 0, headroom: tuple[int, float] = (0, 0.0)) -> list[Shot]:
    """Wide, medium and close shots in turn, about 4 s each. ``keep`` (px of
    the scene at the output size) is what medium and close shots frame and keep
    in view; ``direction`` the way the main subject travels (0: it does not);
    ``headroom`` (until ms, px) the band a title needs above the subject in
    the shots that start before the title ends."""
    rng = random.Random(seed)
    count = max(1, round(duration_ms / SHOT_MS))
    lengths = [duration_ms // count] * count
    lengths[-1] += duration_ms - sum(lengths)
    shots, start = [], 0
    for i, length in enumerate(lengths):
        kind = ("wide", "medium", "close")[i % 3]
        side = direction or (1 if rng.random() < 0.5 else -1)
        framed = keep
        if keep is not None and start < headroom[0]:
            framed = (keep[0], keep[1] - headroom[1], keep[2], keep[3])
        shots.append(_shot(kind, width, height, length, seed * 101 + i, framed, side))
        start += length
    return shots


def _shot(kind: str, width: int, height: int, length: int, seed: int, keep: Box | None, side: int) -> Shot:
    z = ZOOMS[kind]
    if keep is not None and kind != "wide":
        kw, kh = (keep[2] - keep[0]) * (1 + 2 * ROOM), (keep[3] - keep[1]) * (1 + 2 * ROOM)
        z = max(ZOOMS["wide"], min(z, width / max(kw, 1), height / max(kh, 1)))
    room_x, room_y = width * (z - 1), height * (z - 1)
    if keep is None or kind == "wide":
        fx, fy = width / 2, height / 2
    else:
        fx, fy = (keep[0] + keep[2]) / 2, (keep[1] + keep[3]) / 2
        if kind == "medium":
            fx = width / 2 + (fx - width / 2) * 0.6
    cx = min(max(fx * z - width / 2, 0), room_x)
    cy = min(max(fy * z - height / 2, 0), room_y)
    travel = room_x * (0.7 if kind == "wide" else 0.3) * side
    rise = room_y * (0.25 if kind == "close" else 0.1)
    xs = [cx - travel / 2, cx + travel / 2]
    ys = [cy + rise / 2, cy - rise / 2]
    if keep is not None and kind != "wide":
        xs = [_within(x, keep[0] * z, keep[2] * z, width) for x in xs]
        ys = [_within(y, keep[1] * z, keep[3] * z, height) for y in ys]
    xs = [min(max(x, 0), room_x) for x in xs]
    ys = [min(max(y, 0), room_y) for y in ys]
    return Shot(kind, z, (xs[0], ys[0]), (xs[1], ys[1]), length, seed)


def _within(corner: float, lo: float, hi: float, size: int) -> float:
    """The window corner moved (least) so that ``lo .. hi`` lies inside ``corner .. corner + size``."""
    if hi - lo > size:
        return (lo + hi) / 2 - size / 2
    return min(max(corner, hi - size), lo)


class ShotPlayer:
    """Frames of one shot as I420. ``reference`` draws the groups with skia
    over the whole frame, as before tiles: the slow path the tests compare with."""

    def __init__(self, painted: Painted, shot: Shot, plan: ScenePlan, width: int, height: int,
                 reference: bool = False) -> None:
        self.painted, self.shot, self.plan = painted, shot, plan
        self.width, self.height = width, height
        self.reference = reference
        self.groups = [g for g, _ in painted.groups]

    # the buffers are made on the first frame: a player asked only where things are (framing) costs nothing
    @cached_property
    def images(self) -> list[tuple[Group, TiledLayer]]:
        return list(zip(self.groups, self.painted.tiles, strict=True))

    @cached_property
    def frame_px(self) -> Array:
        return new_layer(self.width, self.height)

    @cached_property
    def canvas(self) -> skia.Canvas:
        return surface(self.frame_px).getCanvas()

    @cached_property
    def yuv(self) -> Array:
        """The frame handed out, reused: each is valid until the next is asked for (``VisualSource``)."""
        return np.empty((self.height * 3 // 2, self.width), np.uint8)

    @cached_property
    def planes(self) -> Planes3:
        """The Y, U and V planes of ``yuv``: the tiled path composes straight into them."""
        return frame_planes(self.yuv, self.width, self.height)

    @cached_property
    def scratch(self) -> Array:
        return np.empty((self.height, self.width), np.uint8)

    @cached_property
    def life(self) -> Life:
        return Life(self.plan, self.width, self.height, self.painted.zoom, self.shot.seed)

    @cached_property
    def glows(self) -> list[tuple[Light, float]]:
        return [(Light(pixels), reach) for pixels, reach in
                (_glow(w, h, colour) for _, _, _, w, h, colour in self.painted.emitters)]

    @property
    def vignette(self) -> Array:
        return _vignette(self.width, self.height)

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
        for group in self.groups:
            x = sx + (ex - sx) * e * group.parallax - group.drift * k * local_ms / 1000
            y = sy + (ey - sy) * e * group.parallax
            if group.drift:
                x = x % max(room_x, 1)
            out.append((round(min(max(x, 0), room_x)), round(min(max(y, 0), room_y))))
        return out

    def pose(self, sprite: Sprite, local_ms: int) -> Pose:
        """The sprite's pose at ``local_ms``: it passes its placed position halfway through the shot."""
        travel = (local_ms - self.shot.duration_ms / 2) / 1000 * TRAVEL[self.shot.kind]
        return pose_at(sprite.motion, local_ms / 1000, travel, self.painted.width, sprite.height)

    def subject_box(self, local_ms: int) -> Box | None:
        """The main subject's box in the frame (px) at ``local_ms``, None when the scene has none."""
        main = next((s for s in self.painted.sprites if s.main), None)
        if main is None:
            return None
        ox, oy = self.offsets(local_ms)[self.painted.subjects_after]
        x0, y0, x1, y1 = box(main, self.pose(main, local_ms))
        return (x0 - ox, y0 - oy, x1 - ox, y1 - oy)

    def frame(self, local_ms: int) -> Array:
        if self.reference:
            return self._reference_frame(local_ms)
        offsets = self.offsets(local_ms)
        planes = self.planes
        if not self.images[0][1].opaque:
            for plane, black in zip(planes, (16, 128, 128), strict=True):
                plane.fill(black)
        hidden = self._hidden_below(offsets)
        for i, ((_, tiled), (x, y)) in enumerate(zip(self.images, offsets, strict=True)):
            tiled.draw(planes, x, y, self.scratch, hidden[i])
            if i == self.painted.subjects_after:
                self._subjects(x, y, local_ms)
        self._flicker(offsets, local_ms / 1000)
        self.life.draw_planes(planes, local_ms, self.scratch)
        return self._vignetted()

    def _reference_frame(self, local_ms: int) -> Array:
        offsets = self.offsets(local_ms)
        self.frame_px.fill(0)
        for i, ((_, pixels), (x, y)) in enumerate(zip(self.painted.groups, offsets, strict=True)):
            self.canvas.drawImage(as_image(pixels), -x, -y)
            if i == self.painted.subjects_after:
                self._subjects(x, y, local_ms)
        self._flicker(offsets, local_ms / 1000)
        self.life.draw(self.canvas, local_ms)
        cv2.cvtColor(self.frame_px, cv2.COLOR_RGBA2YUV_I420, dst=self.yuv)
        return self._vignetted()

    def _vignetted(self) -> Array:
        luma = self.yuv[: self.height]
        cv2.multiply(luma, self.vignette, dst=luma, scale=1 / 255)
        return self.yuv

    def _hidden_below(self, offsets: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
        """For each group, the frame's luma and chroma rows from which a group drawn after it hides
        everything (None: nothing hidden); the subjects and lights drawn in between are hidden there too."""
        out: list[tuple[int, int] | None] = []
        hidden: tuple[int, int] | None = None
        for (_, tiled), (_, y) in zip(reversed(self.images), reversed(offsets), strict=True):
            out.append(hidden)
            if tiled.solid_from is not None:
                rows = (tiled.solid_from - y, tiled.solid_from // 2 - (y >> 1))  # chroma sits at the even row
                hidden = rows if hidden is None else (min(hidden[0], rows[0]), min(hidden[1], rows[1]))
        return out[::-1]

    def _subjects(self, ox: int, oy: int, local_ms: int) -> None:
        for sprite in self.painted.sprites:
            pixels, x, y = posed(sprite, self.pose(sprite, local_ms))
            if self.reference:
                self.canvas.drawImage(as_image(np.ascontiguousarray(pixels)), x - ox, y - oy)
            else:
                over(self.planes, pixels, x - ox, y - oy, self.scratch)

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
                if self.reference:
                    self.canvas.drawRect(skia.Rect.MakeXYWH(sx, sy, w, h), paint(DARK_TUBE, 0.55))
                else:
                    shade(self.planes, (sx, sy, sx + w, sy + h), DARK_TUBE, 0.55)
                continue
            level = 0.5 + 0.5 * math.sin(2 * math.pi * (1.5 + 2.5 * phase) * t + phase * 6.28)
            if self.reference:
                grow = max(w, h) * 0.15
                self.canvas.drawRect(skia.Rect.MakeXYWH(sx - grow, sy - grow, w + 2 * grow, h + 2 * grow),
                                     paint(colour, 0.12 * level, blend=PLUS, blur=grow))
                continue
            glow, reach = self.glows[n]
            glow.add(self.planes, round(sx - reach), round(sy - reach), level)

    def close(self) -> None:
        return None


@lru_cache(maxsize=4)
def _vignette(width: int, height: int) -> Array:
    """The luma scale of the frame's vignette (/255), made once per size: every shot shares it."""
    falloff = np.clip(radial_falloff(width, height) - 0.35, 0, None) ** 1.6
    out: Array = (255 * (1 - 0.3 * falloff)).astype(np.uint8)
    out.setflags(write=False)
    return out


def _glow(w: float, h: float, colour: tuple[int, int, int]) -> tuple[Array, float]:
    """A sign's glow at full level, drawn once: a blurred rect a bit larger than
    the sign, added per frame at the hum's level; and how far it reaches past the sign (px)."""
    grow = max(w, h) * 0.15
    reach = grow * 4
    pixels = new_layer(max(1, math.ceil(w + 2 * reach)), max(1, math.ceil(h + 2 * reach)))
    surface(pixels).getCanvas().drawRect(skia.Rect.MakeXYWH(reach - grow, reach - grow, w + 2 * grow, h + 2 * grow),
                                         paint(colour, 0.12, blend=PLUS, blur=grow))
    return pixels, reach
