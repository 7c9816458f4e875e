"""Every export format of SPEC section 5, end to end through the API.

One timeline (an uploaded picture with ``motion: zoom_in``, built-in lo-fi
music at 35 %, the Chinese title "城市之梦") is exported to all 13 formats with
``POST /api/render/proxy/lambda`` at 320x180, polled with ``GET`` until done,
downloaded through its signed link and read back with PyAV or Pillow: codecs
as SPEC says, size, duration, frames of the animations, and sound that is
there and not silent.
"""

from __future__ import annotations

import io
import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.render.export import FORMATS
from frameloom.settings import Settings

EXPORT = "/api/render/proxy/lambda"
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}
W, H, FPS, SECONDS = 320, 180, 30, 2.5
TITLE = "城市之梦"
VIDEO = {"mp4": ({"h264"}, {"aac"}), "mov": ({"h264"}, {"aac"}), "mkv": ({"h264"}, {"aac"}),
         "avi": ({"h264"}, {"mp3"}), "webm": ({"vp9", "vp8"}, {"opus", "vorbis"})}
AUDIO = {"mp3": "mp3", "wav": "pcm_s16le", "m4a": "aac", "aac": "aac"}
ANIMATED, STILLS = ("gif", "webp"), ("jpg", "png")
QUIET_RMS = 0.01  # -40 dBFS: lo-fi at 35 % plays around -25 dBFS; encoder silence is far below


@dataclass(frozen=True)
class Export:
    poll: dict[str, Any]
    body: bytes


def gradient_png() -> bytes:
    """A picture whose every frame of a zoom differs (GIF and WebP merge identical frames)."""
    rgb = np.zeros((360, 640, 3), np.uint8)
    rgb[..., 0] = np.linspace(20, 235, 640)[None, :]
    rgb[..., 1] = np.linspace(20, 235, 360)[:, None]
    rgb[..., 2] = 90
    rgb[::40] = (250, 250, 40)  # lines that move as the camera zooms (never white: the title is)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    return buf.getvalue()


def timeline(media_id: str) -> dict[str, Any]:
    ms = int(SECONDS * 1000)
    return {"v": 1, "d": ms, "m": {"w": 1280, "h": 720, "fps": FPS, "ar": "16:9"}, "t": [
        {"id": "v1", "tt": 0, "m": {"name": "Video"},
         "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": media_id, "fit": "cover", "motion": "zoom_in"}}]},
        {"id": "a1", "tt": 1, "m": {"name": "BGM"},
         "sg": [{"id": "s2", "s": 0, "d": ms, "m": {"src": "bgm:lofi", "volume": 0.35, "fade_out": 500}}]},
        {"id": "x1", "tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "s3", "s": 0, "d": ms, "m": {"text": TITLE, "pos": "center", "size": 160, "fade_in": 300}}]},
    ]}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Export]]:
    """All 13 exports of one timeline, queued at once, each polled to its end and downloaded."""
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("FRAMELOOM_")]:
            env.delenv(key)
        settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("formats") / "data",  # type: ignore[call-arg]
                            workers=2, job_heartbeat_s=0.2)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            headers = {**bearer(new_token(client)), **SKILL}
            sid = client.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=headers).json()["data"][
                "session_id"]
            upload = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                                 files={"file": ("city.png", gradient_png(), "image/png")})
            assert upload.status_code == 200, upload.text
            draft = timeline(upload.json()["data"]["media"][0]["media_id"])
            ids = {}
            for fmt in FORMATS:
                response = client.post(EXPORT, headers=headers, json={"session_id": sid, "draft": draft,
                                                                      "format": fmt, "width": W, "height": H})
                assert response.status_code == 200, response.text
                ids[fmt] = response.json()["data"]["render_id"]
            out = {}
            for fmt, render_id in ids.items():
                poll = wait_for(client, render_id, headers)
                body = client.get("/" + poll["url"].split("://", 1)[1].split("/", 1)[1]).content if "url" in poll \
                    else b""
                out[fmt] = Export(poll, body)
            yield out


