"""Background jobs (exports, image and video generation) on huey, with their records in the database.

- :mod:`~frameloom.jobs.queue`: huey (SQLite in the data folder, or Redis) and its consumer;
- :mod:`~frameloom.jobs.runner`: claim, run with progress and cancel hooks, finish with credits;
- :mod:`~frameloom.jobs.host`: consumer threads, heartbeats, recovery after a crash;
- :mod:`~frameloom.jobs.exports`, :mod:`~frameloom.jobs.generation`, :mod:`~frameloom.jobs.chat`: the work of
  each kind (a chat turn's events stored and relayed by its ``EventLog``);
- :mod:`~frameloom.jobs.chunked`: parallel exports (chunk jobs, the parent parked until its join);
- :mod:`~frameloom.jobs.verify`: the finished file's facts, checked before completion;
- :mod:`~frameloom.jobs.metrics`: jobs by kind and status, queue depths, durations, chunk counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.domain.jobs import JobKind
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs.chat import ChatHub, EventLog, TurnCall, chat_work
from frameloom.jobs.chunked import ChunkFlow
from frameloom.jobs.exports import export_work
from frameloom.jobs.generation import image_work, video_work
from frameloom.jobs.host import JobHost
from frameloom.jobs.metrics import JobMetrics
from frameloom.jobs.queue import JobQueue, make_huey
from frameloom.jobs.runner import Clock, JobRunner
from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.storage import Storage

__all__ = ["JobHost", "JobQueue", "JobRunner", "Jobs", "build_jobs"]


@dataclass(frozen=True)
class Jobs:
    queue: JobQueue
    runner: JobRunner
    host: JobHost
    events: EventLog
    metrics: JobMetrics


def build_jobs(settings: Settings, db: Database, storage: Storage, registry: EngineRegistry, clock: Clock,
               run_turn: TurnCall | None = None) -> Jobs:
    """The queue, a runner for every job kind, and a host to run them (not started).

    ``run_turn`` runs chat turns (the agent, adapted by the composition root); None: every
    turn ends at once with an error event saying no agent runs here.
    """
    holder: list[JobQueue] = []
    events = EventLog(db, ChatHub(), clock)
    chunks = ChunkFlow(db, storage, clock, lambda job_id, kind: holder[0].enqueue(job_id, kind),
                       settings.export_chunk_s)
    work = {
        JobKind.EXPORT: export_work(storage, clock, chunks),
        JobKind.EXPORT_CHUNK: chunks.run_chunk,
        JobKind.IMAGE: image_work(registry, storage, clock),
        JobKind.VIDEO: video_work(registry, storage, clock),
        JobKind.CHAT: chat_work(run_turn, events, clock),
    }
    runner = JobRunner(db, storage, settings.staging_dir, clock, work,
                       requeue=lambda job_id, kind: holder[0].enqueue(job_id, kind))
    queue = JobQueue(lambda worker_class: make_huey(settings, worker_class), runner.run)
    holder.append(queue)
    metrics = JobMetrics(db, queue.depths)
    runner.ended = metrics.ended
    chunks.counted = metrics.chunk
    return Jobs(queue, runner, JobHost(settings, db, queue, runner, clock), events, metrics)
