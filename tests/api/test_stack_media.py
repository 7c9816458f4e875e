"""Media on both stacks through the real app: upload, export using the upload, ranged download.

On the scaled stack (PostgreSQL, Redis, SeaweedFS S3) no media folder is ever made and no media
file is left in the data folder: an upload passes through the staging folder (its type is read
from its content) into S3, the export job fetches its input from S3 into its scratch folder and
puts its result there, and ``/files`` streams ranges from S3.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import boto3
import httpx
import pytest
from PIL import Image
from tests.api.conftest import video
from tests.api.test_renders import SKILL, tiny_draft
from tests.conftest import stack_env
from tests.jobs.test_durability import Processes
from tests.support.seaweed import S3Server

from frameloom.api import create_app
from frameloom.settings import Settings
from frameloom.store.s3 import parse_s3_url

MEDIA_SUFFIXES = {".mp4", ".png", ".jpg", ".webm", ".gif", ".wav", ".m4a"}


def _media_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES]


def _s3_keys(settings: Settings, server: S3Server) -> list[str]:
    assert settings.s3_url is not None
    bucket, prefix = parse_s3_url(settings.s3_url)
    client = boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region)
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix + "/")
    return [item["Key"] for item in listed.get("Contents", [])]


def _wait(http: httpx.Client, render_id: str, headers: dict[str, str], timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = http.get(f"/api/render/proxy/lambda/{render_id}", headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return data
        time.sleep(0.1)


def test_upload_export_and_ranged_download(stack_settings: Settings, live_server: Callable[[Any], str],
                                           request: pytest.FixtureRequest) -> None:
    settings = stack_settings.model_copy(update={"workers": 1, "job_heartbeat_s": 0.2})
    scaled = settings.s3_url is not None
    base = live_server(create_app(settings))
    with httpx.Client(base_url=base, timeout=30) as http:
        assert http.get("/readyz").json()["checks"]["storage"] == "ok"
        token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "stack-media"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}", **SKILL}
        sid = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers).json()["data"]["session_id"]

        clip = video(width=320, height=180, frames=20)
        uploaded = http.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                             files={"file": ("clip.mp4", clip, "video/mp4")})
        assert uploaded.status_code == 200, uploaded.text
        media = uploaded.json()["data"]["media"][0]
        assert http.get(media["url"]).content == clip  # the upload, byte for byte, from where it is stored

        queued = http.post("/api/render/proxy/lambda", headers=headers,
                           json={"session_id": sid, "draft": tiny_draft(media["media_id"], seconds=2)})
        assert queued.status_code == 200, queued.text
        done = _wait(http, queued.json()["data"]["render_id"], headers)
        assert done["status"] == "completed", done

        whole = http.get(done["url"])
        assert whole.status_code == 200
        assert len(whole.content) == done["bytes"]
        ranged = http.get(done["url"], headers={"Range": "bytes=100-1099"})
        assert ranged.status_code == 206
        assert ranged.headers["Content-Range"] == f"bytes 100-1099/{done['bytes']}"
        assert ranged.content == whole.content[100:1100]
        tail = http.get(done["url"], headers={"Range": "bytes=-500"})
        assert tail.status_code == 206
        assert tail.content == whole.content[-500:]
    with av.open(io.BytesIO(whole.content)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.width, stream.frames) == ("h264", 320, 20)

    if scaled:  # the data folder never held a media file: S3 has both
        assert not _media_files(settings.data_dir)
        assert not settings.media_dir.exists()
        keys = _s3_keys(settings, request.getfixturevalue("seaweed"))
        assert sorted(k.rsplit("/", 1)[1] for k in keys) == ["clip.mp4", "render.mp4"], keys
    else:
        assert len(_media_files(settings.media_dir)) == 2


@pytest.mark.parametrize("stack_settings", ["scaled"], indirect=True)
def test_a_worker_with_its_own_data_folder_renders_from_s3(
    stack_settings: Settings, live_server: Callable[[Any], str], tmp_path: Path,
) -> None:
    """The API node runs no job (``workers=0``); a ``frameloom worker`` process with another data
    folder fetches the upload from S3, renders, and puts the result back: no disk is shared."""
    api = stack_settings.model_copy(update={"workers": 0})
    worker_dir = tmp_path / "worker-data"
    procs = Processes(worker_dir)
    try:
        env = {k: v for k, v in stack_env(api).items() if k != "FRAMELOOM_DATA_DIR"}
        procs.workers(1, **env)
        with httpx.Client(base_url=live_server(create_app(api)), timeout=30) as http:
            token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "apart"}).json()["data"]["token"]
            headers = {"Authorization": f"Bearer {token}", **SKILL}
            sid = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers).json()["data"][
                "session_id"]
            clip = video(width=320, height=180, frames=20)
            media = http.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                              files={"file": ("clip.mp4", clip, "video/mp4")}).json()["data"]["media"][0]
            queued = http.post("/api/render/proxy/lambda", headers=headers,
                               json={"session_id": sid, "draft": tiny_draft(media["media_id"], seconds=2)})
            done = _wait(http, queued.json()["data"]["render_id"], headers)
            assert done["status"] == "completed", done
            ranged = http.get(done["url"], headers={"Range": "bytes=0-9"})
            assert ranged.status_code == 206
            assert ranged.content[4:8] == b"ftyp"
    finally:
        procs.close()
    for folder in (api.data_dir, worker_dir):
        assert not _media_files(folder), folder
    assert not (worker_dir / "media").exists()
    assert not list((worker_dir / "tmp").glob("job-*"))  # the scratch folder went with the job


def test_generated_images_are_stored_and_served_on_each_stack(
    stack_settings: Settings, live_server: Callable[[Any], str],
) -> None:
    """An image job writes its PNG through the storage; ``b64_json`` reads it back from there, and the
    ``url`` answer downloads the same bytes."""
    settings = stack_settings.model_copy(update={"workers": 1, "job_heartbeat_s": 0.2})
    base = live_server(create_app(settings))
    with httpx.Client(base_url=base, timeout=120) as http:
        token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "images"}).json()["data"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"prompt": "a red fox in the snow", "size": "1024x1024", "seed": 5}
        inline = http.post("/v1/images/generations", headers=headers, json={**body, "response_format": "b64_json"})
        assert inline.status_code == 200, inline.text
        linked = http.post("/v1/images/generations", headers=headers, json={**body, "response_format": "url"})
        assert linked.status_code == 200, linked.text
        png = base64.b64decode(inline.json()["data"][0]["b64_json"])
        downloaded = http.get(linked.json()["data"][0]["url"])
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "image/png"
    assert downloaded.content == png  # the same seed, the same picture, whichever way it came back
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    if settings.s3_url is not None:
        assert not settings.media_dir.exists()
