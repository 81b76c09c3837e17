"""Re-plans change as little as possible; pins are kept or reported. (Reading and writing
pins.csv: test_io_pins.py; the rota workbook: test_export_workbook.py.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import (
    hm,
    make_absence,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.domain import Authority
from scheduler.errors import InputError
from scheduler.io.pins import parse_pins
from scheduler.pipeline import PlanOptions, PlanResult, make_plan
from scheduler.plan import Pin, Plan
from scheduler.summary import UnhonouredPin

TERM = {"start": "2026-09-07", "end": "2026-09-25", "exclude": [], "bank_holidays": "none"}


def two_practitioners(absences: tuple = ()) -> Authority:  # type: ignore[type-arg]
    """P001 at S001 and P002 at S002 (far apart), four children each, limits that bind."""
    practitioners = [
        make_practitioner("P001", max_reviews_per_day=1),
        make_practitioner("P002", base_lat=52.0, max_reviews_per_day=1),
    ]
    settings = [
        make_setting("S001", link_practitioner_id="P001"),
        make_setting("S002", lat=52.0, link_practitioner_id="P002"),
    ]
    key_persons = [make_key_person("K001"), make_key_person("K002", setting_id="S002")]
    children = [make_child(f"C1{i}") for i in range(4)] + [
        make_child(f"C2{i}", setting_id="S002", key_person_id="K002") for i in range(4)
    ]
    return make_authority(
        practitioners=practitioners,
        settings=settings,
        key_persons=key_persons,
        children=children,
        absences=absences,
        config=make_config(term=TERM),
    )


def plan(authority: Authority, **kwargs: object) -> PlanResult:
    result = make_plan(
        authority,
        PlanOptions(time_limit=5, link_time_limit=2, workers=1),
        **kwargs,  # type: ignore[arg-type]
    )
    assert result.check.ok, result.check.violations
    return result


def slots(p: Plan, practitioner: str) -> dict[str, tuple[date, int]]:
    return {
        a.child_id: (a.date, a.start) for a in p.appointments if a.practitioner_id == practitioner
    }


def test_sick_practitioner_moves_only_their_reviews() -> None:
    """Two weeks' sickness for P002 moves P002's reviews only; P001's rota is untouched."""
    before = plan(two_practitioners()).plan
    sick = make_absence("P002", date(2026, 9, 7), date(2026, 9, 18), "sickness")
    after = plan(two_practitioners((sick,)), previous=before).plan
    assert slots(after, "P001") == slots(before, "P001")
    assert {link.setting_id: link.practitioner_id for link in after.links} == {
        "S001": "P001",
        "S002": "P002",
    }
    for _, (day, _) in slots(after, "P002").items():
        assert day > date(2026, 9, 18)


def test_unchanged_data_replans_identically() -> None:
    """Re-planning unchanged data keeps every appointment where it was."""
    before = plan(two_practitioners()).plan
    after = plan(two_practitioners(), previous=before).plan
    assert {(a.child_id, a.date, a.start) for a in after.appointments} == {
        (a.child_id, a.date, a.start) for a in before.appointments
    }


def test_appointment_and_link_pins_are_kept() -> None:
    """A pinned appointment happens exactly then; a pinned link overrides the nearer one."""
    pins = [
        Pin("appointment", child_id="C10", date=date(2026, 9, 24), start=hm("14:00")),
        Pin("link", setting_id="S002", practitioner_id="P001"),
    ]
    result = plan(two_practitioners(), pins=pins)
    got = {a.child_id: a for a in result.plan.appointments}
    assert (got["C10"].date, got["C10"].start) == (date(2026, 9, 24), hm("14:00"))
    assert {link.setting_id: link.practitioner_id for link in result.plan.links}["S002"] == "P001"


def unhonoured(result: PlanResult) -> list[UnhonouredPin]:
    return list(result.plan.summary.pins_unhonoured or ())


def test_impossible_pin_is_reported() -> None:
    """A pin on a day the rules forbid (a Saturday) is listed with the date and why; the child
    is still planned (the pin is reported, never moved silently)."""
    pins = [Pin("appointment", child_id="C10", date=date(2026, 9, 12))]
    result = plan(two_practitioners(), pins=pins)
    (row,) = unhonoured(result)
    assert row.child_id == "C10" and row.kind == "appointment"
    assert row.reason == (
        "cannot be reviewed on 2026-09-12: joint: Practitioner P001 does not work that weekday"
    )
    assert "C10" in {a.child_id for a in result.plan.appointments}


def test_pin_outside_hours_is_reported() -> None:
    """A pinned time outside the practitioner's and setting's hours is listed with the hours."""
    pins = [Pin("appointment", child_id="C10", date=date(2026, 9, 24), start=hm("08:00"))]
    result = plan(two_practitioners(), pins=pins)
    (row,) = unhonoured(result)
    assert "08:00 is outside the hours available" in row.reason


