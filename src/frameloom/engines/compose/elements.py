"""The procedural elements of a scene, one frozen dataclass per kind.

Each element is what a recipe decided and a painter draws: fractions of the
frame (``top``, ``size``, ``width``, ``min_h`` of the frame's height or width,
``depth`` 1.0 far to 0.0 near, ``density`` as a multiplier) and its own
``seed``. A field left ``None`` was not given by the recipe: the JSON form
(``frameloom plan``) leaves it out, so that form stays exactly what it was when
parameters were plain dicts; :func:`element_to_json` and
:func:`element_from_json` are lossless inverses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from types import UnionType
from typing import Any, ClassVar, Literal, TypedDict, get_args, get_origin, get_type_hints

TreeStyle = Literal["conifer", "mixed", "broadleaf", "palm", "snowy", "round"]
Surface = Literal["meadow", "sand", "snow", "moon"]
JSONScalar = str | int | float | bool


class ElementJSON(TypedDict):
    """An element in ``frameloom plan`` output."""

    kind: str
    params: dict[str, JSONScalar]


@dataclass(frozen=True, kw_only=True)
class BaseElement:
    """What every element has: its kind (the JSON ``kind``) and a seed (the
    fields of each subclass, in JSON order)."""

    kind: ClassVar[str]


# sky


@dataclass(frozen=True, kw_only=True)
class Sky(BaseElement):
    kind = "sky"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Stars(BaseElement):
    kind = "stars"
    seed: int
    density: float


@dataclass(frozen=True, kw_only=True)
class Nebula(BaseElement):
    kind = "nebula"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Clouds(BaseElement):
    """``coverage``: the share of the sky (0..1) under cloud."""

    kind = "clouds"
    seed: int
    coverage: float


@dataclass(frozen=True, kw_only=True)
class LightGlow(BaseElement):
    """The key light's glow and disc (the light itself is the plan's ``light``)."""

    kind = "light"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Planet(BaseElement):
    kind = "planet"
    seed: int


# land


@dataclass(frozen=True, kw_only=True)
class Ridge(BaseElement):
    """``top``: peak height as a share of the sky; ``rough`` 0..1; ``snow`` caps the peaks."""

    kind = "ridge"
    seed: int
    top: float
    rough: float
    depth: float
    snow: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Treeline(BaseElement):
    """``size``: tree height as a share of the frame's height; ``keep_out``: the
    width (share of the frame) kept clear around the standing subjects."""

    kind = "treeline"
    seed: int
    style: TreeStyle
    top: float
    size: float
    density: float
    depth: float
    keep_out: float | None = None


@dataclass(frozen=True, kw_only=True)
class Ground(BaseElement):
    """``surface`` is ``kind`` in JSON (``kind`` names the element here)."""

    kind = "ground"
    seed: int
    surface: Surface = field(metadata={"json": "kind"})
    shore: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Rocks(BaseElement):
    kind = "rocks"
    seed: int
    depth: float
    shore: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Islands(BaseElement):
    kind = "islands"
    seed: int
    depth: float


@dataclass(frozen=True, kw_only=True)
class Mesas(BaseElement):
    kind = "mesas"
    seed: int
    depth: float


@dataclass(frozen=True, kw_only=True)
class Dunes(BaseElement):
    """``top``: crest height as a share of the ground below the horizon."""

    kind = "dunes"
    seed: int
    depth: float
    top: float


@dataclass(frozen=True, kw_only=True)
class Drifts(BaseElement):
    kind = "drifts"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Flowers(BaseElement):
    kind = "flowers"
    seed: int
    depth: float
    density: float


@dataclass(frozen=True, kw_only=True)
class Hedges(BaseElement):
    kind = "hedges"
    seed: int
    depth: float


@dataclass(frozen=True, kw_only=True)
class Shore(BaseElement):
    kind = "shore"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Craters(BaseElement):
    kind = "craters"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Seabed(BaseElement):
    kind = "seabed"
    seed: int
    depth: float


@dataclass(frozen=True, kw_only=True)
class Seaweed(BaseElement):
    kind = "seaweed"
    seed: int
    depth: float
    tall: bool | None = None


# city and water


@dataclass(frozen=True, kw_only=True)
class Skyline(BaseElement):
    """``top``, ``min_h``: tallest and shortest towers as shares of the sky;
    ``width``: a tower's width as a share of the frame; ``lit``: the share of
    windows lit; ``gaps``: the share of towers left out; ``frame``: how much
    taller towers stand near the frame's edges."""

    kind = "skyline"
    seed: int
    top: float
    min_h: float
    width: float
    depth: float
    lit: float
    neon: bool
    keep_out: float | None = None
    gaps: float | None = None
    frame: float | None = None


@dataclass(frozen=True, kw_only=True)
class Railing(BaseElement):
    kind = "railing"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Water(BaseElement):
    kind = "water"
    seed: int
    wet_street: bool


@dataclass(frozen=True, kw_only=True)
class Sea(BaseElement):
    kind = "sea"
    seed: int
    open: bool | None = None


# foreground


@dataclass(frozen=True, kw_only=True)
class Trunk(BaseElement):
    kind = "trunk"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Leaves(BaseElement):
    kind = "leaves"
    seed: int
    big: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Grass(BaseElement):
    kind = "grass"
    seed: int
    dune: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Ferns(BaseElement):
    kind = "ferns"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Plant(BaseElement):
    kind = "plant"
    seed: int


# interiors


@dataclass(frozen=True, kw_only=True)
class Room(BaseElement):
    kind = "room"
    seed: int
    shelves: bool


