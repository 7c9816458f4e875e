"""Tiles and planes: a layer drawn by its runs onto an I420 frame is premultiplied
source-over of the whole layer in Y'CbCr, at any offset, to a level or two of
rounding (chroma from each 2 x 2 block's top-left pixel, as OpenCV converts); empty runs are skipped and
opaque ones copied; sprites, lights and shades land where they are put, clipped."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frameloom.engines.compose.planes import CHROMA, LUMA, Light, add_flat, frame_planes, over, shade, tint
from frameloom.engines.compose.tiles import MERGE, TILE, TiledLayer


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


def random_frame(width: int, height: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(16, 236, (height * 3 // 2, width), dtype=np.uint8)


def expected_over(plane: np.ndarray, px: np.ndarray, ox: int, oy: int, chroma: int | None) -> np.ndarray:
    """What source-over of ``px`` at (ox, oy) gives on one plane, in floats from the formulas:
    luma per pixel (``chroma`` None), else chroma row ``chroma`` of each 2 x 2 block at the even offset."""
    weights = (LUMA if chroma is None else CHROMA[chroma:chroma + 1])[0]
    value = px.astype(np.float64) @ weights
    alpha = px[..., 3] / 255.0
    if chroma is not None:  # each 2 x 2 block's top-left pixel, as OpenCV converts a frame
        value, alpha = value[::2, ::2], alpha[::2, ::2]
        ox, oy = ox >> 1, oy >> 1
    fh, fw = plane.shape
    src, a = np.zeros((fh, fw)), np.zeros((fh, fw))
    crop = value[oy:oy + fh, ox:ox + fw]
    src[:crop.shape[0], :crop.shape[1]] = crop
    a[:crop.shape[0], :crop.shape[1]] = alpha[oy:oy + fh, ox:ox + fw]
    out: np.ndarray = src + plane * (1 - a)
    return out


@pytest.mark.parametrize(("ox", "oy"), [(0, 0), (17, 33), (101, 90), (150, 5), (160, 100)])
def test_runs_blend_as_the_whole_layer_would(ox: int, oy: int) -> None:
    px = layer(1)
    tiled = TiledLayer(px)
    yuv = random_frame(140, 100, 2)
    before = [p.astype(np.float64) for p in frame_planes(yuv.copy(), 140, 100)]
    planes = frame_planes(yuv, 140, 100)
    tiled.draw(planes, ox, oy, np.empty((100, 140), np.uint8))
    for plane, was, chroma in zip(planes, before, (None, 0, 1), strict=True):
        assert np.abs(plane - expected_over(was, px, ox, oy, chroma)).max() <= 2.0


def test_empty_tiles_are_skipped_and_opaque_ones_copied() -> None:
    tiled = TiledLayer(layer(3))
    assert all(run.y0 >= 60 - TILE for run in tiled.runs), "nothing above the first drawn row"
    opaque = [run for run in tiled.runs if run.opaque]
    assert opaque, "the opaque bottom is copied"
    assert all((layer(3)[r.y0:r.y1, r.x0:r.x1, 3] == 255).all() for r in opaque)
    assert not tiled.opaque
    assert TiledLayer(np.full((64, 64, 4), 255, np.uint8)).opaque


def test_runs_up_to_merge_tiles_apart_merge_into_one() -> None:
    px = np.zeros((TILE, (2 * MERGE + 10) * TILE, 4), np.uint8)
    far = (MERGE + 10) * TILE
    for x in (0, 3 * TILE, far):  # two close specks, one farther than MERGE tiles
        px[5, x + 1] = (100, 100, 100, 200)
    assert [(r.x0, r.x1) for r in TiledLayer(px).runs] == [(0, 4 * TILE), (far, far + TILE)]


def test_an_odd_sized_layer_is_drawn_whole() -> None:
    px = np.full((33, 41, 4), 255, np.uint8)
    yuv = np.zeros((60, 60), np.uint8)
    planes = frame_planes(yuv, 60, 40)
    TiledLayer(px).draw(planes, 0, 0, np.empty((40, 60), np.uint8))
    assert planes[0][:33, :41].min() == 235, "white to the last row and column"
    assert planes[0][34:].max() == 0
    assert planes[0][:, 42:].max() == 0


def test_sprites_lights_and_shades_are_clipped_to_the_frame() -> None:
    yuv = np.zeros((75, 50), np.uint8)
    y, u, v = frame_planes(yuv, 50, 50)
    over((y, u, v), np.full((20, 20, 4), 255, np.uint8), -10, 41, np.empty((50, 50), np.uint8))
    assert y[41:50, 0:10].min() == 235, "the white sprite's part inside the frame, to the pixel"
    assert y[:41].max() == 0
    assert y[:, 10:].max() == 0
    assert u[21:25, 0:5].min() == 128, "its chroma: neutral"
    assert u[:20].max() == 0
    Light(np.full((10, 10, 4), 100, np.uint8)).add((y, u, v), 44, -4, 0.5)
    assert y[0:6, 44:50].tolist() == [[43] * 6] * 6, "grey light 100 at half: luma 100 * 219 / 255 / 2"
    assert y[6:, 44:].max() == 0


def test_a_shade_and_a_flash_reach_the_colours_they_name() -> None:
    colour = (200, 40, 90)
    yuv = random_frame(64, 64, 3)
    planes = frame_planes(yuv, 64, 64)
    shade(planes, (8, 8, 40, 40), colour, 1.0)
    want = cv2.cvtColor(np.full((2, 2, 3), colour, np.uint8), cv2.COLOR_RGB2YUV_I420)
    assert abs(int(planes[0][20, 20]) - int(want[0, 0])) <= 1
    assert abs(int(planes[1][10, 10]) - int(want[2, 0])) <= 1
    assert abs(int(planes[2][10, 10]) - int(want[2, 1])) <= 1
    assert planes[0][41:].tolist() == frame_planes(random_frame(64, 64, 3), 64, 64)[0][41:].tolist()

    dark = frame_planes(np.full((96, 64), 16, np.uint8), 64, 64)
    for plane in dark[1:]:
        plane.fill(128)
    add_flat(dark, (255, 255, 255), 0.5)
    assert abs(int(dark[0][0, 0]) - (16 + 110)) <= 1
    assert dark[1].max() == 128


def test_a_solid_bottom_is_found_and_what_lies_under_it_is_not_drawn() -> None:
    px = layer(4)  # opaque from row 140, but for a hole at rows 150-169 on the right edge
    assert TiledLayer(px).solid_from == -(-170 // TILE) * TILE
    ground = np.zeros((100, 80, 4), np.uint8)
    ground[64:] = 255
    ground[64:, :, 3] = 254  # antialiased ground: one level from below shows through at most
    assert TiledLayer(ground).solid_from == 64
    assert TiledLayer(layer(5)[:100]).solid_from is None

    yuv = np.zeros((150, 140), np.uint8)
    planes = frame_planes(yuv, 140, 100)
    TiledLayer(np.full((200, 300, 4), 200, np.uint8)).draw(planes, 10, 10, np.empty((100, 140), np.uint8),
                                                           bottom=(40, 20))
    assert planes[0][:40].min() > 0
    assert planes[1][:20].min() > 0
    assert planes[0][40:].max() == 0
    assert planes[1][20:].max() == 0


@pytest.mark.parametrize(("x", "y"), [(4, 6), (5, 6), (4, 7), (-3, -2), (30, 20)])
def test_a_sprite_lands_the_same_aligned_or_not(x: int, y: int) -> None:
    """An even-aligned sprite inside the frame is converted as it is, any other through an aligned
    copy: both are source-over of the sprite at (x, y), luma to the pixel."""
    rgba = layer(6)[50:90, 100:140].copy()  # 40 x 40, partial alpha
    yuv = random_frame(64, 64, 7)
    was = frame_planes(yuv.copy(), 64, 64)[0].astype(np.float64)
    planes = frame_planes(yuv, 64, 64)
    over(planes, rgba, x, y, np.empty((64, 64), np.uint8))
    shifted = np.zeros((64 + 80, 64 + 80, 4), np.uint8)  # the sprite placed on a canvas around the frame
    shifted[40 + y:80 + y, 40 + x:80 + x] = rgba
    expected = expected_over(was, shifted, 40, 40, None)
    assert np.abs(planes[0] - expected).max() <= 2.0


def test_a_tint_through_a_mask_is_that_colour_laid_over_with_the_mask_as_alpha() -> None:
    # rain and snow: strokes of one colour drawn as coverage only, laid as an RGBA overlay would be
    rng = np.random.default_rng(7)
    mask = np.zeros((100, 140), np.uint8)
    mask[10:90, 5:120] = rng.integers(0, 256, (80, 115), dtype=np.uint8)
    colour = (180, 200, 230)
    overlay = np.empty((100, 140, 4), np.uint8)
    overlay[..., :3] = (np.array(colour, np.uint16) * mask[..., None] // 255).astype(np.uint8)
    overlay[..., 3] = mask
    yuv = random_frame(140, 100, 3)
    by_overlay, by_mask = yuv.copy(), yuv.copy()
    scratch = np.empty((100, 140), np.uint8)
    over(frame_planes(by_overlay, 140, 100), overlay, 0, 0, scratch)
    tint(frame_planes(by_mask, 140, 100), mask, colour, scratch)
    assert np.abs(by_mask.astype(np.int16) - by_overlay).max() <= 2
    assert not np.array_equal(by_mask, yuv)
