"""The audit log can be trusted: who acted comes from the operating system or the signed-in
identity, one entry is one printed line whatever the data hold, and the database refuses to
overwrite an entry even through ``INSERT OR REPLACE``."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scheduler.cli import main
from scheduler.store import repository as repo
from scheduler.store.audit import (
    append_audit,
    audit_line,
    check_actor,
    cli_actor,
    list_audit,
    os_user,
    printable,
)
from scheduler.store.db import Store
from scheduler.store.records import AuditAction

FORGED = "2026-01-01 00:00:00Z  boss@example.org             plan_published       version:9"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite+pysqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = repo.open_store(store_url)
    yield opened
    opened.dispose()


def test_the_cli_records_the_operating_system_user_not_a_free_actor(
    store: Store, store_url: str
) -> None:
    """``--actor`` says whom the user acts for; the operating-system user is always named."""
    argv = ["store", "--db", store_url, "--actor", "boss@example.org"]
    assert main([*argv, "identities", "set", "lead@example.org", "coordinator"]) == 0
    (entry,) = repo.list_audit(store, action=AuditAction.IDENTITY_SET)
    assert entry.actor == f"cli:{getpass.getuser()} for boss@example.org"
    assert main(["store", "--db", store_url, "tokens", "revoke", "setting", "S001"]) == 0
    (entry,) = repo.list_audit(store, action=AuditAction.FEED_TOKEN_REVOKED)
    assert entry.actor == f"cli:{getpass.getuser()}"


def test_a_newline_in_an_address_cannot_forge_an_audit_line(
    store: Store, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused sign-in with a crafted address is audited as it came, and printed escaped:
    one entry, one line, and the forged text is not a line of its own."""
    crafted = f"mallory@example.org\n{FORGED}"
    repo.append_audit(store, crafted, AuditAction.ACCESS_DENIED, target="dashboard")
    repo.append_audit(
        store, "cli:root", AuditAction.DATA_PURGED, target="x\r\ny", details={"note": "a\nb"}
    )
    capsys.readouterr()
    assert main(["store", "--db", store_url, "audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert not any(line.startswith("2026-01-01 00:00:00Z") for line in lines)
    assert "mallory@example.org\\n2026-01-01" in lines[1]
    assert "x\\r\\ny" in lines[0] and "note=a\\nb" in lines[0]


def test_an_identity_must_be_a_plain_email_address(store: Store) -> None:
    """No spaces or control characters, and never the local coordinator's name."""
    for bad in ("mallory@example.org\nboss", "local-coordinator", "a b@example.org", "@x"):
        with pytest.raises(ValueError, match="e-mail"):
            repo.set_identity(store, bad, "coordinator", actor="test")
    assert repo.list_identities(store) == []


def _overwrite(store: Store, statement: str) -> None:
    with store.engine.connect() as connection, connection.begin():
        connection.execute(text(statement))


def test_insert_or_replace_cannot_overwrite_an_audit_entry(store: Store) -> None:
    """``INSERT OR REPLACE`` (SQLite) or ``ON CONFLICT DO UPDATE`` (PostgreSQL) on an existing
    id is refused by the database itself; the entry stays as written."""
    repo.append_audit(store, "boss@example.org", AuditAction.PLAN_PUBLISHED, target="version:1")
    (original,) = repo.list_audit(store)
    values = (
        f"({original.entry_id}, '2026-01-01 00:00:00', 'nobody', 'signed_in', 'dashboard', '{{}}')"
    )
    columns = "(id, at, actor, action, target, details)"
    if store.backend == "sqlite":
        attempts = [
            f"INSERT OR REPLACE INTO audit_log {columns} VALUES {values}",
            f"REPLACE INTO audit_log {columns} VALUES {values}",
        ]
    else:
        attempts = [
            f"INSERT INTO audit_log {columns} VALUES {values} "
            "ON CONFLICT (id) DO UPDATE SET actor = EXCLUDED.actor"
        ]
    for statement in attempts:
        with pytest.raises(DBAPIError, match="append-only"):
            _overwrite(store, statement)
    assert repo.list_audit(store) == [original]


def test_the_local_dashboard_names_the_operating_system_user() -> None:
    """Without a sign-in provider, changes are audited to the user running the dashboard."""
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    from scheduler.store.access import Identity, Role, local_coordinator
    from ui import storage

    assert storage.actor(local_coordinator()) == f"local-coordinator:{getpass.getuser()}"
    assert storage.actor(Identity("boss@example.org", Role.COORDINATOR)) == "boss@example.org"


def test_the_cli_unties_an_identity_from_its_account(
    store: Store, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``identities unbind`` resets the account a replaced user signed in with; audited."""
    repo.set_identity(store, "lead@example.org", "coordinator", actor="test")
    claims = {"email": "lead@example.org", "email_verified": True, "iss": "https://i", "sub": "1"}
    assert repo.sign_in(store, claims).identity is not None
    assert repo.sign_in(store, {**claims, "sub": "2"}).refusal == "other_account"
    argv = ["store", "--db", store_url]
    assert main([*argv, "identities", "list"]) == 0
    assert "(signed in)" in capsys.readouterr().out
    assert main([*argv, "identities", "unbind", "lead@example.org"]) == 0
    assert repo.sign_in(store, {**claims, "sub": "2"}).identity is not None
    assert [e.action for e in repo.list_audit(store)][:3] == [
        AuditAction.IDENTITY_BOUND,
        AuditAction.IDENTITY_UNBOUND,
        AuditAction.IDENTITY_BOUND,
    ][::-1]


# --- the module's parts -------------------------------------------------------------------------


def test_printable_escapes_everything_that_could_break_a_line() -> None:
    """Backslash, newline, tab, escape, a line separator and a zero-width joiner escaped;
    ordinary letters (accents included) kept."""
    assert (
        printable("a\\b\nc\td\x1be\u2028f\u200dg Zoë") == "a\\\\b\\nc\\td\\x1be\\u2028f\\u200dg Zoë"
    )


def test_every_change_names_who_made_it() -> None:
    """An empty or over-long actor is a programming error, not an anonymous entry."""
    assert check_actor("  cli:sam ") == "cli:sam"
    for bad in ("", "   ", "x" * 400):
        with pytest.raises(ValueError, match="needs an actor"):
            check_actor(bad)


def test_the_cli_actor_always_keeps_the_operating_system_user() -> None:
    """``--actor`` adds whom the user acts for, escaped; it never replaces the user."""
    assert cli_actor() == f"cli:{os_user()}"
    assert cli_actor("Sam\nEvil") == f"cli:{os_user()} for Sam\\nEvil"


def test_the_log_lists_newest_first_and_filters(store: Store) -> None:
    """Filter by action or actor; newest first; ``details`` as stored."""
    append_audit(store, "a@example.org", AuditAction.SIGNED_IN, details={"n": 1})
    append_audit(store, "b@example.org", AuditAction.ACCESS_DENIED, target="page:plan")
    append_audit(store, "a@example.org", AuditAction.SIGNED_IN, details={"n": 2})
    entries = list_audit(store, action=AuditAction.SIGNED_IN)
    assert [e.details["n"] for e in entries] == [2, 1]
    (denied,) = list_audit(store, actor="b@example.org")
    assert denied.target == "page:plan" and "page:plan" in audit_line(denied)
