"""Exports (SPEC section 3): queue, poll, download, cancel, idempotency, 402 rules, credits.

The app runs with its lifespan, so its job host (huey on SQLite in the data
folder, one consumer thread) runs the exports for real, through the
compositor, at 320x180 and a few seconds.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import av
import httpx
import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token, services_of, still

from frameloom.api import create_app
from frameloom.settings import Settings

EXPORT = "/api/render/proxy/lambda"
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}


@pytest.fixture
def jobs_settings(backend_settings: Settings) -> Settings:
    return backend_settings.model_copy(update={"workers": 1, "job_heartbeat_s": 0.2})


@pytest.fixture
def running(jobs_settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose job host runs (lifespan on)."""
    with TestClient(create_app(jobs_settings), raise_server_exceptions=False) as client:
        yield client


# an export that surely takes seconds: 600 frames of 320x180 take 0.4 s on this machine, of 1280x720 about 3 s
SLOW = (1280, 720)


def tiny_draft(media_id: str, seconds: int = 2, fps: int = 10, size: tuple[int, int] = (320, 180)) -> dict[str, Any]:
    ms = seconds * 1000
    return {"v": 1, "d": ms, "m": {"w": size[0], "h": size[1], "fps": fps, "ar": "16:9"},
            "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": media_id,
                                                                                 "motion": "zoom_in"}}]},
                  {"id": "x1", "tt": 7, "sg": [{"id": "s2", "s": 0, "d": ms, "m": {"text": "Hello"}}]}]}


def studio(client: TestClient) -> tuple[dict[str, str], str, str]:
    """A token's headers (with the attribution headers), a session and an uploaded 320x180 picture."""
    headers = {**bearer(new_token(client)), **SKILL}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers).json()["data"]["session_id"]
    response = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                           files={"file": ("pic.png", still("png", 320, 180), "image/png")})
    assert response.status_code == 200, response.text
    return headers, sid, response.json()["data"]["media"][0]["media_id"]


