"""plan-many on a real Ray cluster (``ray start --head`` on this machine, 2 CPUs): three small
authorities, one broken, with a what-if beside them; a worker killed mid-task; the default
local instance; the stage-2 piece pool. Ray starts once for the module and no Ray process
may be left behind afterwards."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from raycluster import (
    Head,
    Mark,
    end_marked,
    marked_env,
    marked_processes,
    ray_head,
    wait_for,
    wait_until_gone,
)

from scheduler.availability import Availability
from scheduler.cli import main
from scheduler.forecast import plan_metric_forecast
from scheduler.generate import generate_authority
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.io.write_data import write_authority
from scheduler.many.summary import CSV_NAME, TOTAL, WORKBOOK_NAME
from scheduler.matching.links import LinkOptions, choose_links
from scheduler.scheduling.problem import build_problem
from scheduler.scheduling.rota import priority_greedy
from scheduler.scheduling.solve import solve_pieces
from scheduler.whatif import Change, headcount_change

WHAT_IF = "practitioners+20%"
QUICK = ["--time-limit", "4", "--link-time-limit", "1"]


@pytest.fixture(scope="module")
def head() -> Iterator[Head]:
    """The module's cluster; this process joins it with the same token setting (conftest)."""
    assert os.environ.get("RAY_AUTH_MODE") == "token"
    with ray_head(cpus=2) as cluster:
        wait_for(cluster)
        yield cluster


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    data: Path
    out: Path


def _plan_many(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["plan-many", *args])
    return code, out.getvalue(), err.getvalue()


def _generate(folder: Path, *args: str) -> None:
    assert main(["generate", *args, "--out", str(folder)]) == 0


@pytest.fixture(scope="module")
def three(head: Head, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """north (300 due: its pieces fan out), south (250) and east (broken), as is and with
    20% more practitioners: six Ray tasks."""
    data = tmp_path_factory.mktemp("authorities")
    with redirect_stdout(io.StringIO()):
        _generate(data / "north", "--size", "small", "--seed", "11")
        _generate(data / "south", "--children", "250", "--seed", "12")
        _generate(data / "east", "--size", "small", "--seed", "13")
    children = data / "east" / "children.csv"
    lines = children.read_text().splitlines()
    lines[1] = lines[1].replace("true", "maybe", 1).replace("false", "maybe", 1)
    children.write_text("\n".join(lines) + "\n")
    out = tmp_path_factory.mktemp("many") / "out"
    code, stdout, stderr = _plan_many(
        str(data),
        "--out",
        str(out),
        "--address",
        head.address,
        "--what-if",
        WHAT_IF,
        "--split-from",
        "300",
        *QUICK,
    )
    return Run(code, stdout, stderr, data, out)


def _summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / CSV_NAME).open()))


def _folder(out: Path, authority: str, what_if: str) -> Path:
    return out / authority if what_if == "as is" else out / "what-if" / what_if / authority


def test_broken_authority_is_reported_and_the_others_finish(three: Run) -> None:
    """Exit 2; east's problem once, as file:line; north and south planned in both variants;
    nothing written for east."""
    assert three.code == 2, three.stderr
    problem = "east/children.csv:2: funded_two: not a yes/no value"
    assert three.stderr.count(problem) == 1, three.stderr
    assert "Traceback" not in three.stderr
    assert "6/6" in three.stderr  # the progress bar reached the end
    for what_if in ("as is", WHAT_IF):
        assert not _folder(three.out, "east", what_if).exists()
        for name in ("north", "south"):
            assert (_folder(three.out, name, what_if) / "summary.json").is_file()
    assert "as is: 2 of 3 planned; national metric forecast" in three.stdout


def test_every_plan_checks_clean(three: Run) -> None:
    """The independent checker accepts every plan plan-many wrote, what-ifs against the data
    they were made from (the as-is plans against the folder as it is)."""
    for name in ("north", "south"):
        with redirect_stdout(io.StringIO()):
            assert main(["check", str(three.data / name), str(three.out / name)]) == 0


def test_summary_agrees_with_each_plan(three: Run) -> None:
    """Each row's figures are its plan folder's, and its forecast is the forecast recomputed
    from the written files; totals add the planned rows."""
    rows = _summary(three.out)
    assert [(r["authority"], r["what_if"], r["outcome"]) for r in rows] == [
        ("east", "as is", "input_error"),
        ("north", "as is", "planned"),
        ("south", "as is", "planned"),
        ("east", WHAT_IF, "input_error"),
        ("north", WHAT_IF, "planned"),
        ("south", WHAT_IF, "planned"),
        (TOTAL, "as is", "2 of 3 planned"),
        (TOTAL, WHAT_IF, "2 of 3 planned"),
    ]
    planned = [r for r in rows if r["outcome"] == "planned"]
    for row in planned:
        folder = three.out / row["plan_folder"]
        assert folder == _folder(three.out, row["authority"], row["what_if"])
        summary = json.loads((folder / "summary.json").read_text())
        for key in ("children_due", "scheduled", "funded_two_due", "funded_two_scheduled"):
            assert int(row[key]) == summary[key], (row, key)
        if row["what_if"] == "as is":
            authority = load_authority(three.data / row["authority"]).authority
            forecast = plan_metric_forecast(authority, read_plan(folder))
            assert int(row["turning_30_months"]) == forecast.turning_30_months > 0
            assert int(row["reviewed_by_30_months"]) == forecast.reviewed_by_30_months
    for total in (r for r in rows if r["authority"] == TOTAL):
        mine = [r for r in planned if r["what_if"] == total["what_if"]]
        for key in ("scheduled", "turning_30_months", "capacity_shortfall"):
            assert int(total[key]) == sum(int(r[key]) for r in mine)
    sheet = openpyxl.load_workbook(three.out / WORKBOOK_NAME).active
    assert sheet is not None and sheet.max_row == len(rows) + 1


