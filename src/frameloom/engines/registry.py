"""Engines by name. Factories are registered, engines built on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from frameloom.domain.errors import UnknownEngine
from frameloom.engines.base import Engine

if TYPE_CHECKING:
    from frameloom.settings import Settings

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


def default_registry(settings: Settings) -> EngineRegistry:
    """The engines that ship with frameloom: ``compose``, ``diffusers``, ``openai``, with
    ``settings.engine`` the default and ``settings`` given to their factories.

    All three are always listed; ``diffusers`` and ``openai`` raise
    ``EngineUnavailable`` on first use when their extra or settings are missing.
    Heavy ones import their libraries inside their factory. Raises
    ``UnknownEngine`` when the default is not one of them.
    """
    default = settings.engine
    registry = EngineRegistry(default)

    def compose() -> Engine:
        from frameloom.engines.compose import ComposeEngine

        return ComposeEngine()

    def diffusers() -> Engine:
        from frameloom.engines.diffusers import DiffusersConfig, DiffusersEngine

        return DiffusersEngine(DiffusersConfig.from_settings(settings))

    def openai() -> Engine:
        from frameloom.engines.openai_images import OpenAIConfig, OpenAIImagesEngine

        return OpenAIImagesEngine(OpenAIConfig.from_settings(settings))

    registry.register("compose", compose)
    registry.register("diffusers", diffusers)
    registry.register("openai", openai)
    if default not in registry.names():
        raise UnknownEngine(default, registry.names())
    return registry
