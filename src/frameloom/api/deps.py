"""Dependencies routes ask for: settings, services, the caller (``CurrentAccount``), ids and URLs.

Everything is built once by :func:`frameloom.api.app.create_app` and kept on
``app.state``; these functions only hand it out, typed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from frameloom.api.errors import base_url_of, request_id_of
from frameloom.domain.accounts import Principal
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs.queue import JobQueue
from frameloom.services.auth import AuthService
from frameloom.services.credits import CreditService
from frameloom.services.images import ImageService
from frameloom.services.jobs import JobService
from frameloom.services.links import LinkSigner
from frameloom.services.studio import StudioService
from frameloom.services.uploads import UploadService
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.storage import Storage


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_registry(request: Request) -> EngineRegistry:
    registry: EngineRegistry = request.app.state.registry
    return registry


def get_request_id(request: Request) -> str:
    return request_id_of(request)


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def get_signer(request: Request) -> LinkSigner:
    signer: LinkSigner = request.app.state.signer
    return signer


def get_auth(request: Request) -> AuthService:
    auth: AuthService = request.app.state.auth
    return auth


def get_credits(request: Request) -> CreditService:
    credits: CreditService = request.app.state.credits
    return credits


def get_studio(request: Request) -> StudioService:
    studio: StudioService = request.app.state.studio
    return studio


def get_uploads(request: Request) -> UploadService:
    uploads: UploadService = request.app.state.uploads
    return uploads


def get_images(request: Request) -> ImageService:
    images: ImageService = request.app.state.images
    return images


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.jobs.queue
    return queue


def get_jobs(request: Request) -> JobService:
    jobs: JobService = request.app.state.job_service
    return jobs


async def current_account(request: Request) -> Principal:
    """The caller behind the Bearer token; 1001 when missing, malformed, unknown or expired.

    On SQLite the lookup (one indexed query, about 0.1 ms) runs right on the event
    loop: a hop to the thread pool costs more than the query. On a networked
    database it goes to the thread pool so the loop never waits on the network.
    """
    auth = get_auth(request)
    header = request.headers.get("authorization")
    if auth.db.is_sqlite:
        return auth.authenticate(header)
    return await run_in_threadpool(auth.authenticate, header)


def client_ip(request: Request) -> str:
    """The peer address (``X-Forwarded-For`` is not trusted)."""
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[EngineRegistry, Depends(get_registry)]
RequestId = Annotated[str, Depends(get_request_id)]
DatabaseDep = Annotated[Database, Depends(get_database)]
StorageDep = Annotated[Storage, Depends(get_storage)]
SignerDep = Annotated[LinkSigner, Depends(get_signer)]
AuthDep = Annotated[AuthService, Depends(get_auth)]
CreditsDep = Annotated[CreditService, Depends(get_credits)]
StudioDep = Annotated[StudioService, Depends(get_studio)]
UploadsDep = Annotated[UploadService, Depends(get_uploads)]
ImagesDep = Annotated[ImageService, Depends(get_images)]
JobsDep = Annotated[JobService, Depends(get_jobs)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
CurrentAccount = Annotated[Principal, Depends(current_account)]
BaseUrl = Annotated[str, Depends(base_url_of)]
ClientIp = Annotated[str, Depends(client_ip)]
