"""Animated shots from a scene plan: real parallax, subjects that move, life in the scene.

The scene is painted once, at the closest shot's resolution, in separate
depth groups (sky, clouds, far, near, foreground) and with each subject on a
sprite of its own (with what it holds or rides). A shot is a camera window
moving over those groups (``shots.py``); each group follows the camera at its
own speed (the sky barely, the foreground faster than the camera), clouds
drift, subjects sway, breathe or travel (``motion.py``), and the weather and
light are alive (``life.py``).

Painting is cut to what video needs: a group's grade touches only the bands
it covers (the default style's grade is per pixel), and the composite behind
each group is kept only while a later group reflects it (water).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

import cv2
import numpy as np

from frameloom.engines.compose.canvas import Array, new_layer, surface
from frameloom.engines.compose.finish import finish
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.painted import Group, Painted, Sprite, level, scaled, scaled_size, shrunk_tiles
from frameloom.engines.compose.painters import Ctx
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.render import paint as paint_layers
from frameloom.engines.compose.shots import SHOT_MS, TRAVEL, ZOOMS, Box, Shot, ShotPlayer, plan_shots
from frameloom.engines.compose.sprites import paint_sprites
from frameloom.engines.compose.styles import FILTERS
from frameloom.engines.compose.tiles import TiledLayer
from frameloom.memory import small_pages

__all__ = ["ZOOMS", "Film", "Group", "Painted", "Shot", "ShotPlayer", "Sprite", "paint_groups", "plan_shots",
           "split_groups"]

LIFE = ("rain", "snowfall", "motes", "lightning", "bubbles")
REFLECTING = ("water", "sea")
PER_PIXEL_STYLES = ("illustration",)  # their filter looks at one pixel at a time: a band grades as the whole
BAND = 64


def split_groups(plan: ScenePlan) -> list[Group]:
    """The plan's layers in depth groups; moving elements (weather) are left to ``life``."""
    sky, rest = plan.layers[0], plan.layers[1:]
    still_sky = tuple(e for e in sky.elements if e.kind != "clouds")
    clouds = tuple(e for e in sky.elements if e.kind == "clouds")
    reflecting = [i for i, layer in enumerate(rest) if any(e.kind in REFLECTING for e in layer.elements)]
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


def _reflects(group: Group) -> bool:
    return any(e.kind in REFLECTING for layer in group.layers for e in layer.elements)


def paint_groups(plan: ScenePlan, level_size: tuple[int, int]) -> tuple[Painted, tuple[TiledLayer, ...]]:
    """Paint every group at the plan's size and each subject unit on its own
    sprite; grade each (bloom only on the sky). A group is graded on a second
    thread while the next one is painted: grading is NumPy and OpenCV work
    that runs without the GIL, painting is mostly skia's. Once painting is
    done, each group is also shrunk to ``level_size`` (w, h px) and classified
    by tiles as soon as it is graded, while the next one is (the first shot's
    level, ready with the last grade). More grading threads lose:
    skia holds the GIL, and each thread waits for it between OpenCV calls."""
    groups = split_groups(plan)
    composite: Array | None = None  # what the groups painted so far show, once a later group reflects it
    graded: list[Future[Array]] = []
    emitters: list[tuple[int, float, float, float, float, tuple[int, int, int]]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="frameloom-grade") as pool:
        for index, group in enumerate(groups):
            pixels = new_layer(plan.width, plan.height)
            ctx = Ctx(canvas=surface(pixels).getCanvas(), pixels=pixels, plan=plan, underlay=composite)
            paint_layers(ctx, group.layers, with_subjects=False)
            if any(_reflects(later) for later in groups[index + 1:]):
                seen = ctx.seen(slice(0, plan.height))
                composite = seen.copy() if composite is None else seen  # over an underlay it is new
            graded.append(pool.submit(_grade, pixels, plan, group.name == "sky"))
            emitters.extend((index, *e) for e in ctx.emitters)
        sprites = paint_sprites(plan, lambda px: _grade(px, plan, False))
        out, tiles = [], []
        for group, done in zip(groups, graded, strict=True):  # in turn: the next is graded meanwhile
            out.append((group, done.result()))
            tiles.append(shrunk_tiles(out[-1][1], level_size))
    after = next(i for i, g in enumerate(groups) if g.subjects)
    return Painted(1.0, plan.width, plan.height, tuple(out), tuple(emitters), sprites, after), tuple(tiles)


