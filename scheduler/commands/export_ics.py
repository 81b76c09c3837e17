"""``scheduler export-ics PLAN --out DIR [--previous OLDPLAN]``: the plan's calendar files.

Without ``--previous`` every feed, invitation, family copy and letter is written. With it, only
what has to go out again: changed feeds, new or changed invitations and the cancellations of
dropped reviews; and the new plan's ``sequences.json`` is brought up to date, so the next
re-plan continues from the numbers clients now hold.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.export.bundle import write_calendars
from scheduler.export.ics import CalendarSet, build_calendars
from scheduler.io.load import load_authority
from scheduler.io.plan_files import SEQUENCES, SUMMARY, read_plan, write_sequences
from scheduler.plan import Plan


@dataclass(frozen=True)
class Inputs:
    """A plan, the plan it replaces (if any) and the authority's data both were made from."""

    plan: Plan
    previous: Plan | None
    authority: Authority


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``PLAN``, ``--previous``, ``--data`` and ``--config``: shared with ``send-invites``."""
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan folder")
    parser.add_argument(
        "--previous",
        type=Path,
        default=None,
        metavar="OLDPLAN",
        help="the plan this one replaces: only changes and cancellations are produced",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DATA",
        help="data folder, .xlsx or .zip (default: the data_path in PLAN/summary.json)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="TOML",
        help="config.toml to use instead of the one in the data folder",
    )


def data_path(plan: Plan, plan_folder: Path, given: Path | None) -> Path:
    """``--data``, else the plan's ``data_path`` (tried as written, then next to the plan)."""
    if given is not None:
        return given
    recorded = plan.summary.data_path
    if not recorded:
        raise InputError(
            [
                Problem(
                    str(plan_folder / SUMMARY),
                    0,
                    "data_path",
                    "the plan does not say which data it was made from; pass --data",
                    "",
                )
            ]
        )
    path = Path(recorded)
    if not path.exists() and not path.is_absolute() and (plan_folder / path).exists():
        path = plan_folder / path
    return path


def load_inputs(args: argparse.Namespace) -> Inputs:
    """Read the plan folders and the data, reporting every problem at once (exit status 2)."""
    plan = read_plan(args.plan)
    previous = read_plan(args.previous) if args.previous is not None else None
    loaded = load_authority(data_path(plan, args.plan, args.data), args.config)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return Inputs(plan, previous, loaded.authority)


def remember_sequences(plan_folder: Path, plan: Plan, calendars: CalendarSet) -> bool:
    """Store the sequences the calendars now carry in the plan folder, if they moved on.

    Returns whether anything changed.
    """
    if calendars.sequences == plan.sequences:
        return False
    write_sequences(plan_folder, calendars.sequences)
    return True


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export-ics",
        help="write the plan's calendar files (feeds, invitations, cancellations, letters)",
        description=(
            "Write the iCalendar files of PLAN into DIR: settings/ and practitioners/ feeds, "
            "invites/ to email, family/ copies and letters/ for families, a zip per setting "
            "and all.zip. With --previous OLDPLAN only what changed is written (updated "
            "feeds and invitations, cancellations of dropped reviews) and PLAN remembers the "
            "new SEQUENCE numbers."
        ),
    )
    add_input_options(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    inputs = load_inputs(args)
    calendars = build_calendars(inputs.authority, inputs.plan, previous=inputs.previous)
    incremental = inputs.previous is not None
    try:
        write_calendars(calendars, args.out, only_changes=incremental)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    invites = calendars.changed_invites if incremental else calendars.invites
    settings = calendars.changed_settings if incremental else calendars.settings.keys()
    practitioners = calendars.changed_practitioners if incremental else calendars.practitioners
    print(
        f"Wrote {len(settings)} setting feed(s), {len(practitioners)} practitioner feed(s), "
        f"{len(invites)} invitation(s) and {len(calendars.cancellations)} cancellation(s) "
        f"to {args.out}"
    )
    if incremental and remember_sequences(args.plan, inputs.plan, calendars):
        print(f"Updated {args.plan / SEQUENCES} with the new SEQUENCE numbers")
    return 0
