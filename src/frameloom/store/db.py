"""The database handle: one engine, read and write transactions, migrations at start.

SQLite (the embedded default) and PostgreSQL (scale-out) behave the same to
callers. Writes are serialised on SQLite: a process-wide lock plus
``BEGIN IMMEDIATE`` (so several processes on one file also queue instead of
failing); reads run concurrently in WAL mode. On PostgreSQL the conditional
``UPDATE``\\ s of the repositories take row locks, so nothing extra is needed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from frameloom.domain.errors import StoreUnavailable

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_WRITE_OPTION = "frameloom_write"
MAX_THREAD_READERS = 8
AnySelect = Select[*tuple[Any, ...]]
# Any constant: the key of the PostgreSQL advisory lock held while migrating,
# so API nodes starting together do not run the same migration twice.
_MIGRATION_LOCK_KEY = 7_341_029_113


@dataclass(frozen=True)
class _Prepared:
    """A ``SELECT`` compiled for one database: SQL text, bind order (positional styles), types."""

    sql: str
    positions: list[str] | None
    binds: dict[str, Callable[[Any], Any] | None]
    columns: list[str]
    processors: list[Callable[[Any], Any] | None]


@contextmanager
def _reachable(driver_error: type[Exception]) -> Iterator[None]:
    """``OperationalError`` (refused, lost, locked, full: the driver's "try later") as ``StoreUnavailable``.

    SQLAlchemy's wrapper, and the driver's own class (raw connections from the pool raise
    that unwrapped). The driver's text goes to the cause only: it may name hosts and users.
    """
    try:
        yield
    except (OperationalError, driver_error) as exc:
        raise StoreUnavailable("the database is unavailable for now; try again shortly") from exc


class Database:
    """Sessions on ``url`` (a SQLAlchemy URL). Nothing connects until first use.

    ``read()`` and ``write()`` yield an ORM :class:`Session`; ``write()``
    commits when the block ends and rolls back on any exception.
    """

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url: URL = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = self._create_engine(pool_size)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(**{_WRITE_OPTION: True}) if self.is_sqlite else self.engine
        self._writes = sessionmaker(writer, expire_on_commit=False)
        self._write_lock: threading.Lock | None = threading.Lock() if self.is_sqlite else None
        self._prepared: dict[AnySelect, _Prepared] = {}
        self._local = threading.local()
        self._readers: list[Any] = []
        self._readers_lock = threading.Lock()
        self._driver_error: type[Exception] = self.engine.dialect.loaded_dbapi.OperationalError

    def _create_engine(self, pool_size: int) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        if self.url.database and self.url.database != ":memory:":
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            self.url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; whatever it wrote is rolled back. Raises ``StoreUnavailable``
        when the database cannot be reached."""
        with _reachable(self._driver_error), self._reads() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block (rolled back on error).

        Raises ``StoreUnavailable`` when the database cannot be reached or take the write.
        """
        lock: AbstractContextManager[Any] = self._write_lock if self._write_lock is not None else nullcontext()
        with _reachable(self._driver_error), lock, self._writes() as session, session.begin():
            yield session

    def read_one(self, statement: AnySelect, params: dict[str, Any]) -> dict[str, Any] | None:
        """The first row of one read-only ``SELECT`` as a dict, or ``None``: the hot-path read.

        The statement is compiled once for this database and then run straight on
        a pooled driver connection, outside any transaction (one statement needs
        none), with each parameter's and column's type applied as SQLAlchemy would.
        Every bind must be a named ``bindparam`` given in ``params``.
        """
        with _reachable(self._driver_error):
            return self._read_one(statement, params)

    def _read_one(self, statement: AnySelect, params: dict[str, Any]) -> dict[str, Any] | None:
        prepared = self._prepared.get(statement) or self._prepare(statement)
        values = {name: process(params[name]) if process else params[name]
                  for name, process in prepared.binds.items()}
        args = [values[name] for name in prepared.positions] if prepared.positions is not None else values
        reader = self._thread_reader()
        if reader is not None:
            row = _fetch_one(reader, prepared.sql, args)
        else:
            connection = self.engine.raw_connection()
            try:
                row = _fetch_one(connection, prepared.sql, args)
            finally:
                connection.close()  # back to the pool
        if row is None:
            return None
        return {name: process(value) if process else value
                for name, process, value in zip(prepared.columns, prepared.processors, row, strict=True)}

    def _thread_reader(self) -> Any | None:
        """On SQLite, this thread's own connection for :meth:`read_one` (no pool round trip).

        A file database costs nothing to keep open, and in autocommit mode each
        statement sees every committed write. Taken out of the pool, so the pool
        keeps its full size; at most :data:`MAX_THREAD_READERS` threads get one.
        """
        if not self.is_sqlite:
            return None
        reader = getattr(self._local, "reader", None)
        if reader is None:
            with self._readers_lock:
                if len(self._readers) >= MAX_THREAD_READERS:
                    return None
                reader = self.engine.raw_connection()
                reader.detach()
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    def _prepare(self, statement: AnySelect) -> _Prepared:
        dialect = self.engine.dialect
        compiled = statement.compile(dialect=dialect)
        columns = list(statement.selected_columns)
        prepared = _Prepared(
            sql=compiled.string,
            positions=[str(name) for name in compiled.positiontup or []] if compiled.positional else None,
            binds={name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                   for name, bind in compiled.binds.items()},
            columns=[str(column.key) for column in columns],
            processors=[column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns],
        )
        self._prepared[statement] = prepared
        return prepared

    def ping(self) -> None:
        """Raise if the database cannot answer ``SELECT 1``."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic ``upgrade head``)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as conn:
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def dispose(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        self._local = threading.local()
        self.engine.dispose()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions out of the driver's hands so that BEGIN is ours (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _fetch_one(connection: Any, sql: str, args: Any) -> Any:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, args)
        return cursor.fetchone()
    finally:
        cursor.close()
