"""``scheduler report``: the files it writes, and bad input refused with nothing written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from builders import make_authority, make_child, make_practitioner, make_setting
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import report as report_command
from scheduler.domain import Authority, Outcome
from scheduler.io.load import load_authority
from scheduler.io.write_data import write_authority
from scheduler.report import Period, service_report

CONTRACT_KEYS = {
    "children_turning_30_months",
    "reviewed_by_30_months",
    "reviewed_by_30_months_pct",
    "funded_two_turning_30_months",
    "funded_two_reviewed_by_30_months",
    "funded_two_reviewed_by_30_months_pct",
    "attended",
    "asq3_completed",
    "was_not_brought",
    "venue",
    "practitioner_role",
}


def _authority(setting_name: str = "Little Acorns", team: str = "North") -> Authority:
    base = make_authority(
        practitioners=[make_practitioner(role="health_visitor", team=team)],
        settings=[make_setting(name=setting_name)],
        children=[
            make_child("C001", dob=date(2024, 3, 10)),
            make_child("C002", dob=date(2024, 4, 10), funded=False),
        ],
    )
    outcomes = (
        Outcome(
            "C001", date(2026, 7, 1), "attended", asq3=True, venue="setting", practitioner_id="P001"
        ),
        Outcome("C002", date(2026, 7, 2), "was_not_brought"),
    )
    return Authority(
        base.practitioners,
        base.settings,
        base.key_persons,
        base.children,
        config=base.config,
        outcomes=outcomes,
    )


def _data(tmp_path: Path, authority: Authority | None = None) -> Path:
    data = tmp_path / "data"
    write_authority(authority or _authority(), data)
    return data


def _report(data: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "report",
            str(data),
            "--from",
            "2026-07-01",
            "--to",
            "2026-12-31",
            "--out",
            str(out),
            *extra,
        ]
    )


def test_report_writes_json_and_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """report.json has the contract's keys and the figures of the data; the workbook opens
    with its summary in words; other files in --out are left alone."""
    data, out = _data(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert _report(data, out) == 0
    document = json.loads((out / "report.json").read_text())
    assert document.keys() >= CONTRACT_KEYS
    assert document["children_turning_30_months"] == 2
    assert document["reviewed_by_30_months"] == 1
    assert document["attended"] == 1 and document["was_not_brought"] == 1
    authority = load_authority(data).authority
    expected = service_report(authority, Period(date(2026, 7, 1), date(2026, 12, 31)))
    assert document == json.loads(json.dumps(expected.as_json()))
    assert (out / "notes.txt").read_text() == "mine"
    book = openpyxl.load_workbook(out / "report.xlsx")
    assert book.sheetnames[0] == "Summary"
    words = " ".join(str(c.value) for c in book["Summary"]["A"] if c.value)
    assert (
        "Children who turned 30 months in the period: 2. Reviewed by 30 months: 1 (50.0%)" in words
    )
    assert "Reviewed by 30 months" in capsys.readouterr().out


def test_from_after_to_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 with a located message; nothing written."""
    data, out = _data(tmp_path), tmp_path / "out"
    code = main(
        ["report", str(data), "--from", "2026-12-01", "--to", "2026-09-01", "--out", str(out)]
    )
    assert code == 2
    assert (
        "command line:0: --from: is after --to 2026-09-01 (2026-12-01)" in capsys.readouterr().err
    )
    assert not out.exists()


def test_bad_data_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The loader's problems, exit 2, nothing written."""
    data, out = _data(tmp_path), tmp_path / "out"
    text = (data / "outcomes.csv").read_text().replace("was_not_brought", "no_show")
    (data / "outcomes.csv").write_text(text)
    assert _report(data, out) == 2
    err = capsys.readouterr().err
    assert "outcomes.csv:3: outcome:" in err and "(no_show)" in err
    assert not out.exists()


