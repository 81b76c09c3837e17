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
the dashboard's ``setting_feed`` over up to 30 settings (the feed route and its cache call
it). ``--work`` on a RAM disk (``/dev/shm/...``) measures the writer without the disk.

``--calibrate`` fits the cost model behind
:func:`scheduler.export.plan_folder.estimated_write_seconds` instead: the median total of each
case with all, half and none of its appointments (and without calendars), and a least-squares
line through them (``bench/PROFILE.md`` has the figures).
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
from dataclasses import replace
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


def run_one(case: str, work: Path, variant: str = "full") -> dict[str, float]:
    """One fresh-process run: the stages of ``write_plan_folder`` and the feed time.

    ``variant`` (for ``--calibrate``): ``full`` the plan as it is, ``half`` every other
    appointment, ``empty`` none (every feed still written, empty), ``no-ics`` the plan
    without calendars (``plan --no-ics``)."""
    import importlib

    from scheduler.commands import planning
    from scheduler.export import bundle, ics
    from scheduler.io.load import load_authority
    from scheduler.io.plan_files import read_plan

    data, plan_folder = prepare(case, work)
    authority = load_authority(data, None).authority
    plan = read_plan(plan_folder)
    if variant in ("half", "empty"):
        plan = replace(plan, appointments=plan.appointments[::2] if variant == "half" else [])
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
    calendars = variant != "no-ics"
    write(authority, SimpleNamespace(plan=plan), out, previous=None, calendars=calendars)
    total, after = time.perf_counter() - began, os.times()
    files = sum(1 for path in out.rglob("*") if path.is_file())
    shutil.rmtree(out.parent)
    seconds = timers.seconds
    result = {name: seconds.get(name, 0.0) for name in ("calendars", "zips", "workbook")}
    result["disk & tables"] = total - sum(result.values())
    result["total"] = total
    result["cpu"] = (after.user - cpu.user) + (after.system - cpu.system)
    booked = sorted({a.setting_id for a in plan.appointments if a.setting_id})[:30]
    began = time.perf_counter()
    for setting_id in booked:
        ics.setting_feed(authority, plan, setting_id)
    result["feed ms"] = 1000 * (time.perf_counter() - began) / max(1, len(booked))
    result["appointments"] = len(plan.appointments)
    result["settings"] = len(authority.settings)
    result["practitioners"] = len(authority.practitioners)
    result["files"] = files
    return result


def runs_of(case: str, work: Path, runs: int, variant: str = "full") -> list[dict[str, float]]:
    """``runs`` fresh-process runs of :func:`run_one`."""
    out = []
    for _ in range(runs):
        command = [sys.executable, __file__, "--one", case, "--work", str(work)]
        done = subprocess.run(
            [*command, "--variant", variant], check=True, capture_output=True, text=True
        )
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def calibrate(cases: list[str], work: Path, runs: int) -> None:
    """Fit ``seconds = fixed + per_appointment * appointments + per_feed * (settings +
    practitioners)`` to the plans of each case with all, half and none of their appointments
    (and, separately, without calendars): once through each point's median run and once
    through its slowest, printing both fits and each point's figures."""
    import numpy as np

    for calendars in (True, False):
        variants = ("full", "half", "empty") if calendars else ("no-ics",)
        points = []
        for case in cases:
            prepare(case, work)
            for variant in variants:
                results = runs_of(case, work, runs, variant)
                totals = sorted(r["total"] for r in results)
                first = results[0]
                feeds = first["settings"] + first["practitioners"] if calendars else 0
                points.append((case, variant, first["appointments"], feeds, totals))
        rows = np.array([[1.0, a, f] for _, _, a, f, _ in points])
        for label, pick in (("median", statistics.median), ("slowest", max)):
            seconds = np.array([pick(totals) for *_, totals in points])
            fit, *_ = np.linalg.lstsq(rows, seconds, rcond=None)
            fixed, appointment, feed = fit[0], 1000 * fit[1], 1000 * fit[2]
            print(f"calendars={calendars}, through the {label} runs: fixed {fixed:.3f} s, per "
                  f"appointment {appointment:.3f} ms, per feed {feed:.3f} ms")  # fmt: skip
        for case, variant, appointments, feeds, totals in points:
            print(f"  {case:6} {variant:6} appointments {appointments:5} feeds {feeds:5} "
                  f"runs {', '.join(f'{t:.2f}' for t in totals)} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(".bench-write"))
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="fit the cost model of scheduler.export.plan_folder.estimated_write_seconds",
    )
    parser.add_argument("--one", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--variant", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(run_one(args.one, work, args.variant)))
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
    if args.calibrate:
        calibrate(args.cases, work, args.runs)
        return
    print("| case | appointments | files | " + " | ".join(STAGES) + " |")
    print("|---|---|---|" + "---|" * len(STAGES))
    for case in args.cases:
        prepare(case, work)
        runs = runs_of(case, work, args.runs)
        cells = [f"{statistics.median(r[s] for r in runs):.2f}" for s in STAGES]
        head = f"| {case} | {runs[0]['appointments']} | {runs[0]['files']} | "
        print(head + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
