"""The plan store on a real SQLite file: exact round trips, numbered versions, saves that survive
other processes and crashes, migrations from empty, audit entries, feed tokens and retention.

The key tests take the ``store_url`` fixture, so ``test_store_postgres.py`` runs the same
tests against a real PostgreSQL server by overriding it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from builders import (
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_plan,
    make_setting,
    make_unscheduled,
)
from sqlalchemy import event, func, select, text

from scheduler.domain import Authority
from scheduler.io.plan_files import canonical_plan, read_plan
from scheduler.plan import Pin, Plan, ReasonCode
from scheduler.store import repository as repo
from scheduler.store.access import Role
from scheduler.store.db import Store
from scheduler.store.migrations import current_revision, head_revision, upgrade_to_head
from scheduler.store.models import Base, PlanAppointment, PlanVersion
from scheduler.store.opening import open_store
from scheduler.store.records import AuditAction
from scheduler.store.tokens import hash_token

TESTS = Path(__file__).resolve().parent
COORDINATOR = "coordinator@example.org"
SECRET_NAME = "Zebedee Quartermaine"
"""A child's name that must never leave the dataset (logs, audit) and must go on purge."""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test (``test_store_postgres.py`` gives a fresh database)."""
    return f"sqlite:///{tmp_path / 'store' / 'scheduler.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.dispose()


def authority(*, term_end: date | None = None, weights: float = 3.0) -> Authority:
    """Two settings, three children (one named :data:`SECRET_NAME`); another term when asked."""
    term: dict[str, Any] = {}
    if term_end is not None:
        term = {"name": f"Term ending {term_end}", "start": term_end - timedelta(days=90)}
        term["end"] = term_end
        term["exclude"] = []
    children = [
        make_child("C001", name=SECRET_NAME),
        make_child("C002", setting_id="S002", key_person_id="K002"),
        make_child("C003", funded=False),
    ]
    if term_end is not None:  # another term's data: not quite the same children
        children.append(make_child("C004", reviewed_on=term_end - timedelta(days=30)))
    return make_authority(
        settings=[make_setting("S001"), make_setting("S002", lat=51.56)],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=children,
        config=make_config(term=term or None, priorities={"funded_two": weights}),
    )


def plan_of(data: Authority, *, start: str = "10:00", extra: int = 0) -> Plan:
    """A plan with every kind of row: two appointments, one unscheduled, sequences, odd floats."""
    appointments = [
        replace(appointment_for(data, "C001", start=hm(start)), age_months=26.8 + 1e-9 * extra),
        appointment_for(data, "C002", day=REVIEW_DAY + timedelta(days=1)),
    ]
    base = make_plan(
        data,
        appointments,
        [make_unscheduled("C003", "S001", ReasonCode.NO_COMMON_DAY, "No common day; ask Ü.")],
        sequences={"uid-a@x": 2, "uid-b@x": 0},
    )
    base = replace(base, summary=replace(base.summary, gap=float("inf")))
    nested = {"travel": [0.1 + 0.2, 1e-300], "by_reason": {"CAPACITY": 1}}
    base = replace(base, summary=replace(base.summary, extra={"nested": nested}))
    base = replace(
        base, links=[replace(link, distance_km=0.1 + 0.2 + extra) for link in base.links]
    )
    return base


# --------------------------------------------------------------------------- migrations


