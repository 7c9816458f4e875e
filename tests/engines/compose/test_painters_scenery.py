"""The scenery painters and structure art for things no emoji draws, and poses,
checked on pixels: each draws something visible where it should, in the
scene's light (darker at night than by day), and poses change the figure.

Renders are small (480x272); checks compare a render with the same plan
without the thing, or day with night, so they hold at any size.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.engines.compose.art import sprite
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.painters.structures import ASPECT, RECIPES
from frameloom.engines.compose.painters.subjects import recolour
from frameloom.engines.compose.plan import ScenePlan
from frameloom.engines.compose.render import render_plan

W, H = 480, 272
ENGINE = ComposeEngine()


def plan(prompt: str, seed: int = 1) -> ScenePlan:
    return ENGINE.scene(ImageRequest(prompt=prompt, width=W, height=H, seed=seed), seed)


def pixels(p: ScenePlan) -> np.ndarray:
    return np.asarray(render_plan(p)).astype(np.float32)


def without(p: ScenePlan, kind: str) -> ScenePlan:
    layers = tuple(Layer(layer.name, layer.depth, tuple(e for e in layer.elements if e.kind != kind))
                   for layer in p.layers)
    return replace(p, layers=layers)


def kinds(p: ScenePlan) -> set[str]:
    return {e.kind for layer in p.layers for e in layer.elements}


SCENERY = [
    ("a dog on a road in a field", "road"), ("a girl on a path in a forest", "path"),
    ("a deer by a river in a forest", "river_bank"), ("a goat on a cliff by the sea", "cliff"),
    ("a bear by a cave in the mountains", "cave"), ("a waterfall in the jungle", "waterfall"),
    ("the aurora over a snowy field at night", "aurora"), ("a cat on a windowsill", "windowsill"),
    ("a white sneaker, product shot", "studio"), ("a fox in a forest in autumn", "blossoms"),
    ("a bridge over a river", "bridge"),
]


@pytest.mark.parametrize(("prompt", "kind"), SCENERY)
def test_each_scenery_painter_draws_a_visible_part_of_the_frame(prompt: str, kind: str) -> None:
    p = plan(prompt)
    assert kind in kinds(p)
    changed = np.abs(pixels(p) - pixels(without(p, kind))).max(axis=2) > 30
    assert changed.mean() > 0.01, kind


@pytest.mark.parametrize(("day", "night", "kind"), [
    ("a road in a field at noon", "a road in a field at night", "road"),
    ("a cliff by the sea at noon", "a cliff by the sea at night", "cliff"),
    ("a river in a forest at noon", "a river in a forest at night", "river_bank"),
])
def test_scenery_takes_the_scenes_light(day: str, night: str, kind: str) -> None:
    lit = {}
    for name, prompt in (("day", day), ("night", night)):
        p = plan(prompt)
        img, bare = pixels(p), pixels(without(p, kind))
        mask = np.abs(img - bare).max(axis=2) > 30
        lit[name] = img[mask].mean()
    assert lit["day"] > lit["night"] + 30


def test_the_studio_is_a_plain_backdrop_with_no_scenery() -> None:
    p = plan("a white sneaker, product shot")
    assert kinds(p) <= {"studio", "table"}


@pytest.mark.parametrize("key", sorted(RECIPES))
def test_each_structure_is_drawn_at_its_aspect(key: str) -> None:
    art = sprite(f"draw:{key}", 120).pixels
    assert art[..., 3].mean() > 30, "mostly opaque"
    assert 0.6 < art.shape[1] / art.shape[0] / ASPECT[key] < 1.5


def _figure(p: ScenePlan) -> np.ndarray:
    """Where the subjects change the picture."""
    result: np.ndarray = np.abs(pixels(p) - pixels(replace(p, subjects=()))).max(axis=2) > 40
    return result


def _rows(mask: np.ndarray) -> tuple[int, int]:
    ys = np.nonzero(mask.any(axis=1))[0]
    return int(ys[0]), int(ys[-1])


def test_a_sleeper_lies_lower_than_a_stander() -> None:
    stands, sleeps = _figure(plan("a cat standing in a garden")), _figure(plan("a cat sleeping in a garden"))
    top, bottom = _rows(stands)
    upper = slice(top, top + (bottom - top) * 2 // 5)  # the z's over a sleeper are thin: the body is what counts
    assert sleeps[upper].sum() < stands[upper].sum() * 0.5


def test_a_jumper_is_off_the_ground() -> None:
    p = plan("a boy jumping in a field")
    boy = p.subjects[0]
    figure = _figure(replace(p, subjects=(replace(boy, shadow=False),)))
    top, _bottom = _rows(figure)
    assert top < boy.base_y - boy.height * 1.1


def test_a_runner_has_speed_lines_behind() -> None:
    p = plan("a dog running in a field")
    dog = p.subjects[0]
    figure = _figure(p)
    behind = figure[:, int(dog.x + dog.height * 0.7):] if dog.flip is False else figure[:, : int(dog.x - dog.height * 0.7)]
    assert behind.any()


def test_recolouring_keeps_shading_and_reaches_the_colour() -> None:
    rng = np.random.default_rng(1)
    red = np.zeros((8, 8, 3), np.float32)
    red[..., 0] = rng.uniform(0.5, 0.9, (8, 8))
    alpha = np.ones((8, 8), np.float32)
    white = recolour(red, alpha, (245, 245, 245))
    assert white.mean() > 0.7
    assert abs(white[..., 0].mean() - white[..., 2].mean()) < 0.05
    lum_in = red[..., 0]
    lum_out = white.mean(axis=2)
    assert np.corrcoef(lum_in.ravel(), lum_out.ravel())[0, 1] > 0.9, "shading kept"


def test_a_white_sneaker_is_drawn_white() -> None:
    p = plan("a white sneaker, product shot")
    img = pixels(p)
    mask = _figure(p)
    shoe = p.subjects[0]
    mask[int(shoe.base_y - shoe.height * 0.15):] = False  # its shadow on the floor is not the shoe
    drawn = img[mask].mean(axis=0)
    assert drawn.min() > 150, drawn
    assert drawn.max() - drawn.min() < 40, drawn


@pytest.mark.parametrize(("mood", "darker"), [("dark", True), ("cheerful", False)])
def test_moods_move_the_light(mood: str, darker: bool) -> None:
    plain = pixels(plan("a castle in a field at noon")).mean()
    moody = pixels(plan(f"a {mood} castle in a field at noon")).mean()
    assert (moody < plain - 10) if darker else (moody > plain - 2)



def test_the_water_strip_floating_art_carries_is_measured_and_nothing_else() -> None:
    from frameloom.engines.compose.painters.subjects import _water_strip

    art = np.zeros((100, 60, 4), np.uint8)
    art[20:80, 5:55] = (200, 40, 40, 255)  # a red hull
    art[80:100, 0:60] = (40, 110, 220, 255)  # the art's own strip of water below it
    assert 18 <= _water_strip(art, 100.0) <= 21
    art[80:100] = (200, 40, 40, 255)  # the same art standing on land: nothing to cut
    assert _water_strip(art, 100.0) == 0
