"""The day model of one piece, in CP-SAT: which children each practitioner sees on which day,
in which kind of review.

Variables ``see[c,o,d]`` (child c in option o — a kind of review with a practitioner — on
review day d) and ``visit[p,s,d]`` (practitioner p at place s on day d). Every constraint is a
*necessary* condition of the contract's time rules, so the model is a relaxation of the exact
problem and CP-SAT's bound is an honest bound; exact times are laid out afterwards
(:mod:`scheduler.scheduling.layout`) and the rare day that cannot be laid out is repaired. One
function per rule, one per objective term.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from scheduler.scheduling.problem import ChildJob, GroupProblem, Option
from scheduler.stopping import StopSignal, stop_search_on


@dataclass
class DayModel:
    """The CP-SAT model with its variables, queryable by child, option, day and place."""

    problem: GroupProblem
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    see: dict[tuple[str, int, int], cp_model.IntVar] = field(default_factory=dict)
    """(child, option index, day) -> seen in that option that day."""
    visit: dict[tuple[str, str, int], cp_model.IntVar] = field(default_factory=dict)
    week_peak: dict[str, cp_model.IntVar] = field(default_factory=dict)
    gains: list[tuple[int, cp_model.IntVar]] = field(default_factory=list)

    def options(self) -> Iterator[tuple[ChildJob, int, Option, int]]:
        """Every (child, option index, option, day) the model has a variable for."""
        for child in self.problem.children:
            for index, option in enumerate(child.options):
                for day in option.days:
                    yield child, index, option, day

    def on_day(self) -> dict[tuple[str, int], list[tuple[tuple[str, int, int], Option]]]:
        """(practitioner, day) -> the variables' keys (and options) that could be seen then."""
        out: dict[tuple[str, int], list[tuple[tuple[str, int, int], Option]]] = defaultdict(list)
        for child, index, option, day in self.options():
            out[(option.practitioner_id, day)].append(((child.child_id, index, day), option))
        return out


def add_variables(m: DayModel) -> None:
    for child, index, option, day in m.options():
        m.see[(child.child_id, index, day)] = m.model.new_bool_var(
            f"see[{child.child_id},{option.model},{option.practitioner_id},d{day}]"
        )
        place_key = (option.practitioner_id, option.place, day)
        if place_key not in m.visit:
            m.visit[place_key] = m.model.new_bool_var(
                f"visit[{option.practitioner_id},{option.place},d{day}]"
            )


def at_most_one_review(m: DayModel) -> None:
    """Each child is reviewed at most once; a pinned child exactly in the pinned slot."""
    for child in m.problem.children:
        chosen = [
            m.see[(child.child_id, i, d)] for i, o in enumerate(child.options) for d in o.days
        ]
        if child.pinned is not None:
            key = (child.child_id, child.pinned[0], child.pinned[1])
            if key in m.see:
                m.model.add(m.see[key] == 1)
        if chosen:
            m.model.add_at_most_one(chosen)


def review_needs_visit(m: DayModel) -> None:
    """A review at a place means the practitioner visits it that day (and only then)."""
    seen_at: dict[tuple[str, str, int], list[cp_model.IntVar]] = defaultdict(list)
    for child, index, option, day in m.options():
        var = m.see[(child.child_id, index, day)]
        key = (option.practitioner_id, option.place, day)
        m.model.add_implication(var, m.visit[key])
        seen_at[key].append(var)
    for key, vars_ in seen_at.items():
        m.model.add(m.visit[key] <= sum(vars_))


def max_reviews_per_day(m: DayModel) -> None:
    limits = {p.practitioner_id: p.max_per_day for p in m.problem.practitioners}
    for (pid, _day), keys in m.on_day().items():
        if len(keys) > limits[pid]:
            m.model.add(sum(m.see[k] for k, _ in keys) <= limits[pid])


def time_fits_each_visit(m: DayModel) -> None:
    """The reviews at one place fit between the earliest start and the latest end any of them
    may have there (hours, opening hours, the journeys from and back to base)."""
    at_place: dict[tuple[str, str, int], list[tuple[tuple[str, int, int], Option]]] = defaultdict(
        list
    )
    for (_pid, day), keys in m.on_day().items():
        for key, option in keys:
            at_place[(option.practitioner_id, option.place, day)].append((key, option))
    for keys in at_place.values():
        span = max(o.window_end for _, o in keys) - min(o.window_start for _, o in keys)
        if sum(o.duration for _, o in keys) > span:
            m.model.add(sum(o.duration * m.see[k] for k, o in keys) <= span)


