"""Tiles: a layer drawn by its runs is premultiplied source-over of the whole
layer, at any offset, to one level of rounding; empty runs are skipped and
opaque ones copied."""

from __future__ import annotations

import numpy as np
import pytest

from frameloom.engines.compose.tiles import TILE, TiledLayer, add_scaled, over


def layer(seed: int) -> np.ndarray:
    """A premultiplied RGBA layer: empty top, a partial band with holes, an opaque bottom."""
    rng = np.random.default_rng(seed)
    h, w = 200, 300
    alpha = np.zeros((h, w), np.uint8)
    alpha[60:140, 20:250] = rng.integers(0, 256, (80, 230), dtype=np.uint8)
    alpha[140:] = 255
    alpha[150:170, 280:] = 0  # a hole in the opaque part, at the edge
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = (rgb.astype(np.uint16) * alpha[..., None] // 255).astype(np.uint8)
    out[..., 3] = alpha
    return out


def source_over(frame: np.ndarray, px: np.ndarray, ox: int, oy: int) -> np.ndarray:
    h, w = frame.shape[:2]
    src = np.zeros_like(frame, dtype=np.float64)
    crop = px[max(oy, 0):oy + h, max(ox, 0):ox + w]
    src[:crop.shape[0], :crop.shape[1]] = crop
    return src + frame * (1 - src[..., 3:4] / 255)


@pytest.mark.parametrize(("ox", "oy"), [(0, 0), (17, 33), (101, 90), (150, 5)])
def test_runs_blend_as_the_whole_layer_would(ox: int, oy: int) -> None:
    px = layer(1)
    tiled = TiledLayer(px)
    frame = np.random.default_rng(2).integers(0, 256, (100, 140, 4), dtype=np.uint8)
    expected = source_over(frame.astype(np.float64), px, ox, oy)
    tiled.draw(frame, ox, oy, np.empty_like(frame))
    assert np.abs(frame - expected).max() <= 1.0


def test_empty_tiles_are_skipped_and_opaque_ones_copied() -> None:
    tiled = TiledLayer(layer(3))
    assert all(run.y0 >= 60 - TILE for run in tiled.runs), "nothing above the first drawn row"
    opaque = [run for run in tiled.runs if run.inv is None]
    assert opaque, "the opaque bottom is copied"
    assert all((layer(3)[r.y0:r.y1, r.x0:r.x1, 3] == 255).all() for r in opaque)
    assert not tiled.opaque
    assert TiledLayer(np.full((64, 64, 4), 255, np.uint8)).opaque


def test_sprites_and_glows_are_clipped_to_the_frame() -> None:
    frame = np.zeros((50, 50, 4), np.uint8)
    sprite = np.full((20, 20, 4), 255, np.uint8)
    over(frame, sprite, -10, 40)
    assert frame[40:50, 0:10].min() == 255
    assert frame[:40].max() == 0
    assert frame[:, 10:].max() == 0
    add_scaled(frame, np.full((10, 10, 4), 100, np.uint8), 45, -5, 0.5)
    assert frame[0:5, 45:50, 0].tolist() == [[50] * 5] * 5


def test_a_solid_bottom_is_found_and_what_lies_under_it_is_not_drawn() -> None:
    px = layer(4)  # opaque from row 140, but for a hole at rows 150-169 on the right edge
    assert TiledLayer(px).solid_from == -(-170 // TILE) * TILE
    ground = np.zeros((100, 80, 4), np.uint8)
    ground[64:] = 255
    ground[64:, :, 3] = 254  # antialiased ground: one level from below shows through at most
    assert TiledLayer(ground).solid_from == 64
    assert TiledLayer(layer(5)[:100]).solid_from is None

    frame = np.zeros((100, 140, 4), np.uint8)
    TiledLayer(np.full((200, 300, 4), 200, np.uint8)).draw(frame, 10, 10, np.empty_like(frame), bottom=40)
    assert frame[:40].min() == 200
    assert frame[40:].max() == 0
