"""The one database layer: where the store lives, engines, and transactions that survive contention.

By default the store is an SQLite file, ``<data dir>/scheduler.db``; ``SCHEDULER_DB_URL`` (or an
explicit URL, e.g. the CLI's ``--db``) points it at PostgreSQL instead
(``postgresql+psycopg://user:password@host/db``). Everything else in :mod:`scheduler.store`
goes through :class:`Store`, so both databases behave alike:

- every write runs in one transaction that also holds the store's *write lock* (SQLite:
  ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock), so two processes saving
  at once are serialised instead of both picking the same version number;
- a crash anywhere inside a write leaves nothing of it (the transaction is never committed);
- a write that meets a busy database, a deadlock or a serialisation failure is retried whole.

The schema is made only by migrations (:mod:`scheduler.store.migrations`), never ``create_all``.
A store that cannot be used (a URL that is not one, no file at a mistyped path, a server that
does not answer, a read-only file or folder) raises :class:`StoreUnavailable` with one printable
line. A new SQLite file is created readable and writable by its owner only (``0600``): it holds
children's data.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL, CursorResult, Result
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from scheduler.store.records import StoreUnavailable

log = logging.getLogger(__name__)

DB_URL_ENV = "SCHEDULER_DB_URL"
"""Environment variable: the database URL (overrides the default SQLite file)."""

DATA_DIR_ENV = "SCHEDULER_DATA_DIR"
"""Environment variable: the folder holding ``scheduler.db`` (when no URL is given)."""

DB_FILE = "scheduler.db"

FILE_MODE = 0o600
"""A new SQLite store file: owner read/write only (SQLite gives its journal files the same)."""
FOLDER_MODE = 0o700
"""A data folder the store creates."""

URL_HINT = "expected sqlite+pysqlite:///PATH or postgresql+psycopg://USER@HOST/DB"

SQLITE_BUSY_MS = 30_000
"""How long an SQLite connection waits for another writer before giving up."""

WRITE_LOCK_KEY = 0x5343_4845_4455_4C45  # "SCHEDULE": the PostgreSQL advisory lock's key
WRITE_LOCK_KEY_SIGNED = WRITE_LOCK_KEY - (1 << 64) if WRITE_LOCK_KEY >= 1 << 63 else WRITE_LOCK_KEY

_WRITE_OPTION = "scheduler_write"
_RETRIES = 8
_TRANSIENT_PG_CODES = frozenset({"40001", "40P01", "55P03"})
"""serialization_failure, deadlock_detected, lock_not_available."""

T = TypeVar("T")


def data_dir() -> Path:
    """Where the default SQLite file lives: ``$SCHEDULER_DATA_DIR``, else the user's data folder."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "integrated-review-scheduler"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``$SCHEDULER_DB_URL``, else the default SQLite file."""
    if url:
        return url
    configured = os.environ.get(DB_URL_ENV)
    if configured:
        return configured
    return URL.create("sqlite+pysqlite", database=str(data_dir() / DB_FILE)).render_as_string()


def parse_url(url: str) -> URL:
    """``url`` parsed, or :class:`StoreUnavailable` (the text is not echoed: it may hold a
    password)."""
    try:
        return make_url(url)
    except ArgumentError:
        raise StoreUnavailable(f"the store address is not a database URL ({URL_HINT})") from None


