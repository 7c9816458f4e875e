"""The operator's view of jobs (``frameloom admin jobs``): list them, find stuck ones, retry one safely.

A job is **stuck** when it is ``running`` with no heartbeat for ``job_stale_s``
(its worker is gone or hung) or ``queued`` for longer than ``job_requeue_s``
(its message may be lost). Recovery deals with both by itself in time; the
operator retries sooner, or brings back a job that ``failed``.

Retrying never spends a credit twice nor runs a job twice:

- a stuck ``queued`` job is sent again (a job is claimed once, so a doubled
  message is harmless);
- a stuck ``running`` job goes back to ``queued`` only while the same worker
  still holds it, then is sent again;
- a ``failed`` job freezes its price again and becomes ``queued`` in one
  transaction (its old hold was refunded when it failed); when the account
  cannot pay, nothing changes and the error says so;
- a job that is running and beating, completed or cancelled is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update

from frameloom.domain.errors import Conflict, InvalidRequest, NotFound
from frameloom.domain.jobs import JobKind, JobStatus
from frameloom.jobs.queue import JobQueue
from frameloom.services.clock import Clock
from frameloom.settings import Settings
from frameloom.store import jobs as repo
from frameloom.store import ledger
from frameloom.store.db import Database
from frameloom.store.models import Job

QUEUED, RUNNING, FAILED = JobStatus.QUEUED.value, JobStatus.RUNNING.value, JobStatus.FAILED.value


@dataclass(frozen=True)
class JobFilter:
    """Which jobs to list: any of ``status`` and ``kind`` (None: all), only stuck ones, newest first."""

    status: JobStatus | None = None
    kind: JobKind | None = None
    stuck: bool = False
    limit: int = 50


@dataclass(frozen=True)
class JobLine:
    """One job as the operator sees it; ``stuck`` says why it is (None: it is not)."""

    job_id: str
    key: str
    kind: str
    status: str
    account_id: str
    attempts: int
    price: int
    progress: float
    worker: str | None
    created_at: datetime
    heartbeat_at: datetime | None
    error: str | None
    stuck: str | None


@dataclass(frozen=True)
class Retried:
    """What a retry did: ``action`` is ``resent`` (a queued job's message sent again), ``requeued``
    (a running job whose worker is gone, back to the queue) or ``refrozen`` (a failed job, its price
    frozen again); ``job`` as it stands after."""

    action: str
    job: JobLine


class JobAdmin:
    def __init__(self, db: Database, queue: JobQueue, settings: Settings, clock: Clock) -> None:
        self.db, self.queue, self.settings, self.clock = db, queue, settings, clock

    def list(self, which: JobFilter) -> list[JobLine]:
        """Jobs matching ``which``, newest first, at most ``which.limit``."""
        if which.limit < 1:
            raise InvalidRequest.of("limit", f"{which.limit}: must be at least 1")
        now = self.clock()
        query = select(Job).order_by(Job.created_at.desc(), Job.id).limit(which.limit)
        if which.status is not None:
            query = query.where(Job.status == which.status.value)
        if which.kind is not None:
            query = query.where(Job.kind == which.kind.value)
        if which.stuck:
            query = query.where(self._stuck_clause(now))
        with self.db.read() as session:
            return [self._line(job, now) for job in session.execute(query).scalars()]

    def retry(self, job_id: str) -> Retried:
        """Send a stuck job again or bring back a failed one (see the module docstring).

        ``NotFound`` for an unknown id; ``Conflict`` for a job that is not stuck nor failed;
        ``InsufficientCredits`` when a failed job's account cannot pay for it again.
        """
        now = self.clock()
        with self.db.read() as session:
            job = repo.by_id(session, job_id)
            if job is None:
                raise NotFound("job", job_id[:64])
            line = self._line(job, now)
        if line.status == FAILED:
            self._refreeze(line, now)
            action = "refrozen"
        elif line.stuck is None:
            raise Conflict(f"job {job_id} is {line.status} and not stuck: nothing to retry")
        elif line.status == RUNNING:
            with self.db.write() as session:
                if not repo.requeue(session, job_id, line.worker, now):
                    raise Conflict(f"job {job_id} changed meanwhile; list it again")
            action = "requeued"
        else:
            with self.db.write() as session:
                repo.touch_queued(session, job_id, now)
            action = "resent"
        self.queue.enqueue(job_id, JobKind(line.kind))
        with self.db.read() as session:
            found = repo.by_id(session, job_id)
            assert found is not None
            return Retried(action, self._line(found, self.clock()))

    def _refreeze(self, line: JobLine, now: datetime) -> None:
        """A failed job freezes its price again and is queued afresh, in one transaction."""
        with self.db.write() as session:  # InsufficientCredits rolls it all back
            hold_id = ledger.freeze(session, line.account_id, line.price, line.kind, now)
            back = session.execute(
                update(Job).where(Job.id == line.job_id, Job.status == FAILED)
                .values(status=QUEUED, hold_id=hold_id, attempts=0, worker=None, error=None, result=None,
                        progress=0.0, created_at=now, enqueued_at=now, started_at=None, heartbeat_at=None,
                        finished_at=None)
                .execution_options(synchronize_session=False)
            )
            if getattr(back, "rowcount", 0) != 1:
                raise Conflict(f"job {line.job_id} changed meanwhile; list it again")

    def _stuck_clause(self, now: datetime) -> ColumnElement[bool]:
        stale = now - timedelta(seconds=self.settings.job_stale_s)
        lost = now - timedelta(seconds=self.settings.job_requeue_s)
        beat_stale = or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale)
        return or_(and_(Job.status == RUNNING, beat_stale), and_(Job.status == QUEUED, Job.enqueued_at < lost))

    def _line(self, job: Job, now: datetime) -> JobLine:
        return JobLine(job.id, job.key, job.kind, job.status, job.account_id, job.attempts, job.price,
                       job.progress, job.worker, job.created_at, job.heartbeat_at, job.error, self._why(job, now))

    def _why(self, job: Job, now: datetime) -> str | None:
        s = self.settings
        if job.status == RUNNING:
            beat = job.heartbeat_at or job.started_at or job.created_at
            silent = (now - beat).total_seconds()
            return f"no heartbeat for {silent:.0f} s" if silent > s.job_stale_s else None
        if job.status == QUEUED:
            waited = (now - job.enqueued_at).total_seconds()
            return f"queued {waited:.0f} s ago" if waited > s.job_requeue_s else None
        return None
