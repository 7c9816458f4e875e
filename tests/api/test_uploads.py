"""Uploads through HTTP: multipart streamed to disk, type from the content, limits, nothing left behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, png_bomb, sound, still, video, wav

from frameloom.api import create_app
from frameloom.domain.media import SUPPORTED_FORMATS
from frameloom.settings import Settings


def _url(session_id: str) -> str:
    return f"/api/upload-video/nemo_agent/me/{session_id}"


def _leftovers(settings: Settings) -> list[Path]:
    """Files in the staging and media folders."""
    return [p for folder in (settings.staging_dir, settings.media_dir) if folder.exists()
            for p in folder.rglob("*") if p.is_file()]


SAMPLES = {
    "png": lambda: still("png"),
    "jpg": lambda: still("jpg"),
    "gif": lambda: still("gif"),
    "webp": lambda: still("webp"),
    "mp4": lambda: video("mp4"),
    "mov": lambda: video("mov"),
    "mkv": lambda: video("matroska"),
    "webm": lambda: video("webm", "libvpx-vp9"),
    "avi": lambda: video("avi", "mpeg4"),
    "mp3": lambda: sound("mp3", "libmp3lame"),
    "m4a": lambda: sound("ipod", "aac"),
    "aac": lambda: sound("adts", "aac"),
    "wav": lambda: wav(),
}
KINDS = {"png": "image", "jpg": "image", "gif": "image", "webp": "image", "mp4": "video", "mov": "video",
         "mkv": "video", "webm": "video", "avi": "video", "mp3": "audio", "m4a": "audio", "aac": "audio",
         "wav": "audio"}


@pytest.mark.parametrize("fmt", list(SAMPLES))
def test_every_supported_format_is_read_from_its_content(
    client: TestClient, headers: dict[str, str], session_id: str, fmt: str
) -> None:
    data = SAMPLES[fmt]()
    response = client.post(_url(session_id), headers=headers, files={"file": ("upload.bin", data)})
    assert response.status_code == 200, response.text
    (media,) = response.json()["data"]["media"]
    assert (media["format"], media["kind"]) == (fmt, KINDS[fmt])
    assert media["bytes"] == len(data)
    assert media["filename"] == f"upload.{fmt}"
    if KINDS[fmt] != "audio":
        assert (media["width"], media["height"]) == (64, 48)
    if KINDS[fmt] == "video":
        assert media["duration_ms"] == 1000
    assert client.get(media["url"]).content == data


def test_several_files_in_one_request(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    files = [("file", ("a.png", still("png"))), ("file", ("b.wav", wav()))]
    media = client.post(_url(session_id), headers=headers, files=files).json()["data"]["media"]
    assert [m["format"] for m in media] == ["png", "wav"]


def test_uploads_show_in_the_state_and_leave_the_draft_version(
    client: TestClient, headers: dict[str, str], session_id: str, clock: FakeClock
) -> None:
    clock.advance(seconds=5)
    uploaded = client.post(_url(session_id), headers=headers, files={"file": ("a.png", still("png"))})
    state = client.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=headers).json()["data"]
    assert [m["media_id"] for m in state["media"]] == [uploaded.json()["data"]["media"][0]["media_id"]]
    assert state["version"] == 1  # the version is the draft's: an upload does not make edits stale
    assert datetime.fromisoformat(state["updated_at"]) == clock.now


def test_the_name_does_not_decide_the_type(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    response = client.post(_url(session_id), headers=headers, files={"file": ("movie.mp4", still("png"))})
    media = response.json()["data"]["media"][0]
    assert (media["format"], media["filename"]) == ("png", "movie.png")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd", "passwd.png"), ("C:\\Users\\x\\evil.php", "evil.png"), ("照片 1.jpg", "照片 1.png"),
     ("..", "upload.png"), ("x" * 300 + ".png", "x" * 120 + ".png")],
)
def test_file_names_are_sanitised(
    client: TestClient, headers: dict[str, str], session_id: str, name: str, expected: str
) -> None:
    media = client.post(_url(session_id), headers=headers, files={"file": (name, still("png"))}).json()
    assert media["data"]["media"][0]["filename"] == expected
    assert "/.." not in media["data"]["media"][0]["url"]


def test_an_unsupported_type_is_4001_with_the_supported_list(
    client: TestClient, headers: dict[str, str], session_id: str, settings: Settings
) -> None:
    for data in (b"just some text", still("bmp")):
        response = client.post(_url(session_id), headers=headers, files={"file": ("x.png", data)})
        assert response.status_code == 415
        body = response.json()
        assert body["code"] == 4001
        assert body["data"]["supported"] == SUPPORTED_FORMATS
    assert _leftovers(settings) == []


@pytest.mark.parametrize("data", [still("png")[:60], video("mp4")[:300], b"RIFF\x00\x00\x00\x00WAVEjunk"],
                         ids=["truncated-png", "truncated-mp4", "wav-header-only"])
def test_undecodable_files_are_4001(
    client: TestClient, headers: dict[str, str], session_id: str, settings: Settings, data: bytes
) -> None:
    response = client.post(_url(session_id), headers=headers, files={"file": ("x", data)})
    assert response.json()["code"] == 4001
    assert _leftovers(settings) == []


def test_a_decompression_bomb_is_refused_unread(
    client: TestClient, headers: dict[str, str], session_id: str, settings: Settings
) -> None:
    response = client.post(_url(session_id), headers=headers, files={"file": ("bomb.png", png_bomb())})
    assert response.status_code == 413
    assert response.json()["code"] == 4002
    assert _leftovers(settings) == []


def test_pictures_over_the_pixel_limit_are_4002(settings: Settings, clock: object) -> None:
    client = TestClient(create_app(settings.model_copy(update={"max_image_pixels": 1000})))
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "px"}).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    for data in (still("png"), video("mp4")):
        response = client.post(_url(sid), headers=headers, files={"file": ("big", data)})
        assert response.json()["code"] == 4002


@pytest.fixture
def small_app(settings: Settings) -> tuple[TestClient, dict[str, str], str, Settings]:
    small = settings.model_copy(update={"upload_max_bytes": 4000})
    client = TestClient(create_app(small))
    token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "s"}).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sid = client.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    return client, headers, sid, small


def test_a_file_over_the_limit_is_4002_and_leaves_nothing(
    small_app: tuple[TestClient, dict[str, str], str, Settings],
) -> None:
    client, headers, sid, small = small_app
    files = [("file", ("ok.png", still("png"))), ("file", ("big.avi", video("avi", "mpeg4")))]
    response = client.post(_url(sid), headers=headers, files=files)
    assert response.status_code == 413
    assert response.json() == {"code": 4002, "message": "file: more than 4000 bytes", "data": {"max_bytes": 4000}}
    assert _leftovers(small) == []
    state = client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert state["media"] == []


def test_one_bad_file_refuses_the_whole_upload(
    client: TestClient, headers: dict[str, str], session_id: str, settings: Settings
) -> None:
    files = [("file", ("ok.png", still("png"))), ("file", ("bad.txt", b"hello"))]
    assert client.post(_url(session_id), headers=headers, files=files).json()["code"] == 4001
    assert _leftovers(settings) == []


def test_an_upload_is_streamed_not_buffered(
    small_app: tuple[TestClient, dict[str, str], str, Settings],
) -> None:
    client, headers, sid, small = small_app

    def body() -> Iterator[bytes]:
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n\r\n"
        for _ in range(1000):  # 1 MB in chunks; refused after the first few KB
            yield b"\x89PNG" + b"\x00" * 1020
        yield b"\r\n--b--\r\n"

    response = client.post(_url(sid), headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
                           content=body())
    assert response.json()["code"] == 4002
    assert _leftovers(small) == []


def test_no_file_field_is_400(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    response = client.post(_url(session_id), headers=headers, data={"other": "x"}, files={"nope": ("a", b"1")})
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "file"


def test_another_content_type_is_400(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    response = client.post(_url(session_id), headers={**headers, "Content-Type": "text/plain"}, content=b"x")
    assert response.status_code == 400


def test_upload_to_an_unknown_session_is_1002(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(_url("ses_nothing"), headers=headers, files={"file": ("a.png", still("png"))})
    assert response.json()["code"] == 1002


def test_upload_needs_a_token(client: TestClient, session_id: str) -> None:
    assert client.post(_url(session_id), files={"file": ("a.png", still("png"))}).json()["code"] == 1001


def test_media_links_work_on_a_real_server(
    app: FastAPI, live_server: Callable[[Any], str], headers: dict[str, str], session_id: str, client: TestClient
) -> None:
    media = client.post(_url(session_id), headers=headers, files={"file": ("clip.mp4", video("mp4"))})
    url = media.json()["data"]["media"][0]["url"]
    base = live_server(app)
    response = httpx.get(url.replace("http://testserver", base), headers={"Range": "bytes=0-7"})
    assert response.status_code == 206
    assert response.content[4:8] == b"ftyp"


def test_at_most_twenty_files_per_upload(
    client: TestClient, headers: dict[str, str], session_id: str, settings: Settings
) -> None:
    files = [("file", (f"{i}.png", still("png"))) for i in range(21)]
    response = client.post(_url(session_id), headers=headers, files=files)
    assert response.json()["data"]["errors"] == [{"field": "file", "problem": "at most 20 files per upload"}]
    assert _leftovers(settings) == []


def test_other_form_fields_are_bounded(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    response = client.post(_url(session_id), headers=headers, data={"note": "x" * 70_000},
                           files={"file": ("a.png", still("png"))})
    assert response.status_code == 413
    assert response.json()["data"] == {"max_bytes": 65536}
