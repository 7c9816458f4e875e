"""Paid background work (SPEC section 3): exports of a session's draft, image and video generation.

Each submission freezes its price and records the job in one transaction,
then sends it to the queue; the job settles or refunds the hold when it ends
(:mod:`frameloom.jobs.runner`). Polls read the job's record, so any API node
answers them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, NotFound, PlanForbids, Problem
from frameloom.domain.images import ImageRequest
from frameloom.domain.jobs import RENDER_ID_RE, JobKind, JobStatus, export_price
from frameloom.domain.video import check_fps
from frameloom.jobs.queue import JobQueue
from frameloom.render.compositor import output_size
from frameloom.render.export import check_format
from frameloom.services.clock import Clock
from frameloom.services.links import LinkSigner
from frameloom.settings import Settings
from frameloom.store import jobs as repo
from frameloom.store import ledger
from frameloom.store import sessions as sessions_repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Job
from frameloom.timeline import DraftInvalid, draft_to_json, duration_ms, parse_draft

if TYPE_CHECKING:
    from frameloom.domain.video import VideoRequest

log = logging.getLogger("frameloom.jobs")
ATTRIBUTION_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")


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


@dataclass(frozen=True)
class JobView:
    """A job as a poll shows it; ``url`` is a fresh signed link to the result when there is one."""

    job_id: str
    key: str
    kind: str
    status: JobStatus
    progress: float
    result: dict[str, Any] | None
    url: str | None
    error: str | None
    created_at: str
    finished_at: str | None

    def export_data(self) -> dict[str, Any]:
        """The export's poll answer (SPEC section 3)."""
        data: dict[str, Any] = {"render_id": self.key, "status": self.status.export_name,
                                "progress": round(self.progress, 4)}
        if self.status is JobStatus.COMPLETED and self.result is not None:
            data.update({name: self.result.get(name) for name in ("format", "bytes", "width", "height",
                                                                  "duration_ms", "media_id")})
            data["url"] = self.url
        if self.error is not None:
            data["error"] = self.error
        data["created_at"], data["finished_at"] = self.created_at, self.finished_at
        return data


def _under_draft(field: str) -> str:
    return field if field == "draft" else f"draft.{field}"


