"""Webhooks: each job end POSTed once, signed, to a real receiver on loopback; retries after a 500; the
outbox survives a restart; private addresses refused at submission unless the operator allows them."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import bearer, new_token

from frameloom.api import create_app
from frameloom.client.webhooks import WebhookVerificationError, verify
from frameloom.services.container import Services
from frameloom.settings import Settings

ATTRIBUTION = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1: records every POST, answers the next status of ``answers``
    (200 once they run out)."""

    answers: list[int] = field(default_factory=list)
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self, port: int = 0) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.got.append(Received(body, dict(self.headers.items()), time.monotonic()))
                    status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def wait_for(self, count: int, timeout_s: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.got) >= count:
                    return list(self.got)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.got)} deliveries, expected {count}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """Jobs in process, loopback allowed by the operator, retries in tenths of a second."""
    return settings.model_copy(update={
        "workers": 1, "url_import_allowed_networks": ["127.0.0.0/8"], "webhook_poll_s": 0.05,
        "webhook_retry_first_s": 0.2, "webhook_retry_max_s": 1.0, "webhook_timeout_s": 5.0})


@pytest.fixture
def running(hook_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(hook_settings)) as client:
        yield client


def services(client: TestClient) -> Services:
    found: Services = client.app.state.services  # type: ignore[attr-defined]
    return found


def wait_job(client: TestClient, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        data: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()["data"]
        if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def secret_of(client: TestClient, headers: dict[str, str]) -> str:
    found: str = client.get("/api/account/webhook", headers=headers).json()["data"]["secret"]
    return found


def without_links(body: dict[str, Any]) -> dict[str, Any]:
    """The poll body with its signed links left out (each showing mints a new expiry)."""
    data = dict(body["data"])
    data.pop("url", None)
    if "result" in data:
        data["result"] = {**data["result"], "files": [{k: v for k, v in f.items() if k != "url"}
                                                      for f in data["result"]["files"]]}
    return {**body, "data": data}


def test_an_image_job_end_is_posted_once_signed_with_the_poll_body(running: TestClient,
                                                                    receiver: Receiver) -> None:
    headers = bearer(new_token(running))
    job = running.post("/api/jobs/image", headers=headers, json={
        "prompt": "a red fox", "size": "128x72", "webhook_url": receiver.url}).json()["data"]
    done = wait_job(running, job["job_id"], headers)
    assert done["status"] == "completed"
    [delivery] = receiver.wait_for(1)
    event = verify(delivery.body, delivery.headers["Frameloom-Signature"], secret_of(running, headers))
    poll = running.get(f"/api/jobs/{job['job_id']}", headers=headers).json()
    assert without_links(event) == without_links(poll)
    assert delivery.headers["Frameloom-Event"] == "image.completed"
    assert delivery.headers["Content-Type"] == "application/json"
    link = event["data"]["result"]["files"][0]["url"]
    assert running.get(link.replace("http://testserver", "")).status_code == 200  # the body's links work
    with pytest.raises(WebhookVerificationError):
        verify(delivery.body + b" ", delivery.headers["Frameloom-Signature"], secret_of(running, headers))
    with pytest.raises(WebhookVerificationError):
        verify(delivery.body, delivery.headers["Frameloom-Signature"], "whsec_other")
    time.sleep(0.5)  # the sender polls every 0.05 s: a second delivery would have come by now
    assert len(receiver.got) == 1
    row, attempts = services(running).webhooks.delivery_of(job["job_id"])
    assert row is not None
    assert (row.status, row.event, len(attempts), attempts[0].status_code) == ("delivered", "completed", 1, 200)


def test_a_500_is_retried_with_backoff_until_the_receiver_answers_200(running: TestClient,
                                                                     receiver: Receiver) -> None:
    receiver.answers = [500, 503]
    headers = bearer(new_token(running))
    job = running.post("/api/jobs/image", headers=headers, json={
        "prompt": "a red fox", "size": "128x72", "webhook_url": receiver.url}).json()["data"]
    got = receiver.wait_for(3)
    assert len({r.headers["Frameloom-Delivery"] for r in got}) == 1
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(got)]
    assert gaps[0] >= 0.2 * 0.95  # the first wait, webhook_retry_first_s
    assert gaps[1] >= 0.4 * 0.95  # then doubled
    secret = secret_of(running, headers)
    assert all(verify(r.body, r.headers["Frameloom-Signature"], secret)["data"]["status"] == "completed"
               for r in got)
    time.sleep(1.5)
    assert len(receiver.got) == 3  # answered 200 once: never again
    row, attempts = services(running).webhooks.delivery_of(job["job_id"])
    assert row is not None
    assert row.status == "delivered"
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert attempts[0].error == "HTTP 500"
    shown = running.get(f"/api/account/webhook/deliveries/{job['job_id']}", headers=headers).json()["data"]
    assert (shown["status"], shown["event"], shown["url"]) == ("delivered", "completed", receiver.url)
    assert [(a["number"], a.get("status_code"), a.get("error")) for a in shown["attempts"]] == [
        (1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 200, None)]
    other = bearer(new_token(running))
    assert running.get(f"/api/account/webhook/deliveries/{job['job_id']}", headers=other).json()["code"] == 1002


