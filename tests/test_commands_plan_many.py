"""``scheduler plan-many`` (scheduler/commands/plan_many.py) without starting Ray: its options,
everything refused before a cluster is joined (exit 2, nothing written), how a finished job is
written, and the report's lines and exit status. (The whole command on a real Ray cluster:
test_many_cluster.py; without Ray installed: test_without_ray.py.)"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from builders import make_authority
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import plan_many
from scheduler.errors import Problem
from scheduler.io.write_data import write_authority
from scheduler.many.jobs import JobOptions, JobOutcome, PlanJob
from scheduler.many.summary import AS_IS, CSV_NAME, SummaryRow, failed_row
from scheduler.whatif import parse_scenario


@pytest.fixture
def authorities(tmp_path: Path) -> Path:
    """A folder holding one small authority, ``north``."""
    folder = tmp_path / "authorities"
    write_authority(make_authority(), folder / "north")
    return folder


def planned(authority: str, what_if: str = AS_IS, **figures: int) -> SummaryRow:
    """A planned row: 10 due, 8 seen, 5 turning 30 months of whom 4 reviewed by then."""
    counts = dict(children_due=10, scheduled=8, funded_two_due=4, funded_two_scheduled=3)
    counts |= dict(turning_30_months=5, reviewed_by_30_months=4, capacity_shortfall=1)
    counts |= dict(practitioners=2, funded_two_turning_30_months=2, unscheduled=2)
    counts |= dict(funded_two_reviewed_by_30_months=2)
    counts.update(figures)
    return SummaryRow(authority, what_if, "planned", seconds=1.0, **counts)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--cpus", "0"], "must be at least 1"),  # no CPU for the local instance
        (["--split-from", "many"], "not a whole number"),  # not a count
        (["--time-limit", "soon"], "--time-limit"),  # not seconds
    ],
)
def test_help_and_bad_arguments(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--help`` names the cluster and what-if options; a bad value, or no ``--out``, is a
    usage error (exit 2)."""
    text = help_text(plan_many, "plan-many", capsys)
    assert "--address" in text and "--what-if" in text and "--split-from" in text
    assert says in usage_error(["plan-many", "data", "--out", "out", *argv], capsys)
    assert "--out" in usage_error(["plan-many", "data"], capsys)


def test_no_cluster_at_the_address_is_an_input_error(
    authorities: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--address where no Ray listens: exit 2 at once (Ray itself would retry for minutes),
    nothing written."""
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    address = f"127.0.0.1:{port}"
    code = main(["plan-many", str(authorities), "--out", str(out), "--address", address])
    assert code == 2
    assert "--address:0: -: no Ray cluster answers there" in capsys.readouterr().err
    assert not out.exists()


def test_refused_before_any_cluster_is_joined(
    authorities: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad what-if, a folder with no authority, an authority folder named ``what-if`` beside
    what-ifs, or an --out of someone else's files: exit 2 with the located problem, nothing
    written (and no Ray started: an --address nobody answers would fail differently)."""
    out = tmp_path / "out"
    nowhere = ["--address", "127.0.0.1:9"]
    base = ["plan-many", str(authorities), "--out", str(out), *nowhere]
    assert main([*base, "--what-if", "rooms+1"]) == 2
    assert "--what-if:0: " in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["plan-many", str(tmp_path / "empty"), "--out", str(out), *nowhere]) == 2
    assert "no authority folders" in capsys.readouterr().err
    write_authority(make_authority(), authorities / "what-if")
    assert main([*base, "--what-if", "practitioners+1"]) == 2
    assert "would clash with the what-if plans" in capsys.readouterr().err
    assert not out.exists()
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["plan-many", str(authorities), "--out", str(out), *nowhere]) == 2
    assert "not a plan-many output" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_finished_job_is_written_where_its_row_says(tmp_path: Path) -> None:
    """A plan's files go to OUT/<authority> (or under what-if/) and the row names the folder;
    a job without files is passed through; a folder that cannot be replaced makes the row
    ``failed`` with the reason."""
    options = JobOptions()
    files = {"summary.json": b"{}"}
    row, message = plan_many._written(
        tmp_path, PlanJob("north", None, options), JobOutcome(planned("north"), files)
    )
    assert (row.plan_folder, message) == ("north", None)
    assert (tmp_path / "north" / "summary.json").read_bytes() == b"{}"
    scenario = parse_scenario("practitioners+10%")
    row, _ = plan_many._written(
        tmp_path,
        PlanJob("north", scenario, options),
        JobOutcome(planned("north", "practitioners+10%"), files),
    )
    assert row.plan_folder == "what-if/practitioners+10%/north"
    bad = failed_row("south", "", "input_error", 0.1, 1)
    assert plan_many._written(tmp_path, PlanJob("south", None, options), JobOutcome(bad)) == (
        bad,
        None,
    )
    (tmp_path / "east").mkdir()
    (tmp_path / "east" / "notes.txt").write_text("keep me")
    row, message = plan_many._written(
        tmp_path, PlanJob("east", None, options), JobOutcome(planned("east"), files)
    )
    assert row.outcome == "failed" and message is not None
    assert message.startswith("east (as is): ") and "not a plan folder" in message


