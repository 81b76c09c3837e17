"""What ``plan`` and ``replan`` share: options, progress on stderr, writing the plan folder
(tables, calendars, rota workbook) atomically, and the closing human summary."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from scheduler.commands.arguments import iso_date
from scheduler.commands.store_option import add_db_option, check_store, save_to_store
from scheduler.domain import Authority
from scheduler.export.plan_folder import estimated_write_seconds, write_plan_folder
from scheduler.io.load import load_authority
from scheduler.io.pins import read_pins
from scheduler.pins import conflicting_pins
from scheduler.pipeline import MIN_SOLVE_SHARE, PlanOptions, PlanResult, make_plan
from scheduler.plan import Pin, Plan
from scheduler.scheduling.solve import Progress, ProgressCallback


def add_plan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", type=Path, help="data folder (CSV files) or .xlsx workbook")
    parser.add_argument("--out", type=Path, required=True, help="plan folder to write")
    parser.add_argument("--config", type=Path, help="config.toml (default: the data folder's)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds for the whole command: loading, planning and writing the plan folder "
        "(default 60); with --deterministic, CP-SAT's deterministic time for the plan",
    )
    parser.add_argument(
        "--link-time-limit",
        type=float,
        default=10.0,
        help="seconds for choosing link practitioners (default 10)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="parallel solver processes (default: CPU count)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="limits in CP-SAT's deterministic time instead of seconds: the same data and "
        "options give the same plan (summary.json's plan_digest) on any machine",
    )
    parser.add_argument("--pins", type=Path, help="pins.csv: links and appointments to keep")
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the planning date (YYYY-MM-DD), overriding [term] today: no new appointment "
        "before it plus [review] notice_days; in a replan, earlier appointments are history",
    )
    parser.add_argument("--no-ics", action="store_true", help="do not write calendar files")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    add_db_option(parser)  # plan store (issue 7): --db [URL] also saves a new version


def _progress_printer(quiet: bool) -> ProgressCallback:
    def show(p: Progress) -> None:
        if quiet:
            return
        if p.stage == "scheduling" and p.total:
            print(
                f"\r  scheduling {p.done}/{p.total} pieces  objective {p.objective:,.1f}  "
                f"bound {p.bound:,.1f}  {p.elapsed:5.1f}s",
                end="",
                file=sys.stderr,
                flush=True,
            )
            if p.done == p.total:
                print(file=sys.stderr)
        else:
            print(f"  {p.stage} ({p.elapsed:.1f}s)", file=sys.stderr, flush=True)

    return show


@dataclass(frozen=True, slots=True)
class TimeBudget:
    """How ``--time-limit`` (the whole command) is shared: loading (spent), planning, and
    writing the plan folder (estimated)."""

    limit: float
    loading: float
    writing: float

    @property
    def planning(self) -> float:
        """Seconds for :func:`make_plan`: what loading and writing leave, but never less than
        :data:`MIN_SOLVE_SHARE` of the limit."""
        return max(MIN_SOLVE_SHARE * self.limit, self.limit - self.loading - self.writing)

    @property
    def overrun(self) -> bool:
        return self.loading + self.planning + self.writing > self.limit


def time_budget(
    authority: Authority, time_limit: float, *, loading: float, calendars: bool
) -> TimeBudget:
    """The budget for this authority: writing estimated for every due child booked."""
    writing = estimated_write_seconds(
        len(authority.children),
        len(authority.settings),
        len(authority.practitioners),
        calendars=calendars,
    )
    return TimeBudget(limit=time_limit, loading=loading, writing=writing)


def run_plan(
    args: argparse.Namespace, previous: Plan | None = None, *, began: float | None = None
) -> int:
    """Load, plan, write; exit 0 when the plan checks clean, 1 if the checker objects.

    ``--time-limit`` is for the whole command from ``began`` (``time.perf_counter()``; default
    now): planning gets what loading and writing leave.
    """
    began = time.perf_counter() if began is None else began
    quiet = args.quiet
    if (refused := check_store(args)) != 0:  # --db: the store must take the plan; before solving
        return refused
    if not quiet:
        print(f"Loading {args.data}", file=sys.stderr)
    loaded = load_authority(args.data, args.config, planning_date=args.today)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    # a re-plan keeps the pins its previous plan was made with, unless others are given
    pins: list[Pin] = (
        read_pins(args.pins) if args.pins else list(previous.pins) if previous is not None else []
    )
    for source, conflict in conflicting_pins(pins):
        print(f"warning: {source}:{conflict.line}: {conflict.reason}", file=sys.stderr)
    options = PlanOptions(
        time_limit=args.time_limit,
        link_time_limit=args.link_time_limit,
        workers=max(1, args.workers),
        seed=args.seed,
        relink=getattr(args, "relink", False),
        deterministic=args.deterministic,
    )
    if not options.deterministic:  # deterministic limits count CP-SAT's work, not seconds
        budget = time_budget(
            loaded.authority,
            options.time_limit,
            loading=time.perf_counter() - began,
            calendars=not args.no_ics,
        )
        if budget.overrun and not quiet:
            print(
                f"warning: loading took {budget.loading:.0f}s and writing takes about "
                f"{budget.writing:.0f}s; planning gets {budget.planning:.0f}s, so this will "
                "take longer than --time-limit",
                file=sys.stderr,
            )
        options = replace(options, time_limit=budget.planning)
    result = make_plan(
        loaded.authority,
        options,
        pins=pins,
        previous=previous,
        progress=_progress_printer(quiet),
        data_path=str(args.data.resolve()),
    )
    written = write_plan_folder_or_exit(
        loaded.authority, result, args.out, previous=previous, calendars=not args.no_ics
    )
    print(human_summary(loaded.authority, result))
    print(f"Plan written to {args.out}")
    if (refused := save_to_store(args, loaded.authority, written)) != 0:  # only with --db
        return refused
    if not result.check.ok:
        for v in result.check.violations:
            print(f"check: {v}", file=sys.stderr)
        return 1
    return 0


def write_plan_folder_or_exit(
    authority: Authority, result: PlanResult, out: Path, *, previous: Plan | None, calendars: bool
) -> Plan:
    """:func:`scheduler.export.plan_folder.write_plan_folder`, refusing a wrong ``--out`` with
    a one-line message (exit 2)."""
    try:
        return write_plan_folder(
            authority, result.plan, out, previous=previous, calendars=calendars
        )
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def changed_links(result: PlanResult) -> int:
    return sum(1 for link in result.plan.links if link.reason.startswith("changed"))


def human_summary(authority: Authority, result: PlanResult) -> str:
    """The closing lines a coordinator reads in the terminal."""
    s = result.plan.summary
    h = s.headline()
    if h is None:
        raise ValueError("the plan's summary lacks the contract's figures")

    def pct(n: int, d: int) -> str:
        return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "0/0"

    def number(value: float | None, spec: str = ",.1f", scale: float = 1.0) -> str:
        return "n/a" if value is None else format(scale * value, spec)

    base = result.baseline
    by_reason = s.unscheduled_by_reason or {}
    lines = [
        f"{s.term_name} ({s.model} model): {len(authority.settings)} settings, "
        f"{len(authority.practitioners)} practitioners",
        f"  children seen        {pct(h.scheduled, h.children_due)}",
        f"  funded two-year-olds {pct(h.funded_two_scheduled, h.funded_two_due)}",
        f"  overdue seen         {pct(h.overdue_scheduled, h.overdue_due)}",
        f"  in window            {pct(h.in_window, max(1, h.scheduled))} of reviews",
        f"  travel               {h.travel_km:,.0f} km in {s.visits} visits",
        f"  links                {s.links_kept} existing kept, {changed_links(result)} changed "
        "(why: links.csv's reason column)",
        f"  unscheduled          {h.children_due - h.scheduled} "
        + ", ".join(f"{k} {v}" for k, v in by_reason.items()),
        f"  solver               {s.status}, objective {number(s.objective)}, bound "
        f"{number(s.best_bound)} with these links, gap {number(s.gap, '.2f', 100)}%, "
        f"{number(s.solve_seconds, '.1f')}s",
        f"  with any links       at most {s.more_children()} more children could be seen "
        f"(bound {number(s.best_bound_any_links)}, gap {number(s.gap_any_links, '.2f', 100)}%)",
    ]
    if base is not None:
        lines.append(
            f"  hand-made rota       seen {base.scheduled}, funded {base.funded_two_scheduled},"
            f" overdue {base.overdue_scheduled}, priority coverage "
            f"{100 * base.priority_coverage:.1f}% (this plan "
            f"{number(s.priority_coverage, '.1f', 100)}%)"
        )
    lines.append(
        f"  check                {'valid' if result.check.ok else 'VIOLATIONS: see above'}"
    )
    for pin in s.pins_unhonoured or ():
        who = pin.child_id or pin.setting_id
        lines.append(f"  pin not kept         {who}: {pin.reason}")
    busy = sorted((s.practitioners or {}).items(), key=lambda kv: -kv[1].utilisation)[:5]
    lines.append(
        "  busiest practitioners "
        + ", ".join(f"{pid} {100 * u.utilisation:.0f}%" for pid, u in busy)
    )
    over = s.overcommitted_practitioners or {}
    if over:
        lines.append(
            f"  over-committed links {len(over)} practitioners "
            f"(total {sum(over.values()):,} min over capacity)"
        )
    return "\n".join(lines)
