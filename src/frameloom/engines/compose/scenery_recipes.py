"""Which procedural elements make each setting, at which depths.

A recipe only chooses element kinds and their parameters (fractions of the
frame, seeds); the painters in :mod:`.painters` draw them. Every element gets
its own seed so that the render is a pure function of the plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from frameloom.engines.compose.elements import (
    Aurora,
    Blossoms,
    Bridge,
    Bubbles,
    Cave,
    Cliff,
    Clouds,
    Craters,
    Drifts,
    Dunes,
    Element,
    Ferns,
    Flowers,
    Fog,
    Grass,
    Ground,
    HazeBand,
    Hedges,
    Islands,
    Leaves,
    LightGlow,
    Lightning,
    Mesas,
    Motes,
    Nebula,
    Path,
    Planet,
    Plant,
    Railing,
    Rain,
    Rays,
    Ridge,
    RiverBank,
    Road,
    Rocks,
    Room,
    Sea,
    Seabed,
    Seaweed,
    Shore,
    Sky,
    Skyline,
    Snowfall,
    Stars,
    Studio,
    Table,
    Treeline,
    Trunk,
    Water,
    Waterfall,
    Windowsill,
)
from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.layers import Layer
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


def _seed(rng: random.Random) -> int:
    """An element's own seed. Always passed last: the recipe's other random
    choices for an element are drawn before its seed, and plans depend on that order."""
    return rng.randrange(2**31)


def layers_for(setting: str, time_of_day: str, weather: str, lights: tuple[str, ...], width: int,
               height: int, horizon: float, rng: random.Random, table: bool = False, *,
               scene: SceneWords | None = None) -> list[Layer]:
    """The layers of a setting, back to front, as :class:`~.plan.Layer` values;
    ``table`` adds a table top in front for a still life; ``scene`` the
    scenery words (features, a studio, backdrop settings, the season)."""
    words = scene or SceneWords()
    if words.studio:
        return _studio_layers(words.studio, table, rng)
    night = time_of_day in ("night", "dusk")
    sky: list[Element] = [Sky(seed=_seed(rng))]
    if night or setting == "space":
        sky.append(Stars(density=1.6 if setting == "space" else 1.0, seed=_seed(rng)))
    if setting == "space":
        sky.append(Nebula(seed=_seed(rng)))
    if setting not in ("space", "underwater", "room"):
        coverage = {"clear": 0.25, "clouds": 0.55, "rain": 0.8, "storm": 0.9, "fog": 0.5, "snow": 0.7}[weather]
        sky.append(Clouds(coverage=coverage, seed=_seed(rng)))
    sky.append(LightGlow(seed=_seed(rng)))
    if "aurora" in words.features:
        sky.append(Aurora(seed=_seed(rng)))
    builder = _BUILDERS[setting]
    if setting == "room" and "windowsill" in words.features:
        # on a window sill the view is out of the window: the scene outside, the frame and ledge in front
        outside = next((s for s in words.settings if s != "room"), "city" if night else "garden")
        body = _BUILDERS[outside](rng, night, lights)
        body = [layer for layer in body if layer[0] != "foreground"]
        sky.append(Clouds(coverage=0.3, seed=_seed(rng)))
    else:
        body = builder(rng, night, lights) if setting != "room" else _room(rng, night, lights, words.indoor)
    atmosphere = _atmosphere(setting, time_of_day, weather, lights, rng)
    if words.season in ("spring", "autumn"):
        atmosphere.insert(0, Blossoms(season=words.season, seed=_seed(rng)))
    layers = [Layer("sky", 1.0, tuple(sky))]
    for name, depth, elements in [*body, *_backdrops(setting, words.settings[1:], rng),
                                  *_features(setting, words, rng)]:
        layers.append(Layer(name, depth, tuple(elements)))
    if table and "desk" not in words.features:  # a desk is drawn whole, as a structure
        layers.append(Layer("table", 0.2, (Table(top=TABLE_TOP, seed=_seed(rng)),)))
    layers.append(Layer("atmosphere", 0.0, tuple(atmosphere)))
    return sorted(layers, key=lambda layer: -layer.depth)


@dataclass(frozen=True)
class SceneWords:
    """What the prompt says about the scenery beyond its setting: ``features``
    (scenery no emoji draws), ``studio`` (product or portrait), ``settings``
    (main first, then backdrops), ``season``, ``indoor`` cues."""

    features: tuple[str, ...] = ()
    studio: str | None = None
    settings: tuple[str, ...] = ()
    season: str | None = None
    indoor: tuple[str, ...] = ()


# feature name -> the layer (name, depth) and element class it adds
_FEATURE_LAYERS: dict[str, tuple[str, float]] = {
    "road": ("road", 0.27), "path": ("path", 0.27), "river bank": ("river", 0.28), "river": ("river", 0.28),
    "cliff": ("cliff", 0.29), "cave": ("cave", 0.42), "waterfall": ("waterfall", 0.56),
    "windowsill": ("sill", 0.17), "bridge": ("bridge", 0.26),
}


def _features(setting: str, words: SceneWords, rng: random.Random) -> Recipe:
    out: Recipe = []
    side = 1.0 if rng.random() < 0.5 else -1.0
    for feature in words.features:
        if feature not in _FEATURE_LAYERS:
            continue
        name, depth = _FEATURE_LAYERS[feature]
        element: Element
        if feature == "road":
            element = Road(side=side * 0.4, seed=_seed(rng))
        elif feature == "path":
            element = Path(side=side * 0.5, seed=_seed(rng))
        elif feature in ("river bank", "river"):
            element = RiverBank(side=side * 0.5, seed=_seed(rng))
        elif feature == "cliff":
            element = Cliff(side=-side, seed=_seed(rng))
        elif feature == "cave":
            element = Cave(side=side, seed=_seed(rng))
        elif feature == "waterfall":
            element = Waterfall(side=side * 0.5, seed=_seed(rng))
        elif feature == "bridge":
            element = Bridge(seed=_seed(rng))
        else:
            element = Windowsill(top=TABLE_TOP, seed=_seed(rng))
        out.append((name, depth, [element]))
    return out


def _backdrops(setting: str, others: tuple[str, ...], rng: random.Random) -> Recipe:
    """A second setting named behind the first ("a beach with a city behind"): its far layer."""
    out: Recipe = []
    for other in others:
        if other == setting:
            continue
        if other == "city":
            out.append(("backdrop", 0.8, [Skyline(top=0.4, min_h=0.12, width=0.04, depth=0.8, lit=0.3, neon=False,
                                                  seed=_seed(rng))]))
        elif other in ("mountains", "snowfield"):
            out.append(("backdrop", 0.9, [Ridge(top=0.6, rough=0.9, depth=0.9, snow=True, seed=_seed(rng))]))
        elif other in ("forest", "jungle"):
            out.append(("backdrop", 0.75, [Treeline(style="conifer" if other == "forest" else "palm", top=0.16,
                                                    size=0.12, density=1.4, depth=0.75, seed=_seed(rng))]))
        elif other in ("ocean", "lake", "beach"):
            out.append(("backdrop", 0.7, [Sea(seed=_seed(rng))]))
        elif other == "desert":
            out.append(("backdrop", 0.85, [Mesas(depth=0.85, seed=_seed(rng))]))
    return out


def _studio_layers(look: str, table: bool, rng: random.Random) -> list[Layer]:
    """A plain backdrop: a sweep and its light, nothing else (a pedestal or table comes as a subject)."""
    layers = [Layer("studio", 0.6, (Studio(look=look, seed=_seed(rng)),))]
    if table:
        layers.append(Layer("table", 0.2, (Table(top=TABLE_TOP, seed=_seed(rng)),)))
    return layers


Recipe = list[tuple[str, float, list[Element]]]


def _forest(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Ridge(top=0.2, rough=0.35, depth=0.85, seed=_seed(rng))]),
        ("far_trees", 0.7, [Treeline(style="conifer", top=0.16, size=0.1, density=1.6, depth=0.7, seed=_seed(rng))]),
        ("mid", 0.5, [Ground(surface="meadow", seed=_seed(rng)),
                      Treeline(style="mixed", top=0.26, size=0.16, density=0.9, depth=0.5, seed=_seed(rng))]),
        ("near", 0.3, [Treeline(style="conifer", top=0.5, size=0.28, density=0.25, depth=0.3,
                           keep_out=0.36, seed=_seed(rng))]),
        ("foreground", 0.05, [Trunk(seed=_seed(rng)), Leaves(seed=_seed(rng)), Grass(seed=_seed(rng))]),
    ]


def _jungle(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Ridge(top=0.25, rough=0.25, depth=0.85, seed=_seed(rng))]),
        ("mid", 0.55, [Ground(surface="meadow", seed=_seed(rng)),
                       Treeline(style="broadleaf", top=0.32, size=0.2, density=1.2, depth=0.55, seed=_seed(rng))]),
        ("near", 0.3, [Treeline(style="palm", top=0.55, size=0.32, density=0.3, depth=0.3,
                           keep_out=0.36, seed=_seed(rng))]),
        ("foreground", 0.05, [Leaves(big=True, seed=_seed(rng)), Ferns(seed=_seed(rng))]),
    ]


def _city(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    neon = "neon" in lights or night
    return [
        ("far", 0.85, [Skyline(top=0.32, min_h=0.15, width=0.045, depth=0.85, lit=0.35 if night else 0,
                           neon=False, seed=_seed(rng))]),
        ("mid", 0.6, [Skyline(top=0.55, min_h=0.2, width=0.07, depth=0.6, lit=0.3 if night else 0,
                          neon=neon, gaps=0.2, frame=0.4, seed=_seed(rng))]),
        ("near", 0.35, [Skyline(top=0.8, min_h=0.3, width=0.11, depth=0.35,
                            lit=0.25 if night else 0, neon=neon, keep_out=0.3, gaps=0.45, frame=0.8, seed=_seed(rng))]),
        ("ground", 0.25, [Water(wet_street=rng.random() < 0.5, seed=_seed(rng))]),
        ("foreground", 0.05, [Railing(seed=_seed(rng))] if rng.random() < 0.5 else []),
    ]


def _mountains(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.9, [Ridge(top=0.55, rough=0.9, depth=0.9, snow=True, seed=_seed(rng))]),
        ("far2", 0.72, [Ridge(top=0.36, rough=0.7, depth=0.72, snow=True, seed=_seed(rng))]),
        ("mid", 0.5, [Ridge(top=0.2, rough=0.45, depth=0.5, seed=_seed(rng)),
                      Treeline(style="conifer", top=0.08, size=0.07, density=1.2, depth=0.5, seed=_seed(rng))]),
        ("near", 0.3, [Ground(surface="meadow", seed=_seed(rng)), Rocks(depth=0.3, seed=_seed(rng))]),
        ("foreground", 0.05, [Grass(seed=_seed(rng))]),
    ]


def _beach(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Islands(depth=0.85, seed=_seed(rng))]),
        ("mid", 0.6, [Sea(seed=_seed(rng))]),
        ("near", 0.3, [Ground(surface="sand", shore=True, seed=_seed(rng))]),
        ("near_trees", 0.2, [Treeline(style="palm", top=0.75, size=0.45, density=0.15, depth=0.2,
                                 keep_out=0.45, seed=_seed(rng))]),
        ("foreground", 0.05, [Grass(dune=True, seed=_seed(rng))]),
    ]


def _ocean(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Islands(depth=0.85, seed=_seed(rng))]),
        ("mid", 0.5, [Sea(open=True, seed=_seed(rng))]),
        ("foreground", 0.05, [Rocks(depth=0.05, shore=True, seed=_seed(rng))]),
    ]


def _desert(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Mesas(depth=0.85, seed=_seed(rng))]),
        ("mid", 0.6, [Ground(surface="sand", seed=_seed(rng)), Dunes(depth=0.6, top=0.12, seed=_seed(rng))]),
        ("near", 0.35, [Dunes(depth=0.35, top=0.3, seed=_seed(rng))]),
        ("foreground", 0.05, [Rocks(depth=0.05, seed=_seed(rng))]),
    ]


def _snowfield(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [Ridge(top=0.45, rough=0.8, depth=0.88, snow=True, seed=_seed(rng))]),
        ("mid", 0.6, [Ground(surface="snow", seed=_seed(rng)),
                      Treeline(style="snowy", top=0.14, size=0.1, density=0.9, depth=0.6, seed=_seed(rng))]),
        ("near", 0.3, [Treeline(style="snowy", top=0.45, size=0.3, density=0.2, depth=0.3,
                           keep_out=0.36, seed=_seed(rng))]),
        ("foreground", 0.05, [Drifts(seed=_seed(rng))]),
    ]


def _field(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [Ridge(top=0.22, rough=0.3, depth=0.88, seed=_seed(rng))]),
        ("mid", 0.6, [Ground(surface="meadow", seed=_seed(rng)),
                      Treeline(style="round", top=0.1, size=0.09, density=0.5, depth=0.6, seed=_seed(rng))]),
        ("near", 0.3, [Flowers(depth=0.3, density=0.6, seed=_seed(rng))]),
        ("foreground", 0.05, [Grass(seed=_seed(rng))]),
    ]


def _garden(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.85, [Treeline(style="round", top=0.2, size=0.16, density=1.0, depth=0.85, seed=_seed(rng))]),
        ("mid", 0.55, [Ground(surface="meadow", seed=_seed(rng)), Hedges(depth=0.55, seed=_seed(rng))]),
        ("near", 0.3, [Flowers(depth=0.3, density=1.6, seed=_seed(rng))]),
        ("foreground", 0.05, [Grass(seed=_seed(rng)), Leaves(seed=_seed(rng))]),
    ]


def _lake(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.88, [Ridge(top=0.42, rough=0.8, depth=0.88, snow=rng.random() < 0.5, seed=_seed(rng))]),
        ("mid", 0.65, [Treeline(style="conifer", top=0.1, size=0.08, density=1.4, depth=0.65, seed=_seed(rng))]),
        ("water", 0.5, [Water(wet_street=False, seed=_seed(rng))]),
        ("near", 0.25, [Shore(seed=_seed(rng))]),
        ("foreground", 0.05, [Grass(seed=_seed(rng))]),
    ]


def _space(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.95, [Planet(seed=_seed(rng))]),
        ("ground", 0.3, [Ground(surface="moon", seed=_seed(rng))]),
        ("near", 0.2, [Craters(seed=_seed(rng))]),
    ]


_SHELF_CUES = ("library", "study", "bookshelf", "shelf", "office", "bookstore", "classroom")


def _room(rng: random.Random, night: bool, lights: tuple[str, ...], indoor: tuple[str, ...] = ()) -> Recipe:
    """A room with a window; shelves only where the prompt's cues ask for books."""
    return [
        ("wall", 0.6, [Room(shelves=any(c in _SHELF_CUES for c in indoor), seed=_seed(rng))]),
        ("foreground", 0.05, [Plant(seed=_seed(rng))] if rng.random() < 0.5 else []),
    ]


