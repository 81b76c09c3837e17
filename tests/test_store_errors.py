"""A store that cannot be used is one plain line and exit status 2, never a traceback.

A URL that is not one, a server that does not answer, a mistyped SQLite path, a read-only file
or folder; ``plan --db`` finds out before it solves; only ``store init`` creates a store, and
creates its file readable by its owner alone.
"""

from __future__ import annotations

import ctypes
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import make_authority

from scheduler.cli import main
from scheduler.io.write_data import write_authority
from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV

ROOT = Path(__file__).resolve().parent.parent

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def one_line_error(err: str) -> str:
    """The single line a refused command printed; fails on a traceback or several lines."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _drop_file_permission_override() -> None:
    """In the child: give up root's power to ignore file permissions (as an ordinary user)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def cli_as_ordinary_user(*argv: str) -> subprocess.CompletedProcess[str]:
    """``scheduler ARGV`` in a child process that obeys file permissions even when run as root."""
    root = os.geteuid() == 0
    preexec: Callable[[], None] | None = _drop_file_permission_override if root else None
    env = {k: v for k, v in os.environ.items() if k != DB_URL_ENV}
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=preexec,
        timeout=120,
        check=False,
    )


def test_a_db_value_that_is_not_a_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``--db nonsense``: exit 2, one line, and the value (which may hold a password) not echoed."""
    assert main(["store", "--db", "nonsense:hunter2", "versions"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "not a database URL" in line and "hunter2" not in line


def test_an_unreachable_server_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing listens on the port: exit 2, one line naming the server, no password."""
    url = f"postgresql+psycopg://app:hunter2@127.0.0.1:{_free_port()}/plans?connect_timeout=5"
    assert main(["store", "--db", url, "versions"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert "127.0.0.1" in line and "hunter2" not in line


def test_a_mistyped_sqlite_path_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only ``store init`` creates a store; every other command refuses a missing file."""
    typo = tmp_path / "stroe.db"
    for argv in (["versions"], ["identities", "set", "a@example.org", "coordinator"]):
        assert main(["store", "--db", sqlite_url(typo), *argv]) == 2
        assert "store init" in one_line_error(capsys.readouterr().err)
        assert not typo.exists()
    assert main(["store", "--db", sqlite_url(typo), "init"]) == 0
    assert typo.exists()
    assert main(["store", "--db", sqlite_url(typo), "versions"]) == 0


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """``store init`` creates the SQLite file (and so its journal) with mode 0600."""
    path = tmp_path / "new" / "store.db"
    assert main(["store", "--db", sqlite_url(path), "init"]) == 0
    store = repo.open_store(sqlite_url(path), create=False)
    try:
        repo.set_identity(store, "a@example.org", "coordinator", actor="test")
        with store.engine.connect() as connection:  # the journal exists while a connection is open
            connection.exec_driver_sql("SELECT 1")
            for name in ("store.db", "store.db-wal"):
                assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    finally:
        store.dispose()


def _readonly_store(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    tmp_path.chmod(0o755)
    path = folder / "store.db"
    repo.open_store(sqlite_url(path)).dispose()
    return path


def test_a_read_only_store_file_is_one_line(tmp_path: Path) -> None:
    """A store file the user may not write: exit 2 and one line saying so."""
    path = _readonly_store(tmp_path)
    path.chmod(0o444)
    done = cli_as_ordinary_user("store", "--db", sqlite_url(path), "versions")
    assert done.returncode == 2, done.stderr
    assert "read-only" in one_line_error(done.stderr)


def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    """SQLite writes its journal beside the file: a read-only folder is refused plainly too."""
    path = _readonly_store(tmp_path)
    for journal in path.parent.glob("store.db-*"):
        journal.unlink()
    path.parent.chmod(0o555)
    try:
        done = cli_as_ordinary_user("store", "--db", sqlite_url(path), "audit")
    finally:
        path.parent.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "read-only" in one_line_error(done.stderr)


def test_plan_with_db_checks_the_store_before_solving(tmp_path: Path) -> None:
    """``plan --db`` with a missing or read-only store stops at once: no plan folder, exit 2."""
    data = tmp_path / "data"
    write_authority(make_authority(), data)
    out = tmp_path / "plan"
    plan = ["plan", str(data), "--out", str(out), "--time-limit", "30", "--workers", "1", "--quiet"]
    done = cli_as_ordinary_user(*plan, "--db", sqlite_url(tmp_path / "typo.db"))
    assert done.returncode == 2 and "store init" in one_line_error(done.stderr)
    assert not out.exists() and not (tmp_path / "typo.db").exists()

    path = _readonly_store(tmp_path)
    path.chmod(0o444)
    done = cli_as_ordinary_user(*plan, "--db", sqlite_url(path))
    assert done.returncode == 2 and "read-only" in one_line_error(done.stderr)
    assert not out.exists()
