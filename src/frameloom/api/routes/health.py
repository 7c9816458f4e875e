"""Liveness and readiness probes (plain JSON, no envelope, no authentication).

Both answer while the shared thread pool is busy (say, with slow URL imports):
``/healthz`` runs on the event loop, and ``/readyz`` runs its checks on a small
limiter of its own, never waiting in line behind other routes' work.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from frameloom import __version__
from frameloom.engines.registry import EngineRegistry
from frameloom.store.db import Database

PROBE_BYTES = 4096  # a write that needs a free block: an empty file is made even on a full disk

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
async def healthz() -> Health:
    """The process is up (answered on the event loop: no thread needed)."""
    return Health(status="ok", version=__version__)


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request) -> Readiness | JSONResponse:
    """The service can take work: data folder and storage accept a write, database answers, queue
    answers, engine loads."""
    state = request.app.state
    if getattr(state, "readiness_limiter", None) is None:
        state.readiness_limiter = anyio.CapacityLimiter(2)
    checks = await anyio.to_thread.run_sync(_checks, state, limiter=state.readiness_limiter)
    ready = all(value == "ok" for value in checks.values())
    body = Readiness(status="ready" if ready else "not ready", checks=checks)
    return body if ready else JSONResponse(status_code=503, content=body.model_dump())


def _checks(state: Any) -> dict[str, str]:
    return {
        "data_dir": _data_dir_check(state.settings.data_dir),
        "database": _database_check(state.db),
        "storage": state.storage.check(),
        "queue": state.jobs.queue.check(),
        "engine": _engine_check(state.registry),
    }


def _data_dir_check(path: Path) -> str:
    """``ok`` when ``path`` (made if missing) takes a small file written to disk: a full disk,
    a read-only mount or a lost permission each say why not."""
    found = path.resolve()
    while not found.exists():
        found = found.parent
    if not found.is_dir():
        return f"{found} is not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".ready-{os.getpid()}"
        try:
            with probe.open("wb") as fh:
                fh.write(b"\0" * PROBE_BYTES)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            probe.unlink(missing_ok=True)
    except OSError as exc:
        return f"{path} does not accept a write: {exc.strerror or type(exc).__name__}"
    return "ok"


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
