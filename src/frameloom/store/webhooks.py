"""The webhook outbox (``webhook_deliveries``) and its attempts: every change is one conditional ``UPDATE``.

A delivery is written ``waiting`` in the transaction that records its job,
turned ``pending`` in the transaction that ends the job (:func:`job_ended`,
called by ``store/jobs.py``), claimed by one sender at a time by moving
``next_attempt_at`` past now (a lease), and closed ``delivered`` or
``given_up``. Account defaults and secrets live on ``accounts``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from frameloom.domain.jobs import JobStatus
from frameloom.store.models import Account, WebhookAttempt, WebhookDelivery

WAITING, PENDING, DELIVERED, GIVEN_UP = "waiting", "pending", "delivered", "given_up"


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def job_ended(session: Session, job_id: str, status: JobStatus, now: datetime) -> None:
    """The job's delivery (if it has one) is due now, carrying its final ``status``."""
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.job_id == job_id, WebhookDelivery.status == WAITING)
        .values(status=PENDING, event=status.value, ended_at=now, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


def due(session: Session, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Pending deliveries whose time has come, oldest first."""
    return list(session.execute(
        select(WebhookDelivery).where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at).limit(limit)
    ).scalars())


def claim(session: Session, delivery_id: str, now: datetime, until: datetime) -> bool:
    """Take a due delivery for one attempt until ``until`` (later than ``now``): only if it is still
    due, so of two senders one wins; a sender that dies leaves it due again when the lease ends."""
    return _changed(session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == PENDING,
                                      WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=until).execution_options(synchronize_session=False)
    ))


def record(session: Session, delivery: WebhookDelivery, attempt: WebhookAttempt, next_at: datetime | None,
           now: datetime) -> None:
    """Record ``attempt``; the delivery is ``delivered`` (2xx), due again at ``next_at``, or given up (None)."""
    session.add(attempt)
    delivered = attempt.status_code is not None and 200 <= attempt.status_code < 300
    values: dict[str, Any] = {"attempts": attempt.number, "last_error": None if delivered else attempt.error}
    if delivered:
        values.update(status=DELIVERED, delivered_at=now)
    elif next_at is None:
        values.update(status=GIVEN_UP)
    else:
        values.update(next_attempt_at=next_at)
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(**values)
                    .execution_options(synchronize_session=False))


def of_job(session: Session, job_id: str) -> WebhookDelivery | None:
    return session.execute(select(WebhookDelivery).where(WebhookDelivery.job_id == job_id)).scalar_one_or_none()


def attempts(session: Session, delivery_id: str) -> list[WebhookAttempt]:
    return list(session.execute(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.number)
    ).scalars())


def account(session: Session, account_id: str) -> Account | None:
    return session.get(Account, account_id)


def set_default(session: Session, account_id: str, url: str | None) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(webhook_url=url)
                    .execution_options(synchronize_session=False))


def ensure_secret(session: Session, account_id: str, fresh: str) -> str:
    """The account's signing secret, ``fresh`` stored first when it has none (two racing writers keep one)."""
    session.execute(update(Account).where(Account.id == account_id, Account.webhook_secret.is_(None))
                    .values(webhook_secret=fresh).execution_options(synchronize_session=False))
    found = session.execute(select(Account.webhook_secret).where(Account.id == account_id)).scalar_one()
    return str(found)


def rotate_secret(session: Session, account_id: str, fresh: str) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(webhook_secret=fresh)
                    .execution_options(synchronize_session=False))
