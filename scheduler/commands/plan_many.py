"""``scheduler plan-many FOLDER --out DIR``: every authority in FOLDER, as Ray tasks.

Ray (and the progress bar) come from the ``[scale]`` extra and are imported only here, when
the command runs, so ``scheduler plan`` and the rest work without them.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from scheduler.errors import InputError, Problem
from scheduler.many.jobs import JobOptions, JobOutcome, PlanJob, find_authorities
from scheduler.many.output import (
    WHAT_IF_FOLDER,
    check_output,
    plan_folder,
    prepare_output,
    write_plan_files,
)
from scheduler.many.summary import AS_IS, CSV_NAME, WORKBOOK_NAME, SummaryRow, totals, write_summary
from scheduler.whatif import Scenario, parse_scenarios

INSTALL_HINT = (
    "plan-many needs Ray and tqdm: install the scale extra, e.g. "
    "pip install 'integrated-review-scheduler[scale]'"
)

LINK_TIME_LIMIT = 5.0
"""Half of ``plan``'s default: each authority has one CPU, on which the link search runs
deterministically and may overrun its limit up to threefold, out of the whole solve's time."""

SPLIT_FROM = 3000
"""Default: authorities with this many due children or more fan their pieces out (a large
authority sees 4,000–5,500 a term)."""


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "plan-many",
        help="plan every authority in a folder (and what-ifs) on Ray",
        description="Plan every authority folder in FOLDER as Ray tasks, on a local Ray "
        "instance or, with --address, an existing cluster. Each plan is written as "
        "`scheduler plan` writes it (OUT/<authority>/, what-ifs under OUT/what-if/); "
        "OUT/summary.csv and summary.xlsx compare them. Exit 0 when every plan was made "
        "and checks clean, 1 when a plan failed its check or a job failed, else 2 when "
        "some authority's data (or a what-if for it) were bad.",
    )
    parser.add_argument("folder", type=Path, help="folder of authority data folders")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--address",
        help="join the Ray cluster at this address (host:port); by default a local Ray "
        "instance is started on this machine for the run",
    )
    parser.add_argument(
        "--cpus",
        type=_positive,
        help="CPUs for the local Ray instance (default: all of this machine's)",
    )
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        metavar="CHANGE",
        help="also plan every authority under this change, e.g. practitioners+10%%, "
        "practitioners-2, max_reviews_per_day+1, meeting_minutes-15; several changes in one "
        "what-if are joined by commas; repeat --what-if for side-by-side variations",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds for each authority's whole solve (default 60)",
    )
    parser.add_argument(
        "--link-time-limit",
        type=float,
        default=LINK_TIME_LIMIT,
        help="seconds for each authority's link practitioners (default "
        f"{LINK_TIME_LIMIT:g}); with one CPU per authority the link search is deterministic "
        "(the same plan on every run) and may take up to three times this on a busy machine",
    )
    parser.add_argument(
        "--split-from",
        type=_positive,
        default=SPLIT_FROM,
        metavar="N",
        help="authorities with at least N due children solve their pieces as separate Ray "
        f"tasks across the cluster (default {SPLIT_FROM})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--no-ics", action="store_true", help="do not write calendar files")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def run(args: argparse.Namespace) -> int:
    """Check everything that can be checked first, then plan on Ray and write as results come."""
    scenarios: list[Scenario | None] = [None, *parse_scenarios(args.what_if)]
    authorities = find_authorities(args.folder)
    if len(scenarios) > 1 and any(a.name == WHAT_IF_FOLDER for a in authorities):
        raise InputError(
            [
                Problem(
                    str(args.folder / WHAT_IF_FOLDER),
                    0,
                    "-",
                    f"an authority folder named {WHAT_IF_FOLDER!r} would clash with the "
                    "what-if plans; rename it",
                    WHAT_IF_FOLDER,
                )
            ]
        )
    try:
        from tqdm import tqdm

        from scheduler.many import cluster
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    out: Path = args.out.resolve()
    check_output(out)

    data = {a.name: a for a in authorities}
    rows: list[SummaryRow] = []
    results: list[JobOutcome] = []
    unwritten: list[str] = []
    with cluster.connected(args.address, args.cpus) as ray_cluster:
        prepare_output(out)
        options = JobOptions(
            time_limit=args.time_limit,
            link_time_limit=args.link_time_limit,
            seed=args.seed,
            calendars=not args.no_ics,
            workers=1,
            split_from=args.split_from,
            split_workers=ray_cluster.cpus,
        )
        jobs = [PlanJob(a.name, s, options) for s in scenarios for a in authorities]
        where = "local Ray instance" if ray_cluster.local else f"Ray cluster at {args.address}"
        if not args.quiet:
            print(
                f"Planning {len(authorities)} authorities × {len(scenarios)} "
                f"({', '.join(str(s) if s else AS_IS for s in scenarios)}) on a {where} "
                f"with {ray_cluster.cpus} CPUs",
                file=sys.stderr,
            )
        with tqdm(
            total=len(jobs), desc="plans", unit="plan", file=sys.stderr, disable=args.quiet
        ) as bar:

            def finished(job: PlanJob, outcome: JobOutcome) -> None:
                row, not_written = _written(out, job, outcome)
                rows.append(row)
                results.append(replace(outcome, files={}))  # written: keep only what to report
                if not_written:
                    unwritten.append(not_written)
                bar.update()
                not_planned = sum(1 for r in rows if r.outcome != "planned")
                if not_planned:
                    bar.set_postfix(not_planned=not_planned)

            cluster.run_jobs(jobs, data, finished)
    write_summary(out, rows)
    return _report(out, rows, results, unwritten)


