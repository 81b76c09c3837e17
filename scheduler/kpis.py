"""The plan's key figures: what ``summary.json``, the CLI's closing summary and the dashboard's
cards show. Computed from the plan alone, so every consumer agrees."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.matching.links import LinkResult
from scheduler.places import review_place, visits
from scheduler.plan import Appointment, Unscheduled
from scheduler.summary import LinkStage, PlanSummary, PractitionerUse
from scheduler.travel import haversine_km


def route_km(authority: Authority, appointments: list[Appointment]) -> float:
    """Estimated road kilometres: each practitioner's day from base, through the settings in
    time order, back to base (straight line × detour factor); clinic reviews at base add none."""
    detour = authority.config.travel.detour_factor
    days: dict[tuple[str, object], list[Appointment]] = defaultdict(list)
    for a in appointments:
        days[(a.practitioner_id, a.date)].append(a)
    total = 0.0
    for (pid, _), items in days.items():
        p = authority.practitioners[pid]
        here = (p.base_lat, p.base_lon)
        for a in sorted(items, key=lambda a: a.start):
            place = review_place(authority, authority.children[a.child_id], a.model, pid)
            if place is not None and (place.lat, place.lon) != here:
                total += haversine_km(*here, place.lat, place.lon)
                here = (place.lat, place.lon)
        total += haversine_km(*here, p.base_lat, p.base_lon)
    return round(total * detour, 1)


def summarise(
    authority: Authority,
    availability: Availability,
    links: LinkResult,
    appointments: list[Appointment],
    unscheduled: list[Unscheduled],
    priority: Mapping[str, float],
    *,
    status: str,
    objective: float,
    best_bound: float,
    best_bound_any_links: float,
    children_bound_any_links: int,
    solve_seconds: float,
) -> PlanSummary:
    """The contract's KPIs plus utilisation and reasons, for ``summary.json``."""
    gap = relative_gap(best_bound, objective)
    gap_any_links = relative_gap(best_bound_any_links, objective)
    solved = PlanSummary(
        practitioners=practitioner_use(
            authority, appointments, links.capacity_minutes, links.load_minutes
        ),
        settings=len(authority.settings),
        settings_linked=len(links.links),
        links_kept=sum(1 for link in links.links if link.kept_existing_link),
        overcommitted_practitioners=dict(sorted(links.overcommitted.items())),
        link_stage=LinkStage(
            status=links.status,
            objective=round(links.objective, 3),
            best_bound=round(links.best_bound, 3),
            gap=round(links.gap, 5),
            seconds=round(links.seconds, 2),
        ),
        status=status,
        objective=round(objective, 3),
        best_bound=round(best_bound, 3),
        gap=round(gap, 5),
        best_bound_any_links=round(best_bound_any_links, 3),
        gap_any_links=round(gap_any_links, 5),
        children_bound_any_links=children_bound_any_links,
        solve_seconds=round(solve_seconds, 2),
    )
    return plan_counts(authority, availability, appointments, unscheduled, priority, into=solved)


def plan_counts(
    authority: Authority,
    availability: Availability,
    appointments: list[Appointment],
    unscheduled: list[Unscheduled],
    priority: Mapping[str, float],
    *,
    into: PlanSummary,
) -> PlanSummary:
    """``into`` with the figures that follow from the appointments and unscheduled rows alone
    (a booking made between plans changes these and nothing else)."""
    due = availability.due
    seen = {a.child_id for a in appointments}
    windows = availability.windows
    funded = [c for c in due if c.funded_two]
    overdue = [c for c in due if windows[c.child_id].overdue]
    send = [c for c in due if c.send]
    return replace(
        into,
        children_due=len(due),
        scheduled=len(seen),
        in_window=sum(1 for a in appointments if a.in_window),
        funded_two_due=len(funded),
        funded_two_scheduled=sum(1 for c in funded if c.child_id in seen),
        overdue_due=len(overdue),
        overdue_scheduled=sum(1 for c in overdue if c.child_id in seen),
        send_due=len(send),
        send_scheduled=sum(1 for c in send if c.child_id in seen),
        priority_coverage=round(
            sum(priority[c] for c in seen if c in priority) / sum(priority.values()), 4
        )
        if priority
        else 1.0,
        travel_km=route_km(authority, appointments),
        visits=len(visits(appointments)),
        unscheduled_by_reason=dict(
            sorted(Counter(u.reason_code.value for u in unscheduled).items())
        ),
    )


def practitioner_use(
    authority: Authority,
    appointments: list[Appointment],
    capacity_minutes: Mapping[str, int],
    load_minutes: Mapping[str, int],
) -> dict[str, PractitionerUse]:
    """Each practitioner's reviews, review minutes and utilisation of their capacity."""
    reviews_by_practitioner = Counter(a.practitioner_id for a in appointments)
    minutes_by_practitioner: Counter[str] = Counter()
    for a in appointments:
        minutes_by_practitioner[a.practitioner_id] += a.end - a.block_start
    return {
        pid: PractitionerUse(
            reviews=reviews_by_practitioner.get(pid, 0),
            review_minutes=minutes_by_practitioner.get(pid, 0),
            capacity_minutes=capacity_minutes.get(pid, 0),
            link_load_minutes=load_minutes.get(pid, 0),
            utilisation=round(minutes_by_practitioner.get(pid, 0) / capacity_minutes[pid], 3)
            if capacity_minutes.get(pid)
            else 0.0,
        )
        for pid in authority.practitioners
    }


def relative_gap(bound: float, objective: float) -> float:
    """``(bound - objective) / |bound|``; 0 when both are 0. Never clamped: a negative gap
    would mean a bound below a plan, which is a bug the tests must be able to see."""
    if bound == 0:
        return 0.0 if objective == 0 else float("-inf") if objective > 0 else 0.0
    return (bound - objective) / abs(bound)
