"""Another account's ids answer 1002 on every route that takes an id, exactly as missing ones do,
on both database backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token, still

from frameloom.api import create_app
from frameloom.settings import Settings

if TYPE_CHECKING:
    # What TestClient returns: starlette types its client with httpx2 (and falls back to httpx at run time).
    from httpx2 import Response

Call: TypeAlias = "Callable[[TestClient, dict[str, str], str], Response]"

ROUTES: dict[str, Call] = {
    "GET state": lambda c, h, sid: c.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=h),
    "POST upload (multipart)": lambda c, h, sid: c.post(
        f"/api/upload-video/nemo_agent/me/{sid}", headers=h, files={"file": ("a.png", still("png"))}),
    "POST upload (urls)": lambda c, h, sid: c.post(
        f"/api/upload-video/nemo_agent/me/{sid}", headers=h, json={"urls": ["http://example.com/a.png"]}),
    "GET versions": lambda c, h, sid: c.get(f"/api/state/nemo_agent/me/{sid}/versions", headers=h),
    "GET a version": lambda c, h, sid: c.get(f"/api/state/nemo_agent/me/{sid}/versions/1", headers=h),
    "PUT draft": lambda c, h, sid: c.put(
        f"/api/state/nemo_agent/me/{sid}/draft", headers=h, json={"version": 1, "draft": {"v": 1, "t": []}}),
    "POST undo": lambda c, h, sid: c.post(f"/api/state/nemo_agent/me/{sid}/undo", headers=h),
    "POST redo": lambda c, h, sid: c.post(f"/api/state/nemo_agent/me/{sid}/redo", headers=h),
    "POST edits": lambda c, h, sid: c.post(
        f"/api/state/nemo_agent/me/{sid}/edits", headers=h, json={"ops": [{"op": "add_title", "text": "x"}]}),
    "GET ADK session": lambda c, h, sid: c.get(f"/apps/nemo_agent/users/me/sessions/{sid}", headers=h),
}


@pytest.fixture
def client(backend_settings: Settings) -> TestClient:
    return TestClient(create_app(backend_settings))


@pytest.mark.parametrize("route", list(ROUTES))
def test_another_accounts_session_is_1002(client: TestClient, route: str) -> None:
    owner = bearer(new_token(client))
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=owner).json()["data"]["session_id"]
    stranger = bearer(new_token(client))
    theirs = ROUTES[route](client, stranger, sid)
    missing = ROUTES[route](client, stranger, "ses_" + "0" * 24)
    assert theirs.status_code == 404
    assert theirs.json()["code"] == 1002
    assert theirs.json()["message"] == f"session {sid} not found"
    assert missing.json()["code"] == 1002
    assert ROUTES[route](client, owner, sid).status_code != 404


def test_every_route_with_an_id_is_covered(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    with_ids = {p for p in paths if "{" in p and not p.startswith("/files/")}
    covered = {"/api/state/nemo_agent/me/{session_id}/latest", "/api/upload-video/nemo_agent/me/{session_id}",
               "/api/render/proxy/lambda/{render_id}", "/api/jobs/{job_id}", "/api/account/webhook/deliveries/{job_id}",
               *(f"/api/state/nemo_agent/me/{{session_id}}/{tail}"
                 for tail in ("versions", "versions/{number}", "draft", "undo", "redo", "edits")),
               # ADK's session routes: app_name and user_id are echoed, never looked up (the token decides)
               "/apps/{app_name}/users/{user_id}/sessions", "/apps/{app_name}/users/{user_id}/sessions/{session_id}"}
    assert with_ids == covered


def test_another_accounts_render_is_1002(client: TestClient) -> None:
    skill = {"X-Skill-Source": "t", "X-Skill-Version": "1", "X-Skill-Platform": "t"}
    owner = {**bearer(new_token(client)), **skill}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=owner).json()["data"]["session_id"]
    media = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=owner,
                        files={"file": ("a.png", still("png"))}).json()["data"]["media"][0]["media_id"]
    draft = {"v": 1, "m": {"w": 128, "h": 72, "fps": 10},
             "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"src": media}}]}]}
    response = client.post("/api/render/proxy/lambda", headers=owner,
                           json={"render_id": "mine", "session_id": sid, "draft": draft})
    assert response.status_code == 200, response.text
    stranger = {**bearer(new_token(client)), **skill}
    for method in ("GET", "DELETE"):
        theirs = client.request(method, "/api/render/proxy/lambda/mine", headers=stranger)
        missing = client.request(method, "/api/render/proxy/lambda/none", headers=stranger)
        assert (theirs.status_code, theirs.json()["code"]) == (404, 1002)
        assert theirs.json()["message"] == "render mine not found"
        assert missing.json()["code"] == 1002
    # The stranger's own key of the same name is a different job.
    response = client.post("/api/render/proxy/lambda", headers=stranger, json={"render_id": "mine", "session_id": sid})
    assert response.json()["code"] == 1002  # and the session is not theirs either
    assert client.get("/api/render/proxy/lambda/mine", headers=owner).json()["data"]["status"] == "queued"


def test_another_accounts_webhook_delivery_is_1002(client: TestClient) -> None:
    owner = bearer(new_token(client))
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=owner).json()["data"]["session_id"]
    job = client.post("/api/jobs/image", headers=owner, json={
        "session_id": sid, "prompt": "a red fox", "size": "128x72", "webhook_url": "http://93.184.216.34/hook"})
    assert job.status_code == 200, job.text
    job_id = job.json()["data"]["job_id"]
    assert client.get(f"/api/account/webhook/deliveries/{job_id}", headers=owner).status_code == 200
    stranger = bearer(new_token(client))
    theirs = client.get(f"/api/account/webhook/deliveries/{job_id}", headers=stranger)
    missing = client.get("/api/account/webhook/deliveries/job_none", headers=stranger)
    assert (theirs.status_code, theirs.json()["code"]) == (missing.status_code, missing.json()["code"]) == (404, 1002)
