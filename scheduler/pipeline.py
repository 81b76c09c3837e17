"""From validated data to a checked plan: links, pieces, solve, explanations, KPIs, check.

This is the one function the CLI and the dashboard call. It raises only for programmer errors
or bad pins (:class:`~scheduler.errors.InputError`); everything else comes back as a result
with a status.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from scheduler.calendar import age_months
from scheduler.check import CheckReport, check_plan
from scheduler.domain import Authority, format_time
from scheduler.errors import InputError, Problem
from scheduler.explain import explain_unscheduled
from scheduler.kpis import summarise
from scheduler.matching.links import LinkOptions, LinkResult, choose_links
from scheduler.plan import Appointment, Pin, Plan
from scheduler.scheduling.availability import (
    Availability,
    block_minutes,
    pre_meeting_minutes,
    time_window,
)
from scheduler.scheduling.priority import SCALE, child_priority
from scheduler.scheduling.problem import build_groups
from scheduler.scheduling.solve import PiecePool, Progress, ProgressCallback, solve_groups


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """Solver knobs: time limits (seconds), parallel workers and the random seed."""

    time_limit: float = 60.0
    link_time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    relink: bool = False
    """In a re-plan, re-optimise links too (by default they are kept)."""


@dataclass
class PlanResult:
    """The plan, the link stage's details and the independent check of the plan."""

    plan: Plan
    links: LinkResult
    check: CheckReport
    baseline: dict[str, float] = field(default_factory=dict)


def _progress(callback: ProgressCallback | None, stage: str, began: float) -> None:
    if callback is not None:
        callback(Progress(stage, 0, 0, 0.0, 0.0, time.perf_counter() - began))


AppointmentPins = dict[str, tuple[date, int | None]]
PinPlaces = dict[str, tuple[str, int]]
"""Child -> (file, line) of its appointment pin, for error messages."""


def _place(pin: Pin, number: int) -> tuple[str, int]:
    """A pin's file and line; dashboard pins (no line) by their position among the pins."""
    return pin.source, pin.line or number


def _pins(
    pins: Sequence[Pin], authority: Authority
) -> tuple[dict[str, str], AppointmentPins, PinPlaces]:
    link_pins: dict[str, str] = {}
    appointment_pins: AppointmentPins = {}
    places: PinPlaces = {}
    problems = []
    for number, pin in enumerate(pins, start=2):
        source, line = _place(pin, number)
        if pin.kind == "link":
            if pin.setting_id not in authority.settings:
                problems.append(
                    Problem(source, line, "setting_id", "unknown setting", pin.setting_id or "")
                )
            elif pin.practitioner_id not in authority.practitioners:
                problems.append(
                    Problem(
                        source,
                        line,
                        "practitioner_id",
                        "unknown practitioner",
                        pin.practitioner_id or "",
                    )
                )
            else:
                link_pins[str(pin.setting_id)] = str(pin.practitioner_id)
        else:
            if pin.child_id not in authority.children:
                problems.append(
                    Problem(source, line, "child_id", "unknown child", pin.child_id or "")
                )
            elif pin.date is None:
                problems.append(
                    Problem(source, line, "date", "an appointment pin needs a date", "")
                )
            else:
                appointment_pins[str(pin.child_id)] = (pin.date, pin.start)
                places[str(pin.child_id)] = (source, line)
    if problems:
        raise InputError(problems)
    return link_pins, appointment_pins, places


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
    pieces: PiecePool | None = None,
) -> PlanResult:
    """Plan the term: every due child scheduled or explained, the plan checked.

    With ``previous`` (a re-plan) links are kept unless ``options.relink``, and children keep
    their previous day and time wherever the rules still allow. ``pieces`` solves stage 2's
    pieces elsewhere (``plan-many``: Ray tasks); by default, worker processes here.
    """
    began = time.perf_counter()
    _progress(progress, "preparing", began)
    config = authority.config
    availability = Availability(authority)
    link_pins, appointment_pins, pin_places = _pins(pins, authority)
    previous_links = (
        {link.setting_id: link.practitioner_id for link in previous.links} if previous else {}
    )
    if previous is not None and not options.relink:
        for sid, pid in previous_links.items():
            if sid in authority.settings and pid in authority.practitioners:
                link_pins.setdefault(sid, pid)

    _progress(progress, "matching", began)
    links = choose_links(
        authority,
        availability,
        pinned=link_pins,
        previous=previous_links,
        options=LinkOptions(
            time_limit=options.link_time_limit, workers=options.workers, seed=options.seed
        ),
        stop=stop,
    )
    _check_appointment_pins(appointment_pins, pin_places, authority, availability, links)

    previous_appointments = {a.child_id: a for a in previous.appointments} if previous else {}
    groups = build_groups(
        authority,
        availability,
        links.links,
        pinned=appointment_pins,
        previous=previous_appointments,
    )
    remaining = max(1.0, options.time_limit - (time.perf_counter() - began))
    outcomes = solve_groups(
        groups,
        time_limit=remaining,
        workers=options.workers,
        seed=options.seed,
        progress=progress,
        stop=stop,
        points_per_unit=SCALE,
        pool=pieces,
    )

    _progress(progress, "explaining", began)
    appointments = []
    hand_appointments = []
    for group, outcome in zip(groups, outcomes, strict=True):
        jobs = {c.child_id: c for c in group.children}
        for child_id, (day, block_start) in outcome.starts.items():
            appointments.append(
                _appointment(
                    authority,
                    availability,
                    jobs[child_id].practitioner_id,
                    child_id,
                    day,
                    block_start,
                )
            )
        for child_id, (day, block_start) in outcome.hand_starts.items():
            hand_appointments.append(
                _appointment(
                    authority,
                    availability,
                    jobs[child_id].practitioner_id,
                    child_id,
                    day,
                    block_start,
                )
            )
    priority = {
        c.child_id: child_priority(
            c, availability.windows[c.child_id], config.term, config.priorities
        )
        for c in availability.due
    }
    unscheduled = explain_unscheduled(authority, availability, links.links, appointments, priority)

    statuses = {o.status for o in outcomes}
    status = (
        "OPTIMAL"
        if statuses <= {"OPTIMAL"}
        else "FEASIBLE"
        if statuses & {"OPTIMAL", "FEASIBLE"}
        else "GREEDY"
        if statuses
        else "OPTIMAL"
    )
    objective = sum(o.objective for o in outcomes) / SCALE
    bound = sum(o.bound for o in outcomes) / SCALE
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
        solve_seconds=time.perf_counter() - began,
    )
    summary["baseline"] = summarise_baseline(
        availability, hand_appointments, priority, sum(o.hand_objective for o in outcomes) / SCALE
    )
    summary.update(
        created_at=stamp.isoformat(),
        term_name=config.term.name,
        model=config.review.model,
        data_path=data_path,
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
        sequences=dict(previous.sequences) if previous else {},
    )
    _progress(progress, "checking", began)
    report = check_plan(authority, plan)
    plan.summary["check_violations"] = len(report.violations)
    _progress(progress, "done", began)
    return PlanResult(plan=plan, links=links, check=report, baseline=summary["baseline"])


