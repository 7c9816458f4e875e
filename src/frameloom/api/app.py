"""The composition root of the HTTP service."""

from __future__ import annotations

from fastapi import FastAPI

from frameloom import __version__
from frameloom.api.errors import install_error_handlers
from frameloom.api.middleware import RequestContextMiddleware
from frameloom.api.routes import engines, health
from frameloom.engines.registry import EngineRegistry, default_registry
from frameloom.settings import Settings


def create_app(settings: Settings, registry: EngineRegistry | None = None) -> FastAPI:
    """Build the API from ``settings``; nothing is read from the environment here.

    ``registry`` defaults to :func:`default_registry` with ``settings.engine`` as
    default, which raises ``UnknownEngine`` for an unknown name. OpenAPI docs at ``/docs``.
    """
    app = FastAPI(
        title="frameloom",
        version=__version__,
        summary="Self-hosted image and video generation with an agent-friendly API.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.registry = registry if registry is not None else default_registry(settings.engine)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health.router)
    app.include_router(engines.router, prefix="/api")
    return app
