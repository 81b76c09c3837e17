"""The best plan of a tiny authority by enumeration, for checking the planner's bounds.

For a given choice of links, every assignment of each child to nothing or to (kind of review,
day) is enumerated; the day rules are tested literally from the contract (here, not with the
planner's masks); assignments are tried best objective first, and the first whose exact times
exist is the optimum. Whether exact times exist is decided by a small CP-SAT model written
literally from the contract (intervals at minute resolution, the order of each practitioner's
day with travel between consecutive blocks, the journeys from and back to base for the first
and last blocks, key persons, rooms, parents), and the plan found is confirmed by the
independent checker. The objective is the product's (values, visits, busiest weeks) read from
its problem tables, evaluated here on the enumerated plan.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from scheduler.availability import Availability
from scheduler.calendar import add_months, age_months
from scheduler.check import check_plan
from scheduler.config import ReviewModel
from scheduler.domain import Authority, Child
from scheduler.plan import LOCATION_OF_MODEL, Appointment, Link, Plan
from scheduler.scheduling.problem import build_problem
from scheduler.travel import haversine_km, travel_minutes

Choice = tuple[ReviewModel, str, int] | None
"""(kind of review, practitioner, day index) or not seen."""


def models_for(child: Child, authority: Authority) -> list[ReviewModel]:
    """The contract's kinds of review for the child (own, then fallback, minus exclusions)."""
    review = authority.config.review
    out: list[ReviewModel] = []
    for model in (child.review_model or review.model, *review.fallback):
        if model in out:
            continue
        if model == "joint" and (child.setting_id is None or child.consent_to_share is False):
            continue
        if model == "home" and (child.home_lat is None or child.home_lon is None):
            continue
        out.append(model)
    return out


def runner(child: Child, model: ReviewModel, links: Mapping[str, str]) -> str | None:
    if model != "joint" and child.practitioner_id is not None:
        return child.practitioner_id
    return links.get(child.setting_id) if child.setting_id else None


def meeting_minutes(child: Child, authority: Authority) -> int:
    review = authority.config.review
    extra = review.prior_concerns_extra_minutes if child.prior_concerns else 0
    return review.meeting_minutes + extra


def day_ok(authority: Authority, child: Child, model: ReviewModel, pid: str, day: date) -> bool:
    """The contract's day rules for one review, read literally."""
    config = authority.config
    lo, _hi = config.review.window_months
    if day < add_months(child.date_of_birth, lo):
        return False
    if day > add_months(child.date_of_birth, config.review.overdue_until_months):
        return False
    if child.starts_on and day < child.starts_on + timedelta(days=config.review.settle_days):
        return False
    today = config.term.today
    if today is not None and day < today + timedelta(days=config.review.notice_days):
        return False
    if day.weekday() in child.parent_unavailable_days:
        return False
    p = authority.practitioners[pid]
    if p.max_reviews_per_day <= 0 or day.weekday() not in p.working_days:
        return False
    if any(a.person_id == pid and a.start_date <= day <= a.end_date for a in authority.absences):
        return False
    if model == "joint":
        assert child.setting_id and child.key_person_id
        s = authority.settings[child.setting_id]
        if day.weekday() not in s.open_days:
            return False
        if any(c.setting_id in (s.setting_id, "*") and c.date == day for c in authority.closures):
            return False
        k = authority.key_persons[child.key_person_id]
        if day.weekday() not in k.working_days:
            return False
        if any(
            a.person_id == k.key_person_id and a.start_date <= day <= a.end_date
            for a in authority.absences
        ):
            return False
    return True


def _point(authority: Authority, child: Child, model: ReviewModel, pid: str) -> tuple[float, float]:
    if model == "joint":
        s = authority.settings[child.setting_id or ""]
        return s.lat, s.lon
    if model == "home":
        return child.home_lat or 0.0, child.home_lon or 0.0
    p = authority.practitioners[pid]
    return p.base_lat, p.base_lon


