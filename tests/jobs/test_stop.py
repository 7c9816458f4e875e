"""A host that stops (the server shuts down) puts its running job back in the queue; the next host finishes it."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from tests.api.test_renders import EXPORT, SLOW, balance, studio, tiny_draft, wait_for

from frameloom.api import create_app
from frameloom.settings import Settings


def test_a_running_export_goes_back_to_the_queue_when_the_server_stops(settings: Settings) -> None:
    settings = settings.model_copy(update={"workers": 1, "job_heartbeat_s": 0.2})
    with TestClient(create_app(settings)) as client:
        headers, sid, media_id = studio(client)
        body = {"render_id": "interrupted", "session_id": sid, "draft": tiny_draft(media_id, seconds=20, fps=30, size=SLOW)}
        assert client.post(EXPORT, headers=headers, json=body).status_code == 200
        wait_for(client, "interrupted", headers, {"rendering"})
        time.sleep(0.3)
    # stopped: the job is queued again, its credits still frozen
    with TestClient(create_app(settings.model_copy(update={"workers": 0}))) as idle:
        assert wait_for(idle, "interrupted", headers, {"queued"}, timeout=1)["status"] == "queued"
        assert balance(idle, headers)["frozen"] == 2
    with TestClient(create_app(settings)) as client:
        done = wait_for(client, "interrupted", headers, {"completed", "failed"})
        assert done["status"] == "completed", done
        assert done["duration_ms"] == 20_000
        assert balance(client, headers) == {"available": 98, "frozen": 0, "total": 98}
