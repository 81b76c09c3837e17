"""Re-plans: stable UIDs, SEQUENCE bumps on change only, cancellations, export-ics --previous."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ics_fixtures as fx
import pytest
from builders import appointment_for, hm, make_plan
from icalendar import Calendar

from scheduler.cli import main
from scheduler.domain import Authority
from scheduler.export.bundle import calendar_files
from scheduler.export.ics import CalendarSet, build_calendars
from scheduler.export.uids import EventKind, event_uid
from scheduler.io.plan_files import read_plan, write_plan
from scheduler.io.write_data import write_authority
from scheduler.plan import Appointment, Plan

LATER = datetime(2026, 9, 15, 12, 30, tzinfo=UTC)
TERM = "Autumn 2026"


def _uid(child: str, kind: EventKind = EventKind.INVITE) -> str:
    return event_uid(TERM, child, kind)


def _stored(data: Authority, appointments: list[Appointment], before: Plan | None) -> Plan:
    """A plan as ``scheduler plan``/``replan`` stores it: sequences from build_calendars."""
    plan = make_plan(data, appointments, created_at=LATER if before else fx.plan(data).created_at)
    plan = replace(plan, sequences=dict(build_calendars(data, plan, previous=before).sequences))
    return plan


def _moved(data: Authority, child: str, start: str) -> list[Appointment]:
    out = []
    for a in fx.appointments(data):
        out.append(appointment_for(data, child, a.date, hm(start)) if a.child_id == child else a)
    return out


def _event(calendars: CalendarSet, child: str) -> Any:
    return fx.events(calendars.invites[child].ics)[0]


def test_unchanged_replan_sends_nothing_and_keeps_sequences() -> None:
    """Same slots, new creation time: no invitation changes, no cancellations, same numbers."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    new = make_plan(data, fx.appointments(data), created_at=LATER)
    calendars = build_calendars(data, new, previous=old)
    assert calendars.changed_invites == {}
    assert calendars.cancellations == {}
    assert calendars.changed_settings == frozenset()
    assert calendars.changed_practitioners == frozenset()
    assert calendars.sequences == old.sequences
    files = calendar_files(calendars, only_changes=True)
    assert not any(name.endswith(".ics") for name in files)


def test_moved_review_keeps_its_uid_and_bumps_its_sequence_only() -> None:
    """A changed time updates the same UID at SEQUENCE 1; the others stay at 0."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    new = make_plan(data, _moved(data, "C001", "13:00"), created_at=LATER)
    calendars = build_calendars(data, new, previous=old)
    assert set(calendars.changed_invites) == {"C001"}
    event = _event(calendars, "C001")
    assert str(event["UID"]) == _uid("C001")
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").hour == 13
    assert _event(calendars, "C002")["SEQUENCE"] == 0
    assert calendars.changed_settings == {"S001"}
    assert calendars.changed_practitioners == {"P001"}
    feed = fx.by_uid(calendars.settings["S001"])
    assert feed[_uid("C001", EventKind.SETTING)]["SEQUENCE"] == 1
    assert feed[_uid("C001", EventKind.SETTING_PRE)]["SEQUENCE"] == 1
    assert feed[_uid("C002", EventKind.SETTING)]["SEQUENCE"] == 0
    assert calendars.invites["C001"].subject.startswith("Updated invitation")
    assert "This letter replaces the one we sent before" in calendars.invites["C001"].text
    independent = fx.vobject_calendar(calendars.invites["C001"].ics).vevent
    assert independent.uid.value == _uid("C001") and independent.sequence.value == "1"


def test_text_only_changes_do_not_bump_the_sequence() -> None:
    """Renaming how children appear (privacy style) is not a date, time, place or people change."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    renamed = fx.authority(names="id")
    new = make_plan(renamed, fx.appointments(renamed), created_at=LATER)
    calendars = build_calendars(renamed, new, previous=old)
    assert calendars.sequences == old.sequences
    assert calendars.changed_invites == {}


