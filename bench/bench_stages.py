"""Where a what-if's time goes: before the pieces start, the pieces (against the seconds they
were asked for), and after they end, end to end against the time limit.

A base plan (``--base-limit`` s), then ``--runs`` weight changes from it (``--change``, each
run one step further: funded_two+1, +2, …), each at ``--limit`` s:

    .venv/bin/python bench/bench_stages.py [--data data/sample] [--limit 2] [--runs 3]
    .venv/bin/python bench/bench_stages.py --data /tmp/large1 --base-limit 45 --limit 10

Prints one markdown table: every run, then the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from typing import Any

import scheduler.pipeline as pipeline
from scheduler.io.load import load_authority
from scheduler.pipeline import PlanOptions, make_plan

COLUMNS = ("total", "pre", "solve", "asked", "post")


def _timed_solve(marks: dict[str, float]) -> Any:
    """``solve_pieces`` noting when it starts and ends and the seconds it was given."""
    real = pipeline.solve_pieces

    def solve(pieces: Any, **options: Any) -> Any:
        marks["start"] = time.perf_counter()
        marks["asked"] = options["time_limit"]
        out = real(pieces, **options)
        marks["end"] = time.perf_counter()
        return out

    return solve


def measure(data: str, base_limit: float, limit: float, change: str, runs: int) -> list[dict]:
    authority = load_authority(data, None).authority
    base = make_plan(authority, PlanOptions(time_limit=base_limit, workers=2))
    marks: dict[str, float] = {}
    pipeline.solve_pieces = _timed_solve(marks)  # type: ignore[assignment]
    priorities = authority.config.priorities
    rows = []
    for run in range(1, runs + 1):
        weights = priorities.model_copy(update={change: getattr(priorities, change) + run})
        changed = replace(
            authority, config=authority.config.model_copy(update={"priorities": weights})
        )
        began = time.perf_counter()
        make_plan(changed, PlanOptions(time_limit=limit, workers=2), warm=base)
        ended = time.perf_counter()
        rows.append(
            {
                "total": ended - began,
                "pre": marks["start"] - began,
                "solve": marks["end"] - marks["start"],
                "asked": marks["asked"],
                "post": ended - marks["end"],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--base-limit", type=float, default=20.0)
    parser.add_argument("--limit", type=float, default=2.0)
    parser.add_argument("--change", default="funded_two", help="the weight raised by 1 per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = measure(args.data, args.base_limit, args.limit, args.change, args.runs)
    print(f"| run | limit s | {' | '.join(c + ' s' for c in COLUMNS)} |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for i, row in enumerate(rows, 1):
        print(f"| {i} | {args.limit:g} | " + " | ".join(f"{row[c]:.2f}" for c in COLUMNS) + " |")
    medians = [statistics.median(r[c] for r in rows) for c in COLUMNS]
    print(f"| median | {args.limit:g} | " + " | ".join(f"{m:.2f}" for m in medians) + " |")


if __name__ == "__main__":
    main()
