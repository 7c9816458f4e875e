"""When to try a remote call again: exponential backoff, bounded, honouring ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` calls; waits ``base_delay_s * 2**(k-1)`` after failure
    ``k`` (capped at ``max_delay_s``, plus up to ``jitter`` of it at random), or what
    the server's ``Retry-After`` asks. No retry is made whose wait would take the
    total waited past ``max_total_wait_s``. All in seconds."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    max_total_wait_s: float = 60.0
    jitter: float = 0.1

    def delay(self, failures: int, retry_after: float | None) -> float:
        """The wait before the next attempt, after ``failures`` failed ones (1, 2, ...)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        backoff = min(self.max_delay_s, self.base_delay_s * 2.0 ** (failures - 1))
        return backoff * (1 + self.jitter * random.random())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
