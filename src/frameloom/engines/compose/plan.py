"""The scene plan: everything the renderer draws, decided from the prompt's facts and a seed.

The plan is pure data (JSON-ready through :func:`plan_to_dict`), so that
rendering is a pure function of it, ``frameloom plan`` can print it, and video
can move its layers at different speeds for parallax (``Layer.depth``).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from typing import TypedDict

from frameloom.engines.compose import scenery_recipes
from frameloom.engines.compose.canvas import RGB
from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.layers import Layer, LayerJSON, layer_to_json
from frameloom.engines.compose.palette import Palette, apply_colours, apply_weather, neon_night, time_look
from frameloom.engines.compose.placement import (
    EMISSIVE,
    SubjectPlan,
    add_light_props,
    is_still_life,
    place_subjects,
)

PLAN_VERSION = 1


@dataclass(frozen=True)
class Light:
    """The one key light. ``x``, ``y`` in px (may lie outside the frame);
    ``visible`` when its disc is drawn; ``strength`` scales rims and shadows."""

    kind: str
    x: float
    y: float
    colour: RGB
    strength: float
    visible: bool


@dataclass(frozen=True)
class ScenePlan:
    version: int
    prompt: str
    seed: int
    width: int
    height: int
    style: str
    setting: str
    time_of_day: str
    weather: str
    lights: tuple[str, ...]
    horizon: float
    light: Light
    palette: Palette
    layers: tuple[Layer, ...]
    subjects: tuple[SubjectPlan, ...]
    unknown: tuple[str, ...]
    notes: tuple[str, ...]


_OUTDOOR_TIMES = ("day", "golden_hour", "sunset", "dusk", "night", "dawn")
_TIME_WEIGHTS = (4, 3, 3, 1, 2, 1)


def make_plan(facts: PromptFacts, width: int, height: int, seed: int, style: str,
              colours: tuple[RGB, ...] = ()) -> ScenePlan:
    """Decide the scene: setting, time, light, palette, layers and where subjects stand."""
    rng = random.Random(seed * 7919 + 17)
    notes: list[str] = []
    setting = facts.setting or scenery_recipes.guess_setting(facts, rng)
    if not facts.setting:
        notes.append(f"setting not given; chose {setting}")
    time_of_day = _time_of_day(facts, setting, rng)
    weather = facts.weather or ("clear" if rng.random() < 0.6 or setting in ("space", "room", "underwater")
                                else "clouds")
    lights = facts.lights or (("neon",) if style == "neon" else ())
    look = apply_weather(time_look(time_of_day), weather)
    palette = apply_colours(look.palette, colours)
    if "neon" in lights and time_of_day in ("night", "dusk"):
        palette = neon_night(palette)
    horizon = scenery_recipes.horizon_for(setting, rng) * height
    subjects = add_light_props(place_subjects(facts, width, height, horizon, setting, rng), lights, width, height)
    light = _light(look.light_kind, look.light_height, look.light_strength, palette.light, width, horizon,
                   subjects, weather, rng)
    flame = next((s for s in subjects if s.noun in EMISSIVE), None)
    if flame is not None and (time_of_day in ("night", "dusk") or setting == "room"):
        # a fire or a candle in the dark is the key light: rims and shadows turn to face it
        light = Light(kind="flame", x=flame.x, y=flame.base_y - flame.height * 0.6, colour=EMISSIVE[flame.noun],
                      strength=1.1, visible=False)
    layers = scenery_recipes.layers_for(setting, time_of_day, weather, lights, width, height, horizon, rng,
                                        table=is_still_life(facts, setting))
    return ScenePlan(
        version=PLAN_VERSION, prompt=facts.text, seed=seed, width=width, height=height, style=style,
        setting=setting, time_of_day=time_of_day, weather=weather, lights=tuple(lights), horizon=horizon,
        light=light, palette=palette, layers=tuple(layers), subjects=tuple(subjects),
        unknown=facts.unknown, notes=tuple(notes),
    )


def _time_of_day(facts: PromptFacts, setting: str, rng: random.Random) -> str:
    if facts.time_of_day:
        return facts.time_of_day
    if setting == "space" or any(x in facts.lights for x in ("neon", "moonlight", "lantern")):
        return "night"
    if "candle" in facts.lights or "fire" in facts.lights:
        return "dusk" if rng.random() < 0.4 else "night"
    return rng.choices(_OUTDOOR_TIMES, _TIME_WEIGHTS)[0]


def _light(kind: str, light_height: float, strength: float, colour: RGB, width: int, horizon: float,
           subjects: list[SubjectPlan], weather: str, rng: random.Random) -> Light:
    """Put the light on the side away from the main subject, so the subject is
    rim-lit from across the frame and its shadow falls toward the viewer's side."""
    main_x = subjects[0].x if subjects else width * (0.3 if rng.random() < 0.5 else 0.7)
    side = -1.0 if main_x > width / 2 else 1.0
    x = width / 2 + side * width * rng.uniform(0.08, 0.28)
    y = horizon - light_height * horizon
    visible = weather in ("clear", "clouds") and y < horizon
    return Light(kind=kind, x=x, y=y, colour=colour, strength=strength, visible=visible)


class LightJSON(TypedDict):
    kind: str
    x: float
    y: float
    colour: list[int]
    strength: float
    visible: bool


class PaletteJSON(TypedDict):
    sky_top: list[int]
    sky_mid: list[int]
    sky_horizon: list[int]
    haze: list[int]
    ambient: list[int]
    light: list[int]
    ground: list[int]
    silhouette: list[int]
    accent: list[int]
    accent2: list[int]


class SubjectJSON(TypedDict):
    noun: str
    emoji: str
    x: float
    base_y: float
    height: float
    role: str
    depth: float
    flip: bool
    body: bool
    shadow: bool
    colour: list[int] | None
    action: str | None
    kind: str


class PlanJSON(TypedDict):
    """:class:`ScenePlan` as ``frameloom plan`` prints it: the same fields, colours as
    ``[r, g, b]`` lists, elements as :class:`~.elements.ElementJSON`."""

    version: int
    prompt: str
    seed: int
    width: int
    height: int
    style: str
    setting: str
    time_of_day: str
    weather: str
    lights: list[str]
    horizon: float
    light: LightJSON
    palette: PaletteJSON
    layers: list[LayerJSON]
    subjects: list[SubjectJSON]
    unknown: list[str]
    notes: list[str]


def plan_to_dict(plan: ScenePlan) -> PlanJSON:
    """The plan as JSON-native data: what ``frameloom plan`` prints (tuples become lists,
    each element ``{"kind", "params"}`` as :func:`~.elements.element_to_json` gives it)."""
    data: PlanJSON = json.loads(json.dumps(asdict(plan)))  # the shape a test checks against the dataclasses
    data["layers"] = [layer_to_json(layer) for layer in plan.layers]
    data["horizon"] = round(plan.horizon, 1)
    return data
