"""The plan folder: the contract's columns and formats, exact round trips, atomic replacement,
and every malformed file reported with its place."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from builders import (
    SUMMARY_COUNTS,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_link,
    make_plan,
    make_unscheduled,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.errors import InputError, Problem
from scheduler.io.plan_files import (
    APPOINTMENT_COLUMNS,
    LINK_COLUMNS,
    UNSCHEDULED_COLUMNS,
    appointment_order,
    canonical_plan,
    read_plan,
    write_plan,
)
from scheduler.plan import Appointment, Link, Plan, ReasonCode, Unscheduled
from scheduler.summary import PlanSummary


def sample_plan(model: str = "joint") -> Plan:
    """Three children: two scheduled (given out of file order), one unscheduled."""
    a = make_authority(
        key_persons=[make_key_person("K001"), make_key_person("K002")],
        children=[make_child("C001"), make_child("C002", key_person_id="K002"), make_child("C003")],
        config=make_config(review={"model": model}),
    )
    late = appointment_for(a, "C002", date(2026, 9, 9), hm("11:00"))
    early = appointment_for(a, "C001", date(2026, 9, 8), hm("10:00"))
    return make_plan(
        a,
        [late, early],
        [make_unscheduled("C003", reason='No room left; ask "Little Acorns", or move a review.')],
        summary=PlanSummary(status="OPTIMAL", gap=0.0, children_due=3, model=model),
        sequences={"ir-C001@example.org": 2},
    )


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- writing


def test_files_have_the_contract_columns(tmp_path: Path) -> None:
    """Each CSV's header is the contract's columns in order (links adds `explanation` last)."""
    write_plan(sample_plan(), tmp_path / "plan")
    assert lines(tmp_path / "plan" / "links.csv")[0] == (
        "setting_id,practitioner_id,children_due,workload_minutes,distance_km,"
        "kept_existing_link,explanation,reason"
    )
    assert lines(tmp_path / "plan" / "appointments.csv")[0] == (
        "child_id,setting_id,practitioner_id,key_person_id,date,pre_meeting_start,start,end,"
        "location,age_months,in_window,model"
    )
    assert (
        lines(tmp_path / "plan" / "unscheduled.csv")[0] == "child_id,setting_id,reason_code,reason"
    )
    assert ",".join(LINK_COLUMNS[:6]) in lines(tmp_path / "plan" / "links.csv")[0]
    assert UNSCHEDULED_COLUMNS == ("child_id", "setting_id", "reason_code", "reason")
    assert len(APPOINTMENT_COLUMNS) == 12  # the contract's 11 and v2's model


def test_values_are_written_as_the_contract_spells_them(tmp_path: Path) -> None:
    """Dates ISO, times HH:MM, booleans true/false, km to 2 decimals, months to 1; sorted rows."""
    plan = sample_plan()
    plan = replace(plan, links=[make_link(distance_km=1.0, kept_existing_link=False)])
    write_plan(plan, tmp_path / "plan")
    assert lines(tmp_path / "plan" / "links.csv")[1] == "S001,P001,1,60,1.00,false,,"
    assert lines(tmp_path / "plan" / "appointments.csv")[1:] == [
        "C001,S001,P001,K001,2026-09-08,09:45,10:00,10:45,setting,26.8,true,joint",
        "C002,S001,P001,K002,2026-09-09,10:45,11:00,11:45,setting,26.8,true,joint",
    ]
    assert lines(tmp_path / "plan" / "unscheduled.csv")[1] == (
        'C003,S001,CAPACITY,"No room left; ask ""Little Acorns"", or move a review."'
    )


def test_separate_model_leaves_pre_meeting_empty(tmp_path: Path) -> None:
    """No pre-meeting in the separate model: the cell is empty and the location `clinic`."""
    write_plan(sample_plan("separate"), tmp_path / "plan")
    row = lines(tmp_path / "plan" / "appointments.csv")[1].split(",")
    assert row[5] == "" and row[8] == "clinic"


def test_summary_is_sorted_pretty_json_with_utc_created_at(tmp_path: Path) -> None:
    """summary.json: keys sorted, indented, `created_at` from plan.created_at in UTC."""
    plan = sample_plan()
    plan = replace(
        plan, created_at=datetime(2026, 9, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    )
    write_plan(plan, tmp_path / "plan")
    text = (tmp_path / "plan" / "summary.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == sorted(document)
    assert document["created_at"] == "2026-09-01T09:30:00+00:00"
    assert text.startswith('{\n  "')


def test_naive_created_at_is_refused(tmp_path: Path) -> None:
    """A created_at without a timezone is a programming error, caught before writing."""
    plan = sample_plan()
    plan = replace(plan, created_at=datetime(2026, 9, 1, 10, 30))
    with pytest.raises(ValueError, match="timezone-aware"):
        write_plan(plan, tmp_path / "plan")
    assert not (tmp_path / "plan").exists()


def test_non_finite_numbers_become_null(tmp_path: Path) -> None:
    """summary.json stays strict JSON: an infinite gap is written as null."""
    plan = sample_plan()
    plan = replace(plan, summary=replace(plan.summary, gap=float("inf")))
    write_plan(plan, tmp_path / "plan")
    assert json.loads((tmp_path / "plan" / "summary.json").read_text())["gap"] is None


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("model", ["joint", "separate"])
def test_round_trip_is_exact(tmp_path: Path, model: str) -> None:
    """Reading back what was written gives the same plan (appointments in file order)."""
    plan = sample_plan(model)
    write_plan(plan, tmp_path / "plan")
    assert read_plan(tmp_path / "plan") == canonical_plan(plan)


def test_canonical_order_is_date_start_practitioner_child() -> None:
    """canonical_plan sorts appointments the way appointments.csv lists them."""
    plan = canonical_plan(sample_plan())
    assert [a.child_id for a in plan.appointments] == ["C001", "C002"]
    assert plan.appointments == sorted(plan.appointments, key=appointment_order)


ids = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_", min_size=1, max_size=6)
free_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | free_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(free_text, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """Any plan the files can hold at their precision, appointments in file order."""
    child_ids = draw(st.lists(ids, unique=True, max_size=8))
    split = draw(st.integers(0, len(child_ids)))
    appointments = []
    for child_id in child_ids[:split]:
        start = draw(st.integers(0, 1400))
        appointments.append(
            Appointment(
                child_id=child_id,
                setting_id=draw(ids),
                practitioner_id=draw(ids),
                key_person_id=draw(ids),
                date=draw(st.dates(date(2000, 1, 1), date(2100, 12, 31))),
                pre_meeting_start=draw(st.none() | st.integers(0, start)),
                start=start,
                end=draw(st.integers(start, 1439)),
                location=draw(st.sampled_from(["setting", "clinic"])),
                age_months=draw(st.integers(0, 600)) / 10,
                in_window=draw(st.booleans()),
            )
        )
    unscheduled = [
        Unscheduled(c, draw(ids), draw(st.sampled_from(list(ReasonCode))), draw(free_text))
        for c in child_ids[split:]
    ]
    links = draw(
        st.lists(
            st.builds(
                Link,
                ids,
                ids,
                st.integers(0, 500),
                st.integers(0, 10**5),
                st.integers(0, 10**6).map(lambda n: n / 100),
                st.booleans(),
                free_text,
            ),
            max_size=4,
        )
    )
    summary = draw(
        st.dictionaries(
            free_text.filter(lambda k: k != "created_at" and k not in PlanSummary.known_keys()),
            json_values,
            max_size=5,
        )
    )
    created_at = draw(
        st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC))
    )
    sequences = draw(st.dictionaries(free_text, st.integers(0, 10**6), max_size=3))
    return Plan(
        links=links,
        appointments=sorted(appointments, key=appointment_order),
        unscheduled=unscheduled,
        summary=PlanSummary(extra=summary),  # keys it does not know: kept as they are
        created_at=created_at,
        sequences=sequences,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=plans())
def test_any_plan_round_trips_exactly(tmp_path: Path, plan: Plan) -> None:
    """read_plan(write_plan(p)) == p for any plan at the files' precision, odd text included."""
    write_plan(plan, tmp_path / "plan")
    assert read_plan(tmp_path / "plan") == plan