def safe_url(url: str) -> str:
    """The URL with any password hidden, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def is_sqlite(url: str) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def one_line(exc: BaseException) -> str:
    """A failure as one printable line: the driver's own first line, never a traceback."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(cause, OSError) and cause.strerror:
        where = f" ({cause.filename})" if cause.filename else ""
        return f"{cause.strerror}{where}"
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def sqlite_file(url: URL) -> Path | None:
    """The file an SQLite URL names; ``None`` for other databases, memory and ``file:`` URIs."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database).expanduser()


def prepare_sqlite_file(path: Path, *, create: bool) -> None:
    """Check an SQLite store file is there and writable, or create it (``0600``) when allowed.

    Without ``create`` a missing file is an error, so a mistyped ``--db`` path never turns into
    a new, empty store. SQLite writes its journal (``-wal``, ``-shm``) beside the file, so the
    folder must be writable too.
    """
    if path.exists():
        if not path.is_file():
            raise StoreUnavailable(f"{path} is not a store file")
        if not os.access(path, os.R_OK | os.W_OK):
            raise StoreUnavailable(f"the store file {path} is read-only (or unreadable) for you")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise StoreUnavailable(
                f"the folder {path.parent} is read-only: SQLite writes its journal beside the store"
            )
        return
    if not create:
        raise StoreUnavailable(
            f"there is no store at {path}; create one with `scheduler store init` "
            "(check the path: nothing is created for a mistyped one)"
        )
    try:
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass  # another process created it a moment ago
    except OSError as exc:
        raise StoreUnavailable(f"cannot create the store at {path}: {one_line(exc)}") from None


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for ``url`` with this store's SQLite discipline (WAL, FULL sync, foreign keys,
    explicit ``BEGIN``/``BEGIN IMMEDIATE``); an SQLite file is checked, or created when
    ``create`` (see :func:`prepare_sqlite_file`)."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        path = sqlite_file(parsed)
        if path is not None:
            prepare_sqlite_file(path, create=create)
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        problem = one_line(exc)
        raise StoreUnavailable(f"cannot use the store at {safe_url(url)}: {problem}") from None
    _sqlite_discipline(engine, wal=not in_memory)
    return engine


def _sqlite_discipline(engine: Engine, *, wal: bool) -> None:
    """Take transaction control from the driver so SQLite obeys SQLAlchemy's ``begin``.

    The driver's own implicit ``BEGIN`` would start write transactions lazily, at the first
    ``INSERT``; two savers could then both read the same "last version" before either locks.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit transactions
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA secure_delete = ON")  # deleted personal data is overwritten
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def take_write_lock(session_or_connection: Any, backend: str) -> None:
    """Hold the store's write lock until the transaction ends (PostgreSQL; SQLite already
    holds it from ``BEGIN IMMEDIATE``)."""
    if backend == "postgresql":
        session_or_connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY_SIGNED}
        )


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (the ORM types its result as a plain ``Result``)."""
    return int(cast(CursorResult[Any], result).rowcount)


def _transient(exc: DBAPIError) -> bool:
    """A failure that a later attempt of the same transaction may not meet."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _TRANSIENT_PG_CODES:
        return True
    message = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and (
        "database is locked" in message or "database is busy" in message
    )


class Store:
    """An open store: the engine and the two ways in (a read snapshot, a locked write)."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.backend: str = engine.dialect.name
        # A read sees one snapshot even across several statements (SQLite's WAL already does).
        reader = (
            engine.execution_options(isolation_level="REPEATABLE READ")
            if self.backend == "postgresql"
            else engine
        )
        self._reader = sessionmaker(reader, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session in one read transaction: a consistent snapshot, never committed."""
        with self._reader() as session, session.begin():
            yield session
            session.rollback()

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction holding the write lock; commit when it returns.

        Any exception (or the process dying) leaves the store exactly as before. A transient
        database error (busy, deadlock, serialisation failure) re-runs ``work`` from the start,
        so ``work`` must only touch the database and build its result from what it did.
        """
        for attempt in range(_RETRIES):
            try:
                with self._writer() as session, session.begin():
                    take_write_lock(session, self.backend)
                    return work(session)
            except DBAPIError as exc:
                if attempt == _RETRIES - 1 or not _transient(exc):
                    raise
                delay = min(2.0, 0.05 * 2**attempt) * (0.5 + random.random())
                log.info("store busy (%s); retrying in %.2fs", type(exc.orig).__name__, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        """Close every pooled connection (before the process forks or ends)."""
        self.engine.dispose()
