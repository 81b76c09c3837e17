"""Tiny stage-2 problems for unit tests of the day model, the rota and the solve, by hand.

A :class:`~scheduler.scheduling.problem.GroupProblem` is plain data, so a test can state the
few numbers it is about and let everything else default::

    problem = group_problem(
        job("C001", option(days=(0, 1))),
        job("C002", option(days=(0,))),
        practitioners=[practitioner(max_per_day=1)],
    )

Defaults: one practitioner ``P001`` working days 0..4 (one week), 09:00–17:00, at most six
reviews a day; an option is a 60-minute joint block (15 minutes' pre-meeting) at
``setting:S001`` worth 1,000 (one point) on each of its days; visits cost nothing, places are
10 minutes apart, and nothing is pinned or kept. :func:`group_problem` fills in, for every
practitioner, the costs and journeys of any place their options use that the test left out.

The second half helps tests that force the model to one assignment (:func:`with_rules`,
:func:`feasible`, :func:`solve_value`) and that map a real plan's appointments onto the
model's variables (:func:`choice_of`), so the model can be shown to admit a contract-valid
plan checked by :func:`scheduler.check.check_plan`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import permutations

from builders import hm
from ortools.sat.python import cp_model

from scheduler.availability import Availability
from scheduler.config import ReviewModel
from scheduler.plan import Appointment
from scheduler.scheduling.model import DayModel, add_variables, add_week_peaks, busiest_week
from scheduler.scheduling.problem import ChildJob, GroupProblem, Option, PractitionerDays
from scheduler.scheduling.rota import Rota

DAY_START = hm("09:00")
DAY_END = hm("17:00")
TRAVEL = 10
"""Minutes between any two different places unless a test says otherwise."""

Key = tuple[str, int, int]
"""A ``see`` variable's key: (child, option index, day index)."""
Rule = Callable[[DayModel], None]


def option(
    days: Sequence[int] = (0,),
    *,
    model: ReviewModel = "joint",
    practitioner_id: str = "P001",
    place: str = "setting:S001",
    duration: int = 60,
    pre: int | None = None,
    window: tuple[int, int] = (DAY_START, DAY_END),
    values: Sequence[int] | None = None,
    locked_day: int | None = None,
    locked_start: int | None = None,
) -> Option:
    """One kind of review with one practitioner; worth 1,000 a day unless ``values`` say."""
    return Option(
        model=model,
        practitioner_id=practitioner_id,
        place=place,
        duration=duration,
        pre=(15 if model == "joint" else 0) if pre is None else pre,
        window_start=window[0],
        window_end=window[1],
        days=tuple(days),
        values=tuple(values) if values is not None else (1000,) * len(days),
        locked_day=locked_day,
        locked_start=locked_start,
    )


def clinic(
    days: Sequence[int] = (0,),
    *,
    practitioner_id: str = "P001",
    duration: int = 45,
    values: Sequence[int] | None = None,
) -> Option:
    """A separate review at ``practitioner_id``'s base: 45 minutes, no pre-meeting."""
    return option(
        days,
        model="separate",
        practitioner_id=practitioner_id,
        place=f"clinic:{practitioner_id}",
        duration=duration,
        values=values,
    )


def job(
    child_id: str = "C001",
    *options: Option,
    priority: int = 1000,
    window_end_day: int | None = None,
    parent: str | None = None,
    pinned: tuple[int, int, int | None] | None = None,
    previous: tuple[int, int, int] | None = None,
) -> ChildJob:
    """A child to book with these options (one default option when none is given)."""
    chosen = options or (option(),)
    last = max(d for o in chosen for d in o.days)
    return ChildJob(
        child_id=child_id,
        options=tuple(chosen),
        priority=priority,
        window_end_day=last if window_end_day is None else window_end_day,
        parent=parent,
        pinned=pinned,
        previous=previous,
    )


def practitioner(
    practitioner_id: str = "P001",
    *,
    max_per_day: int = 6,
    day_length: int = DAY_END - DAY_START,
    days: Sequence[int] = range(5),
    visit_cost: Mapping[str, int] | None = None,
    min_incoming: Mapping[str, int] | None = None,
    from_base: bool = True,
    travel: Mapping[tuple[str, str], int] | None = None,
) -> PractitionerDays:
    """A practitioner's limits; places missing from the mappings are filled by
    :func:`group_problem` (cost 0, :data:`TRAVEL` minutes between places, no journey in)."""
    return PractitionerDays(
        practitioner_id=practitioner_id,
        max_per_day=max_per_day,
        day_length=day_length,
        days=tuple(days),
        visit_cost=dict(visit_cost or {}),
        min_incoming=dict(min_incoming or {}),
        from_base=from_base,
        travel=dict(travel or {}),
    )


