"""Engines by name. Factories are registered, engines built on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable

from frameloom.domain.errors import UnknownEngine
from frameloom.engines.base import Engine

EngineFactory = Callable[[], Engine]


class EngineRegistry:
    def __init__(self, default: str) -> None:
        self.default = default
        self._factories: dict[str, EngineFactory] = {}
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def register(self, name: str, factory: EngineFactory) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(self._factories)

    def get(self, name: str | None = None) -> Engine:
        """The engine called ``name`` (the default when ``None``), built once."""
        key = name or self.default
        if key not in self._factories:
            raise UnknownEngine(key, self.names())
        with self._lock:
            if key not in self._engines:
                self._engines[key] = self._factories[key]()
            return self._engines[key]


def default_registry(default: str = "compose") -> EngineRegistry:
    """The engines that ship with frameloom. Heavy ones import lazily in their factory."""
    registry = EngineRegistry(default)

    def compose() -> Engine:
        from frameloom.engines.compose import ComposeEngine

        return ComposeEngine()

    registry.register("compose", compose)
    if default not in registry.names():
        raise UnknownEngine(default, registry.names())
    return registry
