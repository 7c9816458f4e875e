"""The openai engine against httpx.MockTransport: bodies, results, retries, error mapping."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from pydantic import SecretStr

from frameloom.domain.errors import Cancelled, EngineFailed, EngineUnavailable, InvalidRequest, UnknownStyle
from frameloom.domain.images import ImageRequest
from frameloom.domain.sizes import Size
from frameloom.engines import Hooks
from frameloom.engines.openai_images import OpenAIConfig, OpenAIImagesEngine, RetryPolicy
from frameloom.engines.openai_images.retry import parse_retry_after
from frameloom.settings import Settings

BASE = "https://images.example/v1"
Handler = Callable[[httpx.Request], httpx.Response]


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def ok(width: int = 64, height: int = 64, **extra: Any) -> httpx.Response:
    item = {"b64_json": base64.b64encode(png(width, height)).decode(), **extra}
    return httpx.Response(200, json={"created": 1, "data": [item]})


def error(status: int, message: str = "nope", headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": message, "type": "x", **fields}}, headers=headers)


class Recorder:
    """A MockTransport handler that answers from a script and keeps what it was sent."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.method == "POST"]


def make_engine(recorder: Recorder, sleeps: list[float] | None = None, **config: Any) -> OpenAIImagesEngine:
    retry = config.pop("retry", RetryPolicy(jitter=0.0))
    cfg = OpenAIConfig(base_url=BASE, api_key="sk-test", retry=retry, **config)
    slept = sleeps if sleeps is not None else []
    return OpenAIImagesEngine(cfg, transport=httpx.MockTransport(recorder), sleep=slept.append)


def request(**kwargs: Any) -> ImageRequest:
    args: dict[str, Any] = {"prompt": "a fox", "width": 128, "height": 72, "seed": 5, **kwargs}
    return ImageRequest(**args)


# --- success ----------------------------------------------------------------------------------


def test_posts_one_request_per_result_with_the_key_and_fits_the_size() -> None:
    recorder = Recorder(ok(128, 72))
    (result,) = make_engine(recorder).generate(request())
    (sent,) = recorder.requests
    assert sent.url == f"{BASE}/images/generations"
    assert sent.headers["Authorization"] == "Bearer sk-test"
    assert json.loads(sent.content) == {"model": "gpt-image-1", "prompt": "a fox", "n": 1, "size": "128x72"}
    assert result.image.size == (128, 72)
    assert result.image.mode == "RGB"
    assert (result.seed, result.engine) == (5, "openai")


def test_n_results_take_n_calls_with_consecutive_seeds_when_the_seed_is_sent() -> None:
    recorder = Recorder(ok(128, 72))
    results = make_engine(recorder, send_seed=True).generate(request(seed=40, n=3))
    assert [r.seed for r in results] == [40, 41, 42]
    assert [b["seed"] for b in recorder.bodies()] == [40, 41, 42]
    assert all(b["n"] == 1 for b in recorder.bodies())


def test_dall_e_models_ask_for_base64_and_gpt_image_models_do_not() -> None:
    recorder = Recorder(ok())
    make_engine(recorder, model="dall-e-3").generate(request())
    make_engine(recorder, model="gpt-image-1").generate(request())
    dall_e, gpt_image = recorder.bodies()
    assert dall_e["response_format"] == "b64_json"
    assert "response_format" not in gpt_image


def test_a_style_adds_its_words_and_an_unknown_one_is_refused_before_any_call() -> None:
    recorder = Recorder(ok())
    make_engine(recorder).generate(request(style="watercolour"))
    assert recorder.bodies()[0]["prompt"].startswith("a fox, watercolor painting")
    with pytest.raises(UnknownStyle):
        make_engine(recorder).generate(request(style="no-such-style"))
    assert len(recorder.requests) == 1


def test_the_closest_accepted_size_is_asked_and_the_answer_cover_fitted() -> None:
    sizes = (Size(1024, 1024), Size(1536, 1024), Size(1024, 1536))
    recorder = Recorder(lambda r: ok(*map(int, json.loads(r.content)["size"].split("x"))))
    (wide,) = make_engine(recorder, sizes=sizes).generate(request(width=1920, height=1080))
    (tall,) = make_engine(recorder, sizes=sizes).generate(request(width=1080, height=1920))
    (square,) = make_engine(recorder, sizes=sizes).generate(request(width=512, height=512))
    assert [b["size"] for b in recorder.bodies()] == ["1536x1024", "1024x1536", "1024x1024"]
    assert (wide.image.size, tall.image.size, square.image.size) == ((1920, 1080), (1080, 1920), (512, 512))
    assert wide.info["asked_size"] == "1536x1024"


