"""Dependencies routes ask for: settings, services, the caller (``CurrentAccount``), ids and URLs.

Everything is built once by :func:`frameloom.api.app.create_app` and kept on
``app.state``; these functions only hand it out, typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from frameloom.api.errors import base_url_of, request_id_of
from frameloom.domain.accounts import Attribution, Principal
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs.queue import JobQueue
from frameloom.services.auth import AuthService
from frameloom.services.credits import CreditService
from frameloom.services.drafts import DraftService
from frameloom.services.generation import GenerationService
from frameloom.services.jobs import JobService
from frameloom.services.links import LinkSigner
from frameloom.services.plans import PlanService
from frameloom.services.sessions import SessionService
from frameloom.services.uploads import UploadService
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.storage import Storage


def from_state(path: str) -> Callable[[Request], Any]:
    """A dependency that hands out ``app.state.<path>`` (dotted); the alias
    below that uses it gives the route its type."""
    names = path.split(".")

    def get(request: Request) -> Any:
        value: Any = request.app.state
        for name in names:
            value = getattr(value, name)
        return value

    get.__name__ = f"state_{'_'.join(names)}"
    return get


def get_request_id(request: Request) -> str:
    return request_id_of(request)


# Declares the ``bearerAuth`` scheme in the OpenAPI document on every route that asks for
# ``CurrentAccount`` (Swagger UI's "Authorize"). auto_error=False: a missing or malformed
# token is answered by ``AuthService`` (1001 in the envelope), never by FastAPI's own 403.
BEARER = HTTPBearer(scheme_name="bearerAuth", auto_error=False,
                    description="The token from POST /api/auth/anonymous-token, register or login.")


async def current_account(
    request: Request, _scheme: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]
) -> Principal:
    """The caller behind the Bearer token; 1001 when missing, malformed, unknown, expired or
    suspended; 429 when over its plan's requests per minute. The request's ``X-Skill-*``
    headers ride along (``Principal.attribution``) into the jobs it orders.

    On SQLite the lookup (one indexed query, about 0.1 ms) runs right on the event
    loop: a hop to the thread pool costs more than the query. On a networked
    database it goes to the thread pool so the loop never waits on the network.
    """
    auth: AuthService = request.app.state.auth
    header = request.headers.get("authorization")
    if auth.db.is_sqlite:
        who = auth.authenticate(header)
    else:
        who = await run_in_threadpool(auth.authenticate, header)
    plans: PlanService = request.app.state.plans
    plans.check_rate(who)
    return replace(who, attribution=Attribution.of(request.headers))


def client_ip(request: Request) -> str:
    """The peer address (``X-Forwarded-For`` is not trusted)."""
    return request.client.host if request.client else "unknown"


SettingsDep = Annotated[Settings, Depends(from_state("settings"))]
RegistryDep = Annotated[EngineRegistry, Depends(from_state("registry"))]
RequestId = Annotated[str, Depends(get_request_id)]
DatabaseDep = Annotated[Database, Depends(from_state("db"))]
StorageDep = Annotated[Storage, Depends(from_state("storage"))]
SignerDep = Annotated[LinkSigner, Depends(from_state("signer"))]
AuthDep = Annotated[AuthService, Depends(from_state("auth"))]
CreditsDep = Annotated[CreditService, Depends(from_state("credits"))]
SessionsDep = Annotated[SessionService, Depends(from_state("sessions"))]
DraftsDep = Annotated[DraftService, Depends(from_state("drafts"))]
UploadsDep = Annotated[UploadService, Depends(from_state("uploads"))]
GenerationDep = Annotated[GenerationService, Depends(from_state("generation"))]
JobsDep = Annotated[JobService, Depends(from_state("job_service"))]
QueueDep = Annotated[JobQueue, Depends(from_state("jobs.queue"))]
CurrentAccount = Annotated[Principal, Depends(current_account)]
BaseUrl = Annotated[str, Depends(base_url_of)]
ClientIp = Annotated[str, Depends(client_ip)]