def wait_for(client: TestClient, render_id: str, headers: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = client.get(f"{EXPORT}/{render_id}", headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def codec(stream: av.stream.Stream) -> str:
    """The codec's id (``mp3``), not the decoder's name (``mp3float``)."""
    name: str = stream.codec_context.codec.canonical_name
    return name


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def decoded_audio(container: av.container.InputContainer) -> tuple[np.ndarray, int]:
    """The first audio stream as float samples ``(channels, n)`` in -1..1, and its rate."""
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=stream.rate)
    parts = [out.to_ndarray() for frame in container.decode(stream) for out in resampler.resample(frame)]
    return np.concatenate(parts, axis=1), stream.rate


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_completes_with_its_facts(fmt: str, exports: dict[str, Export]) -> None:
    done = exports[fmt]
    assert done.poll["status"] == "completed", done.poll
    assert (done.poll["format"], done.poll["bytes"]) == (fmt, len(done.body))
    if fmt not in AUDIO:
        assert (done.poll["width"], done.poll["height"]) == (W, H)
    if fmt in ("jpg", "png"):
        assert "duration_ms" not in done.poll  # a still has none
    else:  # video, audio and the animations
        assert done.poll["duration_ms"] == SECONDS * 1000


@pytest.mark.parametrize("fmt", list(VIDEO))
def test_video_files_hold_the_spec_codecs_every_frame_and_sound(fmt: str, exports: dict[str, Export]) -> None:
    video_codecs, audio_codecs = VIDEO[fmt]
    with av.open(io.BytesIO(exports[fmt].body), "r") as container:
        video = container.streams.video[0]
        assert codec(video) in video_codecs
        assert codec(container.streams.audio[0]) in audio_codecs
        assert (video.codec_context.width, video.codec_context.height, video.codec_context.pix_fmt) == (
            W, H, "yuv420p")
        frames = sum(1 for _ in container.decode(video))
    assert frames == SECONDS * FPS
    with av.open(io.BytesIO(exports[fmt].body), "r") as container:
        samples, rate = decoded_audio(container)
    assert samples.shape[1] / rate == pytest.approx(SECONDS, abs=0.05)
    assert rms(samples) > QUIET_RMS


def test_mp4_starts_fast(exports: dict[str, Export]) -> None:
    head = exports["mp4"].body[:100_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat"), "the index comes before the media data"


@pytest.mark.parametrize("fmt", list(AUDIO))
def test_audio_files_hold_the_mix_alone_and_it_is_not_silent(fmt: str, exports: dict[str, Export]) -> None:
    with av.open(io.BytesIO(exports[fmt].body), "r") as container:
        assert not container.streams.video
        assert codec(container.streams.audio[0]) == AUDIO[fmt]
        samples, rate = decoded_audio(container)
    assert rate == 48000
    assert samples.shape[1] / rate == pytest.approx(SECONDS, abs=0.05)
    half = samples.shape[1] // 2
    assert rms(samples[:, :half]) > QUIET_RMS
    assert rms(samples[:, half:]) > QUIET_RMS
    assert np.abs(samples).max() <= 1.0


def test_music_at_35_percent_sits_well_under_full_scale(exports: dict[str, Export]) -> None:
    with av.open(io.BytesIO(exports["wav"].body), "r") as container:
        samples, _ = decoded_audio(container)
    level_db = 20 * math.log10(rms(samples))
    assert -40 < level_db < -12


@pytest.mark.parametrize("fmt", ANIMATED)
def test_animations_move_and_last_as_long_as_the_timeline(fmt: str, exports: dict[str, Export]) -> None:
    with Image.open(io.BytesIO(exports[fmt].body)) as image:
        assert (image.format, image.size) == (fmt.upper(), (W, H))
        frames = getattr(image, "n_frames", 1)
        delays = []
        for index in range(frames):
            image.seek(index)
            image.load()
            delays.append(image.info["duration"])
    assert 10 <= frames <= math.ceil(SECONDS * 15), "15 fps at most; a zoom changes most frames"
    # drawn at 15 fps: 37 frames of 1/15 s, the last ending at 2467 ms of the 2.5 s timeline
    assert sum(delays) == pytest.approx(int(SECONDS * 15) * 1000 / 15, abs=10)


@pytest.mark.parametrize("fmt", STILLS)
def test_stills_are_the_middle_frame_with_the_title(fmt: str, exports: dict[str, Export]) -> None:
    with Image.open(io.BytesIO(exports[fmt].body)) as image:
        assert (image.format, image.size) == ({"jpg": "JPEG", "png": "PNG"}[fmt], (W, H))
        rgb = np.asarray(image.convert("RGB"))
    centre = rgb[H // 3: 2 * H // 3, W // 4: 3 * W // 4]
    ink = centre.min(axis=2) > 235
    assert ink.mean() > 0.03, "the white title's glyphs, not boxes or nothing"
    cols = np.nonzero(ink.any(axis=0))[0]
    assert cols.max() - cols.min() > W * 0.25, "four glyphs wide"
