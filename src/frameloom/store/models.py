"""The tables, as typed SQLAlchemy 2 models. The migrations in ``migrations/`` create them.

Times are stored as UTC without a zone (SQLite has none) and read back as
aware UTC datetimes. Ids are short prefixed random strings (``acc_...``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A ``DateTime`` that takes and gives aware UTC datetimes on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Account(Base):
    """A caller. ``plan`` is ``anonymous`` or ``registered``; credits never go below 0."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("available >= 0", name="ck_accounts_available"),
        CheckConstraint("frozen >= 0", name="ck_accounts_frozen"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    plan: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    bind_id: Mapped[str] = mapped_column(String(40), unique=True)
    available: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen: Mapped[int] = mapped_column(BigInteger, default=0)
    merged_into: Mapped[str | None] = mapped_column(String(32))
    created_ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    suspended_at: Mapped[datetime | None] = mapped_column(default=None)  # set: its tokens answer 1001
    # the default webhook for this account's jobs, and the secret its deliveries are signed with
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret: Mapped[str | None] = mapped_column(String(80))


class Token(Base):
    """A bearer token, stored only as the SHA-256 of its text."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AnonymousClient(Base):
    """When each ``X-Client-Id`` last got an anonymous token (one per 7 days)."""

    __tablename__ = "anonymous_clients"

    client_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    issued_at: Mapped[datetime]
    account_id: Mapped[str] = mapped_column(String(32))


class AnonymousIp(Base):
    """How many anonymous tokens an address got in its current fixed window."""

    __tablename__ = "anonymous_ips"

    ip: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer)


class CreditHold(Base):
    """Credits frozen for one paid action: ``frozen``, then ``settled`` or ``refunded``."""

    __tablename__ = "credit_holds"
    __table_args__ = (CheckConstraint("amount >= 0", name="ck_credit_holds_amount"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class CreditEntry(Base):
    """One line of the ledger: how ``available`` and ``frozen`` moved, and why."""

    __tablename__ = "credit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    available_delta: Mapped[int] = mapped_column(BigInteger)
    frozen_delta: Mapped[int] = mapped_column(BigInteger)
    hold_id: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class Usage(Base):
    """One paid action, as the operator sees it: one row per hold, written by the ledger.

    ``outcome`` is ``open`` while the hold is frozen, then ``settled`` (``credits``
    = ``price`` spent), ``refunded`` (cancelled) or ``failed`` (``credits`` 0).
    ``source``/``version``/``platform`` are the ``X-Skill-*`` headers of the request
    that asked for the work; ``duration_ms`` runs from the freeze to the close.
    """

    __tablename__ = "usage"

    hold_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[str | None] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[int] = mapped_column(BigInteger)
    credits: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)


class StudioSession(Base):
    """A working session: its draft (timeline JSON, SPEC section 5) and a version bumped on each change."""

    __tablename__ = "studio_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    task_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Media(Base):
    """A stored file: an upload, an import or a generated image. Dimensions in px, duration in ms."""

    __tablename__ = "media"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("studio_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    format: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(255))
    bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(512))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Generation(Base):
    """One image generation request and what came of it (``media_ids`` in order)."""

    __tablename__ = "generations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("studio_sessions.id"), index=True)
    prompt: Mapped[str] = mapped_column(Text)
    engine: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    style: Mapped[str | None] = mapped_column(String(64))
    end_user: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))
    hold_id: Mapped[str | None] = mapped_column(String(32))
    media_ids: Mapped[list[str]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class Job(Base):
    """A background job (export, image or video generation): the one record every node reads.

    ``key`` is the caller's handle (an export's ``render_id``), unique per
    account. ``hold_id`` holds the frozen price until the job ends. ``worker``
    names the process running it (``host:pid:nonce``); ``heartbeat_at`` is when
    that process last said it is alive.
    """

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("account_id", "key", name="uq_jobs_account_key"),
                      Index("ix_jobs_kind_status", "kind", "status"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("studio_sessions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    price: Mapped[int] = mapped_column(BigInteger)
    hold_id: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    time_limit_s: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    enqueued_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # parallel exports (0009): a chunk's export job, and where its rendered piece lies once done
    parent_id: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    piece_key: Mapped[str | None] = mapped_column(String(300), default=None)


class DraftVersion(Base):
    """One version of a session's draft: the whole draft after a change, and how undo and redo move from it.

    ``number`` counts from 1 per session and rises with every change, undo and
    redo included, so an old number never names the current draft again.
    ``action`` is ``new``, ``edit``, ``replace``, ``undo`` or ``redo``.
    ``undo_to`` / ``redo_to`` are the versions whose drafts an undo / redo from
    here restores (None: nothing to undo / redo); ``restores`` is the version
    whose draft an undo or redo brought back (always an original, never a copy).
    ``grp`` names the group an edit belongs to (a chat turn): its edits are one step for undo.
    """

    __tablename__ = "draft_versions"

    session_id: Mapped[str] = mapped_column(ForeignKey("studio_sessions.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    undo_to: Mapped[int | None] = mapped_column(Integer)
    redo_to: Mapped[int | None] = mapped_column(Integer)
    restores: Mapped[int | None] = mapped_column(Integer)
    grp: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ChatEvent(Base):
    """One stored event of a chat turn (SPEC section 4), in the order it was emitted.

    ``seq`` orders every event (per turn they are emitted one after another, so
    it is their order); ``event_id`` is the ADK event's ``id``; ``body`` its wire
    JSON exactly as streamed; ``ends_turn`` is set on a turn's last event
    (``turnComplete`` or an error). The user's message is stored too, with
    author ``user``, so a page can replay the conversation.
    """

    __tablename__ = "chat_events"
    __table_args__ = (
        Index("ix_chat_events_invocation_seq", "invocation_id", "seq"),
        Index("ix_chat_events_session_seq", "session_id", "seq"),
    )

    # INTEGER PRIMARY KEY on SQLite (its rowid), BIGSERIAL-like on PostgreSQL
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                     autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("studio_sessions.id"))
    invocation_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    ends_turn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class WebhookDelivery(Base):
    """The outbox: one job's end to tell its webhook about, until it answers 2xx or retries run out.

    One row per job (``uq_webhook_deliveries_job``), so a receiver hears of a
    job's end once. ``status``: ``waiting`` (the job is open), ``pending`` (it
    ended: ``event`` is its final status, ``ended_at`` when), ``delivered`` or
    ``given_up``. ``next_attempt_at`` is when a sender may try (again); a sender
    claims a row by moving it forward. The body is not stored: it is the job's
    poll body, made at each attempt with fresh signed links from ``base_url``.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("job_id", name="uq_webhook_deliveries_job"),
        Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    base_url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16))
    event: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """One try at a delivery: the receiver's status code, or the error that kept it from answering."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime]


class NodeSecret(Base):
    """A secret every node of one deployment shares (the link-signing key), made once by the first."""

    __tablename__ = "node_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class LoginFailure(Base):
    """One wrong password, counted per ``scope`` (``account``: the email, ``address``: the client's)
    by every API node's login throttle."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_scope_subject_at", "scope", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime]
