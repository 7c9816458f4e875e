"""Layers drawn by tiles: per frame only what a layer covers is touched.

A painted group is mostly empty (clouds cover a tenth of the sky, the
foreground frames the edges) or opaque (a skyline's lower half). Its alpha is
classified once in tiles of ``TILE`` px; runs of tiles along a tile row are
empty (skipped), opaque (copied) or partial (blended, premultiplied
source-over in I420, ``planes``); runs a few tiles apart merge into one
blended run, since each run drawn costs Python calls and a few blended tiles
cost less.

What lies under a layer's solid bottom (ground, water, a skyline's lower
half: every tile row opaque from there down) is never seen: a layer below it
is drawn only down to that row (``TiledLayer.solid_from``, ``draw(..., bottom)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frameloom.engines.compose.canvas import Array
from frameloom.engines.compose.planes import Planes3, Premultiplied, blend, premultiplied

TILE = 32
EMPTY, OPAQUE, PARTIAL = 0, 1, 2
# alpha 254 lets at most one level of what lies under it through: such a tile is copied as opaque
# (painted water and ground edges come out of skia's antialiasing at 254)
SOLID = 254
# tiles: runs this close merge into one blended run. Beside libx264 an OpenCV call costs more than
# blending a few more tiles: the 30 s city took 3 % less time at 16 than at 8 (6 of 6 pairs), 2.5 % less
# at 40 than at 16 (5 of 5); 100 was no better (docs/VIDEO.md)
MERGE = 40


@dataclass(frozen=True)
class Run:
    """Image rows ``y0 .. y1 - 1``, columns ``x0 .. x1 - 1`` (even), copied when ``opaque``, else blended."""

    y0: int
    y1: int
    x0: int
    x1: int
    opaque: bool


def _classes(alpha: Array) -> Array:
    """Each tile's class (EMPTY, OPAQUE, PARTIAL) as a ``(rows, cols)`` array."""
    h, w = alpha.shape
    rows, cols = -(-h // TILE), -(-w // TILE)
    hi = np.zeros((rows * TILE, cols * TILE), np.uint8)  # past the edge: empty for the max,
    hi[:h, :w] = alpha
    lo = hi.copy()
    lo[h:], lo[:, w:] = 255, 255  # and opaque for the min, so the edge tiles are judged on what they hold
    # reduce the contiguous axis first: a tenth of the time of a 4-d reduce
    tiles_hi = hi.reshape(rows * TILE, cols, TILE).max(axis=2).reshape(rows, TILE, cols).max(axis=1)
    tiles_lo = lo.reshape(rows * TILE, cols, TILE).min(axis=2).reshape(rows, TILE, cols).min(axis=1)
    out = np.full((rows, cols), PARTIAL, np.uint8)
    out[tiles_hi == 0] = EMPTY
    out[tiles_lo >= SOLID] = OPAQUE
    return out


def _runs(classes: Array) -> list[tuple[int, int, int]]:
    """One tile row's runs (x0, x1 px, class), empty ones left out; runs up to ``MERGE`` tiles
    apart merge into one blended run unless both are long opaque ones (blending a few empty or
    opaque tiles costs less than drawing another run)."""
    out: list[tuple[int, int, int]] = []
    c = 0
    while c < len(classes):
        kind, start = int(classes[c]), c
        while c < len(classes) and classes[c] == kind:
            c += 1
        if kind == EMPTY:
            continue
        if out:
            s0, e0, k0 = out[-1]
            small = (k0 == PARTIAL or e0 - s0 <= MERGE) and (kind == PARTIAL or c - start <= MERGE)
            if start - e0 <= MERGE and small:
                out[-1] = (s0, c, PARTIAL)
                continue
        out.append((start, c, kind))
    return [(s * TILE, e * TILE, k) for s, e, k in out]


class TiledLayer:
    """A premultiplied RGBA image, drawn over an I420 frame at an integer offset by its runs
    (premultiplied I420 planes, ``planes``)."""

    def __init__(self, pixels: Array) -> None:
        classes = _classes(pixels[..., 3])
        self.planes = _planes(pixels, classes)
        self.height, self.width = self.planes.y.shape
        self.opaque = bool((classes == OPAQUE).all())
        full_rows = (classes == OPAQUE).all(axis=1)
        # the first row from which every row down to the bottom is opaque across the whole width
        below = np.flatnonzero(~full_rows)
        first = int(below[-1]) + 1 if below.size else 0
        self.solid_from: int | None = first * TILE if first < classes.shape[0] else None
        # tile rows with the same runs merge into one block: an opaque sky is one copy
        spans: list[tuple[int, int, list[tuple[int, int, int]]]] = []
        for r in range(classes.shape[0]):
            runs = _runs(classes[r])
            if spans and spans[-1][2] == runs:
                spans[-1] = (spans[-1][0], r + 1, runs)
            else:
                spans.append((r, r + 1, runs))
        self.runs = [Run(r0 * TILE, min(r1 * TILE, self.height), x0, min(x1, self.width), kind == OPAQUE)
                     for r0, r1, runs in spans for x0, x1, kind in runs]
        # the runs' boxes as one array (luma px, all even): each frame clips them all at once
        self.boxes = np.array([(r.y0, r.y1, r.x0, r.x1) for r in self.runs], np.int64).reshape(-1, 4)

    def draw(self, planes: Planes3, ox: int, oy: int, scratch: Array,
             bottom: tuple[int, int] | None = None) -> None:
        """Source-over onto ``planes`` (an I420 frame's), this image's pixel (ox, oy) on the frame's
        top-left corner (its chroma at the even pixel at or before it), down to the frame's luma and
        chroma rows ``bottom`` (what lies below is hidden); ``scratch`` is a buffer of the luma's size."""
        fy, fu, fv = planes
        fh, fw = fy.shape
        lh, ch = (fh, fh // 2) if bottom is None else (min(fh, bottom[0]), min(fh // 2, bottom[1]))
        luma = _shown(self.boxes, ox, oy, fw, lh)
        chroma = _shown(self.boxes // 2, ox >> 1, oy >> 1, fw // 2, ch)
        src = self.planes
        for (plane, image, inv), shown in ((fy, src.y, src.inv), luma), ((fu, src.u, src.inv2), chroma), \
                ((fv, src.v, src.inv2), chroma):
            for i, y0, y1, x0, x1, dy, dx in shown:
                dst = plane[y0 - dy:y1 - dy, x0 - dx:x1 - dx]
                if self.runs[i].opaque:
                    np.copyto(dst, image[y0:y1, x0:x1])
                else:
                    blend(dst, image[y0:y1, x0:x1], inv[y0:y1, x0:x1], scratch)


def _planes(pixels: Array, classes: Array) -> Premultiplied:
    """``pixels`` as premultiplied I420 planes (even sides), converted over the box of its non-empty
    tiles only: nothing outside it is ever drawn, so it stays zero (pages never touched)."""
    h, w = pixels.shape[:2]
    hh, ww = h + h % 2, w + w % 2
    out = Premultiplied(y=np.zeros((hh, ww), np.uint8), u=np.zeros((hh // 2, ww // 2), np.uint8),
                        v=np.zeros((hh // 2, ww // 2), np.uint8), inv=np.zeros((hh, ww), np.uint8),
                        inv2=np.zeros((hh // 2, ww // 2), np.uint8))
    rows, cols = np.flatnonzero(classes.any(axis=1)), np.flatnonzero(classes.any(axis=0))
    if rows.size == 0:
        return out
    y0, y1, x0, x1 = rows[0] * TILE, min(rows[-1] * TILE + TILE, h), cols[0] * TILE, min(cols[-1] * TILE + TILE, w)
    part = premultiplied(pixels[y0:y1, x0:x1])
    for name in ("y", "inv"):
        getattr(out, name)[y0:y0 + part.y.shape[0], x0:x0 + part.y.shape[1]] = getattr(part, name)
    for name in ("u", "v", "inv2"):
        getattr(out, name)[y0 // 2:y0 // 2 + part.u.shape[0], x0 // 2:x0 // 2 + part.u.shape[1]] = getattr(part, name)
    return out


def _shown(boxes: Array, ox: int, oy: int, fw: int, fh: int) -> list[tuple[int, int, int, int, int, int, int]]:
    """The runs' boxes (image px) clipped to a ``fw`` x ``fh`` window at (ox, oy): (run, y0, y1, x0, x1, oy, ox)
    for each one that shows."""
    fh = max(0, fh)
    y0s, y1s = np.maximum(boxes[:, 0], oy), np.minimum(boxes[:, 1], oy + fh)
    x0s, x1s = np.maximum(boxes[:, 2], ox), np.minimum(boxes[:, 3], ox + fw)
    shown = np.flatnonzero((y0s < y1s) & (x0s < x1s))
    return [(i, y0, y1, x0, x1, oy, ox) for i, y0, y1, x0, x1 in
            zip(shown.tolist(), y0s[shown].tolist(), y1s[shown].tolist(), x0s[shown].tolist(),
                x1s[shown].tolist(), strict=True)]
