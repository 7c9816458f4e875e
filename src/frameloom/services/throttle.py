"""The login throttle: wrong passwords per account (email) and per client address over a sliding window.

Counted in the database (``login_failures``), so that with several API nodes
behind a proxy a guesser meets the same limit whichever node answers.
"""

from __future__ import annotations

import math
from datetime import timedelta

from frameloom.domain.errors import RateLimited
from frameloom.services.clock import Clock
from frameloom.store import login_failures as repo
from frameloom.store.db import Database

PRUNE_EVERY = 1000  # failures recorded between two sweeps of those past every window


class LoginThrottle:
    """Once either count reaches its limit, every login for that account or from that address
    is ``RateLimited`` (even with the right password, so the answer tells a guesser nothing)
    until the oldest failure leaves the window; a right password clears its account's count."""

    def __init__(self, db: Database, per_account: int, per_address: int, window_s: int, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.limits = {"account": per_account, "address": per_address}
        self.window = timedelta(seconds=window_s)
        self._recorded = 0

    def check(self, email: str, address: str) -> None:
        """``RateLimited`` with the seconds to wait when the account or the address is at its limit."""
        now = self.clock()
        with self.db.read() as session:
            for scope, subject in (("account", email), ("address", address)):
                count, oldest = repo.recent(session, scope, subject, now - self.window)
                if oldest is not None and count >= self.limits[scope]:
                    wait = (oldest + self.window - now).total_seconds()
                    raise RateLimited(f"too many wrong passwords for this {scope}; try again later",
                                      max(1, math.ceil(wait)))

    def failed(self, email: str, address: str) -> None:
        now = self.clock()
        self._recorded += 1
        with self.db.write() as session:
            if self._recorded % PRUNE_EVERY == 0:
                repo.prune(session, now - self.window)
            repo.add(session, "account", email, now)
            repo.add(session, "address", address, now)

    def succeeded(self, email: str) -> None:
        with self.db.write() as session:
            repo.clear(session, "account", email)
