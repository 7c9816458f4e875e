"""Fixtures for the client SDK's tests: a real studio server, and each client kind behind one face.

``client`` is parametrised: the sync :class:`Client`, and the :class:`AsyncClient`
driven on one event loop by :class:`Blocking`, so a single contract test class
runs against both (httpx's own habit for its sync and async clients).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from tests.conftest import LiveServer

from frameloom.api import create_app
from frameloom.client import AsyncClient, Attribution, Client
from frameloom.services.container import Services
from frameloom.settings import Settings

ATTRIBUTION = Attribution(source="tests", version="1.0", platform="pytest")
UPLOAD_MAX_BYTES = 64 * 1024  # small, so a file over the limit is small too
_client_ids = itertools.count(1)


@dataclass(frozen=True)
class Studio:
    """A running server: its base URL, the settings it was built with, and its services (to set a state)."""

    url: str
    settings: Settings
    services: Services


def studio_settings(data_dir: Path, **changes: Any) -> Settings:
    base = Settings(_env_file=None, data_dir=data_dir, upload_max_bytes=UPLOAD_MAX_BYTES,  # type: ignore[call-arg]
                    anonymous_per_ip=10_000, chat_heartbeat_s=0.2)
    return base.model_copy(update=changes)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """One server for a module's tests (each test uses its own anonymous accounts)."""
    with pytest.MonkeyPatch.context() as env:
        import os

        for key in [k for k in os.environ if k.startswith("FRAMELOOM_") or k == "NEMO_TOKEN"]:
            env.delenv(key)
        settings = studio_settings(tmp_path_factory.mktemp("studio") / "data")
        app = create_app(settings)
    with LiveServer(app) as server:
        yield Studio(server.url, settings, services_of(app))


def services_of(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Studio]]:
    """``serve(**settings_changes)``: a server of its own for one test, stopped after it."""
    servers: list[LiveServer] = []

    def start(**changes: Any) -> Studio:
        settings = studio_settings(tmp_path / f"data{len(servers)}", **changes)
        app = create_app(settings)
        server = LiveServer(app).__enter__()
        servers.append(server)
        return Studio(server.url, settings, services_of(app))

    yield start
    for server in servers:
        server.__exit__(None, None, None)


class Blocking:
    """An :class:`AsyncClient` called like a :class:`Client`: each coroutine run on one loop (the
    client's connections belong to it), each async iterator stepped on it."""

    def __init__(self, client: AsyncClient, runner: asyncio.Runner) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_runner", runner)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            if inspect.isawaitable(result):
                return self._runner.run(_awaited(result))
            if isinstance(result, AsyncIterator):
                return self._iterate(result)
            return result

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._client, name, value)

    def _iterate(self, items: AsyncIterator[Any]) -> Iterator[Any]:
        while True:
            try:
                yield self._runner.run(_next(items))
            except StopAsyncIteration:
                return


async def _awaited(result: Any) -> Any:
    return await result


async def _next(items: AsyncIterator[Any]) -> Any:
    return await anext(items)


ClientFactory = Callable[..., Client]


@pytest.fixture(params=["sync", "async"])
def make_client(request: pytest.FixtureRequest) -> Iterator[ClientFactory]:
    """``make_client(url, token=None, transport=None)``: a client of this test's kind (on an
    ``httpx.MockTransport`` when given one), closed after the test."""
    closers: list[Callable[[], None]] = []
    runner = asyncio.Runner()

    def make(url: str, token: str | None = None, transport: httpx.MockTransport | None = None,
             attribution: Attribution | None = ATTRIBUTION) -> Client:
        if request.param == "sync":
            client = Client(url, token, attribution=attribution, transport=transport)
            closers.append(client.close)
            return client
        async_client = AsyncClient(url, token, attribution=attribution, transport=transport)
        closers.append(lambda: runner.run(async_client.close()))
        return cast(Client, Blocking(async_client, runner))

    yield make
    for close in closers:
        close()
    runner.close()


def new_client_id() -> str:
    return f"client-test-{next(_client_ids)}"


@pytest.fixture
def client(studio: Studio, make_client: ClientFactory) -> Client:
    """A client of each kind with a fresh anonymous account on ``studio``."""
    made = make_client(studio.url)
    made.anonymous_token(new_client_id())
    return made
