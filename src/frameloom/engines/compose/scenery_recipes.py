"""Which procedural elements make each setting, at which depths.

A recipe only chooses element kinds and their parameters (fractions of the
frame, seeds); the painters in :mod:`scenery` draw them. Every element gets
its own seed so that the render is a pure function of the plan.
"""

from __future__ import annotations

import random
from typing import Any

from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.layers import Element, Layer
from frameloom.engines.compose.lexicon import NOUNS
from frameloom.engines.compose.placement import TABLE_TOP

_HORIZONS = {
    "forest": (0.6, 0.66), "city": (0.6, 0.66), "beach": (0.52, 0.58), "ocean": (0.5, 0.56),
    "desert": (0.56, 0.62), "mountains": (0.62, 0.68), "snowfield": (0.58, 0.64), "field": (0.58, 0.64),
    "space": (0.7, 0.76), "room": (0.72, 0.74), "lake": (0.5, 0.55), "garden": (0.56, 0.62),
    "jungle": (0.6, 0.66), "underwater": (0.9, 0.92),
}

_SPACE_NOUNS = {"rocket", "astronaut", "alien", "ufo", "satellite", "planet", "flying saucer", "comet"}
_WATER_KINDS = ("water",)
_INDOOR_NOUNS = {"sofa", "couch", "bed", "chair", "desk", "lamp", "candle", "bathtub", "television", "piano"}


def guess_setting(facts: PromptFacts, rng: random.Random) -> str:
    """A setting that suits the subjects when the prompt names none."""
    nouns = [m.noun for m in facts.subjects]
    if any(n in _SPACE_NOUNS for n in nouns):
        return "space"
    if any(n in _INDOOR_NOUNS for n in nouns) or "candle" in facts.lights:
        return "room"
    if nouns and all(n in NOUNS and NOUNS[n].placement == "held" for n in nouns):
        return "room"  # small things alone (a cup, a bowl of ramen): a still life indoors
    if any(n in NOUNS and NOUNS[n].placement in _WATER_KINDS for n in nouns):
        return "ocean" if any(NOUNS[n].kind == "vehicle" for n in nouns if n in NOUNS) else "underwater"
    if "neon" in facts.lights:
        return "city"
    return rng.choice(("field", "forest", "mountains", "lake", "field", "garden"))


def horizon_for(setting: str, rng: random.Random) -> float:
    lo, hi = _HORIZONS[setting]
    return rng.uniform(lo, hi)


def _el(element: str, rng: random.Random, **params: Any) -> dict[str, Any]:
    return {"kind": element, "params": {"seed": rng.randrange(2**31), **params}}


def layers_for(setting: str, time_of_day: str, weather: str, lights: tuple[str, ...], width: int,
               height: int, horizon: float, rng: random.Random, table: bool = False) -> list[Layer]:
    """The layers of a setting, back to front, as :class:`~.plan.Layer` values;
    ``table`` adds a table top in front for a still life."""
    night = time_of_day in ("night", "dusk")
    sky: list[dict[str, Any]] = [_el("sky", rng)]
    if night or setting == "space":
        sky.append(_el("stars", rng, density=1.6 if setting == "space" else 1.0))
    if setting == "space":
        sky.append(_el("nebula", rng))
    if setting not in ("space", "underwater", "room"):
        coverage = {"clear": 0.25, "clouds": 0.55, "rain": 0.8, "storm": 0.9, "fog": 0.5, "snow": 0.7}[weather]
        sky.append(_el("clouds", rng, coverage=coverage))
    sky.append(_el("light", rng))
    builder = _BUILDERS[setting]
    body = builder(rng, night, lights)
    atmosphere = _atmosphere(setting, time_of_day, weather, lights, rng)
    layers = [Layer("sky", 1.0, tuple(Element(e["kind"], e["params"]) for e in sky))]
    for name, depth, elements in body:
        layers.append(Layer(name, depth, tuple(Element(e["kind"], e["params"]) for e in elements)))
    if table:
        layers.append(Layer("table", 0.2, (Element("table", {"top": TABLE_TOP, "seed": rng.randrange(2**31)}),)))
    layers.append(Layer("atmosphere", 0.0, tuple(Element(e["kind"], e["params"]) for e in atmosphere)))
    return sorted(layers, key=lambda layer: -layer.depth)


