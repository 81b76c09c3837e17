"""plan-many's jobs without Ray (scheduler/many/jobs.py): one authority's job, bad data and
impossible what-ifs as outcomes, and the piece-pool seam. (The summary table:
test_many_summary.py; the output folder: test_many_output.py; the command:
test_commands_plan_many.py; the whole command on a real Ray cluster: test_many_cluster.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.errors import InputError
from scheduler.forecast import plan_metric_forecast
from scheduler.generate import generate_authority
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.io.write_data import write_authority
from scheduler.many.jobs import AuthorityData, JobOptions, PlanJob, find_authorities, plan_job
from scheduler.many.output import write_plan_files
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
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        self.submitted.append(key)
        outcome = solve_piece(
            problem, time_limit, seed, use_model=True, deterministic=deterministic, start=start
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
