"""From validated data to a checked plan: outcomes, links, pins, pieces, solve, explanations,
KPIs, check.

This is the one function the CLI and the dashboard call. It raises only for programmer errors
or pins naming unknown ids (:class:`~scheduler.errors.InputError`); everything else comes back
as a result with a status.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scheduler.availability import Availability
from scheduler.calendar import age_months
from scheduler.check import CheckReport, check_plan
from scheduler.config import Priorities
from scheduler.domain import Authority, Child
from scheduler.explain import explain_unscheduled
from scheduler.io.plan_files import plan_digest
from scheduler.kpis import summarise
from scheduler.matching.links import LinkOptions, LinkResult, choose_links
from scheduler.outcomes import Standing
from scheduler.pins import PinDecision, check_link_pins, check_pin_ids, link_pins, resolve_pins
from scheduler.plan import LOCATION_OF_MODEL, Appointment, Pin, Plan
from scheduler.priority import SCALE
from scheduler.scheduling.bounds import any_links_bound
from scheduler.scheduling.problem import build_problem, stability_points, with_pins
from scheduler.scheduling.rota import Rota, hand_greedy
from scheduler.scheduling.solve import Progress, ProgressCallback, merge, solve_pieces


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """Solver knobs: time limits (seconds), parallel workers and the random seed."""

    time_limit: float = 60.0
    link_time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    relink: bool = False
    """In a re-plan, re-optimise links too (by default they are kept)."""
    deterministic: bool = False
    """Limits in CP-SAT's deterministic time, not seconds: the same data and options give the
    same plan (the same ``plan_digest``) on any machine, however fast or busy."""


@dataclass
class PlanResult:
    """The plan, the link stage's details and the independent check of the plan."""

    plan: Plan
    links: LinkResult
    check: CheckReport
    baseline: dict[str, float] = field(default_factory=dict)
    priorities: Priorities | None = None
    """The weights the plan was made with (a what-if from it reuses what they left alone)."""


LINK_WEIGHTS = ("continuity", "travel", "balance")
"""The weights that price links; the others price children, which the links weigh only for
children a practitioner could never see."""


def same_links_weights(old: Priorities | None, new: Priorities) -> bool:
    """Whether a plan made with ``old`` weights keeps its links under ``new`` ones."""
    return old is not None and all(getattr(old, w) == getattr(new, w) for w in LINK_WEIGHTS)


LINK_SHARE = 0.4
"""At most this share of the time limit goes to the links, whatever ``link_time_limit`` says:
the reviews need the rest."""


def link_budget(options: PlanOptions) -> float:
    """Seconds for the link stage: its own limit, within its share of the whole."""
    return min(options.link_time_limit, LINK_SHARE * options.time_limit)


def after_solve_seconds(children: int) -> float:
    """Time kept back from the solve for what follows it (merging the pieces, the any-links
    bound, explanations, the check), so the whole plan ends within its time limit. Calibrated
    on data/sample (1,500 children: ~1.0 s) and a large authority (6,000: ~3 s)."""
    return 0.4 + 0.0004 * children


def _progress(callback: ProgressCallback | None, stage: str, began: float) -> None:
    if callback is not None:
        callback(Progress(stage, 0, 0, 0.0, 0.0, time.perf_counter() - began))


@dataclass(frozen=True, slots=True)
class Work:
    """The due children sorted by what happens to them this run."""

    to_book: list[Child]
    history: list[Appointment]
    """Previous appointments before today, kept as they were (replan from today)."""
    not_booked: list[Child]
    """Due children who must not be booked: declined, or not brought twice."""


def sort_work(availability: Availability, previous: Plan | None) -> Work:
    """History before today is kept; declined and follow-up children are not booked; everyone
    else due is booked (again)."""
    today = availability.today
    history: list[Appointment] = []
    kept: set[str] = set()
    children = availability.authority.children
    if previous is not None and today is not None:
        for a in previous.appointments:
            if a.date >= today or a.child_id not in children:
                continue
            if a.date in availability.histories[a.child_id].did_not_happen:
                continue  # not brought, cancelled or declined: dropped, re-booked below
            history.append(a)
            kept.add(a.child_id)
    to_book: list[Child] = []
    not_booked: list[Child] = []
    for child in availability.due:
        if child.child_id in kept:
            continue
        if availability.standing(child) is Standing.OPEN:
            to_book.append(child)
        else:
            not_booked.append(child)
    return Work(to_book, history, not_booked)


