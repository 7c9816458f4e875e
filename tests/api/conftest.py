from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frameloom.api import create_app
from frameloom.settings import Settings


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    # Unexpected errors must come back as 500 envelopes, not be re-raised into the test.
    return TestClient(app, raise_server_exceptions=False)