def test_two_pins_in_one_slot_keep_one_and_report_the_other() -> None:
    """Two appointment pins for the same practitioner, day and time: the first is kept at its
    time, the second is listed (not quietly moved to another day) and the status does not
    claim the pins were all met."""
    pins = [
        Pin("appointment", child_id="C10", date=date(2026, 9, 24), start=hm("10:00")),
        Pin("appointment", child_id="C11", date=date(2026, 9, 24), start=hm("10:00")),
    ]
    result = plan(two_practitioners(), pins=pins)
    by_child = {a.child_id: a for a in result.plan.appointments}
    assert (by_child["C10"].date, by_child["C10"].start) == (date(2026, 9, 24), hm("10:00"))
    (row,) = unhonoured(result)
    assert row.child_id == "C11"
    assert "at most 1" in row.reason


def test_pin_errors_name_the_pins_file_and_line() -> None:
    """Errors found against the data name the line of pins.csv (after a blank line and a
    quoted line break, too), not the pin's position among the pins."""
    text = (
        "kind,setting_id,practitioner_id,child_id,date,start\n"
        "link,S001,P002,,,\n"
        '"link","S0\n02",P001,,,\n'
        "appointment,,,C10,2026-09-24,08:00\n"
        "\n"
        "link,S002,P999,,,\n"
    )
    pins = parse_pins(text, "term-pins.csv")
    with pytest.raises(InputError) as info:
        plan(two_practitioners(), pins=pins)
    assert [str(p) for p in info.value.problems] == [
        "term-pins.csv:3: setting_id: unknown setting (S0\n02)",
        "term-pins.csv:7: practitioner_id: unknown practitioner (P999)",
    ]
    result = plan(two_practitioners(), pins=[p for p in pins if p.line in (2, 5)])
    (row,) = unhonoured(result)
    assert row.child_id == "C10" and "08:00 is outside the hours" in row.reason


def test_replan_reports_kept_links_against_the_data() -> None:
    """kept_existing_link compares with settings.csv's link, even when a re-plan keeps the
    previous plan's different link (the checker's links_valid rule)."""
    authority = two_practitioners()
    pins = [Pin("link", setting_id="S002", practitioner_id="P001")]
    before = plan(authority, pins=pins).plan
    after = plan(authority, previous=before).plan
    kept = {link.setting_id: link.kept_existing_link for link in after.links}
    assert {link.setting_id: link.practitioner_id for link in after.links}["S002"] == "P001"
    assert kept == {"S001": True, "S002": False}


def test_a_what_if_reuses_links_when_no_link_weight_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A weight change from a plan (``warm``) keeps its links when only children's weights
    changed, and chooses links again when a link weight (travel) changed; either way the
    result checks clean and earns no stability bonus."""
    import scheduler.pipeline as pipeline

    authority = two_practitioners()
    base = plan(authority)
    calls: list[int] = []
    real = pipeline.choose_links

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "choose_links", counting)
    weights = authority.config.priorities
    funded = authority.with_config(
        authority.config.model_copy(
            update={"priorities": weights.model_copy(update={"funded_two": 5.0})}
        )
    )
    options = PlanOptions(time_limit=5, link_time_limit=2, workers=1)
    again = make_plan(funded, options, warm=base)
    assert calls == [] and again.links is base.links and again.check.ok
    travel = authority.with_config(
        authority.config.model_copy(
            update={"priorities": weights.model_copy(update={"travel": 3.0})}
        )
    )
    moved = make_plan(travel, options, warm=base)
    assert calls == [1] and moved.check.ok


def test_conflicting_pins_are_reported_as_they_are_loaded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two slots pinned for one child and two links for one setting: the CLI warns with the
    pins file's lines before planning, and the plan keeps the first of each."""
    from scheduler.cli import main
    from scheduler.io.write_data import write_authority

    write_authority(two_practitioners(), tmp_path / "data")
    (tmp_path / "pins.csv").write_text(
        "kind,setting_id,practitioner_id,child_id,date,start\n"
        "appointment,,,C10,2026-09-24,10:00\n"
        "link,S001,P001,,,\n"
        "appointment,,,C10,2026-09-25,10:00\n"
        "link,S001,P002,,,\n"
    )
    args = ["plan", str(tmp_path / "data"), "--out", str(tmp_path / "plan")]
    args += ["--pins", str(tmp_path / "pins.csv"), "--quiet", "--time-limit", "4", "--no-ics"]
    main([*args, "--workers", "1"])
    err = capsys.readouterr().err
    assert "warning: pins.csv:4: a second pin for this child; the pin on line 2 is used" in err
    assert "warning: pins.csv:5: another pin (line 3) already links S001 to P001" in err
