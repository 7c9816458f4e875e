"""Typed reads of one JSON object's fields, noting a problem for each bad one.

The draft parser reads every field through a ``Reader`` so that it can go on
after a fault and report all of them, each at its JSON path. A getter returns
its ``default`` when the field is absent or bad (the bad case is already noted
and the draft will be refused, so the value only lets reading go on); required
fields return None instead, so callers know a value they depend on is missing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from frameloom.domain.errors import Problem
from frameloom.timeline.jsonvalue import JsonValue, freeze

S = TypeVar("S", bound=str)
ABSENT = object()  # what ``raw`` returns for a field that is not there


def shown(value: object) -> str:
    """A value as a problem message shows it: as JSON, cut to 40 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_int(value: object) -> bool:
    """True for JSON integers (``true`` is not one, though Python says so)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """True for finite JSON numbers."""
    return (is_int(value) or isinstance(value, float)) and math.isfinite(value)  # type: ignore[arg-type]


class Reader:
    """One JSON object at ``base`` (a path such as ``t[0].sg[1].m``; ``""`` is the root)."""

    def __init__(self, obj: Mapping[Any, object], base: str, problems: list[Problem]) -> None:
        self.obj = obj
        self.base = base
        self.problems = problems
        self._known: set[str] = set()

    def path(self, key: str) -> str:
        return f"{self.base}.{key}" if self.base else key

    def problem(self, key: str, text: str) -> None:
        self.problems.append(Problem(self.path(key), text))

    @property
    def given(self) -> frozenset[str]:
        """The known keys present in the object (read so far)."""
        return frozenset(key for key in self._known if key in self.obj)

    def raw(self, key: str, *, required: bool = False) -> object:
        """The field's value, or ``ABSENT`` (noting "is required" when it must be there)."""
        self._known.add(key)
        if key in self.obj:
            return self.obj[key]
        if required:
            self.problem(key, "is required")
        return ABSENT

    def integer(self, key: str, *, unit: str, minimum: int | None = None, required: bool = False) -> int | None:
        """An integer field in ``unit`` (e.g. ``ms``); None when absent or bad."""
        value = self.raw(key, required=required)
        if value is ABSENT:
            return None
        if not is_int(value):
            self.problem(key, f"{shown(value)}: must be a whole number" + (f" of {unit}" if unit else ""))
            return None
        assert isinstance(value, int)
        if minimum is not None and value < minimum:
            self.problem(key, f"{value}: must be {minimum} {unit} or more")
            return None
        return value

    def number(self, key: str, default: float, *, low: float, high: float, hint: str = "") -> float:
        """A finite number within ``low..high``."""
        value = self.raw(key)
        if value is ABSENT:
            return default
        if not is_number(value):
            self.problem(key, f"{shown(value)}: must be a number from {low:g} to {high:g}{hint}")
            return default
        assert isinstance(value, int | float)
        if not low <= value <= high:
            self.problem(key, f"{value}: must be from {low:g} to {high:g}{hint}")
            return default
        return value

    def string(self, key: str, *, required: bool = False, nullable: bool = False) -> str | None:
        """A non-empty string (``null`` allowed when ``nullable``); None when absent or bad."""
        value = self.raw(key, required=required)
        if value is ABSENT or (value is None and nullable):
            return None
        if not isinstance(value, str):
            self.problem(key, f"{shown(value)}: must be a string")
            return None
        if not value.strip():
            self.problem(key, "must not be empty")
            return None
        return value

    def choice(self, key: str, choices: tuple[S, ...], default: S) -> S:
        """One of ``choices`` (exact spelling)."""
        value = self.raw(key)
        if value is ABSENT:
            return default
        for option in choices:
            if value == option:
                return option
        self.problem(key, f"{shown(value)}: must be one of {', '.join(choices)}")
        return default

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is ABSENT:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"{shown(value)}: must be true or false")
            return default
        return value

    def child(self, key: str, *, required: bool = False, nullable: bool = False) -> Reader | None:
        """A reader for a nested object; None when absent, ``null`` (if allowed) or bad."""
        value = self.raw(key, required=required)
        if value is ABSENT or (value is None and nullable):
            return None
        if not isinstance(value, Mapping):
            self.problem(key, f"{shown(value)}: must be an object")
            return None
        return Reader(value, self.path(key), self.problems)

    def array(self, key: str, *, required: bool = False) -> list[object] | None:
        value = self.raw(key, required=required)
        if value is ABSENT:
            return None
        if not isinstance(value, list | tuple):
            self.problem(key, f"{shown(value)}: must be an array")
            return None
        return list(value)

    def rest(self) -> dict[str, JsonValue]:
        """The keys nobody read (kept as the object's extras), frozen; call it last."""
        out: dict[str, JsonValue] = {}
        for key, value in self.obj.items():
            if key in self._known:
                continue
            if not isinstance(key, str):
                self.problems.append(Problem(self.base or "draft", f"{shown(key)}: keys must be strings"))
                continue
            try:
                out[key] = freeze(value)
            except TypeError as exc:
                self.problem(key, str(exc))
        return out