def test_the_report_says_each_problem_once_and_the_national_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A data problem met under two what-ifs is printed once; the national line adds the
    planned authorities; bad data alone is exit 2."""
    problem = Problem("south/children.csv", 2, "funded_two", "not a yes/no value", "maybe")
    rows = [
        planned("north"),
        planned("north", "practitioners+10%", reviewed_by_30_months=5),
        failed_row("south", "", "input_error", 0.1, 1),
        failed_row("south", "practitioners+10%", "input_error", 0.1, 1),
    ]
    results = [JobOutcome(r, problems=[problem] if r.authority == "south" else []) for r in rows]
    assert plan_many._report(tmp_path, rows, results, []) == 2
    captured = capsys.readouterr()
    assert captured.err.count(str(problem)) == 1
    assert "2 problem(s) in 2 plan(s); those plans were not written." in captured.err
    lines = captured.out.splitlines()
    assert lines[0] == (
        "as is: 1 of 2 planned; national metric forecast 4/5 (80.0%) reviewed by 2½; "
        "funded two-year-olds seen 3/4 (75.0%); capacity shortfall 1 children"
    )
    assert lines[1].startswith("practitioners+10%: 1 of 2 planned; national metric forecast 5/5")
    assert lines[2] == f"Plans in {tmp_path}; summary in {tmp_path / CSV_NAME} and " + str(
        tmp_path / "summary.xlsx"
    )


@pytest.mark.parametrize(
    ("outcomes", "code"),
    [
        (["planned", "planned"], 0),  # every plan made and checked clean
        (["planned", "input_error"], 2),  # only bad data
        (["check_failed", "input_error"], 1),  # a plan the checker objected to outranks it
        (["failed", "planned"], 1),  # a job that failed
    ],
)
def test_the_exit_status_follows_the_worst_outcome(
    outcomes: list[str], code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0 all planned; 1 when a plan failed its check or a job failed; else 2 for bad data."""
    rows = [
        planned(f"a{i}") if o == "planned" else failed_row(f"a{i}", "", o, 0.1, 0)
        for i, o in enumerate(outcomes)
    ]
    results = [JobOutcome(r) for r in rows]
    assert plan_many._report(tmp_path, rows, results, []) == code
    capsys.readouterr()


def test_failures_and_unwritten_plans_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed job, the checker's objections and a plan that could not be written are each
    named by authority and what-if on stderr; nobody due reads "none due", not 0 %."""
    rows = [failed_row("east", "", "failed", 1.0, 0), planned("north", turning_30_months=0)]
    results = [
        JobOutcome(rows[0], failure="WorkerCrashedError: lost"),
        JobOutcome(rows[1], check_violations=["C001: two blocks at once"]),
    ]
    assert plan_many._report(tmp_path, rows, results, ["west (as is): disk full"]) == 1
    captured = capsys.readouterr()
    assert "east (as is): planning failed: WorkerCrashedError: lost" in captured.err
    assert "north (as is): check: C001: two blocks at once" in captured.err
    assert "not written: west (as is): disk full" in captured.err
    assert "national metric forecast none due" in captured.out
