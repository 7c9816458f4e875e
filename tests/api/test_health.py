from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from frameloom import __version__
from frameloom.api import create_app
from frameloom.settings import Settings


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_when_ready(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"data_dir": "ok", "engine": "ok"}}


def test_readyz_when_the_data_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings = Settings(_env_file=None, data_dir=blocker / "data")  # type: ignore[call-arg]
    response = TestClient(create_app(settings)).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert "not a folder" in body["checks"]["data_dir"]
    assert body["checks"]["engine"] == "ok"


def test_every_response_has_a_request_id(client: TestClient) -> None:
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert first
    assert second
    assert first != second


def test_a_sane_incoming_request_id_is_kept(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "trace-123_abc.9"})
    assert response.headers["X-Request-Id"] == "trace-123_abc.9"


def test_an_insane_incoming_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "x" * 500})
    assert response.headers["X-Request-Id"] != "x" * 500
    assert len(response.headers["X-Request-Id"]) == 32


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/healthz", "/readyz", "/api/engines"} <= set(schema["paths"])


def test_readyz_when_the_default_engine_does_not_load(settings: Settings) -> None:
    from frameloom.engines import Engine, EngineRegistry

    def broken() -> Engine:
        raise ModuleNotFoundError("No module named 'somewhere'")

    registry = EngineRegistry("broken")
    registry.register("broken", broken)
    response = TestClient(create_app(settings, registry=registry)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["engine"] == "ModuleNotFoundError: No module named 'somewhere'"
