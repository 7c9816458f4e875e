"""Which storage a process gets from its settings, and how ``/readyz`` reports an unreachable one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frameloom.api import create_app
from frameloom.domain.errors import InvalidRequest
from frameloom.settings import Settings, load_settings
from frameloom.store.s3 import S3Storage, parse_s3_url
from frameloom.store.storage import LocalStorage, open_storage


def test_no_s3_url_means_local_disk(tmp_path: Path) -> None:
    storage = open_storage(None, None, tmp_path / "media")
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "media"


def test_an_s3_url_names_bucket_and_prefix(tmp_path: Path) -> None:
    storage = open_storage("s3://media.example-1/prod/frameloom/", "http://127.0.0.1:1", tmp_path / "media")
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == ("media.example-1", "prod/frameloom")
    assert storage.object_key("m/med_1/a.png") == "prod/frameloom/m/med_1/a.png"
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:1"
    assert not (tmp_path / "media").exists()
    assert parse_s3_url("s3://bucket") == ("bucket", "")


@pytest.mark.parametrize("url", ["http://bucket/prefix", "s3://", "s3://Upper_Case", "s3://b", "bucket/prefix",
                                 "s3://bucket/a b"])
def test_a_bad_s3_url_is_refused_by_name(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_S3_URL", url)
    with pytest.raises(InvalidRequest) as caught:
        load_settings(_env_file=None)
    assert [p.field for p in caught.value.problems] == ["FRAMELOOM_S3_URL"]


def test_the_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_S3_URL", "s3://frameloom/media")
    monkeypatch.setenv("FRAMELOOM_S3_ENDPOINT", "http://seaweed:8333")
    settings = load_settings(_env_file=None)
    assert (settings.s3_url, settings.s3_endpoint) == ("s3://frameloom/media", "http://seaweed:8333")


def test_readyz_names_an_unreachable_object_store(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "someone")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    down = settings.model_copy(update={"s3_url": "s3://frameloom/media", "s3_endpoint": "http://127.0.0.1:1"})
    with TestClient(create_app(down)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "object storage unreachable: EndpointConnectionError"
    assert not down.media_dir.exists()


def test_an_upload_while_the_object_store_is_down_is_503_and_leaves_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.api.conftest import bearer, new_token, still

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "someone")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    down = settings.model_copy(update={"s3_url": "s3://frameloom/media", "s3_endpoint": "http://127.0.0.1:1"})
    with TestClient(create_app(down), raise_server_exceptions=False) as client:
        headers = bearer(new_token(client))
        sid = client.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers).json()["data"][
            "session_id"]
        response = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                               files={"file": ("pic.png", still("png"), "image/png")})
        state = client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert response.status_code == 503
    assert response.json()["code"] == 503
    assert "Retry-After" in response.headers
    assert state["media"] == []
    assert not [p for p in down.staging_dir.rglob("*") if p.is_file()]


def test_the_region_comes_from_either_aws_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from frameloom.store.s3 import make_client

    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.delenv("AWS_REGION", raising=False)
    assert make_client(None).meta.region_name == "us-east-1"
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert make_client(None).meta.region_name == "eu-west-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert make_client(None).meta.region_name == "ap-south-1"