def time_fits_the_day(m: DayModel) -> None:
    """Reviews plus the least possible travel into each place visited fit in the working day
    (from base when the day starts there; otherwise the first place needs no journey)."""
    info = {p.practitioner_id: p for p in m.problem.practitioners}
    for (pid, day), keys in m.on_day().items():
        p = info[pid]
        places = sorted({o.place for _, o in keys})
        incoming = [p.min_incoming[s] for s in places]
        slack = 0 if p.from_base else max(incoming)
        work = sum(o.duration for _, o in keys) + sum(incoming) - slack
        if work <= p.day_length:
            continue
        m.model.add(
            sum(o.duration * m.see[k] for k, o in keys)
            + sum(p.min_incoming[s] * m.visit[(pid, s, day)] for s in places)
            <= p.day_length + slack
        )


def review_worth(problem: GroupProblem, child: ChildJob, index: int, day: int) -> int:
    """What seeing ``child`` in option ``index`` on ``day`` adds to the objective: its value
    (priority + in-window/early bonus + own kind of review), + stability in a re-plan."""
    value = child.options[index].value_on(day)
    if child.previous is not None and child.previous[:2] == (index, day):
        value += problem.stability_bonus
    return value


def coverage_gain(m: DayModel) -> None:
    """Objective: the worth of each review in its slot."""
    for child, index, _option, day in m.options():
        worth = review_worth(m.problem, child, index, day)
        m.gains.append((worth, m.see[(child.child_id, index, day)]))


def visit_cost(m: DayModel) -> None:
    """Objective: each visit costs (fewer visits, less travel: batch reviews at a setting)."""
    info = {p.practitioner_id: p for p in m.problem.practitioners}
    for (pid, place, _day), var in m.visit.items():
        cost = info[pid].visit_cost[place]
        if cost:
            m.gains.append((-cost, var))


def add_week_peaks(m: DayModel) -> None:
    """Each practitioner's busiest week as a variable (when it costs anything): at least the
    reviews of each of their weeks."""
    if not m.problem.week_peak_cost:
        return
    by_week: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for child, index, option, day in m.options():
        by_week[(option.practitioner_id, m.problem.week_of_day[day])].append(
            m.see[(child.child_id, index, day)]
        )
    for p in m.problem.practitioners:
        pid = p.practitioner_id
        weeks = [vars_ for (q, _w), vars_ in by_week.items() if q == pid]
        if not weeks:
            continue
        peak = m.model.new_int_var(0, max(len(v) for v in weeks), f"week_peak[{pid}]")
        for vars_ in weeks:
            m.model.add(sum(vars_) <= peak)
        m.week_peak[pid] = peak


def busiest_week(m: DayModel) -> None:
    """Objective: each practitioner's busiest week costs, spreading reviews over the term."""
    for peak in m.week_peak.values():
        m.gains.append((-m.problem.week_peak_cost, peak))


HARD_RULES = (
    at_most_one_review,
    review_needs_visit,
    max_reviews_per_day,
    time_fits_each_visit,
    time_fits_the_day,
)
"""Every one a necessary condition of the contract's rules (so the model is a relaxation and
its bound is a bound); a parent's meetings not overlapping is left to the exact layout."""
OBJECTIVE_TERMS = (coverage_gain, visit_cost, busiest_week)


def build_day_model(problem: GroupProblem) -> DayModel:
    m = DayModel(problem)
    add_variables(m)
    for rule in HARD_RULES:
        rule(m)
    add_week_peaks(m)
    _set_objective(m)
    return m


def _set_objective(m: DayModel) -> None:
    m.gains = []
    for term in OBJECTIVE_TERMS:
        term(m)
    m.model.clear_objective()  # type: ignore[no-untyped-call]
    m.model.maximize(sum(coef * var for coef, var in m.gains))


def structure_key(problem: GroupProblem) -> bytes:
    """What a piece's model is built from, without what it is worth: two pieces with the same
    key have the same variables and constraints, and differ at most in the objective.

    Only fields the objective alone reads are left out (the options' values, the visits'
    costs, the stability bonus and previous slots, the children's priority and urgency order,
    and how much a busy week costs — though not whether it costs anything).
    """
    plain = replace(
        problem,
        practitioners=tuple(replace(p, visit_cost={}) for p in problem.practitioners),
        children=tuple(
            replace(
                child,
                options=tuple(replace(o, values=()) for o in child.options),
                priority=0,
                window_end_day=0,
                previous=None,
            )
            for child in problem.children
        ),
        week_peak_cost=int(problem.week_peak_cost != 0),
        stability_bonus=0,
    )
    return hashlib.blake2b(pickle.dumps(plain, protocol=5), digest_size=16).digest()