@dataclass(frozen=True, kw_only=True)
class Table(BaseElement):
    """``top``: the table's front edge as a share of the frame's height (``top``
    comes before ``seed`` in JSON, as it always has)."""

    kind = "table"
    top: float
    seed: int


# scenery no emoji draws: across the frame


@dataclass(frozen=True, kw_only=True)
class Road(BaseElement):
    """A road running from the viewer to the horizon; ``side`` -1..1 where it meets the horizon."""

    kind = "road"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class Path(BaseElement):
    """A winding footpath of earth or gravel toward the horizon."""

    kind = "path"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class RiverBank(BaseElement):
    """A river winding from the horizon to the near bank, mirroring the sky."""

    kind = "river_bank"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class Cliff(BaseElement):
    """A rock face rising on one side (``side`` -1 left, 1 right) from below the frame."""

    kind = "cliff"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class Cave(BaseElement):
    """A rock mound with a dark cave mouth, standing back on one side."""

    kind = "cave"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class Waterfall(BaseElement):
    """A falling sheet of water down a cliff behind the scene, mist and a pool at its foot."""

    kind = "waterfall"
    seed: int
    side: float


@dataclass(frozen=True, kw_only=True)
class Bridge(BaseElement):
    """A stone arch bridge across the water, its ends beyond the frame."""

    kind = "bridge"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Aurora(BaseElement):
    """Curtains of green and violet light across the night sky."""

    kind = "aurora"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Windowsill(BaseElement):
    """The ledge and frame of a window seen from inside; the sill's top at ``top`` (share of the height)."""

    kind = "windowsill"
    seed: int
    top: float


@dataclass(frozen=True, kw_only=True)
class Studio(BaseElement):
    """A seamless backdrop sweeping from wall to floor under a soft key light; ``look`` product or portrait."""

    kind = "studio"
    seed: int
    look: str


@dataclass(frozen=True, kw_only=True)
class Blossoms(BaseElement):
    """Seasonal colour: petals or leaves in the air and over the trees (``season`` spring or autumn)."""

    kind = "blossoms"
    seed: int
    season: str


# atmosphere


@dataclass(frozen=True, kw_only=True)
class HazeBand(BaseElement):
    kind = "haze_band"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Rain(BaseElement):
    kind = "rain"
    seed: int
    heavy: bool


@dataclass(frozen=True, kw_only=True)
class Lightning(BaseElement):
    kind = "lightning"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Snowfall(BaseElement):
    kind = "snowfall"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Fog(BaseElement):
    kind = "fog"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Motes(BaseElement):
    kind = "motes"
    seed: int
    fireflies: bool


@dataclass(frozen=True, kw_only=True)
class Rays(BaseElement):
    kind = "rays"
    seed: int


@dataclass(frozen=True, kw_only=True)
class Bubbles(BaseElement):
    kind = "bubbles"
    seed: int


Element = (
    Sky | Stars | Nebula | Clouds | LightGlow | Planet
    | Ridge | Treeline | Ground | Rocks | Islands | Mesas | Dunes | Drifts | Flowers | Hedges | Shore | Craters
    | Seabed | Seaweed
    | Skyline | Railing | Water | Sea
    | Trunk | Leaves | Grass | Ferns | Plant
    | Room | Table
    | Road | Path | RiverBank | Cliff | Cave | Waterfall | Bridge | Aurora | Windowsill | Studio | Blossoms
    | HazeBand | Rain | Lightning | Snowfall | Fog | Motes | Rays | Bubbles
)

ELEMENT_TYPES: dict[str, type[Element]] = {cls.kind: cls for cls in get_args(Element)}


def element_to_json(element: Element) -> ElementJSON:
    """``{"kind": ..., "params": {...}}``: the fields in declaration order,
    under their JSON names, those left ``None`` omitted."""
    params: dict[str, JSONScalar] = {}
    for f in fields(element):
        value = getattr(element, f.name)
        if value is not None:
            params[f.metadata.get("json", f.name)] = value
    return {"kind": element.kind, "params": params}


def element_from_json(data: Mapping[str, object]) -> Element:
    """The element of :func:`element_to_json`'s output. Raises ValueError for
    an unknown kind, a parameter the kind does not have or lacks, or a value
    of the wrong type."""
    kind, params = data.get("kind"), data.get("params")
    if not isinstance(kind, str) or kind not in ELEMENT_TYPES or not isinstance(params, dict):
        raise ValueError(f"not an element: {data!r}")
    cls = ELEMENT_TYPES[kind]
    hints = get_type_hints(cls)
    names = {f.metadata.get("json", f.name): f.name for f in fields(cls)}
    kwargs: dict[str, Any] = {}  # each value checked against its field's type just below
    for key, value in params.items():
        if key not in names or not _conforms(value, hints[names[key]]):
            raise ValueError(f"{kind}: bad parameter {key}={value!r}")
        kwargs[names[key]] = value
    missing = [f.name for f in fields(cls) if f.default is MISSING and f.name not in kwargs]
    if missing:
        raise ValueError(f"{kind}: missing {', '.join(missing)}")
    return cls(**kwargs)


def _conforms(value: object, hint: object) -> bool:
    """Whether a JSON value fits a field type (an int is a float, a bool is neither)."""
    if get_origin(hint) is Literal:
        return value in get_args(hint)
    if isinstance(hint, UnionType):
        return any(_conforms(value, arm) for arm in get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(hint, type) and isinstance(value, hint)