class JobService:
    def __init__(self, db: Database, queue: JobQueue, signer: LinkSigner, settings: Settings, clock: Clock) -> None:
        self.db, self.queue, self.signer, self.settings, self.clock = db, queue, signer, settings, clock

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
        if who.anonymous and not self.settings.free_plan_export:
            raise PlanForbids("the free plan does not include export; register or upgrade to export")
        if order.render_id is not None and not RENDER_ID_RE.match(order.render_id):
            raise InvalidRequest.of("render_id", "must be 1 to 128 of A-Za-z0-9_-")
        key = order.render_id or new_id("render")
        existing = self._find(who, key)
        if existing is not None:
            return self._view(existing, base_url)
        payload, session_id, length = self._export_payload(who, order)
        price = export_price(length, self.settings.export_price, self.settings.export_price_seconds)
        job = self._submit(who, JobKind.EXPORT, key, session_id, payload, price, self.settings.export_time_limit_s)
        return self._view(job, base_url)

    def _export_payload(self, who: Principal, order: ExportOrder) -> tuple[dict[str, Any], str, int]:
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
        output_size(draft, order.width, order.height)  # 400 now rather than a failed job later
        length = duration_ms(draft)
        if length <= 0:
            raise InvalidRequest.of(field, "the timeline is empty: nothing to export")
        payload = {"draft": draft_to_json(draft), "format": fmt, "width": order.width, "height": order.height,
                   "fps": order.fps, "media": media}
        return payload, row.id, length

    # --- generation (the agent calls these; no route of its own yet) ------------------------

    def generate_image(self, who: Principal, request: ImageRequest, engine: str | None,
                       session_id: str | None = None, base_url: str = "") -> JobView:
        """Queue ``request.n`` images for ``image_price`` each."""
        if session_id is not None:
            self._check_session(who, session_id)
        payload = {"prompt": request.prompt, "n": request.n, "width": request.width, "height": request.height,
                   "seed": request.seed, "style": request.style, "engine": engine}
        price = self.settings.image_price * request.n
        job = self._submit(who, JobKind.IMAGE, new_id("job"), session_id, payload, price,
                           self.settings.image_time_limit_s)
        return self._view(job, base_url)

    def generate_video(self, who: Principal, request: VideoRequest, session_id: str | None = None,
                       base_url: str = "") -> JobView:
        """Queue a text-to-video ``request`` for ``video_price_per_second`` credits a (started) second."""
        if session_id is not None:
            self._check_session(who, session_id)
        ImageRequest(prompt=request.prompt, width=request.width, height=request.height, seed=request.seed,
                     style=request.style)  # the shots' checks, before anything is frozen
        payload = {name: getattr(request, name) for name in ("prompt", "seconds", "width", "height", "fps", "seed",
                                                             "style", "music", "music_volume", "title",
                                                             "title_seconds", "engine")}
        seconds = -(-int(request.seconds * 1000) // 1000)
        job = self._submit(who, JobKind.VIDEO, new_id("job"), session_id, payload,
                           seconds * self.settings.video_price_per_second, self.settings.video_time_limit_s)
        return self._view(job, base_url)

    # --- polls and cancels -----------------------------------------------------------------

    def status(self, who: Principal, key: str, base_url: str, kind: JobKind | None = None) -> JobView:
        with self.db.read() as session:
            return self._view(repo.owned(session, who.account_id, key, kind), base_url)

    def cancel(self, who: Principal, key: str, base_url: str, kind: JobKind | None = None) -> JobView:
        """Cancel a queued or running job and refund its hold; a finished job is left as it is."""
        with self.db.write() as session:
            job = repo.owned(session, who.account_id, key, kind)
            repo.end_open(session, job.id, JobStatus.CANCELLED, None, self.clock())
        return self.status(who, key, base_url, kind)

    def session_renders(self, session_id: str, base_url: str) -> list[dict[str, Any]]:
        with self.db.read() as session:
            jobs = repo.session_jobs(session, session_id, JobKind.EXPORT)
        return [self._view(job, base_url).export_data() for job in jobs]

    # --- helpers ---------------------------------------------------------------------------

    def _check_session(self, who: Principal, session_id: str) -> None:
        with self.db.read() as session:
            sessions_repo.owned_session(session, who.account_id, session_id)

    def _find(self, who: Principal, key: str) -> Job | None:
        with self.db.read() as session:
            try:
                return repo.owned(session, who.account_id, key)
            except NotFound:
                return None

    def _submit(self, who: Principal, kind: JobKind, key: str, session_id: str | None, payload: dict[str, Any],
                price: int, time_limit_s: int) -> Job:
        """Freeze ``price`` and record the job in one transaction, then queue it.

        The same key sent twice at once: the second insert fails on the unique
        key, its freeze rolls back with it, and the first job is returned.
        """
        now = self.clock()
        job = Job(id=new_id("job"), key=key, kind=kind.value, account_id=who.account_id, session_id=session_id,
                  status=JobStatus.QUEUED.value, progress=0.0, payload=payload, result=None, error=None,
                  price=price, hold_id=None, attempts=0, worker=None, time_limit_s=time_limit_s, created_at=now,
                  enqueued_at=now, started_at=None, heartbeat_at=None, finished_at=None)
        try:
            with self.db.write() as session:
                job.hold_id = ledger.freeze(session, who.account_id, price, kind.value, now) if price else None
                session.add(job)
        except IntegrityError:
            found = self._find(who, key)
            if found is None:
                raise
            return found
        try:
            self.queue.enqueue(job.id)
        except Exception:
            log.exception("job %s could not be queued", job.id)
            with self.db.write() as session:
                repo.end_open(session, job.id, JobStatus.FAILED, "the queue is unreachable", self.clock())
            raise
        return job

    def _view(self, job: Job, base_url: str) -> JobView:
        result = job.result
        url = self.signer.url(base_url, result["key"]) if result and result.get("key") and base_url else None
        return JobView(job_id=job.id, key=job.key, kind=job.kind, status=JobStatus(job.status),
                       progress=job.progress, result=result, url=url, error=job.error,
                       created_at=job.created_at.isoformat(),
                       finished_at=job.finished_at.isoformat() if job.finished_at else None)
