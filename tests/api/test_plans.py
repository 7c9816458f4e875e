"""Plans and quotas over HTTP: each limit answers its code before any credit moves (402 with
``reason`` and ``limit`` for plan limits, 429 with Retry-After for rates and concurrent jobs);
register moves an account to ``registered``; a suspended account's tokens answer 1001."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, bearer, services_of

from frameloom.api import create_app
from frameloom.domain.plans import PlanSettings
from frameloom.settings import Settings

TITLE_3S = {"v": 1, "m": {"w": 320, "h": 180, "fps": 10},
            "t": [{"id": "x1", "tt": 7, "sg": [{"id": "s1", "s": 0, "d": 3000, "m": {"text": "Plans"}}]}]}
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}
Serve = Callable[..., TestClient]


@pytest.fixture
def serve(settings: Settings, clock: FakeClock) -> Serve:
    """``serve(workers=0, anonymous={...}, pro={...})``: an app whose plans are the keyword dicts."""

    def start(workers: int = 0, **plans: dict[str, Any]) -> TestClient:
        defined = {name: PlanSettings(**fields) for name, fields in plans.items()}
        app = create_app(settings.model_copy(update={"plans": defined, "workers": workers}), clock=clock)
        return TestClient(app, raise_server_exceptions=False)

    return start


def _account(client: TestClient) -> tuple[str, dict[str, str]]:
    data = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"plans-{uuid.uuid4().hex}"}).json()
    return data["data"]["account_id"], {**bearer(data["data"]["token"]), **SKILL}


def _available(client: TestClient, headers: dict[str, str]) -> int:
    available: int = client.get("/api/credits/balance/simple", headers=headers).json()["data"]["available"]
    return available


def _refused(response: Any, status: int, code: int) -> dict[str, Any]:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _image(client: TestClient, headers: dict[str, str], size: str) -> Any:
    return client.post("/api/jobs/image", headers=headers, json={"prompt": "a kite", "size": size})


def test_resolution_over_the_plan_is_402_on_every_door_and_charges_nothing(serve: Serve) -> None:
    client = serve(anonymous={"max_long_side": 640})
    _, headers = _account(client)
    data = _refused(_image(client, headers, "1920x1080"), 402, 402)
    assert (data["limit"], data["allowed"]) == ("resolution", 640)
    assert "1920x1080 is over the anonymous plan's 640 px long side" in data["reason"]
    video = client.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "seconds": 1, "size": "1280x720"})
    assert _refused(video, 402, 402)["limit"] == "resolution"
    v1 = client.post("/v1/images/generations", headers=headers, json={"prompt": "a hill", "size": "1024x1024"})
    assert v1.status_code == 402
    assert v1.json()["error"]["code"] == "402"
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    export = client.post("/api/render/proxy/lambda", headers=headers,
                         json={"session_id": sid, "draft": TITLE_3S, "width": 1280, "height": 720})
    assert _refused(export, 402, 402)["limit"] == "resolution"
    assert _available(client, headers) == 100
    assert _image(client, headers, "640x360").status_code == 200  # at the limit is allowed


def test_video_length_over_the_plan_is_402_for_videos_and_exports(serve: Serve) -> None:
    client = serve(anonymous={"max_video_s": 2})
    _, headers = _account(client)
    video = client.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "seconds": 3, "size": "160x96"})
    data = _refused(video, 402, 402)
    assert (data["limit"], data["allowed"]) == ("video_length", 2)
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    export = client.post("/api/render/proxy/lambda", headers=headers, json={"session_id": sid, "draft": TITLE_3S})
    assert _refused(export, 402, 402)["limit"] == "video_length"
    assert _available(client, headers) == 100
    ok = client.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "seconds": 2, "size": "160x96"})
    assert ok.status_code == 200, ok.text


def test_a_plan_without_export_is_402_with_its_reason(serve: Serve) -> None:
    client = serve(anonymous={"export": False})
    _, headers = _account(client)
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    export = client.post("/api/render/proxy/lambda", headers=headers, json={"session_id": sid, "draft": TITLE_3S})
    data = _refused(export, 402, 402)
    assert data == {"reason": "the anonymous plan does not include export; register or upgrade to export",
                    "limit": "export"}


def test_concurrent_jobs_over_the_plan_are_429_until_one_ends(serve: Serve) -> None:
    client = serve(workers=0, anonymous={"concurrent_jobs": 1})  # no worker: jobs stay queued
    _, headers = _account(client)
    first = _image(client, headers, "320x176")
    assert first.status_code == 200
    second = _image(client, headers, "320x176")
    assert _refused(second, 429, 429) == {"retry_after": 5}
    assert second.headers["Retry-After"] == "5"
    assert "the anonymous plan runs 1 at once" in second.json()["message"]
    assert _available(client, headers) == 98  # the first image's 2 credits only
    client.delete(f"/api/jobs/{first.json()['data']['job_id']}", headers=headers)
    assert _image(client, headers, "320x176").status_code == 200


def test_requests_per_minute_are_429_with_retry_after(serve: Serve, clock: FakeClock) -> None:
    client = serve(anonymous={"requests_per_minute": 3})
    _, headers = _account(client)
    for _ in range(3):
        assert client.get("/api/credits/balance/simple", headers=headers).status_code == 200
    refused = client.get("/api/credits/balance/simple", headers=headers)
    assert _refused(refused, 429, 429) == {"retry_after": 20}
    assert refused.headers["Retry-After"] == "20"
    clock.advance(seconds=20)
    assert client.get("/api/credits/balance/simple", headers=headers).status_code == 200
    assert client.get("/api/credits/balance/simple", headers=headers).status_code == 429  # one per 20 s now
    _, other = _account(client)  # per account
    assert client.get("/api/credits/balance/simple", headers=other).status_code == 200


def test_register_moves_the_account_to_the_registered_plan_and_its_limits(serve: Serve) -> None:
    client = serve(anonymous={"max_long_side": 640}, registered={"signup_credits": 500})
    account_id, headers = _account(client)
    state = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]
    assert _image(client, headers, "1920x1080").status_code == 402
    registered = client.post("/api/auth/register", json={"email": "plan@example.com", "password": "password123",
                                                         "bind_id": state["bind_id"]}).json()["data"]
    assert (registered["account_id"], registered["plan"]) == (account_id, "registered")
    assert _image(client, headers, "1920x1080").status_code == 200  # the same token, the new plan
    fresh = client.post("/api/auth/register", json={"email": "new@example.com", "password": "password123"})
    assert fresh.json()["data"]["credits"] == 500  # the plan's sign-up credits


def test_an_operator_plan_applies_once_the_account_is_moved_to_it(serve: Serve) -> None:
    client = serve(pro={"signup_credits": 1000, "max_long_side": 320})
    account_id, headers = _account(client)
    assert _image(client, headers, "640x360").status_code == 200
    admin = services_of(client).accounts
    assert admin.set_plan(account_id, "pro").plan == "pro"
    assert _refused(_image(client, headers, "640x360"), 402, 402)["reason"].startswith(
        "640x360 is over the pro plan's 320 px long side")


def test_a_suspended_accounts_tokens_answer_1001_everywhere_until_restored(serve: Serve) -> None:
    client = serve()
    account_id, headers = _account(client)
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    admin = services_of(client).accounts
    assert admin.suspend(account_id).suspended_at is not None
    for response in (client.get("/api/credits/balance/simple", headers=headers),
                     client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers),
                     _image(client, headers, "320x176"),
                     client.post("/v1/images/generations", headers=headers, json={"prompt": "a hill"}),
                     client.post("/run", headers=headers, json={"session_id": sid, "new_message": {
                         "role": "user", "parts": [{"text": "help"}]}})):
        assert response.status_code == 401, response.text
    balance = client.get("/api/credits/balance/simple", headers=headers).json()
    assert (balance["code"], balance["message"]) == (1001, "account suspended; ask the operator of this service")
    assert admin.suspend(account_id, suspended=False).suspended_at is None
    assert _available(client, headers) == 100


def test_a_suspended_account_cannot_log_in(serve: Serve) -> None:
    client = serve()
    registered = client.post("/api/auth/register", json={"email": "gone@example.com", "password": "password123"})
    services_of(client).accounts.suspend("gone@example.com")
    login = client.post("/api/auth/login", json={"email": "gone@example.com", "password": "password123"})
    assert (login.status_code, login.json()["message"]) == (401, "account suspended; ask the operator of this service")
    assert registered.json()["data"]["account_id"]
    wrong = client.post("/api/auth/login", json={"email": "gone@example.com", "password": "not-the-password"})
    assert wrong.json()["message"] == "wrong email or password"
