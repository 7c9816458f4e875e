"""Running one job: claim it, do its work with progress and cancel hooks, then finish it with its credits.

The hooks around the work are where retries, time limits and cancels live:

1. **claim**: the job turns ``running`` for this process only if it is still
   ``queued`` (a second message or a second worker finds nothing to do);
2. **work**: the kind's function gets a :class:`JobContext`; ``progress(f)``
   keeps the latest fraction, ``cancelled()`` writes it with a heartbeat (at
   most every :data:`REPORT_EVERY_S`) and answers True once the job was
   cancelled, its time limit passed, or this process is stopping;
3. **finish**: completed (the work's rows added, the hold settled), failed
   (hold refunded) or, when this process stops, put back in the queue.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from frameloom.domain.errors import EngineFailed, FrameloomError
from frameloom.domain.jobs import JobFailure, JobKind, JobResult, JobStatus, to_payload
from frameloom.store import jobs as repo
from frameloom.store.db import Database
from frameloom.store.models import Base
from frameloom.store.storage import Storage

log = logging.getLogger("frameloom.jobs")
REPORT_EVERY_S = 0.2
Clock = Callable[[], datetime]  # now, aware UTC (jobs sit below services: no import from there)


def worker_name() -> str:
    """``host:pid:nonce``: which process runs a job (recovery reads host and pid back)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class JobContext:
    """What a job's work gets: its id, owner, the hold its price sits in, its payload (the stored
    form of its spec), a scratch folder, and the two hooks."""

    job_id: str
    account_id: str
    session_id: str | None
    hold_id: str | None
    payload: dict[str, Any]
    scratch: Path
    progress: Callable[[float], None]
    cancelled: Callable[[], bool]


@dataclass
class Outcome:
    """A finished job's ``result`` (shown to callers), the rows to record with it, and stored keys
    to remove if the job cannot be recorded as completed after all."""

    result: JobResult
    rows: list[Base] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


class Parked(Exception):
    """Raised by work that handed its job on (a parallel export waiting for its chunks, which wake
    it again): the record is left as the work set it, and the consumer thread is free at once."""


Work = Callable[[JobContext], Outcome]
Ended = Callable[[JobKind, str, float], None]  # kind, how it ended (a status or "requeued"), seconds it ran


class _Hooks:
    """Progress and cancel for one running job (see the module docstring, step 2)."""

    def __init__(self, runner: JobRunner, job_id: str, time_limit_s: int) -> None:
        self.runner, self.job_id = runner, job_id
        self.deadline = time.monotonic() + time_limit_s
        self.fraction: float | None = None
        self.status = JobStatus.RUNNING.value
        self.next_report = 0.0

    def progress(self, fraction: float) -> None:
        self.fraction = max(0.0, min(1.0, fraction))

    def cancelled(self) -> bool:
        now = time.monotonic()
        if now >= self.next_report:
            self.next_report = now + REPORT_EVERY_S
            with self.runner.db.write() as session:
                status = repo.report(session, self.job_id, self.runner.name, self.fraction, self.runner.clock())
            self.status = status or JobStatus.CANCELLED.value
        return self.status != JobStatus.RUNNING.value or now >= self.deadline or self.runner.stopping.is_set()

    @property
    def timed_out(self) -> bool:
        return time.monotonic() >= self.deadline


