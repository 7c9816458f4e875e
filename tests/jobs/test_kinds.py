"""Workers by kind: each worker class has its own queue, a job goes to its kind's, a consumer reads only
its classes' queues, and a runner never claims a job of a kind it does not take. On both stacks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.cli.main import cli
from frameloom.domain.jobs import KIND_CLASSES, JobKind, WorkerClass, parse_worker_kinds
from frameloom.jobs.queue import JobQueue, make_huey
from frameloom.settings import Settings, load_settings


class Recorder:
    def __init__(self, pause_s: float = 0.0) -> None:
        self.order: list[str] = []
        self.lock = threading.Lock()
        self.pause_s = pause_s

    def __call__(self, job_id: str) -> None:
        time.sleep(self.pause_s)
        with self.lock:
            self.order.append(job_id)


def wait(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_setting_names_kinds_or_classes() -> None:
    assert parse_worker_kinds("gpu") == {JobKind.IMAGE, JobKind.VIDEO}
    assert parse_worker_kinds("cpu") == {JobKind.EXPORT, JobKind.CHAT, JobKind.EXPORT_CHUNK}
    assert parse_worker_kinds(" CPU , image ") == {JobKind.EXPORT, JobKind.CHAT, JobKind.EXPORT_CHUNK, JobKind.IMAGE}
    assert parse_worker_kinds("all") == set(JobKind)
    assert set(KIND_CLASSES) == set(JobKind)  # every kind has a queue
    assert load_settings(_env_file=None).job_kinds == set(JobKind)


@pytest.mark.parametrize(("value", "problem"), [("gpu,tpu", "'tpu' is not a job kind or class"),
                                                (" , ", "name at least one job kind or class")])
def test_a_bad_setting_stops_the_worker_before_it_starts(value: str, problem: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_WORKER_KINDS", value)
    result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: FRAMELOOM_WORKER_KINDS: Value error, {problem}")


def test_each_job_goes_to_its_class_queue(stack_settings: Settings) -> None:
    queue = JobQueue(lambda cls: make_huey(stack_settings, cls), Recorder())
    queue.enqueue("job_i", JobKind.IMAGE)
    queue.enqueue("job_v", JobKind.VIDEO)
    queue.enqueue("job_e", JobKind.EXPORT)
    name = stack_settings.queue_name
    assert queue.depths() == {f"{name}-gpu": 2, f"{name}-cpu": 1}
    assert queue.pending() == 3


def test_a_consumer_reads_only_the_queues_of_its_kinds(stack_settings: Settings) -> None:
    gpu_runs, cpu_runs = Recorder(), Recorder()
    gpu = JobQueue(lambda cls: make_huey(stack_settings, cls), gpu_runs)
    cpu = JobQueue(lambda cls: make_huey(stack_settings, cls), cpu_runs)  # as if in another process
    for i in range(5):
        gpu.enqueue(f"image_{i}", JobKind.IMAGE)
        gpu.enqueue(f"export_{i}", JobKind.EXPORT)
    consumer = gpu.consumer(2, parse_worker_kinds("gpu"))
    consumer.start()
    try:
        wait(lambda: len(gpu_runs.order) == 5)
        time.sleep(0.3)  # time enough to take a cpu message, were it wrong
    finally:
        consumer.stop(graceful=True)
    assert sorted(gpu_runs.order) == [f"image_{i}" for i in range(5)]
    assert gpu.depths()[f"{stack_settings.queue_name}-cpu"] == 5
    consumer = cpu.consumer(1, {JobKind.EXPORT})
    consumer.start()
    try:
        wait(lambda: len(cpu_runs.order) == 5)
    finally:
        consumer.stop(graceful=True)
    assert sorted(cpu_runs.order) == [f"export_{i}" for i in range(5)]
    assert gpu.pending() == 0


def test_a_flood_on_one_queue_does_not_starve_the_other(stack_settings: Settings) -> None:
    runs = Recorder(pause_s=0.01)
    queue = JobQueue(lambda cls: make_huey(stack_settings, cls), runs)
    for i in range(30):
        queue.enqueue(f"image_{i}", JobKind.IMAGE)
    queue.enqueue("export_late", JobKind.EXPORT)  # sent last, behind 30 others of the other class
    consumer = queue.consumer(1)
    consumer.start()
    try:
        wait(lambda: len(runs.order) == 31)
    finally:
        consumer.stop(graceful=True)
    assert len(runs.order) == 31
    assert runs.order.index("export_late") <= 2  # the queues are read in turn


@pytest.fixture
def app(stack_settings: Settings) -> FastAPI:
    return create_app(stack_settings.model_copy(update={"workers": 0}))


def image_job(client: TestClient) -> tuple[dict[str, str], str]:
    headers = bearer(new_token(client))
    response = client.post("/api/jobs/image", headers=headers, json={"prompt": "a red fox", "size": "320x176",
                                                                      "seed": 1})
    assert response.status_code == 200, response.text
    job_id: str = response.json()["data"]["job_id"]
    return headers, job_id


def test_a_runner_never_claims_a_kind_it_does_not_take(app: FastAPI) -> None:
    client = TestClient(app)
    headers, job_id = image_job(client)
    runner = app.state.jobs.runner
    runner.kinds = parse_worker_kinds("cpu")
    runner.run(job_id)  # a misrouted message, or a chat turn running its child inline on a cpu worker
    assert client.get(f"/api/jobs/{job_id}", headers=headers).json()["data"]["status"] == "queued"
    runner.kinds = parse_worker_kinds("gpu")
    runner.run(job_id)
    done: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()["data"]
    assert done["status"] == "completed"
    assert done["result"]["files"][0]["width"] == 320


def test_metrics_show_jobs_by_kind_and_status_queue_depths_and_durations(app: FastAPI) -> None:
    client = TestClient(app)
    name = app.state.settings.queue_name
    _, job_id = image_job(client)
    image_job(client)
    text = client.get("/metrics").text
    assert 'frameloom_jobs_by_status{kind="image",status="queued"} 2.0' in text
    assert f'frameloom_queue_depth{{queue="{name}-gpu"}} 2.0' in text
    assert f'frameloom_queue_depth{{queue="{name}-cpu"}} 0.0' in text
    assert 'frameloom_export_chunks_total{outcome="completed"} 0.0' in text
    assert "frameloom_job_duration_seconds_count" not in text
    app.state.jobs.runner.run(job_id)
    text = client.get("/metrics").text
    assert 'frameloom_jobs_by_status{kind="image",status="completed"} 1.0' in text
    assert 'frameloom_jobs_by_status{kind="image",status="queued"} 1.0' in text
    assert 'frameloom_job_duration_seconds_count{kind="image",outcome="completed"} 1.0' in text
    app.state.jobs.metrics.chunk("retried")
    assert 'frameloom_export_chunks_total{outcome="retried"} 1.0' in client.get("/metrics").text
    types = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")]
    assert len(types) == len(set(types))  # no family named twice by two registries
    assert list(text_string_to_metric_families(text))  # Prometheus's own parser reads it
    with pytest.raises(ValueError, match="chunk outcome 'lost'"):
        app.state.jobs.metrics.chunk("lost")


def test_a_scrape_answers_when_the_queue_does_not(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"workers": 0, "redis_url": "redis://127.0.0.1:1/0"}))
    text = TestClient(app).get("/metrics").text
    assert 'frameloom_jobs_scrape_errors_total{source="queue"} 1.0' in text
    assert "frameloom_queue_depth{" not in text


def test_every_class_has_a_queue_name(settings: Settings) -> None:
    queue = JobQueue(lambda cls: make_huey(settings, cls), Recorder())
    assert [queue.huey(cls).name for cls in WorkerClass] == ["frameloom-gpu", "frameloom-cpu"]
