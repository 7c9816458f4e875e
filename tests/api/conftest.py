from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frameloom.api import create_app
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
