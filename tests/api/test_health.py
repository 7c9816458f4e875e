from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr

from frameloom import __version__
from frameloom.api import create_app
from frameloom.settings import Settings

READY = {"data_dir": "ok", "database": "ok", "storage": "ok", "queue": "ok", "engine": "ok"}


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_when_ready(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": READY}


def test_readyz_on_each_database_backend(backend_settings: Settings) -> None:
    response = TestClient(create_app(backend_settings)).get("/readyz")
    assert response.json() == {"status": "ready", "checks": READY}


def test_readyz_when_the_data_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=blocker / "data", database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        secret_key=SecretStr("k" * 32),
    )
    response = TestClient(create_app(settings)).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert "not a folder" in body["checks"]["data_dir"]
    assert body["checks"]["storage"].startswith("media folder not writable")
    assert body["checks"]["queue"].startswith("queue unreachable")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["engine"] == "ok"


def test_readyz_when_the_database_is_gone(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings)
    app.state.db.dispose()
    from frameloom.store.db import Database

    app.state.db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    body = TestClient(app).get("/readyz").json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"].startswith("database unreachable")
    assert "nobody" not in body["checks"]["database"]


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
    assert {"/healthz", "/readyz", "/api/engines", "/api/credits/balance/simple"} <= set(schema["paths"])


def test_readyz_when_the_default_engine_does_not_load(settings: Settings) -> None:
    from frameloom.engines import Engine, EngineRegistry

    def broken() -> Engine:
        raise ModuleNotFoundError("No module named 'somewhere'")

    registry = EngineRegistry("broken")
    registry.register("broken", broken)
    response = TestClient(create_app(settings, registry=registry)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["engine"] == "ModuleNotFoundError: No module named 'somewhere'"
