"""plan-many without Ray: one authority's job, the piece-pool seam, the summary table and the
output folder. (tests/test_plan_many_ray.py runs the whole command on a real Ray cluster.)"""

from __future__ import annotations

import csv
import io
import json
import socket
from pathlib import Path

import openpyxl
import pytest

from scheduler.cli import main
from scheduler.errors import InputError
from scheduler.forecast import plan_metric_forecast
from scheduler.generate import generate_authority
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.io.write_data import write_authority
from scheduler.many.jobs import AuthorityData, JobOptions, PlanJob, find_authorities, plan_job
from scheduler.many.output import MARKER, prepare_output, write_plan_files
from scheduler.many.summary import (
    CSV_NAME,
    TOTAL,
    WORKBOOK_NAME,
    SummaryRow,
    failed_row,
    totals,
    write_summary,
)
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.solve import PieceOutcome, solve_piece
from scheduler.whatif import parse_scenario

QUICK = JobOptions(time_limit=3, link_time_limit=1)


class InlinePool:
    """A piece pool that solves each piece as it is submitted, and remembers what it did."""

    def __init__(self) -> None:
        self.done: list[tuple[int, PieceOutcome]] = []
        self.submitted: list[int] = []

    def submit(
        self, key: int, problem: GroupProblem, time_limit: float, seed: int, deterministic: bool
    ) -> None:
        self.submitted.append(key)
        outcome = solve_piece(
            problem, time_limit, seed, use_model=True, deterministic=deterministic
        )
        self.done.append((key, outcome))

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        out, self.done = self.done, []
        return out

    def stop(self) -> None:
        raise AssertionError("nobody pressed Stop")