def test_a_cancelled_job_and_the_account_default_webhook(hook_settings: Settings, receiver: Receiver) -> None:
    with TestClient(create_app(hook_settings.model_copy(update={"workers": 0}))) as client:
        headers = bearer(new_token(client))
        assert client.put("/api/account/webhook", headers=headers,
                          json={"url": receiver.url}).json()["data"]["url"] == receiver.url
        job = client.post("/api/jobs/image", headers=headers, json={"prompt": "a fox", "size": "128x72"}).json()
        client.delete(f"/api/jobs/{job['data']['job_id']}", headers=headers)
        [delivery] = receiver.wait_for(1)
        event = verify(delivery.body, delivery.headers["Frameloom-Signature"], secret_of(client, headers))
        assert event["data"]["status"] == "cancelled"
        assert delivery.headers["Frameloom-Event"] == "image.cancelled"
        cleared = client.delete("/api/account/webhook", headers=headers).json()["data"]
        assert cleared["url"] is None
        job = client.post("/api/jobs/image", headers=headers, json={"prompt": "a fox", "size": "128x72"}).json()
        client.delete(f"/api/jobs/{job['data']['job_id']}", headers=headers)
        time.sleep(0.5)
        assert len(receiver.got) == 1


def test_an_export_ends_with_a_webhook(running: TestClient, receiver: Receiver) -> None:
    headers = bearer(new_token(running))
    sid = running.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                       headers=headers).json()["data"]["session_id"]
    draft = {"v": 1, "d": 1000, "m": {"w": 128, "h": 72, "fps": 10, "ar": "16:9"}, "t": [
        {"id": "x1", "tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": "hello"}}]}]}
    render = running.post("/api/render/proxy/lambda", headers={**headers, **ATTRIBUTION}, json={
        "session_id": sid, "draft": draft, "format": "png", "webhook_url": receiver.url}).json()
    assert render["code"] == 0, render
    [delivery] = receiver.wait_for(1)
    event = verify(delivery.body, delivery.headers["Frameloom-Signature"], secret_of(running, headers))
    assert event["data"]["render_id"] == render["data"]["render_id"]
    assert event["data"]["status"] == "completed"
    assert delivery.headers["Frameloom-Event"] == "export.completed"
    assert running.get(event["data"]["url"].replace("http://testserver", "")).status_code == 200


def test_the_outbox_survives_a_restart(hook_settings: Settings) -> None:
    """A receiver that is down when the job ends gets the delivery from the next server on the same data."""
    down = Receiver().start()
    url = down.url
    down.stop()  # nothing listens there now: the first attempts fail to connect
    with TestClient(create_app(hook_settings)) as first:
        headers = bearer(new_token(first))
        job = first.post("/api/jobs/image", headers=headers, json={
            "prompt": "a red fox", "size": "128x72", "webhook_url": url}).json()["data"]
        wait_job(first, job["job_id"], headers)
        deadline = time.monotonic() + 10
        while not services(first).webhooks.delivery_of(job["job_id"])[1] and time.monotonic() < deadline:
            time.sleep(0.05)
        row, attempts = services(first).webhooks.delivery_of(job["job_id"])
        assert row is not None
        assert row.status == "pending"
        assert attempts[0].status_code is None
        assert attempts[0].error
        secret = secret_of(first, headers)
    back = Receiver().start(port=int(url.rsplit(":", 1)[1].split("/")[0]))  # the receiver is back
    try:
        with TestClient(create_app(hook_settings)):
            [delivery] = back.wait_for(1)
            event = verify(delivery.body, delivery.headers["Frameloom-Signature"], secret)
            assert event["data"]["job_id"] == job["job_id"]
    finally:
        back.stop()


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://10.0.0.7/hook", "http://[::1]:9/hook",
                                 "http://169.254.169.254/latest", "ftp://example.com/x", "not a url"])
