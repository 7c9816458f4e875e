"""``frameloom admin jobs``: list by status, kind and stuckness; retry a stuck or failed job without
running it twice or spending its credits twice. On both stacks (the queue a retry sends to is real)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.api.conftest import bearer, new_token, still
from tests.conftest import stack_env

from frameloom.api import create_app
from frameloom.cli.main import cli
from frameloom.domain.jobs import JobStatus
from frameloom.settings import Settings
from frameloom.store import jobs as repo
from frameloom.store.models import Account, Job

SKILL = {"X-Skill-Source": "t", "X-Skill-Version": "1", "X-Skill-Platform": "t"}


@pytest.fixture
def app(stack_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    for name, value in stack_env(stack_settings).items():
        monkeypatch.setenv(name, value)  # what the admin command reads
    return create_app(stack_settings.model_copy(update={"workers": 0}))


def export(client: TestClient) -> tuple[dict[str, str], str]:
    headers = {**bearer(new_token(client)), **SKILL}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    media = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                        files={"file": ("a.png", still("png", 128, 72))}).json()["data"]["media"][0]["media_id"]
    draft = {"v": 1, "m": {"w": 128, "h": 72, "fps": 10},
             "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"src": media}}]}]}
    response = client.post("/api/render/proxy/lambda", headers=headers,
                           json={"render_id": "r1", "session_id": sid, "draft": draft})
    assert response.status_code == 200, response.text
    with services(client).db.read() as session:
        job_id: str = session.query(Job).one().id
    return headers, job_id


def services(client: TestClient) -> Any:
    assert isinstance(client.app, FastAPI)
    return client.app.state.services


def admin(*args: str) -> Result:
    return CliRunner().invoke(cli, ["admin", "jobs", *args])


def listed(*args: str) -> list[dict[str, Any]]:
    result = admin(*args, "--json")
    assert result.exit_code == 0, result.output
    data: list[dict[str, Any]] = json.loads(result.output)
    return data


def set_job(client: TestClient, **values: Any) -> None:
    with services(client).db.write() as session:
        session.execute(update(Job).values(**values))


def balance(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = client.get("/api/credits/balance/simple", headers=headers).json()["data"]
    return data


def ago(seconds: float) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=seconds)


def test_jobs_are_listed_and_filtered(app: FastAPI) -> None:
    client = TestClient(app)
    _, job_id = export(client)
    (line,) = listed()
    assert (line["job_id"], line["key"], line["kind"], line["status"], line["price"]) == (job_id, "r1", "export",
                                                                                         "queued", 1)
    assert line["stuck"] is None
    assert [j["job_id"] for j in listed("--status", "queued", "--kind", "export")] == [job_id]
    assert listed("--kind", "image") == []
    assert listed("--status", "failed") == []
    assert listed("--stuck") == []
    table = admin()
    assert table.exit_code == 0
    assert job_id in table.output
    assert "queued" in table.output
    assert admin("--status", "lost").exit_code == 2  # click names the choices


def test_a_stuck_queued_job_is_sent_again(app: FastAPI) -> None:
    client = TestClient(app)
    _, job_id = export(client)
    before = services(client).jobs.queue.pending()
    set_job(client, enqueued_at=ago(400))
    (line,) = listed("--stuck")
    assert line["stuck"].startswith("queued 4")
    result = admin("retry", job_id)
    assert result.exit_code == 0, result.output
    assert "sent again" in result.output
    assert services(client).jobs.queue.pending() == before + 1
    assert listed("--stuck") == []


def test_a_running_job_whose_worker_is_gone_goes_back_but_a_beating_one_stays(app: FastAPI) -> None:
    client = TestClient(app)
    headers, job_id = export(client)
    set_job(client, status="running", worker="elsewhere:1:x", attempts=1, started_at=ago(60), heartbeat_at=ago(1))
    refused = admin("retry", job_id)
    assert refused.exit_code == 2
    assert "not stuck" in refused.output
    set_job(client, heartbeat_at=ago(60))
    assert listed("--stuck")[0]["stuck"].startswith("no heartbeat for 6")
    result = admin("retry", job_id)
    assert result.exit_code == 0, result.output
    assert "back in the queue" in result.output
    assert listed()[0]["status"] == "queued"
    assert balance(client, headers) == {"available": 99, "frozen": 1, "total": 100}  # the same hold, not a new one


def test_a_failed_job_freezes_its_price_again(app: FastAPI) -> None:
    client = TestClient(app)
    headers, job_id = export(client)
    db = services(client).db
    with db.write() as session:
        repo.end_open(session, job_id, JobStatus.FAILED, "the worker stopped 3 times; giving up", ago(0))
    assert balance(client, headers) == {"available": 100, "frozen": 0, "total": 100}
    result = admin("retry", job_id)
    assert result.exit_code == 0, result.output
    assert "1 credits frozen again" in result.output
    (line,) = listed()
    assert (line["status"], line["attempts"], line["error"]) == ("queued", 0, None)
    assert balance(client, headers) == {"available": 99, "frozen": 1, "total": 100}
    again = admin("retry", job_id)  # queued now and not stuck: a second retry does nothing
    assert again.exit_code == 2
    assert "not stuck" in again.output
    assert balance(client, headers)["frozen"] == 1


def test_a_failed_job_whose_account_cannot_pay_is_left_as_it_is(app: FastAPI) -> None:
    client = TestClient(app)
    headers, job_id = export(client)
    db = services(client).db
    with db.write() as session:
        repo.end_open(session, job_id, JobStatus.FAILED, "boom", ago(0))
        session.execute(update(Account).values(available=0))
    result = admin("retry", job_id)
    assert result.exit_code == 1
    assert "needs 1 credits and has 0 available" in result.output
    assert "frameloom admin credits" in result.output
    (line,) = listed()
    assert (line["status"], line["error"]) == ("failed", "boom")
    assert balance(client, headers) == {"available": 0, "frozen": 0, "total": 0}


def test_completed_cancelled_and_unknown_jobs_are_refused(app: FastAPI) -> None:
    client = TestClient(app)
    headers, job_id = export(client)
    assert client.delete("/api/render/proxy/lambda/r1", headers=headers).json()["data"]["status"] == "cancelled"
    cancelled = admin("retry", job_id)
    assert cancelled.exit_code == 2
    assert "cancelled and not stuck" in cancelled.output
    unknown = admin("retry", "job_nope")
    assert unknown.exit_code == 2
    assert "job job_nope not found" in unknown.output
