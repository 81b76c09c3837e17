"""The plan store's key tests again, against a real PostgreSQL server.

Set ``SCHEDULER_TEST_PG_URL`` to a server URL whose role may create databases (``.ci/run`` gets
one from ``.ci/start-postgres``); each test runs in a fresh database, dropped afterwards.
Without the variable these tests are skipped, unless ``REQUIRE_POSTGRES=1``, when they fail.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

# The tests below are test_store.py's own, collected here again with this module's store_url.
from test_store import (  # noqa: F401
    authority,
    plan_of,
    store,
    test_a_failed_save_leaves_the_previous_version_intact,
    test_a_feed_without_a_published_plan_is_empty_handed,
    test_a_killed_save_leaves_the_store_consistent,
    test_a_real_plan_round_trips,
    test_audit_entries_appear_for_each_action,
    test_compare_versions_reports_kpis_and_changed_appointments,
    test_concurrent_saves_from_two_processes_both_land,
    test_feed_tokens_are_stored_hashed_and_never_logged,
    test_feed_tokens_open_only_their_own_setting,
    test_identities_map_people_to_roles_and_keep_a_coordinator,
    test_migrations_run_from_empty_and_match_the_models,
    test_pins_round_trip,
    test_plan_with_db_saves_a_version,
    test_retention_deletes_children_of_past_terms_only,
    test_store_commands,
    test_the_audit_log_refuses_changes,
    test_times_come_back_in_utc,
    test_versions_are_numbered_listed_and_one_is_published,
    test_versions_round_trip_exactly,
)
from test_store_audit import test_insert_or_replace_cannot_overwrite_an_audit_entry  # noqa: F401

PG_URL_ENV = "SCHEDULER_TEST_PG_URL"
REQUIRE_ENV = "REQUIRE_POSTGRES"


def server_url() -> str:
    """The server to test against; skip (or, when required, fail) without one."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if not url:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {PG_URL_ENV} is not set (run .ci/start-postgres)")
        pytest.skip(f"set {PG_URL_ENV} to run the store tests against PostgreSQL")
    return url


@pytest.fixture
def store_url() -> Iterator[str]:
    """A fresh, empty database on the server for one test."""
    base = make_url(server_url())
    name = f"scheduler_test_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_the_server_is_postgresql(store_url: str) -> None:
    """The URL really reaches PostgreSQL, so the tests above are not silently on SQLite."""
    from scheduler.store.opening import open_store

    opened = open_store(store_url)
    try:
        assert opened.backend == "postgresql"
        with opened.read() as session:
            assert "PostgreSQL" in session.execute(text("SELECT version()")).scalar_one()
    finally:
        opened.dispose()


DOCS = Path(__file__).resolve().parent.parent / "docs" / "store.md"


def documented_grants() -> list[str]:
    """The application role's grants, exactly as docs/store.md shows them."""
    block = re.search(
        r"```sql\n\s*-- scheduler: application role grants\n(.*?)```", DOCS.read_text(), re.S
    )
    assert block is not None, "docs/store.md lost its grants block"
    statements = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert all(line.endswith(";") for line in statements)
    return statements


def test_a_non_owner_application_role_cannot_disable_the_audit_triggers() -> None:
    """docs/store.md's recipe: the schema owner migrates and grants; the application role saves,
    publishes and audits, but cannot disable or drop the audit triggers, nor change the log."""
    from scheduler.store import repository as repo
    from scheduler.store.access import Role

    base = make_url(server_url())
    tag = secrets.token_hex(4)
    owner, app, database = f"sched_owner_{tag}", f"sched_app_{tag}", f"sched_{tag}"
    owner_pw, app_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE {owner} LOGIN PASSWORD '{owner_pw}'"))
            connection.execute(text(f"CREATE ROLE {app} LOGIN PASSWORD '{app_pw}'"))
            connection.execute(text(f"GRANT {owner} TO CURRENT_USER"))  # to hand it a database
            connection.execute(text(f'CREATE DATABASE "{database}" OWNER {owner}'))
        owner_url = base.set(username=owner, password=owner_pw, database=database)
        app_url = base.set(username=app, password=app_pw, database=database)
        owned = repo.open_store(owner_url.render_as_string(hide_password=False))
        try:
            with owned.engine.connect() as connection, connection.begin():
                for statement in documented_grants():
                    connection.execute(text(statement.replace("scheduler_app", app)))
        finally:
            owned.dispose()

        store = repo.open_store(app_url.render_as_string(hide_password=False))
        try:
            data = authority()
            repo.save_plan(store, plan_of(data), data, actor="boss@example.org")
            repo.publish(store, 1, actor="boss@example.org")
            repo.set_identity(store, "boss@example.org", Role.COORDINATOR, actor="cli:root")
            assert repo.feed_calendar(
                store, repo.issue_feed_token(store, "setting", "S001", actor="cli:root").token
            )
            before = repo.list_audit(store)
            for attack, reason in (
                ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
                ("DROP TRIGGER audit_log_no_change ON audit_log", "must be owner"),
                ("UPDATE audit_log SET actor = 'nobody'", "permission denied"),
                ("DELETE FROM audit_log", "permission denied"),
                ("TRUNCATE audit_log", "permission denied"),
                ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
            ):
                with (
                    pytest.raises(DBAPIError, match=reason),
                    store.engine.connect() as connection,
                    connection.begin(),
                ):
                    connection.execute(text(attack))
            assert repo.list_audit(store) == before
        finally:
            store.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f"DROP ROLE IF EXISTS {app}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        admin.dispose()
