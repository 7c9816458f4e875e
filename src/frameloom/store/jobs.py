"""Job rows: every change of status is one conditional ``UPDATE``, so two processes never both win.

A job is claimed only while ``queued``; it is finished only by the process
that claimed it (``worker``) while still ``running``; it is cancelled only
while not final. Credits move in the same transaction as the status (the
caller passes its write session and commits).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, func, select, update
from sqlalchemy.orm import Session

from frameloom.domain.errors import NotFound
from frameloom.domain.jobs import JobKind, JobStatus
from frameloom.store import ledger, webhooks
from frameloom.store.models import Job

QUEUED, RUNNING = JobStatus.QUEUED.value, JobStatus.RUNNING.value
OPEN = (QUEUED, RUNNING)
PARKED = "parked"  # the ``worker`` of a running export waiting for its chunks (no process holds it)


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def by_id(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def owned(session: Session, account_id: str, key: str, kind: JobKind | None = None) -> Job:
    """The account's job with ``key``; ``NotFound`` otherwise (another account's job too)."""
    query = select(Job).where(Job.account_id == account_id, Job.key == key)
    if kind is not None:
        query = query.where(Job.kind == kind.value)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound("render" if kind is JobKind.EXPORT else "job", key[:64])
    return found


def session_jobs(session: Session, session_id: str, kind: JobKind) -> list[Job]:
    return list(session.execute(
        select(Job).where(Job.session_id == session_id, Job.kind == kind.value).order_by(Job.created_at, Job.id)
    ).scalars())


def claim(session: Session, job_id: str, worker: str, now: datetime,
          kinds: Collection[JobKind] | None = None) -> bool:
    """Take a queued job for ``worker``: it becomes ``running`` and one more attempt is counted.

    ``kinds``: the kinds ``worker`` takes (None: all); a job of another kind is left queued.
    """
    query = update(Job).where(Job.id == job_id, Job.status == QUEUED)
    if kinds is not None:
        query = query.where(Job.kind.in_([kind.value for kind in kinds]))
    return _changed(session.execute(
        query
        # progress is not reset: a queued job has 0 (requeue resets it), except a parallel export
        # woken for its join, which keeps the sum of its chunks
        .values(status=RUNNING, worker=worker, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ))


def report(session: Session, job_id: str, worker: str, progress: float | None, now: datetime) -> str | None:
    """Heartbeat (and progress when given) of a running job; its current status (``None`` if gone)."""
    values: dict[str, Any] = {"heartbeat_at": now}
    if progress is not None:
        values["progress"] = progress
    session.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.worker == worker).values(**values)
        .execution_options(synchronize_session=False)
    )
    return session.execute(select(Job.status).where(Job.id == job_id)).scalar_one_or_none()


def heartbeat(session: Session, job_ids: Collection[str], worker: str, now: datetime) -> None:
    if job_ids:
        session.execute(
            update(Job).where(Job.id.in_(list(job_ids)), Job.status == RUNNING, Job.worker == worker)
            .values(heartbeat_at=now).execution_options(synchronize_session=False)
        )


def finish(
    session: Session, job_id: str, worker: str, status: JobStatus, now: datetime,
    result: dict[str, Any] | None = None, error: str | None = None,
) -> bool:
    """End a job ``worker`` is running: settle its hold when completed, refund it otherwise.

    False (and nothing changes) when the job is no longer this worker's running
    job: cancelled meanwhile, or taken back by recovery.
    """
    row = session.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.worker == worker)
        .values(status=status.value, result=result, error=error, finished_at=now,
                progress=1.0 if status is JobStatus.COMPLETED else Job.progress)
        .returning(Job.hold_id).execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    webhooks.job_ended(session, job_id, status, now)  # its webhook is due, in the same transaction
    if row.hold_id is not None:
        if status is JobStatus.COMPLETED:
            ledger.settle(session, row.hold_id, now)
        else:
            ledger.refund(session, row.hold_id, now, failed=status is JobStatus.FAILED)
    return True


def end_open(session: Session, job_id: str, status: JobStatus, error: str | None, now: datetime,
             only: tuple[str, ...] = OPEN) -> bool:
    """Cancel or fail a job that is still queued or running (whoever runs it), refunding its hold."""
    row = session.execute(
        update(Job).where(Job.id == job_id, Job.status.in_(only))
        .values(status=status.value, error=error, finished_at=now)
        .returning(Job.hold_id).execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    webhooks.job_ended(session, job_id, status, now)
    if row.hold_id is not None:
        ledger.refund(session, row.hold_id, now, failed=status is JobStatus.FAILED)
    return True


def requeue(session: Session, job_id: str, worker: str | None, now: datetime) -> bool:
    """Put a running job whose process is gone back in the queue (only if ``worker`` still holds it)."""
    return _changed(session.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING, Job.worker == worker)
        .values(status=QUEUED, worker=None, enqueued_at=now,
                progress=case((Job.worker == PARKED, Job.progress), else_=0.0))
        .execution_options(synchronize_session=False)
    ))


def touch_queued(session: Session, job_id: str, now: datetime) -> bool:
    return _changed(session.execute(
        update(Job).where(Job.id == job_id, Job.status == QUEUED).values(enqueued_at=now)
        .execution_options(synchronize_session=False)
    ))


def open_jobs(session: Session) -> list[Job]:
    """Every queued or running job (what recovery looks at)."""
    return list(session.execute(select(Job).where(Job.status.in_(OPEN))).scalars())


# --- parallel exports: a parent export and its chunks (``parent_id``) -----------------------------


def children(session: Session, parent_id: str) -> list[Job]:
    """The chunks of a parallel export, in order (their payload's ``index``: ids sort as made)."""
    return list(session.execute(
        select(Job).where(Job.parent_id == parent_id).order_by(Job.created_at, Job.id)
    ).scalars())


def lock_parent(session: Session, parent_id: str, now: datetime) -> bool:
    """Take the parent's row for this transaction (a write, so SQLite's lock too); False when it is
    no longer running. Chunks finishing and the parent parking serialize on it, so exactly one of
    them sees every piece done."""
    return _changed(session.execute(
        update(Job).where(Job.id == parent_id, Job.status == RUNNING).values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ))


def park(session: Session, parent_id: str, worker: str, now: datetime) -> bool:
    """The running parent leaves ``worker`` to wait for its chunks (their progress keeps it alive).

    A park is not an attempt: the count goes back, so recovery's limit counts real runs only.
    """
    return _changed(session.execute(
        update(Job).where(Job.id == parent_id, Job.status == RUNNING, Job.worker == worker)
        .values(worker=PARKED, heartbeat_at=now, attempts=Job.attempts - 1)
        .execution_options(synchronize_session=False)
    ))


def parent_progress(session: Session, parent_id: str, fraction: float, now: datetime) -> None:
    """A parked parent's heartbeat, its progress raised to ``fraction`` (never lowered: a chunk
    re-run from zero does not move the export back)."""
    session.execute(
        update(Job).where(Job.id == parent_id, Job.status == RUNNING, Job.worker == PARKED)
        .values(heartbeat_at=now, progress=case((Job.progress < fraction, fraction), else_=Job.progress))
        .execution_options(synchronize_session=False)
    )


def chunks_progress(session: Session, parent_id: str) -> list[tuple[int, float]]:
    """``(frames, progress)`` of each chunk of ``parent_id`` (frames from the payload's range)."""
    rows = session.execute(select(Job.payload, Job.progress, Job.status).where(Job.parent_id == parent_id)).all()
    return [(int(p["end"]) - int(p["start"]), 1.0 if s == JobStatus.COMPLETED.value else float(f))
            for p, f, s in rows]


def set_piece(session: Session, job_id: str, key: str) -> None:
    session.execute(update(Job).where(Job.id == job_id).values(piece_key=key)
                    .execution_options(synchronize_session=False))


def pieces_missing(session: Session, parent_id: str) -> int:
    return int(session.execute(
        select(func.count()).select_from(Job).where(Job.parent_id == parent_id, Job.piece_key.is_(None))
    ).scalar_one())


def wake_parent(session: Session, parent_id: str, now: datetime) -> bool:
    """A parked parent back in the queue, for its join (its progress kept)."""
    return _changed(session.execute(
        update(Job).where(Job.id == parent_id, Job.status == RUNNING, Job.worker == PARKED)
        .values(status=QUEUED, worker=None, enqueued_at=now)
        .execution_options(synchronize_session=False)
    ))


def end_children(session: Session, parent_id: str, now: datetime) -> list[str]:
    """Cancel every open chunk of ``parent_id`` (their running workers stop at their next check)."""
    ids = list(session.execute(
        select(Job.id).where(Job.parent_id == parent_id, Job.status.in_(OPEN))
    ).scalars())
    return [job_id for job_id in ids if end_open(session, job_id, JobStatus.CANCELLED, None, now)]
