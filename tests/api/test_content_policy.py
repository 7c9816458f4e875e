"""The content policy on every door (image and video jobs, ``/v1``, exports, the chat, the CLI), in English
and Chinese, from the operator's blocklist and from a moderation hook on loopback: refused with 4003 (a
text reply in the chat), and not one credit moved (the balance and the ledger are checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.services.container import Services
from frameloom.settings import Settings
from frameloom.store.models import CreditEntry, Job

ATTRIBUTION = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}
BLOCKED = {"en": "a fox with a machete", "zh": "一只狐狸拿着一把刀"}
FINE = {"en": "a fox in a classroom", "zh": "一只狐狸在教室里"}


@pytest.fixture
def policy_settings(settings: Settings, tmp_path: Path) -> Settings:
    blocklist = tmp_path / "blocklist.txt"
    blocklist.write_text("# refused words\nmachete\n刀\nass\n", encoding="utf-8")
    return settings.model_copy(update={"workers": 1, "blocklist": blocklist})


@pytest.fixture
def running(policy_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(policy_settings)) as client:
        yield client


def services(client: TestClient) -> Services:
    found: Services = client.app.state.services  # type: ignore[attr-defined]
    return found


def books(client: TestClient, headers: dict[str, str]) -> tuple[dict[str, Any], int, int]:
    """The balance, the account's ledger lines and its paid jobs (a chat turn is a job of its own)."""
    balance: dict[str, Any] = client.get("/api/credits/balance/simple", headers=headers).json()["data"]
    account = services(client).auth.authenticate(headers["Authorization"]).account_id
    with services(client).db.read() as session:
        entries = session.execute(select(func.count()).where(CreditEntry.account_id == account)).scalar_one()
        jobs = session.execute(select(func.count()).where(Job.account_id == account, Job.kind != "chat")).scalar_one()
    return balance, int(entries), int(jobs)


def new_session(client: TestClient, headers: dict[str, str]) -> str:
    sid: str = client.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                           headers=headers).json()["data"]["session_id"]
    return sid


