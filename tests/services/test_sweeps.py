"""Leftovers swept at start (issue 14): a partial upload of a killed process, and the scratch folders
of jobs that ended, also of one that recovery gives up on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.jobs.test_recovery import ago, queued_export, set_job

from frameloom.api import create_app
from frameloom.jobs.host import JobHost
from frameloom.settings import Settings

_KILLED_MID_UPLOAD = """
import sys, time
from pathlib import Path
from frameloom.services.uploads import new_staging_file
from frameloom.settings import Settings
settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]))
path = new_staging_file(settings.staging_dir)
with path.open("wb") as out:
    out.write(b"half an upload")
    out.flush()
    print(path, flush=True)
    time.sleep(60)
"""


def test_a_partial_upload_of_a_killed_process_is_swept_at_start(settings: Settings) -> None:
    child = subprocess.Popen([sys.executable, "-c", _KILLED_MID_UPLOAD, str(settings.data_dir)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    partial = Path(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert partial.exists()
    create_app(settings)
    assert not partial.exists()


def test_a_staging_file_of_a_live_process_is_kept(settings: Settings) -> None:
    app = create_app(settings)
    mine = app.state.uploads.staging_path()
    mine.write_bytes(b"an upload under way")
    create_app(settings)  # a second app in this same, live process
    assert mine.exists()


def _scratch(settings: Settings, job_id: str, attempt: int = 1) -> Path:
    folder = settings.staging_dir / f"job-{job_id}-{attempt}"
    folder.mkdir(parents=True)
    (folder / "render.mp4").write_bytes(b"half a render")
    return folder


def test_scratch_folders_of_ended_jobs_are_swept_and_open_ones_kept(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"workers": 0}))
    client = TestClient(app)
    queued_export(client)
    job_id = set_job(app, status="queued")
    open_scratch = _scratch(settings, job_id)
    gone_scratch = _scratch(settings, "job_of_another_day")
    host: JobHost = app.state.jobs.host
    host.recover()
    assert open_scratch.exists()
    assert not gone_scratch.exists()


def test_a_job_recovery_gives_up_on_leaves_no_scratch(settings: Settings) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"workers": 0, "job_attempts": 2}))
    client = TestClient(app)
    queued_export(client)
    job_id = set_job(app, status="running", worker="elsewhere:1:x", attempts=2, started_at=ago(60),
                     heartbeat_at=ago(60))
    scratch = [_scratch(settings, job_id, 1), _scratch(settings, job_id, 2)]
    host: JobHost = app.state.jobs.host
    assert host.recover().failed == [job_id]
    assert not any(folder.exists() for folder in scratch)
