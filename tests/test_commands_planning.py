"""What ``plan`` and ``replan`` share (scheduler/commands/planning.py): their options, the plan
folder written whole, and the closing summary a coordinator reads."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from builders import REVIEW_DAY, appointment_pin, hm, make_authority, make_child, make_config

from scheduler.commands import planning
from scheduler.commands.planning import (
    MIN_SOLVE_SHARE,
    add_plan_options,
    human_summary,
    time_budget,
    write_plan_folder_or_exit,
)
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, PlanResult, make_plan

ONE_DAY = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}


@pytest.fixture(scope="module")
def planned() -> tuple[Authority, PlanResult]:
    """Two children, one pinned to a day that is not in the term (so the pin is not kept)."""
    authority = make_authority(
        children=[make_child("C001"), make_child("C002", funded=False)],
        config=make_config(term=ONE_DAY),
    )
    pins = [appointment_pin("C002", REVIEW_DAY.replace(day=9), hm("10:00"))]
    options = PlanOptions(time_limit=2, link_time_limit=1, workers=1)
    return authority, make_plan(authority, options, pins=pins)


def test_plan_options_have_the_documented_defaults() -> None:
    """A bare ``DATA --out PLAN`` gets a 60 s limit, 10 s for links, seed 0, no pins, no db."""
    parser = argparse.ArgumentParser()
    add_plan_options(parser)
    args = parser.parse_args(["data", "--out", "plan"])
    assert (args.time_limit, args.link_time_limit, args.seed) == (60.0, 10.0, 0)
    assert args.pins is None and args.today is None and args.db is None
    assert not args.deterministic and not args.no_ics and args.workers >= 1
    assert (
        parser.parse_args(["d", "--out", "p", "--today", "2026-10-01"]).today.isoformat()
        == "2026-10-01"
    )


def test_a_bad_planning_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """``--today`` must be a date: exit status 2 and the value named."""
    parser = argparse.ArgumentParser()
    add_plan_options(parser)
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["data", "--out", "plan", "--today", "next week"])
    assert caught.value.code == 2 and "next week" in capsys.readouterr().err


def test_the_summary_says_what_was_seen_and_which_pin_was_not_kept(
    planned: tuple[Authority, PlanResult],
) -> None:
    """Counts as n/d (percent), the solver's figures, and every pin not kept with why."""
    authority, result = planned
    text = human_summary(authority, result)
    assert "children seen        2/2 (100%)" in text
    assert "funded two-year-olds 1/1 (100%)" in text
    assert "pin not kept         C002:" in text
    assert "check                valid" in text


def test_the_plan_folder_is_written_whole_and_replaces_the_old_one(
    planned: tuple[Authority, PlanResult], tmp_path: Path
) -> None:
    """The folder holds the tables and the workbook (calendars on request); writing again
    replaces it whole, so nothing stale survives."""
    authority, result = planned
    out = tmp_path / "plan"
    write_plan_folder_or_exit(authority, result, out, previous=None, calendars=True)
    assert {"appointments.csv", "summary.json", "rota.xlsx", "ics"} <= {
        p.name for p in out.iterdir()
    }
    (out / "stale.txt").write_text("old")
    write_plan_folder_or_exit(authority, result, out, previous=None, calendars=False)
    names = {p.name for p in out.iterdir()}
    assert "stale.txt" not in names and "ics" not in names and "rota.xlsx" in names
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]  # no staging left behind


def test_a_folder_that_is_not_a_plan_is_never_replaced(
    planned: tuple[Authority, PlanResult], tmp_path: Path
) -> None:
    """``--out`` pointing at someone's documents is refused, and they are untouched."""
    authority, result = planned
    out = tmp_path / "documents"
    out.mkdir()
    (out / "letter.docx").write_text("mine")
    with pytest.raises(SystemExit, match="not a plan folder"):
        write_plan_folder_or_exit(authority, result, out, previous=None, calendars=False)
    assert [p.name for p in out.iterdir()] == ["letter.docx"]


def test_the_time_limit_is_shared_by_loading_planning_and_writing() -> None:
    """Planning gets the limit less loading (spent) and writing (estimated); never less than
    its minimum share, and then the budget says it overruns."""
    authority = make_authority(children=[make_child(f"C{i:03}") for i in range(1, 40)])
    budget = time_budget(authority, 60.0, loading=2.0, calendars=True)
    assert budget.writing > 0 and not budget.overrun
    assert budget.loading + budget.planning + budget.writing == pytest.approx(60.0)
    tables_only = time_budget(authority, 60.0, loading=2.0, calendars=False)
    assert tables_only.writing < budget.writing and tables_only.planning > budget.planning
    squeezed = time_budget(authority, 4.0, loading=3.5, calendars=True)
    assert squeezed.planning == pytest.approx(MIN_SOLVE_SHARE * 4.0) and squeezed.overrun


class Planned(Exception):
    """Raised by the stand-in for make_plan once it has seen its options."""


def planned_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> float:
    """The time limit ``scheduler plan`` hands to make_plan."""
    from scheduler.cli import main
    from scheduler.io.write_data import write_authority

    write_authority(make_authority(), tmp_path / "data")
    seen: list[PlanOptions] = []

    def record(authority: Authority, options: PlanOptions, **_: object) -> PlanResult:
        seen.append(options)
        raise Planned

    monkeypatch.setattr(planning, "make_plan", record)
    argv = ["plan", str(tmp_path / "data"), "--out", str(tmp_path / "plan"), *extra]
    with pytest.raises(Planned):
        main(argv)
    return seen[0].time_limit


def test_the_command_keeps_time_back_for_loading_and_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = planned_limit(tmp_path, monkeypatch, "--time-limit", "30", "--quiet")
    assert MIN_SOLVE_SHARE * 30 <= limit < 30


def test_deterministic_limits_are_left_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They count CP-SAT's work, not seconds: keeping seconds back would change the plan."""
    limit = planned_limit(tmp_path, monkeypatch, "--time-limit", "30", "--deterministic", "--quiet")
    assert limit == 30
