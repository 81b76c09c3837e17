"""How long writing a plan folder takes, stage by stage (issue 21), for data/sample and a large
generated authority.

    .venv/bin/python bench/bench_write.py [--cases sample large] [--runs 3] [--work DIR]

Each run is a fresh process (as ``scheduler plan`` is) that loads the data and a fixed plan,
then calls ``write_plan_folder`` exactly as ``plan`` does, with timers around its stages; the
table shows the median of the runs. The plans are made once with ``scheduler plan
--deterministic --no-ics`` and kept in ``--work`` (default ``.bench-write/`` here), so every
run and every revision writes the same plan. To measure another revision, run this file with
that revision's package first on the path::

    git archive REV | tar -x -C /tmp/rev
    PYTHONPATH=/tmp/rev .venv/bin/python bench/bench_write.py

Stages (wall-clock seconds): ``calendars`` (every feed, invitation, family copy and letter,
in memory), ``zips`` (the per-setting zips and ``all.zip``), ``workbook`` (``rota.xlsx``),
``disk & tables`` (the rest: the CSV and JSON files, and writing every file to disk, flushed);
``total`` is the whole of ``write_plan_folder`` and ``cpu`` the CPU seconds it used (user and
system, all threads: on a shared machine the steadier figure); ``feed ms`` is the mean time of
the dashboard's ``setting_feed`` over up to 100 settings (the feed route and its cache call
it). ``--work`` on a RAM disk (``/dev/shm/...``) measures the writer without the disk.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("calendars", "zips", "workbook", "disk & tables", "total", "cpu", "feed ms")
CASES = ("sample", "large")


def _scheduler(*args: str) -> None:
    # cwd not ROOT, so that PYTHONPATH picks the package; the commands' reports are not shown
    subprocess.run(
        [sys.executable, "-m", "scheduler", *args], check=True, cwd="/", stdout=subprocess.DEVNULL
    )


def prepare(case: str, work: Path) -> tuple[Path, Path]:
    """The case's data folder and its fixed plan folder (made on first use)."""
    data = ROOT / "data" / "sample" if case == "sample" else work / "large-data"
    if not data.exists():
        _scheduler("generate", "--size", "large", "--seed", "1", "--out", str(data))
    plan = work / f"plan-{case}"
    if not (plan / "summary.json").exists():
        _scheduler(
            "plan", str(data), "--out", str(plan), "--no-ics", "--quiet", "--deterministic",
            "--time-limit", "30", "--workers", "2",
        )  # fmt: skip
    return data, plan


class Timers:
    """Wraps module functions so each call adds its seconds to a stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module: Any, name: str, stage: str) -> None:
        original = getattr(module, name, None)
        if original is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - began

        setattr(module, name, timed)


def run_one(case: str, work: Path) -> dict[str, float]:
    """One fresh-process run: the stages of ``write_plan_folder`` and the feed time."""
    import importlib

    from scheduler.commands import planning
    from scheduler.export import bundle, ics
    from scheduler.io.load import load_authority
    from scheduler.io.plan_files import read_plan

    data, plan_folder = prepare(case, work)
    authority = load_authority(data, None).authority
    plan = read_plan(plan_folder)
    timers = Timers()
    modules = [planning, bundle]
    with contextlib.suppress(ImportError):  # where the writer lives since issue 21
        modules.append(importlib.import_module("scheduler.export.plan_folder"))
    for module in modules:
        timers.wrap(module, "build_calendars", "calendars")
        timers.wrap(module, "calendar_files", "zips")
        timers.wrap(module, "rota_workbook", "workbook")
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work)) / "plan"
    write: Callable[..., None] = planning.write_plan_folder
    began, cpu = time.perf_counter(), os.times()
    write(authority, SimpleNamespace(plan=plan), out, previous=None, calendars=True)
    total, after = time.perf_counter() - began, os.times()
    files = sum(1 for path in out.rglob("*") if path.is_file())
    shutil.rmtree(out.parent)
    seconds = timers.seconds
    result = {name: seconds.get(name, 0.0) for name in ("calendars", "zips", "workbook")}
    result["disk & tables"] = total - sum(result.values())
    result["total"] = total
    result["cpu"] = (after.user - cpu.user) + (after.system - cpu.system)
    booked = sorted({a.setting_id for a in plan.appointments if a.setting_id})[:100]
    began = time.perf_counter()
    for setting_id in booked:
        ics.setting_feed(authority, plan, setting_id)
    result["feed ms"] = 1000 * (time.perf_counter() - began) / max(1, len(booked))
    result["appointments"] = len(plan.appointments)
    result["files"] = files
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(".bench-write"))
    parser.add_argument("--one", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(run_one(args.one, work)))
        return
    import scheduler

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print(
        f"package {Path(scheduler.__file__).parent} | git {revision} | python "
        f"{platform.python_version()} | {os.cpu_count()} CPUs | load {os.getloadavg()[0]:.1f} | "
        f"median of {args.runs} runs, seconds"
    )
    print("| case | appointments | files | " + " | ".join(STAGES) + " |")
    print("|---|---|---|" + "---|" * len(STAGES))
    for case in args.cases:
        prepare(case, work)
        runs = []
        for _ in range(args.runs):
            line = (
                subprocess.run(
                    [sys.executable, __file__, "--one", case, "--work", str(work)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            runs.append(json.loads(line))
        cells = [f"{statistics.median(r[s] for r in runs):.2f}" for s in STAGES]
        head = f"| {case} | {runs[0]['appointments']} | {runs[0]['files']} | "
        print(head + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
