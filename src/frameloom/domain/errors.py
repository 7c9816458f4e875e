"""The frameloom exception tree.

    FrameloomError                  base; every error a user can cause derives from it
    ├── InvalidRequest              bad input; carries (field, problem) pairs      -> 400
    │   ├── UnknownEngine           an engine name that is not registered
    │   └── UnknownStyle            a style name the engine does not know
    ├── EngineUnavailable           an engine whose optional extra is not installed
    ├── EngineFailed                an engine could not produce a result
    └── OutputError                 a result could not be written to its path; carries path, reason

Edges (HTTP, CLI) map these to codes in one place; nothing below them formats
messages for a transport.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (a dotted path) and why."""

    field: str
    problem: str


class FrameloomError(Exception):
    """Base of every error frameloom raises on purpose."""


class InvalidRequest(FrameloomError):
    """The request is malformed; ``problems`` names each bad field."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(f"{p.field}: {p.problem}" for p in self.problems))

    @classmethod
    def of(cls, field: str, problem: str) -> InvalidRequest:
        return cls(Problem(field, problem))


class UnknownEngine(InvalidRequest):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(Problem("engine", f"unknown engine {name!r}; known: {', '.join(known)}"))
        self.name = name


class UnknownStyle(InvalidRequest):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(Problem("style", f"unknown style {name!r}; known: {', '.join(known)}"))
        self.name = name


class EngineUnavailable(FrameloomError):
    """The engine exists but cannot run here (e.g. its extra is not installed)."""


class EngineFailed(FrameloomError):
    """The engine ran and failed; the message is safe to show to a user."""


class OutputError(FrameloomError):
    """A file could not be written. ``path`` is the target, ``reason`` a short cause.

    Nothing half-written is left behind when this is raised.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"output: cannot write {path}: {reason}")