class JobRunner:
    """Runs jobs by id in this process, named :attr:`name`; ``work`` maps each kind to its function."""

    def __init__(self, db: Database, storage: Storage, scratch_root: Path, clock: Clock,
                 work: dict[JobKind, Work], requeue: Callable[[str, JobKind], None],
                 ended: Ended | None = None) -> None:
        self.db, self.storage, self.scratch_root, self.clock = db, storage, scratch_root, clock
        self.work = work
        self.requeue = requeue
        self.ended = ended
        self.kinds: frozenset[JobKind] | None = None  # what this process takes (None: every kind)
        self.name = worker_name()
        self.stopping = threading.Event()
        self.active: set[str] = set()
        self._lock = threading.Lock()

    def running(self) -> list[str]:
        with self._lock:
            return list(self.active)

    def run(self, job_id: str) -> None:
        """Claim ``job_id`` and run it to an end; nothing happens when it is not queued any more."""
        with self.db.write() as session:
            if not repo.claim(session, job_id, self.name, self.clock(), kinds=self.kinds):
                return
            job = repo.by_id(session, job_id)
            assert job is not None
            kind, limit, key = JobKind(job.kind), job.time_limit_s, job.key
            attempt = job.attempts
            scratch = self.scratch_root / f"job-{job_id}-{attempt}"
            hooks = _Hooks(self, job_id, limit)
            context = JobContext(job_id, job.account_id, job.session_id, job.hold_id, dict(job.payload), scratch,
                                 hooks.progress, hooks.cancelled)
        with self._lock:
            self.active.add(job_id)
        # Generation jobs are polled by their id; an export by its render_id: name both once here.
        log.info("job %s (%s%s) started, attempt %d", job_id, kind, "" if key == job_id else f" {key}", attempt)
        began, how = time.monotonic(), "failed"
        try:
            for left in self.scratch_root.glob(f"job-{job_id}-*"):  # from attempts of a dead process
                shutil.rmtree(left, ignore_errors=True)
            scratch.mkdir(parents=True, exist_ok=True)
            how = self._run(context, kind, hooks, limit)
        finally:
            with self._lock:
                self.active.discard(job_id)
            shutil.rmtree(scratch, ignore_errors=True)
            if self.ended is not None:
                self.ended(kind, how, time.monotonic() - began)

    def _run(self, context: JobContext, kind: JobKind, hooks: _Hooks, limit: int) -> str:
        """Run the work and record its end; how it ended (a status, or ``requeued``)."""
        try:
            outcome = self.work[kind](context)
        except Parked:
            log.info("job %s parked", context.job_id)
            return "parked"
        except Exception as exc:
            # Whatever the work raised on its way out (the domain's Cancelled, an engine's
            # own cancel error), a cancel, a time limit or a stop is the cause when one is set.
            if hooks.status != JobStatus.RUNNING.value:
                log.info("job %s cancelled", context.job_id)
                return JobStatus.CANCELLED.value
            if hooks.timed_out:
                self._fail(context.job_id, JobFailure("time_limit", f"time limit of {limit} s exceeded"))
            elif self.stopping.is_set():
                self._give_back(context.job_id, kind)
                return "requeued"
            else:
                self._failed(context.job_id, exc)
            return JobStatus.FAILED.value
        return self._complete(context.job_id, outcome)

    def _failed(self, job_id: str, exc: Exception) -> None:
        if isinstance(exc, FrameloomError):
            retry_after = exc.retry_after if isinstance(exc, EngineFailed) else None
            self._fail(job_id, JobFailure(type(exc).__name__, str(exc), retry_after))
        else:
            log.error("job %s failed", job_id, exc_info=exc)
            self._fail(job_id, _internal(exc))

    def _complete(self, job_id: str, outcome: Outcome) -> str:
        try:
            with self.db.write() as session:
                if not repo.finish(session, job_id, self.name, JobStatus.COMPLETED, self.clock(),
                                   result=to_payload(outcome.result)):
                    raise _Gone
                session.add_all(outcome.rows)
        except BaseException as exc:
            for key in outcome.keys:
                self.storage.delete(key)
            if isinstance(exc, _Gone):
                log.info("job %s ended elsewhere (cancelled or recovered); its result is dropped", job_id)
                return "gone"
            if isinstance(exc, Exception):
                log.exception("job %s could not be recorded", job_id)
                self._fail(job_id, _internal(exc))
                return JobStatus.FAILED.value
            raise
        log.info("job %s completed", job_id)
        return JobStatus.COMPLETED.value

    def _fail(self, job_id: str, failure: JobFailure) -> None:
        """The job ends ``failed``: ``error`` is the message shown, the failure's data is kept in ``result``."""
        with self.db.write() as session:
            repo.finish(session, job_id, self.name, JobStatus.FAILED, self.clock(),
                        result={"failure": to_payload(failure)}, error=failure.message)
        log.warning("job %s failed: %s", job_id, failure.message)

    def _give_back(self, job_id: str, kind: JobKind) -> None:
        """This process is stopping: the job goes back to the queue for another (or the next) worker."""
        with self.db.write() as session:
            back = repo.requeue(session, job_id, self.name, self.clock())
        if back:
            self.requeue(job_id, kind)
            log.info("job %s put back in the queue (worker stopping)", job_id)


def _internal(exc: BaseException) -> JobFailure:
    return JobFailure("internal", f"internal error ({type(exc).__name__})")


class _Gone(Exception):
    """The job is no longer this worker's to finish."""
