from __future__ import annotations

import pytest

from frameloom.domain.errors import EngineUnavailable, UnknownEngine
from frameloom.engines import Engine, EngineRegistry, default_registry


def test_compose_is_registered_and_the_default() -> None:
    registry = default_registry()
    assert "compose" in registry.names()
    assert registry.get().name == "compose"


def test_engines_are_built_once() -> None:
    registry = default_registry()
    assert registry.get("compose") is registry.get()


def test_unknown_engine_names_the_known_ones() -> None:
    with pytest.raises(UnknownEngine) as exc:
        default_registry().get("dalle")
    assert exc.value.problems[0].field == "engine"
    assert "compose" in str(exc.value)


def test_unknown_default_is_refused_when_the_registry_is_built() -> None:
    with pytest.raises(UnknownEngine):
        default_registry("nope")


def test_a_factory_that_cannot_run_raises_engine_unavailable() -> None:
    def missing() -> Engine:
        raise EngineUnavailable("install frameloom[diffusers]")

    registry = EngineRegistry("missing")
    registry.register("missing", missing)
    with pytest.raises(EngineUnavailable):
        registry.get()
