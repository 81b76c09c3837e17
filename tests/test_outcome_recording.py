"""Outcomes recorded in the dashboard: who may record which (checked on the server), stored with
who and when, audited, exported as ``outcomes.csv``, merged with a data folder's, purged."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

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
)
from sqlalchemy import create_engine, make_url, text
from test_store_postgres import server_url

from scheduler.cli import main
from scheduler.domain import Authority, Outcome
from scheduler.io.load import load_authority
from scheduler.io.write_data import outcomes_csv, write_authority
from scheduler.outcome_recording import (
    OutcomeRefused,
    check_outcome,
    merge_outcomes,
    merged_authority,
    recordable,
    recording_date,
)
from scheduler.plan import Plan
from scheduler.store import repository as repo
from scheduler.store.access import AccessDenied, Identity, Role
from scheduler.store.db import Store
from scheduler.store.opening import open_store
from scheduler.store.records import AuditAction

COORDINATOR = Identity("boss@example.org", Role.COORDINATOR)
LEAD = Identity("lead@example.org", Role.SERVICE_LEAD)
ACORN = Identity("acorn@example.org", Role.SETTING, setting_id="S001")
TODAY = REVIEW_DAY + timedelta(days=1)


def authority() -> Authority:
    """S001 has C001 (joint) and C003 (joint later); S002 has C002; C004 is S001's, separate."""
    return make_authority(
        settings=[make_setting("S001"), make_setting("S002", lat=51.56)],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001"),
            make_child("C002", setting_id="S002", key_person_id="K002"),
            make_child("C003"),
            make_child("C004"),
        ],
    )


