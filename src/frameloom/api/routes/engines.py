"""``GET /api/engines``: which engines are installed, what they can do, which is the default."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from frameloom.api.deps import RegistryDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.errors import EngineUnavailable
from frameloom.engines.base import Capabilities
from frameloom.engines.registry import EngineRegistry

router = APIRouter(tags=["engines"])


class EngineInfo(BaseModel):
    """One engine. ``available`` is false (with ``problem``) when it cannot run here."""

    name: str
    default: bool
    available: bool
    problem: str | None = None
    capabilities: Capabilities | None = None


class EngineList(BaseModel):
    default: str
    engines: list[EngineInfo]


@router.get("/engines", response_model=Envelope[EngineList])
def list_engines(registry: RegistryDep) -> Envelope[EngineList]:
    """The installed engines and their capabilities."""
    infos = [_describe(registry, name) for name in registry.names()]
    return ok(EngineList(default=registry.default, engines=infos))


def _describe(registry: EngineRegistry, name: str) -> EngineInfo:
    is_default = name == registry.default
    try:
        engine = registry.get(name)
    except EngineUnavailable as exc:
        return EngineInfo(name=name, default=is_default, available=False, problem=str(exc))
    return EngineInfo(name=name, default=is_default, available=True, capabilities=engine.capabilities)