def test_a_private_or_odd_webhook_is_refused_at_submission(settings: Settings, url: str) -> None:
    with TestClient(create_app(settings)) as client:  # no allowed networks: loopback is private
        headers = bearer(new_token(client))
        bodies: list[tuple[str, dict[str, Any]]] = [
            ("/api/jobs/image", {"prompt": "a fox", "size": "128x72"}),
            ("/api/jobs/video", {"prompt": "a fox", "seconds": 1, "size": "128x72"})]
        for path, body in bodies:
            response = client.post(path, headers=headers, json={**body, "webhook_url": url})
            assert response.status_code == 400, response.text
            assert response.json()["data"]["errors"][0]["field"] == "webhook_url"
        sid = client.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                          headers=headers).json()["data"]["session_id"]
        draft = {"v": 1, "d": 1000, "m": {"w": 128, "h": 72, "fps": 10, "ar": "16:9"}, "t": [
            {"id": "x1", "tt": 7, "m": {"name": "T"}, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": "hi"}}]}]}
        response = client.post("/api/render/proxy/lambda", headers={**headers, **ATTRIBUTION}, json={
            "session_id": sid, "draft": draft, "format": "png", "webhook_url": url})
        assert response.status_code == 400
        assert response.json()["data"]["errors"][0]["field"] == "webhook_url"
        refused = client.put("/api/account/webhook", headers=headers, json={"url": url})
        assert refused.status_code == 400
        assert refused.json()["data"]["errors"][0]["field"] == "url"
        assert client.get("/api/credits/balance/simple", headers=headers).json()["data"] == {
            "available": 100, "frozen": 0, "total": 100}


def test_the_secret_is_the_owners_and_rotates(running: TestClient) -> None:
    headers, other = bearer(new_token(running)), bearer(new_token(running))
    first = secret_of(running, headers)
    assert first.startswith("whsec_")
    assert secret_of(running, headers) == first
    assert secret_of(running, other) != first
    rotated = running.post("/api/account/webhook/secret", headers=headers).json()["data"]["secret"]
    assert rotated != first
    assert secret_of(running, headers) == rotated
    assert running.get("/api/account/webhook").json()["code"] == 1001


def test_a_receiver_that_never_answers_200_is_given_up_after_the_window(hook_settings: Settings,
                                                                        receiver: Receiver) -> None:
    receiver.answers = [500] * 10
    short = hook_settings.model_copy(update={"webhook_retry_for_s": 0.5})  # waits 0.2, then 0.4: past 0.5
    with TestClient(create_app(short)) as client:
        headers = bearer(new_token(client))
        job = client.post("/api/jobs/image", headers=headers, json={
            "prompt": "a red fox", "size": "128x72", "webhook_url": receiver.url}).json()["data"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row, attempts = services(client).webhooks.delivery_of(job["job_id"])
            if row is not None and row.status == "given_up":
                break
            time.sleep(0.05)
        assert row is not None
        assert row.status == "given_up"
        assert attempts
        assert all(a.status_code == 500 for a in attempts)
        assert row.last_error == "HTTP 500"
        time.sleep(0.5)
        assert len(receiver.got) == len(attempts)


def test_the_waits_double_up_to_the_cap_and_stop_at_the_window(settings: Settings) -> None:
    from frameloom.services.webhooks import WebhookSender
    from frameloom.store.models import WebhookDelivery

    timing = settings.model_copy(update={"webhook_retry_first_s": 30.0, "webhook_retry_max_s": 3600.0,
                                         "webhook_retry_for_s": 86_400.0})
    sender = WebhookSender(None, timing, lambda: datetime.now(UTC), lambda job, base: {})  # type: ignore[arg-type]
    ended = datetime(2026, 3, 1, tzinfo=UTC)
    delivery = WebhookDelivery(ended_at=ended, created_at=ended)
    waits = []
    now = ended
    for failed in range(1, 40):
        at = sender._next_at(delivery, failed, now)
        if at is None:
            break
        waits.append((at - now).total_seconds())
        now = at
    assert waits[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert set(waits[8:]) == {3600}
    assert now <= ended + timedelta(days=1) < now + timedelta(hours=1)  # the last one inside the day
    assert len(waits) == 8 + 21  # 7,410 s of doubling, then hourly until the day is over


def test_the_sdk_names_a_webhook_and_verifies_what_it_gets(hook_settings: Settings, receiver: Receiver,
                                                           live_server: Callable[[Any], str]) -> None:
    """The client submits with ``webhook_url`` against a real server; the receiver verifies with the SDK."""
    from frameloom.client import Client
    from frameloom.client.errors import BadRequest

    url = live_server(create_app(hook_settings))
    with Client(url) as client:
        client.token = client.anonymous_token("sdk-webhook").token
        secret = client.webhook().secret
        with pytest.raises(BadRequest):
            client.set_webhook("http://10.0.0.7/hook")  # private, and not in the allowed networks
        assert client.set_webhook(receiver.url).url == receiver.url
        assert client.set_webhook(None).url is None
        job = client.generate_image("a red fox", size="128x72", webhook_url=receiver.url)
        [delivery] = receiver.wait_for(1)
        event = verify(delivery.body, delivery.headers["Frameloom-Signature"], secret)
        assert event["data"]["job_id"] == job.job_id
        assert event["data"]["status"] == client.job(job.job_id).status == "completed"


def test_a_chat_turn_is_not_a_webhook_job(running: TestClient, receiver: Receiver) -> None:
    """The account's default covers image, video and export jobs; the chat's own turn job is not told."""
    from sqlalchemy import func, select

    from frameloom.store.models import WebhookDelivery

    headers = bearer(new_token(running))
    running.put("/api/account/webhook", headers=headers, json={"url": receiver.url})
    sid = running.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "p"},
                       headers=headers).json()["data"]["session_id"]
    events = running.post("/run", headers=headers, json={
        "session_id": sid, "new_message": {"role": "user", "parts": [{"text": "help"}]}}).json()
    assert events[-1]["turnComplete"] is True
    time.sleep(0.5)
    with services(running).db.read() as session:
        assert session.execute(select(func.count()).select_from(WebhookDelivery)).scalar_one() == 0
    assert receiver.got == []
