"""The queue is huey: SQLite storage in the data folder by default, Redis when ``FRAMELOOM_REDIS_URL`` is set.

Each worker class (``gpu``, ``cpu``: :data:`frameloom.domain.jobs.KIND_CLASSES`)
has its own huey queue, ``<queue_name>-<class>``, in the same SQLite file or on
the same Redis; a job is sent to the queue of its kind's class, and a consumer
reads only the queues of the kinds it takes. A consumer worker thread that takes
several classes reads them in turn (on Redis, one ``BRPOP`` over all of them).

A queue message carries only a job id; the job's record (status, payload,
progress, result) lives in the database, so a lost or doubled message costs
nothing: recovery sends another, and a job is claimed once (see
:mod:`frameloom.store.jobs`). Retries, time limits and progress live in the
runner around the task, not in the storage.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Collection, Iterable
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Task
from huey.consumer import Consumer, Worker

from frameloom.domain.jobs import KIND_CLASSES, JobKind, WorkerClass
from frameloom.settings import Settings

TASK_NAME = "run_job"
POLL_FIRST_S = 0.05  # the first wait after an empty poll; it grows by BACKOFF up to POLL_MAX_S
POLL_MAX_S = 0.5
BACKOFF = 1.2
ALL_KINDS: frozenset[JobKind] = frozenset(KIND_CLASSES)


def queue_name(settings: Settings, worker_class: WorkerClass) -> str:
    """``<queue_name>-<class>``: the huey queue of one worker class (a Redis key ``huey.redis.<name>``)."""
    return f"{settings.queue_name}-{worker_class.value}"


def make_huey(settings: Settings, worker_class: WorkerClass) -> Huey:
    """RedisHuey on ``settings.redis_url``, else SqliteHuey in ``settings.queue_path``: the queue of
    ``worker_class``. Results are not kept."""
    name = queue_name(settings, worker_class)
    if settings.redis_url:
        return RedisHuey(name, url=settings.redis_url, results=False, blocking=True, read_timeout=1,
                         clean_name=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(settings.queue_path), results=False, timeout=30)


def classes_of(kinds: Iterable[JobKind]) -> list[WorkerClass]:
    """The worker classes whose queues hold ``kinds``, in a fixed order."""
    wanted = {KIND_CLASSES[kind] for kind in kinds}
    return [cls for cls in WorkerClass if cls in wanted]


class JobQueue:
    """Sends job ids to the queue of their kind; a consumer calls ``run(job_id)`` for each one it takes.

    ``make(worker_class)`` builds the huey of one class. ``wake`` is set on every local
    enqueue so that workers of this process poll at once instead of after their back-off
    (the embedded mode's latency).
    """

    def __init__(self, make: Callable[[WorkerClass], Huey], run: Callable[[str], None]) -> None:
        self._make, self._run = make, run
        self._hueys: dict[WorkerClass, tuple[Huey, Any]] = {}
        self._lock = threading.Lock()
        self.wake = threading.Event()

    def huey(self, worker_class: WorkerClass) -> Huey:
        """The huey of ``worker_class``, made on first use (so an API whose data folder is broken still starts)."""
        return self._made(worker_class)[0]

    def _made(self, worker_class: WorkerClass) -> tuple[Huey, Any]:
        with self._lock:
            made = self._hueys.get(worker_class)
            if made is None:
                huey = self._make(worker_class)
                run = self._run

                def run_job(job_id: str) -> None:
                    run(job_id)

                # Defined here, so that every process names the task the same: frameloom.jobs.queue.run_job.
                made = self._hueys[worker_class] = (huey, huey.task(name=TASK_NAME)(run_job))
            return made

    def enqueue(self, job_id: str, kind: JobKind) -> None:
        """Send ``job_id`` to the queue of ``kind``'s worker class."""
        self._made(KIND_CLASSES[kind])[1](job_id)
        self.wake.set()

    def depths(self) -> dict[str, int]:
        """Messages waiting, by queue name (every class)."""
        return {self.huey(cls).name: int(self.huey(cls).pending_count()) for cls in WorkerClass}

    def pending(self) -> int:
        """Messages waiting in every queue."""
        return sum(self.depths().values())

    def check(self) -> str:
        """``"ok"`` when the queue storage answers (for ``/readyz``)."""
        try:
            self.depths()
        except Exception as exc:
            return f"queue unreachable ({type(exc).__name__})"
        return "ok"

    def consumer(self, workers: int, kinds: Collection[JobKind] = ALL_KINDS) -> Consumer:
        """A huey consumer with ``workers`` threads, each reading the queues of ``kinds``; it installs
        no signal handlers (its host does)."""
        hueys = [self.huey(cls) for cls in classes_of(kinds)]
        if not hueys:
            raise ValueError("a consumer needs at least one job kind")
        return _Consumer(hueys, self.wake, workers=workers, periodic=False, initial_delay=POLL_FIRST_S,
                         backoff=BACKOFF, max_delay=POLL_MAX_S, worker_type="thread", shutdown_timeout=30,
                         check_worker_health=True, health_check_interval=5)


class _Source:
    """Where one worker thread takes its next task: the queues of its classes, each first in turn,
    so a flood on one never starves another."""

    def __init__(self, hueys: list[Huey]) -> None:
        self.hueys = hueys
        self._turn = itertools.cycle(range(len(hueys)))
        # Redis: one blocking pop over every key wakes on whichever is sent first.
        self.blocking = all(getattr(h.storage, "blocking", False) for h in hueys)
        self._by_key = {getattr(h.storage, "queue_key", h.name): h for h in hueys}

    def take(self) -> tuple[Huey, Task] | None:
        first = next(self._turn)
        order = self.hueys[first:] + self.hueys[:first]
        if self.blocking:
            storage = order[0].storage
            try:
                found = storage.conn.brpop([h.storage.queue_key for h in order], timeout=storage.read_timeout)
            except (TimeoutError, TypeError, IndexError):
                return None
            if not found:
                return None
            huey = self._by_key[found[0].decode() if isinstance(found[0], bytes) else found[0]]
            return huey, huey.deserialize_task(found[1])
        for huey in order:
            task = huey.dequeue()
            if task is not None:
                return huey, task
        return None


class _Worker(Worker):  # type: ignore[misc]
    """A huey worker that reads several queues and also wakes up when this process enqueues a job."""

    delay: float
    max_delay: float
    default_delay: float
    backoff: float

    def __init__(self, source: _Source, wake: threading.Event, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source, self.wake = source, wake

    def loop(self, now: Any = None) -> None:
        try:
            found = self.source.take()
        except Exception:
            self._logger.exception("Error reading from queue")
            self.sleep()
            return
        if found is None:
            if not self.source.blocking:
                self.sleep()
            return
        huey, task = found
        self.delay = self.default_delay
        try:
            huey.execute(task, now)
        except Exception:
            self._logger.exception("Unhandled error during execution of task %s.", task.id)

    def sleep(self) -> None:
        self.delay = min(self.delay, self.max_delay)
        if self.wake.wait(self.delay):
            self.wake.clear()
            self.delay = self.default_delay
        else:
            self.delay *= self.backoff


class _Consumer(Consumer):  # type: ignore[misc]
    def __init__(self, hueys: list[Huey], wake: threading.Event, **kwargs: Any) -> None:
        self.hueys, self.wake = hueys, wake
        super().__init__(hueys[0], **kwargs)

    def _create_worker(self) -> Worker:
        return _Worker(_Source(self.hueys), self.wake, huey=self.huey, stop_flag=self.stop_flag,
                       default_delay=self.default_delay, max_delay=self.max_delay, backoff=self.backoff,
                       max_tasks=self.max_tasks)

    def _set_signal_handlers(self) -> None:
        """None: ``serve`` keeps uvicorn's handlers, ``worker`` installs its own."""

    def stop(self, graceful: bool = False) -> None:
        super().stop(graceful=graceful)
        self.wake.set()
