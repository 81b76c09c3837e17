"""``scheduler recommend DATA --plan PLAN --child ID [--top 3] [--book N --out NEWPLAN]``.

The best contract-valid slots for one child given the plan as it stands (new, re-booking, or
asked to move), each with what it costs (nobody else moves, or who would and why) and the
child's see-by (30-month) date; or for a list of children (``--children C1,C2`` or
``--not-brought-since DATE``). ``--book N`` books the Nth slot: a new plan folder with the
child booked and pinned, everyone else unchanged, checked, and its calendars updated (only
the moved invitations change, each with a higher SEQUENCE): send them with
``scheduler send-invites NEWPLAN --previous PLAN``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scheduler.booking import book
from scheduler.commands.arguments import iso_date
from scheduler.domain import format_time
from scheduler.export.plan_folder import write_plan_folder
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.recommend import (
    DEFAULT_TOP,
    Recommendations,
    SlotFinder,
    not_brought_since,
)
from scheduler.wording import review_kind

EXIT_CHECK_FAILED = 1


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "recommend",
        help="find the best free slots for a child (or a list of children), and book one",
        description="The best contract-valid slots for one child given the current plan, "
        "ranked by the child's value on each day; 'someone moves' alternatives only when no "
        "slot is free. --book N writes a new plan folder with the Nth slot booked.",
    )
    parser.add_argument("data", type=Path, help="data folder (CSV files) or .xlsx workbook")
    parser.add_argument("--plan", type=Path, required=True, help="the current plan folder")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--child", metavar="ID", help="one child's id")
    who.add_argument("--children", metavar="IDS", help="comma-separated child ids")
    who.add_argument(
        "--not-brought-since",
        type=iso_date,
        metavar="DATE",
        help="every child not brought (or cancelled) on or after DATE, from outcomes.csv",
    )
    parser.add_argument(
        "--top", type=int, default=DEFAULT_TOP, help=f"slots per child (default {DEFAULT_TOP})"
    )
    parser.add_argument("--config", type=Path, help="config.toml (default: the data folder's)")
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the planning date, overriding [term] today (no slot before it plus notice_days)",
    )
    parser.add_argument(
        "--book", type=int, metavar="N", help="book the Nth slot (one child only; needs --out)"
    )
    parser.add_argument("--out", type=Path, metavar="NEWPLAN", help="plan folder to write")
    parser.add_argument("--no-ics", action="store_true", help="do not write calendar files")
    parser.set_defaults(func=run)


def render(answer: Recommendations) -> list[str]:
    """One child's answer as the lines a coordinator reads (ids, dates, times; no names)."""
    head = f"{answer.child_id}"
    if answer.see_by is not None:
        head += f": see by {answer.see_by:%a %d %b %Y} (30 months)"
    if answer.current is not None:
        c = answer.current
        head += f"; booked now {c.date:%a %d %b} {format_time(c.start)}"
    lines = [head]
    if not answer.slots:
        lines.append(f"  no slot: {answer.reason}")
        return lines
    if answer.status == "moves_needed":
        lines.append("  no free slot; these need someone else to move:")
    for r in answer.slots:
        a = r.appointment
        window = (
            f"{r.days_before_see_by} days before see-by"
            if r.days_before_see_by >= 0
            else f"{-r.days_before_see_by} days after see-by"
        )
        lines.append(
            f"  {r.rank}. {a.date:%a %d %b %Y} {format_time(a.start)}–{format_time(a.end)}  "
            f"{review_kind(a.model)} with {a.practitioner_id}  {r.points:.2f} points, {window}; "
            f"{r.cost}"
        )
    return lines


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        print("error: --top must be at least 1", file=sys.stderr)
        return 2
    if args.book is not None and (args.child is None or args.out is None):
        print("error: --book N books one child's slot: give --child and --out", file=sys.stderr)
        return 2
    if args.out is not None and args.out.resolve() == args.plan.resolve():
        print(
            "error: --out must be a new folder: the current plan is the previous plan of the "
            "calendar update",
            file=sys.stderr,
        )
        return 2
    loaded = load_authority(args.data, args.config, planning_date=args.today)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    authority = loaded.authority
    plan = read_plan(args.plan)
    finder = SlotFinder(authority, plan)
    if args.child is not None:
        answers = [finder.recommend(args.child, top=args.top)]
    else:
        ids = (
            [c.strip() for c in args.children.split(",") if c.strip()]
            if args.children is not None
            else not_brought_since(authority, args.not_brought_since)
        )
        if not ids:
            print("No children to find slots for.")
            return 0
        answers = finder.recommend_many(ids, top=args.top)
    for answer in answers:
        print("\n".join(render(answer)))
    if args.book is None:
        return 0
    answer = answers[0]
    if not 1 <= args.book <= len(answer.slots):
        print(f"error: there is no slot {args.book} to book", file=sys.stderr)
        return 2
    chosen = answer.slots[args.book - 1]
    booking = book(
        authority,
        plan,
        [chosen.appointment, *(m.to for m in chosen.moves)],
        availability=finder.availability,
        note="recommend --book",
    )
    if not booking.check.ok:
        for v in booking.check.violations:
            print(f"check: {v}", file=sys.stderr)
        print("The booking would break the rules above; nothing was written.", file=sys.stderr)
        return EXIT_CHECK_FAILED
    write_plan_folder(authority, booking.plan, args.out, previous=plan, calendars=not args.no_ics)
    a = chosen.appointment
    print(
        f"Booked {a.child_id} on {a.date:%a %d %b %Y} at {format_time(a.start)} "
        f"(pinned; check valid). New plan written to {args.out}"
    )
    if not args.no_ics:
        print(f"Send the update with: scheduler send-invites {args.out} --previous {args.plan}")
    return 0
