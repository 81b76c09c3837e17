"""The database layer (scheduler/store/db.py): where the store lives, URLs that never show a
password, one-line failures, and SQLite files created only on request, private to the owner."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from scheduler.store.db import (
    DATA_DIR_ENV,
    DB_URL_ENV,
    FILE_MODE,
    database_url,
    make_engine,
    one_line,
    parse_url,
    prepare_sqlite_file,
    safe_url,
    sqlite_file,
)
from scheduler.store.records import StoreUnavailable


def test_the_url_is_given_else_the_environment_else_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An explicit URL wins; then SCHEDULER_DB_URL; then <data dir>/scheduler.db."""
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert database_url() == f"sqlite+pysqlite:///{tmp_path}/scheduler.db"
    monkeypatch.setenv(DB_URL_ENV, "sqlite:///env.db")
    assert database_url() == "sqlite:///env.db"
    assert database_url("sqlite:///given.db") == "sqlite:///given.db"


def test_a_password_is_never_shown_and_a_bad_url_is_not_echoed() -> None:
    """Messages hide the password; text that is not a URL is not repeated (it may be one)."""
    url = "postgresql+psycopg://app:hunter2@db.example.org/plans"
    assert "hunter2" not in safe_url(url) and "db.example.org" in safe_url(url)
    assert safe_url("hunter2 not a url") == "<not a database URL>"
    with pytest.raises(StoreUnavailable) as caught:
        parse_url("hunter2 not a url")
    assert "hunter2" not in str(caught.value)


def test_only_a_real_sqlite_file_is_a_file() -> None:
    """Memory databases, ``file:`` URIs and other databases name no file."""
    assert sqlite_file(make_url("sqlite:///plans.db")) == Path("plans.db")
    assert sqlite_file(make_url("sqlite://")) is None
    assert sqlite_file(make_url("sqlite:///:memory:")) is None
    assert sqlite_file(make_url("postgresql://u@h/db")) is None


def test_a_missing_file_is_created_only_on_request_and_owner_only(tmp_path: Path) -> None:
    """Without ``create`` a missing store is an error that names the path and creates
    nothing; with it the file is 0600."""
    path = tmp_path / "store" / "plans.db"
    with pytest.raises(StoreUnavailable, match="there is no store at"):
        prepare_sqlite_file(path, create=False)
    assert not path.exists()
    prepare_sqlite_file(path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE
    with pytest.raises(StoreUnavailable, match="is not a store file"):
        prepare_sqlite_file(tmp_path, create=False)


def test_an_engine_uses_write_ahead_logging_and_foreign_keys(tmp_path: Path) -> None:
    """The SQLite discipline every store connection gets."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_a_failure_is_its_first_line() -> None:
    """A driver's multi-line message, or an OS error with its file, as one line."""
    assert one_line(RuntimeError("first\nsecond")) == "first"
    assert (
        one_line(PermissionError(13, "Permission denied", "/x/plans.db"))
        == "Permission denied (/x/plans.db)"
    )
    assert one_line(RuntimeError("")) == "RuntimeError"
