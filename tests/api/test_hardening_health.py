"""Readiness tells the truth under attack (issue 14): the probes answer while slow URL imports hold
every worker thread, and a full disk says not ready until space returns."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock
from tests.conftest import fill, tmpfs

from frameloom.api import create_app
from frameloom.settings import Settings


def _drip_server() -> FastAPI:
    server = FastAPI()

    @server.get("/drip.png")
    async def drip() -> StreamingResponse:
        async def one_byte_a_tick() -> AsyncIterator[bytes]:
            yield b"\x89PNG\r\n\x1a\n"
            for _ in range(100):
                await asyncio.sleep(0.1)
                yield b"\x00"

        return StreamingResponse(one_byte_a_tick(), media_type="image/png")

    return server


def test_the_probes_answer_while_45_slow_imports_run(
    live_server: Callable[[Any], str], settings: Settings, clock: FakeClock
) -> None:
    drip_url = live_server(_drip_server())
    # 40 imports at once: as many as the shared thread pool has threads
    changes = {"url_import_allowed_networks": ["127.0.0.1/32"], "url_import_timeout_s": 2.0,
               "url_import_concurrency": 40}
    api = live_server(create_app(settings.model_copy(update=changes), clock=clock))
    with httpx.Client(base_url=api, timeout=30) as client:
        token = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "slow"}).json()["data"]["token"]
        auth = {"Authorization": f"Bearer {token}"}
        sid = client.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                          headers=auth).json()["data"]["session_id"]
    answers: list[int] = []

    def one_import() -> None:
        with httpx.Client(base_url=api, timeout=60) as client:
            response = client.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=auth,
                                   json={"urls": [f"{drip_url}/drip.png"]})
            answers.append(response.status_code)

    threads = [threading.Thread(target=one_import) for _ in range(45)]
    for thread in threads:
        thread.start()
    time.sleep(0.8)  # every import under way, every worker thread taken
    with httpx.Client(base_url=api, timeout=10) as client:
        for path in ("/healthz", "/readyz"):
            started = time.monotonic()
            assert client.get(path).status_code == 200
            assert time.monotonic() - started < 1.0, f"{path} waited for a thread"
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [400] * 45  # each cut off at its deadline


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MiB file system (tmpfs), so that a full disk is a full disk."""
    with tmpfs(tmp_path / "disk", "2m") as mount:
        yield mount


def test_a_full_disk_is_not_ready_until_space_returns(small_disk: Path, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=small_disk / "data",  # type: ignore[call-arg]
                        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    client = TestClient(create_app(settings))
    assert client.get("/readyz").status_code == 200
    filler = fill(small_disk)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert "No space left on device" in checks["data_dir"]
    assert "No space left on device" in checks["storage"]
    filler.unlink()
    assert client.get("/readyz").json()["status"] == "ready"
