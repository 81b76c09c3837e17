"""Many authorities: sequential plans (today's ``scheduler plan`` one after another) against
``plan-many`` on a local Ray instance, on the same generated authorities and machine.

Run: ``.venv/bin/python bench/bench_many.py [--authorities 20] [--size medium] [--runs 3]``.

- ``sequential``: each authority planned in turn as ``scheduler plan`` does on this machine
  (stage-2 pieces in ``--workers`` processes), its plan folder written before the next.
- ``ray``: every authority a Ray task with one CPU (the pieces in-process, the link stage
  single-worker), on a local instance with ``--cpus`` CPUs started once before the runs (its
  start-up is reported on its own); the driver writes each plan folder as it arrives.

Both write the same plan folders (calendars only with ``--calendars``). The table gives the
median, minimum and maximum wall time over ``--runs`` runs, plans per minute, the children
and funded two-year-olds seen in total (quality must not be what buys the speed), and the
mean seconds of one authority's plan: for Ray each task has one CPU, so that is the measured
CPU cost of one authority, which bench/MANY.md multiplies out to the 153 authorities.
Instances are generated once into bench/instances/ (seeds 1..N) and reused.
"""

from __future__ import annotations

import argparse
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.many.jobs import JobOptions
    from scheduler.many.summary import SummaryRow

ROOT = Path(__file__).resolve().parents[1]


def instances(size: str, count: int) -> Path:
    """``count`` generated authorities of ``size`` (seeds 1..count), made once and reused."""
    from scheduler.generate import SIZES, generate_authority
    from scheduler.io.write_data import write_authority

    folder = ROOT / "bench" / "instances" / f"many-{size}-{count}"
    for seed in range(1, count + 1):
        target = folder / f"a{seed:03d}"
        if not (target / "children.csv").is_file():
            write_authority(generate_authority(SIZES[size], seed), target)
    return folder


Outcomes = list["SummaryRow"]


def sequential(folder: Path, options: JobOptions, workers: int) -> Callable[[Path], Outcomes]:
    """One run of today's way: every authority in turn, its pieces in ``workers`` processes."""
    from scheduler.many.jobs import PlanJob, find_authorities, plan_job
    from scheduler.many.output import write_plan_files

    data = find_authorities(folder)
    mine = replace(options, workers=workers)

    def run(out: Path) -> Outcomes:
        rows = []
        for authority in data:
            outcome = plan_job(PlanJob(authority.name, None, mine), authority)
            write_plan_files(out, authority.name, outcome.files)
            rows.append(outcome.row)
        return rows

    return run


def on_ray(folder: Path, options: JobOptions) -> Callable[[Path], Outcomes]:
    """One run of plan-many's way, on the Ray instance already started."""
    from scheduler.many import cluster
    from scheduler.many.jobs import JobOutcome, PlanJob, find_authorities
    from scheduler.many.output import write_plan_files

    data = {a.name: a for a in find_authorities(folder)}

    def run(out: Path) -> Outcomes:
        rows: Outcomes = []

        def finished(job: PlanJob, outcome: JobOutcome) -> None:
            write_plan_files(out, job.authority, outcome.files)
            rows.append(outcome.row)

        jobs = [PlanJob(name, None, options) for name in data]
        cluster.run_jobs(jobs, data, finished)
        return rows

    return run


def measure(name: str, run: Callable[[Path], Outcomes], runs: int) -> dict[str, object]:
    walls = []
    rows: Outcomes = []
    for number in range(1, runs + 1):
        out = Path(tempfile.mkdtemp(prefix=f"bench-many-{name}-"))
        began = time.perf_counter()
        rows = run(out)
        walls.append(time.perf_counter() - began)
        shutil.rmtree(out, ignore_errors=True)
        print(f"  {name} run {number}: {walls[-1]:.1f} s", file=sys.stderr, flush=True)
    median = statistics.median(walls)  # the figures below are the last run's plans
    return {
        "mode": name,
        "runs": runs,
        "median_s": round(median, 1),
        "min_s": round(min(walls), 1),
        "max_s": round(max(walls), 1),
        "plans_per_min": round(60 * len(rows) / median, 2),
        "planned": sum(1 for r in rows if r.outcome == "planned"),
        "seen": sum(r.scheduled or 0 for r in rows),
        "funded_seen": sum(r.funded_two_scheduled or 0 for r in rows),
        "greedy_plans": sum(1 for r in rows if r.status == "GREEDY"),
        "mean_plan_s": round(statistics.mean(r.seconds or 0.0 for r in rows), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--authorities", type=int, default=20)
    parser.add_argument("--size", default="medium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--link-time-limit", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--calendars", action="store_true", help="write ics/ as plan does")
    parser.add_argument("--modes", nargs="+", default=["sequential", "ray"])
    args = parser.parse_args()

    import ortools
    import ray

    from scheduler.many import cluster
    from scheduler.many.jobs import JobOptions

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    folder = instances(args.size, args.authorities)
    options = JobOptions(
        time_limit=args.time_limit,
        link_time_limit=args.link_time_limit,
        calendars=args.calendars,
        workers=1,
    )
    load = os.getloadavg()[0]
    rows = []
    if "sequential" in args.modes:
        rows.append(measure("sequential", sequential(folder, options, args.workers), args.runs))
    startup = None
    if "ray" in args.modes:
        began = time.perf_counter()
        with cluster.connected(None, args.cpus):
            startup = time.perf_counter() - began
            rows.append(measure("ray", on_ray(folder, options), args.runs))
    print(
        f"git {revision}; python {platform.python_version()}; ortools {ortools.__version__}; "
        f"ray {ray.__version__}; {os.cpu_count()} CPUs; {args.authorities} × {args.size}; "
        f"time limit {args.time_limit:g} s, link {args.link_time_limit:g} s; calendars "
        f"{'on' if args.calendars else 'off'}; sequential workers {args.workers}, "
        f"ray CPUs {args.cpus}; load average {load:.1f} at start, "
        f"{os.getloadavg()[0]:.1f} at end"
        + (f"; Ray start-up {startup:.1f} s (not in the times)" if startup is not None else "")
    )
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    if len(rows) == 2:
        ratio = float(str(rows[0]["median_s"])) / float(str(rows[1]["median_s"]))
        print(f"\nthroughput ratio ray / sequential: {ratio:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
