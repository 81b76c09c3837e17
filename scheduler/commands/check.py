"""``scheduler check DATA PLAN``: is this plan valid for this data? Exit 0 only if it is.

Prints each violation as ``rule: subject: message`` and a last line saying what was found;
exit status 1 when any rule is broken (or a due child is missing or listed twice), 2 when
the data, the plan folder, the previous plan or the pins cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scheduler.check import RULES, check_plan
from scheduler.commands.arguments import iso_date
from scheduler.io.load import load_authority
from scheduler.io.pins import read_pins
from scheduler.io.plan_files import read_plan
from scheduler.plan import Pin

EXIT_VALID = 0
EXIT_INVALID = 1

PINS_FILE = "pins.csv"
"""The pins a plan was made with, kept in its folder."""


def _rules_epilog() -> str:
    width = max(len(rule.name) for rule in RULES)
    lines = [f"  {rule.name:<{width}}  {rule.description}" for rule in RULES]
    return "rules checked:\n" + "\n".join(lines)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check a plan folder against the data and every rule of the contract",
        description=(
            "Re-derive every hard rule of the contract (v1 and v2) from the data alone and "
            "report each violation of PLAN as 'rule: subject: message'. Exit status 0: valid; "
            "1: violations; 2: the data, the plan, the previous plan or the pins cannot be read."
        ),
        epilog=_rules_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--previous",
        type=Path,
        default=None,
        metavar="OLD",
        help="the plan PLAN re-plans: its reviews before today must be kept (history), and "
        "only appointments not in it are new (notice)",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the planning date (YYYY-MM-DD); default: [term] today of the config, if set",
    )
    parser.add_argument(
        "--pins",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the pins the plan was made with (default: PLAN/{PINS_FILE} when present)",
    )
    parser.set_defaults(func=run)


def _pins(args: argparse.Namespace) -> list[Pin]:
    if args.pins is not None:
        return read_pins(args.pins)
    kept = args.plan / PINS_FILE
    return read_pins(kept) if kept.is_file() else []


def run(args: argparse.Namespace) -> int:
    loaded = load_authority(args.data, args.config, planning_date=args.today)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    authority = loaded.authority
    plan = read_plan(args.plan)
    previous = read_plan(args.previous) if args.previous is not None else None
    pins = _pins(args)
    report = check_plan(authority, plan, previous=previous, pins=pins)
    for violation in report.violations:
        print(violation)
    listed = len(plan.appointments) + len(plan.unscheduled)
    if report.ok:
        print(
            f"valid: {len(plan.appointments)} scheduled and {len(plan.unscheduled)} unscheduled "
            f"({listed} children listed); {len(RULES)} rules checked"
        )
        return EXIT_VALID
    broken = [rule.name for rule in RULES if rule.name in report.rules_broken]
    print(
        f"invalid: {len(report.violations)} violation(s) of {len(broken)} rule(s) "
        f"({', '.join(broken)})"
    )
    return EXIT_INVALID
