"""``scheduler plan DATA --out PLAN``: the termly rota."""

from __future__ import annotations

import argparse
from typing import Any

from scheduler.commands.planning import add_plan_options, run_plan


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "plan",
        help="plan the term: link practitioners and every review slot",
        description="Choose a link practitioner for every setting and schedule every due "
        "child's review (or explain why not); write links.csv, appointments.csv, "
        "unscheduled.csv, summary.json, ics/ and rota.xlsx into the plan folder.",
    )
    add_plan_options(parser)
    parser.set_defaults(func=run_plan)
