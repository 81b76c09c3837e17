"""``scheduler gap FILE``: solve an OR-Library generalized-assignment instance (benchmarking)."""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

from scheduler.matching import AssignmentProblem, read_orlib_gap, solve_assignment


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "gap",
        help="solve a generalized assignment instance (OR-Library format)",
        description="Solve a GAP instance; write item,agent rows and print one JSON line.",
    )
    parser.add_argument("file", type=Path, help="instance: m n, costs, loads, capacities")
    parser.add_argument("--time-limit", type=float, required=True, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="assignment CSV to write")
    parser.set_defaults(func=run)


def _finite(value: float) -> float | None:
    """JSON has no infinity: an unknown objective, bound or gap is written as null."""
    return value if math.isfinite(value) else None


def run(args: argparse.Namespace) -> int:
    pairs, capacities = read_orlib_gap(args.file)
    result = solve_assignment(
        AssignmentProblem(pairs, capacities),
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
    )
    if result.is_feasible():
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["item", "agent"])
            for item in sorted(result.assignment, key=int):
                writer.writerow([item, result.assignment[item]])
    summary = {
        "objective": _finite(result.objective),
        "best_bound": _finite(result.best_bound),
        "gap": _finite(result.gap),
        "status": result.status,
        "seconds": round(result.seconds, 3),
    }
    print(json.dumps(summary))
    return 0 if result.is_feasible() else 1
