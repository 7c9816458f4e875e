"""Subjects on their own layers, so that video can move them.

A unit is a subject and what goes with it: what it holds, its rider or its
mount, what it sits in. Each unit is painted alone (the same painter as the
still, with the plan's subjects cut down to the unit), cropped to what it
covers, and drawn per frame at its pose: one affine warp of the crop, then a
source-over blend over its box only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np

from frameloom.engines.compose.canvas import Array, new_layer, surface
from frameloom.engines.compose.motion import Pose, motion_for, reach
from frameloom.engines.compose.painted import Sprite
from frameloom.engines.compose.painters import Ctx
from frameloom.engines.compose.painters.subjects import paint_subjects
from frameloom.engines.compose.placement import SubjectPlan
from frameloom.engines.compose.plan import ScenePlan

FOLLOWERS = ("held", "rider")  # go with the subject before them
CARRIERS = ("mount", "support")  # a vessel after its riders goes with them


def units(subjects: tuple[SubjectPlan, ...]) -> list[list[int]]:
    """The plan's subjects (indexes, draw order) grouped into units that move together."""
    out: list[list[int]] = []
    for i, s in enumerate(subjects):
        joins = s.role in FOLLOWERS or (s.role in CARRIERS and bool(out) and subjects[out[-1][-1]].role == "rider")
        if out and joins:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def lead(subjects: tuple[SubjectPlan, ...], unit: list[int]) -> int:
    """Whose motion the unit takes: its rider, else its first subject that is not a carrier."""
    riders = [i for i in unit if subjects[i].role == "rider"]
    movers = [i for i in unit if subjects[i].role not in (*CARRIERS, "held")]
    return (riders or movers or unit)[0]


def paint_sprites(plan: ScenePlan, grade: Callable[[Array], Array]) -> tuple[Sprite, ...]:
    """Each unit painted alone at the plan's size, cropped, graded by ``grade``."""
    out = []
    for unit in units(plan.subjects):
        pixels = new_layer(plan.width, plan.height)
        alone = replace(plan, subjects=tuple(plan.subjects[i] for i in unit))
        paint_subjects(Ctx(canvas=surface(pixels).getCanvas(), pixels=pixels, plan=alone))
        rows = np.nonzero(pixels[..., 3].any(axis=1))[0]
        cols = np.nonzero(pixels[..., 3].any(axis=0))[0]
        if rows.size == 0:
            continue
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        crop = grade(np.ascontiguousarray(pixels[y0:y1, x0:x1]))
        who = lead(plan.subjects, unit)
        s = plan.subjects[who]
        keep = _keep(plan.subjects, unit, who, (x0, y0, x1, y1))
        out.append(Sprite(crop, x0, y0, (s.x, s.base_y), s.height, motion_for(s, plan.width, plan.seed, who),
                          main=0 in unit, keep=keep))
    return tuple(out)


def _keep(subjects: tuple[SubjectPlan, ...], unit: list[int], who: int,
          drawn: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
    """The lead's upper part (head and hands) with all the rest of its unit
    (held, ridden, sat in) whole, as boxes of the plan (art about as wide as
    tall), cut to what was drawn (px)."""
    boxes = []
    for i in unit:
        s = subjects[i]
        top = s.base_y - s.height
        bottom = s.base_y - s.height * 0.45 if i == who else s.base_y
        boxes.append((s.x - s.height * 0.5, top, s.x + s.height * 0.5, bottom))
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return (max(x0, drawn[0]), max(y0, drawn[1]), min(x1, drawn[2]), min(y1, drawn[3]))


def margin(sprite: Sprite) -> int:
    """Room (px) around a sprite for its sway, bob and breath."""
    h, w = sprite.pixels.shape[:2]
    return int(math.ceil(reach(sprite.motion, max(h, w)))) + 2


def posed(sprite: Sprite, pose: Pose) -> tuple[Array, int, int]:
    """The sprite at ``pose``: its pixels and the scene px of their top-left corner.
    Still (no turn, no swell): the sprite itself, moved by whole px."""
    if pose.angle == 0 and pose.stretch == 1:
        return sprite.pixels, sprite.x + round(pose.dx), sprite.y + round(pose.dy)
    m = margin(sprite)
    h, w = sprite.pixels.shape[:2]
    fx, fy = math.floor(pose.dx), math.floor(pose.dy)
    # about the foot point, in the crop's px: swell vertically, turn, then the sub-pixel part of the move
    ax, ay = sprite.base[0] - sprite.x, sprite.base[1] - sprite.y
    a = math.radians(pose.angle)
    c, s = math.cos(a), math.sin(a)
    lin = np.array([[c, -s * pose.stretch], [s, c * pose.stretch]], np.float64)
    shift = np.array([ax + m + pose.dx - fx, ay + m + pose.dy - fy]) - lin @ np.array([ax, ay])
    matrix = np.hstack([lin, shift[:, None]]).astype(np.float32)
    out = cv2.warpAffine(sprite.pixels, matrix, (w + 2 * m, h + 2 * m), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    return out, sprite.x - m + fx, sprite.y - m + fy


def box(sprite: Sprite, pose: Pose) -> tuple[float, float, float, float]:
    """Where the figure (its solid pixels) can be at ``pose`` (x0, y0, x1, y1
    scene px; as far as its sway and breath can take it)."""
    h, w = sprite.pixels.shape[:2]
    grow = 0.0 if pose.angle == 0 and pose.stretch == 1 else reach(sprite.motion, max(h, w))
    bx0, by0, bx1, by1 = sprite.body
    x, y = sprite.x + pose.dx, sprite.y + pose.dy
    return (x + bx0 - grow, y + by0 - grow, x + bx1 + grow, y + by1 + grow)
