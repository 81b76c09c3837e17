"""``scheduler replan DATA --previous PLAN --out NEWPLAN``: change as little as possible."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from scheduler.commands.planning import add_plan_options, run_plan
from scheduler.io.plan_files import read_plan


def _run(args: argparse.Namespace) -> int:
    began = time.perf_counter()  # --time-limit counts reading the previous plan too
    return run_plan(args, previous=read_plan(args.previous), began=began)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "replan",
        help="re-plan after changes, keeping links and appointments where possible",
        description="Re-plan the term from changed data (sickness, new children, closures), "
        "keeping the previous plan's links and each child's day and time wherever the rules "
        "still allow, and updating calendar sequence numbers so invitations move, not repeat.",
    )
    add_plan_options(parser)
    parser.add_argument("--previous", type=Path, required=True, help="the previous plan folder")
    parser.add_argument(
        "--relink",
        action="store_true",
        help="re-optimise link practitioners too (default: keep them)",
    )
    parser.set_defaults(func=_run)
