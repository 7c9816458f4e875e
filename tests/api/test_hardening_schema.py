"""schemathesis against the live OpenAPI schema (issue 14, part 2): a real server from ``LiveServer``,
a fresh token, a few examples per operation. No 500, every ``/api/...`` answer in the envelope, every
documented body as its schema says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Ok
from tests.conftest import LiveServer

from frameloom.api import create_app
from frameloom.settings import Settings

MAX_EXAMPLES = 60  # per operation: the whole run stays within about a minute on two cores
SKIPPED = re.compile(r"^/run(_sse)?$")  # an agent turn per example: their own tests cover the streams
# These wait for a drawn picture (OpenAI's route answers when the job is done) or queue work for the
# one worker: a few examples, and the waiting one first, before the queue fills.
FEW = {("POST", "/v1/images/generations"): 4, ("POST", "/api/jobs/image"): 6, ("POST", "/api/jobs/video"): 6}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A real server (one job worker, as `frameloom serve` runs) and a fresh token's header."""
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("schema") / "data",  # type: ignore[call-arg]
                        workers=1, access_log=False)
    server = LiveServer(create_app(settings)).__enter__()
    try:
        token = httpx.post(f"{server.url}/api/auth/anonymous-token", headers={"X-Client-Id": "schemathesis"})
        yield server.url, {"Authorization": f"Bearer {token.json()['data']['token']}"}
    finally:
        server.__exit__()


def _in_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every JSON answer of an ``/api/...`` route is ``{code, message, data}``; code 0 only with 200."""
    if not case.path.startswith("/api/") or "json" not in response.headers.get("content-type", [""])[0]:
        return None
    body = response.json()
    assert isinstance(body, dict), f"not an envelope: {body!r:.200}"
    assert set(body) == {"code", "message", "data"}, f"not an envelope: {sorted(body)}"
    assert (body["code"] == 0) == (response.status_code == 200), f"{response.status_code} with code {body['code']}"
    return True


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema has an operation schemathesis cannot read: {result}"
        operations.append(result.ok())
    kept = [op for op in operations if not SKIPPED.match(op.path)]
    return sorted(kept, key=lambda op: op.path != "/v1/images/generations")


def test_no_500_envelopes_and_bodies_as_documented(api: tuple[str, dict[str, str]]) -> None:
    url, auth = api
    failures: list[str] = []
    operations = _operations(url)
    assert len(operations) > 20

    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=FEW.get((operation.method.upper(), operation.path), MAX_EXAMPLES),
                             deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call(base_url=url, headers=auth, timeout=60)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                                     _in_envelope])

        try:
            run()
        except Exception as exc:  # collected, so that one run names every operation that fails
            inner = "; ".join(f"{type(e).__name__}: {e}" for e in getattr(exc, "exceptions", ()))
            failures.append(f"{operation.method.upper()} {operation.path}: {exc} {inner}"[:3000])
    assert not failures, "\n\n".join(failures)
