"""Generation jobs (the agent's entry points): each freezes its price, then settles it or refunds it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.domain.jobs import JobStatus
from frameloom.domain.video import VideoRequest
from frameloom.services.jobs import JobService, JobView
from frameloom.settings import Settings


@pytest.fixture
def running(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"workers": 1}))) as client:
        yield client


def caller(client: TestClient) -> Principal:
    principal: Principal = client.app.state.auth.authenticate(  # type: ignore[attr-defined]
        bearer(new_token(client))["Authorization"])
    return principal


def settle(jobs: JobService, who: Principal, view: JobView) -> JobView:
    deadline = time.monotonic() + 60
    while not view.status.final and time.monotonic() < deadline:
        time.sleep(0.05)
        view = jobs.status(who, view.key, "http://x")
    return view


def test_an_image_job_stores_images_and_spends_two_credits_each(running: TestClient) -> None:
    jobs: JobService = running.app.state.job_service  # type: ignore[attr-defined]
    who = caller(running)
    view = jobs.generate_image(who, ImageRequest(prompt="a fox at sunset", width=128, height=72, seed=7, n=2),
                               None)
    assert running.app.state.credits.balance(who.account_id).frozen == 4  # type: ignore[attr-defined]
    done = settle(jobs, who, view)
    assert done.status is JobStatus.COMPLETED, done.error
    assert done.result is not None
    assert len(done.result["media_ids"]) == 2
    assert done.result["seeds"] == [7, 8]
    balance = running.app.state.credits.balance(who.account_id)  # type: ignore[attr-defined]
    assert (balance.available, balance.frozen) == (96, 0)


def test_a_video_job_renders_an_mp4_for_one_credit_a_second(running: TestClient) -> None:
    jobs: JobService = running.app.state.job_service  # type: ignore[attr-defined]
    who = caller(running)
    request = VideoRequest(prompt="a lighthouse by the sea", seconds=2, width=320, height=176, fps=10, seed=3)
    done = settle(jobs, who, jobs.generate_video(who, request))
    assert done.status is JobStatus.COMPLETED, done.error
    assert done.result is not None
    assert (done.result["format"], done.result["height"], done.result["duration_ms"]) == ("mp4", 176, 2000)
    balance = running.app.state.credits.balance(who.account_id)  # type: ignore[attr-defined]
    assert (balance.available, balance.frozen) == (98, 0)


def test_a_failing_generation_refunds(running: TestClient) -> None:
    jobs: JobService = running.app.state.job_service  # type: ignore[attr-defined]
    who = caller(running)
    view = jobs.generate_image(who, ImageRequest(prompt="a fox", width=128, height=72, seed=1), "no-such-engine")
    done = settle(jobs, who, view)
    assert done.status is JobStatus.FAILED
    assert "no-such-engine" in (done.error or "")
    balance = running.app.state.credits.balance(who.account_id)  # type: ignore[attr-defined]
    assert (balance.available, balance.frozen) == (100, 0)


def test_a_bad_video_request_is_refused_before_anything_is_frozen(running: TestClient) -> None:
    jobs: JobService = running.app.state.job_service  # type: ignore[attr-defined]
    who = caller(running)
    with pytest.raises(InvalidRequest, match="multiple of 8"):
        jobs.generate_video(who, VideoRequest(prompt="a boat", seconds=2, width=320, height=180))
    assert running.app.state.credits.balance(who.account_id).frozen == 0  # type: ignore[attr-defined]
