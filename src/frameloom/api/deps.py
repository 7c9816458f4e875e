"""Dependencies routes ask for: ``SettingsDep``, ``RegistryDep``, ``RequestId``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from frameloom.api.errors import request_id_of
from frameloom.engines.registry import EngineRegistry
from frameloom.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_registry(request: Request) -> EngineRegistry:
    registry: EngineRegistry = request.app.state.registry
    return registry


def get_request_id(request: Request) -> str:
    return request_id_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[EngineRegistry, Depends(get_registry)]
RequestId = Annotated[str, Depends(get_request_id)]
