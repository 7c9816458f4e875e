"""Frozen JSON: how unknown draft keys are kept inside immutable values.

Objects become read-only mappings and arrays become tuples, so a frozen
dataclass that holds them cannot be changed behind its back; ``thaw`` turns
them back into plain ``dict`` / ``list`` for ``json.dumps``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | tuple[JsonValue, ...] | Mapping[str, JsonValue] | None"
JsonObject: TypeAlias = "Mapping[str, JsonValue]"

EMPTY: JsonObject = MappingProxyType({})


def freeze(value: object) -> JsonValue:
    """A deep, read-only copy of a JSON value (``dict`` -> mapping, ``list`` -> tuple).

    Raises ``TypeError`` for anything JSON cannot hold (a set, bytes, an object).
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return freeze_object(value)
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def freeze_object(value: Mapping[Any, object]) -> JsonObject:
    """A read-only deep copy of a JSON object; keys must be strings."""
    out: dict[str, JsonValue] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
        out[key] = freeze(item)
    return MappingProxyType(out)


def thaw(value: JsonValue) -> Any:
    """A plain ``dict`` / ``list`` copy of a frozen value, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value
