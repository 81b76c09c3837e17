"""``scheduler check DATA PLAN [--config] [--previous] [--today] [--pins]``: files in, exit status
out; and the checker's robustness on whatever a hand-edited plan folder holds."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import (
    REVIEW_DAY,
    SUMMARY_COUNTS,
    appointment_for,
    appointment_pin,
    child_in_no_setting,
    hm,
    link_pin,
    make_authority,
    make_child,
    make_config,
    make_link,
    make_outcome,
    make_plan,
    make_practitioner,
    make_unscheduled,
    summary_for,
    unhonoured,
)
from command_helpers import help_text, usage_error
from hypothesis import given, settings
from hypothesis import strategies as st
from test_check import (
    World,
    case_history_dropped,
    case_missing_child,
    case_practitioner_clash,
    case_travel,
    two_settings,
)

from scheduler.check import RULES, RULES_BY_NAME, check_plan
from scheduler.cli import main
from scheduler.commands import check as check_command
from scheduler.io.pins import pins_csv
from scheduler.io.plan_files import write_plan
from scheduler.io.write_data import write_authority
from scheduler.plan import Appointment, Plan, ReasonCode
from scheduler.summary import PlanSummary, UnhonouredPin


def _data_and_plan(tmp_path: Path, world: World) -> tuple[str, str]:
    """Write the case's data folder and plan folder (and its previous plan as ``old``)."""
    write_authority(world[0], tmp_path / "data")
    write_plan(world[1], tmp_path / "plan")
    if len(world) == 4 and world[2] is not None:
        write_plan(world[2], tmp_path / "old")
    return str(tmp_path / "data"), str(tmp_path / "plan")


def test_command_accepts_a_valid_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`scheduler check DATA PLAN` exits 0 and says so when every rule holds."""
    data, plan = _data_and_plan(tmp_path, case_travel(False))
    assert main(["check", data, plan]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        f"valid: 2 scheduled and 0 unscheduled (2 children listed); {len(RULES)} rules checked"
    )


def test_command_prints_each_violation_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each violation is a `rule: subject: message` line; exit status 1."""
    data, plan = _data_and_plan(tmp_path, case_travel(True))
    assert main(["check", data, plan]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("travel_time: P001 2026-09-08: 21 min from C001")
    assert out[-1] == "invalid: 1 violation(s) of 1 rule(s) (travel_time)"


def test_command_reports_a_missing_child_after_reading_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A due child missing from the plan folder fails the check (exit 1)."""
    data, plan = _data_and_plan(tmp_path, case_missing_child(True))
    assert main(["check", data, plan]) == 1
    assert "every_due_child_once: C002: due this term" in capsys.readouterr().out


def test_command_separate_model_from_the_data_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review model comes from the data folder's config.toml: a clinic plan checks clean."""
    data, plan = _data_and_plan(tmp_path, case_practitioner_clash(False))
    assert main(["check", data, plan]) == 0, capsys.readouterr().out


def test_command_malformed_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plan folder that cannot be read is an input error: exit 2, located problems."""
    data, plan = _data_and_plan(tmp_path, case_travel(False))
    path = Path(plan) / "appointments.csv"
    path.write_text(path.read_text().replace("2026-09-08", "08/09/2026", 1))
    assert main(["check", data, plan]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: date: not a date (YYYY-MM-DD) (08/09/2026)" in err


def test_command_child_in_no_setting_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A child in no setting: empty setting_id and key_person_id cells, and a valid plan."""
    a = make_authority(children=[child_in_no_setting()])
    data, plan = _data_and_plan(tmp_path, (a, make_plan(a, [appointment_for(a)])))
    with (Path(plan) / "appointments.csv").open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["setting_id"], row["key_person_id"], row["location"]) == ("", "", "clinic")
    assert main(["check", data, plan]) == 0, capsys.readouterr().out


# --------------------------------------------------------------------------- --today