def _minutes(authority: Authority, a: tuple[float, float], b: tuple[float, float]) -> int:
    if a == b:
        return 0
    t = authority.config.travel
    return travel_minutes(haversine_km(*a, *b), t.speed_kmh, t.detour_factor)


@dataclass(frozen=True)
class Block:
    child: Child
    model: ReviewModel
    pid: str
    day: date
    pre: int
    meeting: int
    point: tuple[float, float]


def exact_times(authority: Authority, blocks: Sequence[Block]) -> dict[str, int] | None:
    """Meeting starts for every block obeying the contract's time rules, or None."""
    config = authority.config
    m = cp_model.CpModel()
    start: dict[str, cp_model.IntVar] = {}
    block_iv: dict[str, cp_model.IntervalVar] = {}
    meeting_iv: dict[str, cp_model.IntervalVar] = {}
    for b in blocks:
        p = authority.practitioners[b.pid]
        lo, hi = p.day_start, p.day_end
        if b.model == "joint":
            s = authority.settings[b.child.setting_id or ""]
            lo, hi = max(lo, s.open_time), min(hi, s.close_time)
        cid = b.child.child_id
        v = m.new_int_var(lo, hi - b.pre - b.meeting, f"s{cid}")
        start[cid] = v
        block_iv[cid] = m.new_fixed_size_interval_var(v, b.pre + b.meeting, f"b{cid}")
        meeting_iv[cid] = m.new_fixed_size_interval_var(v + b.pre, b.meeting, f"m{cid}")
    # each practitioner's day: an order, travel between consecutive blocks, base at each end
    by_day: dict[tuple[str, date], list[Block]] = defaultdict(list)
    for b in blocks:
        by_day[(b.pid, b.day)].append(b)
    for (pid, _day), items in by_day.items():
        p = authority.practitioners[pid]
        base = (p.base_lat, p.base_lon)
        before: dict[tuple[str, str], cp_model.IntVar] = {}
        ids = [b.child.child_id for b in items]
        for a, c in itertools.permutations(ids, 2):
            before[(a, c)] = m.new_bool_var(f"{a}<{c}")
        for a, c in itertools.combinations(ids, 2):
            m.add(before[(a, c)] + before[(c, a)] == 1)
        info = {b.child.child_id: b for b in items}
        for a, c in itertools.permutations(ids, 2):
            end_a = start[a] + info[a].pre + info[a].meeting
            m.add(start[c] >= end_a).only_enforce_if(before[(a, c)])
            # consecutive <=> a before c with nobody between them
            consecutive = m.new_bool_var(f"{a}>>{c}")
            m.add_implication(consecutive, before[(a, c)])
            betweens = []
            for x in ids:
                if x in (a, c):
                    continue
                between = m.new_bool_var(f"{a}<{x}<{c}")
                m.add_implication(between, before[(a, x)])
                m.add_implication(between, before[(x, c)])
                m.add_bool_or([before[(a, x)].Not(), before[(x, c)].Not(), between])
                m.add_implication(consecutive, between.Not())
                betweens.append(between)
            m.add_bool_or([before[(a, c)].Not(), consecutive, *betweens])
            gap = _minutes(authority, info[a].point, info[c].point)
            m.add(start[c] >= end_a + gap).only_enforce_if(consecutive)
        if config.travel.day_starts_at_base:
            for cid in ids:
                others_first = [before[(x, cid)] for x in ids if x != cid]
                others_after = [before[(cid, x)] for x in ids if x != cid]
                first = m.new_bool_var(f"first{cid}")
                last = m.new_bool_var(f"last{cid}")
                m.add_bool_and([v.Not() for v in others_first]).only_enforce_if(first)
                m.add_bool_or([*others_first, first])
                m.add_bool_and([v.Not() for v in others_after]).only_enforce_if(last)
                m.add_bool_or([*others_after, last])
                b = info[cid]
                leave = _minutes(authority, base, b.point)
                back = _minutes(authority, b.point, base)
                m.add(start[cid] >= p.day_start + leave).only_enforce_if(first)
                m.add(start[cid] + b.pre + b.meeting <= p.day_end - back).only_enforce_if(last)
    # key persons (joint), rooms (joint), parents
    by_kp: dict[tuple[str, date], list[str]] = defaultdict(list)
    by_room: dict[tuple[str, date], list[str]] = defaultdict(list)
    by_parent: dict[tuple[str, date], list[str]] = defaultdict(list)
    for b in blocks:
        cid = b.child.child_id
        if b.model == "joint":
            by_kp[(b.child.key_person_id or "", b.day)].append(cid)
            by_room[(b.child.setting_id or "", b.day)].append(cid)
        key = _parent(b.child)
        if key:
            by_parent[(key, b.day)].append(cid)
    for ids in by_kp.values():
        m.add_no_overlap([block_iv[c] for c in ids])
    for (sid, _day), ids in by_room.items():
        m.add_cumulative([block_iv[c] for c in ids], [1] * len(ids), authority.settings[sid].rooms)
    for ids in by_parent.values():
        m.add_no_overlap([meeting_iv[c] for c in ids])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assert status == cp_model.INFEASIBLE, solver.status_name(status)
        return None
    return {cid: solver.value(v) for cid, v in start.items()}


