"""A lead's weight change on the Priorities page, timed: the updated plan from the working one
(``make_plan(warm=...)``) against planning afresh with the new weights, at a few time limits.

For each run, a base plan (``--base-limit`` s), then for each change and limit: the what-if
from the base (``warm``), and the same weights planned cold. Figures are medians over
``--runs`` runs: seconds to the first whole answer (every piece answered: what the dashboard
shows while the what-if improves; ``nan`` when there is none before the end), seconds end to
end, the gap to the links-given bound and to the any-links bound, children seen, and how many
children's appointments differ from the base plan.

    .venv/bin/python bench/bench_whatif.py [--data data/sample] [--runs 3] [--limits 2 3 6]
    .venv/bin/python bench/bench_whatif.py --against /work/wtold   # also another checkout

With ``--against DIR`` the same measurements run with DIR's package first on the path, in the
same invocation (so on the same machine state); a version without ``warm`` gives only the cold
rows. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from compat import summary_document

CHANGES = ("funded_two+1", "urgency+1", "travel+1")
"""``travel`` prices links too: its what-if chooses links afresh."""


def _weights(authority: Any, change: str) -> Any:
    name, amount = change.split("+")
    priorities = authority.config.priorities
    new = priorities.model_copy(update={name: getattr(priorities, name) + float(amount)})
    return replace(authority, config=authority.config.model_copy(update={"priorities": new}))


def _slots(plan: Any) -> dict[str, tuple[Any, ...]]:
    return {a.child_id: (a.date, a.start, a.practitioner_id) for a in plan.appointments}


def _first_answer(began: float, answered: list[float]) -> Any:
    """A progress callback noting when the first report booking every piece's children
    (``whole``) came, in seconds from ``began``."""

    def note(progress: Any) -> None:
        if not answered and getattr(progress, "whole", False):
            answered.append(time.perf_counter() - began)

    return note


def measure(data: str, runs: int, limits: list[float], base_limit: float) -> list[dict[str, Any]]:
    """Every measurement of this checkout, one row each."""
    from scheduler.io.load import load_authority
    from scheduler.pipeline import PlanOptions, make_plan

    authority = load_authority(data, None).authority
    rows: list[dict[str, Any]] = []
    for run in range(runs):
        base = make_plan(authority, PlanOptions(time_limit=base_limit, workers=2))
        before = _slots(base.plan)
        for change in CHANGES:
            changed = _weights(authority, change)
            for limit in limits:
                for mode in ("warm", "cold"):
                    options = PlanOptions(time_limit=limit, workers=2)
                    began = time.perf_counter()
                    answered: list[float] = []
                    first_answer = _first_answer(began, answered)
                    try:
                        result = (
                            make_plan(changed, options, warm=base, progress=first_answer)
                            if mode == "warm"
                            else make_plan(changed, options, progress=first_answer)
                        )
                    except TypeError:  # a version without what-ifs from a plan
                        continue
                    seconds = time.perf_counter() - began
                    s = summary_document(result.plan.summary)
                    after = _slots(result.plan)
                    moved = sum(
                        1 for c in before.keys() | after.keys() if before.get(c) != after.get(c)
                    )
                    rows.append(
                        {
                            "run": run,
                            "change": change,
                            "limit": limit,
                            "mode": mode,
                            "seconds": seconds,
                            "first": answered[0] if answered else float("nan"),
                            "gap": s["gap"],
                            "gap_any_links": s.get("gap_any_links", float("nan")),
                            "seen": s["scheduled"],
                            "changed": moved,
                        }
                    )
    return rows


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def table(results: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        "| code | change | limit s | mode | first answer s | seconds | gap % | gap any links % | "
        "seen | children changed | runs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for code, rows in results.items():
        keys = sorted({(r["change"], r["limit"], r["mode"]) for r in rows}, key=str)
        for change, limit, mode in keys:
            group = [
                r for r in rows if (r["change"], r["limit"], r["mode"]) == (change, limit, mode)
            ]
            gaps = (
                f"{100 * _median(group, 'gap'):.2f} | {100 * _median(group, 'gap_any_links'):.2f}"
            )
            lines.append(
                f"| {code} | {change} | {limit:g} | {mode} | {_median(group, 'first'):.2f} | "
                f"{_median(group, 'seconds'):.2f} | "
                f"{gaps} | {_median(group, 'seen'):.0f} | {_median(group, 'changed'):.0f} | "
                f"{len(group)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limits", type=float, nargs="+", default=[2.0, 3.0, 6.0])
    parser.add_argument("--base-limit", type=float, default=20.0)
    parser.add_argument("--against", type=Path, help="another checkout, measured in the same run")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:  # one checkout's rows, for the parent invocation
        print(json.dumps(measure(args.data, args.runs, args.limits, args.base_limit)))
        return
    results: dict[str, list[dict[str, Any]]] = {}
    checkouts = {"this": Path(__file__).resolve().parents[1]}
    if args.against is not None:
        checkouts[args.against.name] = args.against.resolve()
    for name, root in checkouts.items():
        command = [sys.executable, str(Path(__file__).resolve()), "--json", "--data", args.data]
        command += ["--runs", str(args.runs), "--base-limit", str(args.base_limit), "--limits"]
        command += [str(limit) for limit in args.limits]
        env = {**os.environ, "PYTHONPATH": str(root)}
        out = subprocess.run(command, env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"{name} ({root}) failed:\n{out.stderr[-2000:]}")
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    print(table(results))


if __name__ == "__main__":
    main()
