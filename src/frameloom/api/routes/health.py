"""Liveness and readiness probes (plain JSON, no envelope, no authentication)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from frameloom import __version__
from frameloom.api.deps import DatabaseDep, QueueDep, RegistryDep, SettingsDep, StorageDep
from frameloom.engines.registry import EngineRegistry
from frameloom.store.db import Database

log = logging.getLogger("frameloom.api")
router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    version: str


class Readiness(BaseModel):
    """``status`` is ``ready`` when every check says ``ok``; otherwise each failing check says why."""

    status: str
    checks: dict[str, str]


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok", version=__version__)


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(
    settings: SettingsDep, registry: RegistryDep, db: DatabaseDep, storage: StorageDep, queue: QueueDep
) -> Readiness | JSONResponse:
    """The service can take work: data folder writable, database answers, storage writable, queue answers,
    engine loads."""
    checks = {
        "data_dir": _data_dir_check(settings.data_dir),
        "database": _database_check(db),
        "storage": storage.check(),
        "queue": queue.check(),
        "engine": _engine_check(registry),
    }
    ready = all(value == "ok" for value in checks.values())
    body = Readiness(status="ready" if ready else "not ready", checks=checks)
    return body if ready else JSONResponse(status_code=503, content=body.model_dump())


def _data_dir_check(path: Path) -> str:
    """``ok`` when ``path`` exists and is writable, or can be created."""
    probe = path.resolve()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a folder"
    return "ok" if os.access(probe, os.W_OK | os.X_OK) else f"{probe} is not writable"


def _engine_check(registry: EngineRegistry) -> str:
    """``ok`` when the default engine builds; otherwise why not (a probe reports, it does not fail)."""
    try:
        registry.get()
    except Exception as exc:
        log.warning("readiness: default engine %r does not load", registry.default, exc_info=True)
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _database_check(db: Database) -> str:
    """``ok`` when the database answers ``SELECT 1``; otherwise the kind of failure (no URL, no password)."""
    try:
        db.ping()
    except Exception as exc:
        log.warning("readiness: database does not answer: %s", type(exc).__name__)
        return f"database unreachable ({type(exc).__name__})"
    return "ok"
