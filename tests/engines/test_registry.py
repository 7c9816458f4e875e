from __future__ import annotations

import pytest

from frameloom.domain.errors import EngineUnavailable, UnknownEngine
from frameloom.engines import Engine, EngineRegistry, default_registry
from frameloom.settings import Settings


def test_compose_is_registered_and_the_default(settings: Settings) -> None:
    registry = default_registry(settings)
    assert "compose" in registry.names()
    assert registry.get().name == "compose"


def test_engines_are_built_once(settings: Settings) -> None:
    registry = default_registry(settings)
    assert registry.get("compose") is registry.get()


def test_unknown_engine_names_the_known_ones(settings: Settings) -> None:
    with pytest.raises(UnknownEngine) as exc:
        default_registry(settings).get("dalle")
    assert exc.value.problems[0].field == "engine"
    assert "compose" in str(exc.value)


def test_unknown_default_is_refused_when_the_registry_is_built(settings: Settings) -> None:
    with pytest.raises(UnknownEngine):
        default_registry(settings.model_copy(update={"engine": "nope"}))


def test_a_factory_that_cannot_run_raises_engine_unavailable() -> None:
    def missing() -> Engine:
        raise EngineUnavailable("install frameloom[diffusers]")

    registry = EngineRegistry("missing")
    registry.register("missing", missing)
    with pytest.raises(EngineUnavailable):
        registry.get()