def _appointment(
    authority: Authority,
    availability: Availability,
    practitioner_id: str,
    child_id: str,
    day: int,
    block_start: int,
) -> Appointment:
    child = authority.children[child_id]
    date = availability.term.days[day]
    pre = pre_meeting_minutes(authority)
    start = block_start + pre
    review = authority.config.review
    meeting = review.meeting_minutes + (
        review.prior_concerns_extra_minutes if child.prior_concerns else 0
    )
    joint = review.model == "joint"
    return Appointment(
        child_id=child_id,
        setting_id=child.setting_id,
        practitioner_id=practitioner_id,
        key_person_id=child.key_person_id,
        date=date,
        pre_meeting_start=block_start if joint else None,
        start=start,
        end=start + meeting,
        location="setting" if joint else "clinic",
        age_months=age_months(child.date_of_birth, date),
        in_window=date <= availability.windows[child_id].in_window_end,
    )


def _check_appointment_pins(
    pins: AppointmentPins,
    places: PinPlaces,
    authority: Authority,
    availability: Availability,
    links: LinkResult,
) -> None:
    """A pinned appointment must be possible by the rules, else the coordinator is told."""
    link_of = {link.setting_id: link.practitioner_id for link in links.links}
    problems = []
    for child_id, (day, start) in pins.items():
        source, line = places[child_id]
        child = authority.children[child_id]
        if child_id not in availability.windows:
            problems.append(
                Problem(source, line, "child_id", "child is not due this term", child_id)
            )
            continue
        pid = link_of.get(child.setting_id)
        if pid is None:
            problems.append(
                Problem(
                    source,
                    line,
                    "child_id",
                    "the child's setting has no link practitioner",
                    child_id,
                )
            )
            continue
        if day not in availability.term.dates(availability.feasible_days(child, pid)):
            problems.append(
                Problem(
                    source,
                    line,
                    "date",
                    "the child cannot be reviewed on that day by the rules",
                    day.isoformat(),
                )
            )
        elif start is not None:
            window = time_window(
                authority.practitioners[pid], authority.settings[child.setting_id], authority
            )
            block_start = start - pre_meeting_minutes(authority)
            if block_start < window.start or block_start + block_minutes(child, authority) > (
                window.end
            ):
                problems.append(
                    Problem(
                        source,
                        line,
                        "start",
                        f"outside the hours available ({format_time(window.start)}–"
                        f"{format_time(window.end)}, pre-meeting included)",
                        format_time(start),
                    )
                )
    if problems:
        raise InputError(problems)


def summarise_baseline(
    availability: Availability,
    appointments: list[Appointment],
    priority: dict[str, float],
    objective: float,
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
            sum(priority[c] for c in seen) / sum(priority.values()) if priority else 1.0
        ),
        "objective": objective,
    }