def test_migrations_run_from_empty_and_match_the_models(store_url: str) -> None:
    """An empty database migrates to head, twice without harm, and then equals the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from scheduler.store.db import make_engine

    engine = make_engine(store_url)
    try:
        assert current_revision(engine) is None
        assert upgrade_to_head(engine) == head_revision()
        assert upgrade_to_head(engine) == head_revision()
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- versions


def test_versions_round_trip_exactly(store: Store) -> None:
    """Every field of a saved plan comes back equal, floats and infinities included."""
    data = authority()
    plans = [
        plan_of(data),
        replace(
            plan_of(data, extra=1),
            created_at=datetime(2026, 9, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
        ),
        replace(plan_of(data), created_at=None, sequences={}),
    ]
    for plan in plans:
        info = repo.save_plan(store, plan, data, actor=COORDINATOR)
        back = repo.load_plan(store, info.version)
        assert back == plan
        assert [a.date for a in back.appointments] == [a.date for a in plan.appointments]
        assert back.summary.gap == float("inf")
    opened = repo.open_version(store, 2)
    assert opened.authority == data
    assert opened.plan == plans[1]


def test_a_real_plan_round_trips(store: Store) -> None:
    """A plan from the pipeline (full summary, baseline, utilisation) comes back equal."""
    from scheduler.pipeline import PlanOptions
    from scheduler.pipeline import make_plan as plan_term

    data = authority()
    result = plan_term(data, PlanOptions(time_limit=5, link_time_limit=2, workers=1))
    info = repo.save_plan(store, result.plan, data, actor=COORDINATOR)
    assert repo.load_plan(store, info.version) == result.plan
    assert info.kpis["scheduled"] == result.plan.summary.scheduled


def test_versions_are_numbered_listed_and_one_is_published(store: Store) -> None:
    """Versions count up, list newest first, and publishing moves the single marker."""
    data = authority()
    for start in ("09:00", "10:00", "11:00"):
        repo.save_plan(store, plan_of(data, start=start), data, actor=COORDINATOR)
    assert [v.version for v in repo.list_versions(store)] == [3, 2, 1]
    assert repo.published_version(store) is None
    repo.publish(store, 1, actor=COORDINATOR)
    repo.publish(store, 3, actor=COORDINATOR)
    assert [v.version for v in repo.list_versions(store) if v.published] == [3]
    published = repo.open_published(store)
    assert published is not None and published.info.version == 3
    with pytest.raises(repo.UnknownVersion):
        repo.publish(store, 9, actor=COORDINATOR)
    assert len(repo.list_datasets(store)) == 1  # same data saved once


def test_compare_versions_reports_kpis_and_changed_appointments(store: Store) -> None:
    """A moved review, a new one and a dropped one show up, with the KPI deltas."""
    data = authority()
    first = plan_of(data)
    second = plan_of(data, start="11:00")
    second = replace(
        second,
        appointments=[second.appointments[0], appointment_for(data, "C003", start=hm("14:00"))],
    )
    second = replace(second, summary=replace(second.summary, scheduled=2))
    second = replace(second, summary=replace(second.summary, in_window=1))
    repo.save_plan(store, first, data, actor=COORDINATOR)
    repo.save_plan(store, second, data, actor=COORDINATOR)
    comparison = repo.compare_versions(store, 1, 2)
    kinds = {c.child_id: c.kind for c in comparison.appointments}
    assert kinds == {"C001": "moved", "C002": "removed", "C003": "added"}
    moved = next(c for c in comparison.appointments if c.kind == "moved")
    assert "start" in moved.fields and "date" not in moved.fields
    deltas = {k.key: k for k in comparison.kpis}
    assert deltas["in_window"].delta == -1
    assert deltas["status"].delta is None


# --------------------------------------------------------------------------- concurrency


def save_many(url: str, start: Any, worker: int, count: int) -> None:
    """Child process: wait for the starting gun, then save ``count`` versions."""
    sys.path.insert(0, str(TESTS))
    data = authority()
    opened = open_store(url)
    start.wait()
    for n in range(count):
        plan = plan_of(data, extra=worker * 100 + n)
        repo.save_plan(opened, plan, data, actor=f"worker{worker}@example.org")
    opened.dispose()


def test_concurrent_saves_from_two_processes_both_land(store: Store, store_url: str) -> None:
    """Two processes saving at once get distinct version numbers and lose nothing."""
    count = 6
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=save_many, args=(store_url, start, worker, count))
        for worker in (1, 2)
    ]
    for process in workers:
        process.start()
    time.sleep(0.5)
    start.set()
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    versions = repo.list_versions(store)
    assert sorted(v.version for v in versions) == list(range(1, 2 * count + 1))
    by_worker = {v.saved_by for v in versions}
    assert by_worker == {"worker1@example.org", "worker2@example.org"}
    distances = sorted(repo.load_plan(store, v.version).links[0].distance_km for v in versions)
    assert len(set(distances)) == 2 * count  # every plan's own content, none overwritten
    generated = repo.list_audit(store, action=AuditAction.PLAN_GENERATED)
    assert len(generated) == 2 * count


# --------------------------------------------------------------------------- crashes


def _counts(store: Store) -> tuple[int, int]:
    with store.read() as session:
        versions = session.scalar(select(func.count()).select_from(PlanVersion)) or 0
        rows = session.scalar(select(func.count()).select_from(PlanAppointment)) or 0
    return versions, rows


def test_a_failed_save_leaves_the_previous_version_intact(store: Store) -> None:
    """An error half-way through a save (rows already written) leaves no trace of it."""
    data = authority()
    first = plan_of(data)
    repo.save_plan(store, first, data, actor=COORDINATOR)
    before = _counts(store)

    def fail(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "INSERT INTO plan_sequences" in statement:
            raise RuntimeError("disk on fire")

    event.listen(store.engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(RuntimeError, match="disk on fire"):
            repo.save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    finally:
        event.remove(store.engine, "before_cursor_execute", fail)
    assert _counts(store) == before
    assert repo.load_plan(store, 1) == first
    assert len(repo.list_audit(store, action=AuditAction.PLAN_GENERATED)) == 1
    assert repo.save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR).version == 2


KILLED_SAVE = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from sqlalchemy import event
from test_store import authority, plan_of
from scheduler.store import repository as repo
from scheduler.store.opening import open_store

store = open_store({url!r})
marker = Path({marker!r})

def stall(conn, cursor, statement, *args):
    if "INSERT INTO plan_appointments" in statement:
        marker.write_text("inside the save")
        time.sleep(60)

event.listen(store.engine, "before_cursor_execute", stall)
data = authority()
repo.save_plan(store, plan_of(data, start="11:00"), data, actor="doomed@example.org")
"""