def plan_of(data: Authority) -> Plan:
    clinic = replace(
        appointment_for(data, "C004", start=hm("14:00")),
        model="separate",
        location="clinic",
        pre_meeting_start=None,
    )
    return make_plan(
        data,
        [
            appointment_for(data, "C001", start=hm("10:00")),
            appointment_for(data, "C002", start=hm("11:00")),
            appointment_for(data, "C003", day=REVIEW_DAY + timedelta(days=7)),
            clinic,
        ],
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store on SQLite, and on PostgreSQL when ``SCHEDULER_TEST_PG_URL`` is set (see
    test_store_postgres.py: skipped without it unless ``REQUIRE_POSTGRES=1``)."""
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
        yield opened
        opened.dispose()
        return
    base = make_url(server_url())
    name = f"scheduler_test_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        opened = open_store(base.set(database=name).render_as_string(hide_password=False))
        yield opened
        opened.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# --------------------------------------------------------------------------- who may record


def test_recording_date_is_the_datas_today_else_the_clock() -> None:
    """A replayed term's ``[term] today`` wins over the calendar."""
    assert recording_date(make_config(), date(2026, 12, 3)) == date(2026, 12, 3)
    replayed = make_config(term={"today": "2026-10-01"})
    assert recording_date(replayed, date(2026, 12, 3)) == date(2026, 10, 1)


def test_coordinator_records_any_past_review_setting_only_its_own_joint_ones() -> None:
    """Coordinator: every past appointment. Setting: its own joint ones (not S002's, not the
    clinic review of its own child, not the future one). Service lead: none."""
    data = authority()
    plan = plan_of(data)
    assert [a.child_id for a in recordable(COORDINATOR, plan, TODAY)] == ["C004", "C002", "C001"]
    assert [a.child_id for a in recordable(ACORN, plan, TODAY)] == ["C001"]
    assert recordable(LEAD, plan, TODAY) == []
    assert recordable(None, plan, TODAY) == []


@pytest.mark.parametrize(
    ("child_id", "refusal"),
    [
        ("C002", AccessDenied),  # another setting's child
        ("C004", AccessDenied),  # own child, but a clinic review: health records it
    ],
)
def test_a_setting_cannot_record_what_is_not_its_joint_review(
    child_id: str, refusal: type[Exception]
) -> None:
    """Enforced in the check the server runs, whatever the page offered."""
    data = authority()
    plan = plan_of(data)
    outcome = Outcome(child_id, REVIEW_DAY, "attended")
    with pytest.raises(refusal):
        check_outcome(ACORN, data, plan, outcome, TODAY)
    assert check_outcome(COORDINATOR, data, plan, outcome, TODAY).child_id == child_id


def test_no_booked_review_or_a_future_one_is_refused() -> None:
    """An outcome needs a review booked for that child on that date, on or before today."""
    data = authority()
    plan = plan_of(data)
    with pytest.raises(OutcomeRefused, match="no review booked"):
        check_outcome(COORDINATOR, data, plan, Outcome("C001", TODAY, "attended"), TODAY)
    later = Outcome("C003", REVIEW_DAY + timedelta(days=7), "was_not_brought")
    with pytest.raises(OutcomeRefused, match="after today"):
        check_outcome(COORDINATOR, data, plan, later, TODAY)
    unknown = Outcome("C001", REVIEW_DAY, "attended", practitioner_id="P999")
    with pytest.raises(OutcomeRefused, match="unknown practitioner"):
        check_outcome(COORDINATOR, data, plan, unknown, TODAY)
    with pytest.raises(AccessDenied):
        check_outcome(LEAD, data, plan, Outcome("C001", REVIEW_DAY, "attended"), TODAY)


# --------------------------------------------------------------------------- the store


def test_outcomes_are_stored_with_who_and_when_and_audited(store: Store) -> None:
    """Recording keeps the row, who and when; recording again for the same child and date
    replaces it; removing deletes it; each change is audited without the child's id."""
    first = repo.record_outcome(
        store, Outcome("C001", REVIEW_DAY, "was_not_brought"), setting_id="S001", actor="a@x.org"
    )
    assert first.recorded_by == "a@x.org" and first.recorded_at.tzinfo is not None
    again = repo.record_outcome(
        store,
        Outcome("C001", REVIEW_DAY, "attended", asq3=True, venue="setting", practitioner_id="P001"),
        setting_id="S001",
        actor="b@x.org",
    )
    assert again.outcome_id == first.outcome_id
    stored = repo.list_outcomes(store)
    assert len(stored) == 1 and stored[0].outcome.outcome == "attended"
    assert stored[0].recorded_by == "b@x.org"
    entries = repo.list_audit(store, action=AuditAction.OUTCOME_RECORDED)
    assert [e.details["kind"] for e in entries] == ["attended", "was_not_brought"]
    assert entries[0].details["previous"] == "was_not_brought"
    assert all("C001" not in str(e.details) + e.target for e in entries)
    assert repo.remove_outcome(store, first.outcome_id, actor="a@x.org")
    assert not repo.remove_outcome(store, first.outcome_id, actor="a@x.org")
    assert repo.list_outcomes(store) == []
    assert len(repo.list_audit(store, action=AuditAction.OUTCOME_REMOVED)) == 1


def test_store_refuses_details_only_an_attended_review_has(store: Store) -> None:
    """ASQ-3, venue and practitioner belong to attended reviews (as in outcomes.csv)."""
    with pytest.raises(ValueError, match="only for attended"):
        repo.record_outcome(
            store, Outcome("C001", REVIEW_DAY, "declined", asq3=True), setting_id=None, actor="a"
        )
    assert repo.list_outcomes(store) == []


def test_listing_by_setting(store: Store) -> None:
    """A setting's outcomes only (what a setting user's page lists)."""
    repo.record_outcome(
        store, Outcome("C001", REVIEW_DAY, "attended"), setting_id="S001", actor="a"
    )
    repo.record_outcome(
        store, Outcome("C002", REVIEW_DAY, "declined"), setting_id="S002", actor="a"
    )
    assert [r.outcome.child_id for r in repo.list_outcomes(store, setting_id="S001")] == ["C001"]


def test_purge_deletes_outcomes_before_the_cut_off(store: Store) -> None:
    """Retention takes the outcomes of past terms with the rest of the children's data."""
    old, new = date(2026, 3, 2), date(2026, 9, 8)
    repo.record_outcome(store, Outcome("C001", old, "attended"), setting_id="S001", actor="a")
    repo.record_outcome(store, Outcome("C001", new, "attended"), setting_id="S001", actor="a")
    dry = repo.purge_past_terms(store, before=date(2026, 9, 1), actor="a", dry_run=True)
    assert dry.outcomes == 1 and len(repo.list_outcomes(store)) == 2
    done = repo.purge_past_terms(store, before=date(2026, 9, 1), actor="a")
    assert done.outcomes == 1
    assert [r.outcome.date for r in repo.list_outcomes(store)] == [new]


# --------------------------------------------------------------------------- export and merge


def test_export_command_writes_outcomes_csv_that_loads_back(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scheduler store outcomes export`` writes the contract's columns; the loader reads the
    file back into the same outcomes; the export is audited."""
    recorded = [
        Outcome(
            "C001",
            REVIEW_DAY,
            "attended",
            asq3=False,
            consent_to_share=True,
            venue="home",
            practitioner_id="P001",
        ),
        Outcome("C002", REVIEW_DAY, "cancelled_by_service"),
    ]
    for o in recorded:
        repo.record_outcome(store, o, setting_id=None, actor="a")
    out = tmp_path / "out" / "outcomes.csv"
    code = main(
        ["store", "--db", store.url, "--actor", "cli:test", "outcomes", "export", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    assert out.read_text().splitlines()[0] == (
        "child_id,date,outcome,asq3,consent_to_share,venue,practitioner_id"
    )
    folder = tmp_path / "data"
    write_authority(authority(), folder)
    (folder / "outcomes.csv").write_bytes(out.read_bytes())
    loaded = load_authority(folder).authority
    assert sorted(loaded.outcomes, key=lambda o: o.child_id) == recorded
    assert repo.list_audit(store, action=AuditAction.OUTCOMES_EXPORTED)[0].details == {
        "outcomes": 2
    }


def test_outcomes_csv_of_nothing_is_a_header() -> None:
    assert outcomes_csv([]).strip() == (
        "child_id,date,outcome,asq3,consent_to_share,venue,practitioner_id"
    )


def test_merge_stored_wins_and_disagreements_are_listed() -> None:
    """Same outcome in both: once. Different: the stored one, listed. Only in one: kept.
    Stored outcomes of unknown children or after today: left out, counted."""
    data = authority()
    in_file = (
        Outcome("C001", REVIEW_DAY, "attended"),
        Outcome("C002", REVIEW_DAY, "was_not_brought"),
        Outcome("C003", REVIEW_DAY, "declined"),
    )
    stored = [
        Outcome("C001", REVIEW_DAY, "attended"),  # the same
        Outcome("C002", REVIEW_DAY, "attended", asq3=True),  # differs: stored wins
        Outcome("C004", REVIEW_DAY, "cancelled_by_parent"),  # new
        Outcome("C999", REVIEW_DAY, "attended"),  # not in the data
        Outcome("C001", TODAY + timedelta(days=3), "attended"),  # after today
    ]
    merged = merge_outcomes(stored, in_file, children=data.children, today=TODAY)
    assert {(o.child_id, o.outcome) for o in merged.outcomes} == {
        ("C001", "attended"),
        ("C002", "attended"),
        ("C003", "declined"),
        ("C004", "cancelled_by_parent"),
    }
    assert [(d.child_id, d.in_file.outcome, d.stored.outcome) for d in merged.disagreements] == [
        ("C002", "was_not_brought", "attended")
    ]
    assert merged.from_store == 2
    assert merged.left_out == 2


def test_merged_authority_plans_with_both() -> None:
    """The authority the dashboard re-plans with carries both sources' outcomes."""
    data = authority().with_outcomes([Outcome("C003", REVIEW_DAY, "declined")])
    merged, result = merged_authority(data, [Outcome("C001", REVIEW_DAY, "attended")])
    assert {o.child_id for o in merged.outcomes} == {"C001", "C003"}
    assert merged.children == data.children and result.disagreements == ()


def test_a_settings_share_of_the_data_keeps_only_its_childrens_outcomes() -> None:
    """What a setting user's report is computed from: its children's outcomes, no others."""
    from scheduler.store.access import scope_to_setting

    data = authority().with_outcomes(
        [Outcome("C001", REVIEW_DAY, "attended"), Outcome("C002", REVIEW_DAY, "declined")]
    )
    scoped, _ = scope_to_setting(data, plan_of(data), "S001")
    assert [o.child_id for o in scoped.outcomes] == ["C001"]