def _underwater(rng: random.Random, night: bool, lights: tuple[str, ...]) -> Recipe:
    return [
        ("far", 0.8, [Seabed(depth=0.8, seed=_seed(rng))]),
        ("near", 0.3, [Seaweed(depth=0.3, seed=_seed(rng)), Rocks(depth=0.3, seed=_seed(rng))]),
        ("foreground", 0.05, [Seaweed(depth=0.05, tall=True, seed=_seed(rng))]),
    ]


_BUILDERS = {
    "forest": _forest, "jungle": _jungle, "city": _city, "mountains": _mountains, "beach": _beach,
    "ocean": _ocean, "desert": _desert, "snowfield": _snowfield, "field": _field, "garden": _garden,
    "lake": _lake, "space": _space, "room": _room, "underwater": _underwater,
}


def _atmosphere(setting: str, time_of_day: str, weather: str, lights: tuple[str, ...],
                rng: random.Random) -> list[Element]:
    out: list[Element] = []
    if setting == "underwater":
        out += [Rays(seed=_seed(rng)), Bubbles(seed=_seed(rng))]
    if weather in ("rain", "storm"):
        out.append(Rain(heavy=weather == "storm", seed=_seed(rng)))
    if weather == "storm":
        out.append(Lightning(seed=_seed(rng)))
    if weather == "snow":
        out.append(Snowfall(seed=_seed(rng)))
    if weather == "fog":
        out.append(Fog(seed=_seed(rng)))
    if setting in ("forest", "field", "garden", "jungle", "lake") and time_of_day in ("sunset", "dusk", "night",
                                                                                        "golden_hour"):
        out.append(Motes(fireflies=time_of_day in ("dusk", "night"), seed=_seed(rng)))
    if setting not in ("space", "room", "underwater"):
        out.append(HazeBand(seed=_seed(rng)))
    return out
