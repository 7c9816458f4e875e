"""Metrics, structured logs and body bounds through the HTTP stack."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from frameloom.api import create_app
from frameloom.api.middleware import json_depth
from frameloom.api.observability import JsonFormatter
from frameloom.settings import Settings


def test_metrics_count_requests_by_route_template(client: TestClient, headers: dict[str, str]) -> None:
    client.get("/api/state/nemo_agent/me/ses_a/latest", headers=headers)
    client.get("/api/state/nemo_agent/me/ses_b/latest", headers=headers)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    line = ('frameloom_http_requests_total{method="GET",route="/api/state/nemo_agent/me/{session_id}/latest",'
            'status="404"} 2.0')
    assert line in text
    assert "frameloom_http_request_duration_seconds_bucket{" in text
    assert "ses_a" not in text


def test_metrics_count_skill_sources(client: TestClient) -> None:
    client.get("/healthz", headers={"X-Skill-Source": "claude code", "X-Skill-Version": "1.2",
                                    "X-Skill-Platform": "linux"})
    assert 'frameloom_skill_requests_total{source="claude_code"} 1.0' in client.get("/metrics").text


def test_each_request_has_one_access_log_line_with_its_id(
    client: TestClient, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.INFO, logger="frameloom.access")
    response = client.get("/api/credits/balance/simple?x=secret", headers={**headers, "X-Skill-Source": "cli"})
    (record,) = [r for r in caplog.records if r.name == "frameloom.access"]
    fields = record.fields  # type: ignore[attr-defined]
    assert record.request_id == response.headers["X-Request-Id"]  # type: ignore[attr-defined]
    assert fields["route"] == "/api/credits/balance/simple"
    assert fields["status"] == 200
    assert fields["skill_source"] == "cli"
    assert "secret" not in json.dumps(fields)
    assert headers["Authorization"].split()[1] not in caplog.text


def test_log_lines_are_json_with_the_request_id() -> None:
    record = logging.LogRecord("frameloom.api", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.request_id = "req-9"
    record.fields = {"status": 200}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello world"
    assert entry["request_id"] == "req-9"
    assert entry["level"] == "info"
    assert entry["status"] == 200


def test_a_json_body_too_deep_is_400(client: TestClient) -> None:
    body = "[" * 1000 + "]" * 1000
    response = client.post("/api/auth/register", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["data"]["errors"] == [{"field": "body", "problem": "JSON nested deeper than 64 levels"}]


def test_a_json_body_too_big_is_4002(client: TestClient) -> None:
    body = json.dumps({"email": "a@b.co", "password": "x" * 2_000_000})
    response = client.post("/api/auth/register", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["data"] == {"max_bytes": 1024 * 1024}


def test_a_json_body_too_big_on_the_openai_route_is_openai_shaped(client: TestClient) -> None:
    body = json.dumps({"prompt": "x" * 2_000_000})
    response = client.post("/v1/images/generations", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "4002"


@pytest.mark.parametrize(("text", "depth"), [(b'{"a": [1, {"b": 2}]}', 3), (b'"[[[["', 0), (b'["\\"[", [[]]]', 3)])
def test_json_depth_ignores_brackets_in_strings(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth


def test_configured_logging_keeps_sqlalchemy_statements_out() -> None:
    from frameloom.api.observability import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("sqlalchemy").level)
    try:
        configure_logging("INFO", "json")
        assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
        assert logging.getLogger("frameloom.access").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        logging.getLogger("sqlalchemy").setLevel(saved[2])


def test_the_access_log_can_be_turned_off(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(create_app(settings.model_copy(update={"access_log": False})))
    caplog.set_level(logging.INFO, logger="frameloom.access")
    client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "frameloom.access"]
    assert 'route="/healthz",status="200"' in client.get("/metrics").text
