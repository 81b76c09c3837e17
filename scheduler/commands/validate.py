"""``scheduler validate DATA [--config FILE] [--today DATE]``: check a data folder and say what
it holds.

The first thing a coordinator runs on a new export: either every problem with its line, or a
summary of the term's work to compare with what they expected. Counts only, never names.
``--today`` checks the folder as ``replan --today`` will read it: outcomes recorded up to that
date are not "after today" although the config's ``[term] today`` is older.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from scheduler.calendar import child_window, due_children, review_days
from scheduler.commands.arguments import iso_date
from scheduler.domain import SETTING_TYPES
from scheduler.io.load import LoadResult, load_authority


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check a data folder and summarise it",
        description=(
            "Load a data folder (CSV files, or one .xlsx workbook) and its config.toml, "
            "report every problem found, or summarise the term's work."
        ),
    )
    parser.add_argument("data", type=Path, metavar="DATA", help="data folder, .xlsx or .zip")
    parser.add_argument(
        "--config", type=Path, default=None, metavar="FILE", help="config.toml to use"
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the planning date (YYYY-MM-DD), as plan and replan take it; default: [term] "
        "today of the config, if set",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load (raising :class:`InputError` on bad input) and print the summary."""
    result = load_authority(args.data, args.config, planning_date=args.today)
    for line in summary_lines(result):
        print(line)
    return 0


def summary_lines(result: LoadResult) -> list[str]:
    """The summary as lines of text (also handy for the dashboard)."""
    authority = result.authority
    config = authority.config
    term, review = config.term, config.review
    days = review_days(term)
    weekdays = sum(1 for d in days if d.weekday() < 5)
    by_type = Counter(s.type for s in authority.settings.values())
    types = ", ".join(f"{t} {by_type[t]}" for t in SETTING_TYPES if by_type[t])
    due = due_children(authority.children.values(), config)
    overdue = sum(1 for c in due if child_window(c, term, review).overdue)
    lines = [
        f"Term: {term.name}, {term.start} to {term.end}"
        f" ({len(days)} review days, {weekdays} of them Monday to Friday)",
        *([f"Planning date: {term.today}"] if term.today is not None else []),
        f"Review model: {review.model}",
        f"Settings: {len(authority.settings)}" + (f" ({types})" if types else ""),
        f"Practitioners: {len(authority.practitioners)}",
        f"Key persons: {len(authority.key_persons)}",
        f"Children in the data: {len(authority.children)}",
        f"Children due this term: {len(due)}",
        f"  funded two-year-olds: {sum(1 for c in due if c.funded_two)}",
        f"  overdue (past {review.window_months[1]} months when the term starts): {overdue}",
        f"  with SEND: {sum(1 for c in due if c.send)}",
        f"Absences: {len(authority.absences)}; closures: {len(authority.closures)}",
    ]
    if result.warnings:
        lines.append(f"Warnings ({len(result.warnings)}):")
        lines += [f"  {w}" for w in result.warnings]
    lines.append("No problems found.")
    return lines
