"""Accounts, tokens and the anonymous-token windows. Functions take the caller's session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frameloom.domain.accounts import Plan, Principal
from frameloom.domain.errors import AuthError
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import (
    Account,
    AnonymousClient,
    AnonymousIp,
    CreditEntry,
    Generation,
    Media,
    StudioSession,
    Token,
    UTCDateTime,
)


def _insert(session: Session, table: Any) -> Any:
    """The dialect's ``INSERT`` (both have ``ON CONFLICT ... DO UPDATE ... WHERE``)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _at(value: datetime) -> Any:
    return literal(value, type_=UTCDateTime())


SUSPENDED = "account suspended; ask the operator of this service"

# Built once: this runs on every authenticated request.
_PRINCIPAL = (
    select(Account.id, Account.plan, Account.bind_id, Account.available, Account.frozen, Account.suspended_at)
    .join(Token, Token.account_id == Account.id)
    .where(
        Token.token_hash == bindparam("token_hash"),
        Token.revoked_at.is_(None),
        Token.expires_at > bindparam("now", type_=UTCDateTime()),
    )
)


def principal_for_token(db: Database, token_hash: str, now: datetime) -> Principal | None:
    """The account a live token belongs to (one query), or ``None`` if unknown, revoked or expired.

    ``AuthError`` when the account is suspended (the operator's ``frameloom admin accounts suspend``).
    """
    row = db.read_one(_PRINCIPAL, {"token_hash": token_hash, "now": now})
    if row is None:
        return None
    if row["suspended_at"] is not None:
        raise AuthError(SUSPENDED)
    return Principal(row["id"], row["plan"], row["bind_id"], row["available"], row["frozen"])


def create_account(
    session: Session,
    plan: Plan,
    credits: int,
    now: datetime,
    *,
    account_id: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
    ip: str | None = None,
) -> Account:
    account = Account(
        id=account_id or new_id("acc"), plan=plan.value, email=email, password_hash=password_hash,
        bind_id=new_id("bind"), available=credits, frozen=0, merged_into=None, created_ip=ip, created_at=now,
    )
    session.add(account)
    session.add(CreditEntry(account_id=account.id, kind="grant", available_delta=credits, frozen_delta=0,
                            hold_id=None, note=f"{plan.value} account", created_at=now))
    session.flush()
    return account


def add_token(session: Session, account_id: str, token_hash: str, kind: str, now: datetime, ttl: timedelta) -> datetime:
    """Store a token's hash; return when it expires."""
    expires_at = now + ttl
    session.add(Token(token_hash=token_hash, account_id=account_id, kind=kind, created_at=now,
                      expires_at=expires_at, revoked_at=None))
    return expires_at


def claim_client_window(
    session: Session, client_id: str, account_id: str, now: datetime, window: timedelta
) -> float | None:
    """Record a token for ``client_id`` unless it had one within ``window``; else the seconds left."""
    stmt = _insert(session, AnonymousClient).values(client_id=client_id, issued_at=now, account_id=account_id)
    stmt = stmt.on_conflict_do_update(
        index_elements=[AnonymousClient.client_id],
        set_={"issued_at": _at(now), "account_id": account_id},
        where=AnonymousClient.issued_at <= _at(now - window),
    ).returning(AnonymousClient.client_id)
    if session.execute(stmt).first() is not None:  # inserted, or the old window was over
        return None
    issued = session.execute(
        select(AnonymousClient.issued_at).where(AnonymousClient.client_id == client_id)
    ).scalar_one()
    return (issued + window - now).total_seconds()


def claim_ip_window(session: Session, ip: str, now: datetime, window: timedelta, limit: int) -> float | None:
    """Count one token for ``ip`` in its fixed window unless ``limit`` is reached; else the seconds left."""
    expired = AnonymousIp.window_start <= _at(now - window)
    stmt = _insert(session, AnonymousIp).values(ip=ip, window_start=now, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[AnonymousIp.ip],
        set_={
            "window_start": case((expired, _at(now)), else_=AnonymousIp.window_start),
            "count": case((expired, 1), else_=AnonymousIp.count + 1),
        },
        where=or_(expired, AnonymousIp.count < limit),
    ).returning(AnonymousIp.ip)
    if session.execute(stmt).first() is not None:
        return None
    start = session.execute(select(AnonymousIp.window_start).where(AnonymousIp.ip == ip)).scalar_one()
    return (start + window - now).total_seconds()


def by_email(session: Session, email: str) -> Account | None:
    return session.execute(select(Account).where(Account.email == email)).scalar_one_or_none()


def by_bind_id(session: Session, bind_id: str) -> Account | None:
    """The live account with ``bind_id``, row-locked (PostgreSQL) for the rest of the transaction."""
    return session.execute(
        select(Account).where(Account.bind_id == bind_id, Account.merged_into.is_(None)).with_for_update()
    ).scalar_one_or_none()


def by_id_or_email(session: Session, ident: str) -> Account | None:
    return session.execute(
        select(Account).where(or_(Account.id == ident, Account.email == ident))
    ).scalar_one_or_none()


def merge(session: Session, source: Account, target: Account, now: datetime) -> int:
    """Move ``source``'s available credits, sessions, media and generations to ``target``.

    ``source`` is marked merged and its tokens revoked. Returns the credits moved.
    The caller makes sure nothing of ``source`` is frozen.
    """
    moved = source.available
    for model in (StudioSession, Media, Generation):
        session.execute(
            update(model).where(model.account_id == source.id).values(account_id=target.id)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        update(Token).where(Token.account_id == source.id, Token.revoked_at.is_(None)).values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Account).where(Account.id == source.id)
        .values(available=Account.available - moved, merged_into=target.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Account).where(Account.id == target.id).values(available=Account.available + moved)
        .execution_options(synchronize_session=False)
    )
    session.add_all([
        CreditEntry(account_id=source.id, kind="merge", available_delta=-moved, frozen_delta=0, hold_id=None,
                    note=f"to {target.id}", created_at=now),
        CreditEntry(account_id=target.id, kind="merge", available_delta=moved, frozen_delta=0, hold_id=None,
                    note=f"from {source.id}", created_at=now),
    ])
    return moved
