"""Webhooks: a job's end POSTed to the caller's URL, signed, from a durable outbox (docs/operating.md).

- **Where a URL comes from**: ``webhook_url`` on an export or a generation job, else the
  account's default (``PUT /api/account/webhook``), resolved when the job is submitted.
- **Checked at submission** with the URL imports' SSRF guard (``services/fetch.py``): http
  or https, and every address the host resolves to public, unless inside the operator's
  ``FRAMELOOM_URL_IMPORT_ALLOWED_NETWORKS``; else 400 on the field. Each delivery connects
  through the same guard again, so a name that resolves elsewhere later gains nothing.
- **The outbox**: the delivery row is written with the job, turned due in the transaction
  that ends it (``store/webhooks.py``); :class:`WebhookSender` (a thread in each API
  process) claims due rows with a lease, POSTs, and records every attempt.
- **The body** is the poll's (the same envelope ``GET`` on the job answers), made at each
  attempt, so its signed links are fresh (valid ``link_ttl_s`` from the attempt).
- **Signature**: ``Frameloom-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``
  with the account's secret (``whsec_...``, made on first use), as Stripe signs;
  ``frameloom.client.webhooks.verify`` checks it.
- **Retries**: any answer but 2xx, or none within ``webhook_timeout_s``, is tried again after
  ``webhook_retry_first_s``, doubling up to ``webhook_retry_max_s``, while the job ended less
  than ``webhook_retry_for_s`` (a day) ago; then the delivery is ``given_up``. A receiver that
  answers 2xx is not called again for that job (a sender killed between the answer and its
  record may repeat it once; ``Frameloom-Delivery`` names the delivery for de-duplication).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpcore
import httpx

from frameloom import __version__
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest, NotFound
from frameloom.services.clock import Clock
from frameloom.services.fetch import (
    AddressRefused,
    GuardedTransport,
    IpNetwork,
    parse_import_url,
    resolve_allowed,
)
from frameloom.settings import Settings
from frameloom.store import jobs as jobs_repo
from frameloom.store import webhooks as repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Job, WebhookAttempt, WebhookDelivery

log = logging.getLogger("frameloom.webhooks")
SIGNATURE_HEADER = "Frameloom-Signature"
SECRET_PREFIX = "whsec_"
BATCH = 20
LEASE_MARGIN_S = 30.0


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body, keyed with the secret's text>``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


@dataclass(frozen=True)
class WebhookSettings:
    """An account's webhook: the default URL for its jobs (None: only per job) and its signing secret."""

    url: str | None
    secret: str


@dataclass(frozen=True)
class Target:
    """Where a job's end goes: the checked URL and the base of the signed links in the body."""

    url: str
    base_url: str


class WebhookService:
    """URLs checked and resolved, deliveries recorded, account defaults and secrets."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self.allowed: list[IpNetwork] = [ipaddress.ip_network(n, strict=False)
                                         for n in settings.url_import_allowed_networks]

    def check_url(self, url: str, field: str = "webhook_url") -> str:
        """``url`` when the guard lets it through now; ``InvalidRequest`` on ``field`` otherwise."""
        parsed = parse_import_url(url.strip(), field)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            resolve_allowed(parsed.host, port, self.allowed)
        except AddressRefused as exc:
            raise InvalidRequest.of(field, str(exc).replace("imports", "webhooks")) from None
        except httpcore.ConnectError as exc:
            raise InvalidRequest.of(field, str(exc)) from None
        return str(parsed)

    def target(self, who: Principal, url: str | None, base_url: str, field: str = "webhook_url") -> Target | None:
        """The job's webhook: ``url`` checked, else the account's default, else None."""
        base = self.settings.public_url or base_url
        if url is not None and url.strip():
            return Target(self.check_url(url, field), base)
        with self.db.read() as session:
            account = repo.account(session, who.account_id)
            default = account.webhook_url if account is not None else None
        if default is None:
            return None
        return Target(default, base)

    def add(self, session: Any, job: Job, target: Target) -> None:
        """Record the job's delivery, waiting for its end, in the caller's write transaction (with the
        job itself); the account's secret is made now, so the owner can read it before the job ends."""
        repo.ensure_secret(session, job.account_id, new_secret())
        session.add(WebhookDelivery(id=new_id("whd"), job_id=job.id, account_id=job.account_id, url=target.url,
                                    base_url=target.base_url, status=repo.WAITING, event=None, attempts=0,
                                    next_attempt_at=job.created_at, last_error=None, created_at=job.created_at,
                                    ended_at=None, delivered_at=None))

    # --- the account's settings -----------------------------------------------------------

    def settings_of(self, who: Principal) -> WebhookSettings:
        """The default URL and the secret (made on first use)."""
        with self.db.write() as session:
            secret = repo.ensure_secret(session, who.account_id, new_secret())
            account = repo.account(session, who.account_id)
            if account is None:
                raise NotFound("account", who.account_id)
            return WebhookSettings(account.webhook_url, secret)

    def set_default(self, who: Principal, url: str | None) -> WebhookSettings:
        """Set (checked like a job's) or clear (None) the account's default webhook."""
        checked = self.check_url(url, "url") if url is not None and url.strip() else None
        with self.db.write() as session:
            repo.set_default(session, who.account_id, checked)
        return self.settings_of(who)

    def rotate_secret(self, who: Principal) -> WebhookSettings:
        """A new secret; deliveries signed from now on use it (the old one stops verifying)."""
        with self.db.write() as session:
            repo.rotate_secret(session, who.account_id, new_secret())
        return self.settings_of(who)

    def delivery_of(self, job_id: str) -> tuple[WebhookDelivery | None, list[WebhookAttempt]]:
        """A job's delivery and its attempts (for operators and tests)."""
        with self.db.read() as session:
            found = repo.of_job(session, job_id)
            return found, repo.attempts(session, found.id) if found is not None else []

    def delivery_for(self, who: Principal, key: str) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
        """The delivery of the caller's job ``key`` (a job id or an export's render_id) and its attempts;
        ``NotFound`` when the job is not the caller's or names no webhook."""
        with self.db.read() as session:
            job = jobs_repo.owned(session, who.account_id, key)
            found = repo.of_job(session, job.id)
            if found is None:
                raise NotFound("webhook delivery", key[:64])
            return found, repo.attempts(session, found.id)


