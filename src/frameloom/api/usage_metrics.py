"""``/metrics`` from the usage rows: credits spent by kind and source, and jobs by kind, source
and outcome.

Read from the database at each scrape rather than counted in memory: jobs settle in whichever
process runs them (a ``frameloom worker`` elsewhere), and every API node should show the same
totals. They only grow (usage rows are never deleted), so they are counters.
Reading them scans the usage table (about 0.2 to 2 s per million rows, see
``bench/usage.py``), so one read serves every scrape for :data:`TTL_S`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from frameloom.api.observability import MAX_SOURCES
from frameloom.domain.errors import StoreUnavailable
from frameloom.services.usage import UsageService

log = logging.getLogger("frameloom.metrics")
NO_SOURCE = "unknown"  # the caller sent no X-Skill-Source
OTHER = "other"
TTL_S = 30.0  # a scrape within this long of the last read answers the same totals


def _families() -> tuple[CounterMetricFamily, CounterMetricFamily]:
    spent = CounterMetricFamily("frameloom_credits_spent", "Credits spent (settled) by job kind and X-Skill-Source",
                                labels=["kind", "source"])
    jobs = CounterMetricFamily("frameloom_jobs", "Jobs (paid actions and chat turns) by kind, X-Skill-Source and "
                               "outcome (open, settled, refunded, failed)", labels=["kind", "source", "outcome"])
    return spent, jobs


class UsageCollector(Collector):
    """The two families above; sources past the :data:`MAX_SOURCES` that spent most are ``other``."""

    def __init__(self, usage: UsageService, ttl_s: float = TTL_S) -> None:
        self.usage, self.ttl_s = usage, ttl_s
        self._read: tuple[float, list[tuple[str, str | None, int]], list[tuple[str, str | None, str, int]]] | None = None
        self._lock = threading.Lock()  # two scrapes at once read the database once

    def describe(self) -> Iterator[Metric]:
        yield from _families()  # names only: registering must not query the database

    def collect(self) -> Iterator[Metric]:
        spent_family, jobs_family = _families()
        try:
            spent, actions = self._totals()
        except StoreUnavailable:  # the request metrics are still worth a scrape while the database is away
            log.warning("usage metrics left out: the database is unavailable")
            return
        names = self._names([(source, n) for _, source, n in spent] + [(source, 0) for _, source, _, _ in actions])
        credits: dict[tuple[str, str], int] = defaultdict(int)
        for kind, source, n in spent:
            credits[kind, names[source]] += n
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for kind, source, outcome, n in actions:
            counts[kind, names[source], outcome] += n
        for labels, value in sorted(credits.items()):
            spent_family.add_metric(list(labels), value)
        for job_labels, value in sorted(counts.items()):
            jobs_family.add_metric(list(job_labels), value)
        yield spent_family
        yield jobs_family

    def _totals(self) -> tuple[list[tuple[str, str | None, int]], list[tuple[str, str | None, str, int]]]:
        with self._lock:
            now = time.monotonic()
            if self._read is None or now - self._read[0] >= self.ttl_s:
                self._read = (now, self.usage.spent(), self.usage.actions())
            return self._read[1], self._read[2]

    @staticmethod
    def _names(sources: list[tuple[str | None, int]]) -> dict[str | None, str]:
        """Each source's label: itself for the ones that spent most (ties by name), else ``other``."""
        totals: dict[str | None, int] = defaultdict(int)
        for source, n in sources:
            totals[source] += n
        ranked = sorted(totals, key=lambda s: (-totals[s], s or ""))
        return {source: (source or NO_SOURCE) if i < MAX_SOURCES else OTHER for i, source in enumerate(ranked)}
