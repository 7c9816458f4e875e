"""Credits as a service: balance, operator top-ups, and freeze/settle/refund in their own transactions."""

from __future__ import annotations

from frameloom.domain.accounts import Balance
from frameloom.domain.errors import NotFound
from frameloom.services.clock import Clock
from frameloom.store import accounts, ledger
from frameloom.store.db import Database


class CreditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def balance(self, account_id: str) -> Balance:
        with self.db.read() as session:
            return ledger.balance(session, account_id)

    def top_up(self, ident: str, amount: int) -> tuple[str, Balance]:
        """Add (or with a negative amount, take) credits to the account with id or email ``ident``."""
        with self.db.write() as session:
            account = accounts.by_id_or_email(session, ident)
            if account is None:
                raise NotFound("account", ident)
            return account.id, ledger.grant(session, account.id, amount, self.clock(), kind="admin", note="top-up")

    def freeze(self, account_id: str, amount: int, purpose: str) -> str:
        """Freeze ``amount`` for one action; the hold id. ``InsufficientCredits`` when short."""
        with self.db.write() as session:
            return ledger.freeze(session, account_id, amount, purpose, self.clock())

    def settle(self, hold_id: str) -> bool:
        with self.db.write() as session:
            return ledger.settle(session, hold_id, self.clock())

    def refund(self, hold_id: str) -> bool:
        with self.db.write() as session:
            return ledger.refund(session, hold_id, self.clock())
