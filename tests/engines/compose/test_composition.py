"""Composition rules on the plan: sizes by real scale and size words, copies in
frame and apart, structures under what rests on them, resting flyers perched.

Plans only (no pixels), at 1920x1080 so that the numbers read as they would
in a picture; each check compares subjects with each other or with the frame.
"""

from __future__ import annotations

import itertools

import pytest

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.engines.compose.placement import SubjectPlan, art_aspect
from frameloom.engines.compose.plan import ScenePlan

W, H = 1920, 1080
ENGINE = ComposeEngine()


def plan(prompt: str, seed: int = 1) -> ScenePlan:
    return ENGINE.scene(ImageRequest(prompt=prompt, width=W, height=H, seed=seed), seed)


def subject(p: ScenePlan, noun: str) -> SubjectPlan:
    return next(s for s in p.subjects if s.noun == noun)


def box(s: SubjectPlan) -> tuple[float, float, float, float]:
    half = s.height * art_aspect(s.emoji) / 2
    return s.x - half, s.base_y - s.height, s.x + half, s.base_y


def test_a_campfire_is_small_beside_a_tent() -> None:
    p = plan("a campfire beside a tent")
    assert subject(p, "fire").height < subject(p, "tent").height * 0.8


def test_a_whale_is_big_beside_a_boat() -> None:
    p = plan("a whale and a boat on the ocean")
    assert subject(p, "whale").height > subject(p, "boat").height * 1.5


@pytest.mark.parametrize(("small", "big"), [("a tiny cat", "a cat"), ("a cat", "a giant cat")])
def test_size_words_change_the_drawn_size(small: str, big: str) -> None:
    assert subject(plan(small), "cat").height < subject(plan(big), "cat").height * 0.85


@pytest.mark.parametrize("prompt", [
    "many sheep in a field", "five cats on a sofa", "a pair of swans on a lake", "a lighthouse on a beach",
    "a giant robot in a city", "a dragon flying over a castle", "three penguins on the ice",
    "a bridge over a river", "a cat sleeping on a wall",
])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_sprite_is_wholly_in_frame(prompt: str, seed: int) -> None:
    for s in plan(prompt, seed).subjects:
        if s.role == "edge":  # a branch reaching in from the edge is cut by the frame on purpose
            continue
        left, top, right, bottom = box(s)
        assert left >= -1, (s.noun, left)
        assert right <= W + 1, (s.noun, right)
        assert top >= -1, (s.noun, top)
        assert bottom <= H + 1, (s.noun, bottom)


@pytest.mark.parametrize("prompt", ["a dog and a cat in a garden", "a fox and a rabbit and an owl in a forest",
                                    "a girl and a robot in a city"])
def test_subjects_side_by_side_do_not_overlap(prompt: str) -> None:
    ground = [s for s in plan(prompt).subjects if s.role in ("main", "companion") and s.depth < 0.3]
    ground.sort(key=lambda s: s.x)
    for a, b in itertools.pairwise(ground):
        assert box(a)[2] <= box(b)[0] + 2, (a.noun, b.noun)


def test_copies_stand_side_by_side_inside_the_frame() -> None:
    sheep = [s for s in plan("five sheep in a field").subjects if s.noun == "ram" or s.noun == "sheep"]
    assert len(sheep) == 5
    assert len({round(s.x) for s in sheep}) == 5


def test_a_cat_on_a_wall_rests_on_its_top() -> None:
    p = plan("a cat sleeping on a wall")
    wall, cat = subject(p, "wall"), subject(p, "cat")
    assert wall.role == "support"
    assert abs(cat.base_y - (wall.base_y - wall.height)) < wall.height * 0.1
    assert abs(cat.x - wall.x) < wall.height * 0.5


def test_a_tiny_thing_on_a_table_stays_small_on_a_full_size_table() -> None:
    p = plan("a tiny mouse on a table")
    assert subject(p, "mouse").height < subject(p, "table").height


def test_a_resting_bird_perches_on_a_branch_from_the_edge() -> None:
    p = plan("an owl sitting on a branch at night")
    branch, owl = subject(p, "branch"), subject(p, "owl")
    assert branch.role == "edge"
    assert owl.role == "perched"
    left, _, right, _ = box(branch)
    assert left <= 1 or right >= W - 1, "reaches in from a frame edge"
    assert owl.base_y < H * 0.8, "up in the air, not on the ground"


def test_a_flying_bird_is_not_perched() -> None:
    assert subject(plan("an owl flying over a forest"), "owl").role == "flyer"


def test_a_bird_on_a_fence_sits_on_the_fence() -> None:
    p = plan("a red bird perched on a fence")
    fence, bird = subject(p, "fence"), subject(p, "bird")
    assert bird.base_y < fence.base_y - fence.height * 0.8


def test_big_structures_stand_back_from_the_subjects() -> None:
    p = plan("a girl and a lighthouse on a beach")
    assert subject(p, "lighthouse").base_y < subject(p, "girl").base_y
    assert subject(p, "lighthouse").depth > subject(p, "girl").depth


def test_a_ground_fire_gets_a_ring_of_stones() -> None:
    nouns = [s.noun for s in plan("a campfire in a forest at night").subjects]
    assert "campfire ring" in nouns


def test_poses_and_props_reach_the_plan() -> None:
    fisher = plan("a bear fishing by a lake")
    assert subject(fisher, "bear").pose == "fishing"
    assert subject(fisher, "fishing rod").role == "held"
    eater = plan("a rabbit eating a carrot")
    rabbit, carrot = subject(eater, "rabbit"), subject(eater, "carrot")
    assert carrot.base_y < rabbit.base_y - rabbit.height * 0.3, "held up at the mouth"


def test_a_crew_sits_in_a_boat_that_floats() -> None:
    p = plan("two kids in a boat on a lake")
    boat = subject(p, "boat")
    kids = [s for s in p.subjects if s.noun == "child"]
    assert boat.role == "floater"
    assert boat.base_y > p.horizon, "on the water, below the horizon"
    assert p.subjects.index(boat) < p.subjects.index(kids[0]), "the crew is drawn over the hull"
    for kid in kids:
        assert boat.base_y - boat.height < kid.base_y < boat.base_y


def test_a_knight_on_a_horse_is_not_dwarfed_by_the_castle_behind() -> None:
    p = plan("a knight riding a horse toward a castle")
    assert subject(p, "horse").height > subject(p, "castle").height * 0.6
