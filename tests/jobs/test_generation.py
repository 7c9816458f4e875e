"""Generation jobs (the agent's entry points): each freezes its price, then settles it or refunds it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token, services_of

from frameloom.api import create_app
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import EngineFailed, InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.domain.jobs import JobFailure, JobStatus
from frameloom.domain.video import VideoRequest
from frameloom.engines import Engine, default_registry
from frameloom.engines.base import NO_HOOKS, Capabilities, GeneratedImage, Hooks
from frameloom.services.container import Services
from frameloom.services.generation import ImageOrder
from frameloom.services.jobs import JobService, JobView
from frameloom.settings import Settings


class BusyEngine(Engine):
    """A remote engine whose service answers "busy, come back in 5 s"."""

    name = "busy"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities()

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        raise EngineFailed("the service is busy", retry_after=5.0)


@pytest.fixture
def running(settings: Settings) -> Iterator[TestClient]:
    registry = default_registry(settings)
    registry.register("busy", BusyEngine)
    with TestClient(create_app(settings.model_copy(update={"workers": 1}), registry=registry)) as client:
        yield client


def services(client: TestClient) -> Services:
    return services_of(client)


def caller(client: TestClient) -> Principal:
    return services(client).auth.authenticate(bearer(new_token(client))["Authorization"])


def settle(jobs: JobService, who: Principal, view: JobView) -> JobView:
    deadline = time.monotonic() + 60
    while not view.status.final and time.monotonic() < deadline:
        time.sleep(0.05)
        view = jobs.status(who, view.key, "http://x")
    return view


def test_an_image_job_stores_images_and_spends_two_credits_each(running: TestClient) -> None:
    app = services(running)
    who = caller(running)
    view = app.generation.image(who, ImageOrder(prompt="a fox at sunset", width=128, height=72, seed=7, n=2))
    assert app.credits.balance(who.account_id).frozen == 4
    done = settle(app.job_service, who, view)
    assert done.status is JobStatus.COMPLETED, done.error
    assert done.result is not None
    assert [f.seed for f in done.result.files] == [7, 8]
    assert len(done.links) == 2
    assert all(link.startswith("http://x/files/") for link in done.links)
    balance = app.credits.balance(who.account_id)
    assert (balance.available, balance.frozen) == (96, 0)


def test_a_video_job_renders_an_mp4_for_one_credit_a_second(running: TestClient) -> None:
    app = services(running)
    who = caller(running)
    request = VideoRequest(prompt="a lighthouse by the sea", seconds=2, width=320, height=176, fps=10, seed=3)
    done = settle(app.job_service, who, app.generation.video(who, request))
    assert done.status is JobStatus.COMPLETED, done.error
    assert done.result is not None
    file = done.result.first
    assert (file.format, file.height, file.duration_ms) == ("mp4", 176, 2000)
    balance = app.credits.balance(who.account_id)
    assert (balance.available, balance.frozen) == (98, 0)


def test_a_failing_generation_refunds_and_keeps_the_engine_s_retry_after(running: TestClient) -> None:
    app = services(running)
    who = caller(running)
    view = app.generation.image(who, ImageOrder(prompt="a fox", width=128, height=72, seed=1, engine="busy"))
    done = settle(app.job_service, who, view)
    assert done.status is JobStatus.FAILED
    assert done.failure == JobFailure("EngineFailed", "the service is busy", 5.0)
    with pytest.raises(EngineFailed) as raised:
        done.raise_if_unfinished()
    assert raised.value.retry_after == 5.0
    balance = app.credits.balance(who.account_id)
    assert (balance.available, balance.frozen) == (100, 0)


@pytest.mark.parametrize("order", [
    ImageOrder(prompt="a fox", width=128, height=72, engine="no-such-engine"),
    ImageOrder(prompt="a fox", width=128, height=72, style="cubism"),
    ImageOrder(prompt="a fox", width=128, height=70),
])
def test_a_bad_image_order_is_refused_before_anything_is_frozen(running: TestClient, order: ImageOrder) -> None:
    app = services(running)
    who = caller(running)
    with pytest.raises(InvalidRequest):
        app.generation.image(who, order)
    assert app.credits.balance(who.account_id).frozen == 0


def test_a_bad_video_request_is_refused_before_anything_is_frozen(running: TestClient) -> None:
    with pytest.raises(InvalidRequest, match="multiple of 8"):
        VideoRequest(prompt="a boat", seconds=2, width=320, height=180)
