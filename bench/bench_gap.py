"""Benchmark of the assignment core on public GAP instances and a domain-scale random instance.

Run: ``.venv/bin/python bench/bench_gap.py [--time-limit 30] [--instances NAME ...]``.
Each instance is solved in its own subprocess so its peak memory (``ru_maxrss``) is its own.
Instance names are paths under ``/work/shared/benchmarks/gap`` (e.g. ``chu1997/d10200``) or
``domain`` / ``domain-SEED`` for the seeded random instance shaped like the link matching.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import platform
import resource
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.matching import (  # noqa: E402
    AssignmentProblem,
    greedy_assignment,
    read_orlib_gap,
    solve_assignment,
)
from scheduler.matching.mip import solve_assignment_mip  # noqa: E402

GAP_DIR = Path("/work/shared/benchmarks/gap")
TARGETS = [
    "chu1997/d10200",
    "chu1997/d20200",
    "yagiura2004/d20400",
    "yagiura2004/e20400",
    "yagiura2004/c40400",
]
LARGE = [
    f"yagiura2004/{t}{size}"
    for t in "cde"
    for size in ("15900", "30900", "60900", "201600", "401600", "801600")
]
DEFAULT = [*TARGETS, "domain", "domain-1", "domain-tight", *LARGE]


def domain_problem(seed: int = 0, slack: float = 1.3) -> AssignmentProblem:
    """~1,500 items, 200 agents, 10-20 nearest agents per item, soft capacities, balance.

    Shaped like linking settings to practitioners: cost is distance in km (two decimals),
    load is workload minutes (slightly agent-dependent), capacities total ``slack`` x the
    load, overload costs 0.1 per minute and each point of the top utilisation costs 2.
    """
    rng = np.random.default_rng(seed)
    n_items, n_agents = 1500, 200
    items = rng.uniform(0, 40, size=(n_items, 2))
    agents = rng.uniform(0, 40, size=(n_agents, 2))
    base_load = rng.integers(45, 300, size=n_items)
    rows: list[tuple[str, str, float, int]] = []
    for j in range(n_items):
        dist = np.hypot(*(agents - items[j]).T)
        k = int(rng.integers(10, 21))
        for a in np.argsort(dist)[:k]:
            load = int(base_load[j] * rng.uniform(0.9, 1.1))
            rows.append((f"s{j}", f"p{a}", round(float(dist[a]) * 1.3, 2), load))
    total = float(base_load.sum())
    caps = rng.uniform(0.7, 1.4, size=n_agents)
    caps = np.rint(caps / caps.sum() * total * slack).astype(int)
    pairs = pl.DataFrame(
        rows,
        schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64},
        orient="row",
    )
    capacities = pl.DataFrame({"agent": [f"p{a}" for a in range(n_agents)], "capacity": caps})
    return AssignmentProblem(pairs, capacities, overload_penalty=0.1, balance_weight=2.0)


def best_known() -> dict[str, float]:
    with (GAP_DIR / "data.csv").open() as handle:
        return {r["Path"]: float(r["Best known solution value"]) for r in csv.DictReader(handle)}


def run_one(name: str, time_limit: float, workers: int, solver: str) -> dict[str, object]:
    """Solve one instance in this process (``solver``: ``core`` or a MIP backend)."""
    if name.startswith("domain"):
        # domain[-tight][-SEED]: capacities 1.3 x the load, or 1.05 x when tight.
        parts = name.split("-")[1:]
        tight = "tight" in parts
        seeds = [int(p) for p in parts if p.isdigit()]
        problem = domain_problem(seeds[0] if seeds else 0, 1.05 if tight else 1.3)
        known = math.nan
    else:
        pairs, caps = read_orlib_gap(GAP_DIR / name)
        problem = AssignmentProblem(pairs, caps)
        known = best_known().get(name, math.nan)
    if solver != "core":
        start = time.monotonic()
        mip = solve_assignment_mip(problem, backend=solver, time_limit=time_limit)
        return {
            "objective": mip.objective,
            "bound": mip.best_bound,
            "seconds": time.monotonic() - start,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    greedy = greedy_assignment(problem)
    start = time.monotonic()
    result = solve_assignment(problem, time_limit=time_limit, workers=workers)
    wall = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "instance": name,
        "items": problem.compiled.n_items,
        "agents": problem.compiled.n_agents,
        "best_known": known,
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "seconds": wall,
        "peak_mb": peak_mb,
        "greedy": greedy.objective,
    }


def pct(value: float, reference: float) -> str:
    if not (math.isfinite(value) and math.isfinite(reference)) or reference == 0:
        return "-"
    return f"{(value - reference) / abs(reference) * 100:.3f}"


def fmt(value: object) -> str:
    if isinstance(value, float):
        return "-" if not math.isfinite(value) else f"{value:.6g}"
    return str(value)


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "scheduler/matching"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def child_run(name: str, limit: float, workers: int, solver: str) -> dict[str, object]:
    """Run one instance with one solver in a fresh process (its own peak memory)."""
    child = subprocess.run(
        [sys.executable, __file__, "--one", name, "--time-limit", str(limit),
         "--workers", str(workers), "--solver", solver],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if child.returncode != 0:
        return {"failed": child.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--domain-time-limit", type=float, default=10.0, help="for domain* instances (target 10 s)"
    )
    parser.add_argument("--instances", nargs="+", default=DEFAULT)
    parser.add_argument(
        "--mip", nargs="*", default=["SCIP", "HIGHS"], help="MIP backends to compare (same limit)"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: one instance, JSON out
    parser.add_argument("--solver", default="core", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.time_limit, args.workers, args.solver)))
        return 0
    print(
        f"git {git_revision()} | python {platform.python_version()} | ortools {version('ortools')}"
        f" | polars {version('polars')} | numpy {version('numpy')}"
        f" | time limit {args.time_limit:g}s (domain {args.domain_time_limit:g}s),"
        f" {args.workers} workers"
    )
    header = [
        "instance", "items", "agents", "best-known", "objective", "bound", "gap-bk %",
        "gap-bound %", "seconds", "peak MB", "greedy", "obj/greedy", "status",
        *(f"{m} gap-bk % (bound)" for m in args.mip),
    ]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    gaps: dict[str, list[float]] = {"targets": [], "others": []}
    for name in args.instances:
        limit = args.domain_time_limit if name.startswith("domain") else args.time_limit
        row = child_run(name, limit, args.workers, "core")
        if "failed" in row:
            print(f"| {name} | failed: {row['failed']} |")
            continue
        objective, bound = float(row["objective"]), float(row["bound"])
        known, greedy = float(row["best_known"]), float(row["greedy"])
        ratio = objective / greedy if math.isfinite(greedy) and greedy else math.nan
        cells = [
            name, row["items"], row["agents"], known, objective, bound, pct(objective, known),
            pct(objective, bound), f"{row['seconds']:.1f}", f"{row['peak_mb']:.0f}", greedy,
            "-" if not math.isfinite(ratio) else f"{ratio:.3f}", row["status"],
        ]  # fmt: skip
        reference = known if math.isfinite(known) else bound
        for backend in args.mip:
            mip = child_run(name, limit, args.workers, backend)
            if "failed" in mip:
                cells.append("failed")
                continue
            value, mip_bound = float(str(mip["objective"])), float(str(mip["bound"]))
            cells.append(f"{pct(value, reference)} ({fmt(mip_bound)})")
        print("| " + " | ".join(fmt(c) for c in cells) + " |", flush=True)
        if math.isfinite(known) and math.isfinite(objective):
            group = "targets" if name in TARGETS else "others"
            gaps[group].append((objective - known) / known * 100)
    for group, values in gaps.items():
        if values:
            print(
                f"mean gap to best known, {group}: {sum(values) / len(values):.3f}% ({len(values)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
