"""The composition root: the one place that names the concrete classes and wires them from ``Settings``.

``frameloom serve`` (through :func:`frameloom.api.app.create_app`), ``frameloom
worker`` and ``frameloom admin`` all build their services here, so a fix to
the wiring reaches every process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frameloom.domain.jobs import ChatTurnJob
from frameloom.engines.registry import EngineRegistry, default_registry
from frameloom.jobs import Jobs, build_jobs
from frameloom.jobs.chat import Emit, TurnCall
from frameloom.services.accounts import AccountAdmin
from frameloom.services.auth import AuthService
from frameloom.services.chat import ChatService
from frameloom.services.clock import Clock, system_clock
from frameloom.services.credits import CreditService
from frameloom.services.drafts import DraftService
from frameloom.services.generation import GenerationService
from frameloom.services.jobs import JobService
from frameloom.services.links import LinkSigner
from frameloom.services.plans import PlanService
from frameloom.services.policy import PolicyService
from frameloom.services.secrets import signing_key
from frameloom.services.sessions import SessionService
from frameloom.services.uploads import UploadService
from frameloom.services.usage import UsageService
from frameloom.services.webhooks import WebhookService
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.storage import Storage, open_storage

if TYPE_CHECKING:  # the agent package imports services: at run time it is imported only where a turn is made
    from frameloom.agent.turns import Turn, TurnRunner


@dataclass(frozen=True)
class Services:
    """Everything a process of frameloom runs on, built once from one ``Settings``."""

    settings: Settings
    clock: Clock
    db: Database
    storage: Storage
    registry: EngineRegistry
    signer: LinkSigner
    jobs: Jobs
    auth: AuthService
    credits: CreditService
    job_service: JobService
    generation: GenerationService
    sessions: SessionService
    drafts: DraftService
    uploads: UploadService
    chat: ChatService
    policy: PolicyService
    webhooks: WebhookService
    plans: PlanService
    usage: UsageService
    accounts: AccountAdmin

    def close(self) -> None:
        self.db.dispose()


def build_services(
    settings: Settings, *, registry: EngineRegistry | None = None, clock: Clock = system_clock,
    storage: Storage | None = None, turns: TurnRunner | None = None,
) -> Services:
    """Connect to ``settings.resolved_database_url``, migrate it, and wire every service.

    ``registry`` defaults to the shipped engines with ``settings.engine`` as the
    default (``UnknownEngine`` for an unknown name) and ``settings`` passed to
    their factories; ``storage`` to S3 when ``settings.s3_url`` is
    set, else local disk under ``settings.media_dir``;
    ``clock`` to the system's (tests move time with their own). Jobs are wired
    but not started. ``turns`` runs chat turns: None, the built-in agent
    (:func:`frameloom.agent.runtime.build_agent`), built on the first turn.
    """
    registry = registry if registry is not None else default_registry(settings)
    db = Database(settings.resolved_database_url)
    db.migrate()
    if storage is None:
        storage = open_storage(settings.s3_url, settings.s3_endpoint, settings.media_dir)
    signer = LinkSigner(signing_key(settings, db, clock), settings.link_ttl_s, clock)  # one key for every node
    agent: list[TurnRunner] = [turns] if turns is not None else []
    jobs = build_jobs(settings, db, storage, registry, clock, run_turn=_turn_call(lambda: agent[0]))
    plans = PlanService(settings, clock)
    policy = PolicyService.from_settings(settings)  # the blocklist is read and compiled once
    webhooks = WebhookService(db, settings, clock)
    job_service = JobService(db, jobs.queue, signer, settings, clock, plans, policy=policy, webhooks=webhooks)
    services = Services(
        settings=settings, clock=clock, db=db, storage=storage, registry=registry, signer=signer, jobs=jobs,
        auth=AuthService(db, settings, clock), credits=CreditService(db, clock), job_service=job_service,
        generation=GenerationService(registry, job_service, settings, policy),
        sessions=SessionService(db, signer, clock, renders=job_service.session_renders),
        drafts=DraftService(db, clock),
        uploads=UploadService(db, storage, signer, settings, clock),
        chat=ChatService(db, jobs.events, job_service, settings, clock),
        policy=policy, webhooks=webhooks,
        plans=plans, usage=UsageService(db, clock), accounts=AccountAdmin(db, plans, clock),
    )
    if not agent:  # the agent stands on the services, so it comes last; its modules load on the first turn
        agent.append(_LazyAgent(services))
    return services


class _LazyAgent:
    """The built-in agent, imported and built when the first turn comes (``serve`` starts without it)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.runner: TurnRunner | None = None

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        if self.runner is None:
            from frameloom.agent.runtime import build_agent

            self.runner = build_agent(self.services)
        self.runner.run(turn, emit, cancelled)


def _turn_call(runner: Callable[[], TurnRunner]) -> TurnCall:
    """The agent's ``TurnRunner`` as the chat job calls it (jobs do not import the agent)."""
    from frameloom.agent.turns import Turn

    def call(job_id: str, account_id: str, spec: ChatTurnJob, emit: Emit, cancelled: Callable[[], bool]) -> None:
        turn = Turn(job_id=job_id, account_id=account_id, session_id=spec.session_id,
                    invocation_id=spec.invocation_id, message=spec.message, streaming=spec.streaming,
                    base_url=spec.base_url, attribution=spec.attribution)
        runner().run(turn, emit, cancelled)

    return call