@pytest.fixture(scope="module")
def authorities(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding two tiny authorities, ``north`` and ``south``."""
    folder = tmp_path_factory.mktemp("authorities")
    write_authority(generate_authority(60, seed=2), folder / "north")
    write_authority(generate_authority(40, seed=3), folder / "south")
    return folder


def _data(authorities: Path, name: str) -> AuthorityData:
    return {a.name: a for a in find_authorities(authorities)}[name]


def test_find_authorities_reads_each_folder(authorities: Path, tmp_path: Path) -> None:
    """Every sub-folder with data files is an authority, by name; a folder without is refused."""
    found = find_authorities(authorities)
    assert [a.name for a in found] == ["north", "south"]
    assert {"children.csv", "config.toml"} <= set(found[0].files)
    with pytest.raises(InputError, match="no authority folders"):
        find_authorities(tmp_path)


def test_job_plans_and_renders_the_plan_folder(authorities: Path, tmp_path: Path) -> None:
    """A job gives what `scheduler plan` writes, and a row whose figures agree with the plan's
    summary.json and with the forecast recomputed from the written files."""
    outcome = plan_job(PlanJob("north", None, QUICK), _data(authorities, "north"))
    row = outcome.row
    assert row.outcome == "planned" and not outcome.problems
    assert {"links.csv", "appointments.csv", "unscheduled.csv", "summary.json", "rota.xlsx"} <= set(
        outcome.files
    )
    assert any(name.startswith("ics/") for name in outcome.files)
    summary = json.loads(outcome.files["summary.json"])
    assert (row.children_due, row.scheduled) == (summary["children_due"], summary["scheduled"])
    assert (row.funded_two_due, row.funded_two_scheduled) == (
        summary["funded_two_due"],
        summary["funded_two_scheduled"],
    )
    assert row.capacity_shortfall == summary["unscheduled_by_reason"].get("CAPACITY", 0)
    write_plan_files(tmp_path, "north", outcome.files)
    written = read_plan(tmp_path / "north")
    forecast = plan_metric_forecast(load_authority(authorities / "north").authority, written)
    assert (row.turning_30_months, row.reviewed_by_30_months) == (
        forecast.turning_30_months,
        forecast.reviewed_by_30_months,
    )
    assert row.turning_30_months and row.turning_30_months > 0  # the case is not vacuous
    assert row.pieces_on_ray is False


def test_bad_data_is_an_outcome_naming_the_authority(authorities: Path) -> None:
    """Bad data: no plan, the problems as file:line with the authority's folder in front."""
    data = _data(authorities, "south")
    lines = data.files["children.csv"].decode().splitlines()
    lines[1] = lines[1].replace("true", "maybe", 1).replace("false", "maybe", 1)
    broken = AuthorityData("south", {**data.files, "children.csv": "\n".join(lines).encode()}, "")
    outcome = plan_job(PlanJob("south", None, QUICK), broken)
    assert outcome.row.outcome == "input_error" and not outcome.files
    assert outcome.row.problems == len(outcome.problems) > 0
    assert str(outcome.problems[0]).startswith("south/children.csv:2: ")


def test_an_impossible_what_if_is_an_outcome(authorities: Path) -> None:
    """A what-if this authority cannot take (too few practitioners) is its input error."""
    data = _data(authorities, "south")
    job = PlanJob("south", parse_scenario("practitioners-1000"), QUICK)
    outcome = plan_job(job, data)
    assert outcome.row.outcome == "input_error" and outcome.row.what_if == "practitioners-1000"
    assert str(outcome.problems[0]).startswith("south: --what-if:0: -: would leave no")


def test_a_large_authority_sends_its_pieces_to_the_pool(authorities: Path) -> None:
    """At or above split_from due children every piece goes through the given pool exactly
    once, and the plan still checks clean; below it the pool is not used."""
    pools: list[InlinePool] = []

    def pool() -> InlinePool:
        pools.append(InlinePool())
        return pools[-1]

    split = JobOptions(time_limit=3, link_time_limit=1, split_from=60, split_workers=2)
    outcome = plan_job(PlanJob("north", None, split), _data(authorities, "north"), pool)
    assert outcome.row.outcome == "planned" and outcome.row.pieces_on_ray is True
    assert len(pools) == 1 and pools[0].submitted
    assert sorted(pools[0].submitted) == list(range(len(pools[0].submitted)))
    small = plan_job(PlanJob("south", None, split), _data(authorities, "south"), pool)
    assert small.row.pieces_on_ray is False and len(pools) == 1


def _row(authority: str, what_if: str, **figures: int) -> SummaryRow:
    counts = {
        "practitioners": 2,
        "children_due": 10,
        "scheduled": 8,
        "funded_two_due": 4,
        "funded_two_scheduled": 3,
        "turning_30_months": 5,
        "reviewed_by_30_months": 4,
        "funded_two_turning_30_months": 2,
        "funded_two_reviewed_by_30_months": 2,
        "capacity_shortfall": 1,
        "unscheduled": 2,
    }
    counts.update(figures)
    return SummaryRow(authority, what_if, "planned", seconds=1.0, **counts)


def test_totals_add_planned_authorities_only() -> None:
    """A what-if's total adds its planned rows, says how many of how many, and recomputes the
    shares from the sums (not an average of percentages)."""
    rows = [
        _row("a", "as is"),
        _row("b", "as is", turning_30_months=15, reviewed_by_30_months=6),
        failed_row("c", "", "input_error", 0.1, 3),
        _row("a", "practitioners+10%", reviewed_by_30_months=5),
    ]
    as_is, more = totals(rows)
    assert (as_is.authority, as_is.what_if, as_is.outcome) == (TOTAL, "as is", "2 of 3 planned")
    assert (as_is.turning_30_months, as_is.reviewed_by_30_months) == (20, 10)
    assert as_is.forecast_pct == 50.0
    assert as_is.problems == 3
    assert (more.outcome, more.forecast_pct) == ("1 of 1 planned", 100.0)


def test_summary_files_keep_text_as_text(tmp_path: Path) -> None:
    """An authority named like a formula stays text in both files; nothing else is left
    behind by the atomic writes."""
    name = '=HYPERLINK("http://example.com","x")'
    write_summary(tmp_path, [_row(name, "as is")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [CSV_NAME, WORKBOOK_NAME]
    rows = list(csv.DictReader(io.StringIO((tmp_path / CSV_NAME).read_text())))
    assert rows[0]["authority"] == "'" + name
    assert rows[1]["authority"] == TOTAL
    sheet = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME).active
    assert sheet is not None
    assert sheet.cell(2, 1).value == name and sheet.cell(2, 1).data_type == "s"


def test_output_folder_is_ours_or_refused(tmp_path: Path) -> None:
    """A non-empty folder another tool wrote is refused; ours (marked) is reused."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not a plan-many output"):
        prepare_output(foreign)
    ours = tmp_path / "ours"
    prepare_output(ours)
    (ours / "north").mkdir()
    prepare_output(ours)  # a re-run
    assert (ours / MARKER).is_file()


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


def test_plan_folder_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    """A plan folder is swapped in whole; a failed write leaves the old one; a folder that is
    not a plan folder, or a path out of the folder, is refused."""
    write_plan_files(tmp_path, "north", {"summary.json": b"{}", "old.csv": b"old"})
    write_plan_files(tmp_path, "north", {"summary.json": b"{}", "ics/a.ics": b"new"})
    assert sorted(p.name for p in (tmp_path / "north").rglob("*")) == [
        "a.ics",
        "ics",
        "summary.json",
    ]
    with pytest.raises(FileExistsError):  # "x" is a file, so "x/y" cannot be written
        write_plan_files(tmp_path, "north", {"summary.json": b"[]", "x": b"", "x/y": b""})
    assert (tmp_path / "north" / "summary.json").read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["north"]  # no staging left
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a plan folder"):
        write_plan_files(tmp_path, "mine", {"summary.json": b"{}"})
    with pytest.raises(ValueError, match="outside its folder"):
        write_plan_files(tmp_path, "south", {"../escape.txt": b""})
