"""The queue is huey: SQLite storage in the data folder by default, Redis when ``FRAMELOOM_REDIS_URL`` is set.

A queue message carries only a job id; the job's record (status, payload,
progress, result) lives in the database, so a lost or doubled message costs
nothing: recovery sends another, and a job is claimed once (see
:mod:`frameloom.store.jobs`). Retries, time limits and progress live in the
runner around the task, not in the storage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer, Worker

from frameloom.settings import Settings

TASK_NAME = "run_job"
POLL_FIRST_S = 0.05  # the first wait after an empty poll; it grows by BACKOFF up to POLL_MAX_S
POLL_MAX_S = 0.5
BACKOFF = 1.2


def make_huey(settings: Settings) -> Huey:
    """RedisHuey on ``settings.redis_url``, else SqliteHuey in ``settings.queue_path``. Results are not kept."""
    if settings.redis_url:
        return RedisHuey(settings.queue_name, url=settings.redis_url, results=False, blocking=True,
                         read_timeout=1)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(settings.queue_path), results=False, timeout=30)


class JobQueue:
    """Sends job ids to huey; a consumer calls ``run(job_id)`` for each one it takes.

    ``wake`` is set on every local enqueue so that workers of this process poll
    at once instead of after their back-off (the embedded mode's latency).
    """

    def __init__(self, make: Callable[[], Huey], run: Callable[[str], None]) -> None:
        self._make, self._run = make, run
        self._huey: Huey | None = None
        self._task: Any = None
        self._lock = threading.Lock()
        self.wake = threading.Event()

    @property
    def huey(self) -> Huey:
        """The huey instance, made on first use (so an API whose data folder is broken still starts)."""
        with self._lock:
            if self._huey is None:
                huey = self._make()
                run = self._run

                def run_job(job_id: str) -> None:
                    run(job_id)

                # Defined here, so that every process names the task the same: frameloom.jobs.queue.run_job.
                self._task = huey.task(name=TASK_NAME)(run_job)
                self._huey = huey
            return self._huey

    def enqueue(self, job_id: str) -> None:
        self.huey  # noqa: B018 - made on first use
        self._task(job_id)
        self.wake.set()

    def pending(self) -> int:
        count: int = self.huey.pending_count()
        return count

    def check(self) -> str:
        """``"ok"`` when the queue storage answers (for ``/readyz``)."""
        try:
            self.huey.pending_count()
        except Exception as exc:
            return f"queue unreachable ({type(exc).__name__})"
        return "ok"

    def consumer(self, workers: int) -> Consumer:
        """A huey consumer with ``workers`` threads that installs no signal handlers (its host does)."""
        return _Consumer(self.huey, self.wake, workers=workers, periodic=False, initial_delay=POLL_FIRST_S,
                         backoff=BACKOFF, max_delay=POLL_MAX_S, worker_type="thread", shutdown_timeout=30,
                         check_worker_health=True, health_check_interval=5)


class _Worker(Worker):  # type: ignore[misc]
    """A huey worker that also wakes up when this process enqueues a job."""

    delay: float
    max_delay: float
    default_delay: float
    backoff: float

    def __init__(self, wake: threading.Event, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wake = wake

    def sleep(self) -> None:
        self.delay = min(self.delay, self.max_delay)
        if self.wake.wait(self.delay):
            self.wake.clear()
            self.delay = self.default_delay
        else:
            self.delay *= self.backoff


class _Consumer(Consumer):  # type: ignore[misc]
    def __init__(self, huey: Huey, wake: threading.Event, **kwargs: Any) -> None:
        self.wake = wake
        super().__init__(huey, **kwargs)

    def _create_worker(self) -> Worker:
        return _Worker(self.wake, huey=self.huey, stop_flag=self.stop_flag, default_delay=self.default_delay,
                       max_delay=self.max_delay, backoff=self.backoff, max_tasks=self.max_tasks)

    def _set_signal_handlers(self) -> None:
        """None: ``serve`` keeps uvicorn's handlers, ``worker`` installs its own."""

    def stop(self, graceful: bool = False) -> None:
        super().stop(graceful=graceful)
        self.wake.set()
