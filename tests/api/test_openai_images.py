"""``POST /v1/images/generations`` driven by the official ``openai`` client against a real uvicorn server,
and the credits it freezes, settles and refunds, also under concurrent requests."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import openai
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.domain.errors import EngineFailed
from frameloom.domain.images import ImageRequest
from frameloom.engines import Engine, default_registry
from frameloom.engines.base import NO_HOOKS, Capabilities, GeneratedImage, Hooks
from frameloom.settings import Settings
from frameloom.store.models import Generation, Job

BALANCE = "/api/credits/balance/simple"


class FlatEngine(Engine):
    """Plain colour at the requested size: cheap, so many requests can run at once."""

    name = "flat"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities()

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        return [GeneratedImage(Image.new("RGB", (request.width, request.height), (9, 9, 9)), seed, self.name)
                for seed in request.seeds()]


class BrokenEngine(FlatEngine):
    name = "broken"

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        raise EngineFailed("the engine broke")


class BusyEngine(FlatEngine):
    """A remote service that answered 429 with Retry-After: 7."""

    name = "busy"

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        raise EngineFailed("the service is busy", retry_after=6.2)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    registry = default_registry(settings)
    registry.register("flat", FlatEngine)
    registry.register("broken", BrokenEngine)
    registry.register("busy", BusyEngine)
    return create_app(settings, registry=registry)


@pytest.fixture
def server(app: FastAPI, live_server: Callable[[Any], str]) -> str:
    return live_server(app)


@pytest.fixture
def token(app: FastAPI) -> str:
    return new_token(TestClient(app))


@pytest.fixture
def oai(server: str, token: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=token, max_retries=0)


def _balance(server: str, token: str) -> dict[str, int]:
    data: dict[str, int] = httpx.get(server + BALANCE, headers=bearer(token)).json()["data"]
    return data


def test_url_images_from_the_compose_engine(oai: openai.OpenAI, server: str, token: str) -> None:
    result = oai.images.generate(prompt="a fox reading a book", size="1024x1024", response_format="url",
                                 extra_body={"seed": 7})
    assert result.data is not None
    (item,) = result.data
    assert item.url is not None
    assert item.url.startswith(server + "/files/")
    with Image.open(io.BytesIO(httpx.get(item.url).content)) as png:
        assert (png.format, png.size) == ("PNG", (1024, 1024))
        assert png.info["seed"] == "7"
        assert png.info["engine"] == "compose"
    assert result.size == "1024x1024"
    assert _balance(server, token) == {"available": 98, "frozen": 0, "total": 98}


def test_b64_json_images(oai: openai.OpenAI, server: str, token: str) -> None:
    result = oai.images.generate(prompt="a lighthouse", model="flat", n=3, size="1080x1920",
                                 response_format="b64_json")
    assert result.data is not None
    assert len(result.data) == 3
    for item in result.data:
        assert item.b64_json is not None
        assert item.url is None
        with Image.open(io.BytesIO(base64.b64decode(item.b64_json))) as png:
            assert png.size == (1080, 1920)
    assert _balance(server, token)["available"] == 94


def test_auto_size_is_1080p(oai: openai.OpenAI) -> None:
    result = oai.images.generate(prompt="x", model="flat", size="auto", response_format="b64_json")
    assert result.size == "1920x1080"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"model": "dall-e-9"}, "engine"), ({"size": "512x512"}, "size"), ({"n": 5}, "n"),
     ({"prompt": ""}, "prompt"), ({"prompt": "x" * 4001}, "prompt"), ({"style": "cubism", "model": "compose"}, "style"),
     ({"quality": "ultra"}, "quality"), ({"extra_body": {"seed": -1}}, "seed")],
)
def test_bad_requests_answer_in_openai_shape(oai: openai.OpenAI, kwargs: dict[str, Any], param: str) -> None:
    call: dict[str, Any] = {"prompt": "a cat", "model": "flat", "size": "1024x1024", **kwargs}
    with pytest.raises(openai.BadRequestError) as caught:
        oai.images.generate(**call)
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "400"
    assert error["param"] == param
    assert error["message"]


def test_a_bad_token_is_an_openai_authentication_error(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="fl_" + "x" * 43, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.images.generate(prompt="a cat", model="flat")
    assert caught.value.body == {"message": "token unknown or expired", "type": "authentication_error",
                                 "code": "1001", "param": None}


def test_not_enough_credits_is_402_with_the_register_url(
    oai: openai.OpenAI, app: FastAPI, server: str, token: str
) -> None:
    account_id = app.state.auth.authenticate(f"Bearer {token}").account_id
    app.state.credits.top_up(account_id, -88)
    oai.images.generate(prompt="x", model="flat", n=4, size="1024x1024")  # 8 credits
    assert _balance(server, token)["available"] == 4
    with pytest.raises(openai.APIStatusError) as caught:
        oai.images.generate(prompt="x", model="flat", n=3, size="1024x1024")
    assert caught.value.status_code == 402
    error = caught.value.body
    assert isinstance(error, dict)
    assert (error["type"], error["code"]) == ("insufficient_quota", "2001")
    assert error["data"]["required"] == 6
    assert error["data"]["available"] == 4
    assert error["data"]["register_url"].startswith(f"{server}/register?bind=bind_")


def test_a_failed_generation_gives_the_credits_back(oai: openai.OpenAI, server: str, token: str) -> None:
    with pytest.raises(openai.InternalServerError) as caught:
        oai.images.generate(prompt="x", model="broken", n=2, size="1024x1024")
    error = caught.value.body
    assert isinstance(error, dict)
    assert (error["message"], error["type"], error["code"]) == ("the engine broke", "server_error", "500")
    assert _balance(server, token) == {"available": 100, "frozen": 0, "total": 100}


def test_a_busy_engine_is_503_with_retry_after_and_a_refund(server: str, token: str) -> None:
    response = httpx.post(f"{server}/v1/images/generations", headers=bearer(token), timeout=60,
                          json={"prompt": "x", "model": "busy", "size": "1024x1024"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    error = response.json()["error"]
    assert (error["message"], error["code"], error["data"]["retry_after"]) == ("the service is busy", "503", 7)
    assert _balance(server, token) == {"available": 100, "frozen": 0, "total": 100}


def test_the_route_and_image_jobs_share_one_path(app: FastAPI, server: str, token: str) -> None:
    """A /v1 request is an image job like POST /api/jobs/image: a job row, a generation with its hold."""
    oai = openai.OpenAI(base_url=f"{server}/v1", api_key=token)
    oai.images.generate(prompt="a fox", model="flat", n=2, size="1024x1024", extra_body={"seed": 4})
    queued = httpx.post(f"{server}/api/jobs/image", headers=bearer(token),
                        json={"prompt": "a fox", "engine": "flat", "n": 2, "size": "1024x1024", "seed": 4})
    job_id = queued.json()["data"]["job_id"]
    for _ in range(200):
        if httpx.get(f"{server}/api/jobs/{job_id}", headers=bearer(token)).json()["data"]["status"] == "completed":
            break
        time.sleep(0.05)
    with app.state.db.read() as session:
        jobs = session.execute(select(Job).order_by(Job.created_at)).scalars().all()
        generations = session.execute(select(Generation)).scalars().all()
    assert [(j.kind, j.status, j.payload["engine"]) for j in jobs] == [("image", "completed", "flat")] * 2
    assert sorted(g.hold_id for g in generations) == sorted(j.hold_id for j in jobs)
    assert all(g.hold_id for g in generations)
    assert _balance(server, token) == {"available": 92, "frozen": 0, "total": 92}


@pytest.mark.parametrize("body", [{"model": "dalle-9"}, {"style": "cubism"}, {"model": "flat", "n": 9}])
def test_unknown_engines_and_styles_cost_nothing_on_every_door(server: str, token: str, body: dict[str, Any]) -> None:
    v1 = httpx.post(f"{server}/v1/images/generations", headers=bearer(token), json={"prompt": "x", **body})
    jobs_body = {"prompt": "x", **{("engine" if k == "model" else k): v for k, v in body.items()}}
    job = httpx.post(f"{server}/api/jobs/image", headers=bearer(token), json=jobs_body)
    assert (v1.status_code, job.status_code) == (400, 400)
    assert _balance(server, token) == {"available": 100, "frozen": 0, "total": 100}


def test_style_aliases_are_taken_on_every_door(server: str, token: str) -> None:
    v1 = httpx.post(f"{server}/v1/images/generations", headers=bearer(token),
                    json={"prompt": "a lake", "style": "watercolour", "size": "1024x1024"})
    assert v1.status_code == 200, v1.text
    job = httpx.post(f"{server}/api/jobs/image", headers=bearer(token),
                     json={"prompt": "a lake", "style": "Watercolour", "size": "128x72"})
    assert job.status_code == 200, job.text


def test_concurrent_requests_never_overspend(server: str, token: str) -> None:
    """100 credits, 80 requests of 2 credits at once: exactly 50 succeed, nothing stays frozen."""

    def one(_: int) -> int:
        response = httpx.post(f"{server}/v1/images/generations", headers=bearer(token), timeout=60,
                              json={"prompt": "x", "model": "flat", "size": "1024x1024", "response_format": "url"})
        return response.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(one, range(80)))
    assert statuses.count(200) == 50
    assert statuses.count(402) == 30
    assert _balance(server, token) == {"available": 0, "frozen": 0, "total": 0}


def test_concurrent_requests_on_each_backend(backend_settings: Settings, live_server: Callable[[Any], str]) -> None:
    registry = default_registry(backend_settings)
    registry.register("flat", FlatEngine)
    app = create_app(backend_settings, registry=registry)
    token = new_token(TestClient(app))
    server = live_server(app)

    def one(_: int) -> int:
        return httpx.post(f"{server}/v1/images/generations", headers=bearer(token), timeout=60,
                          json={"prompt": "x", "model": "flat", "n": 3, "size": "1024x1024"}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(one, range(24)))
    assert statuses.count(200) == 16  # 16 x 6 = 96 of 100
    assert _balance(server, token) == {"available": 4, "frozen": 0, "total": 4}
