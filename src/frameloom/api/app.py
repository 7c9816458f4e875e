"""The composition root of the HTTP service: the one place that names the concrete classes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from frameloom import __version__
from frameloom.api.docs import install_docs
from frameloom.api.errors import install_error_handlers
from frameloom.api.middleware import JsonBodyLimitMiddleware, RequestContextMiddleware
from frameloom.api.observability import Metrics
from frameloom.api.routes import (
    auth,
    credits,
    drafts,
    engines,
    files,
    health,
    images,
    jobs,
    metrics,
    register_page,
    renders,
    sessions,
    uploads,
)
from frameloom.engines.registry import EngineRegistry, default_registry
from frameloom.jobs import Jobs, build_jobs
from frameloom.services.auth import AuthService
from frameloom.services.clock import Clock, system_clock
from frameloom.services.credits import CreditService
from frameloom.services.drafts import DraftService
from frameloom.services.images import ImageService
from frameloom.services.jobs import JobService
from frameloom.services.links import LinkSigner
from frameloom.services.sessions import SessionService
from frameloom.services.uploads import UploadService
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.storage import LocalStorage, Storage


def create_app(
    settings: Settings,
    registry: EngineRegistry | None = None,
    *,
    clock: Clock = system_clock,
    storage: Storage | None = None,
) -> FastAPI:
    """Build the API from ``settings``; nothing is read from the environment here.

    Connects to ``settings.resolved_database_url`` and migrates it to the newest
    schema. ``registry`` defaults to :func:`default_registry` with
    ``settings.engine`` as default (``UnknownEngine`` for an unknown name);
    ``storage`` to local disk under ``settings.media_dir``; ``clock`` to the
    system's (tests move time with their own). OpenAPI docs at ``/docs``.
    """
    app = FastAPI(
        lifespan=_lifespan,
        title="frameloom",
        version=__version__,
        summary="Self-hosted image and video generation with an agent-friendly API.",
        docs_url=None,  # /docs and /redoc: api/docs.py, served with no CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    state = app.state
    state.settings = settings
    state.registry = registry if registry is not None else default_registry(settings.engine)
    state.db = Database(settings.resolved_database_url)
    state.db.migrate()
    state.storage = storage if storage is not None else LocalStorage(settings.media_dir)
    state.signer = LinkSigner(settings.ensure_secret_key(), settings.link_ttl_s, clock)
    state.auth = AuthService(state.db, settings, clock)
    state.credits = CreditService(state.db, clock)
    state.jobs = build_jobs(settings, state.db, state.storage, state.registry, clock)
    state.job_service = JobService(state.db, state.jobs.queue, state.signer, settings, clock)
    state.sessions = SessionService(state.db, state.signer, clock, renders=state.job_service.session_renders)
    state.uploads = UploadService(state.db, state.storage, state.signer, settings, clock)
    state.uploads.sweep_staging()
    state.images = ImageService(state.db, state.storage, state.signer, state.registry, state.credits,
                                settings.image_price, clock)
    state.drafts = DraftService(state.db, clock)
    state.metrics = Metrics()

    install_error_handlers(app)
    app.add_middleware(JsonBodyLimitMiddleware, max_bytes=settings.max_json_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=state.metrics, access_log=settings.access_log)
    # Routes are matched in this order: the ones agents call most come first.
    mounted = [(module.router, "/api")
               for module in (credits, sessions, drafts, renders, jobs, uploads, auth, engines)]
    mounted += [(images.router, ""), (files.router, ""), (health.router, ""), (metrics.router, ""),
                (register_page.router, "")]
    for router, prefix in mounted:
        app.include_router(router, prefix=prefix)
    install_docs(app)  # before any catch-all mount at "/"
    # Route templates by endpoint, for metrics and access logs (never the raw path with its ids).
    state.route_paths = {
        route.endpoint: prefix + route.path for router, prefix in mounted for route in router.routes
        if isinstance(route, APIRoute)
    }
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """With ``settings.workers`` above 0, jobs run inside this process while the app is up."""
    settings: Settings = app.state.settings
    jobs: Jobs = app.state.jobs
    if settings.workers > 0:
        jobs.host.start(settings.workers)
    try:
        yield
    finally:
        if settings.workers > 0:
            jobs.host.stop()
