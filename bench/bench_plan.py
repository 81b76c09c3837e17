"""Benchmark the term scheduler on generated authorities (small / medium / large / xlarge).

Run: ``.venv/bin/python bench/bench_plan.py [--sizes small medium large] [--time-limit S]
[--runs 3] [--fallback separate]``. Each run is its own process (so peak memory is that run's);
each size prints one table row of medians over ``--runs`` seeds (seed, seed+1, …): time, peak
memory, objective, the bound with these links and its gap, the bound over any links and its
gap (and how many more children any links could see at most), existing links changed, travel,
and the ratios against the hand-made greedy rota (children by 30-month date, first day that
fits). ``first_pass_s`` is when every piece had had its first search (the work the plan
needs; the time left after it goes to further searches of the pieces not proven best).
``--fallback separate`` plans with ``[review] fallback = ["separate"]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compat import summary_document

LIMITS = {"small": 20.0, "medium": 30.0, "large": 45.0, "xlarge": 240.0}


def run_one(
    size: str, time_limit: float, workers: int, seed: int, fallback: list[str]
) -> dict[str, object]:
    from scheduler.generate import SIZES, generate_authority
    from scheduler.pipeline import PlanOptions, make_plan
    from scheduler.scheduling.solve import Progress

    authority = generate_authority(SIZES[size], seed)
    if fallback:
        config = authority.config
        review = config.review.model_copy(update={"fallback": tuple(fallback)})
        authority = authority.with_config(config.model_copy(update={"review": review}))
    first_pass: list[float] = []

    def noted(progress: Progress) -> None:
        done = progress.stage == "scheduling" and 0 < progress.total == progress.done
        if done and not first_pass:
            first_pass.append(time.perf_counter() - began)

    began = time.perf_counter()
    result = make_plan(
        authority,
        PlanOptions(time_limit=time_limit, link_time_limit=5, workers=workers, seed=seed),
        progress=noted,
    )
    seconds = time.perf_counter() - began
    s = summary_document(result.plan.summary)
    b = s["baseline"]
    existing = [
        link
        for link in result.plan.links
        if authority.settings[link.setting_id].link_practitioner_id
    ]
    changed = sum(1 for link in existing if not link.kept_existing_link)
    reasons = s["unscheduled_by_reason"]
    return {
        "size": size,
        "due": s["children_due"],
        "settings": len(authority.settings),
        "practitioners": len(authority.practitioners),
        "seconds": round(seconds, 1),
        "first_pass_s": round(first_pass[0], 1) if first_pass else None,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "status": s["status"],
        "objective": s["objective"],
        "bound": s["best_bound"],
        "gap_pct": round(100 * s["gap"], 2),
        "bound_any": s["best_bound_any_links"],
        "gap_any_pct": round(100 * s["gap_any_links"], 2),
        "more_any": s["children_bound_any_links"] - s["scheduled"],
        "seen": s["scheduled"],
        "funded": s["funded_two_scheduled"],
        "funded_due": s["funded_two_due"],
        "overdue": s["overdue_scheduled"],
        "overdue_due": s["overdue_due"],
        "greedy_seen": b["scheduled"],
        "greedy_funded": b["funded_two_scheduled"],
        "greedy_overdue": b["overdue_scheduled"],
        "obj_ratio": round(s["objective"] / b["objective"], 3) if b["objective"] else None,
        "coverage_ratio": round(s["priority_coverage"] / b["priority_coverage"], 3)
        if b["priority_coverage"]
        else None,
        "link_gap_pct": round(100 * s["link_stage"]["gap"], 2),
        "links_changed_pct": round(100 * changed / len(existing), 1) if existing else 0.0,
        "travel_km": s["travel_km"],
        "no_day_or_data": reasons.get("NO_COMMON_DAY", 0) + reasons.get("INFEASIBLE_DATA", 0),
        "valid": result.check.ok,
    }


def median_row(runs: list[dict[str, object]]) -> dict[str, object]:
    """Each numeric column's median over the runs; other columns as in the first run."""
    row: dict[str, object] = {}
    for column, value in runs[0].items():
        values = [r[column] for r in runs]
        if isinstance(value, int | float) and not isinstance(value, bool):
            row[column] = statistics.median(values)  # type: ignore[type-var]
        elif isinstance(value, bool):
            row[column] = all(values)
        else:
            row[column] = value if len(set(map(str, values))) == 1 else "/".join(map(str, values))
    row["runs"] = len(runs)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["small", "medium", "large"])
    parser.add_argument("--time-limit", type=float, help="override the per-size limits")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="seeds per size (medians)")
    parser.add_argument("--fallback", nargs="*", default=[], help="[review] fallback models")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        limit = args.time_limit or LIMITS[args.one]
        print(json.dumps(run_one(args.one, limit, args.workers, args.seed, args.fallback)))
        return
    import ortools
    import polars

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"git {revision}; python {platform.python_version()}; ortools {ortools.__version__}; "
        f"polars {polars.__version__}; workers {args.workers}; seeds {args.seed}.."
        f"{args.seed + args.runs - 1}; fallback {args.fallback or 'none'}"
    )
    rows = []
    for size in args.sizes:
        runs = []
        for seed in range(args.seed, args.seed + args.runs):
            cmd = [sys.executable, __file__, "--one", size, "--workers", str(args.workers)]
            cmd += ["--seed", str(seed)]
            if args.time_limit:
                cmd += ["--time-limit", str(args.time_limit)]
            if args.fallback:
                cmd += ["--fallback", *args.fallback]
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
            if out.returncode:
                print(out.stderr, file=sys.stderr)
                continue
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        if runs:
            rows.append(median_row(runs))
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
