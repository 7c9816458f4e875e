"""Paid background work (SPEC section 3): exports of a session's draft, image and video generation.

Each submission freezes its price and records the job in one transaction,
then sends it to the queue; the job settles or refunds the hold when it ends
(:mod:`frameloom.jobs.runner`). Polls read the job's record, so any API node
answers them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy.exc import IntegrityError

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import (
    Cancelled,
    EngineFailed,
    EngineUnavailable,
    FrameloomError,
    InvalidRequest,
    JobFailed,
    NotFound,
    PlanForbids,
    Problem,
)
from frameloom.domain.jobs import (
    RENDER_ID_RE,
    ExportJob,
    ImageJob,
    JobFailure,
    JobKind,
    JobResult,
    JobStatus,
    export_price,
    result_from_payload,
    to_payload,
)
from frameloom.domain.video import VideoRequest, check_fps
from frameloom.jobs.queue import JobQueue
from frameloom.render.compositor import output_size
from frameloom.render.export import check_format
from frameloom.services.clock import Clock
from frameloom.services.links import LinkSigner
from frameloom.services.plans import Demand, PlanService, demand_of
from frameloom.services.policy import Checked, PolicyService
from frameloom.services.webhooks import WebhookService
from frameloom.settings import Settings
from frameloom.store import jobs as repo
from frameloom.store import ledger
from frameloom.store import sessions as sessions_repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Job
from frameloom.timeline import DraftInvalid, draft_to_json, duration_ms, parse_draft

log = logging.getLogger("frameloom.jobs")
ATTRIBUTION_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")
WEBHOOK_KINDS = (JobKind.IMAGE, JobKind.VIDEO, JobKind.EXPORT)  # the jobs a caller may be told the end of


@dataclass(frozen=True)
class ExportOrder:
    """``POST /api/render/proxy/lambda``: ``draft`` None means the session's; sizes in px."""

    session_id: str
    render_id: str | None = None
    draft: dict[str, Any] | None = None
    format: str = "mp4"
    width: int | None = None
    height: int | None = None
    fps: int | None = None
    webhook_url: str | None = None  # POSTed the poll's body, signed, when the export ends


@dataclass(frozen=True)
class JobView:
    """A job as a poll shows it: ``key`` is the caller's handle (an export's ``render_id``, a
    generation job's id); ``links`` one fresh signed URL per result file, in order."""

    job_id: str
    key: str
    kind: JobKind
    status: JobStatus
    progress: float
    result: JobResult | None
    failure: JobFailure | None
    links: tuple[str, ...]
    error: str | None
    created_at: str
    finished_at: str | None

    @property
    def url(self) -> str | None:
        return self.links[0] if self.links else None

    def raise_if_unfinished(self) -> JobResult:
        """The result of a completed job; otherwise the error it ended with, its data kept
        (``EngineFailed`` with ``retry_after``, ``Cancelled``)."""
        if self.status is JobStatus.COMPLETED and self.result is not None:
            return self.result
        if self.status is JobStatus.CANCELLED:
            raise Cancelled(f"job {self.key} was cancelled")
        failure = self.failure or JobFailure("internal", self.error or "the job did not finish")
        raise failure_error(failure)


@dataclass(frozen=True)
class GenerationRecord:
    """One image or video job of a session as a poll shows it, with the spec it ran."""

    view: JobView
    spec: ImageJob | VideoRequest


def _spec_of(job: Job) -> ImageJob | VideoRequest:
    return ImageJob(**job.payload) if job.kind == JobKind.IMAGE.value else VideoRequest(**job.payload)


def failure_error(failure: JobFailure) -> FrameloomError:
    """The domain error a failed job's record stands for."""
    if failure.error == "EngineFailed":
        return EngineFailed(failure.message, failure.retry_after)
    if failure.error == "EngineUnavailable":
        return EngineUnavailable(failure.message)
    return JobFailed(failure.message)


def _under_draft(field: str) -> str:
    return field if field == "draft" else f"draft.{field}"