def test_what_if_adds_practitioners_side_by_side(three: Run) -> None:
    """practitioners+20% plans every authority with that many more practitioners, in its own
    folder, without touching the as-is plan."""
    rows = {(r["authority"], r["what_if"]): r for r in _summary(three.out)}
    for name in ("north", "south"):
        base = int(rows[name, "as is"]["practitioners"])
        more = int(rows[name, WHAT_IF]["practitioners"])
        assert more == base + headcount_change(base, Change("practitioners", 20, True))
        links = (_folder(three.out, name, WHAT_IF) / "links.csv").read_text()
        assert "-new1," in links or int(rows[name, WHAT_IF]["children_due"]) == 0


def test_a_large_authority_fans_its_pieces_out(three: Run) -> None:
    """At --split-from 300, north (300 due) solves its pieces as Ray tasks; south does not."""
    rows = {(r["authority"], r["what_if"]): r for r in _summary(three.out)}
    assert rows["north", "as is"]["pieces_on_ray"] == "true"
    assert rows["south", "as is"]["pieces_on_ray"] == "false"


def _kill_first_task(mark: Mark, killed: list[int], done: threading.Event) -> None:
    """SIGKILL the first worker of the cluster that is running an authority task."""
    while not done.is_set():
        for pid, command in marked_processes(mark).items():
            if command.startswith("ray::plan_authority_task"):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
        time.sleep(0.02)


def test_a_killed_worker_task_is_retried(head: Head, tmp_path: Path) -> None:
    """A worker killed while planning: Ray retries the task, the plan is written and valid."""
    data = tmp_path / "data"
    write_authority(generate_authority(300, seed=14), data / "west")
    killed: list[int] = []
    done = threading.Event()
    killer = threading.Thread(target=_kill_first_task, args=(head.mark, killed, done))
    killer.start()
    try:
        code, _, stderr = _plan_many(
            str(data), "--out", str(tmp_path / "out"), "--address", head.address, *QUICK
        )
    finally:
        done.set()
        killer.join()
    assert killed, "the authority task was never seen running"
    assert code == 0, stderr
    assert [r["outcome"] for r in _summary(tmp_path / "out")] == ["planned", "1 of 1 planned"]
    with redirect_stdout(io.StringIO()):
        assert main(["check", str(data / "west"), str(tmp_path / "out" / "west")]) == 0


def test_ray_piece_pool_answers_for_every_piece(head: Head) -> None:
    """Stage-2 pieces as Ray tasks: every piece is solved, never worse than its warm start;
    after stop() every piece still comes back (cancelled ones with the greedy rota)."""
    from scheduler.many.cluster import RayPiecePool, connected

    authority = generate_authority(80, seed=15)
    availability = Availability(authority)
    links = choose_links(authority, availability, options=LinkOptions(time_limit=1, workers=1))
    link_of = {link.setting_id: link.practitioner_id for link in links.links}
    groups = build_problem(authority, availability, link_of, children=availability.due).pieces()
    assert len(groups) > 1
    with connected(head.address, None) as cluster:
        outcomes = solve_pieces(groups, time_limit=5, workers=cluster.cpus, pool=RayPiecePool())
        assert len(outcomes) == len(groups)
        assert all(
            o.objective >= priority_greedy(g).objective()
            for o, g in zip(outcomes, groups, strict=True)
        )
        pool = RayPiecePool()
        for key, group in enumerate(groups):
            pool.submit(key, group, 30.0, 0, False)
        pool.stop()
        back: list[int] = []
        deadline = time.monotonic() + 60
        while len(back) < len(groups) and time.monotonic() < deadline:
            back += [key for key, _ in pool.collect(timeout=1.0)]
        assert sorted(back) == list(range(len(groups)))


def test_default_starts_and_stops_a_local_instance(tmp_path: Path) -> None:
    """Without --address plan-many starts Ray on this machine and stops it: planned, and no
    process of that instance is left afterwards."""
    data = tmp_path / "data"
    write_authority(generate_authority(40, seed=16), data / "north")
    marker = f"local-{os.getpid()}-{time.monotonic_ns()}"
    out = str(tmp_path / "out")
    command = [sys.executable, "-m", "scheduler", "plan-many", str(data), "--out", out]
    run = subprocess.Popen(
        [*command, "--cpus", "2", "--quiet", *QUICK],
        env=marked_env(marker),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its process group is its pid, so Ray's agents are found too
    )
    mark = Mark(marker, group=run.pid)
    try:
        stdout, stderr = run.communicate(timeout=300)
        left = wait_until_gone(mark)
    finally:
        run.kill()
        end_marked(mark)  # whatever happened, nothing of it outlives the test
    assert run.returncode == 0, stderr
    assert "1 of 1 planned" in stdout
    assert (tmp_path / "out" / "north" / "summary.json").is_file()
    assert not left, f"the local Ray instance left processes behind: {left}"