# The body a poll of the job shows (the API layer provides it: the export and job envelopes).
PollBody = Callable[[Job, str], dict[str, Any]]


@dataclass(frozen=True)
class Sent:
    """One attempt's outcome: the status code, or the error that kept an answer from coming."""

    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookSender:
    """Sends due deliveries from a thread of its own (see the module docstring)."""

    def __init__(self, db: Database, settings: Settings, clock: Clock, body: PollBody) -> None:
        self.db, self.settings, self.clock, self.body = db, settings, clock, body
        self.allowed: list[IpNetwork] = [ipaddress.ip_network(n, strict=False)
                                         for n in settings.url_import_allowed_networks]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="frameloom-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.webhook_timeout_s + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.webhook_poll_s):
            try:
                self.run_once()
            except Exception:
                log.exception("webhook sender: a pass failed; trying again")

    def run_once(self) -> int:
        """Send every delivery due now (claimed one at a time); how many were attempted."""
        now = self.clock()
        with self.db.read() as session:
            due = repo.due(session, now, BATCH)
        sent = 0
        for delivery in due:
            if self._stop.is_set():
                break
            lease = now + timedelta(seconds=self.settings.webhook_timeout_s + LEASE_MARGIN_S)
            with self.db.write() as session:
                if not repo.claim(session, delivery.id, now, lease):
                    continue
            self._attempt(delivery)
            sent += 1
        return sent

    def _attempt(self, delivery: WebhookDelivery) -> None:
        with self.db.read() as session:
            job = session.get(Job, delivery.job_id)
            account = repo.account(session, delivery.account_id)
            assert job is not None
            assert account is not None
            body = json.dumps(self.body(job, delivery.base_url), separators=(",", ":"), ensure_ascii=False).encode()
            secret = account.webhook_secret
        if secret is None:  # made with the delivery; only a hand-cleared column gets here
            with self.db.write() as session:
                secret = repo.ensure_secret(session, delivery.account_id, new_secret())
        event = f"{job.kind}.{delivery.event}"
        sent = self._post(delivery, body, secret, event)
        number = delivery.attempts + 1
        now = self.clock()
        attempt = WebhookAttempt(delivery_id=delivery.id, number=number, status_code=sent.status_code,
                                 error=sent.error, duration_ms=sent.duration_ms, attempted_at=now)
        with self.db.write() as session:
            repo.record(session, delivery, attempt, self._next_at(delivery, number, now), now)
        log.info("webhook %s for job %s (%s): attempt %d, %s", delivery.id, delivery.job_id, event, number,
                 sent.status_code if sent.status_code is not None else sent.error)

    def _next_at(self, delivery: WebhookDelivery, failed: int, now: datetime) -> datetime | None:
        """When to try after ``failed`` attempts: doubling waits, none past the retry window."""
        s = self.settings
        wait = min(s.webhook_retry_first_s * 2 ** (failed - 1), s.webhook_retry_max_s)
        at = now + timedelta(seconds=wait)
        ended = delivery.ended_at or delivery.created_at
        return at if at <= ended + timedelta(seconds=s.webhook_retry_for_s) else None

    def _post(self, delivery: WebhookDelivery, body: bytes, secret: str, event: str) -> Sent:
        headers = {
            "Content-Type": "application/json", "User-Agent": f"frameloom/{__version__}",
            SIGNATURE_HEADER: signature_header(secret, body, int(time.time())),
            "Frameloom-Event": event, "Frameloom-Delivery": delivery.id,
        }
        started = time.monotonic()
        try:
            client = httpx.Client(transport=GuardedTransport(self.allowed), follow_redirects=False,
                                  timeout=self.settings.webhook_timeout_s)
            with client, client.stream("POST", delivery.url, content=body, headers=headers) as response:
                code = response.status_code  # the receiver's body is not read: only its status counts
            error = None if 200 <= code < 300 else f"HTTP {code}"
            return Sent(code, error, _ms(started))
        except httpx.HTTPError as exc:
            return Sent(None, f"{type(exc).__name__}: {exc}"[:500], _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