class JobService:
    def __init__(self, db: Database, queue: JobQueue, signer: LinkSigner, settings: Settings, clock: Clock,
                 plans: PlanService | None = None,
                 *, policy: PolicyService | None = None, webhooks: WebhookService | None = None) -> None:
        self.db, self.queue, self.signer, self.settings, self.clock = db, queue, signer, settings, clock
        self.policy = policy if policy is not None else PolicyService.from_settings(settings)
        self.webhooks = webhooks
        self.plans = plans if plans is not None else PlanService(settings, clock)

    # --- exports --------------------------------------------------------------------------

    def export(self, who: Principal, order: ExportOrder, attribution: dict[str, str | None],
               base_url: str) -> JobView:
        """Queue an export of the session's draft (or ``order.draft``) for its price; idempotent on ``render_id``.

        402 (``PlanForbids``) when an attribution header is missing or the plan
        may not export; 1002 for another account's session; 400 for a bad
        draft, format or size; 2001 when the credits are short.
        """
        missing = [name for name in ATTRIBUTION_HEADERS if not (attribution.get(name) or "").strip()]
        if missing:
            raise PlanForbids(f"export needs the attribution headers; missing: {', '.join(missing)}")
        self.plans.check_export(who)
        if order.render_id is not None and not RENDER_ID_RE.match(order.render_id):
            raise InvalidRequest.of("render_id", "must be 1 to 128 of A-Za-z0-9_-")
        key = order.render_id or new_id("render")
        existing = self._find(who, key)
        if existing is not None:
            return self.view(existing, base_url)
        spec, session_id, length, demand = self._export_spec(who, order)
        self.check_on_screen(spec)
        price = export_price(length, self.settings.export_price, self.settings.export_price_seconds)
        job = self.submit(who, JobKind.EXPORT, key, session_id, spec, price, self.settings.export_time_limit_s,
                          webhook_url=order.webhook_url, base_url=base_url,
                          demand=demand)
        return self.view(job, base_url)

    def _export_spec(self, who: Principal, order: ExportOrder) -> tuple[ExportJob, str, int, Demand]:
        with self.db.read() as session:
            row = sessions_repo.owned_session(session, who.account_id, order.session_id)
            media = {m.id: m.storage_key for m in sessions_repo.session_media(session, order.session_id)}
        fmt = check_format(order.format)
        if order.fps is not None:
            check_fps(order.fps)
        source = order.draft if order.draft is not None else row.draft
        field = "draft" if order.draft is not None else "session draft"
        if not source.get("t"):
            raise InvalidRequest.of(field, "the timeline is empty: nothing to export")
        try:
            draft = parse_draft(source, media_ids=media)
        except DraftInvalid as exc:
            raise InvalidRequest([Problem(_under_draft(p.field), p.problem) for p in exc.problems]) from None
        width, height = output_size(draft, order.width, order.height)  # 400 now rather than a failed job later
        length = duration_ms(draft)
        if length <= 0:
            raise InvalidRequest.of(field, "the timeline is empty: nothing to export")
        spec = ExportJob(draft=draft_to_json(draft), format=fmt, media=media, width=order.width,
                         height=order.height, fps=order.fps)
        return spec, row.id, length, Demand(width, height, length / 1000)

    def check_on_screen(self, spec: ExportJob) -> None:
        """The content policy over the draft's text segments (what the export draws on screen);
        ``ContentRefused`` on ``draft.t[i].sg[j].m.text`` before any credit moves."""
        draft: dict[str, Any] = dict(spec.draft)
        tracks: list[dict[str, Any]] = draft.get("t") or []
        items = [Checked(f"draft.t[{i}].sg[{j}].m.text", str(segment["m"]["text"]))
                 for i, track in enumerate(tracks) if track.get("tt") == 7
                 for j, segment in enumerate(track.get("sg") or []) if (segment.get("m") or {}).get("text")]
        self.policy.check_all(items)

    # --- polls and cancels -----------------------------------------------------------------

    def status(self, who: Principal, key: str, base_url: str, kind: JobKind | None = None) -> JobView:
        with self.db.read() as session:
            return self.view(repo.owned(session, who.account_id, key, kind), base_url)

    def cancel(self, who: Principal, key: str, base_url: str, kind: JobKind | None = None) -> JobView:
        """Cancel a queued or running job and refund its hold; a finished job is left as it is.
        A parallel export's chunks are cancelled with it, in the same transaction."""
        with self.db.write() as session:
            job = repo.owned(session, who.account_id, key, kind)
            if repo.end_open(session, job.id, JobStatus.CANCELLED, None, self.clock()):
                repo.end_children(session, job.id, self.clock())
        return self.status(who, key, base_url, kind)

    def session_renders(self, session_id: str, base_url: str) -> list[RenderView]:
        with self.db.read() as session:
            jobs = repo.session_jobs(session, session_id, JobKind.EXPORT)
        return [render_view(self.view(job, base_url)) for job in jobs]

    def session_generations(self, who: Principal, session_id: str, base_url: str) -> list[GenerationRecord]:
        """The session's image and video jobs, oldest first, each with the spec it was asked
        with (the chat's "try again" and "a video from it" read the last one); ``NotFound``
        for another account's session."""
        with self.db.read() as session:
            sessions_repo.owned_session(session, who.account_id, session_id)
            jobs = sorted(repo.session_jobs(session, session_id, JobKind.IMAGE)
                          + repo.session_jobs(session, session_id, JobKind.VIDEO), key=lambda j: (j.created_at, j.id))
        return [GenerationRecord(self.view(job, base_url), _spec_of(job)) for job in jobs]

    async def finished(self, who: Principal, key: str, base_url: str, timeout_s: float) -> JobView:
        """Wait for the job to end (polling its record, so a job run by any worker counts) and return it.

        The wait grows from 20 ms to 250 ms between polls. A job still open after
        ``timeout_s`` is answered as it stands (its time limit ends it soon after).
        """
        deadline = time.monotonic() + timeout_s
        delay = 0.02
        while True:
            view = await anyio.to_thread.run_sync(self.status, who, key, base_url)
            if view.status.final or time.monotonic() >= deadline:
                return view
            await anyio.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    # --- helpers ---------------------------------------------------------------------------

    def _find(self, who: Principal, key: str) -> Job | None:
        with self.db.read() as session:
            try:
                return repo.owned(session, who.account_id, key)
            except NotFound:
                return None

    def submit(self, who: Principal, kind: JobKind, key: str | None, session_id: str | None, spec: object,
               price: int, time_limit_s: int, demand: Demand | None = None,
               webhook_url: str | None = None, base_url: str = "") -> Job:
        """Freeze ``price`` and record the job in one transaction, then queue it.

        The account's plan admits it first, in that transaction (:meth:`PlanService.admit`: 402
        for a size or length over the plan's, 429 at its concurrent jobs); ``demand`` is what the
        job asks (image and video specs say it themselves). Every job gets a hold, a free one
        too, so the ledger records its usage with ``who.attribution``.
        ``spec`` (a job spec dataclass) is stored as the payload. ``key`` None: the
        job's id is its key. The same key sent twice at once: the second insert
        fails on the unique key, its freeze rolls back with it, and the first job
        is returned. A session named must be the caller's (``NotFound``).
        """
        # the webhook (the URL given, checked, else the account's default) is known before credits move;
        # a chat turn has none (its stream is the answer; the jobs it starts have theirs)
        webhook = None
        if self.webhooks is not None and kind in WEBHOOK_KINDS:
            webhook = self.webhooks.target(who, webhook_url, base_url)
        now = self.clock()
        job_id = new_id("job")
        key = key or job_id
        payload = to_payload(spec)
        if session_id is not None:
            with self.db.read() as session:
                sessions_repo.owned_session(session, who.account_id, session_id)
        job = Job(id=job_id, key=key, kind=kind.value, account_id=who.account_id, session_id=session_id,
                  status=JobStatus.QUEUED.value, progress=0.0, payload=payload, result=None, error=None,
                  price=price, hold_id=None, attempts=0, worker=None, time_limit_s=time_limit_s, created_at=now,
                  enqueued_at=now, started_at=None, heartbeat_at=None, finished_at=None)
        try:
            with self.db.write() as session:
                self.plans.admit(session, who, kind, demand or demand_of(spec))
                job.hold_id = ledger.freeze(session, who.account_id, price, kind.value, now, who.attribution)
                session.add(job)
                if webhook is not None and self.webhooks is not None:
                    session.flush()  # the job row first: the delivery refers to it
                    self.webhooks.add(session, job, webhook)
        except IntegrityError:
            found = self._find(who, key)
            if found is None:
                raise
            return found
        try:
            self.queue.enqueue(job.id, kind)
        except Exception:
            log.exception("job %s could not be queued", job.id)
            with self.db.write() as session:
                repo.end_open(session, job.id, JobStatus.FAILED, "the queue is unreachable", self.clock())
            raise
        return job

    def view(self, job: Job, base_url: str) -> JobView:
        status = JobStatus(job.status)
        stored = job.result or {}
        result = result_from_payload(stored) if status is JobStatus.COMPLETED and stored else None
        failure = JobFailure(**stored["failure"]) if "failure" in stored else None
        links = tuple(self.signer.url(base_url, f.key) for f in result.files) if result and base_url else ()
        return JobView(job_id=job.id, key=job.key, kind=JobKind(job.kind), status=status, progress=job.progress,
                       result=result, failure=failure, links=links, error=job.error,
                       created_at=job.created_at.isoformat(),
                       finished_at=job.finished_at.isoformat() if job.finished_at else None)


@dataclass(frozen=True)
class RenderView:
    """An export as its poll shows it (SPEC section 3): ``status`` queued, rendering, completed,
    failed or cancelled; the file's facts (px, ms) and a signed ``url`` once completed."""

    render_id: str
    status: str
    progress: float
    created_at: str
    finished_at: str | None = None
    url: str | None = None
    format: str | None = None
    bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    media_id: str | None = None
    error: str | None = None


def render_view(view: JobView) -> RenderView:
    out = RenderView(render_id=view.key, status=view.status.export_name, progress=round(view.progress, 4),
                     created_at=view.created_at, finished_at=view.finished_at, error=view.error)
    if view.status is JobStatus.COMPLETED and view.result is not None:
        f = view.result.first
        out = replace(out, url=view.url, format=f.format, bytes=f.bytes, width=f.width, height=f.height,
                      duration_ms=f.duration_ms, media_id=f.media_id)
    return out
