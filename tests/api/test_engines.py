from __future__ import annotations

from fastapi.testclient import TestClient

from frameloom.api import create_app
from frameloom.domain.errors import EngineUnavailable
from frameloom.domain.images import STYLES
from frameloom.engines import Engine, default_registry
from frameloom.settings import Settings


def test_lists_the_engines_in_an_envelope(client: TestClient) -> None:
    response = client.get("/api/engines")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"]) == (0, "ok")
    data = body["data"]
    assert data["default"] == "compose"
    (compose,) = [e for e in data["engines"] if e["name"] == "compose"]
    assert compose["default"] is True
    assert compose["available"] is True
    assert compose["capabilities"]["text_to_image"] is True
    assert compose["capabilities"]["offline"] is True
    assert compose["capabilities"]["styles"] == list(STYLES)


def test_an_engine_that_cannot_run_is_listed_as_unavailable(settings: Settings) -> None:
    def missing() -> Engine:
        raise EngineUnavailable("install the extra: pip install 'frameloom[diffusers]'")

    registry = default_registry(settings)
    registry.register("diffusers", missing)
    client = TestClient(create_app(settings, registry=registry))
    engines = {e["name"]: e for e in client.get("/api/engines").json()["data"]["engines"]}
    assert engines["diffusers"]["available"] is False
    assert "frameloom[diffusers]" in engines["diffusers"]["problem"]
    assert engines["diffusers"]["capabilities"] is None
    assert engines["compose"]["available"] is True