def wait_for(client: TestClient, render_id: str, headers: dict[str, str], statuses: set[str],
             timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = client.get(f"{EXPORT}/{render_id}", headers=headers).json()["data"]
        if data["status"] in statuses or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def balance(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = client.get("/api/credits/balance/simple", headers=headers).json()["data"]
    return data


def test_an_export_is_queued_rendered_checked_and_downloadable(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    response = running.post(EXPORT, headers=headers, json={"session_id": sid, "draft": tiny_draft(media_id, 3)})
    assert response.status_code == 200, response.text
    queued = response.json()["data"]
    assert queued["status"] in {"queued", "rendering"}
    assert balance(running, headers) == {"available": 99, "frozen": 1, "total": 100}

    done = wait_for(running, queued["render_id"], headers, {"completed", "failed"})
    assert done["status"] == "completed", done
    assert done["progress"] == 1.0
    assert (done["format"], done["width"], done["height"], done["duration_ms"]) == ("mp4", 320, 180, 3000)
    assert balance(running, headers) == {"available": 99, "frozen": 0, "total": 99}

    path = done["url"].split("://", 1)[1].split("/", 1)[1]
    body = running.get("/" + path).content
    assert len(body) == done["bytes"]
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.width, stream.codec_context.height) == (
            "h264", 320, 180)

    state = running.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert [r["render_id"] for r in state["renders"]] == [queued["render_id"]]
    assert state["renders"][0]["status"] == "completed"
    assert done["media_id"] in [m["media_id"] for m in state["media"]]


def test_the_same_render_id_returns_the_same_job(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    body = {"render_id": "my-export-1", "session_id": sid, "draft": tiny_draft(media_id)}
    first = running.post(EXPORT, headers=headers, json=body).json()["data"]
    second = running.post(EXPORT, headers=headers, json=body).json()["data"]
    assert first["render_id"] == second["render_id"] == "my-export-1"
    assert first["created_at"] == second["created_at"]
    assert balance(running, headers)["available"] + balance(running, headers)["frozen"] >= 99
    assert wait_for(running, "my-export-1", headers, {"completed"})["status"] == "completed"
    assert balance(running, headers) == {"available": 99, "frozen": 0, "total": 99}  # charged once


def test_cancel_returns_the_frozen_credits(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    body = {"render_id": "long-one", "session_id": sid, "draft": tiny_draft(media_id, seconds=30, fps=30, size=SLOW)}
    assert running.post(EXPORT, headers=headers, json=body).status_code == 200
    assert balance(running, headers)["frozen"] == 3  # 30 s: three started blocks of 10 s
    wait_for(running, "long-one", headers, {"rendering"})
    cancelled = running.delete(f"{EXPORT}/long-one", headers=headers).json()["data"]
    assert cancelled["status"] == "cancelled"
    assert balance(running, headers) == {"available": 100, "frozen": 0, "total": 100}
    time.sleep(0.5)  # the worker stops at its next check and records nothing
    assert wait_for(running, "long-one", headers, {"cancelled"}, timeout=1)["status"] == "cancelled"


def test_export_needs_the_three_attribution_headers(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    for missing in SKILL:
        partial = {k: v for k, v in headers.items() if k != missing}
        response = running.post(EXPORT, headers=partial, json={"session_id": sid, "draft": tiny_draft(media_id)})
        assert response.status_code == 402
        assert response.json()["code"] == 402
        assert missing in response.json()["data"]["reason"]
    assert balance(running, headers) == {"available": 100, "frozen": 0, "total": 100}


def test_the_free_plan_may_be_refused_export(backend_settings: Settings) -> None:
    settings = backend_settings.model_copy(update={"free_plan_export": False, "workers": 0})
    client = TestClient(create_app(settings))
    headers, sid, media_id = studio(client)
    response = client.post(EXPORT, headers=headers, json={"session_id": sid, "draft": tiny_draft(media_id)})
    assert (response.status_code, response.json()["code"]) == (402, 402)
    assert "plan" in response.json()["data"]["reason"]


def test_bad_exports_are_refused_before_anything_is_frozen(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    empty = running.post(EXPORT, headers=headers, json={"session_id": sid})
    assert empty.status_code == 400
    assert empty.json()["data"]["errors"][0]["field"] == "session draft"
    unknown = running.post(EXPORT, headers=headers, json={"session_id": sid, "draft": tiny_draft("med_nope")})
    assert unknown.status_code == 400
    assert unknown.json()["data"]["errors"][0]["field"].startswith("draft.t[0]")
    fmt = running.post(EXPORT, headers=headers, json={"session_id": sid, "draft": tiny_draft(media_id),
                                                       "format": "doc"})
    assert fmt.json()["data"]["errors"][0]["field"] == "format"
    other = running.post(EXPORT, headers={**bearer(new_token(running)), **SKILL},
                         json={"session_id": sid, "draft": tiny_draft(media_id)})
    assert (other.status_code, other.json()["code"]) == (404, 1002)
    assert running.get(f"{EXPORT}/nope", headers=headers).json()["code"] == 1002
    assert balance(running, headers) == {"available": 100, "frozen": 0, "total": 100}


def test_an_export_that_fails_returns_its_credits(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    # The picture vanishes from storage after the job is queued: the render fails, the hold is refunded.
    services = services_of(running)
    with services.db.read() as session:
        from frameloom.store.models import Media

        media = session.get(Media, media_id)
        assert media is not None
        key = media.storage_key
    services.storage.delete(key)
    response = running.post(EXPORT, headers=headers, json={"render_id": "doomed", "session_id": sid,
                                                           "draft": tiny_draft(media_id)})
    assert response.status_code == 200
    failed = wait_for(running, "doomed", headers, {"failed", "completed"})
    assert failed["status"] == "failed"
    assert failed["error"]
    assert "url" not in failed
    assert balance(running, headers) == {"available": 100, "frozen": 0, "total": 100}


def test_not_enough_credits_for_a_long_export(running: TestClient) -> None:
    headers, sid, media_id = studio(running)
    services_of(running).credits.top_up(_account(running, headers), -99)
    response = running.post(EXPORT, headers=headers, json={"session_id": sid, "draft": tiny_draft(media_id, 12)})
    assert (response.status_code, response.json()["code"]) == (402, 2001)
    assert response.json()["data"]["required"] == 2


def _account(client: TestClient, headers: dict[str, str]) -> str:
    token = headers["Authorization"].split()[1]
    return services_of(client).auth.authenticate(f"Bearer {token}").account_id


def test_an_export_past_its_time_limit_fails_with_a_refund(jobs_settings: Settings) -> None:
    # one job, not split into chunks (each chunk gets the limit of its own; tests/jobs/test_parallel_export.py)
    settings = jobs_settings.model_copy(update={"export_time_limit_s": 1, "export_chunk_s": 0})
    with TestClient(create_app(settings)) as client:
        headers, sid, media_id = studio(client)
        body = {"render_id": "slow", "session_id": sid, "draft": tiny_draft(media_id, seconds=60, fps=30, size=SLOW)}
        assert client.post(EXPORT, headers=headers, json=body).status_code == 200
        failed = wait_for(client, "slow", headers, {"failed", "completed"})
        assert failed["status"] == "failed"
        assert failed["error"] == "time limit of 1 s exceeded"
        assert balance(client, headers) == {"available": 100, "frozen": 0, "total": 100}


def test_an_export_runs_the_same_on_the_redis_queue(settings: Settings) -> None:
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server at {url}: {exc}")
    name = f"test_{uuid.uuid4().hex[:12]}"
    on_redis = settings.model_copy(update={"redis_url": url, "queue_name": name, "workers": 1})
    with TestClient(create_app(on_redis)) as client:
        headers, sid, media_id = studio(client)
        body = {"render_id": "via-redis", "session_id": sid, "draft": tiny_draft(media_id)}
        assert client.post(EXPORT, headers=headers, json=body).status_code == 200
        assert wait_for(client, "via-redis", headers, {"completed", "failed"})["status"] == "completed"
    assert not (settings.data_dir / "queue.db").exists()


def test_the_same_render_id_sent_at_once_makes_one_job(
    backend_settings: Settings, live_server: Callable[[Any], str]
) -> None:
    app = create_app(backend_settings.model_copy(update={"workers": 0}))
    url = live_server(app)
    headers, sid, media_id = studio(TestClient(app))
    body = {"render_id": "raced", "session_id": sid, "draft": tiny_draft(media_id, seconds=25)}
    barrier = threading.Barrier(8)

    def post(_: int) -> dict[str, Any]:
        barrier.wait()
        data: dict[str, Any] = httpx.post(url + EXPORT, headers=headers, json=body, timeout=30).json()["data"]
        return data

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert {(a["render_id"], a["created_at"]) for a in answers} == {("raced", answers[0]["created_at"])}
    assert balance(TestClient(app), headers) == {"available": 97, "frozen": 3, "total": 100}