def make_plan(
    authority: Authority,
    options: PlanOptions = PlanOptions(),
    *,
    pins: Sequence[Pin] = (),
    previous: Plan | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    data_path: str | None = None,
    created_at: datetime | None = None,
    warm: PlanResult | None = None,
) -> PlanResult:
    """Plan the term: every due child scheduled or explained, the plan checked.

    With ``previous`` (a re-plan) links are kept unless ``options.relink``, and children keep
    their previous day and time wherever the rules still allow; with ``[term] today`` set,
    the previous plan's appointments before today are history, kept unless an outcome says
    the review did not happen.

    ``warm`` (a what-if: the same data, other weights) starts from that plan: its links are
    reused when no link weight changed, and its slots are the solver's first answer, with no
    bonus for keeping them.
    """
    began = time.perf_counter()
    _progress(progress, "preparing", began)
    config = authority.config
    availability = Availability(authority)
    start_from = previous or (warm.plan if warm is not None else None)
    work = sort_work(availability, start_from)
    stability = stability_points(previous is not None, availability.today is not None)

    check_pin_ids(pins, authority)
    pinned_links, unhonoured = link_pins(pins)
    previous_links = (
        {link.setting_id: link.practitioner_id for link in previous.links} if previous else {}
    )
    kept_links = dict(pinned_links)
    if previous is not None and not options.relink:
        for sid, pid in previous_links.items():
            if sid in authority.settings and pid in authority.practitioners:
                kept_links.setdefault(sid, pid)

    _progress(progress, "matching", began)
    reuse = (
        warm is not None
        and previous is None
        and not pins
        and same_links_weights(warm.priorities, config.priorities)
    )
    links = (
        warm.links
        if warm is not None and reuse
        else choose_links(
            authority,
            availability,
            children=work.to_book,
            pinned=kept_links,
            previous=previous_links,
            options=LinkOptions(
                time_limit=link_budget(options),
                workers=options.workers,
                seed=options.seed,
                deterministic=options.deterministic,
            ),
            stop=stop,
        )
    )
    link_of = {link.setting_id: link.practitioner_id for link in links.links}
    previous_appointments = (
        {a.child_id: a for a in start_from.appointments} if start_from is not None else {}
    )
    problem = build_problem(
        authority,
        availability,
        link_of,
        children=work.to_book,
        previous=previous_appointments,
        stability=stability,
    )
    unhonoured += check_link_pins(pinned_links, links.links)
    decisions = resolve_pins(
        pins,
        authority,
        availability,
        problem,
        link_of,
        history={a.child_id: a.date for a in work.history},
    )
    unhonoured += decisions.unhonoured
    problem = with_pins(problem, decisions.accepted)

    remaining = (
        options.time_limit - link_budget(options)
        if options.deterministic
        else options.time_limit
        - (time.perf_counter() - began)
        - after_solve_seconds(len(work.to_book))
    )
    remaining = max(0.1, remaining)
    outcomes = solve_pieces(
        problem.pieces(),
        time_limit=remaining,
        workers=options.workers,
        seed=options.seed,
        progress=progress,
        stop=stop,
        points_per_unit=SCALE,
        deterministic=options.deterministic,
    )
    rota = merge(problem, outcomes)
    hand = hand_greedy(problem)

    _progress(progress, "explaining", began)
    appointments = [*work.history, *_appointments(authority, availability, rota)]
    booked = {a.child_id for a in appointments}
    priority = {c.child_id: availability.priority(c) for c in availability.due}
    unscheduled = explain_unscheduled(
        authority,
        availability,
        links.links,
        [a for a in appointments if a.child_id in booked],
        priority,
        not_booked=work.not_booked,
        rota=rota,
    )

    objective = rota.objective() / SCALE
    pieces_bound = sum(o.bound for o in outcomes) / SCALE
    any_links = any_links_bound(
        authority,
        availability,
        work.to_book,
        previous_appointments,
        stability=stability,
    )
    statuses = {o.status for o in outcomes}
    bound = min(pieces_bound, any_links.points)
    status = (
        "OPTIMAL"
        if objective >= bound
        else "FEASIBLE"
        if statuses & {"OPTIMAL", "FEASIBLE"}
        else "GREEDY"
    )
    stamp = created_at or datetime.now(UTC).replace(microsecond=0)
    summary = summarise(
        authority,
        availability,
        links,
        appointments,
        unscheduled,
        priority,
        status=status,
        objective=objective,
        best_bound=bound,
        best_bound_any_links=any_links.points,
        children_bound_any_links=any_links.children + len(work.history),
        solve_seconds=time.perf_counter() - began,
    )
    summary["pins_unhonoured"] = [d.as_dict() for d in unhonoured]
    if os.environ.get(STRICT_BOUNDS):
        _assert_bounds(summary)
    summary["baseline"] = summarise_baseline(
        availability, _appointments(authority, availability, hand), priority, hand
    )
    summary.update(
        created_at=stamp.isoformat(),
        term_name=config.term.name,
        model=config.review.model,
        data_path=data_path,
        today=config.term.today.isoformat() if config.term.today else None,
        stopped_early=bool(stop is not None and stop.is_set()),
    )
    plan = Plan(
        links=links.links,
        appointments=sorted(
            appointments, key=lambda a: (a.date, a.start, a.practitioner_id, a.child_id)
        ),
        unscheduled=unscheduled,
        summary=summary,
        created_at=stamp,
        sequences=dict(start_from.sequences) if start_from else {},
        pins=list(pins),
    )
    plan.summary["plan_digest"] = plan_digest(plan)
    _progress(progress, "checking", began)
    report = check_plan(authority, plan, previous=start_from, pins=pins)
    plan.summary["check_violations"] = len(report.violations)
    _progress(progress, "done", began)
    return PlanResult(
        plan=plan,
        links=links,
        check=report,
        baseline=summary["baseline"],
        priorities=config.priorities,
    )


