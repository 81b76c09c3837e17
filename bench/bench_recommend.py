"""Latency of "Find a slot" (scheduler.recommend) on a plan, one child at a time.

    python bench/bench_recommend.py DATA PLAN [--children 30] [--runs 3] [--seed 0]

Takes a sample of children (half waiting for a slot, half already booked and asking to move),
and measures, over ``--runs`` runs, each stage a coordinator waits for: loading the data and
the plan (the CLI's cold start), building the finder (the availability of the whole
authority: once per data), a child's first answer (the rota of that child's practitioners
rebuilt from the plan, then searched) and the same answer again (rebuilt rota cached). Prints
a table of medians and maxima in milliseconds, with the git revision and library versions.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.recommend import SlotFinder


def _revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("plan", type=Path)
    parser.add_argument("--children", type=int, default=30, help="children sampled per run")
    parser.add_argument("--runs", type=int, default=3, help="runs (at least 3 for a median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args()

    rows: dict[str, list[float]] = {
        "load data": [],
        "read plan": [],
        "build finder": [],
        "first answer (one child)": [],
        "answer again (cached)": [],
        "cold CLI total (load+read+build+first)": [],
    }
    statuses: dict[str, int] = {}
    due = 0
    for run in range(args.runs):
        t0 = time.perf_counter()
        authority = load_authority(args.data).authority
        t1 = time.perf_counter()
        plan = read_plan(args.plan)
        t2 = time.perf_counter()
        finder = SlotFinder(authority, plan)
        t3 = time.perf_counter()
        rows["load data"].append(t1 - t0)
        rows["read plan"].append(t2 - t1)
        rows["build finder"].append(t3 - t2)
        due = len(finder.availability.due)
        waiting = sorted(u.child_id for u in plan.unscheduled if u.reason_code.value == "CAPACITY")
        booked = sorted(a.child_id for a in plan.appointments)
        rng = random.Random(args.seed + run)
        half = args.children // 2
        sample = rng.sample(waiting, min(half, len(waiting)))
        sample += rng.sample(booked, min(args.children - len(sample), len(booked)))
        firsts = []
        for cid in sample:
            began = time.perf_counter()
            answer = finder.recommend(cid, top=args.top)
            firsts.append(time.perf_counter() - began)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            rows["first answer (one child)"].append(firsts[-1])
            began = time.perf_counter()
            finder.recommend(cid, top=args.top)
            rows["answer again (cached)"].append(time.perf_counter() - began)
        rows["cold CLI total (load+read+build+first)"].append((t3 - t0) + statistics.median(firsts))

    print(
        f"# bench_recommend: {args.data} ({due:,} due children), {args.plan}, "
        f"{args.runs} runs x {args.children} children"
    )
    print(
        f"# git {_revision()}, Python {platform.python_version()}, "
        f"ortools {version('ortools')}, polars {version('polars')}"
    )
    print(f"# answers: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}")
    print(f"| {'stage':<42} | {'n':>4} | {'median ms':>10} | {'max ms':>9} |")
    print(f"|{'-' * 44}|{'-' * 6}|{'-' * 12}|{'-' * 11}|")
    for name, values in rows.items():
        print(
            f"| {name:<42} | {len(values):>4} | {1000 * statistics.median(values):>10.1f} | "
            f"{1000 * max(values):>9.1f} |"
        )


if __name__ == "__main__":
    main()
