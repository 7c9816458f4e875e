"""The layers of a scene: depth slices of procedural elements (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Element:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    """A depth slice: 1.0 is the sky at infinity, 0.0 the lens."""

    name: str
    depth: float
    elements: tuple[Element, ...]
