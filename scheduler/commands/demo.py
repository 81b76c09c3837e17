"""``scheduler demo``: plan the bundled sample authority, then open the dashboard."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from scheduler.commands.planning import add_plan_options, run_plan
from scheduler.store import repository as repo

ROOT = Path(__file__).resolve().parents[2]


def _plan_args(args: argparse.Namespace) -> argparse.Namespace:
    """``scheduler plan DATA --out OUT`` as the plan command parses it, so every option the
    planner reads has its default (a hand-made namespace missed the ones added later)."""
    parser = argparse.ArgumentParser(prog="scheduler demo")
    add_plan_options(parser)
    return parser.parse_args(
        [
            str(args.data),
            "--out",
            str(args.out),
            "--time-limit",
            str(args.time_limit),
            "--workers",
            str(args.workers),
        ]
    )


def _run(args: argparse.Namespace) -> int:
    code = run_plan(_plan_args(args))
    if code != 0 or args.no_dashboard:
        return code
    try:  # the dashboard never creates a store; the demo is a first run, so it does
        repo.open_store(create=True).dispose()
    except repo.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = ROOT / "app.py"  # the dashboard plus its calendar feed route
    print(f"Starting the dashboard: {app}", file=sys.stderr)
    return subprocess.call(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "localhost"]
    )


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="plan the bundled sample authority, then start the dashboard",
        description="Plan data/sample into ./plan, print the summary, then run the Streamlit "
        "dashboard (with its calendar feeds) on http://localhost:8501.",
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--out", type=Path, default=Path("plan"))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dashboard", action="store_true", help="only plan")
    parser.set_defaults(func=_run)