def _written(out: Path, job: PlanJob, outcome: JobOutcome) -> tuple[SummaryRow, str | None]:
    """Write a finished job's plan folder; the row says where, or the message why not."""
    row = outcome.row
    if not outcome.files:
        return row, None
    relative = plan_folder(job.authority, job.scenario_name)
    try:
        write_plan_files(out, relative, outcome.files)
    except (OSError, ValueError) as error:
        return replace(row, outcome="failed"), f"{row.authority} ({row.what_if}): {error}"
    return replace(row, plan_folder=relative), None


def _report(
    out: Path, rows: list[SummaryRow], results: list[JobOutcome], unwritten: list[str]
) -> int:
    """Problems on stderr (a data problem once, however many what-ifs met it), the national
    figures on stdout; the exit status."""
    for line in dict.fromkeys(
        [f"warning: {w}" for o in results for w in o.warnings]
        + [str(p) for o in results for p in o.problems]
    ):
        print(line, file=sys.stderr)
    for outcome in results:
        name = f"{outcome.row.authority} ({outcome.row.what_if})"
        if outcome.failure:
            print(f"{name}: planning failed: {outcome.failure}", file=sys.stderr)
        for violation in outcome.check_violations:
            print(f"{name}: check: {violation}", file=sys.stderr)
    for message in unwritten:
        print(f"not written: {message}", file=sys.stderr)
    bad = [r for r in rows if r.outcome == "input_error"]
    if bad:
        print(
            f"{sum(r.problems for r in bad)} problem(s) in {len(bad)} plan(s); "
            "those plans were not written.",
            file=sys.stderr,
        )
    for total in totals(rows):
        print(_national_line(total))
    print(f"Plans in {out}; summary in {out / CSV_NAME} and {out / WORKBOOK_NAME}")
    if any(r.outcome in ("failed", "check_failed") for r in rows):
        return 1
    return 2 if bad else 0


def _national_line(total: SummaryRow) -> str:
    def share(part: int | None, whole: int | None) -> str:
        if not whole:
            return "none due"
        return f"{part:,}/{whole:,} ({100 * (part or 0) / whole:.1f}%)"

    return (
        f"{total.what_if}: {total.outcome}; national metric forecast "
        f"{share(total.reviewed_by_30_months, total.turning_30_months)} reviewed by 2½; "
        f"funded two-year-olds seen "
        f"{share(total.funded_two_scheduled, total.funded_two_due)}; "
        f"capacity shortfall {total.capacity_shortfall or 0:,} children"
    )