STRICT_BOUNDS = "SCHEDULER_STRICT_BOUNDS"
"""Set (the test suite does) to make every plan check its own claims: a bound below the plan
it bounds is a bug, never to be hidden by a clamp."""


def _assert_bounds(summary: dict[str, Any]) -> None:
    tolerance = 1e-6
    objective = summary["objective"]
    for key in ("best_bound", "best_bound_any_links"):
        if objective > summary[key] + tolerance:
            raise AssertionError(f"objective {objective} above {key} {summary[key]}")
    if summary["scheduled"] > summary["children_bound_any_links"]:
        raise AssertionError("more children seen than children_bound_any_links allows")


def _appointments(
    authority: Authority, availability: Availability, rota: Rota
) -> list[Appointment]:
    """The rota's slots as the contract's appointment rows."""
    out = []
    for child_id, (index, day, block_start) in rota.starts().items():
        option = rota.option(child_id, index)
        child = authority.children[child_id]
        on = availability.term.days[day]
        start = block_start + option.pre
        out.append(
            Appointment(
                child_id=child_id,
                setting_id=child.setting_id,
                practitioner_id=option.practitioner_id,
                key_person_id=child.key_person_id,
                date=on,
                pre_meeting_start=block_start if option.model == "joint" else None,
                start=start,
                end=block_start + option.duration,
                location=LOCATION_OF_MODEL[option.model],
                age_months=age_months(child.date_of_birth, on),
                in_window=on <= availability.windows[child_id].in_window_end,
                model=option.model,
            )
        )
    return out


def summarise_baseline(
    availability: Availability,
    appointments: list[Appointment],
    priority: dict[str, float],
    rota: Rota,
) -> dict[str, float]:
    """The hand-made rota's figures (children by 30-month date, first day that fits)."""
    seen = {a.child_id for a in appointments}
    due = availability.due
    return {
        "scheduled": len(seen),
        "funded_two_scheduled": sum(1 for c in due if c.funded_two and c.child_id in seen),
        "overdue_scheduled": sum(
            1 for c in due if availability.windows[c.child_id].overdue and c.child_id in seen
        ),
        "priority_coverage": (
            sum(priority[c] for c in seen if c in priority) / sum(priority.values())
            if priority
            else 1.0
        ),
        "objective": rota.objective() / SCALE,
    }


__all__ = ["PinDecision", "PlanOptions", "PlanResult", "make_plan"]