def test_a_result_given_as_a_url_is_downloaded_without_the_key() -> None:
    def handler(r: httpx.Request) -> httpx.Response:
        if r.method == "POST":
            return httpx.Response(200, json={"data": [{"url": "https://cdn.example/x.png", "revised_prompt": "a red fox"}]})
        return httpx.Response(200, content=png(64, 64))

    recorder = Recorder(handler)
    (result,) = make_engine(recorder).generate(request())
    download = recorder.requests[1]
    assert str(download.url) == "https://cdn.example/x.png"
    assert "Authorization" not in download.headers
    assert result.info["revised_prompt"] == "a red fox"


def test_the_answer_is_decoded_into_the_pixels_sent() -> None:
    recorder = Recorder(httpx.Response(200, json={"data": [{"b64_json": base64.b64encode(png(128, 72, (1, 2, 3))).decode()}]}))
    (result,) = make_engine(recorder).generate(request())
    assert np.asarray(result.image)[10, 10].tolist() == [1, 2, 3]


def test_progress_per_result_and_a_cancel_between_calls() -> None:
    recorder = Recorder(ok(128, 72))
    seen: list[float] = []
    make_engine(recorder).generate(request(n=4), Hooks(progress=seen.append))
    assert seen == [0.25, 0.5, 0.75, 1.0]
    with pytest.raises(Cancelled):
        make_engine(recorder).generate(request(n=4), Hooks(cancelled=lambda: len(recorder.requests) >= 6))
    assert len(recorder.requests) == 6


# --- input the engine cannot take ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"init_image": png(64, 64)}, "init_image"), ({"negative_prompt": "blur"}, "negative_prompt")]
)
def test_what_the_endpoint_cannot_take_is_refused_before_any_call(kwargs: dict[str, Any], field: str) -> None:
    recorder = Recorder(ok())
    with pytest.raises(InvalidRequest) as exc:
        make_engine(recorder).generate(request(**kwargs))
    assert [p.field for p in exc.value.problems] == [field]
    assert recorder.requests == []


# --- retries ------------------------------------------------------------------------------------


def test_a_429_is_retried_after_the_seconds_retry_after_asks() -> None:
    sleeps: list[float] = []
    recorder = Recorder(error(429, "slow down", {"Retry-After": "2"}), ok())
    (result,) = make_engine(recorder, sleeps).generate(request())
    assert len(recorder.requests) == 2
    assert sum(sleeps) == 2.0
    assert result.image.size == (128, 72)


def test_5xx_without_retry_after_backs_off_exponentially() -> None:
    sleeps: list[float] = []
    recorder = Recorder(error(500), httpx.Response(502, text="bad gateway"), error(503), ok())
    make_engine(recorder, sleeps).generate(request())
    assert len(recorder.requests) == 4
    assert sum(sleeps) == pytest.approx(0.5 + 1.0 + 2.0)


def test_network_errors_are_retried_then_reported() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(EngineFailed) as exc:
        make_engine(recorder).generate(request())
    assert len(recorder.requests) == 4
    assert "cannot reach https://images.example/v1" in str(exc.value)


def test_attempts_are_bounded_and_the_last_retry_after_is_carried() -> None:
    recorder = Recorder(error(429, "rate limited", {"Retry-After": "1"}))
    with pytest.raises(EngineFailed) as exc:
        make_engine(recorder, retry=RetryPolicy(max_attempts=3, jitter=0.0)).generate(request())
    assert len(recorder.requests) == 3
    assert exc.value.retry_after == 1.0
    assert "429: rate limited (after 3 attempts)" in str(exc.value)


def test_a_wait_past_the_time_budget_is_not_made() -> None:
    sleeps: list[float] = []
    recorder = Recorder(error(503, "maintenance", {"Retry-After": "120"}), ok())
    with pytest.raises(EngineFailed) as exc:
        make_engine(recorder, sleeps, retry=RetryPolicy(max_total_wait_s=60, jitter=0.0)).generate(request())
    assert len(recorder.requests) == 1
    assert sleeps == []
    assert exc.value.retry_after == 120.0


