"""The layers of a scene: depth slices of procedural elements (pure data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from frameloom.engines.compose.elements import Element, ElementJSON, element_from_json, element_to_json


@dataclass(frozen=True)
class Layer:
    """A depth slice: 1.0 is the sky at infinity, 0.0 the lens."""

    name: str
    depth: float
    elements: tuple[Element, ...]


class LayerJSON(TypedDict):
    """A layer in ``frameloom plan`` output."""

    name: str
    depth: float
    elements: list[ElementJSON]


def layer_to_json(layer: Layer) -> LayerJSON:
    """``{"name", "depth", "elements"}``, each element as :func:`~.elements.element_to_json` gives it."""
    return {"name": layer.name, "depth": layer.depth, "elements": [element_to_json(e) for e in layer.elements]}


def layer_from_json(data: Mapping[str, object]) -> Layer:
    """The inverse of :func:`layer_to_json`. Raises ValueError for a malformed layer or element."""
    name, depth, elements = data.get("name"), data.get("depth"), data.get("elements")
    if not isinstance(name, str) or not isinstance(depth, int | float) or not isinstance(elements, list) \
            or not all(isinstance(e, Mapping) for e in elements):
        raise ValueError(f"not a layer: {data!r}")
    return Layer(name, depth, tuple(element_from_json(e) for e in elements))
