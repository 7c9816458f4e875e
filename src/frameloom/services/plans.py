"""Plans and quotas enforced: one place for each limit (docs/operating.md, "Plans and quotas").

- requests per minute: :meth:`PlanService.check_rate`, called by the one dependency every
  authenticated route takes (``api/deps.py: current_account``);
- export, resolution, video length and concurrent jobs: :meth:`PlanService.admit`, called by
  :meth:`frameloom.services.jobs.JobService.submit`, the one path every paid job takes (REST,
  ``/v1``, the chat, the page), inside the transaction that freezes its price.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from frameloom.domain.accounts import Plan, Principal
from frameloom.domain.errors import RateLimited
from frameloom.domain.jobs import ImageJob, JobKind
from frameloom.domain.plans import PlanLimits
from frameloom.domain.video import VideoRequest
from frameloom.services.clock import Clock
from frameloom.settings import Settings
from frameloom.store import usage as usage_repo

log = logging.getLogger("frameloom.plans")
WINDOW_S = 60.0
# How long a caller at its plan's concurrent jobs is told to wait: a short job's time, since
# nothing says when one of its jobs ends; the client's one retry then usually gets through.
CONCURRENT_RETRY_S = 5


@dataclass(frozen=True)
class Demand:
    """What a paid job asks of its plan: its output size (px) and, for videos and exports, its
    length (s)."""

    width: int
    height: int
    seconds: float | None = None


def demand_of(spec: object) -> Demand | None:
    """The demand of an image or video job's spec (exports say theirs; chat turns have none)."""
    if isinstance(spec, ImageJob):
        return Demand(spec.width, spec.height)
    if isinstance(spec, VideoRequest):
        return Demand(spec.width, spec.height, spec.seconds)
    return None


class RateLimiter:
    """At most ``per_minute`` hits per key in any minute, bursts included (GCRA: each key keeps
    the time its allowance is used up to; a hit moves it on by 60 / per_minute s).

    Kept in this process's memory: with several API nodes each counts the requests it answers,
    so an account may reach ``nodes x per_minute`` (docs/operating.md).
    """

    MAX_KEYS = 100_000  # past this many keys, those whose allowance is whole again are dropped

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, per_minute: int) -> float | None:
        """Count one hit; None when it is allowed, else the seconds until one would be."""
        now = self.clock().timestamp()
        interval = WINDOW_S / per_minute
        with self._lock:
            until = max(self._until.get(key, now), now) + interval
            if until - now > WINDOW_S:
                return until - now - WINDOW_S
            self._until[key] = until
            if len(self._until) > self.MAX_KEYS:
                self._until = {k: v for k, v in self._until.items() if v > now}
        return None


class PlanService:
    """The plans in force (built once from ``Settings``) and the checks of their limits."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.plans = settings.plan_table()
        self.rates = RateLimiter(clock)
        self._warned: set[str] = set()

    def names(self) -> list[str]:
        return list(self.plans)

    def limits(self, plan: str) -> PlanLimits:
        """The plan named ``plan``. An account left on a plan the operator has since removed from
        ``FRAMELOOM_PLANS`` gets the registered plan's limits (and a warning in the log, once)."""
        found = self.plans.get(plan)
        if found is not None:
            return found
        if plan not in self._warned:
            self._warned.add(plan)
            log.warning("plan %r is not defined any more; its accounts get the registered plan's limits", plan)
        return self.plans[Plan.REGISTERED.value]

    def check_rate(self, who: Principal) -> None:
        """``RateLimited`` (429, Retry-After) when the account is over its plan's requests per minute."""
        per_minute = self.limits(who.plan).requests_per_minute
        if per_minute is None:
            return
        wait = self.rates.hit(who.account_id, per_minute)
        if wait is not None:
            raise RateLimited(f"over the {who.plan} plan's {per_minute} requests per minute", math.ceil(wait))

    def check_export(self, who: Principal) -> None:
        """``PlanForbids`` (402, reason) when the account's plan does not include export."""
        self.limits(who.plan).check_export()

    def admit(self, session: Session, who: Principal, kind: JobKind, demand: Demand | None) -> None:
        """Check a paid job against the plan in the transaction that will freeze its price.

        ``PlanForbids`` (402) for a size or length over the plan's; ``RateLimited`` (429) when
        the account already has its plan's number of queued or running jobs (chat turns are
        not counted: a turn's own generations run while it is open). The account's row is
        locked first (PostgreSQL), so two requests at once cannot both take the last place.
        """
        limits = self.limits(who.plan)
        if demand is not None:
            limits.check_size(demand.width, demand.height)
            if demand.seconds is not None:
                limits.check_length(demand.seconds)
        if limits.concurrent_jobs is None or kind is JobKind.CHAT:
            return
        usage_repo.lock_account(session, who.account_id)
        running = usage_repo.open_paid_jobs(session, who.account_id)
        if running >= limits.concurrent_jobs:
            raise RateLimited(f"{running} jobs are under way; the {who.plan} plan runs {limits.concurrent_jobs} "
                              "at once. Try again when one ends", CONCURRENT_RETRY_S)
