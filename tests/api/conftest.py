from __future__ import annotations

import io
import itertools
import math
import struct
import wave
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import av
import numpy as np
import pytest
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from frameloom.api import create_app
from frameloom.services.container import Services
from frameloom.settings import Settings

_client_ids = itertools.count(1)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> FastAPI:
    return create_app(settings, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    # Unexpected errors must come back as 500 envelopes, not be re-raised into the test.
    return TestClient(app, raise_server_exceptions=False)


def new_token(client: TestClient) -> str:
    """An anonymous token for a fresh client id."""
    response = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"client-{next(_client_ids)}"})
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def services_of(client: TestClient) -> Services:
    """The services behind ``client``'s app, typed (``create_app`` keeps them in ``app.state.services``)."""
    app = client.app
    assert isinstance(app, FastAPI)
    services: Services = app.state.services
    return services


@pytest.fixture
def token(client: TestClient) -> str:
    return new_token(client)


@pytest.fixture
def headers(token: str) -> dict[str, str]:
    return bearer(token)


@pytest.fixture
def session_id(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "project"}, headers=headers)
    assert response.status_code == 200, response.text
    sid: str = response.json()["data"]["session_id"]
    return sid


TokenFactory = Callable[[TestClient], str]


# --- small real media files, made on the spot: stills with Pillow, video and sound with PyAV ---


def still(fmt: str, width: int = 64, height: int = 48) -> bytes:
    """An RGB picture as ``png``, ``jpg``, ``gif``, ``webp`` or ``bmp`` bytes."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    buf = io.BytesIO()
    image.save(buf, {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP"}[fmt])
    return buf.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``side`` x ``side`` 1-bit pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def video(container: str = "mp4", codec: str = "libx264", width: int = 64, height: int = 48,
          frames: int = 10, fps: int = 10) -> bytes:
    """A short silent video: ``frames`` frames at ``fps``."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            pixels = np.full((height, width, 3), (i * 20) % 255, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def sound(container: str, codec: str, seconds: float = 0.5, rate: int = 44100) -> bytes:
    """A tone of ``seconds`` encoded with ``codec`` in ``container`` (mp3, ipod for m4a, adts for aac)."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        assert isinstance(stream, AudioStream)
        frame_size = stream.codec_context.frame_size or 1024
        samples = int(seconds * rate)
        t = np.arange(samples) / rate
        tone = (0.3 * np.sin(2 * math.pi * 440 * t)).astype(np.float32)
        for start in range(0, samples, frame_size):
            part = tone[start : start + frame_size]
            if len(part) < frame_size:
                part = np.pad(part, (0, frame_size - len(part)))
            frame = av.AudioFrame.from_ndarray(part.reshape(1, -1), format="fltp", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x10" * int(seconds * rate))
    return buf.getvalue()
