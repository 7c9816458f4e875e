"""The scene plan: everything the renderer draws, decided from the prompt's facts and a seed.

The plan is pure data (JSON-ready through :func:`plan_to_dict`), so that
rendering is a pure function of it, ``frameloom plan`` can print it, and video
can move its layers at different speeds for parallax (``Layer.depth``).

Fields for the drawing side (PLAN_VERSION 2; all have defaults):

- ``settings``: every setting, main first, then a backdrop ("a beach with a city behind":
  beach, city); ``setting`` is ``settings[0]``. ``season`` spring/summer/autumn/winter or None.
- ``indoor``: indoor cues named (kitchen, cafe, bedroom, library, office, desk, table,
  windowsill, shelf, fireplace...): which room to draw, and what is in it; empty means draw no
  furniture the prompt did not ask for. ``studio``: "product" or "portrait" for a plain backdrop
  with a floor and soft light (``setting`` is then "room").
- ``mood``: cozy, peaceful, dreamy, magical, whimsical, mysterious, spooky, dark, dramatic,
  epic, lonely, cheerful, romantic, futuristic, retro, festive, cute (vocabulary.MOOD_WORDS).
- ``features``: scenery things named that no glyph draws, for scenery painters (lighthouse,
  bridge, road, path, wall, fence, table, desk, shelf, windowsill, branch, cliff, cave,
  waterfall, river bank, iceberg, aurora, pedestal, campfire ring, pier...). The report counts
  a feature drawn when a layer holds an element whose ``kind`` is its name (spaces as "_").
- ``cast``: one :class:`~.cast.Cast` per mention: role, target/relation, ``pose`` (sleeping,
  running, eating, swimming, sitting, jumping, fishing, surfing, watering, reading, holding,
  riding, flying, waving, climbing, dancing, walking), ``props`` the verb implies, ``colour``
  (a COLOURS key to tint the art), ``scale`` (real size, person = 1.0), ``size_word`` (tiny,
  small, big, giant), ``count`` and ``arrangement`` (single, pair, few, group, many, row, crowd),
  ``perch`` (what a resting flyer sits on), ``plane`` (fore, mid, back), ``container``.
- ``report``: every content word and its fate (:class:`~.report.WordFate`: drawn, substitute
  with what stands in, scene, not_drawn), checked against ``subjects`` and ``layers``.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from typing import TypedDict

from frameloom.engines.compose import scenery_recipes
from frameloom.engines.compose.canvas import RGB
from frameloom.engines.compose.cast import Cast, cast_of
from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.layers import Layer, LayerJSON, layer_to_json
from frameloom.engines.compose.palette import (
    Palette,
    apply_colours,
    apply_mood,
    apply_season,
    apply_weather,
    neon_night,
    time_look,
)
from frameloom.engines.compose.placement import (
    EMISSIVE,
    SubjectPlan,
    add_light_props,
    is_still_life,
    place_subjects,
)
from frameloom.engines.compose.report import WordFate, report_of
from frameloom.engines.compose.scene_rules import decide_time, decide_where

PLAN_VERSION = 2


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
    settings: tuple[str, ...] = ()
    season: str | None = None
    indoor: tuple[str, ...] = ()
    studio: str | None = None
    mood: str | None = None
    features: tuple[str, ...] = ()
    cast: tuple[Cast, ...] = ()
    report: tuple[WordFate, ...] = ()


def make_plan(facts: PromptFacts, width: int, height: int, seed: int, style: str,
              colours: tuple[RGB, ...] = ()) -> ScenePlan:
    """Decide the scene: setting, time, light, palette, layers and where subjects stand."""
    rng = random.Random(seed * 7919 + 17)
    notes: list[str] = []
    where = decide_where(facts)
    setting = where.setting
    if where.reason != "named":
        notes.append(f"setting not given; chose {setting} ({where.reason})")
    time_of_day, why = decide_time(facts, setting)
    if why != "named":
        notes.append(f"time not given; chose {time_of_day} ({why})")
    weather = facts.weather or ("clear" if rng.random() < 0.6 or setting in ("space", "room", "underwater")
                                else "clouds")
    lights = facts.lights or (("neon",) if style == "neon" else ())
    look = apply_mood(apply_weather(time_look(time_of_day), weather), facts.mood)
    palette = apply_season(apply_colours(look.palette, colours), facts.season)
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
    cast = cast_of(facts, setting)
    scene = scenery_recipes.SceneWords(features=facts.features, studio=where.studio, settings=where.settings,
                                       season=facts.season, indoor=facts.cues)
    layers = scenery_recipes.layers_for(setting, time_of_day, weather, lights, width, height, horizon, rng,
                                        table=is_still_life(facts, setting), scene=scene)
    return ScenePlan(
        version=PLAN_VERSION, prompt=facts.text, seed=seed, width=width, height=height, style=style,
        setting=setting, time_of_day=time_of_day, weather=weather, lights=tuple(lights), horizon=horizon,
        light=light, palette=palette, layers=tuple(layers), subjects=tuple(subjects),
        unknown=facts.unknown, notes=tuple(notes), settings=where.settings, season=facts.season,
        indoor=facts.cues, studio=where.studio, mood=facts.mood, features=facts.features, cast=cast,
        report=report_of(facts, cast, subjects, layers, where.settings),
    )


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
    pose: str | None
    props: list[str]
    perch: str | None


class CastJSON(TypedDict):
    noun: str
    word: str
    count: int
    role: str
    target: int | None
    relation: str | None
    pose: str | None
    action: str | None
    props: list[str]
    colour: str | None
    scale: float
    size_word: str | None
    arrangement: str
    perch: str | None
    plane: str
    container: str | None
    on: str | None


class WordFateJSON(TypedDict):
    word: str
    kind: str
    fate: str
    drawn_as: str | None


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
    settings: list[str]
    season: str | None
    indoor: list[str]
    studio: str | None
    mood: str | None
    features: list[str]
    cast: list[CastJSON]
    report: list[WordFateJSON]


def plan_to_dict(plan: ScenePlan) -> PlanJSON:
    """The plan as JSON-native data: what ``frameloom plan`` prints (tuples become lists,
    each element ``{"kind", "params"}`` as :func:`~.elements.element_to_json` gives it)."""
    data: PlanJSON = json.loads(json.dumps(asdict(plan)))  # the shape a test checks against the dataclasses
    data["layers"] = [layer_to_json(layer) for layer in plan.layers]
    data["horizon"] = round(plan.horizon, 1)
    return data