def test_a_cancel_during_a_wait_stops_the_retries() -> None:
    cancel = {"now": False}

    def sleep(seconds: float) -> None:
        cancel["now"] = True

    recorder = Recorder(error(429, headers={"Retry-After": "30"}), ok())
    engine = OpenAIImagesEngine(OpenAIConfig(base_url=BASE), transport=httpx.MockTransport(recorder), sleep=sleep)
    with pytest.raises(Cancelled):
        engine.generate(request(), Hooks(cancelled=lambda: cancel["now"]))
    assert len(recorder.requests) == 1


# --- errors mapped into the domain tree --------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_makes_the_engine_unavailable(status: int) -> None:
    recorder = Recorder(error(status, "Incorrect API key provided"))
    with pytest.raises(EngineUnavailable) as exc:
        make_engine(recorder).generate(request())
    assert "FRAMELOOM_OPENAI_API_KEY" in str(exc.value)
    assert "Incorrect API key provided" in str(exc.value)
    assert len(recorder.requests) == 1


def test_not_found_points_at_the_base_url_and_model() -> None:
    with pytest.raises(EngineUnavailable, match="FRAMELOOM_OPENAI_BASE_URL"):
        make_engine(Recorder(httpx.Response(404, text="Not Found"))).generate(request())


def test_a_400_is_an_invalid_request_on_the_servers_param_with_its_message() -> None:
    recorder = Recorder(error(400, "size must be one of 1024x1024, 1536x1024", param="size"))
    with pytest.raises(InvalidRequest) as exc:
        make_engine(recorder).generate(request())
    (problem,) = exc.value.problems
    assert (problem.field, problem.problem) == ("size", "size must be one of 1024x1024, 1536x1024")
    assert len(recorder.requests) == 1


def test_a_400_without_param_is_on_the_prompt() -> None:
    recorder = Recorder(error(400, "Your request was rejected by the safety system", code="content_policy_violation"))
    with pytest.raises(InvalidRequest) as exc:
        make_engine(recorder).generate(request())
    assert exc.value.problems[0].field == "prompt"


def test_other_client_errors_fail_at_once() -> None:
    recorder = Recorder(httpx.Response(413, text="too big"))
    with pytest.raises(EngineFailed, match="413: too big"):
        make_engine(recorder).generate(request())
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json={"data": []}),
        httpx.Response(200, json={"data": [{"b64_json": "***"}]}),
        httpx.Response(200, json={"data": [{"b64_json": base64.b64encode(b"not a png").decode()}]}),
        httpx.Response(200, json={"data": [{"other": 1}]}),
    ],
    ids=["not-json", "no-data", "bad-base64", "not-an-image", "no-image-field"],
)
def test_a_broken_answer_is_engine_failed(answer: httpx.Response) -> None:
    with pytest.raises(EngineFailed):
        make_engine(Recorder(answer)).generate(request())


# --- settings and Retry-After ----------------------------------------------------------------


def test_unconfigured_is_unavailable_and_names_the_settings(settings: Settings) -> None:
    with pytest.raises(EngineUnavailable, match="FRAMELOOM_OPENAI_API_KEY"):
        OpenAIConfig.from_settings(settings)


def test_a_key_alone_means_openai_itself(settings: Settings) -> None:
    config = OpenAIConfig.from_settings(settings.model_copy(update={"openai_api_key": SecretStr("sk-x")}))
    assert config.base_url == "https://api.openai.com/v1"
    assert config.api_key == "sk-x"


def test_settings_read_the_sizes_and_retry_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("FRAMELOOM_OPENAI_SIZES", "1024x1024, 1536x1024")
    monkeypatch.setenv("FRAMELOOM_OPENAI_MAX_ATTEMPTS", "2")
    config = OpenAIConfig.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert config.base_url == "http://127.0.0.1:9/v1"
    assert config.api_key is None
    assert config.sizes == (Size(1024, 1024), Size(1536, 1024))
    assert config.retry.max_attempts == 2


def test_a_bad_size_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_OPENAI_SIZES", "1024 by 1024")
    with pytest.raises(ValueError, match="not WIDTHxHEIGHT"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("0.5", 0.5), ("-4", 0.0), ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0), ("soon", None), (None, None)],
)
def test_retry_after_reads_seconds_and_http_dates(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) == seconds
