"""Usage by source: every paid door records a usage row with the caller's attribution, and the rows
add up to the ledger; the operator route and ``/metrics`` show the same."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from tests.api.conftest import bearer, services_of

from frameloom.api import create_app
from frameloom.settings import Settings
from frameloom.store.models import Usage

ALPHA = {"X-Skill-Source": "alpha", "X-Skill-Version": "1.2", "X-Skill-Platform": "claude-code"}
BETA = {"X-Skill-Source": "beta", "X-Skill-Version": "0.9", "X-Skill-Platform": "cursor"}
TITLE_DRAFT = {"v": 1, "m": {"w": 320, "h": 180, "fps": 10},
               "t": [{"id": "x1", "tt": 7, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": "Usage"}}]}]}
ADMIN_TOKEN = "operator-secret-token-for-tests"


@pytest.fixture
def running(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"workers": 1, "admin_token": SecretStr(ADMIN_TOKEN)}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _wait(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        data: dict[str, Any] = client.get(path, headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def _session(client: TestClient, headers: dict[str, str]) -> str:
    sid: str = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    return sid


def _alpha_traffic(client: TestClient, headers: dict[str, str]) -> None:
    """REST image job, REST video job, ``/v1`` images: all from the skill "alpha"."""
    headers = {**headers, **ALPHA}
    image = client.post("/api/jobs/image", headers=headers,
                        json={"prompt": "a red kite over a beach", "size": "320x176", "n": 2, "seed": 1}).json()
    video = client.post("/api/jobs/video", headers=headers,
                        json={"prompt": "a lighthouse at dawn", "seconds": 1, "size": "160x96", "fps": 5}).json()
    v1 = client.post("/v1/images/generations", headers=headers, json={"prompt": "a green hill", "size": "1024x1024"})
    assert v1.status_code == 200, v1.text
    for job in (image, video):
        assert _wait(client, f"/api/jobs/{job['data']['job_id']}", headers)["status"] == "completed"


def _beta_traffic(client: TestClient, headers: dict[str, str]) -> None:
    """An export, a chat turn that generates an image, and a cancelled video: from "beta"."""
    headers = {**headers, **BETA}
    sid = _session(client, headers)
    render = client.post("/api/render/proxy/lambda", headers=headers,
                         json={"session_id": sid, "draft": TITLE_DRAFT, "format": "mp4"})
    assert render.status_code == 200, render.text
    turn = client.post("/run", headers=headers, json={
        "session_id": sid, "new_message": {"role": "user", "parts": [{"text": "generate an image of a fox"}]}})
    assert turn.status_code == 200, turn.text
    assert turn.json()[-1].get("turnComplete") is True, turn.json()[-1]
    long = client.post("/api/jobs/video", headers=headers,
                       json={"prompt": "a long river", "seconds": 30, "size": "160x96", "fps": 5}).json()["data"]
    assert client.delete(f"/api/jobs/{long['job_id']}", headers=headers).json()["data"]["status"] == "cancelled"
    done = _wait(client, f"/api/render/proxy/lambda/{render.json()['data']['render_id']}", headers)
    assert done["status"] == "completed", done


def _account(client: TestClient) -> tuple[str, dict[str, str]]:
    """A new anonymous account (100 credits): its id and auth headers."""
    data = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"usage-{uuid.uuid4().hex}"}).json()
    return data["data"]["account_id"], bearer(data["data"]["token"])


def _balance(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = client.get("/api/credits/balance/simple", headers=headers).json()["data"]
    return data


def _rows(client: TestClient) -> list[Usage]:
    with services_of(client).db.read() as session:
        return list(session.execute(select(Usage)).scalars())


def test_every_paid_door_records_usage_that_adds_up_to_the_ledger(running: TestClient) -> None:
    (alice_id, alice), (bob_id, bob) = _account(running), _account(running)
    _alpha_traffic(running, alice)
    _beta_traffic(running, bob)

    rows = _rows(running)
    assert {r.account_id for r in rows} == {alice_id, bob_id}
    for account_id, headers in ((alice_id, alice), (bob_id, bob)):
        balance = _balance(running, headers)
        assert balance["frozen"] == 0
        mine = [r for r in rows if r.account_id == account_id]
        assert all(r.outcome != "open" for r in mine)
        assert sum(r.credits for r in mine) == 100 - balance["available"] > 0

    kinds = Counter((r.source, r.kind, r.outcome) for r in rows)
    assert kinds == Counter({
        ("alpha", "image", "settled"): 2,  # the REST job and /v1
        ("alpha", "video", "settled"): 1,
        ("beta", "export", "settled"): 1,
        ("beta", "chat", "settled"): 1,  # the turn itself: free, counted
        ("beta", "image", "settled"): 1,  # the turn's image: the request's attribution carried into the job
        ("beta", "video", "refunded"): 1,
    })
    assert {(r.version, r.platform) for r in rows if r.source == "beta"} == {("0.9", "cursor")}
    cancelled = next(r for r in rows if r.outcome == "refunded")
    assert (cancelled.credits, cancelled.price) == (0, 30)
    assert all(r.duration_ms is not None and r.duration_ms >= 0 and r.finished_at for r in rows)
    chat = next(r for r in rows if r.kind == "chat")
    assert (chat.price, chat.credits) == (0, 0)


def test_the_operator_route_needs_the_admin_token_and_shows_the_report(running: TestClient) -> None:
    _, alice = _account(running)
    _alpha_traffic(running, alice)
    assert running.get("/api/admin/usage").status_code == 401
    wrong = running.get("/api/admin/usage", headers=bearer("not-the-token"))
    assert (wrong.status_code, wrong.json()["code"]) == (401, 1001)
    assert running.get("/api/admin/usage", headers=alice).json()["code"] == 1001  # an account's token is not it

    answer = running.get("/api/admin/usage?by=source&since=24h", headers=bearer(ADMIN_TOKEN))
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    spent = 100 - _balance(running, alice)["available"]
    assert [(line["key"], line["actions"], line["credits"]) for line in data["lines"]] == [("alpha", 3, spent)]
    assert data["total"]["credits"] == spent
    bad = running.get("/api/admin/usage?since=yesterday", headers=bearer(ADMIN_TOKEN))
    assert (bad.status_code, bad.json()["data"]["errors"][0]["field"]) == (400, "since")


def test_without_an_admin_token_the_operator_route_does_not_exist(client: TestClient) -> None:
    answer = client.get("/api/admin/usage", headers=bearer("anything"))
    assert (answer.status_code, answer.json()["code"]) == (404, 404)
    assert answer.json() == client.get("/api/admin/nothing-here").json()  # the same as any unknown route


def test_metrics_count_credits_spent_and_jobs_by_source(running: TestClient) -> None:
    _, alice = _account(running)
    _alpha_traffic(running, alice)
    text = running.get("/metrics").text
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(("frameloom_credits_spent_total", "frameloom_jobs_total"))}
    spent = 100 - _balance(running, alice)["available"]
    assert samples['frameloom_credits_spent_total{kind="image",source="alpha"}'] == 6.0  # 2 + 1 images, 2 each
    assert samples['frameloom_credits_spent_total{kind="video",source="alpha"}'] == 1.0
    assert sum(v for k, v in samples.items() if k.startswith("frameloom_credits_spent_total")) == spent
    assert samples['frameloom_jobs_total{kind="image",outcome="settled",source="alpha"}'] == 2.0
    assert samples['frameloom_jobs_total{kind="video",outcome="settled",source="alpha"}'] == 1.0
