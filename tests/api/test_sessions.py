"""Sessions and their state through HTTP."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock

CREATE = "/api/tasks/me/with-session/nemo_agent"
EMPTY_DRAFT = {"v": 1, "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"}, "t": []}


def test_create_returns_a_session_id_and_the_bind_id(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(CREATE, json={"task_name": "project", "language": "en"}, headers=headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["session_id"].startswith("ses_")
    assert data["bind_id"].startswith("bind_")


def test_create_without_a_body_uses_the_defaults(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post(CREATE, headers=headers).status_code == 200


def test_create_needs_a_token(client: TestClient) -> None:
    assert client.post(CREATE, json={"task_name": "project"}).json()["code"] == 1001


def test_an_empty_task_name_is_400(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(CREATE, json={"task_name": "  "}, headers=headers)
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "task_name"


def test_a_new_session_has_an_empty_state(
    client: TestClient, headers: dict[str, str], session_id: str, clock: FakeClock
) -> None:
    response = client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["draft"] == EMPTY_DRAFT
    assert data["summary"] == "Timeline (0 tracks): empty"
    assert (data["media"], data["generations"], data["renders"]) == ([], [], [])
    assert data["version"] == 1  # the draft's first version
    assert datetime.fromisoformat(data["updated_at"]) == clock.now
    assert data["bind_id"].startswith("bind_")


def test_an_unknown_session_is_1002(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/state/nemo_agent/me/ses_nothing/latest", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == 1002


def test_a_registered_account_has_no_bind_id(client: TestClient) -> None:
    token = client.post("/api/auth/register", json={"email": "s@example.com", "password": "password123"}).json()
    headers = {"Authorization": f"Bearer {token['data']['token']}"}
    created = client.post(CREATE, headers=headers).json()["data"]
    assert created["bind_id"] is None
    state = client.get(f"/api/state/nemo_agent/me/{created['session_id']}/latest", headers=headers).json()
    assert state["data"]["bind_id"] is None
