"""Accounts as the operator sees them (``frameloom admin accounts``): list, show, suspend, change plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from frameloom.domain.errors import InvalidRequest, NotFound
from frameloom.domain.usage import UsageBy, UsageLine, total_of
from frameloom.services.clock import Clock
from frameloom.services.plans import PlanService
from frameloom.store import accounts as accounts_repo
from frameloom.store import usage as repo
from frameloom.store.db import Database
from frameloom.store.models import Account


@dataclass(frozen=True)
class AccountView:
    """An account for the operator: its plan, credits, whether (since when) it is suspended."""

    account_id: str
    email: str | None
    plan: str
    available: int
    frozen: int
    created_at: datetime
    suspended_at: datetime | None


@dataclass(frozen=True)
class AccountDetail:
    """One account with its usage: per kind and in total, all time."""

    account: AccountView
    usage: tuple[UsageLine, ...]
    total: UsageLine


def _view(row: Account) -> AccountView:
    return AccountView(account_id=row.id, email=row.email, plan=row.plan, available=row.available,
                       frozen=row.frozen, created_at=row.created_at, suspended_at=row.suspended_at)


class AccountAdmin:
    def __init__(self, db: Database, plans: PlanService, clock: Clock) -> None:
        self.db, self.plans, self.clock = db, plans, clock

    def list(self, plan: str | None = None, limit: int = 100) -> list[AccountView]:
        """Live accounts, newest first, at most ``limit`` (of ``plan`` when given)."""
        with self.db.read() as session:
            return [_view(row) for row in repo.list_accounts(session, plan, limit)]

    def show(self, ident: str) -> AccountDetail:
        """The account with id or email ``ident`` and its usage; ``NotFound`` otherwise."""
        with self.db.read() as session:
            row = self._find(session, ident)
            lines = repo.usage_lines(session, UsageBy.KIND, account_id=row.id)
            return AccountDetail(account=_view(row), usage=lines, total=total_of(lines))

    def suspend(self, ident: str, suspended: bool = True) -> AccountView:
        """Suspend (or restore) the account: while suspended, its tokens answer 1001 on every
        route and no new chat turn of it runs. Its work already queued runs to its end."""
        with self.db.write() as session:
            row = self._find(session, ident)
            at = (row.suspended_at or self.clock()) if suspended else None
            repo.set_suspended(session, row.id, at)
            session.refresh(row)
            return _view(row)

    def set_plan(self, ident: str, plan: str) -> AccountView:
        """Move the account to ``plan`` (one of the plans in force); credits are not changed."""
        if plan not in self.plans.plans:
            raise InvalidRequest.of("plan", f"unknown plan {plan!r}; plans: {', '.join(self.plans.names())}")
        with self.db.write() as session:
            row = self._find(session, ident)
            repo.set_plan(session, row.id, plan)
            session.refresh(row)
            return _view(row)

    @staticmethod
    def _find(session: Session, ident: str) -> Account:
        row = accounts_repo.by_id_or_email(session, ident.strip().lower() if "@" in ident else ident.strip())
        if row is None:
            raise NotFound("account", ident[:64])
        return row