def _parent(child: Child) -> str:
    email = (child.parent_email or "").strip().lower()
    if email:
        return "e:" + email
    name = " ".join((child.parent_name or "").lower().split())
    return f"n:{child.setting_id or ''}:{name}" if name else ""


# --- enumeration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Best:
    """The best plan found by enumeration for one choice of links."""

    objective: int
    """Scaled like the planner's objective (points x 1000)."""
    children: int
    """The most children any valid plan under these links sees."""
    plan: Plan | None


def _values(authority: Authority, links: Mapping[str, str], children: Sequence[Child]):  # type: ignore[no-untyped-def]
    """The product's objective tables for these links: value per (child, model, day), the
    stability bonus is not used here (no previous plan), visit cost per (practitioner, place),
    busiest-week cost and the week of each day."""
    availability = Availability(authority)
    problem = build_problem(authority, availability, links, children=list(children))
    values: dict[tuple[str, ReviewModel, int], int] = {}
    for job in problem.children:
        for option in job.options:
            for day, value in zip(option.days, option.values, strict=True):
                values[(job.child_id, option.model, day)] = value
    visit = {
        (p.practitioner_id, place): cost
        for p in problem.practitioners
        for place, cost in p.visit_cost.items()
    }
    return availability, values, visit, problem.week_peak_cost, problem.week_of_day


def _place_key(child: Child, model: ReviewModel, pid: str) -> str:
    if model == "joint":
        return f"setting:{child.setting_id}"
    if model == "home":
        return f"home:{child.child_id}"
    return f"clinic:{pid}"


def best_plan(authority: Authority, links: Mapping[str, str], children: Sequence[Child]) -> Best:
    """The optimum over every contract-valid plan with these links (and the most children)."""
    availability, values, visit, week_cost, week_of = _values(authority, links, children)
    days = availability.term.days
    choices: list[list[Choice]] = []
    for child in children:
        options: list[Choice] = [None]
        for model in models_for(child, authority):
            pid = runner(child, model, links)
            if pid is None:
                continue
            for i, day in enumerate(days):
                if not day_ok(authority, child, model, pid, day):
                    continue
                if (child.child_id, model, i) not in values:
                    alone = _block(authority, child, (model, pid, i), days)
                    if exact_times(authority, [alone]) is not None:
                        raise AssertionError(
                            f"the planner rules out {child.child_id} {model} with {pid} on "
                            f"{day}, which the contract allows"
                        )
                    continue  # the hours cannot hold this review at all, as the planner says
                options.append((model, pid, i))
        choices.append(options)

    def objective(assignment: Sequence[Choice]) -> int:
        total = 0
        visits: set[tuple[str, str, int]] = set()
        weeks: dict[tuple[str, int], int] = defaultdict(int)
        for child, choice in zip(children, assignment, strict=True):
            if choice is None:
                continue
            model, pid, day = choice
            total += values[(child.child_id, model, day)]
            visits.add((pid, _place_key(child, model, pid), day))
            weeks[(pid, week_of[day])] += 1
        total -= sum(visit[(pid, place)] for pid, place, _ in visits)
        peaks: dict[str, int] = defaultdict(int)
        for (pid, _w), n in weeks.items():
            peaks[pid] = max(peaks[pid], n)
        return total - week_cost * sum(peaks.values())

    def per_day_ok(assignment: Sequence[Choice]) -> bool:
        count: dict[tuple[str, int], int] = defaultdict(int)
        for choice in assignment:
            if choice is not None:
                count[(choice[1], choice[2])] += 1
        return all(
            n <= authority.practitioners[pid].max_reviews_per_day for (pid, _), n in count.items()
        )

    candidates = [a for a in itertools.product(*choices) if per_day_ok(a)]
    best_objective, best = 0, None
    for assignment in sorted(candidates, key=objective, reverse=True):
        plan = _timed(authority, links, children, assignment, days)
        if plan is not None:
            best_objective, best = objective(assignment), plan
            break
    most = 0
    for assignment in sorted(candidates, key=lambda a: -sum(c is not None for c in a)):
        seen = sum(c is not None for c in assignment)
        if seen <= most:
            break
        if _timed(authority, links, children, assignment, days) is not None:
            most = seen
    return Best(best_objective, most, best)