Recipe = list[tuple[str, float, list[dict[str, Any]]]]


def _forest(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("ridge", rng, top=0.2, rough=0.35, depth=0.85)]),
        ("far_trees", 0.7, [_el("treeline", rng, style="conifer", top=0.16, size=0.1, density=1.6, depth=0.7)]),
        ("mid", 0.5, [_el("ground", rng, kind="meadow"),
                      _el("treeline", rng, style="mixed", top=0.26, size=0.16, density=0.9, depth=0.5)]),
        ("near", 0.3, [_el("treeline", rng, style="conifer", top=0.5, size=0.28, density=0.25, depth=0.3,
                           keep_out=0.36)]),
        ("foreground", 0.05, [_el("trunk", rng), _el("leaves", rng), _el("grass", rng)]),
    ]


def _jungle(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("ridge", rng, top=0.25, rough=0.25, depth=0.85)]),
        ("mid", 0.55, [_el("ground", rng, kind="meadow"),
                       _el("treeline", rng, style="broadleaf", top=0.32, size=0.2, density=1.2, depth=0.55)]),
        ("near", 0.3, [_el("treeline", rng, style="palm", top=0.55, size=0.32, density=0.3, depth=0.3,
                           keep_out=0.36)]),
        ("foreground", 0.05, [_el("leaves", rng, big=True), _el("ferns", rng)]),
    ]


def _city(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    neon = "neon" in lights or night
    return [
        ("far", 0.85, [_el("skyline", rng, top=0.32, min_h=0.15, width=0.045, depth=0.85, lit=0.35 if night else 0,
                           neon=False)]),
        ("mid", 0.6, [_el("skyline", rng, top=0.55, min_h=0.2, width=0.07, depth=0.6, lit=0.3 if night else 0,
                          neon=neon, gaps=0.2, frame=0.4)]),
        ("near", 0.35, [_el("skyline", rng, top=0.8, min_h=0.3, width=0.11, depth=0.35,
                            lit=0.25 if night else 0, neon=neon, keep_out=0.3, gaps=0.45, frame=0.8)]),
        ("ground", 0.25, [_el("water", rng, wet_street=rng.random() < 0.5)]),
        ("foreground", 0.05, [_el("railing", rng)] if rng.random() < 0.5 else []),
    ]


def _mountains(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.9, [_el("ridge", rng, top=0.55, rough=0.9, depth=0.9, snow=True)]),
        ("far2", 0.72, [_el("ridge", rng, top=0.36, rough=0.7, depth=0.72, snow=True)]),
        ("mid", 0.5, [_el("ridge", rng, top=0.2, rough=0.45, depth=0.5),
                      _el("treeline", rng, style="conifer", top=0.08, size=0.07, density=1.2, depth=0.5)]),
        ("near", 0.3, [_el("ground", rng, kind="meadow"), _el("rocks", rng, depth=0.3)]),
        ("foreground", 0.05, [_el("grass", rng)]),
    ]


def _beach(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("islands", rng, depth=0.85)]),
        ("mid", 0.6, [_el("sea", rng)]),
        ("near", 0.3, [_el("ground", rng, kind="sand", shore=True)]),
        ("near_trees", 0.2, [_el("treeline", rng, style="palm", top=0.75, size=0.45, density=0.15, depth=0.2,
                                 keep_out=0.45)]),
        ("foreground", 0.05, [_el("grass", rng, dune=True)]),
    ]


def _ocean(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("islands", rng, depth=0.85)]),
        ("mid", 0.5, [_el("sea", rng, open=True)]),
        ("foreground", 0.05, [_el("rocks", rng, depth=0.05, shore=True)]),
    ]