def reweighted(m: DayModel, problem: GroupProblem) -> DayModel:
    """``m`` made the model of ``problem``, which has the same :func:`structure_key`: the
    objective set afresh from its worth, the previous hints dropped (a what-if: the same
    constraints, other weights, no rebuilding)."""
    m.problem = problem
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    _set_objective(m)
    return m


def reweighting_bound(
    old: GroupProblem,
    old_bound: int,
    new: GroupProblem,
    old_key: bytes | None = None,
    new_key: bytes | None = None,
) -> int | None:
    """A bound of ``new`` from a proven bound of ``old``, the same model with other weights
    (a what-if); ``None`` when their models differ.

    Both maximise over the same solutions, so best(new) <= best(old) + best(new - old), and
    the second term is at most what each child could gain in their best slot, plus what each
    visit's cost falls by on each day, plus what a busy week's cost falls by times the
    piece's children (more than any week holds). Cheap (no search), and tight when the
    weights change what few children the old plan left out are worth: the old bound was
    proven with all the time the plan had. ``old_key`` and ``new_key`` are their
    :func:`structure_key`, if known.
    """
    if (old_key or structure_key(old)) != (new_key or structure_key(new)):
        return None
    gain = 0
    for before, after in zip(old.children, new.children, strict=True):
        best = 0
        for index, option in enumerate(after.options):
            for day in option.days:
                rise = review_worth(new, after, index, day) - review_worth(old, before, index, day)
                best = max(best, rise)
        gain += best
    days = len({day for child in new.children for option in child.options for day in option.days})
    for p_old, p_new in zip(old.practitioners, new.practitioners, strict=True):
        for place, cost in p_new.visit_cost.items():
            fall = p_old.visit_cost.get(place, 0) - cost
            gain += max(0, fall) * days
    gain += max(0, old.week_peak_cost - new.week_peak_cost) * len(new.children)
    return old_bound + gain


@dataclass(frozen=True, slots=True)
class DayModelResult:
    status: str
    choice: dict[str, tuple[int, int]]
    """child -> (option index, day index) of every child the solution sees."""
    objective: int
    bound: int | None
    """CP-SAT's proven bound; ``None`` when the search proved none."""
    seconds: float


def add_complete_hint(m: DayModel, hint: dict[str, tuple[int, int]]) -> None:
    """Hint every variable (an incomplete hint must be completed by search, which can take
    CP-SAT longer than a short time limit): the reviews, the visits and the busiest weeks."""
    visited: set[tuple[str, str, int]] = set()
    per_week: dict[tuple[str, int], int] = defaultdict(int)
    for child, index, option, day in m.options():
        chosen = hint.get(child.child_id) == (index, day)
        m.model.add_hint(m.see[(child.child_id, index, day)], int(chosen))
        if chosen:
            visited.add((option.practitioner_id, option.place, day))
            per_week[(option.practitioner_id, m.problem.week_of_day[day])] += 1
    for key, var in m.visit.items():
        m.model.add_hint(var, int(key in visited))
    for pid, var in m.week_peak.items():
        m.model.add_hint(var, max((n for (p, _), n in per_week.items() if p == pid), default=0))


def solve_day_model(
    m: DayModel,
    *,
    hint: dict[str, tuple[int, int]],
    time_limit: float,
    seed: int = 0,
    workers: int = 1,
    stop: StopSignal | None = None,
    deterministic: bool = False,
) -> DayModelResult:
    """Solve with the warm start as a hint; returns the chosen day of each seen child.

    When ``stop`` is set the search ends at once with its best solution so far.
    """
    add_complete_hint(m, hint)
    solver = cp_model.CpSolver()
    if deterministic:  # the same answer on any machine: work, not seconds, is the limit
        solver.parameters.max_deterministic_time = max(0.05, time_limit)
    else:
        solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # The LP with cuts gives a near-exact bound here and guides the search (measured: gap
    # 0.3% vs 2.4% at 10 s on a 155-child piece).
    solver.parameters.linearization_level = 2
    with stop_search_on(stop, solver):
        status = solver.solve(m.model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Without a solution there is nothing to tell an unset bound (reported as 0 when the
        # search stops in presolve) from a real one: use none.
        return DayModelResult(name, {}, 0, None, solver.wall_time)
    bound = solver.best_objective_bound
    value = solver.objective_value
    # A search stopped very early can report an unset bound (0) below its own solution: that
    # is no bound at all, so it is not used.
    proven = math.floor(bound + 1e-6) if value - 1e-6 <= bound < 1e18 else None
    choice = {
        cid: (index, day) for (cid, index, day), var in m.see.items() if solver.boolean_value(var)
    }
    return DayModelResult(name, choice, round(solver.objective_value), proven, solver.wall_time)
