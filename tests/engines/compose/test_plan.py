"""The scene plan: what the compose engine decides to draw for a prompt.

A table of prompts states, for each, the setting and time of day the plan must
use, and the subjects it must place with their roles. Whatever the seed, these
must hold; only sides, spacing and details re-roll.
"""

from __future__ import annotations

import json

import pytest

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.engines.compose.plan import ScenePlan

W, H = 1920, 1080
ENGINE = ComposeEngine()

# prompt, setting, time of day (None: any), {noun: role} that must be placed
TABLE: list[tuple[str, str, str | None, dict[str, str]]] = [
    ("a fox reading a book in a forest at sunset", "forest", "sunset", {"fox": "main", "book": "held"}),
    ("a futuristic city skyline at night with neon lights", "city", "night", {}),
    ("夕阳下森林里读书的狐狸", "forest", "sunset", {"fox": "main", "book": "held"}),
    ("an astronaut riding a horse in space", "space", "night", {"astronaut": "rider", "horse": "mount"}),
    ("a cat on a red sofa in a cozy room", "room", None, {"cat": "rider", "sofa": "support"}),
    ("a sailboat on a calm lake at golden hour", "lake", "golden_hour", {"sailboat": "floater"}),
    ("a camel walking through the desert at sunset", "desert", "sunset", {"camel": "main"}),
    ("a penguin on a snowy field", "snowfield", None, {"penguin": "main"}),
    ("a whale swimming under the sea", "underwater", None, {"whale": "floater"}),
    ("a dragon flying over the mountains at dawn", "mountains", "dawn", {"dragon": "flyer"}),
    ("a robot playing guitar on a city street in the rain", "city", None, {"robot": "main", "guitar": "held"}),
    ("a dog in a field of flowers at noon", "field", "day", {"dog": "main"}),
    ("a rabbit in a garden in the morning", "garden", "dawn", {"rabbit": "main"}),
    ("a monkey in the jungle", "jungle", None, {"monkey": "main"}),
    ("a turtle on the beach at sunset", "beach", "sunset", {"turtle": "main"}),
    ("a ship on the ocean at dusk", "ocean", "dusk", {"ship": "floater"}),
    ("a bear in the mountains at night", "mountains", "night", {"bear": "main"}),
    ("a girl with an umbrella in a field", "field", None, {"girl": "main", "umbrella": "held"}),
    ("an owl on a tree in a forest at night", "forest", "night", {"owl": "rider", "tree": "support"}),
    ("a wizard reading a map in a forest", "forest", None, {"wizard": "main", "map": "held"}),
    ("a lion in the desert at golden hour", "desert", "golden_hour", {"lion": "main"}),
    ("a deer in a snowy forest at dawn", "forest", "dawn", {"deer": "main"}),
    ("a castle on a mountain at sunset", "mountains", "sunset", {"castle": "main"}),
    ("a house in a field at dusk", "field", "dusk", {"house": "main"}),
    ("a hot air balloon over a field at dawn", "field", "dawn", {"hot air balloon": "flyer"}),
    ("a frog by a lake at night", "lake", "night", {"frog": "main"}),
    ("a duck swimming on a lake in the morning", "lake", "dawn", {"duck": "floater"}),
    ("a car on a city street at night", "city", "night", {"car": "main"}),
    ("a boy riding a bicycle in a garden", "garden", None, {"boy": "rider", "bicycle": "mount"}),
    ("a chef holding a cake in a kitchen", "room", None, {"chef": "main", "cake": "held"}),
    ("a panda eating bamboo in the forest", "forest", None, {"panda": "main", "bamboo": "held"}),
    ("an elephant in the desert at noon", "desert", "day", {"elephant": "main"}),
    ("a rocket in space", "space", "night", {"rocket": "flyer"}),
    ("a tiger in the jungle at night", "jungle", "night", {"tiger": "main"}),
    ("a koala in a forest in the rain", "forest", None, {"koala": "main"}),
    ("a unicorn on a beach at dawn", "beach", "dawn", {"unicorn": "main"}),
    ("一只猫在房间里", "room", None, {"cat": "main"}),
    ("夜晚城市里的霓虹灯", "city", "night", {}),
    ("海滩上的小狗", "beach", None, {"dog": "main"}),
    ("雪地里的企鹅", "snowfield", None, {"penguin": "main"}),
    ("太空中的宇航员", "space", "night", {"astronaut": "main"}),
    ("a snowman in a snowfield at night", "snowfield", "night", {"snowman": "main"}),
]


def plan(prompt: str, seed: int = 0, width: int = W, height: int = H) -> ScenePlan:
    return ENGINE.scene(ImageRequest(prompt=prompt, width=width, height=height, seed=seed), seed)


def test_the_table_covers_at_least_forty_prompts() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize(("prompt", "setting", "time_of_day", "roles"), TABLE)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plan_follows_the_prompt(prompt: str, setting: str, time_of_day: str | None, roles: dict[str, str],
                                 seed: int) -> None:
    p = plan(prompt, seed)
    assert p.setting == setting
    if time_of_day:
        assert p.time_of_day == time_of_day
    placed = {s.noun: s.role for s in p.subjects}
    for noun, role in roles.items():
        assert placed.get(noun) == role, f"{noun}: {placed}"
    assert p.unknown == ()


