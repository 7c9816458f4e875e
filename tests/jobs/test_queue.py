"""The queue seam's contract: the embedded storage (SQLite) and the scale-out one (Redis) behave the same
(``stack_settings``: both stacks of SPEC section 1)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from frameloom.domain.jobs import JobKind, WorkerClass
from frameloom.jobs.queue import JobQueue, make_huey
from frameloom.settings import Settings


@pytest.fixture
def queue_settings(stack_settings: Settings) -> Settings:
    """The embedded stack (huey on SQLite) and the scaled one (huey on Redis)."""
    return stack_settings


class Recorder:
    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.when: dict[str, float] = {}

    def __call__(self, job_id: str) -> None:
        with self.lock:
            self.runs[job_id] += 1
            self.when[job_id] = time.monotonic()


def wait(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_every_message_is_delivered_once_to_one_of_several_consumers(queue_settings: Settings) -> None:
    first, second = Recorder(), Recorder()
    sender = JobQueue(lambda cls: make_huey(queue_settings, cls), first)
    other = JobQueue(lambda cls: make_huey(queue_settings, cls), second)  # as if in another process
    consumers = [sender.consumer(2), other.consumer(2)]
    for consumer in consumers:
        consumer.start()
    try:
        ids = [f"job_{i}" for i in range(40)]
        for job_id in ids:
            sender.enqueue(job_id, JobKind.EXPORT)
        wait(lambda: sum(first.runs.values()) + sum(second.runs.values()) == len(ids))
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
    together = first.runs + second.runs
    assert sorted(together) == sorted(ids)
    assert set(together.values()) == {1}
    assert sender.pending() == 0


def test_messages_wait_in_the_queue_until_a_consumer_starts(queue_settings: Settings) -> None:
    runs = Recorder()
    queue = JobQueue(lambda cls: make_huey(queue_settings, cls), runs)
    queue.enqueue("job_a", JobKind.EXPORT)
    queue.enqueue("job_b", JobKind.EXPORT)
    assert queue.pending() == 2
    assert queue.check() == "ok"
    consumer = queue.consumer(1)
    consumer.start()
    try:
        wait(lambda: len(runs.runs) == 2)
    finally:
        consumer.stop(graceful=True)
    assert runs.runs == Counter({"job_a": 1, "job_b": 1})


def test_a_local_enqueue_is_picked_up_at_once(queue_settings: Settings) -> None:
    runs = Recorder()
    queue = JobQueue(lambda cls: make_huey(queue_settings, cls), runs)
    consumer = queue.consumer(1)
    consumer.start()
    try:
        time.sleep(1.0)  # let the worker back off to its longest wait
        sent = time.monotonic()
        queue.enqueue("job_now", JobKind.EXPORT)
        wait(lambda: "job_now" in runs.when)
    finally:
        consumer.stop(graceful=True)
    assert runs.when["job_now"] - sent < 0.1


def test_the_embedded_queue_lives_in_the_data_folder(settings: Settings) -> None:
    queue = JobQueue(lambda cls: make_huey(settings, cls), Recorder())
    queue.enqueue("job_x", JobKind.EXPORT)
    assert Path(settings.data_dir / "queue.db").is_file()
    assert JobQueue(lambda cls: make_huey(settings, cls), Recorder()).pending() == 1  # another process sees it


def test_an_unreachable_redis_is_reported(settings: Settings) -> None:
    queue = JobQueue(lambda cls: make_huey(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}), cls),
                     Recorder())
    assert queue.check().startswith("queue unreachable")


def test_every_process_names_the_task_the_same(settings: Settings) -> None:
    queue = JobQueue(lambda cls: make_huey(settings, cls), Recorder())
    queue.enqueue("job_y", JobKind.EXPORT)
    message = queue.huey(WorkerClass.CPU).storage.enqueued_items()[0]
    assert b"frameloom.jobs.queue.run_job" in bytes(message)