def _timed(
    authority: Authority,
    links: Mapping[str, str],
    children: Sequence[Child],
    assignment: Sequence[Choice],
    days: Sequence[date],
) -> Plan | None:
    """The assignment with exact times, confirmed valid by the independent checker."""
    blocks = [
        _block(authority, child, choice, days)
        for child, choice in zip(children, assignment, strict=True)
        if choice is not None
    ]
    starts = exact_times(authority, blocks)
    if starts is None:
        return None
    plan = _plan(authority, links, blocks, starts)
    if not valid_times(authority, plan):
        raise AssertionError(f"the oracle's times break a rule: {check_plan(authority, plan)}")
    return plan


def _block(
    authority: Authority,
    child: Child,
    choice: tuple[ReviewModel, str, int],
    days: Sequence[date],
) -> Block:
    model, pid, day = choice
    pre = authority.config.review.pre_meeting_minutes if model == "joint" else 0
    point = _point(authority, child, model, pid)
    return Block(child, model, pid, days[day], pre, meeting_minutes(child, authority), point)


def _plan(
    authority: Authority,
    links: Mapping[str, str],
    blocks: Sequence[Block],
    starts: Mapping[str, int],
) -> Plan:
    hi = authority.config.review.window_months[1]
    appointments = [
        Appointment(
            child_id=b.child.child_id,
            setting_id=b.child.setting_id,
            practitioner_id=b.pid,
            key_person_id=b.child.key_person_id,
            date=b.day,
            pre_meeting_start=starts[b.child.child_id] if b.model == "joint" else None,
            start=starts[b.child.child_id] + b.pre,
            end=starts[b.child.child_id] + b.pre + b.meeting,
            location=LOCATION_OF_MODEL[b.model],
            age_months=age_months(b.child.date_of_birth, b.day),
            in_window=b.day <= add_months(b.child.date_of_birth, hi),
            model=b.model,
        )
        for b in blocks
    ]
    return Plan(
        links=[
            Link(sid, pid, 0, 0, 0.0, authority.settings[sid].link_practitioner_id == pid)
            for sid, pid in links.items()
        ],
        appointments=appointments,
        unscheduled=[],
    )


def every_links(authority: Authority) -> Iterator[dict[str, str]]:
    """Every way of giving each setting one of the practitioners as its link."""
    settings = list(authority.settings)
    for chosen in itertools.product(list(authority.practitioners), repeat=len(settings)):
        yield dict(zip(settings, chosen, strict=True))


def valid_times(authority: Authority, plan: Plan) -> bool:
    """The independent checker's verdict on the rules a partial plan can be judged by."""
    report = check_plan(authority, plan)
    ignored = {"every_due_child_once", "links_valid", "summary_consistent"}
    return all(v.rule in ignored for v in report.violations)