@pytest.mark.parametrize(("prompt", "setting", "time_of_day", "roles"), TABLE[:12])
def test_subjects_stand_inside_the_frame(prompt: str, setting: str, time_of_day: str | None,
                                         roles: dict[str, str]) -> None:
    p = plan(prompt, 3)
    for s in p.subjects:
        assert 0 < s.x < W
        assert 0 < s.base_y <= H
        assert H * 0.05 < s.height <= H * 0.62


def test_layers_run_from_the_sky_to_the_lens() -> None:
    p = plan("a fox reading a book in a forest at sunset")
    depths = [layer.depth for layer in p.layers]
    assert p.layers[0].name == "sky"
    assert depths[0] == 1.0
    assert p.layers[-1].name == "atmosphere"
    assert depths[-1] == 0.0
    assert depths == sorted(depths, reverse=True)
    kinds = {e.kind for layer in p.layers for e in layer.elements}
    assert {"sky", "light", "ridge", "treeline", "ground", "trunk", "motes"} <= kinds


def test_one_light_for_the_whole_scene_sits_across_from_the_main_subject() -> None:
    for seed in range(6):
        p = plan("a fox reading a book in a forest at sunset", seed)
        main = p.subjects[0]
        assert (p.light.x < W / 2) != (main.x < W / 2)
        assert p.light.kind == "sun"
        assert p.light.visible


def test_night_has_a_moon_and_neon_turns_the_sky_purple() -> None:
    p = plan("a futuristic city skyline at night with neon lights")
    assert p.light.kind == "moon"
    top = p.palette.sky_top
    assert top[2] > top[1]
    assert top[0] > top[1]


def test_the_held_book_sits_in_front_of_the_fox_at_chest_height() -> None:
    p = plan("a fox reading a book in a forest at sunset")
    fox, book = p.subjects[0], p.subjects[1]
    assert book.x == pytest.approx(fox.x)
    assert fox.base_y - fox.height * 0.6 < book.base_y - book.height / 2 < fox.base_y
    assert book.height < fox.height * 0.6
    assert fox.body, "head-only fox art gets a drawn body"


def test_a_noun_it_cannot_draw_is_named_not_dropped() -> None:
    p = plan("a zorblax reading a book in a forest")
    assert "zorblax" in p.unknown
    assert [s.noun for s in p.subjects] == ["book"]


def test_plural_nouns_place_several_copies() -> None:
    p = plan("three cats in a garden")
    assert [s.noun for s in p.subjects].count("cat") == 3


def test_different_seeds_give_different_compositions() -> None:
    plans = [plan("a fox in a forest", seed) for seed in range(4)]
    layouts = {(round(p.subjects[0].x), round(p.horizon), round(p.light.x)) for p in plans}
    assert len(layouts) == 4


def test_the_same_seed_gives_the_same_plan() -> None:
    assert plan("a fox in a forest", 5) == plan("a fox in a forest", 5)


def test_the_plan_is_json_and_names_everything() -> None:
    data = ENGINE.plan("a fox reading a book in a forest at sunset", seed=1)
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert data["setting"] == "forest"
    assert data["style"] == "illustration"
    assert [s["noun"] for s in data["subjects"]] == ["fox", "book"]
    assert all("depth" in layer and "elements" in layer for layer in data["layers"])


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1080, 1080), (2048, 880)])
def test_other_aspects_keep_subjects_in_frame(width: int, height: int) -> None:
    p = plan("a fox reading a book in a forest at sunset", 1, width, height)
    for s in p.subjects:
        half = s.height * 0.5
        assert half * 0.3 < s.x < width - half * 0.3
        assert s.base_y <= height


def test_a_named_light_is_drawn_and_becomes_the_key_light_in_the_dark() -> None:
    p = plan("a cat in a cozy room by candlelight")
    candle = next(s for s in p.subjects if s.noun == "candle")
    assert candle.role == "prop"
    assert p.light.kind == "flame"
    assert p.light.x == pytest.approx(candle.x)


def test_a_campfire_subject_lights_the_night() -> None:
    p = plan("a wizard reading a map by a campfire at night")
    fire = next(s for s in p.subjects if s.noun == "fire")
    assert p.light.kind == "flame"
    assert p.light.x == pytest.approx(fire.x)
    assert sum(s.noun == "fire" for s in p.subjects) == 1, "no second fire prop"


def test_small_things_alone_make_a_still_life_indoors() -> None:
    assert plan("a bowl of ramen").setting == "room"
    assert plan("a cup of coffee").setting == "room"


def test_a_tall_frame_keeps_the_subject_inside_its_width() -> None:
    p = plan("a penguin on a snowy field", 3, 1080, 1920)
    penguin = p.subjects[0]
    assert penguin.height <= 1080 * 1.1 * 0.5 + 1


def test_the_target_of_a_relation_is_placed_once() -> None:
    p = plan("a red car parked in front of a house", 1)
    assert [s.noun for s in p.subjects].count("house") == 1