def _desert(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("mesas", rng, depth=0.85)]),
        ("mid", 0.6, [_el("ground", rng, kind="sand"), _el("dunes", rng, depth=0.6, top=0.12)]),
        ("near", 0.35, [_el("dunes", rng, depth=0.35, top=0.3)]),
        ("foreground", 0.05, [_el("rocks", rng, depth=0.05)]),
    ]


def _snowfield(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [_el("ridge", rng, top=0.45, rough=0.8, depth=0.88, snow=True)]),
        ("mid", 0.6, [_el("ground", rng, kind="snow"),
                      _el("treeline", rng, style="snowy", top=0.14, size=0.1, density=0.9, depth=0.6)]),
        ("near", 0.3, [_el("treeline", rng, style="snowy", top=0.45, size=0.3, density=0.2, depth=0.3,
                           keep_out=0.36)]),
        ("foreground", 0.05, [_el("drifts", rng)]),
    ]


def _field(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [_el("ridge", rng, top=0.22, rough=0.3, depth=0.88)]),
        ("mid", 0.6, [_el("ground", rng, kind="meadow"),
                      _el("treeline", rng, style="round", top=0.1, size=0.09, density=0.5, depth=0.6)]),
        ("near", 0.3, [_el("flowers", rng, depth=0.3, density=0.6)]),
        ("foreground", 0.05, [_el("grass", rng)]),
    ]


def _garden(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [_el("treeline", rng, style="round", top=0.2, size=0.16, density=1.0, depth=0.85)]),
        ("mid", 0.55, [_el("ground", rng, kind="meadow"), _el("hedges", rng, depth=0.55)]),
        ("near", 0.3, [_el("flowers", rng, depth=0.3, density=1.6)]),
        ("foreground", 0.05, [_el("grass", rng), _el("leaves", rng)]),
    ]


def _lake(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [_el("ridge", rng, top=0.42, rough=0.8, depth=0.88, snow=rng.random() < 0.5)]),
        ("mid", 0.65, [_el("treeline", rng, style="conifer", top=0.1, size=0.08, density=1.4, depth=0.65)]),
        ("water", 0.5, [_el("water", rng, wet_street=False)]),
        ("near", 0.25, [_el("shore", rng)]),
        ("foreground", 0.05, [_el("grass", rng)]),
    ]


def _space(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.95, [_el("planet", rng)]),
        ("ground", 0.3, [_el("ground", rng, kind="moon")]),
        ("near", 0.2, [_el("craters", rng)]),
    ]


def _room(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("wall", 0.6, [_el("room", rng, shelves=rng.random() < 0.6)]),
        ("foreground", 0.05, [_el("plant", rng)] if rng.random() < 0.5 else []),
    ]


def _underwater(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.8, [_el("seabed", rng, depth=0.8)]),
        ("near", 0.3, [_el("seaweed", rng, depth=0.3), _el("rocks", rng, depth=0.3)]),
        ("foreground", 0.05, [_el("seaweed", rng, depth=0.05, tall=True)]),
    ]


_BUILDERS = {
    "forest": _forest, "jungle": _jungle, "city": _city, "mountains": _mountains, "beach": _beach,
    "ocean": _ocean, "desert": _desert, "snowfield": _snowfield, "field": _field, "garden": _garden,
    "lake": _lake, "space": _space, "room": _room, "underwater": _underwater,
}


def _atmosphere(setting: str, time_of_day: str, weather: str, lights: tuple[str, ...],
                rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if setting == "underwater":
        out += [_el("rays", rng), _el("bubbles", rng)]
    if weather in ("rain", "storm"):
        out.append(_el("rain", rng, heavy=weather == "storm"))
    if weather == "storm":
        out.append(_el("lightning", rng))
    if weather == "snow":
        out.append(_el("snowfall", rng))
    if weather == "fog":
        out.append(_el("fog", rng))
    if setting in ("forest", "field", "garden", "jungle", "lake") and time_of_day in ("sunset", "dusk", "night",
                                                                                        "golden_hour"):
        out.append(_el("motes", rng, fireflies=time_of_day in ("dusk", "night")))
    if setting not in ("space", "room", "underwater"):
        out.append(_el("haze_band", rng))
    return out
