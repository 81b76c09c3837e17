"""``scheduler demo``: plan the bundled sample authority into ``./plan``, save it as a draft in
the plan store, then open the dashboard on the same data (which opens on that draft)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scheduler.commands.planning import add_plan_options, run_plan
from scheduler.store import repository as repo

ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "SCHEDULER_UI_DATA"
"""The dashboard's starting data (``ui/state.py`` reads the same variable)."""


def plan_arguments(args: argparse.Namespace) -> argparse.Namespace:
    """``scheduler plan DATA --out OUT --db`` with the demo's limits: built by the plan
    command's own parser, so every option of ``plan`` has its default here too."""
    parser = argparse.ArgumentParser(prog="scheduler demo")
    add_plan_options(parser)
    argv = [
        str(args.data),
        "--out",
        str(args.out),
        "--time-limit",
        str(args.time_limit),
        "--db",  # saved as the store's next version: the dashboard opens on it
    ]
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    planned = parser.parse_args(argv)
    planned.command = "demo"
    return planned


def _run(args: argparse.Namespace) -> int:
    try:  # the dashboard never creates a store; the demo is a first run, so it does
        repo.open_store(create=True).dispose()
    except repo.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    code = run_plan(plan_arguments(args))
    if code != 0 or args.no_dashboard:
        return code
    app = ROOT / "app.py"  # the dashboard plus its calendar feed route
    print(f"Starting the dashboard on {args.data}: {app}", file=sys.stderr)
    env = {**os.environ, DATA_ENV: str(Path(args.data).resolve())}
    return subprocess.call(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "localhost"],
        env=env,
    )


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="plan the bundled sample authority, then start the dashboard",
        description="Plan data/sample into ./plan, save it in the plan store as a draft, print "
        "the summary, then run the Streamlit dashboard (with its calendar feeds) on "
        "http://localhost:8501, which opens on that plan.",
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--out", type=Path, default=Path("plan"))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--workers", type=int, default=None, help="solver processes (default: CPU count)"
    )
    parser.add_argument("--no-dashboard", action="store_true", help="only plan (and save)")
    parser.set_defaults(func=_run)