def test_a_killed_save_leaves_the_store_consistent(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    """SIGKILL in the middle of a save: the previous version is intact and saving goes on."""
    data = authority()
    first = plan_of(data)
    repo.save_plan(store, first, data, actor=COORDINATOR)
    before = _counts(store)
    marker = tmp_path / "inside"
    script = KILLED_SAVE.format(tests=str(TESTS), url=store_url, marker=str(marker))
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, "the saving process ended before the save began"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _counts(store) == before
    assert repo.load_plan(store, 1) == first
    if store.backend == "sqlite":
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    saved = repo.save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    assert saved.version == 2
    assert not [e for e in repo.list_audit(store) if e.actor == "doomed@example.org"]


# --------------------------------------------------------------------------- audit


def test_audit_entries_appear_for_each_action(store: Store) -> None:
    """Saving, re-weighting, publishing, pins, identities, tokens, exports and purges are logged."""
    data = authority()
    repo.save_plan(store, plan_of(data), data, actor=COORDINATOR)
    reweighted = authority(weights=5.0)
    repo.save_plan(store, plan_of(reweighted, start="11:00"), reweighted, actor="lead@example.org")
    repo.publish(store, 2, actor=COORDINATOR)
    pin_id = repo.add_pin(
        store, Pin("link", setting_id="S001", practitioner_id="P001"), actor=COORDINATOR
    )
    repo.remove_pin(store, pin_id, actor=COORDINATOR)
    repo.replace_pins(
        store, [Pin("appointment", child_id="C001", date=REVIEW_DAY)], actor=COORDINATOR
    )
    repo.set_identity(store, COORDINATOR, Role.COORDINATOR, actor="cli:root")
    repo.set_identity(
        store, "Nursery@Example.org", Role.SETTING, setting_id="S001", actor=COORDINATOR
    )
    repo.remove_identity(store, "nursery@example.org", actor=COORDINATOR)
    issued = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    rotated = repo.rotate_feed_token(store, "setting", "S001", actor=COORDINATOR)
    repo.revoke_feed_tokens(store, "setting", "S001", actor=COORDINATOR)
    repo.append_audit(
        store,
        COORDINATOR,
        AuditAction.CALENDAR_EXPORTED,
        target="setting:S001",
        details={"version": 2},
    )
    repo.purge_past_terms(store, before=date(2020, 1, 1), actor=COORDINATOR)

    entries = repo.list_audit(store, limit=100)
    assert {e.action for e in entries} == {
        AuditAction.DATASET_SAVED,
        AuditAction.PLAN_GENERATED,
        AuditAction.WEIGHTS_CHANGED,
        AuditAction.PLAN_PUBLISHED,
        AuditAction.PIN_ADDED,
        AuditAction.PIN_REMOVED,
        AuditAction.PINS_REPLACED,
        AuditAction.IDENTITY_SET,
        AuditAction.IDENTITY_REMOVED,
        AuditAction.FEED_TOKEN_ISSUED,
        AuditAction.FEED_TOKEN_ROTATED,
        AuditAction.FEED_TOKEN_REVOKED,
        AuditAction.CALENDAR_EXPORTED,
        AuditAction.DATA_PURGED,
    }
    weights = next(e for e in entries if e.action is AuditAction.WEIGHTS_CHANGED)
    assert weights.actor == "lead@example.org" and weights.details == {"funded_two": [3.0, 5.0]}
    assert entries[0].entry_id > entries[-1].entry_id  # newest first
    written = json.dumps([[e.target, e.details] for e in entries])
    for secret in (SECRET_NAME, issued.token, rotated.token, "C001"):
        assert secret not in written


def test_the_audit_log_refuses_changes(store: Store) -> None:
    """The database itself rejects UPDATE and DELETE on the audit log."""
    repo.append_audit(store, COORDINATOR, AuditAction.SIGNED_IN)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with (
            pytest.raises(Exception, match="append-only"),  # the class depends on the driver
            store.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    assert [e.actor for e in repo.list_audit(store)] == [COORDINATOR]


# --------------------------------------------------------------------------- feed tokens


def _published(store: Store) -> Authority:
    data = authority()
    repo.save_plan(store, plan_of(data), data, actor=COORDINATOR)
    repo.publish(store, 1, actor=COORDINATOR)
    return data


def test_feed_tokens_open_only_their_own_setting(store: Store) -> None:
    """A wrong, malformed, revoked or rotated-out token gets nothing; a good one, its setting."""
    _published(store)
    own = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    other = repo.issue_feed_token(store, "setting", "S002", actor=COORDINATOR)
    assert len(own.token) >= 43 and own.token != other.token

    mine = repo.feed_calendar(store, own.token)
    assert mine is not None and b"C001" in mine and b"C002" not in mine
    theirs = repo.feed_calendar(store, other.token)
    assert theirs is not None and b"C002" in theirs and b"C001" not in theirs

    for wrong in (
        "",
        "x" * 43,
        own.token[:-1] + ("A" if own.token[-1] != "A" else "B"),
        None,
        own.token + "/../S002",
        hash_token(own.token),
    ):
        assert repo.feed_calendar(store, wrong) is None
        assert repo.resolve_feed_token(store, wrong) is None

    new = repo.rotate_feed_token(store, "setting", "S001", actor=COORDINATOR)
    assert repo.feed_calendar(store, own.token) is None
    assert repo.feed_calendar(store, new.token) is not None
    assert repo.revoke_feed_tokens(store, "setting", "S001", actor=COORDINATOR) == 1
    assert repo.feed_calendar(store, new.token) is None
    assert repo.feed_calendar(store, other.token) is not None  # untouched


def test_feed_tokens_are_stored_hashed_and_never_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """Only the SHA-256 is stored; no log record, repr or listing carries the token."""
    caplog.set_level(logging.DEBUG)
    _published(store)
    issued = repo.issue_feed_token(store, "practitioner", "P001", actor=COORDINATOR)
    assert repo.feed_calendar(store, issued.token) is not None
    with store.read() as session:
        stored = session.execute(text("SELECT token_hash FROM feed_tokens")).scalars().all()
    assert stored == [hashlib.sha256(issued.token.encode()).hexdigest()]
    assert issued.token not in repr(issued)
    assert issued.token not in repr(repo.list_feed_tokens(store))
    assert all(issued.token not in r.getMessage() for r in caplog.records)
    access = logging.LogRecord(
        "tornado.access", 20, "", 0, "%d GET %s", (200, f"/feeds/{issued.token}.ics"), None
    )
    assert repo.TokenRedactingFilter().filter(access)
    assert access.getMessage() == "200 GET /feeds/[redacted].ics"


def test_a_feed_without_a_published_plan_is_empty_handed(store: Store) -> None:
    """A valid token gets nothing before a plan is published, or for a setting that is not in
    the published data (though an earlier dataset had it); no token is made for an id that no
    stored data knows."""
    data = authority()
    closed = make_setting("S003", lat=51.57)  # in last term's data only
    earlier = replace(data, settings={**data.settings, "S003": closed})
    repo.save_plan(store, plan_of(earlier), earlier, actor=COORDINATOR)
    repo.save_plan(store, plan_of(data), data, actor=COORDINATOR)
    token = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    ghost = repo.issue_feed_token(store, "setting", "S003", actor=COORDINATOR)
    for kind, unknown in (("setting", "S999"), ("practitioner", "P999"), ("setting", "s001")):
        with pytest.raises(repo.UnknownTarget):
            repo.issue_feed_token(store, kind, unknown, actor=COORDINATOR)
        with pytest.raises(repo.UnknownTarget):
            repo.rotate_feed_token(store, kind, unknown, actor=COORDINATOR)
    with pytest.raises(repo.UnknownTarget):
        repo.set_identity(store, "x@example.org", Role.SETTING, setting_id="S999", actor="t")
    assert repo.feed_calendar(store, token.token) is None
    repo.publish(store, 2, actor=COORDINATOR)
    assert repo.feed_calendar(store, token.token) is not None
    assert repo.feed_calendar(store, ghost.token) is None


# --------------------------------------------------------------------------- retention


def test_retention_deletes_children_of_past_terms_only(store: Store, store_url: str) -> None:
    """Past terms lose the children's data (files, per-child rows, pins); the current keeps it."""
    old = authority(term_end=date(2025, 12, 19))
    current = authority()
    repo.save_plan(store, plan_of(old), old, actor=COORDINATOR)
    repo.publish(store, 1, actor=COORDINATOR)
    token = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    kept = plan_of(current, start="11:00")
    repo.save_plan(store, kept, current, actor=COORDINATOR)
    repo.replace_pins(
        store,
        [
            Pin("appointment", child_id="C001", date=date(2025, 11, 3)),
            Pin("appointment", child_id="C001", date=REVIEW_DAY),
            Pin("link", setting_id="S001", practitioner_id="P001"),
        ],
        actor=COORDINATOR,
    )
    cutoff = date(2026, 1, 1)
    dry = repo.purge_past_terms(store, before=cutoff, actor=COORDINATOR, dry_run=True)
    assert (dry.versions, dry.appointment_pins) == ((1,), 1)
    assert repo.load_plan(store, 1).appointments  # a dry run deletes nothing

    report = repo.purge_past_terms(store, before=cutoff, actor=COORDINATOR)
    assert report.versions == (1,) and len(report.datasets) == 1
    purged = repo.load_plan(store, 1)
    assert purged.appointments == [] and purged.unscheduled == [] and purged.sequences == {}
    assert purged.links and purged.summary.scheduled == 2  # figures stay
    with pytest.raises(repo.PurgedData):
        repo.open_version(store, 1)
    assert repo.version_info(store, 1).purged
    assert repo.feed_calendar(store, token.token) is None
    assert repo.load_plan(store, 2) == kept
    assert repo.open_version(store, 2).authority == current
    assert [p.date for p in repo.current_pins(store) if p.kind == "appointment"] == [REVIEW_DAY]
    assert repo.purge_past_terms(store, before=cutoff, actor=COORDINATOR).versions == ()
    if store.backend == "sqlite":
        store.dispose()
        database = Path(store_url.removeprefix("sqlite:///"))
        files = [database, *database.parent.glob(database.name + "-*")]
        # The current term's copy of the name is still there; the old term's is gone.
        assert sum(f.read_bytes().count(SECRET_NAME.encode()) for f in files) == 1


# --------------------------------------------------------------------------- pins, identities


def test_pins_round_trip(store: Store) -> None:
    """Pins come back as saved, in order, and an incomplete pin is refused before writing."""
    pins = [
        Pin("link", setting_id="S001", practitioner_id="P001"),
        Pin("appointment", child_id="C001", date=REVIEW_DAY, start=hm("10:00"), setting_id="S001"),
        Pin("appointment", child_id="C002", date=REVIEW_DAY),
    ]
    ids = repo.replace_pins(store, pins, actor=COORDINATOR)
    assert repo.current_pins(store) == pins
    assert repo.remove_pin(store, ids[0], actor=COORDINATOR)
    assert not repo.remove_pin(store, ids[0], actor=COORDINATOR)
    assert repo.current_pins(store) == pins[1:]
    with pytest.raises(ValueError):
        repo.add_pin(store, Pin("appointment", child_id="C003"), actor=COORDINATOR)
    assert len(repo.list_pins(store)) == 2


def test_identities_map_people_to_roles_and_keep_a_coordinator(store: Store) -> None:
    """Identities are found case-insensitively; the last coordinator cannot be removed."""
    data = authority()
    repo.save_dataset(store, data, actor="cli:root")  # a setting user needs a known setting
    repo.set_identity(store, "Lead@Example.org", Role.COORDINATOR, actor="cli:root")
    repo.set_identity(store, "nursery@example.org", "setting", setting_id="S002", actor=COORDINATOR)
    found = repo.get_identity(store, " NURSERY@example.org ")
    assert found is not None and found.role is Role.SETTING and found.setting_id == "S002"
    assert repo.get_identity(store, "stranger@example.org") is None
    with pytest.raises(ValueError):
        repo.set_identity(store, "x@example.org", Role.SETTING, actor=COORDINATOR)
    with pytest.raises(repo.LastCoordinator):
        repo.remove_identity(store, "lead@example.org", actor=COORDINATOR)
    with pytest.raises(repo.LastCoordinator):
        repo.set_identity(store, "lead@example.org", Role.SERVICE_LEAD, actor=COORDINATOR)
    assert [i.subject for i in repo.list_identities(store)] == [
        "lead@example.org",
        "nursery@example.org",
    ]


def test_times_come_back_in_utc(store: Store) -> None:
    """A plan made at 09:00 +01:00 reads back as the same instant, timezone-aware."""
    data = authority()
    made = datetime(2026, 9, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    info = repo.save_plan(store, replace(plan_of(data), created_at=made), data, actor=COORDINATOR)
    assert info.created_at == made and info.created_at.tzinfo is UTC
    assert info.saved_at.tzinfo is UTC


# --------------------------------------------------------------------------- command line


def store_cli(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str]:
    """Run ``scheduler store --db URL ARGV…`` (registered on its own parser) and its stdout."""
    import argparse

    from scheduler.commands import store as store_command

    parser = argparse.ArgumentParser(prog="scheduler")
    store_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["store", "--db", url, "--actor", "cli:tester", *argv])
    code = args.func(args)
    return code, capsys.readouterr().out


def test_store_commands(
    store: Store, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """init, identities, versions, publish, compare, tokens, audit and purge from the CLI."""
    data = authority()
    repo.save_plan(store, plan_of(data), data, actor=COORDINATOR)
    repo.save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    assert store_cli(capsys, store_url, "init")[1].endswith(f"schema {head_revision()}\n")
    assert (
        store_cli(capsys, store_url, "identities", "set", "Boss@Example.org", "coordinator")[0] == 0
    )
    code, out = store_cli(capsys, store_url, "identities", "set", "n@example.org", "setting")
    assert code == 2  # a setting user needs --setting
    code, out = store_cli(capsys, store_url, "versions")
    assert [line.split()[0] for line in out.splitlines()] == ["2", "1"]
    assert store_cli(capsys, store_url, "publish", "2")[0] == 0
    assert "published" in store_cli(capsys, store_url, "versions")[1].splitlines()[0]
    assert "moved    C001" in store_cli(capsys, store_url, "compare", "1", "2")[1]
    assert store_cli(capsys, store_url, "publish", "7")[0] == 2
    code, out = store_cli(capsys, store_url, "tokens", "issue", "setting", "S001")
    token = out.splitlines()[1]
    assert code == 0 and repo.feed_calendar(store, token) is not None
    assert token not in store_cli(capsys, store_url, "tokens", "list")[1]
    audit = store_cli(capsys, store_url, "audit")[1]
    assert "cli:tester" in audit and "feed_token_issued" in audit and token not in audit
    out = store_cli(capsys, store_url, "purge", "--before", "2030-01-01", "--dry-run")[1]
    assert "would delete" in out and "[1, 2]" in out
    export = tmp_path / "exported"
    assert store_cli(capsys, store_url, "export", "1", "--out", str(export))[0] == 0
    written, stored = read_plan(export), canonical_plan(repo.load_plan(store, 1))
    assert (written.appointments, written.unscheduled) == (stored.appointments, stored.unscheduled)
    assert written.sequences == stored.sequences


def test_plan_with_db_saves_a_version(
    store: Store, store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scheduler plan DATA --out PLAN --db URL`` saves the plan as a version, audited."""
    from scheduler.cli import main
    from scheduler.io.write_data import write_authority

    data = authority()
    write_authority(data, tmp_path / "data")
    argv = [str(tmp_path / "data"), "--out", str(tmp_path / "plan"), "--time-limit", "5"]
    argv += ["--link-time-limit", "2", "--workers", "1", "--quiet", "--db", store_url]
    assert main(["plan", *argv]) == 0
    assert "Saved as plan version 1" in capsys.readouterr().out
    opened = repo.open_version(store, 1)
    assert opened.authority.children == data.children
    assert opened.plan.appointments
    entries = repo.list_audit(store, action=AuditAction.PLAN_GENERATED)
    assert len(entries) == 1 and entries[0].actor.startswith("cli:")


def test_the_store_url_comes_from_the_flag_then_the_environment_then_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--db beats SCHEDULER_DB_URL, which beats <data dir>/scheduler.db; passwords are hidden."""
    from scheduler.store.db import DATA_DIR_ENV, DB_URL_ENV, database_url, safe_url

    monkeypatch.delenv(DB_URL_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert database_url() == f"sqlite+pysqlite:///{tmp_path}/scheduler.db"
    monkeypatch.setenv(DB_URL_ENV, "postgresql+psycopg://app:hunter2@db.example.org/plans")
    assert database_url().startswith("postgresql+psycopg://app:")
    assert database_url("sqlite:///elsewhere.db") == "sqlite:///elsewhere.db"
    assert "hunter2" not in safe_url(database_url())
