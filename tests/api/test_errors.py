"""The error table: domain errors and surprises become SPEC envelopes, never stack traces."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from frameloom.api import create_app
from frameloom.domain.errors import (
    EngineFailed,
    EngineUnavailable,
    InsufficientCredits,
    InvalidRequest,
    OutputError,
    PlanForbids,
    Problem,
    RateLimited,
    UnknownEngine,
)
from frameloom.settings import Settings


class Body(BaseModel):
    prompt: str
    n: int


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/api/test/invalid")
    def invalid() -> None:
        raise InvalidRequest([Problem("prompt", "must not be empty"), Problem("n", "9: must be 1 to 4")])

    @app.get("/api/test/unavailable")
    def unavailable() -> None:
        raise EngineUnavailable("install frameloom[diffusers]")

    @app.get("/api/test/failed")
    def failed() -> None:
        raise EngineFailed("the model ran out of memory")

    @app.get("/api/test/output")
    def output() -> None:
        raise OutputError("/srv/secret/path.png", "permission denied")

    @app.get("/api/test/crash")
    def crash() -> None:
        raise RuntimeError("secret internals")

    @app.post("/api/test/body")
    def body(payload: Body) -> dict[str, str]:
        return {"prompt": payload.prompt}

    return app


def test_invalid_request_is_400_with_each_field(client: TestClient) -> None:
    response = client.get("/api/test/invalid")
    assert response.status_code == 400
    assert response.json() == {
        "code": 400,
        "message": "prompt: must not be empty; n: 9: must be 1 to 4",
        "data": {"errors": [
            {"field": "prompt", "problem": "must not be empty"},
            {"field": "n", "problem": "9: must be 1 to 4"},
        ]},
    }


def test_unknown_engine_is_an_invalid_request(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/test/engine")
    def engine() -> None:
        raise UnknownEngine("dalle", ["compose"])

    body = TestClient(app).get("/api/test/engine").json()
    assert body["code"] == 400
    assert body["data"]["errors"][0]["field"] == "engine"


def test_unavailable_engine_is_400_on_the_engine_field(client: TestClient) -> None:
    response = client.get("/api/test/unavailable")
    assert response.status_code == 400
    assert response.json()["data"]["errors"] == [{"field": "engine", "problem": "install frameloom[diffusers]"}]


def test_engine_failure_is_500_with_its_message_and_the_request_id(client: TestClient) -> None:
    response = client.get("/api/test/failed")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == 500
    assert body["message"] == "the model ran out of memory"
    assert body["data"] == {"request_id": response.headers["X-Request-Id"]}


def test_output_error_hides_server_paths(client: TestClient) -> None:
    response = client.get("/api/test/output")
    assert response.status_code == 500
    assert "/srv/secret" not in response.text
    assert response.json()["data"]["request_id"] == response.headers["X-Request-Id"]


def test_unexpected_error_is_500_with_request_id_and_no_stack_trace(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get("/api/test/crash", headers={"X-Request-Id": "req-1"})
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] == "req-1"
    assert response.json() == {"code": 500, "message": "internal error", "data": {"request_id": "req-1"}}
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert any("req-1" in record.getMessage() for record in caplog.records)


def test_malformed_json_is_400_on_body(client: TestClient) -> None:
    response = client.post("/api/test/body", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["data"]["errors"] == [{"field": "body", "problem": "malformed JSON"}]


def test_invalid_fields_are_named(client: TestClient) -> None:
    response = client.post("/api/test/body", json={"n": "many"})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["data"]["errors"]}
    assert fields == {"prompt", "n"}


def test_unknown_route_is_a_404_envelope(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "Not Found", "data": {}}
    assert "X-Request-Id" in response.headers


def test_a_bad_default_engine_is_refused_when_the_app_is_built(settings: Settings) -> None:
    with pytest.raises(UnknownEngine):
        create_app(settings.model_copy(update={"engine": "dalle"}))


@pytest.fixture
def paid_app(settings: Settings) -> FastAPI:
    app = create_app(settings)

    @app.get("/api/test/short")
    def short() -> None:
        raise InsufficientCredits(6, 4, "bind_abc")

    @app.get("/api/test/short-registered")
    def short_registered() -> None:
        raise InsufficientCredits(6, 4)

    @app.get("/api/test/plan")
    def plan() -> None:
        raise PlanForbids("the free plan does not export; register to unlock export")

    @app.get("/api/test/slow-down")
    def slow_down() -> None:
        raise RateLimited("too many requests", 12)

    return app


def test_not_enough_credits_is_2001_with_the_register_url(paid_app: FastAPI) -> None:
    response = TestClient(paid_app).get("/api/test/short")
    assert response.status_code == 402
    assert response.json() == {
        "code": 2001, "message": "not enough credits: 6 required, 4 available",
        "data": {"required": 6, "available": 4, "register_url": "http://testserver/register?bind=bind_abc"},
    }


def test_the_register_url_uses_the_public_url(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"public_url": "https://studio.example.com"}))

    @app.get("/api/test/short")
    def short() -> None:
        raise InsufficientCredits(2, 0, "bind_x")

    data = TestClient(app).get("/api/test/short").json()["data"]
    assert data["register_url"] == "https://studio.example.com/register?bind=bind_x"


def test_a_registered_account_short_of_credits_gets_no_register_url(paid_app: FastAPI) -> None:
    assert TestClient(paid_app).get("/api/test/short-registered").json()["data"] == {"required": 6, "available": 4}


def test_a_plan_that_forbids_is_402_with_the_reason(paid_app: FastAPI) -> None:
    response = TestClient(paid_app).get("/api/test/plan")
    assert response.status_code == 402
    assert response.json()["code"] == 402
    assert response.json()["data"] == {"reason": "the free plan does not export; register to unlock export"}


def test_rate_limits_are_whole_seconds_in_the_header_and_the_data(paid_app: FastAPI) -> None:
    response = TestClient(paid_app).get("/api/test/slow-down")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "12"
    assert response.json()["data"] == {"retry_after": 12}
