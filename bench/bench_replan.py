"""Benchmark re-planning from today (contract v2) on a generated authority, mid-term.

Run: ``.venv/bin/python bench/bench_replan.py [--size large] [--runs 3] [--time-limit S]``.

Each run: plan the term from its start; pick a planning date six weeks in; give every review
before it an outcome as a term really goes (attended, 10% not brought, 4% cancelled by the
parent, 2% by the service, 1% declined: the figures in DOMAIN.md); re-plan from that date
with the first plan as ``previous``. One table row per run and the medians: time, status,
gap with these links, how many appointments of *unaffected* children (booked on or after
today, no outcome) moved (target: at most 2%), how many children whose review did not happen
were booked again, and whether the re-plan passes the independent checker with the previous
plan (history kept, notice respected).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import cast

from compat import summary_document

SHARES = (
    ("was_not_brought", 0.10),
    ("cancelled_by_parent", 0.04),
    ("cancelled_by_service", 0.02),
    ("declined", 0.01),
)


def one_run(size: str, seed: int, time_limit: float) -> dict[str, object]:
    from scheduler.check import check_plan
    from scheduler.domain import Outcome, OutcomeKind
    from scheduler.generate import SIZES, generate_authority
    from scheduler.io.load import with_planning_date
    from scheduler.pipeline import PlanOptions, make_plan

    authority = generate_authority(SIZES[size], seed)
    options = PlanOptions(time_limit=time_limit, link_time_limit=min(10.0, time_limit / 3))
    first = make_plan(authority, options).plan
    today = authority.config.term.start + timedelta(weeks=6)
    rng = random.Random(seed)
    outcomes = []
    for a in first.appointments:
        if a.date >= today:
            continue
        draw, kind = rng.random(), "attended"
        for name, share in SHARES:
            if draw < share:
                kind = name
                break
            draw -= share
        outcomes.append(Outcome(a.child_id, a.date, cast(OutcomeKind, kind)))
    config = with_planning_date(authority.config, today)
    later = authority.with_config(config).with_outcomes(outcomes)
    began = time.perf_counter()
    result = make_plan(later, options, previous=first)
    seconds = time.perf_counter() - began
    new = {a.child_id: a for a in result.plan.appointments}
    did_not_happen = {o.child_id for o in outcomes if o.outcome != "attended"}
    unaffected = [a for a in first.appointments if a.date >= today]
    moved = sum(1 for a in unaffected if new.get(a.child_id) != a)
    rebooked = sum(1 for c in did_not_happen if c in new and new[c].date >= today)
    report = check_plan(later, result.plan, previous=first)
    s = summary_document(result.plan.summary)
    return {
        "size": size,
        "seed": seed,
        "today": today.isoformat(),
        "seconds": round(seconds, 1),
        "status": s["status"],
        "gap_pct": round(100 * s["gap"], 2),
        "unaffected": len(unaffected),
        "moved": moved,
        "moved_pct": round(100 * moved / len(unaffected), 2) if unaffected else 0.0,
        "did_not_happen": len(did_not_happen),
        "rebooked": rebooked,
        "valid": report.ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=45.0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        import json

        print(json.dumps(one_run(args.size, args.one, args.time_limit)))
        return
    import json

    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"git {revision}; size {args.size}; time limit {args.time_limit} s (each plan)")
    rows = []
    for seed in range(args.seed, args.seed + args.runs):
        cmd = [sys.executable, __file__, "--size", args.size, "--one", str(seed)]
        cmd += ["--time-limit", str(args.time_limit)]
        out = subprocess.run(cmd, capture_output=True, text=True)
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
    medians = {
        c: statistics.median(r[c] for r in rows)  # type: ignore[type-var]
        for c in columns
        if isinstance(rows[0][c], int | float) and not isinstance(rows[0][c], bool)
    }
    print("| median | " + " | ".join(str(medians.get(c, "")) for c in columns[1:]) + " |")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
