"""Benchmark the link stage (stage 1) on generated authorities: CP-SAT core vs greedy vs MIPs.

Run: ``.venv/bin/python bench/bench_links.py [--sizes small medium large large:200 xlarge]
[--time-limit 10] [--mip SCIP HIGHS] [--candidates 10]``.

A size is a graded size, optionally with a workforce headcount after a colon (``large:200``:
the large authority's capacity spread over 200 practitioners, as in authorities where reviews
are a small part of many practitioners' weeks); by default the workforce follows demand.

Every solver gets the very same problem (:func:`build_link_problem`, seed 1 authority) and
runs in its own subprocess, so ``peak MB`` is that solve's own (``ru_maxrss``, which includes
generating the authority). ``best bound`` is the highest bound any solver proved for the size;
``gap %`` is each objective's distance to it, ``obj/greedy`` the ratio to the greedy baseline
(each setting to the cheapest practitioner, hardest first).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduler.availability import Availability  # noqa: E402
from scheduler.generate import SIZES, generate_authority  # noqa: E402
from scheduler.matching import greedy_assignment, solve_assignment  # noqa: E402
from scheduler.matching.links import LinkOptions, build_link_problem  # noqa: E402
from scheduler.matching.mip import solve_assignment_mip  # noqa: E402

SEED = 1


def parse_size(text: str) -> tuple[str, int | None]:
    """``large`` -> ("large", None); ``large:200`` -> ("large", 200)."""
    name, _, headcount = text.partition(":")
    if name not in SIZES or (headcount and not headcount.isdigit()):
        raise argparse.ArgumentTypeError(f"not a size or size:practitioners: {text!r}")
    return name, int(headcount) if headcount else None


def run_one(size: str, solver: str, time_limit: float, candidates: int) -> dict[str, object]:
    """Build the size's link problem and solve it with ``solver`` in this process."""
    name, headcount = parse_size(size)
    authority = generate_authority(SIZES[name], SEED, practitioners=headcount)
    built = build_link_problem(
        authority, Availability(authority), options=LinkOptions(candidates_per_setting=candidates)
    )
    problem = built.problem
    assert problem is not None
    start = time.monotonic()
    if solver == "greedy":
        result = greedy_assignment(problem)
    elif solver == "CP-SAT core":
        result = solve_assignment(problem, time_limit=time_limit, workers=2, hint=built.hint)
    else:
        result = solve_assignment_mip(problem, backend=solver, time_limit=time_limit)
    return {
        "settings": len(authority.settings),
        "practitioners": len(authority.practitioners),
        "pairs": problem.compiled.n_pairs,
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "seconds": time.monotonic() - start,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def cell(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes", nargs="+", default=["small", "medium", "large", "large:200", "xlarge"]
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--mip", nargs="*", default=["SCIP", "HIGHS"])
    parser.add_argument("--candidates", type=int, default=LinkOptions().candidates_per_setting)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # child: SIZE SOLVER
    args = parser.parse_args()
    for size in args.sizes:
        try:
            parse_size(size)
        except argparse.ArgumentTypeError as error:
            parser.error(str(error))
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.time_limit, args.candidates)))
        return 0
    print(
        f"python {platform.python_version()} | ortools {version('ortools')} | seed {SEED}"
        f" | time limit {args.time_limit:g}s | CP-SAT core 2 workers | {args.candidates}"
        " candidate practitioners per setting"
    )
    header = [
        "size", "settings", "practitioners", "pairs", "solver", "status", "objective", "bound",
        "gap to own bound %", "gap to best bound %", "seconds", "peak MB", "obj/greedy",
    ]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in args.sizes:
        rows: dict[str, dict[str, object]] = {}
        for solver in ["greedy", "CP-SAT core", *args.mip]:
            child = subprocess.run(
                [sys.executable, __file__, "--one", size, solver,
                 "--time-limit", str(args.time_limit), "--candidates", str(args.candidates)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if child.returncode != 0:
                print(f"| {size} | {solver} failed: {child.stderr.strip().splitlines()[-1:]} |")
                continue
            rows[solver] = json.loads(child.stdout.strip().splitlines()[-1])
        bounds = [float(str(r["bound"])) for r in rows.values()]
        best_bound = max((b for b in bounds if math.isfinite(b)), default=math.nan)
        greedy = float(str(rows["greedy"]["objective"])) if "greedy" in rows else math.nan
        for solver, r in rows.items():
            objective = float(str(r["objective"]))
            own = float(str(r["bound"]))
            gap = (objective - best_bound) / objective * 100 if objective else math.nan
            own_gap = (objective - own) / objective * 100 if objective else math.nan
            cells = [
                size, r["settings"], r["practitioners"], r["pairs"], solver, r["status"],
                cell(objective), cell(own), cell(own_gap), cell(gap),
                cell(float(str(r["seconds"])), 1),
                f"{float(str(r['peak_mb'])):.0f}", cell(objective / greedy, 3),
            ]  # fmt: skip
            print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
