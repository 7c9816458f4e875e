"""The openai engine over real HTTP: a fake OpenAI-compatible server, and frameloom's own API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import pytest
from tests.engines.conftest import FakeImagesServer

from frameloom.api import create_app
from frameloom.domain.errors import EngineFailed, EngineUnavailable, InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.domain.sizes import Size
from frameloom.engines import default_registry
from frameloom.engines.openai_images import OpenAIConfig, OpenAIImagesEngine, RetryPolicy
from frameloom.settings import Settings

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_total_wait_s=5)


def engine_for(url: str, **config: Any) -> OpenAIImagesEngine:
    return OpenAIImagesEngine(OpenAIConfig(base_url=f"{url}/v1", api_key="sk-test", retry=FAST, **config))


def test_results_retries_and_errors_over_a_real_socket(live_server: Callable[[Any], str]) -> None:
    fake = FakeImagesServer(failures=[(429, {"Retry-After": "0"}, {"error": {"message": "busy"}})])
    engine = engine_for(live_server(fake.app()), send_seed=True)

    results = engine.generate(ImageRequest(prompt="a fox", width=128, height=72, seed=3, n=2))
    assert [r.seed for r in results] == [3, 4]
    assert [r.image.size for r in results] == [(128, 72), (128, 72)]
    assert [b.get("seed") for b in fake.bodies] == [3, 3, 4]  # the 429, its retry, the second result
    assert fake.headers[0]["authorization"] == "Bearer sk-test"
    assert not np.array_equal(np.asarray(results[0].image), np.asarray(results[1].image))

    fake.failures += [(503, {"Retry-After": "0"}, {"error": {"message": "down"}})] * 3
    with pytest.raises(EngineFailed, match="503: down") as failed:
        engine.generate(ImageRequest(prompt="a fox", width=128, height=72))
    assert failed.value.retry_after == 0.0

    fake.failures.append((400, {}, {"error": {"message": "prompt too long", "param": "prompt"}}))
    with pytest.raises(InvalidRequest, match="prompt too long"):
        engine.generate(ImageRequest(prompt="a fox", width=128, height=72))

    fake.failures.append((401, {}, {"error": {"message": "bad key"}}))
    with pytest.raises(EngineUnavailable, match="bad key"):
        engine.generate(ImageRequest(prompt="a fox", width=128, height=72))
    engine.close()


def test_a_server_that_is_not_there_fails_after_the_retries() -> None:
    engine = OpenAIImagesEngine(OpenAIConfig(base_url="http://127.0.0.1:9/v1", retry=FAST, timeout_s=2))
    with pytest.raises(EngineFailed, match="cannot reach"):
        engine.generate(ImageRequest(prompt="a fox", width=64, height=64))


def test_frameloom_serves_frameloom(settings: Settings, live_server: Callable[[Any], str]) -> None:
    """The engine drives frameloom's own ``/v1/images/generations`` (the compose engine behind it)."""
    url = live_server(create_app(settings, registry=default_registry(settings)))
    token = httpx.post(f"{url}/api/auth/anonymous-token", headers={"X-Client-Id": "engine-test"}).json()["data"]["token"]
    sizes = (Size(1920, 1080), Size(1080, 1920), Size(1024, 1024))
    engine = OpenAIImagesEngine(OpenAIConfig(base_url=f"{url}/v1", api_key=token, model="compose", sizes=sizes,
                                             send_seed=True, retry=FAST))
    first, again = (engine.generate(ImageRequest(prompt="a fox in a forest", width=256, height=256, seed=9))[0]
                    for _ in range(2))
    assert first.image.size == (256, 256)
    assert first.info["asked_size"] == "1024x1024"
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))  # the seed went through
    engine.close()