def test_dropped_review_is_cancelled_with_the_same_uid() -> None:
    """A child gone from the plan gets METHOD:CANCEL, STATUS:CANCELLED, same UID, SEQUENCE+1."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    kept = [a for a in fx.appointments(data) if a.child_id != "C001"]
    calendars = build_calendars(data, make_plan(data, kept, created_at=LATER), previous=old)
    assert set(calendars.cancellations) == {"C001"}
    cancel = calendars.cancellations["C001"]
    assert Calendar.from_ical(cancel.ics)["METHOD"] == "CANCEL"
    (event,) = fx.events(cancel.ics)
    assert str(event["UID"]) == _uid("C001")
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert {str(a) for a in event["ATTENDEE"]} == {
        "mailto:p001@health.example.org",
        "mailto:ana@acorns.example.org",
        "mailto:mary.obrien@example.com",
    }
    assert {r.email for r in cancel.recipients} == {
        "p001@health.example.org",
        "ana@acorns.example.org",
        "mary.obrien@example.com",
    }
    assert fx.vobject_calendar(cancel.ics).vevent.status.value == "CANCELLED"
    feed = fx.by_uid(calendars.settings["S001"])
    assert feed[_uid("C001", EventKind.SETTING)]["STATUS"] == "CANCELLED"
    assert feed[_uid("C001", EventKind.SETTING)]["SEQUENCE"] == 1
    assert calendars.sequences[_uid("C001")] == 1
    assert "C001" not in calendars.invites


def test_review_back_after_a_cancellation_outranks_it() -> None:
    """Dropped then scheduled again: the new invitation's SEQUENCE is above the CANCEL's."""
    data = fx.authority()
    first = _stored(data, fx.appointments(data), None)
    kept = [a for a in fx.appointments(data) if a.child_id != "C001"]
    second = _stored(data, kept, first)
    assert second.sequences[_uid("C001")] == 1
    third = make_plan(data, fx.appointments(data), created_at=LATER)
    calendars = build_calendars(data, third, previous=second)
    assert _event(calendars, "C001")["SEQUENCE"] == 2
    assert "C001" in calendars.changed_invites
    assert calendars.cancellations == {}


def test_sequences_carry_across_several_replans() -> None:
    """Each move bumps again from what the previous plan remembered (0 → 1 → 2)."""
    data = fx.authority()
    first = _stored(data, fx.appointments(data), None)
    second = _stored(data, _moved(data, "C002", "11:00"), first)
    third = make_plan(data, _moved(data, "C002", "14:00"), created_at=LATER)
    calendars = build_calendars(data, third, previous=second)
    assert _event(calendars, "C002")["SEQUENCE"] == 2
    assert calendars.sequences[_uid("C002", EventKind.PRACTITIONER)] == 2


def test_comparing_twice_gives_the_same_sequences() -> None:
    """A plan that already stored its sequences gives the same numbers when exported again."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    new = _stored(data, _moved(data, "C001", "13:00"), old)
    again = build_calendars(data, new, previous=old)
    alone = build_calendars(data, new)
    assert again.sequences == new.sequences
    assert again.invites["C001"].ics == alone.invites["C001"].ics


def test_new_practitioner_gets_the_event_and_the_old_one_a_cancellation() -> None:
    """People change: SEQUENCE bumps, the removed practitioner alone gets a CANCEL."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    swapped = [
        replace(a, practitioner_id="P002") if a.child_id == "C001" else a
        for a in fx.appointments(data)
    ]
    calendars = build_calendars(data, make_plan(data, swapped, created_at=LATER), previous=old)
    invite = _event(calendars, "C001")
    assert invite["SEQUENCE"] == 1
    assert "mailto:p002@health.example.org" in {str(a) for a in invite["ATTENDEE"]}
    notice = calendars.cancellations["C001"]
    assert [r.email for r in notice.recipients] == ["p001@health.example.org"]
    (event,) = fx.events(notice.ics)
    assert Calendar.from_ical(notice.ics)["METHOD"] == "CANCEL"
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:p001@health.example.org"]
    old_feed = fx.by_uid(calendars.practitioners["P001"])
    assert old_feed[_uid("C001", EventKind.PRACTITIONER)]["STATUS"] == "CANCELLED"
    new_feed = fx.by_uid(calendars.practitioners["P002"])
    assert new_feed[_uid("C001", EventKind.PRACTITIONER)]["STATUS"] == "CONFIRMED"
    assert calendars.changed_practitioners == {"P001", "P002"}


# --------------------------------------------------------------------------- the command


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A data folder, an old plan and a new plan (C001 moved, C003 dropped), on disk."""
    data = fx.authority()
    data_dir = tmp_path / "data"
    write_authority(data, data_dir)
    old = _stored(data, fx.appointments(data), None)
    old = replace(old, summary=replace(old.summary, data_path=str(data_dir)))
    new_appointments = [a for a in _moved(data, "C001", "13:00") if a.child_id != "C003"]
    new = make_plan(data, new_appointments, created_at=LATER)
    new = replace(new, summary=replace(new.summary, data_path=str(data_dir)))
    write_plan(old, tmp_path / "old")
    write_plan(new, tmp_path / "new")
    return data_dir, tmp_path / "old", tmp_path / "new"


