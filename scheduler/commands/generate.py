"""``scheduler generate``: write a seeded synthetic authority as a data folder."""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from scheduler.calendar import child_window, due_children
from scheduler.domain import OUTCOME_KINDS, Authority
from scheduler.errors import InputError, Problem
from scheduler.generate import SIZES, GenerateError, generate_authority, review_capacity
from scheduler.io.atomic import atomic_folder
from scheduler.io.write_data import write_authority, write_workbook

WORKBOOK_NAME = "authority.xlsx"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write a fictional authority (seeded, graded by size) as a data folder",
        description=(
            "Write a fictional but realistic authority for the term Spring 2027. The same seed "
            "always gives byte-identical files. Sizes (children due): "
            + ", ".join(f"{name} {n}" for name, n in SIZES.items())
            + "."
        ),
    )
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--children", type=_positive, metavar="N", help="children due this term")
    size.add_argument("--size", choices=tuple(SIZES), help="a graded size")
    parser.add_argument("--seed", type=int, required=True, help="random seed")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument("--model", choices=("joint", "separate"), default="joint")
    parser.add_argument(
        "--practitioners",
        type=_positive,
        metavar="N",
        help="workforce size (the same capacity over N people); by default it follows demand",
    )
    parser.add_argument(
        "--today",
        type=_date,
        metavar="DATE",
        help=(
            "a term part-way through: set [term] today and write outcomes.csv for the reviews "
            "booked before DATE (YYYY-MM-DD, inside the term)"
        ),
    )
    parser.add_argument(
        "--xlsx", action="store_true", help=f"write one workbook ({WORKBOOK_NAME}) instead of CSVs"
    )
    parser.add_argument("--force", action="store_true", help="replace a non-empty DIR")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), 0, "-", "exists and is not a folder", str(out))])
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise InputError(
            [Problem(str(out), 0, "-", "folder is not empty; use --force to replace it", str(out))]
        )
    children = args.children if args.children is not None else SIZES[args.size]
    try:
        authority = generate_authority(
            children,
            args.seed,
            model=args.model,
            practitioners=args.practitioners,
            today=args.today,
        )
    except GenerateError as error:
        option = f"--{error.option}"
        raise InputError([Problem(option, 0, "-", str(error), str(error.value))]) from None

    if args.xlsx:
        with atomic_folder(out) as tmp:
            write_workbook(authority, tmp / WORKBOOK_NAME)
    else:
        write_authority(authority, out)

    due = due_children(authority.children.values(), authority.config)
    term = authority.config.term
    overdue = sum(1 for c in due if child_window(c, term, authority.config.review).overdue)
    funded = sum(1 for c in due if c.funded_two)
    capacity = review_capacity(authority)
    print(
        f"{out}: {term.name}, {len(authority.children)} children ({len(due)} due, "
        f"{funded} funded two, {overdue} overdue), {len(authority.settings)} settings, "
        f"{len(authority.key_persons)} key persons, {len(authority.practitioners)} practitioners; "
        f"capacity {capacity} reviews ({capacity / max(1, len(due)):.0%} of due)"
        + _outcomes_line(authority)
    )
    return 0


def _outcomes_line(authority: Authority) -> str:
    """What happened before today, when the term is part-way through."""
    today = authority.config.term.today
    if today is None:
        return ""
    kinds = Counter(o.outcome for o in authority.outcomes)
    counts = ", ".join(f"{kinds[k]} {k.replace('_', ' ')}" for k in OUTCOME_KINDS if kinds[k])
    return f"; today {today}: {len(authority.outcomes)} outcomes ({counts or 'none'})"
