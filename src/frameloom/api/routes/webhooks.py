"""The account's webhook (docs/operating.md): its default URL for every job, and the secret that signs
deliveries. ``poll_body`` is what a delivery carries: the body a poll of the job answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from frameloom.api.deps import CurrentAccount, from_state
from frameloom.api.envelope import Envelope, ok
from frameloom.api.routes.jobs import job_envelope
from frameloom.domain.jobs import JobKind
from frameloom.services.jobs import JobService, render_view
from frameloom.services.webhooks import PollBody, WebhookService, WebhookSettings
from frameloom.store.models import Job

router = APIRouter(tags=["webhooks"])
PATH = "/account/webhook"
WebhooksDep = Annotated[WebhookService, Depends(from_state("webhooks"))]


class WebhookIn(BaseModel):
    url: str | None = Field(default=None, max_length=2048,
                            description="http or https, public (or in the operator's allowed networks); null clears")


class WebhookOut(BaseModel):
    """``url``: the default webhook of the account's jobs (null: none); ``secret``: signs every delivery
    (``Frameloom-Signature``; verify with ``frameloom.client.webhooks.verify``)."""

    url: str | None
    secret: str


def _out(found: WebhookSettings) -> Envelope[WebhookOut]:
    return ok(WebhookOut(url=found.url, secret=found.secret))


@router.get(PATH, response_model=Envelope[WebhookOut])
def show(who: CurrentAccount, webhooks: WebhooksDep) -> Envelope[WebhookOut]:
    """The default URL and the signing secret (made now if the account has none yet)."""
    return _out(webhooks.settings_of(who))


@router.put(PATH, response_model=Envelope[WebhookOut])
def set_default(body: WebhookIn, who: CurrentAccount, webhooks: WebhooksDep) -> Envelope[WebhookOut]:
    """Set the default webhook of every job that names none (checked like a job's: 400 on ``url``), or clear it."""
    return _out(webhooks.set_default(who, body.url))


@router.delete(PATH, response_model=Envelope[WebhookOut])
def clear(who: CurrentAccount, webhooks: WebhooksDep) -> Envelope[WebhookOut]:
    """No default webhook any more (jobs that name one still send to it)."""
    return _out(webhooks.set_default(who, None))


@router.post(PATH + "/secret", response_model=Envelope[WebhookOut])
def rotate(who: CurrentAccount, webhooks: WebhooksDep) -> Envelope[WebhookOut]:
    """A new signing secret; deliveries from now on are signed with it."""
    return _out(webhooks.rotate_secret(who))


class AttemptOut(BaseModel):
    """One try: the receiver's ``status_code``, or the ``error`` that kept it from answering."""

    number: int
    status_code: int | None = None
    error: str | None = None
    duration_ms: int
    attempted_at: str


class DeliveryOut(BaseModel):
    """A job's webhook: ``status`` waiting (the job is open), pending, delivered or given_up;
    ``event`` the job's end; ``next_attempt_at`` while pending."""

    delivery_id: str
    url: str
    status: str
    event: str | None = None
    next_attempt_at: str | None = None
    delivered_at: str | None = None
    attempts: list[AttemptOut]


@router.get(PATH + "/deliveries/{job_id}", response_model=Envelope[DeliveryOut], response_model_exclude_none=True)
def delivery(job_id: str, who: CurrentAccount, webhooks: WebhooksDep) -> Envelope[DeliveryOut]:
    """The webhook of one of your jobs (a job id or an export's render_id) and every attempt so far."""
    row, attempts = webhooks.delivery_for(who, job_id)
    return ok(DeliveryOut(
        delivery_id=row.id, url=row.url, status=row.status, event=row.event,
        next_attempt_at=row.next_attempt_at.isoformat() if row.status == "pending" else None,
        delivered_at=row.delivered_at.isoformat() if row.delivered_at else None,
        attempts=[AttemptOut(number=a.number, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms,
                             attempted_at=a.attempted_at.isoformat()) for a in attempts]))


def poll_body(jobs: JobService) -> PollBody:
    """What a delivery of ``job`` carries: an export's poll envelope, or a generation job's."""

    def body(job: Job, base_url: str) -> dict[str, Any]:
        view = jobs.view(job, base_url)
        envelope: BaseModel = ok(render_view(view)) if view.kind is JobKind.EXPORT else job_envelope(view)
        return envelope.model_dump(mode="json", exclude_none=True)

    return body
