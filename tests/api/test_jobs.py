"""Generation jobs over HTTP: queue a video or images, poll, download; the price frozen then settled."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.settings import Settings


@pytest.fixture
def running(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"workers": 1}))) as client:
        yield client


def wait(client: TestClient, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        data: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def test_a_video_job_becomes_media_of_the_session(running: TestClient) -> None:
    headers = bearer(new_token(running))
    sid = running.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    response = running.post("/api/jobs/video", headers=headers, json={
        "prompt": "a lighthouse at dawn", "seconds": 2, "size": "320x176", "fps": 10, "seed": 5, "session_id": sid})
    assert response.status_code == 200, response.text
    job = response.json()["data"]
    assert (job["kind"], job["status"]) == ("video", "queued")
    done = wait(running, job["job_id"], headers)
    assert done["status"] == "completed", done
    assert (done["result"]["width"], done["result"]["height"], done["result"]["duration_ms"]) == (320, 176, 2000)
    assert running.get("/" + done["url"].split("/", 3)[3]).headers["content-type"] == "video/mp4"
    state = running.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert done["result"]["media_id"] in [m["media_id"] for m in state["media"]]
    assert running.get("/api/credits/balance/simple", headers=headers).json()["data"] == {
        "available": 98, "frozen": 0, "total": 98}


def frame_at_1s(client: TestClient, url: str) -> np.ndarray:
    """The frame at 1 s of the MP4 behind a download ``url``, RGB, as int."""
    with av.open(io.BytesIO(client.get("/" + url.split("/", 3)[3]).content), "r") as container:
        frame = next(f for f in container.decode(video=0) if f.time is not None and f.time >= 1.0)
    return frame.to_ndarray(format="rgb24").astype(int)


def test_a_video_job_draws_its_title(running: TestClient) -> None:
    headers = bearer(new_token(running))
    body = {"prompt": "a city street at night", "seconds": 2, "size": "320x176", "seed": 3}
    jobs = [running.post("/api/jobs/video", headers=headers, json=json).json()["data"]
            for json in ({**body, "title": "URBAN DREAMS"}, body)]
    titled, plain = (wait(running, job["job_id"], headers) for job in jobs)
    assert titled["status"] == plain["status"] == "completed", (titled, plain)
    with_title, without = frame_at_1s(running, titled["url"]), frame_at_1s(running, plain["url"])
    letters = (with_title.min(axis=2) > 190) & ((with_title - without).min(axis=2) > 40)
    rows = np.flatnonzero(letters.any(axis=1))
    assert letters.sum() > 100, "white letters drawn over the picture"
    assert rows[-1] - rows[0] < 40, "in one line (a 16 px title on 176 px)"


def test_an_engine_that_cannot_make_video_is_refused_before_any_credit_moves(running: TestClient) -> None:
    headers = bearer(new_token(running))
    refused = running.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "engine": "dalle"})
    assert refused.status_code == 400
    assert refused.json()["message"] == ("engine: 'dalle' cannot make a video; text to video draws with compose, "
                                         "diffusers, openai")
    assert running.get("/api/credits/balance/simple", headers=headers).json()["data"]["available"] == 100


def test_an_image_job_and_its_seeds(running: TestClient) -> None:
    headers = bearer(new_token(running))
    job = running.post("/api/jobs/image", headers=headers, json={"prompt": "a red fox", "n": 2, "size": "128x72",
                                                                  "seed": 11}).json()["data"]
    done = wait(running, job["job_id"], headers)
    assert done["status"] == "completed", done
    assert done["result"]["seeds"] == [11, 12]
    assert running.get("/api/credits/balance/simple", headers=headers).json()["data"]["available"] == 96


def test_bad_requests_freeze_nothing_and_other_accounts_see_nothing(running: TestClient) -> None:
    headers = bearer(new_token(running))
    bad = running.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "size": "320x180"})
    assert bad.status_code == 400
    assert "multiple of 8" in bad.json()["message"]
    job = running.post("/api/jobs/video", headers=headers, json={"prompt": "a boat", "seconds": 30,
                                                                  "size": "320x176"}).json()["data"]
    stranger = bearer(new_token(running))
    assert running.get(f"/api/jobs/{job['job_id']}", headers=stranger).json()["code"] == 1002
    assert running.delete(f"/api/jobs/{job['job_id']}", headers=stranger).json()["code"] == 1002
    cancelled = running.delete(f"/api/jobs/{job['job_id']}", headers=headers).json()["data"]
    assert cancelled["status"] == "cancelled"
    assert running.get("/api/credits/balance/simple", headers=headers).json()["data"] == {
        "available": 100, "frozen": 0, "total": 100}


def test_every_generation_door_goes_through_the_one_service(running: TestClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """/v1, image jobs and video jobs all submit through GenerationService (so its checks hold everywhere)."""
    generation = running.app.state.generation  # type: ignore[attr-defined]
    calls: list[str] = []
    real_submit = generation.jobs.submit

    def submit(who: Any, kind: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(kind))
        return real_submit(who, kind, *args, **kwargs)

    monkeypatch.setattr(generation.jobs, "submit", submit)
    headers = bearer(new_token(running))
    assert running.post("/v1/images/generations", headers=headers,
                        json={"prompt": "a red fox", "size": "1024x1024"}).status_code == 200
    assert running.post("/api/jobs/image", headers=headers,
                        json={"prompt": "a red fox", "size": "128x72"}).status_code == 200
    assert running.post("/api/jobs/video", headers=headers,
                        json={"prompt": "a red fox", "seconds": 1, "size": "128x72"}).status_code == 200
    assert calls == ["image", "image", "video"]


@pytest.mark.parametrize(("path", "body"), [
    ("/api/jobs/image", {"engine": "dalle-9"}),
    ("/api/jobs/image", {"style": "cubism"}),
    ("/api/jobs/video", {"style": "cubism"}),
    ("/api/jobs/video", {"engine": "dalle-9"}),
    ("/v1/images/generations", {"model": "dalle-9"}),
    ("/v1/images/generations", {"style": "cubism"}),
])
def test_an_unknown_engine_or_style_is_400_before_credits_move(running: TestClient, path: str,
                                                                body: dict[str, Any]) -> None:
    headers = bearer(new_token(running))
    response = running.post(path, headers=headers, json={"prompt": "a red fox", **body})
    assert response.status_code == 400, response.text
    assert running.get("/api/credits/balance/simple", headers=headers).json()["data"] == {
        "available": 100, "frozen": 0, "total": 100}


def test_a_style_alias_is_taken_by_video_jobs_too(running: TestClient) -> None:
    headers = bearer(new_token(running))
    response = running.post("/api/jobs/video", headers=headers,
                            json={"prompt": "a lake", "seconds": 1, "size": "128x72", "style": "Watercolour"})
    assert response.status_code == 200, response.text
