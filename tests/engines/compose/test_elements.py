"""Scene elements as typed values, and their JSON form in ``frameloom plan``.

Every element kind has a painter; the JSON form is what the plan has always
printed (``{"kind", "params"}``, parameters a recipe did not give left out,
``seed`` first except on the table); reading that JSON back gives the same
elements, and anything else is refused.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import get_args

import pytest

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.engines.compose.elements import (
    Element,
    Ground,
    Ridge,
    Skyline,
    Table,
    element_from_json,
    element_to_json,
)
from frameloom.engines.compose.layers import layer_from_json, layer_to_json
from frameloom.engines.compose.painters import PAINTERS
from frameloom.engines.compose.palette import Palette
from frameloom.engines.compose.placement import SubjectPlan
from frameloom.engines.compose.plan import Light as KeyLight
from frameloom.engines.compose.plan import (
    LightJSON,
    PaletteJSON,
    PlanJSON,
    ScenePlan,
    SubjectJSON,
    plan_to_dict,
)

ENGINE = ComposeEngine()
SEEDS = (1, 2, 3)
# one prompt per setting, with weather and times that bring in every atmosphere element
PROMPTS = [
    "a fox in a forest at dusk in the fog", "a robot in a city at night in the rain", "a lighthouse on a beach",
    "a pirate ship in a storm on the ocean", "a camel in the desert", "a dragon over the mountains in the snow",
    "a penguin on a snowy field", "a girl in a field at night", "an astronaut in space", "a cup of coffee on a table",
    "a sailboat on a lake at sunset", "a rabbit in a garden", "a tiger in the jungle", "a whale under the sea",
    # scenery no emoji draws, seasons and a studio
    "a dog on a road by a river in autumn", "a bear by a cave near a waterfall in spring",
    "a goat on a cliff under the aurora", "a cat on a windowsill", "a product shot of a sneaker", "a dog on a path",
    "a bridge over a river",
]


def plan(prompt: str, seed: int) -> ScenePlan:
    return ENGINE.scene(ImageRequest(prompt=prompt, width=480, height=272, seed=seed), seed)


def test_every_element_kind_has_one_painter() -> None:
    kinds = get_args(Element)
    assert set(PAINTERS) == set(kinds)
    assert len({k.kind for k in kinds}) == len(kinds)


def test_the_json_form_leaves_out_what_a_recipe_did_not_give() -> None:
    assert element_to_json(Ridge(top=0.2, rough=0.3, depth=0.8, seed=7)) == {
        "kind": "ridge", "params": {"seed": 7, "top": 0.2, "rough": 0.3, "depth": 0.8}}
    given = element_to_json(Ridge(top=0.2, rough=0.3, depth=0.8, snow=False, seed=7))
    assert given["params"]["snow"] is False


def test_the_json_form_keeps_its_names_and_order() -> None:
    ground = element_to_json(Ground(surface="sand", shore=True, seed=3))
    assert ground == {"kind": "ground", "params": {"seed": 3, "kind": "sand", "shore": True}}
    assert list(element_to_json(Table(top=0.8, seed=5))["params"]) == ["top", "seed"]
    skyline = Skyline(top=0.8, min_h=0.3, width=0.1, depth=0.35, lit=0, neon=True, keep_out=0.3, seed=1)
    assert list(element_to_json(skyline)["params"]) == ["seed", "top", "min_h", "width", "depth", "lit", "neon",
                                                        "keep_out"]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_layer_reads_back_from_its_json(prompt: str) -> None:
    for seed in SEEDS:
        for layer in plan(prompt, seed).layers:
            text = json.dumps(layer_to_json(layer))
            assert layer_from_json(json.loads(text)) == layer


def test_the_prompts_bring_in_every_element_kind() -> None:
    seen = {type(e) for p in PROMPTS for seed in SEEDS for layer in plan(p, seed).layers for e in layer.elements}
    assert seen == set(get_args(Element))


@pytest.mark.parametrize(("data", "problem"), [
    ({"kind": "volcano", "params": {"seed": 1}}, "not an element"),
    ({"kind": "sky"}, "not an element"),
    ({"kind": "sky", "params": {"seed": 1, "colour": "red"}}, "bad parameter colour"),
    ({"kind": "sky", "params": {}}, "missing seed"),
    ({"kind": "ridge", "params": {"seed": 1, "top": 0.2, "rough": 0.3}}, "missing depth"),
    ({"kind": "stars", "params": {"seed": 1, "density": True}}, "bad parameter density"),
    ({"kind": "stars", "params": {"seed": 1.5, "density": 1.0}}, "bad parameter seed"),
    ({"kind": "ground", "params": {"seed": 1, "kind": "lava"}}, "bad parameter kind"),
    ({"kind": "ground", "params": {"seed": 1, "surface": "sand"}}, "bad parameter surface"),
])
def test_reading_refuses_what_is_not_an_element(data: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        element_from_json(data)


def test_reading_takes_an_int_where_a_float_is_due() -> None:
    data = {"kind": "skyline", "params": {"seed": 1, "top": 0.3, "min_h": 0.1, "width": 0.05, "depth": 0.85,
                                           "lit": 0, "neon": False}}
    element = element_from_json(data)
    assert isinstance(element, Skyline)
    assert element.lit == 0
    assert element_to_json(element) == data


def test_the_plan_json_type_names_every_field() -> None:
    assert PlanJSON.__annotations__.keys() == {f.name for f in fields(ScenePlan)}
    assert LightJSON.__annotations__.keys() == {f.name for f in fields(KeyLight)}
    assert PaletteJSON.__annotations__.keys() == {f.name for f in fields(Palette)}
    assert SubjectJSON.__annotations__.keys() == {f.name for f in fields(SubjectPlan)}
    data = plan_to_dict(plan("a fox reading a book in a forest at sunset", 1))
    assert data.keys() == PlanJSON.__annotations__.keys()
    assert data["subjects"][0].keys() == SubjectJSON.__annotations__.keys()