def test_plan_from_other_data_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan naming a child the data do not have: its file and line, exit 2."""
    data, out, plan = _data(tmp_path), tmp_path / "out", tmp_path / "plan"
    plan.mkdir()
    (plan / "links.csv").write_text(
        "setting_id,practitioner_id,children_due,workload_minutes,distance_km,kept_existing_link\n"
    )
    (plan / "appointments.csv").write_text(
        "child_id,setting_id,practitioner_id,key_person_id,date,pre_meeting_start,start,end,"
        "location,age_months,in_window\n"
        "C001,S001,P001,K001,2026-09-08,09:45,10:00,10:45,setting,29.9,true\n"
        "C999,S001,P001,K001,2026-09-09,09:45,10:00,10:45,setting,29.9,true\n"
    )
    (plan / "unscheduled.csv").write_text("child_id,setting_id,reason_code,reason\n")
    (plan / "summary.json").write_text("{}")
    assert _report(data, out, "--plan", str(plan)) == 2
    err = capsys.readouterr().err
    assert "appointments.csv:3: child_id: not in the data's children.csv" in err
    assert "(C999)" in err
    assert not out.exists()


def test_forecast_with_a_plan(tmp_path: Path) -> None:
    """With --plan: C002 booked in time, so the forecast is 2 of 2."""
    data, out, plan = _data(tmp_path), tmp_path / "out", tmp_path / "plan"
    plan.mkdir()
    (plan / "links.csv").write_text(
        "setting_id,practitioner_id,children_due,workload_minutes,distance_km,kept_existing_link\n"
    )
    (plan / "appointments.csv").write_text(
        "child_id,setting_id,practitioner_id,key_person_id,date,pre_meeting_start,start,end,"
        "location,age_months,in_window\n"
        "C002,S001,P001,K001,2026-09-08,09:45,10:00,10:45,setting,28.9,true\n"
    )
    (plan / "unscheduled.csv").write_text("child_id,setting_id,reason_code,reason\n")
    (plan / "summary.json").write_text("{}")
    assert _report(data, out, "--plan", str(plan)) == 0
    forecast = json.loads((out / "report.json").read_text())["forecast"]
    assert forecast["forecast_reviewed_by_30_months"] == 2
    assert forecast["forecast_reviewed_by_30_months_pct"] == 100.0
    assert forecast["at_risk"] == []


@pytest.mark.parametrize("text", ["=1+2", "+SUM(1)", "-2+3", "@A1", "\t=1", "\r=1"])
def test_workbook_writes_data_as_text_never_a_formula(tmp_path: Path, text: str) -> None:
    """A setting name or team that looks like a formula is a text cell in the workbook."""
    data, out = (
        _data(tmp_path, _authority(setting_name=f"{text} Nursery", team=text)),
        tmp_path / "o",
    )
    assert _report(data, out) == 0
    book = openpyxl.load_workbook(out / "report.xlsx")
    cells = [
        cell
        for sheet in ("By setting", "By team")
        for row in book[sheet].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.strip().startswith(text.strip())
    ]
    assert cells, "the name should be in the workbook"
    assert all(cell.data_type == "s" for cell in cells)


def test_today_option_is_the_planning_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--today`` sets the reading day (the trend stops there); an outcome after it is bad
    input, as for ``plan``."""
    data, out = _data(tmp_path), tmp_path / "out"
    assert _report(data, out, "--today", "2026-07-14") == 0
    weekly = json.loads((out / "report.json").read_text())["weekly"]
    assert [p["week_ending"] for p in weekly] == ["2026-07-07", "2026-07-14"]
    assert _report(data, tmp_path / "out2", "--today", "2026-07-01") == 2
    assert "outcomes.csv:3: date: is after today (2026-07-01)" in capsys.readouterr().err
    assert not (tmp_path / "out2").exists()


def test_the_command_has_help_and_refuses_a_bad_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler report --help`` works; a missing or malformed argument exits 2."""
    assert "--plan" in help_text(report_command, "report", capsys)
    usage_error(["report", "data", "--from", "2026-09-01", "--to", "soon", "--out", "r"], capsys)
