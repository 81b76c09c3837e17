"""Benchmark the term scheduler on generated authorities (small / medium / large / xlarge).

Run: ``.venv/bin/python bench/bench_plan.py [--sizes small medium large] [--time-limit S]``.
Each size runs in its own process (so peak memory is that run's) and prints one table row:
solve time, peak memory, objective, CP-SAT's bound and gap, and the ratios against the
hand-made greedy rota (children by 30-month date, first day that fits).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMITS = {"small": 20.0, "medium": 30.0, "large": 120.0, "xlarge": 600.0}


def run_one(size: str, time_limit: float, workers: int, seed: int) -> dict[str, object]:
    from scheduler.generate import SIZES, generate_authority
    from scheduler.pipeline import PlanOptions, make_plan

    authority = generate_authority(SIZES[size], seed)
    began = time.perf_counter()
    result = make_plan(
        authority, PlanOptions(time_limit=time_limit, link_time_limit=5, workers=workers, seed=seed)
    )
    seconds = time.perf_counter() - began
    s = result.plan.summary
    b = result.baseline
    return {
        "size": size,
        "due": s["children_due"],
        "settings": len(authority.settings),
        "practitioners": len(authority.practitioners),
        "seconds": round(seconds, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "status": s["status"],
        "objective": s["objective"],
        "bound": s["best_bound"],
        "gap_pct": round(100 * s["gap"], 2),
        "seen": s["scheduled"],
        "funded": f"{s['funded_two_scheduled']}/{s['funded_two_due']}",
        "overdue": f"{s['overdue_scheduled']}/{s['overdue_due']}",
        "greedy_seen": b["scheduled"],
        "greedy_funded": b["funded_two_scheduled"],
        "greedy_overdue": b["overdue_scheduled"],
        "obj_ratio": round(s["objective"] / b["objective"], 3) if b["objective"] else None,
        "coverage_ratio": round(s["priority_coverage"] / b["priority_coverage"], 3)
        if b["priority_coverage"]
        else None,
        "link_gap_pct": round(100 * s["link_stage"]["gap"], 2),
        "valid": result.check.ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["small", "medium", "large"])
    parser.add_argument("--time-limit", type=float, help="override the per-size limits")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        limit = args.time_limit or LIMITS[args.one]
        print(json.dumps(run_one(args.one, limit, args.workers, args.seed)))
        return
    import ortools
    import polars

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"git {revision}; python {platform.python_version()}; ortools {ortools.__version__}; "
        f"polars {polars.__version__}; workers {args.workers}; seed {args.seed}"
    )
    rows = []
    for size in args.sizes:
        cmd = [
            sys.executable,
            __file__,
            "--one",
            size,
            "--workers",
            str(args.workers),
            "--seed",
            str(args.seed),
        ]
        if args.time_limit:
            cmd += ["--time-limit", str(args.time_limit)]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if not rows:
        return
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
