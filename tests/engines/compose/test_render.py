"""What the compose engine draws, checked on the pixels as a person would look.

Renders are small (480x272) to keep the suite fast; every check is relative
(this region against that one, this render against the same plan without its
subjects) so that it holds at any size.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from frameloom.domain.images import STYLES, ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.engines.compose.art import colours
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.render import render_plan

W, H = 480, 272
ENGINE = ComposeEngine()
FOX = "a fox reading a book in a forest at sunset"
CITY = "a futuristic city skyline at night with neon lights"


def plan(prompt: str, seed: int = 1, style: str | None = None) -> ScenePlan:
    return ENGINE.scene(ImageRequest(prompt=prompt, width=W, height=H, seed=seed, style=style), seed)


def pixels(p: ScenePlan) -> np.ndarray:
    return np.asarray(render_plan(p)).astype(np.float32)


def test_subjects_are_drawn_where_the_plan_puts_them() -> None:
    p = plan(FOX)
    with_subjects, without = pixels(p), pixels(replace(p, subjects=()))
    changed = np.abs(with_subjects - without).max(axis=2) > 40
    ys, xs = np.nonzero(changed)
    fox = p.subjects[0]
    assert changed.mean() > 0.03, "the fox covers a visible part of the frame"
    assert xs.min() < fox.x < xs.max()
    assert fox.base_y - fox.height * 1.1 < np.median(ys) < fox.base_y


def test_subjects_are_relit_not_pasted() -> None:
    """At sunset the fox is darker and warmer than its flat artwork."""
    p = plan(FOX)
    img, bare = pixels(p), pixels(replace(p, subjects=()))
    mask = np.abs(img - bare).max(axis=2) > 40
    art, _ = colours(p.subjects[0].emoji)
    drawn = img[mask].mean(axis=0)
    assert drawn.mean() < np.mean(art) * 0.9
    assert drawn[0] > drawn[2], "lit by a warm light"


def test_a_sunset_sky_glows_warm_toward_the_horizon() -> None:
    p = plan(FOX)
    img = pixels(replace(p, subjects=()))
    top = img[: int(H * 0.08)].mean(axis=(0, 1))
    low = img[int(p.horizon * 0.6): int(p.horizon * 0.9)].mean(axis=(0, 1))
    assert low.mean() > top.mean() + 30
    assert low[0] > low[2] + 40, "orange, not green or grey (tone mapping on luminance)"


def test_the_sun_blooms() -> None:
    p = plan(FOX)
    img = pixels(p).mean(axis=2)
    lx, ly = int(p.light.x), int(min(p.light.y, p.horizon - 4))
    near = img[max(ly - 6, 0): ly + 1, lx - 6: lx + 6].mean()
    far = img[max(ly - 6, 0): ly + 1, :12].mean() if lx > W / 2 else img[max(ly - 6, 0): ly + 1, -12:].mean()
    assert near > far + 25


def test_a_neon_night_city_is_dark_with_bright_saturated_lights() -> None:
    img = pixels(plan(CITY)).astype(np.uint8)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    assert hsv[..., 2].mean() < 90, "night"
    lights = (hsv[..., 1] > 120) & (hsv[..., 2] > 170)
    assert lights.mean() > 0.002, "lit windows and neon"


def test_water_mirrors_the_skyline() -> None:
    p = plan(CITY)
    img = pixels(p).mean(axis=2)
    hz = int(p.horizon)
    above = img[hz - 40: hz - 4].mean(axis=0)
    below = img[hz + 4: hz + 40].mean(axis=0)
    assert np.corrcoef(above, below)[0, 1] > 0.3


def test_chinese_and_english_prompts_plan_the_same_scene() -> None:
    zh, en = plan("夕阳下森林里读书的狐狸"), plan(FOX)
    assert (zh.setting, zh.time_of_day) == (en.setting, en.time_of_day)
    assert [(s.noun, s.role) for s in zh.subjects] == [(s.noun, s.role) for s in en.subjects]


@pytest.mark.parametrize("style", [s for s in STYLES if s != "illustration"])
def test_each_style_changes_the_picture(style: str) -> None:
    base, styled = pixels(plan(FOX)), pixels(plan(FOX, style=style))
    assert np.abs(base - styled).mean() > 4


def test_pixel_art_is_made_of_blocks() -> None:
    img = pixels(plan(FOX, style="pixel_art"))
    block = 4
    blocks = img[: H // block * block, : W // block * block].reshape(H // block, block, W // block, block, 3)
    assert np.abs(blocks - blocks[:, :1, :, :1]).max() == 0
    assert len(np.unique(img.reshape(-1, 3), axis=0)) < 120, "a reduced palette"


def test_a_sketch_is_pencil_grey_on_paper() -> None:
    img = pixels(plan(FOX, style="sketch"))
    assert np.abs(img[..., 0] - img[..., 2]).mean() < 8
    assert img.mean() > 150


def test_watercolor_is_lighter_and_softer_than_the_illustration() -> None:
    base, wash = pixels(plan(FOX)), pixels(plan(FOX, style="watercolor"))
    assert wash.mean() > base.mean() + 10
    edges = [np.abs(cv2.Laplacian(i.mean(axis=2), cv2.CV_32F)).mean() for i in (base, wash)]
    assert edges[1] < edges[0]


def test_neon_style_pushes_colour_to_magenta() -> None:
    img = pixels(plan("a fox in a forest at dusk", style="neon")).mean(axis=(0, 1))
    assert img[0] > img[1]
    assert img[2] > img[1]


def test_rendering_is_a_pure_function_of_the_plan() -> None:
    p = plan(FOX, seed=9)
    assert np.array_equal(pixels(p), pixels(p))
