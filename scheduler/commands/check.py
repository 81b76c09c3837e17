"""``scheduler check DATA PLAN``: is this plan valid for this data? Exit 0 only if it is.

Prints each violation as ``rule: subject: message`` and a last line saying what was found;
exit status 1 when any rule is broken (or a due child is missing or listed twice), 2 when
the data or the plan folder cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scheduler.check import RULES, check_plan
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan

EXIT_VALID = 0
EXIT_INVALID = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check a plan folder against the data and every rule of the contract",
        description=(
            "Re-derive every hard rule of the contract from the data alone and report each "
            "violation of PLAN as 'rule: subject: message'. Exit status 0: valid; 1: "
            "violations; 2: the data or the plan cannot be read."
        ),
    )
    parser.add_argument("data", type=Path, metavar="DATA", help="data folder, .xlsx or .zip")
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan folder to check")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="TOML",
        help="config.toml to use instead of the one in the data folder",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load_authority(args.data, args.config)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    authority = loaded.authority
    plan = read_plan(args.plan)
    report = check_plan(authority, plan)
    for violation in report.violations:
        print(violation)
    listed = len(plan.appointments) + len(plan.unscheduled)
    if report.ok:
        print(
            f"valid: {len(plan.appointments)} scheduled and {len(plan.unscheduled)} unscheduled "
            f"of {listed} due children; {len(RULES)} rules checked"
        )
        return EXIT_VALID
    broken = [rule.name for rule in RULES if rule.name in report.rules_broken]
    print(
        f"invalid: {len(report.violations)} violation(s) of {len(broken)} rule(s) "
        f"({', '.join(broken)})"
    )
    return EXIT_INVALID