# --------------------------------------------------------------------------- replacing safely


def test_replaces_a_previous_plan_whole(tmp_path: Path) -> None:
    """Writing over an earlier plan removes its leftovers (old `ics/`) and leaves no temp folder."""
    target = tmp_path / "plan"
    write_plan(sample_plan(), target)
    (target / "ics").mkdir()
    (target / "ics" / "old.ics").write_text("BEGIN:VCALENDAR")
    newer = sample_plan()
    newer = replace(newer, unscheduled=[])
    write_plan(newer, target)
    assert not (target / "ics").exists()
    assert lines(target / "unscheduled.csv") == ["child_id,setting_id,reason_code,reason"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_writes_into_an_empty_folder_and_creates_parents(tmp_path: Path) -> None:
    """An empty folder, or one that does not exist yet (with its parents), is fine."""
    (tmp_path / "empty").mkdir()
    write_plan(sample_plan(), tmp_path / "empty")
    write_plan(sample_plan(), tmp_path / "a" / "b" / "plan")
    assert (tmp_path / "empty" / "summary.json").is_file()
    assert (tmp_path / "a" / "b" / "plan" / "links.csv").is_file()


def test_refuses_to_replace_a_folder_that_is_not_a_plan(tmp_path: Path) -> None:
    """A non-empty folder without summary.json (say, the data folder) is left untouched."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "children.csv").write_text("child_id\n")
    with pytest.raises(ValueError, match="does not look like a plan folder"):
        write_plan(sample_plan(), data)
    assert [p.name for p in data.iterdir()] == ["children.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_refuses_to_replace_a_file(tmp_path: Path) -> None:
    """`--out` naming a file is refused, not overwritten."""
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a plan folder"):
        write_plan(sample_plan(), tmp_path / "notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_a_crash_while_writing_keeps_the_old_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails half-way, the previous plan is still there, whole, and no temp is left."""
    target = tmp_path / "plan"
    write_plan(sample_plan(), target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    real_fsync = os.fsync
    calls = 0

    def failing_fsync(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk full")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    newer = sample_plan()
    newer = replace(newer, unscheduled=[])
    with pytest.raises(OSError, match="disk full"):
        write_plan(newer, target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_failed_swap_puts_the_old_plan_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the new folder cannot be moved in, the old one is moved back."""
    target = tmp_path / "plan"
    write_plan(sample_plan(), target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if Path(src).name.startswith(".plan.new-"):
            raise OSError("interrupted")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="interrupted"):
        write_plan(sample_plan("separate"), target)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


# --------------------------------------------------------------------------- reading strictly


def written(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    write_plan(sample_plan(), folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> Path:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_plan(folder)
    return caught.value.problems


BAD_CELLS: list[Any] = [
    # (file, text to replace, replacement, expected line, column, message start)
    ("appointments.csv", "2026-09-08", "8/9/2026", 2, "date", "not a date"),
    ("appointments.csv", "2026-09-08", "2026-02-30", 2, "date", "not a date"),
    ("appointments.csv", ",10:00,", ",10.00,", 2, "start", "not a time"),
    ("appointments.csv", ",10:45,setting", ",24:00,setting", 2, "end", "not a time"),
    ("appointments.csv", ",09:45,", ",9:75,", 2, "pre_meeting_start", "not a time"),
    ("appointments.csv", "26.8,true", "26.8,maybe", 2, "in_window", "not true or false"),
    ("appointments.csv", ",setting,", ",garden,", 2, "location", "not setting, clinic or home"),
    ("appointments.csv", ",joint", ",phone", 2, "model", "not joint, separate or home"),
    ("appointments.csv", ",26.8,", ",about 27,", 2, "age_months", "not a number"),
    ("appointments.csv", "C001,", ",", 2, "child_id", "missing value"),
    ("links.csv", ",true,", ",ja,", 2, "kept_existing_link", "not true or false"),
    ("links.csv", "S001,P001,3", "S001,P001,-3", 2, "children_due", "not a whole number"),
    ("links.csv", ",1.11,", ",nan,", 2, "distance_km", "not a number"),
    ("unscheduled.csv", "CAPACITY", "NO_ROOM", 2, "reason_code", "not a reason code"),
]


@pytest.mark.parametrize(("file", "old", "new", "line", "column", "message"), BAD_CELLS)
def test_bad_cell_is_reported_with_file_line_and_column(
    tmp_path: Path, file: str, old: str, new: str, line: int, column: str, message: str
) -> None:
    """Each malformed cell is one problem at its file, line and column."""
    folder = written(tmp_path)
    path = edit(folder, file, old, new)
    (problem,) = problems_of(folder)
    assert (problem.file, problem.line, problem.column) == (str(path), line, column)
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    "name", ["links.csv", "appointments.csv", "unscheduled.csv", "summary.json"]
)
def test_missing_file(tmp_path: Path, name: str) -> None:
    """A plan folder without one of its files is reported, naming the file."""
    folder = written(tmp_path)
    (folder / name).unlink()
    (problem,) = problems_of(folder)
    assert problem.message == "missing file" and problem.value == name


def test_missing_sequences_is_fine(tmp_path: Path) -> None:
    """sequences.json is optional: without it there are no sequences yet."""
    folder = written(tmp_path)
    (folder / "sequences.json").unlink()
    assert read_plan(folder).sequences == {}


def test_missing_column(tmp_path: Path) -> None:
    """A renamed column is a missing column, reported on the header line."""
    folder = written(tmp_path)
    path = edit(folder, "appointments.csv", "in_window", "inside_window")
    (problem,) = problems_of(folder)
    assert (problem.file, problem.line, problem.column, problem.message) == (
        str(path),
        1,
        "in_window",
        "missing column",
    )


def test_extra_columns_and_no_explanation_are_accepted(tmp_path: Path) -> None:
    """Additions are allowed by the contract; `explanation` is optional when reading."""
    folder = written(tmp_path)
    (folder / "links.csv").write_text(
        "setting_id,practitioner_id,children_due,workload_minutes,distance_km,"
        "kept_existing_link,note\nS001,P001,3,135,1.11,true,hello\n"
    )
    assert read_plan(folder).links == [make_link(children_due=3, workload_minutes=135)]


def test_duplicate_child_is_reported_with_both_places(tmp_path: Path) -> None:
    """A child in both appointments.csv and unscheduled.csv makes the folder unreadable."""
    folder = written(tmp_path)
    path = edit(folder, "unscheduled.csv", "C003,", "C001,")
    (problem,) = problems_of(folder)
    assert (problem.file, problem.line, problem.column, problem.value) == (
        str(path),
        2,
        "child_id",
        "C001",
    )
    assert "appointments.csv:2" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Several broken files give all their problems in one error, not just the first."""
    folder = written(tmp_path)
    edit(folder, "appointments.csv", "2026-09-08", "tomorrow")
    edit(folder, "unscheduled.csv", "CAPACITY", "SOON")
    (folder / "summary.json").write_text("{not json")
    problems = problems_of(folder)
    assert [p.column for p in problems] == ["date", "reason_code", "-"]
    assert problems[2].message == "not valid JSON"


@pytest.mark.parametrize(
    ("document", "column"),
    [
        ("[1, 2]", "-"),
        ('{"created_at": "yesterday"}', "created_at"),
        ('{"created_at": "2026-09-01T10:00:00"}', "created_at"),  # no offset
    ],
)
def test_bad_summary(tmp_path: Path, document: str, column: str) -> None:
    """summary.json must be an object whose created_at, if any, has a UTC offset."""
    folder = written(tmp_path)
    (folder / "summary.json").write_text(document)
    (problem,) = problems_of(folder)
    assert problem.column == column


def test_bad_sequence(tmp_path: Path) -> None:
    """A SEQUENCE must be a whole number ≥ 0."""
    folder = written(tmp_path)
    (folder / "sequences.json").write_text('{"uid-1": "two"}')
    (problem,) = problems_of(folder)
    assert (problem.column, problem.value) == ("uid-1", "two")


def test_not_a_folder(tmp_path: Path) -> None:
    """Reading a folder that is not there is an input error, not a traceback."""
    (problem,) = problems_of(tmp_path / "nowhere")
    assert problem.message == "plan folder not found"


def test_summary_counts_survive_the_trip(tmp_path: Path) -> None:
    """The KPIs the checker reads come back with their types (ints stay ints)."""
    plan = sample_plan()
    plan = replace(plan, summary=replace(plan.summary, **{key: 1 for key in SUMMARY_COUNTS}))
    write_plan(plan, tmp_path / "plan")
    summary = read_plan(tmp_path / "plan").summary
    assert all(type(getattr(summary, key)) is int for key in SUMMARY_COUNTS)
