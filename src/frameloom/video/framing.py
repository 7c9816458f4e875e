"""Where a title goes: clear of the main subject, inside the output's safe zone, readable.

Safe zones (shares of the frame kept free of text; left, top, right, bottom):

| aspect | kept free | where the numbers come from |
|---|---|---|
| 9:16 | 6 %, 14 %, 6 %, 35 % | Meta's Reels overlay at 1440x2560: top 358 px, bottom 896 px, sides 86 px (profile and audio on top; caption, buttons and the reply bar at the bottom); TikTok's caption and button rail fall inside the same bands |
| 4:5 | 6 % each side | Instagram's feed at 1080x1350: 64 px on every side |
| others (16:9, 1:1) | 5 % each side | the title-safe area, 90 % of the frame (EBU R 95) |

The title is tried at places in order of preference (the upper band, the
lower band, the centre, then the corners), each inside the safe zone, and
takes the first that covers no main subject in any frame it shows over; when
none is clear it is made smaller, down to half its size, and at last it takes
the place that covers least. Its treatment follows the picture under it: a
soft shadow over a dark, quiet background, a dark box (scrim) over a bright
or busy one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 px

SAFE_VERTICAL = (0.06, 0.14, 0.06, 0.35)
SAFE_4_5 = (0.06, 0.06, 0.06, 0.06)
SAFE_TITLE = (0.05, 0.05, 0.05, 0.05)
CLEARANCE = 0.02  # of the short side, kept between a title and a subject
SHRINK, SMALLEST = 0.85, 0.5
BRIGHT_Y, BUSY_Y = 150.0, 38.0  # luma (16..235) mean and spread under the title above which it gets a box


def safe_area(width: int, height: int) -> Box:
    """The part of a ``width`` x ``height`` frame that text may use (px)."""
    ratio = height / width
    left, top, right, bottom = SAFE_VERTICAL if ratio >= 1.6 else SAFE_4_5 if ratio >= 1.15 else SAFE_TITLE
    return (width * left, height * top, width * (1 - right), height * (1 - bottom))


@dataclass(frozen=True)
class Placement:
    """The title's centre (px), its size factor (1: as asked) and its box (px)."""

    cx: float
    cy: float
    scale: float
    box: Box


def _candidates(w: float, h: float, safe: Box) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = safe
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    top, bottom = y0 + h / 2, y1 - h / 2
    left, right = x0 + w / 2, x1 - w / 2
    upper, lower = y0 + (y1 - y0) * 0.22, y0 + (y1 - y0) * 0.78
    return [(mid_x, upper), (mid_x, top), (mid_x, lower), (mid_x, bottom), (mid_x, mid_y),
            (left, top), (right, top), (left, bottom), (right, bottom), (left, mid_y), (right, mid_y)]


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place(size: tuple[int, int], width: int, height: int, avoid: Sequence[Box]) -> Placement:
    """Where a title of ``size`` (w, h px, at scale 1) goes in the frame, clear of ``avoid``."""
    safe = safe_area(width, height)
    pad = CLEARANCE * min(width, height)
    grown = [(b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad) for b in avoid]
    best: tuple[float, Placement] | None = None
    scale = 1.0
    while scale >= SMALLEST - 1e-9:
        w = min(size[0] * scale, safe[2] - safe[0])
        h = min(size[1] * scale, safe[3] - safe[1])
        for cx, cy in _candidates(w, h, safe):
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            covered = sum(_overlap(box, b) for b in grown)
            if covered == 0:
                return Placement(cx, cy, scale, box)
            if best is None or covered < best[0]:
                best = (covered, Placement(cx, cy, scale, box))
        scale *= SHRINK
    assert best is not None
    return best[1]


def needs_scrim(luma: np.ndarray) -> bool:
    """A box behind the title when the luma under it (Y, 16..235) is bright or busy:
    white letters with a soft shadow read on dark, quiet ground only."""
    if luma.size == 0:
        return False
    return float(luma.mean()) > BRIGHT_Y or float(luma.std()) > BUSY_Y