def test_today_option_applies_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--today` sets the planning date: a review the next day is too short notice."""
    data, plan = _data_and_plan(tmp_path, case_travel(False))
    assert main(["check", data, plan]) == 0
    capsys.readouterr()
    assert main(["check", data, plan, "--today", "2026-09-07"]) == 1
    out = capsys.readouterr().out
    assert (
        "notice_given: C001: a new appointment on 2026-09-08, but with 7 days' notice from "
        "today (2026-09-07) the first possible date is 2026-09-14"
    ) in out


def test_today_option_overrides_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config's ``[term] today`` applies unless `--today` gives another date."""
    a = make_authority(config=make_config(term={"today": "2026-09-07"}))
    data, plan = _data_and_plan(tmp_path, (a, make_plan(a, [appointment_for(a)])))
    assert main(["check", data, plan]) == 1
    assert main(["check", data, plan, "--today", "2026-09-01"]) == 0


def test_bad_today_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --today that is not a date: exit 2 with the value named, before anything is read."""
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(tmp_path), str(tmp_path), "--today", "7/9/2026"])
    assert stopped.value.code == 2
    assert "not a date YYYY-MM-DD (7/9/2026)" in capsys.readouterr().err


def test_outcome_after_today_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --today, an outcome dated later is bad data: exit 2, file and line."""
    a = make_authority(outcomes=[make_outcome("C001", date(2026, 9, 10), "was_not_brought")])
    data, plan = _data_and_plan(tmp_path, (a, make_plan(a, [appointment_for(a)])))
    assert main(["check", data, plan, "--today", "2026-09-08"]) == 2
    assert "outcomes.csv:2: date: is after today (2026-09-08)" in capsys.readouterr().err


# --------------------------------------------------------------------------- --previous


def test_previous_plan_makes_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --previous, a kept review before today is history; without it, it is not."""
    data, plan = _data_and_plan(tmp_path, case_history_dropped(False))
    old = str(tmp_path / "old")
    assert main(["check", data, plan, "--previous", old]) == 0, capsys.readouterr().out
    assert main(["check", data, plan]) == 1
    assert "history_kept: C001: dated 2026-09-08, before today (2026-09-21)" in (
        capsys.readouterr().out
    )


def test_previous_plan_dropped_history_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A history review that vanished from the new plan fails the check."""
    data, plan = _data_and_plan(tmp_path, case_history_dropped(True))
    assert main(["check", data, plan, "--previous", str(tmp_path / "old")]) == 1
    assert "history_kept: C001: the previous plan's review on 2026-09-08 at 10:00" in (
        capsys.readouterr().out
    )


def test_unreadable_previous_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A previous plan folder that cannot be read: exit 2, located problems."""
    data, plan = _data_and_plan(tmp_path, case_history_dropped(False))
    old = tmp_path / "old" / "appointments.csv"
    old.write_text(old.read_text().replace("10:00", "ten", 1))
    assert main(["check", data, plan, "--previous", str(tmp_path / "old")]) == 2
    assert f"{old}:2: start: not a time (HH:MM) (ten)" in capsys.readouterr().err


# --------------------------------------------------------------------------- pins


def _pinned(tmp_path: Path, listed: list[dict[str, str]]) -> tuple[str, str]:
    """C001 reviewed on REVIEW_DAY; pins.csv in the plan folder pins it to Wednesday."""
    a = two_settings(practitioners=[make_practitioner("P001"), make_practitioner("P002")])
    appointments = [appointment_for(a), appointment_for(a, "C003", start=hm("11:30"))]
    summary = summary_for(a, appointments, pins_unhonoured=listed)
    data, plan = _data_and_plan(tmp_path, (a, make_plan(a, appointments, summary=summary)))
    pins = [appointment_pin("C001", date(2026, 9, 9)), link_pin("S002", "P001")]
    (Path(plan) / "pins.csv").write_text(pins_csv(pins))
    return data, plan


MOVED = unhonoured("C001", "S001", "appointment", "The pinned day had no time left.")


def test_pins_in_the_plan_folder_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PLAN/pins.csv is read: a pin not kept must be listed in pins_unhonoured."""
    data, plan = _pinned(tmp_path, [])
    assert main(["check", data, plan]) == 1
    out = capsys.readouterr().out
    assert "pins_honoured: appointment pin for C001: not kept by the plan" in out
    data, plan = _pinned(tmp_path / "listed", [MOVED])
    assert main(["check", data, plan]) == 0, capsys.readouterr().out


def test_pins_option_overrides_the_plan_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--pins FILE is used instead of PLAN/pins.csv."""
    data, plan = _pinned(tmp_path, [])
    kept = tmp_path / "kept-pins.csv"
    kept.write_text(pins_csv([appointment_pin("C001", REVIEW_DAY)]))
    assert main(["check", data, plan, "--pins", str(kept)]) == 0, capsys.readouterr().out


def test_malformed_pins_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pins that cannot be read: exit 2 with the pins file and line."""
    data, plan = _pinned(tmp_path, [])
    bad = tmp_path / "bad-pins.csv"
    bad.write_text("kind,child_id,date\nappointment,C001,9 Sep\n")
    assert main(["check", data, plan, "--pins", str(bad)]) == 2
    assert "bad-pins.csv:2: date: not a date YYYY-MM-DD (9 Sep)" in capsys.readouterr().err


def test_help_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`scheduler check --help` names each rule with its description."""
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for option in ("--previous OLD", "--today DATE", "--pins FILE", "--config TOML"):
        assert option in out
    for rule in RULES:
        assert rule.name in out


# --------------------------------------------------------------------------- robustness

pool = st.sampled_from


@st.composite
def messy_appointments(draw: st.DrawFn) -> list[Appointment]:
    """Appointments mixing known and unknown ids, any times, dates and models."""
    return [
        Appointment(
            child_id=draw(pool(["C001", "C002", "C003", "C999"])),
            setting_id=draw(pool(["S001", "S002", "S999", None])),
            practitioner_id=draw(pool(["P001", "P002", "P999"])),
            key_person_id=draw(pool(["K001", "K002", "K003", "K999", None])),
            date=draw(st.dates(date(2026, 8, 1), date(2027, 1, 31))),
            pre_meeting_start=draw(st.none() | st.integers(0, 1439)),
            start=draw(st.integers(0, 1439)),
            end=draw(st.integers(0, 1439)),
            location=draw(pool(["setting", "clinic", "home"])),
            age_months=draw(st.floats(0, 60)),
            in_window=draw(st.booleans()),
            model=draw(pool(["joint", "separate", "home"])),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]


@st.composite
def messy_plans(draw: st.DrawFn) -> Plan:
    """Plans as a hand-edited folder may hold them: any rows, codes, links and summary."""
    unscheduled = [
        make_unscheduled(
            draw(pool(["C001", "C002", "C003", "C999"])),
            draw(pool(["S001", "S002", "S999", None])),
            draw(pool(list(ReasonCode))),
            draw(pool(["", "A reason."])),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    links = [
        make_link(draw(pool(["S001", "S002", "S999"])), draw(pool(["P001", "P002", "P999"])))
        for _ in range(draw(st.integers(0, 3)))
    ]
    counts: dict[str, Any] = draw(
        st.dictionaries(pool(SUMMARY_COUNTS), st.integers(0, 3) | st.none())
    )
    text = pool(["C001", "S001", "link", "appointment", ""])
    listed = draw(
        st.none()
        | st.lists(st.builds(UnhonouredPin, text, text, text, text), max_size=3).map(tuple)
    )
    # a malformed summary.json cannot be read (exit 2, tested in test_summary.py): any
    # well-formed one, with absent, null and wrong figures, reaches the checker
    summary = PlanSummary(
        **{k: v for k, v in counts.items() if v is not None},
        pins_unhonoured=listed,
        nulls=frozenset(k for k, v in counts.items() if v is None),
    )
    return Plan(links, draw(messy_appointments()), unscheduled, summary)


@settings(max_examples=80, deadline=None)
@given(
    plan=messy_plans(),
    previous=st.none() | messy_appointments(),
    today=st.none() | st.dates(date(2026, 9, 1), date(2026, 12, 31)),
    model=pool(["joint", "separate", "home"]),
    pinned=st.booleans(),
)
def test_checker_never_crashes_and_names_only_known_rules(
    plan: Plan,
    previous: list[Appointment] | None,
    today: date | None,
    model: str,
    pinned: bool,
) -> None:
    """Whatever the plan, previous plan and pins hold, the checker reports instead of raising."""
    a = two_settings(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        children=[
            child_in_no_setting("C001", review_model="home", parent_name="Ann"),
            child_in_no_setting("C002", practitioner_id="P002", parent_name=" ann"),
            make_child("C003", setting_id="S002", key_person_id="K003", consent_to_share=False),
        ],
        outcomes=[make_outcome("C003", date(2026, 9, 1), "was_not_brought")],
        config=make_config(
            term={"today": today.isoformat()} if today else None,
            review={"model": model, "fallback": ["separate"]},
        ),
    )
    pins = (
        [appointment_pin("C001", date(2026, 9, 8), 600), link_pin("S002", "P002")] if pinned else []
    )
    old = None if previous is None else Plan([], previous, [], {})
    report = check_plan(a, plan, previous=old, pins=pins)
    assert report.rules_broken <= set(RULES_BY_NAME)
    assert all(v.subject and v.message for v in report.violations)


def test_the_command_has_help_and_refuses_a_bad_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler check --help`` works; a missing or malformed argument exits 2."""
    assert "--previous" in help_text(check_command, "check", capsys)
    usage_error(["check", "data"], capsys)
