"""Outages under a real ``frameloom serve`` (issue 14, part 4): the database gone for a moment,
a full disk, a read-only data folder. Each answer is an error envelope (never a stack trace),
nothing is left half-done, and the service works again once the cause is gone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import make_url
from tests.api.conftest import still
from tests.conftest import POSTGRES_ADMIN_URL, _empty_postgres, fill, read_only, tmpfs
from tests.jobs.test_durability import Processes, studio

IMAGE = {"prompt": "a red fox", "n": 1, "size": "128x72"}


def is_envelope(response: httpx.Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    """``response`` is an error envelope with one of ``status``, its code the status's, no traceback."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    assert "Traceback" not in response.text
    body: dict[str, Any] = response.json()
    assert body["code"] != 0, body
    assert isinstance(body["message"], str), body
    return body


def wait_job(url: str, headers: dict[str, str], job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = httpx.get(f"{url}/api/jobs/{job_id}", headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"}:
            return data
        assert time.monotonic() < deadline, data
        time.sleep(0.1)


def balance(url: str, headers: dict[str, str]) -> dict[str, int]:
    data: dict[str, int] = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
    return data


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    processes = Processes(tmp_path / "data")
    yield processes
    processes.close()


# --- the database gone for a moment -------------------------------------------------------------


def test_the_database_gone_for_a_moment_is_503_then_everything_works(procs: Processes, postgres_url: str) -> None:
    _empty_postgres(postgres_url)
    _, url = procs.serve(FRAMELOOM_DATABASE_URL=postgres_url)
    headers, sid, _ = studio(url)
    name = str(make_url(postgres_url).database)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            gone = httpx.get(url + "/api/credits/balance/simple", headers=headers)
            body = is_envelope(gone, 503)
            assert (body["code"], gone.headers["Retry-After"]) == (503, "1")
            assert "database" in body["message"]
            assert name not in gone.text  # the driver's text (host, database) stays in the log
            is_envelope(httpx.post(url + "/api/jobs/image", headers=headers, json=IMAGE), 503)
            openai = httpx.post(url + "/v1/images/generations", headers=headers,
                                json={"prompt": "a fox", "size": "1024x1024"})
            assert openai.status_code == 503
            assert openai.json()["error"]["type"] == "server_error"
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    assert balance(url, headers) == {"available": 100, "frozen": 0, "total": 100}  # nothing was taken
    job = httpx.post(url + "/api/jobs/image", headers=headers, json={**IMAGE, "session_id": sid}).json()["data"]
    assert wait_job(url, headers, job["job_id"])["status"] == "completed"
    assert balance(url, headers) == {"available": 98, "frozen": 0, "total": 98}


# --- a full disk ----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 16 MiB file system (tmpfs) for the whole data folder."""
    with tmpfs(tmp_path / "disk", "16m") as mount:
        yield mount


def test_a_full_disk_gives_clear_errors_and_works_once_space_returns(small_disk: Path) -> None:
    procs = Processes(small_disk / "data")
    try:
        _, url = procs.serve()
        headers, sid, _ = studio(url)
        filler = fill(small_disk)

        upload = httpx.post(f"{url}/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                            files={"file": ("big.png", still("png", 1920, 1080), "image/png")})
        is_envelope(upload, (500, 503, 507))
        queued = httpx.post(url + "/api/jobs/image", headers=headers, json={**IMAGE, "session_id": sid})
        if queued.status_code == 200:  # queued before the disk mattered: the job fails and refunds
            assert wait_job(url, headers, queued.json()["data"]["job_id"])["status"] == "failed"
        else:
            is_envelope(queued, 503)
        assert httpx.get(url + "/readyz").status_code == 503

        filler.unlink()
        assert httpx.get(url + "/readyz").status_code == 200
        assert balance(url, headers) == {"available": 100, "frozen": 0, "total": 100}
        job = httpx.post(url + "/api/jobs/image", headers=headers, json={**IMAGE, "session_id": sid}).json()["data"]
        assert wait_job(url, headers, job["job_id"])["status"] == "completed"
        assert balance(url, headers) == {"available": 98, "frozen": 0, "total": 98}
    finally:
        procs.close()
    with sqlite3.connect(small_disk / "data" / "frameloom.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not list((small_disk / "data" / "tmp").iterdir())  # no staging leftover


# --- a read-only data folder --------------------------------------------------------------------


def test_a_read_only_data_folder_gives_clear_errors_and_works_once_writable(procs: Processes) -> None:
    _, url = procs.serve()
    headers, sid, _ = studio(url)
    with read_only(procs.data):
        upload = httpx.post(f"{url}/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                            files={"file": ("pic.png", still("png", 64, 48), "image/png")})
        is_envelope(upload, (500, 503))
        assert httpx.get(url + "/readyz").status_code == 503
    assert httpx.get(url + "/readyz").status_code == 200
    job = httpx.post(url + "/api/jobs/image", headers=headers, json={**IMAGE, "session_id": sid}).json()["data"]
    done = wait_job(url, headers, job["job_id"])
    assert done["status"] == "completed", done
    assert balance(url, headers) == {"available": 98, "frozen": 0, "total": 98}