def title_draft(text: str) -> dict[str, Any]:
    return {"v": 1, "d": 1000, "m": {"w": 128, "h": 72, "fps": 10, "ar": "16:9"}, "t": [
        {"id": "x1", "tt": 7, "m": {"name": "Title"}, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": text}}]}]}


Door = Callable[[TestClient, dict[str, str], str], Any]


def image_job(client: TestClient, headers: dict[str, str], prompt: str) -> Any:
    return client.post("/api/jobs/image", headers=headers, json={"prompt": prompt, "size": "128x72"})


def video_job(client: TestClient, headers: dict[str, str], prompt: str) -> Any:
    return client.post("/api/jobs/video", headers=headers, json={"prompt": prompt, "seconds": 1, "size": "128x72"})


def video_title(client: TestClient, headers: dict[str, str], text: str) -> Any:
    return client.post("/api/jobs/video", headers=headers, json={
        "prompt": "a quiet lake", "title": text, "seconds": 1, "size": "128x72"})


def export(client: TestClient, headers: dict[str, str], text: str) -> Any:
    return client.post("/api/render/proxy/lambda", headers={**headers, **ATTRIBUTION}, json={
        "session_id": new_session(client, headers), "draft": title_draft(text), "format": "png"})


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("door", "field"), [(image_job, "prompt"), (video_job, "prompt"), (video_title, "title"),
                                             (export, "draft.t[0].sg[0].m.text")])
def test_refused_on_the_api_doors_with_nothing_charged(running: TestClient, door: Door, field: str,
                                                       language: str) -> None:
    headers = bearer(new_token(running))
    before = books(running, headers)
    response = door(running, headers, BLOCKED[language])
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 4003
    assert body["data"]["field"] == field
    assert body["data"]["source"] == "blocklist"
    assert ("machete" if language == "en" else "刀") in body["data"]["reason"]
    assert books(running, headers)[0] == before[0]
    assert books(running, headers) == (before[0], before[1], 0)
    assert door(running, headers, FINE[language]).json()["code"] == 0  # the same door takes a fine text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_refused_on_v1_in_openais_shape(running: TestClient, language: str) -> None:
    headers = bearer(new_token(running))
    before = books(running, headers)
    response = running.post("/v1/images/generations", headers=headers,
                            json={"prompt": BLOCKED[language], "size": "1024x1024"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "content_policy_violation"
    assert error["type"] == "invalid_request_error"
    assert "content policy" in error["message"]
    assert books(running, headers) == before


@pytest.mark.parametrize(("message", "language"), [
    ("generate an image of a fox with a machete", "en"), ("生成一张图片：一只狐狸拿着一把刀", "zh"),
    ("make a 2 second video of a fox with a machete", "en"), ("做一个2秒的视频：一只狐狸拿着一把刀", "zh")])
def test_the_chat_explains_the_refusal_in_text(running: TestClient, message: str, language: str) -> None:
    headers = bearer(new_token(running))
    sid = new_session(running, headers)
    before = books(running, headers)
    events = running.post("/run", headers=headers, json={
        "session_id": sid, "new_message": {"role": "user", "parts": [{"text": message}]},
        "app_name": "nemo_agent", "user_id": "me"}).json()
    assert isinstance(events, list)
    assert not any("errorCode" in e for e in events)
    last = events[-1]
    assert last["turnComplete"] is True
    text = " ".join(p.get("text", "") for p in last["content"]["parts"])
    assert ("content policy" in text) if language == "en" else ("内容规则" in text), text
    assert ("machete" if language == "en" else "刀") in text
    parts = [p for e in events for p in (e.get("content") or {}).get("parts", [])]
    assert not any("functionCall" in p for p in parts)  # refused before any tool ran or any price was said
    assert books(running, headers) == before


def test_a_moderation_hook_that_flags_refuses_on_every_door(policy_settings: Settings) -> None:
    flagged: list[str] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            flagged.extend(inputs)
            results = [{"flagged": "wolf" in t or "狼" in t, "categories": {"violence": "wolf" in t or "狼" in t}}
                       for t in inputs]
            payload = json.dumps({"results": results}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/moderations"
    try:
        with TestClient(create_app(policy_settings.model_copy(update={"moderation_url": url}))) as client:
            headers = bearer(new_token(client))
            before = books(client, headers)
            for door in (image_job, video_job, video_title, export):
                for text in ("a grey wolf", "一只狼"):
                    response = door(client, headers, text)
                    assert response.json()["code"] == 4003, response.text
                    assert response.json()["data"]["source"] == "moderation"
                    assert response.json()["data"]["categories"] == ["violence"]
            v1 = client.post("/v1/images/generations", headers=headers, json={"prompt": "a grey wolf"})
            assert v1.json()["error"]["code"] == "content_policy_violation"
            assert books(client, headers) == before
            assert image_job(client, headers, "a red fox").json()["code"] == 0
    finally:
        server.shutdown()
        server.server_close()
    assert "a grey wolf" in flagged


def test_an_unreachable_hook_is_503_and_charges_nothing(policy_settings: Settings) -> None:
    hooked = policy_settings.model_copy(update={"moderation_url": "http://127.0.0.1:9/v1/moderations",
                                                "moderation_timeout_s": 1.0})
    with TestClient(create_app(hooked)) as client:
        headers = bearer(new_token(client))
        before = books(client, headers)
        response = image_job(client, headers, "a red fox")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert books(client, headers) == before
    with TestClient(create_app(hooked.model_copy(update={"moderation_fail_open": True}))) as client:
        assert image_job(client, bearer(new_token(client)), "a red fox").json()["code"] == 0


def test_the_cli_prints_the_reason(policy_settings: Settings, live_server: Callable[[Any], str],
                                   tmp_path: Path) -> None:
    """``frameloom chat`` against a real server, and ``frameloom generate`` with no server."""
    url = live_server(create_app(policy_settings))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMELOOM_") and k != "NEMO_TOKEN"}
    env.update(HOME=str(tmp_path), FRAMELOOM_URL=url, FRAMELOOM_CONFIG_DIR=str(tmp_path / "config"),
               FRAMELOOM_BLOCKLIST=str(policy_settings.blocklist))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "frameloom", *args], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=120, start_new_session=True)

    chat = cli("chat", "generate an image of a fox with a machete")
    assert chat.returncode == 0, chat.stderr
    assert "content policy" in chat.stdout + chat.stderr
    credits = cli("credits")
    assert "100" in credits.stdout
    local = cli("generate", "一把刀", "-o", str(tmp_path / "out.png"))
    assert local.returncode == 2
    assert "刀" in local.stderr
    assert "content policy" in local.stderr
    assert not (tmp_path / "out.png").exists()