def _grade(pixels: Array, plan: ScenePlan, opaque: bool) -> Array:
    """The still's finish and style on one group (colours un-premultiplied).
    A transparent group in a per-pixel style is graded band by band, over
    the columns each band covers: the rest is empty and stays so."""
    if opaque or plan.style not in PER_PIXEL_STYLES:
        return _grade_all(pixels, plan, opaque)
    out = np.zeros_like(pixels)
    alpha = pixels[..., 3]
    for y0 in range(0, pixels.shape[0], BAND):
        cols = np.nonzero(alpha[y0:y0 + BAND].any(axis=0))[0]
        if cols.size:
            x0, x1 = int(cols[0]), int(cols[-1]) + 1
            out[y0:y0 + BAND, x0:x1] = _grade_all(np.ascontiguousarray(pixels[y0:y0 + BAND, x0:x1]), plan, False)
    return out


def _grade_all(pixels: Array, plan: ScenePlan, opaque: bool) -> Array:
    if opaque:  # OpenCV's channel shuffles: a tenth of NumPy's strided copies on a 3072 x 1728 sky
        graded = finish(cv2.cvtColor(pixels, cv2.COLOR_RGBA2RGB), bloom=0.55, vignette=0.0)
        out = cv2.cvtColor(FILTERS[plan.style](graded, plan.seed), cv2.COLOR_RGB2RGBA)
        cv2.mixChannels([pixels], [out], [3, 3])
        return out
    alpha = pixels[..., 3:4].astype(np.float32) / 255.0
    rgb = np.clip(pixels[..., :3] / np.maximum(alpha, 1e-3), 0, 255).astype(np.uint8)
    styled = FILTERS[plan.style](finish(rgb, bloom=0.0, vignette=0.0), plan.seed)
    out = np.empty_like(pixels)
    out[..., :3] = (styled * alpha).astype(np.uint8)
    out[..., 3] = pixels[..., 3]
    return out


class Film:
    """All shots of one prompt at ``width`` x ``height``: the scene (``hi_plan``)
    painted once at the closest shot's zoom, each shot's zoom level derived by
    downscaling, shots framed on the main subject and what goes with it
    (leaving ``headroom``, until ms and px, for a title above it).
    ``player(i)`` gives a source that plays shot ``i``."""

    def __init__(self, hi_plan: ScenePlan, width: int, height: int, duration_ms: int, seed: int,
                 headroom: tuple[int, float] = (0, 0.0)) -> None:
        self.hi_plan, self.width, self.height = hi_plan, width, height
        top, first = max(ZOOMS.values()), ZOOMS["wide"]  # every film opens on a wide shot
        with small_pages():  # hundreds of short-lived large arrays (frameloom.memory)
            painted, first_tiles = paint_groups(hi_plan, scaled_size(hi_plan.width, hi_plan.height, first / top))
        painted = replace(painted, zoom=top)
        self.painted = painted
        main = next((s for s in painted.sprites if s.main), None)
        keep = _keep_box(main, hi_plan.width, self.width / hi_plan.width) if main is not None else None
        direction = main.motion.direction if main is not None and main.motion.speed > 0 else 0
        self.shots = plan_shots(self.width, self.height, duration_ms, seed, keep, direction, headroom)
        # the first shot's level is made as the groups are graded; the others, each on a thread of
        # its own, in the order the shots first need them, while the first shot plays
        opening: Future[Painted] = Future()
        opening.set_result(level(painted, first, first_tiles))
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frameloom-levels")
        self.levels = {z: opening if z == first else pool.submit(_level, painted, z)
                       for z in dict.fromkeys(s.zoom for s in self.shots)}
        pool.shutdown(wait=False)

    def player(self, index: int, reference: bool = False) -> ShotPlayer:
        """Shot ``index``'s frames; ``reference``: drawn by skia from the level's RGBA pixels,
        scaled again from the painted scene (the level made for frames keeps only its tiles)."""
        shot = self.shots[index]
        level = self.levels[shot.zoom].result()
        if reference:
            level = self.painted if shot.zoom == self.painted.zoom else scaled(self.painted, shot.zoom)
        return ShotPlayer(level, shot, self.hi_plan, self.width, self.height, reference)


def _level(painted: Painted, zoom: float) -> Painted:
    with small_pages():
        return level(painted, zoom)


def _keep_box(sprite: Sprite, scene_width: int, k: float) -> Box:
    """What medium and close shots keep in view, px at the output size: the
    main subject's head and hands with what it holds, rides or sits in
    (``Sprite.keep``, px of the painted scene), widened by as far as a medium
    shot lets it travel each way; ``k`` scales the painted scene to the output."""
    x0, y0, x1, y1 = sprite.keep
    travel = sprite.motion.speed * scene_width * TRAVEL["medium"] * SHOT_MS / 2000
    return ((x0 - travel) * k, y0 * k, (x1 + travel) * k, y1 * k)
