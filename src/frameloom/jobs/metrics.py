"""Job metrics, in a registry of their own that ``GET /metrics`` and ``frameloom worker --metrics-port`` show.

- ``frameloom_jobs_by_status{kind, status}``: jobs in the database by kind and status, counted at
  scrape time (one ``GROUP BY`` on the ``(kind, status)`` index), the same figure on
  every node;
- ``frameloom_queue_depth{queue}``: messages waiting in each huey queue, at scrape time;
- ``frameloom_job_duration_seconds{kind, outcome}``: how long each job ran, observed
  when it ends in this process (``outcome``: completed, failed, cancelled, requeued, parked, gone);
- ``frameloom_export_chunks_total{outcome}``: chunks of parallel exports by outcome,
  counted by whoever renders them (:meth:`JobMetrics.chunk`).

A scrape that cannot reach the database or the queue still answers: the
series it could not read are left out, and ``frameloom_jobs_scrape_errors_total``
counts the misses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from frameloom.domain.jobs import JobKind
from frameloom.store.db import Database
from frameloom.store.models import Job

log = logging.getLogger("frameloom.jobs")
# Seconds: a small image takes a fraction of one, a long export many minutes.
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
CHUNK_OUTCOMES = ("completed", "failed", "retried", "cancelled")


def count_jobs(db: Database) -> dict[tuple[str, str], int]:
    """Jobs by ``(kind, status)``, every one the database holds."""
    with db.read() as session:
        rows = session.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)).all()
    return {(kind, status): int(count) for kind, status, count in rows}


class _ScrapeCollector(Collector):
    """The gauges read at scrape time: jobs by kind and status, queue depths."""

    def __init__(self, db: Database, depths: Callable[[], dict[str, int]], errors: Counter) -> None:
        self.db, self.depths, self.errors = db, depths, errors

    def describe(self) -> Iterator[Metric]:
        return iter(())  # nothing to read before a scrape

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("frameloom_jobs_by_status", "Jobs in the database by kind and status",
                                 labels=["kind", "status"])
        try:
            for (kind, status), count in sorted(count_jobs(self.db).items()):
                jobs.add_metric([kind, status], count)
        except Exception as exc:
            self._missed("jobs", exc)
        yield jobs
        depth = GaugeMetricFamily("frameloom_queue_depth", "Messages waiting in each job queue", labels=["queue"])
        try:
            for name, count in sorted(self.depths().items()):
                depth.add_metric([name], count)
        except Exception as exc:
            self._missed("queue", exc)
        yield depth

    def _missed(self, what: str, exc: Exception) -> None:
        log.warning("metrics: could not read %s (%s)", what, type(exc).__name__)
        self.errors.labels(what).inc()


class JobMetrics:
    """The job series of this process (see the module docstring), in :attr:`registry`."""

    def __init__(self, db: Database, depths: Callable[[], dict[str, int]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.durations = Histogram(
            "frameloom_job_duration_seconds", "How long jobs ran in this process, by kind and outcome",
            ["kind", "outcome"], buckets=DURATION_BUCKETS, registry=self.registry,
        )
        self.chunks = Counter(
            "frameloom_export_chunks", "Chunks of parallel exports rendered in this process, by outcome",
            ["outcome"], registry=self.registry,
        )
        errors = Counter("frameloom_jobs_scrape_errors", "Scrapes that could not read the jobs or the queue",
                         ["source"], registry=None)
        for outcome in CHUNK_OUTCOMES:  # present at 0 from the start, so rates work from the first scrape
            self.chunks.labels(outcome)
        for source in ("jobs", "queue"):
            errors.labels(source)
        # Registered after the collector that counts into it, so a scrape shows its own misses.
        self.registry.register(_ScrapeCollector(db, depths, errors))
        self.registry.register(errors)

    def ended(self, kind: JobKind, outcome: str, seconds: float) -> None:
        """A job ran ``seconds`` in this process and ended with ``outcome`` (the runner's ``ended`` hook)."""
        self.durations.labels(kind.value, outcome).observe(seconds)

    def chunk(self, outcome: str) -> None:
        """One chunk of a parallel export ended: ``outcome`` is one of :data:`CHUNK_OUTCOMES`."""
        if outcome not in CHUNK_OUTCOMES:
            raise ValueError(f"chunk outcome {outcome!r}: use {', '.join(CHUNK_OUTCOMES)}")
        self.chunks.labels(outcome).inc()
