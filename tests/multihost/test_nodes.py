"""Stateless API nodes (issue 13, part 4): two ``frameloom serve`` processes on different ports and data
folders, sharing PostgreSQL, Redis and S3 with a ``gpu`` and a ``cpu`` worker. What one node starts,
the other polls, cancels, downloads and follows; signed links, the login throttle and the chat stream
work across them, and each job runs on a worker of its class. One cluster for every step: starting four
processes is most of the test's time."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.api.conftest import still
from tests.conftest import stack_env
from tests.jobs.test_durability import free_port
from tests.multihost.cluster import Cluster, Node

from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.models import Job

SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}
EXPORT = "/api/render/proxy/lambda"
FINAL = {"completed", "failed", "cancelled"}


@pytest.fixture
def nodes(stack_settings: Settings, tmp_path: Path) -> Iterator[tuple[Cluster, dict[str, Node]]]:
    shared = {k: v for k, v in stack_env(stack_settings).items() if k != "FRAMELOOM_DATA_DIR"}
    cluster = Cluster(tmp_path / "nodes", shared, FRAMELOOM_JOB_HEARTBEAT_S="0.2", FRAMELOOM_JOB_STALE_S="3",
                      FRAMELOOM_LOGIN_FAILURES_PER_ACCOUNT="3")
    try:
        started = {
            "a": cluster.serve("api-a", "127.0.0.1", free_port()),
            "b": cluster.serve("api-b", "127.0.0.1", free_port()),
            "gpu": cluster.worker("worker-gpu", "gpu"),
            "cpu": cluster.worker("worker-cpu", "cpu"),
        }
        cluster.wait_ready()
        yield cluster, started
    finally:
        cluster.close()


def poll(url: str, path: str, headers: dict[str, str], done: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        data: dict[str, Any] = httpx.get(url + path, headers=headers, timeout=10).json()["data"]
        if done(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def draft(media_id: str, seconds: int) -> dict[str, Any]:
    ms = seconds * 1000
    return {"v": 1, "d": ms, "m": {"w": 320, "h": 180, "fps": 30},
            "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": media_id,
                                                                                 "motion": "zoom_in"}}]}]}


def sse_events(response: httpx.Response) -> Iterator[dict[str, Any]]:
    for line in response.iter_lines():
        if line.startswith("data: "):
            yield json.loads(line[6:])


@pytest.mark.parametrize("stack_settings", ["scaled"], indirect=True)
def test_a_job_started_on_one_node_is_followed_on_the_other(
    nodes: tuple[Cluster, dict[str, Node]], stack_settings: Settings
) -> None:
    _, node = nodes
    a, b = node["a"].url, node["b"].url
    assert a is not None
    assert b is not None
    token = httpx.post(a + "/api/auth/anonymous-token", headers={"X-Client-Id": "two-nodes"}).json()["data"]
    headers = {"Authorization": f"Bearer {token['token']}", **SKILL}
    sid = httpx.post(b + "/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"][
        "session_id"]
    media = httpx.post(f"{a}/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                       files={"file": ("pic.png", still("png", 320, 180), "image/png")}).json()["data"]["media"]

    # 1. An export made on A is polled on B; its link, signed by B, downloads from A too, and A's from B.
    body = {"render_id": "made-on-a", "session_id": sid, "draft": draft(media[0]["media_id"], 2)}
    assert httpx.post(a + EXPORT, headers=headers, json=body).status_code == 200
    on_b = poll(b, f"{EXPORT}/made-on-a", headers, lambda d: d["status"] in FINAL)
    assert (on_b["status"], on_b["duration_ms"], on_b["width"]) == ("completed", 2000, 320)
    on_a = httpx.get(f"{a}{EXPORT}/made-on-a", headers=headers).json()["data"]
    for link, other in ((on_b["url"], a), (on_a["url"], b)):
        path = link.split("/files/", 1)[1]
        got = httpx.get(f"{other}/files/{path}")
        assert got.status_code == 200, got.text
        assert len(got.content) == on_b["bytes"]
        assert got.content[4:8] == b"ftyp"
        assert httpx.get(f"{other}/files/{path}", headers={"Range": "bytes=0-99"}).status_code == 206

    # 2. An export made on B is cancelled on A; its credits come back.
    body = {"render_id": "cancel-on-a", "session_id": sid, "draft": draft(media[0]["media_id"], 60)}
    assert httpx.post(b + EXPORT, headers=headers, json=body).status_code == 200
    poll(b, f"{EXPORT}/cancel-on-a", headers, lambda d: d["status"] == "rendering" and d["progress"] > 0)
    assert httpx.delete(f"{a}{EXPORT}/cancel-on-a", headers=headers).json()["data"]["status"] == "cancelled"
    assert poll(b, f"{EXPORT}/cancel-on-a", headers, lambda d: True)["status"] == "cancelled"

    # 3. A chat turn started on A, left, and re-attached on B to its end (its image drawn by the gpu worker).
    chat = {"session_id": sid, "new_message": {"role": "user", "parts": [{"text": "generate an image of a red fox"}]},
            "app_name": "nemo_agent", "user_id": "me", "streaming": False}
    with httpx.stream("POST", a + "/run_sse", headers=headers, json=chat, timeout=60) as response:
        first = next(sse_events(response))
    invocation = first["invocationId"]
    again = {"session_id": sid, "invocation_id": invocation, "app_name": "nemo_agent", "user_id": "me"}
    with httpx.stream("POST", b + "/run_sse", headers=headers, json=again, timeout=120) as response:
        events = list(sse_events(response))
    assert events[0]["id"] == first["id"]  # replayed from the turn's first event
    assert events[-1].get("turnComplete") is True, events[-1]
    assert "errorCode" not in events[-1]
    calls = [p["functionResponse"] for e in events for p in e.get("content", {}).get("parts", [])
             if "functionResponse" in p]
    assert calls, events

    # 4. An image job made on B is awaited on A.
    made = httpx.post(b + "/api/jobs/image", headers=headers, json={"prompt": "a lighthouse", "size": "320x176"})
    job_id = made.json()["data"]["job_id"]
    assert poll(a, f"/api/jobs/{job_id}", headers, lambda d: d["status"] in FINAL)["status"] == "completed"

    # 5. The books: nothing frozen; each job ran on a worker of its class.
    balance = httpx.get(a + "/api/credits/balance/simple", headers=headers).json()["data"]
    assert balance["frozen"] == 0
    db = Database(str(stack_settings.database_url))
    with db.read() as session:
        ran = {(job.kind, job.status, job.worker.split(":")[1]) for job in session.query(Job)
               if job.worker and job.worker.count(":") == 2}  # host:pid:nonce (not a parked export)
    db.dispose()
    pids = {"gpu": str(node["gpu"].proc.pid), "cpu": str(node["cpu"].proc.pid)}
    for kind, status, pid in ran:
        if status == "completed":
            assert pid == (pids["gpu"] if kind in {"image", "video"} else pids["cpu"]), (kind, pid, pids)
    assert {kind for kind, status, _ in ran if status == "completed"} >= {"export", "chat", "image"}
    for name in ("a", "b"):  # the key came from the database, not from a file of either node
        assert not (node[name].data / "secret_key").exists()

    # 6. The login throttle counts the wrong passwords of both nodes.
    credentials = {"email": "guess@example.com", "password": "the right password"}
    assert httpx.post(a + "/api/auth/register", json=credentials).status_code == 200
    wrong = {**credentials, "password": "a wrong password"}
    assert [httpx.post(url + "/api/auth/login", json=wrong).status_code for url in (a, b, a)] == [401, 401, 401]
    refused = httpx.post(b + "/api/auth/login", json=credentials)  # the 4th try, on the other node
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
