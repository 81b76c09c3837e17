"""``scheduler report DATA --from DATE --to DATE --out DIR [--plan PLAN]``: the service report.

Writes ``DIR/report.json`` (the contract's figures and more) and ``DIR/report.xlsx`` (the
commissioner's workbook). Everything is computed before anything is written, and each file
replaces the old one whole, so bad input leaves ``DIR`` as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import Any

from scheduler.errors import InputError, Problem
from scheduler.export.report_workbook import report_workbook, summary_sentences
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.report import Period, plan_problems, service_report

REPORT_JSON = "report.json"
REPORT_XLSX = "report.xlsx"


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (use YYYY-MM-DD): {text!r}") from None


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="the service report: the national metric and what happened in a period",
        description="Of the children who turn 30 months in the period, how many were reviewed "
        "by then (all, and funded two-year-olds); reviews held, ASQ-3, children not brought, "
        "venue and practitioner role; by setting type, team and setting; a weekly trend. With "
        "--plan, also the forecast if every booked review happens and the children who will "
        "pass 30 months unreviewed. Writes report.json and report.xlsx into --out.",
    )
    parser.add_argument("data", type=Path, help="data folder (CSV files), .xlsx or .zip")
    parser.add_argument(
        "--from", dest="start", type=_iso_date, required=True, metavar="DATE", help="first day"
    )
    parser.add_argument(
        "--to", dest="end", type=_iso_date, required=True, metavar="DATE", help="last day"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the report files")
    parser.add_argument("--plan", type=Path, help="plan folder: also forecast from its bookings")
    parser.add_argument("--config", type=Path, help="config.toml (default: the data folder's)")
    parser.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="the day the figures are read on (YYYY-MM-DD): the weekly trend stops there and "
        "children turning 30 months later count as still to come; default: [term] today of "
        "the config, if set (outcomes after it are refused, as by plan)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise InputError(
            [Problem("command line", 0, "--from", f"is after --to {args.end}", str(args.start))]
        )
    loaded = load_authority(args.data, args.config, planning_date=args.today)
    authority = loaded.authority
    plan = None
    if args.plan is not None:
        plan = read_plan(args.plan)
        problems = plan_problems(authority, plan, args.plan)
        if problems:
            raise InputError(problems)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    report = service_report(authority, Period(args.start, args.end), plan)
    document = json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
    workbook = report_workbook(authority, report)
    _write_files(args.out, {REPORT_JSON: document.encode("utf-8"), REPORT_XLSX: workbook})
    for line in summary_sentences(report):
        print(line)
    print(f"Report written to {args.out / REPORT_JSON} and {args.out / REPORT_XLSX}")
    return 0


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Each file through a temporary sibling, renamed into place once all are written."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            tmp = folder / f".{name}.tmp-{secrets.token_hex(4)}"
            staged.append((tmp, folder / name))
            tmp.write_bytes(content)
        for tmp, final in staged:
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
