"""Recovery: no job stays running or queued forever, and every job that ends this way gives its credits back.

The app runs without workers (``workers=0``), so jobs stay where the test puts them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.api.conftest import bearer, new_token, still

from frameloom.api import create_app
from frameloom.jobs.host import JobHost
from frameloom.settings import Settings
from frameloom.store.models import Job

SKILL = {"X-Skill-Source": "t", "X-Skill-Version": "1", "X-Skill-Platform": "t"}


@pytest.fixture
def app(stack_settings: Settings) -> FastAPI:
    """Both stacks: SQLite, huey on SQLite, local disk; PostgreSQL, huey on Redis, S3."""
    return create_app(stack_settings.model_copy(update={"workers": 0}))


def queued_export(client: TestClient) -> tuple[dict[str, str], str]:
    headers = {**bearer(new_token(client)), **SKILL}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    media = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                        files={"file": ("a.png", still("png", 128, 72))}).json()["data"]["media"][0]["media_id"]
    draft = {"v": 1, "m": {"w": 128, "h": 72, "fps": 10},
             "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"src": media}}]}]}
    response = client.post("/api/render/proxy/lambda", headers=headers,
                           json={"render_id": "r1", "session_id": sid, "draft": draft})
    assert response.status_code == 200, response.text
    return headers, "r1"


def set_job(app: FastAPI, **values: Any) -> str:
    with app.state.db.write() as session:
        session.execute(update(Job).values(**values))
        job_id: str = session.query(Job).one().id
    return job_id


def status(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/api/render/proxy/lambda/r1", headers=headers).json()["data"]
    return data


def balance(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = client.get("/api/credits/balance/simple", headers=headers).json()["data"]
    return data


def ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


def test_a_job_whose_worker_stopped_beating_goes_back_to_the_queue(app: FastAPI) -> None:
    client = TestClient(app)
    headers, _ = queued_export(client)
    host: JobHost = app.state.jobs.host
    before = app.state.jobs.queue.depths()
    job_id = set_job(app, status="running", worker="elsewhere:1:x", attempts=1, started_at=ago(60),
                     heartbeat_at=ago(60))
    assert host.recover().requeued == [job_id]
    assert status(client, headers)["status"] == "queued"
    cpu = f"{app.state.settings.queue_name}-cpu"  # an export goes back on the cpu queue, not the gpu one
    assert app.state.jobs.queue.depths() == {**before, cpu: before[cpu] + 1}
    assert balance(client, headers)["frozen"] == 1


def test_a_live_worker_keeps_its_job(app: FastAPI) -> None:
    client = TestClient(app)
    headers, _ = queued_export(client)
    set_job(app, status="running", worker="elsewhere:1:x", attempts=1, started_at=ago(60), heartbeat_at=ago(1))
    assert app.state.jobs.host.recover().requeued == []
    assert status(client, headers)["status"] == "rendering"


def test_after_its_last_attempt_a_job_fails_with_its_credits_back(app: FastAPI) -> None:
    client = TestClient(app)
    headers, _ = queued_export(client)
    job_id = set_job(app, status="running", worker="elsewhere:1:x", attempts=3, started_at=ago(60),
                     heartbeat_at=ago(60))
    assert app.state.jobs.host.recover().failed == [job_id]
    assert status(client, headers)["status"] == "failed"
    assert "stopped 3 times" in status(client, headers)["error"]
    assert balance(client, headers) == {"available": 100, "frozen": 0, "total": 100}


def test_a_job_past_its_time_limit_fails(app: FastAPI) -> None:
    client = TestClient(app)
    headers, _ = queued_export(client)
    set_job(app, status="running", worker="elsewhere:1:x", attempts=1, started_at=ago(4000), heartbeat_at=ago(1))
    app.state.jobs.host.recover()
    assert status(client, headers)["error"] == "time limit of 1800 s exceeded"
    assert balance(client, headers)["frozen"] == 0


def test_a_queued_job_is_sent_again_then_given_up(app: FastAPI) -> None:
    client = TestClient(app)
    headers, _ = queued_export(client)
    job_id = set_job(app, enqueued_at=ago(400))
    assert app.state.jobs.host.recover().resent == [job_id]
    assert app.state.jobs.host.recover().resent == []  # sent just now
    set_job(app, created_at=ago(100_000))
    assert app.state.jobs.host.recover().failed == [job_id]
    assert status(client, headers)["status"] == "failed"
    assert balance(client, headers) == {"available": 100, "frozen": 0, "total": 100}