def group_problem(
    *jobs: ChildJob,
    practitioners: Iterable[PractitionerDays] | None = None,
    week_of_day: Sequence[int] | None = None,
    week_peak_cost: int = 0,
    stability_bonus: int = 0,
) -> GroupProblem:
    """The problem of these children; practitioners default to one per id the options use."""
    ids = list(dict.fromkeys(o.practitioner_id for j in jobs for o in j.options))
    given = {p.practitioner_id: p for p in practitioners or ()}
    infos = []
    for pid in dict.fromkeys([*given, *ids]):
        p = given.get(pid) or practitioner(pid)
        places = sorted({o.place for j in jobs for o in j.options if o.practitioner_id == pid})
        travel = {(a, b): p.travel.get((a, b), TRAVEL) for a, b in permutations(places, 2)} | dict(
            p.travel
        )
        infos.append(
            replace(
                p,
                visit_cost={s: 0 for s in places} | dict(p.visit_cost),
                min_incoming={s: 0 for s in places} | dict(p.min_incoming),
                travel=travel,
            )
        )
    n_days = 1 + max((d for j in jobs for o in j.options for d in o.days), default=0)
    return GroupProblem(
        practitioners=tuple(infos),
        children=tuple(jobs),
        week_of_day=tuple(week_of_day) if week_of_day is not None else (0,) * n_days,
        week_peak_cost=week_peak_cost,
        stability_bonus=stability_bonus,
    )


# --------------------------------------------------------------------------- forcing the model


def with_rules(problem: GroupProblem, *rules: Rule) -> DayModel:
    """The day model's variables with only these rules (and terms) added: a test of one rule
    that also passes without it tests something else."""
    m = DayModel(problem)
    add_variables(m)
    if busiest_week in rules:  # the term prices the busiest-week variables, made apart
        add_week_peaks(m)
    for rule in rules:
        rule(m)
    return m


def constraints(m: DayModel) -> int:
    """How many constraints the model holds (to show a rule really posted one)."""
    return len(m.model.proto.constraints)


def fix(m: DayModel, seen: Iterable[Key], *, visits: bool = True) -> None:
    """Force the reviews ``seen`` to 1 and every other review to 0; with ``visits``, also the
    visits they make (a place visited on a day exactly when someone is seen there)."""
    chosen = set(seen)
    missing = chosen - set(m.see)
    assert not missing, f"no such review variables: {sorted(missing)}"
    visited = set()
    for child, index, option, day in m.options():
        key = (child.child_id, index, day)
        m.model.add(m.see[key] == int(key in chosen))
        if key in chosen:
            visited.add((option.practitioner_id, option.place, day))
    if visits:
        for place_key, var in m.visit.items():
            m.model.add(var == int(place_key in visited))


def _solve(m: DayModel) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20.0
    return solver.solve(m.model), solver


def feasible(m: DayModel) -> bool:
    """Whether CP-SAT finds the model feasible (it proves either answer on these sizes)."""
    status, _ = _solve(m)
    assert status != cp_model.UNKNOWN, "tiny models must be decided"
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def solve_value(m: DayModel) -> int:
    """The optimum of ``sum(gains)`` (the model's objective) for the model as it stands."""
    m.model.maximize(sum(coef * var for coef, var in m.gains))
    status, solver = _solve(m)
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    return round(solver.objective_value)


def choice_of(
    problem: GroupProblem, availability: Availability, appointments: Iterable[Appointment]
) -> dict[str, tuple[int, int]]:
    """Each appointment as the model sees it: child -> (option index, day index)."""
    jobs = {j.child_id: j for j in problem.children}
    out = {}
    for a in appointments:
        options = jobs[a.child_id].options
        (index,) = [
            i
            for i, o in enumerate(options)
            if o.model == a.model and o.practitioner_id == a.practitioner_id
        ]
        out[a.child_id] = (index, availability.term.index[a.date])
    return out


def keys(choice: Mapping[str, tuple[int, int]]) -> list[Key]:
    """A choice as ``see`` keys."""
    return [(cid, index, day) for cid, (index, day) in choice.items()]


def best_by_enumeration(problem: GroupProblem) -> int:
    """The best rota objective over every assignment of children to slots, each laid out in
    exact times by :class:`~scheduler.scheduling.rota.Rota` (tiny problems only)."""
    choices = [
        [None, *((i, d) for i, o in enumerate(j.options) for d in o.days)] for j in problem.children
    ]
    best = 0
    for assignment in itertools.product(*choices):
        rota = Rota(problem)
        if all(
            slot is None or rota.try_add(j.child_id, slot)
            for j, slot in zip(problem.children, assignment, strict=True)
        ):
            best = max(best, rota.objective())
    return best
