"""The HTTP service: the FastAPI app over the services of the composition root (``services/container.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields

from fastapi import FastAPI
from fastapi.routing import APIRoute

from frameloom import __version__
from frameloom.agent.turns import TurnRunner
from frameloom.api.bodies import MAX_FILES
from frameloom.api.docs import install_docs
from frameloom.api.errors import install_error_handlers
from frameloom.api.middleware import BodyLimitMiddleware, BodyLimits, RequestContextMiddleware
from frameloom.api.observability import Metrics
from frameloom.api.routes import (
    admin,
    auth,
    chat,
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
    web,
    webhooks,
)
from frameloom.api.usage_metrics import UsageCollector
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs import Jobs
from frameloom.services.clock import Clock, system_clock
from frameloom.services.container import build_services
from frameloom.services.webhooks import WebhookSender
from frameloom.settings import Settings
from frameloom.store.storage import Storage


def create_app(
    settings: Settings,
    registry: EngineRegistry | None = None,
    *,
    clock: Clock = system_clock,
    storage: Storage | None = None,
    turns: TurnRunner | None = None,
) -> FastAPI:
    """Build the API from ``settings``; nothing is read from the environment here.

    The services come from :func:`frameloom.services.container.build_services`
    (which connects, migrates, and takes ``registry``, ``clock`` and
    ``storage`` overrides, and ``turns``: what runs chat turns). OpenAPI docs at ``/docs``.
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
    services = build_services(settings, registry=registry, clock=clock, storage=storage, turns=turns)
    state.services = services
    for field in fields(services):  # routes ask for them by name (api/deps.py)
        setattr(state, field.name, getattr(services, field.name))
    services.uploads.sweep_staging()
    state.metrics = Metrics()
    state.metrics.registry.register(UsageCollector(services.usage))
    state.webhook_sender = WebhookSender(services.db, settings, clock, webhooks.poll_body(services.job_service))

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits(
        max_bytes=settings.max_json_bytes, upload_max_bytes=MAX_FILES * settings.upload_max_bytes + 1024 * 1024,
        timeout_s=settings.body_timeout_s, min_rate=settings.body_min_rate, grace_s=settings.body_rate_grace_s))
    app.add_middleware(RequestContextMiddleware, metrics=state.metrics, access_log=settings.access_log)
    # Routes are matched in this order: the ones agents call most come first.
    mounted = [(module.router, "/api")
               for module in (credits, sessions, drafts, renders, jobs, uploads, auth, engines, webhooks, admin)]
    mounted += [(chat.router, ""), (images.router, ""), (files.router, ""), (health.router, ""), (metrics.router, ""),
                (register_page.router, "")]
    for router, prefix in mounted:
        app.include_router(router, prefix=prefix)
    install_docs(app)  # before any catch-all mount at "/"
    app.include_router(web.router)  # the studio page at "/" and its files under /static
    mounted.append((web.router, ""))
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
    sender: WebhookSender = app.state.webhook_sender  # every API process sends due webhooks
    if settings.workers > 0:
        jobs.host.start(settings.workers)
    sender.start()
    try:
        yield
    finally:
        sender.stop()
        if settings.workers > 0:
            jobs.host.stop()
