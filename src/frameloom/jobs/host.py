"""Where jobs run: huey consumer threads plus one keeper thread (heartbeats and recovery).

``frameloom serve`` starts a host inside the API process (with the app's
lifespan) that takes every kind; ``frameloom worker`` runs one alone, taking
the kinds of ``FRAMELOOM_WORKER_KINDS``: it reads only their queues, and its
runner claims only their jobs. Several hosts may share one queue and one
database; any of them recovers any job, re-sending it on its kind's queue.

Recovery (at start and every ``job_heartbeat_s`` x 5) makes sure no job stays
open forever:

- a ``running`` job whose process is gone (no heartbeat for ``job_stale_s``,
  or its pid no longer exists on this host) goes back to the queue, or fails
  with its credits refunded once it has had ``job_attempts`` attempts;
- a ``running`` job past its time limit (plus ``job_stale_s``) fails;
- a ``queued`` job whose message may be lost (sent ``job_requeue_s`` ago) is
  sent again (a job is claimed once, so a doubled message is harmless); one
  queued longer than ``job_max_queued_s`` fails;
- the scratch folders (``job-<id>-<attempt>`` in the staging folder) of jobs that
  are no longer open are removed: those of a process killed mid-job, and those of
  a job recovery gives up on.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from huey.consumer import Consumer

from frameloom.domain.jobs import JobKind, JobStatus
from frameloom.jobs.queue import ALL_KINDS, JobQueue
from frameloom.jobs.runner import Clock, JobRunner
from frameloom.settings import Settings
from frameloom.store import jobs as repo
from frameloom.store.db import Database
from frameloom.store.models import Job

log = logging.getLogger("frameloom.jobs")
RECOVER_EVERY_BEATS = 5


@dataclass(frozen=True)
class Recovered:
    """What one recovery pass did, by job id."""

    requeued: list[str]
    failed: list[str]
    resent: list[str]


def _process_gone(worker: str | None) -> bool:
    """True when ``worker`` (``host:pid:nonce``) names a process of this host that no longer exists."""
    if not worker:
        return True
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by someone else
        return False
    return False


class JobHost:
    def __init__(self, settings: Settings, db: Database, queue: JobQueue, runner: JobRunner, clock: Clock) -> None:
        self.settings, self.db, self.queue, self.runner, self.clock = settings, db, queue, runner, clock
        self._consumer: Consumer | None = None
        self._keeper: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, workers: int, kinds: frozenset[JobKind] = ALL_KINDS) -> None:
        """Recover what dead processes left, then start ``workers`` consumer threads taking ``kinds``
        and the keeper."""
        self.runner.kinds = None if kinds >= ALL_KINDS else kinds
        self.recover()
        self._consumer = self.queue.consumer(workers, kinds)
        self._consumer.start()
        self._keeper = threading.Thread(target=self._keep, name="frameloom-jobs-keeper", daemon=True)
        self._keeper.start()
        log.info("job host %s started with %d worker(s) for %s", self.runner.name, workers,
                 ", ".join(sorted(kinds)))

    def stop(self) -> None:
        """Stop taking jobs; running ones stop at their next check and go back to the queue."""
        self.runner.stopping.set()
        self._stop.set()
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
        if self._keeper is not None:
            self._keeper.join(timeout=10)
        log.info("job host %s stopped", self.runner.name)

    def _keep(self) -> None:
        beats = 0
        while not self._stop.wait(self.settings.job_heartbeat_s):
            beats += 1
            try:
                with self.db.write() as session:
                    repo.heartbeat(session, self.runner.running(), self.runner.name, self.clock())
                if beats % RECOVER_EVERY_BEATS == 0:
                    self.recover()
            except Exception:
                log.exception("job keeper: heartbeat or recovery failed; trying again")

    def recover(self) -> Recovered:
        """One recovery pass (see the module docstring)."""
        now = self.clock()
        scratch = self._scratch_folders()  # listed before the jobs are read: a newer folder is never taken
        with self.db.read() as session:
            jobs = repo.open_jobs(session)
        self._sweep_scratch(scratch, {job.id for job in jobs})
        done = Recovered([], [], [])
        for job in jobs:
            if job.status == JobStatus.RUNNING.value:
                self._recover_running(job, now, done)
            else:
                self._recover_queued(job, now, done)
        if done.requeued or done.failed or done.resent:
            log.warning("job recovery: requeued %s, failed %s, resent %s", done.requeued, done.failed, done.resent)
        return done

    def _recover_running(self, job: Job, now: datetime, done: Recovered) -> None:
        s = self.settings
        stale = timedelta(seconds=s.job_stale_s)
        started = job.started_at or job.created_at
        if started + timedelta(seconds=job.time_limit_s) + stale < now:
            self._end(job, f"time limit of {job.time_limit_s} s exceeded", done)
            return
        beat = job.heartbeat_at or started
        if job.worker == self.runner.name or (beat + stale >= now and not _process_gone(job.worker)):
            return
        if job.attempts >= s.job_attempts:
            self._end(job, f"the worker stopped {job.attempts} times; giving up", done)
            return
        with self.db.write() as session:
            back = repo.requeue(session, job.id, job.worker, now)
        if back:
            self.queue.enqueue(job.id, JobKind(job.kind))
            done.requeued.append(job.id)

    def _recover_queued(self, job: Job, now: datetime, done: Recovered) -> None:
        s = self.settings
        if job.created_at + timedelta(seconds=s.job_max_queued_s) < now:
            self._end(job, f"waited more than {s.job_max_queued_s:g} s in the queue", done,
                      only=(JobStatus.QUEUED.value,))
        elif job.enqueued_at + timedelta(seconds=s.job_requeue_s) < now:
            with self.db.write() as session:
                again = repo.touch_queued(session, job.id, now)
            if again:
                self.queue.enqueue(job.id, JobKind(job.kind))
                done.resent.append(job.id)

    def _end(self, job: Job, error: str, done: Recovered, only: tuple[str, ...] = repo.OPEN) -> None:
        with self.db.write() as session:
            ended = repo.end_open(session, job.id, JobStatus.FAILED, error, self.clock(), only=only)
        if ended:
            done.failed.append(job.id)
            self._sweep_scratch(self._scratch_folders(job.id), set())

    def _scratch_folders(self, job_id: str = "*") -> dict[str, list[str]]:
        """Scratch folder names by job id (``job-<id>-<attempt>``, the runner's naming)."""
        root = self.settings.staging_dir
        found: dict[str, list[str]] = {}
        if root.is_dir():
            for folder in root.glob(f"job-{job_id}-*"):
                owner = folder.name.removeprefix("job-").rpartition("-")[0]
                found.setdefault(owner, []).append(folder.name)
        return found

    def _sweep_scratch(self, folders: dict[str, list[str]], open_ids: set[str]) -> None:
        for job_id, names in folders.items():
            if job_id not in open_ids:
                for name in names:
                    shutil.rmtree(self.settings.staging_dir / name, ignore_errors=True)