def test_export_ics_writes_everything_for_one_plan(
    folders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """``export-ics PLAN --out DIR`` finds the data from summary.json and writes every file."""
    _, old, _ = folders
    out = tmp_path / "out"
    assert main(["export-ics", str(old), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "invites").iterdir()) == [
        "C001.ics",
        "C002.ics",
        "C003.ics",
    ]
    assert (out / "settings" / "S002.ics").is_file()
    assert (out / "all.zip").is_file()


def test_export_ics_with_previous_writes_only_updates_and_cancellations(
    folders: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """``--previous``: the moved invitation, the cancellation, changed feeds; sequences stored."""
    data_dir, old, new = folders
    out = tmp_path / "changes"
    code = main(["export-ics", str(new), "--previous", str(old), "--out", str(out)])
    assert code == 0
    assert [p.name for p in (out / "invites").iterdir()] == ["C001.ics"]
    assert [p.name for p in (out / "cancellations").iterdir()] == ["C003.ics"]
    assert sorted(p.name for p in (out / "settings").iterdir()) == ["S001.ics", "S002.ics"]
    assert sorted(p.name for p in (out / "practitioners").iterdir()) == ["P001.ics", "P002.ics"]
    cancel = Calendar.from_ical((out / "cancellations" / "C003.ics").read_bytes())
    assert cancel["METHOD"] == "CANCEL"
    stored = json.loads((new / "sequences.json").read_text())
    assert stored[_uid("C001")] == 1 and stored[_uid("C003")] == 1 and stored[_uid("C002")] == 0
    assert read_plan(new).sequences == stored
    # Exporting the same change again is stable: nothing more to remember, same bytes.
    again = tmp_path / "again"
    assert main(["export-ics", str(new), "--previous", str(old), "--out", str(again)]) == 0
    assert (again / "invites" / "C001.ics").read_bytes() == (
        out / "invites" / "C001.ics"
    ).read_bytes()
    # --data overrides summary.json's data_path
    other = tmp_path / "other"
    assert main(["export-ics", str(new), "--data", str(data_dir), "--out", str(other)]) == 0


def test_export_ics_without_data_path_is_an_input_error(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan that does not name its data, and no --data: exit 2 with a one-line problem."""
    data = fx.authority()
    plan = fx.plan(data)
    plan = replace(plan, summary=replace(plan.summary, data_path=None, nulls=frozenset()))
    write_plan(plan, tmp_path / "bare")
    assert main(["export-ics", str(tmp_path / "bare"), "--out", str(tmp_path / "x")]) == 2
    assert "data_path" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_child_gone_from_the_data_still_gets_a_cancellation() -> None:
    """A previous review of a child no longer in the data is cancelled, named by id."""
    data = fx.authority()
    old = _stored(data, fx.appointments(data), None)
    children = {k: v for k, v in data.children.items() if k != "C001"}
    without = replace(data, children=children)
    kept = [a for a in fx.appointments(data) if a.child_id != "C001"]
    calendars = build_calendars(without, make_plan(without, kept, created_at=LATER), previous=old)
    cancel = calendars.cancellations["C001"]
    (event,) = fx.events(cancel.ics)
    assert str(event["UID"]) == _uid("C001") and event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]) == "Integrated review for C001"
    assert {r.email for r in cancel.recipients} == {
        "p001@health.example.org",
        "ana@acorns.example.org",
    }
