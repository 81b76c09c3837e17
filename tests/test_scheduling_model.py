"""The CP-SAT day model, rule by rule and term by term (scheduler/scheduling/model.py).

Every hard rule has a pair of tests, in the style of Timefold's constraint tests:

- ``test_<rule>_forbids_<what>``: on a tiny hand-made problem the assignment that breaks the
  rule is fixed, and the model holding *only that rule* is INFEASIBLE, while the model without
  it is FEASIBLE (so the test cannot be passing because of another rule);
- ``test_<rule>_admits_<what>``: the smallest contract-valid plan the rule would be most
  tempted to forbid (built from records, confirmed by the independent checker) is FEASIBLE in
  the full model, and the rule did post a constraint there (issue #13: the model is a
  relaxation of the contract, rule by rule, so its bound is a bound).

Each objective term has tests that its contribution is the one ``docs/model.md`` states.
:func:`test_every_rule_and_term_has_its_tests` fails when a rule or term is added untested.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from builders import (
    appointment_for,
    child_at_home,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from problem_builders import (
    Key,
    Rule,
    choice_of,
    clinic,
    constraints,
    feasible,
    fix,
    group_problem,
    job,
    keys,
    option,
    practitioner,
    solve_value,
    with_rules,
)

from scheduler.availability import Availability
from scheduler.check import check_plan
from scheduler.domain import Authority
from scheduler.plan import Appointment
from scheduler.scheduling.model import (
    HARD_RULES,
    OBJECTIVE_TERMS,
    at_most_one_review,
    build_day_model,
    busiest_week,
    coverage_gain,
    max_reviews_per_day,
    review_needs_visit,
    reweighted,
    reweighting_bound,
    solve_day_model,
    structure_key,
    time_fits_each_visit,
    time_fits_the_day,
    visit_cost,
)
from scheduler.scheduling.problem import GroupProblem, build_problem

ONE_DAY = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
DAY = date(2026, 9, 8)


def assert_forbids(problem: GroupProblem, rule: Rule, seen: Sequence[Key]) -> None:
    """Reviews ``seen`` (and no others, with their visits) break ``rule`` alone: feasible
    without it, not with it."""
    free = with_rules(problem)
    fix(free, seen)
    assert feasible(free), "the assignment must be possible when the rule is left out"
    ruled = with_rules(problem, rule)
    fix(ruled, seen)
    assert not feasible(ruled), f"{rule.__name__} should forbid {seen}"


def assert_admits(
    authority: Authority,
    appointments: Sequence[Appointment],
    rule: Rule,
    *,
    one_more: Key | None = None,
) -> GroupProblem:
    """The plan of ``appointments`` (everyone else due unscheduled) is contract-valid, ``rule``
    posts a constraint on its problem, and the full model admits the plan. With ``one_more``,
    also: that review added to the plan is what the rule alone forbids (the plan is at the
    rule's limit, not far inside it)."""
    seen_ids = {a.child_id for a in appointments}
    unseen = [
        make_unscheduled(c.child_id, c.setting_id)
        for c in authority.children.values()
        if c.child_id not in seen_ids
    ]
    report = check_plan(authority, make_plan(authority, appointments, unseen))
    assert report.ok, report.violations
    availability = Availability(authority)
    links = {s.setting_id: s.link_practitioner_id for s in authority.settings.values()}
    problem = build_problem(
        authority,
        availability,
        {sid: pid for sid, pid in links.items() if pid is not None},
        children=availability.due,
    )
    assert constraints(with_rules(problem, rule)) > constraints(with_rules(problem)), (
        f"{rule.__name__} posts nothing here, so admitting the plan would prove nothing"
    )
    plan_keys = keys(choice_of(problem, availability, appointments))
    full = build_day_model(problem)
    fix(full, plan_keys)
    assert feasible(full), "the model must admit every contract-valid plan"
    if one_more is not None:
        assert_forbids(problem, rule, [*plan_keys, one_more])
    return problem


def authority_of(*children: object, **records: object) -> Authority:
    """A one-day authority (Tue 8 Sep 2026) of these children and records."""
    config = records.pop("config", None) or make_config(term=ONE_DAY)
    return make_authority(children=list(children), config=config, **records)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- at_most_one_review


def test_at_most_one_review_forbids_a_child_seen_twice() -> None:
    """A child with two options, or one option on two days, may not be seen twice."""
    two_kinds = group_problem(
        job("C001", option((0,)), clinic((0,), practitioner_id="P002")),
    )
    assert_forbids(two_kinds, at_most_one_review, [("C001", 0, 0), ("C001", 1, 0)])
    two_days = group_problem(job("C001", option((0, 1))))
    assert_forbids(two_days, at_most_one_review, [("C001", 0, 0), ("C001", 0, 1)])


def test_at_most_one_review_forbids_leaving_a_pinned_child_out() -> None:
    """An accepted pin is kept: the pinned child must be seen in the pinned slot."""
    problem = group_problem(job("C001", option((0, 1)), pinned=(0, 1, None)))
    assert_forbids(problem, at_most_one_review, [])
    assert_forbids(problem, at_most_one_review, [("C001", 0, 0)])


def test_at_most_one_review_admits_siblings_seen_by_two_practitioners_the_same_day() -> None:
    """A child offered to two practitioners is seen once, by the second, on the day their
    sibling is seen by the first (the contract only keeps the parent's meetings apart)."""
    authority = authority_of(
        make_child("C001", parent_email="parent@example.org", practitioner_id="P002"),
        make_child("C002", parent_email="parent@example.org"),
        practitioners=[make_practitioner(), make_practitioner("P002")],
        config=make_config(term=ONE_DAY, review={"fallback": ["separate"]}),
    )
    plan = [
        appointment_for(authority, "C002", DAY, hm("10:00")),
        appointment_for(authority, "C001", DAY, hm("11:00"), model="separate"),
    ]
    problem = assert_admits(authority, plan, at_most_one_review)
    (c001,) = [j for j in problem.children if j.child_id == "C001"]
    assert {o.practitioner_id for o in c001.options} == {"P001", "P002"}


def test_at_most_one_review_admits_a_pinned_child_in_the_pinned_slot() -> None:
    """A pinned child seen in their pinned slot, other slots left, is feasible."""
    problem = group_problem(job("C001", option((0, 1)), pinned=(0, 1, None)), job("C002"))
    m = with_rules(problem, at_most_one_review)
    fix(m, [("C001", 0, 1), ("C002", 0, 0)])
    assert feasible(m)


# --------------------------------------------------------------------------- review_needs_visit


def test_review_needs_visit_forbids_a_review_without_a_visit() -> None:
    """Seeing a child at a place that day means visiting it."""
    problem = group_problem(job("C001"))
    for rules in ((), (review_needs_visit,)):
        m = with_rules(problem, *rules)
        fix(m, [("C001", 0, 0)], visits=False)
        m.model.add(m.visit[("P001", "setting:S001", 0)] == 0)
        assert feasible(m) is (not rules)


def test_review_needs_visit_forbids_a_visit_without_a_review() -> None:
    """A visit (and its cost) happens only when someone is seen there that day."""
    problem = group_problem(job("C001"))
    for rules in ((), (review_needs_visit,)):
        m = with_rules(problem, *rules)
        fix(m, [], visits=False)
        m.model.add(m.visit[("P001", "setting:S001", 0)] == 1)
        assert feasible(m) is (not rules)


def test_review_needs_visit_admits_one_visit_for_many_reviews_and_a_clinic_the_same_day() -> None:
    """Two reviews at one setting in a single visit, and a clinic review at base the same day."""
    authority = authority_of(
        make_child("C001"),
        make_child("C002"),
        make_child("C003", review_model="separate", practitioner_id="P001"),
    )
    plan = [
        appointment_for(authority, "C003", DAY, hm("09:00")),
        appointment_for(authority, "C001", DAY, hm("10:15")),
        appointment_for(authority, "C002", DAY, hm("11:15")),
    ]
    assert_admits(authority, plan, review_needs_visit)


# --------------------------------------------------------------------------- max_reviews_per_day


def test_max_reviews_per_day_forbids_one_more_than_the_limit() -> None:
    """At most ``max_reviews_per_day`` reviews a day, whatever their kind and place."""
    problem = group_problem(
        job("C001"),
        job("C002", clinic()),
        job("C003", option(place="home:C003", model="home", pre=0)),
        practitioners=[practitioner(max_per_day=2)],
    )
    assert_forbids(problem, max_reviews_per_day, [("C001", 0, 0), ("C002", 0, 0), ("C003", 0, 0)])


def test_max_reviews_per_day_admits_the_limit_exactly_in_three_kinds() -> None:
    """Three reviews (joint, clinic, home) on a day with a limit of three are admitted; a
    fourth is what the rule forbids."""
    authority = authority_of(
        make_child("C001"),
        make_child("C002", review_model="separate", practitioner_id="P001"),
        child_at_home("C003"),
        make_child("C004"),
        practitioners=[make_practitioner(max_reviews_per_day=3)],
    )
    plan = [
        appointment_for(authority, "C002", DAY, hm("09:00")),
        appointment_for(authority, "C001", DAY, hm("10:15")),
        appointment_for(authority, "C003", DAY, hm("11:15")),
    ]
    assert_admits(authority, plan, max_reviews_per_day, one_more=("C004", 0, 0))


# --------------------------------------------------------------------------- time_fits_each_visit


def test_time_fits_each_visit_forbids_more_minutes_than_the_place_is_open() -> None:
    """Three 60-minute blocks do not fit in a setting's two open hours."""
    window = (hm("09:00"), hm("11:00"))
    problem = group_problem(*(job(f"C00{i}", option(window=window)) for i in range(1, 4)))
    assert_forbids(problem, time_fits_each_visit, [("C001", 0, 0), ("C002", 0, 0), ("C003", 0, 0)])


def test_time_fits_each_visit_admits_blocks_filling_the_hours_to_the_minute() -> None:
    """A setting open 09:00–11:00 holds two 60-minute joint blocks back to back; a third
    block is what the rule forbids."""
    authority = authority_of(
        make_child("C001"),
        make_child("C002"),
        make_child("C003"),
        settings=[make_setting(open_time=hm("09:00"), close_time=hm("11:00"))],
    )
    plan = [
        appointment_for(authority, "C001", DAY, hm("09:15")),
        appointment_for(authority, "C002", DAY, hm("10:15")),
    ]
    assert_admits(authority, plan, time_fits_each_visit, one_more=("C003", 0, 0))


# --------------------------------------------------------------------------- time_fits_the_day


def test_time_fits_the_day_forbids_reviews_and_journeys_longer_than_the_day() -> None:
    """Two 45-minute reviews at two places 30 minutes from anywhere do not fit a 2-hour day
    that starts at base (90 + 30 + 30 > 120)."""
    problem = group_problem(
        job("C001", option(place="setting:S001", duration=45)),
        job("C002", option(place="setting:S002", duration=45)),
        practitioners=[
            practitioner(
                day_length=120,
                min_incoming={"setting:S001": 30, "setting:S002": 30},
                travel={("setting:S001", "setting:S002"): 30, ("setting:S002", "setting:S001"): 30},
            )
        ],
    )
    assert_forbids(problem, time_fits_the_day, [("C001", 0, 0), ("C002", 0, 0)])


def test_time_fits_the_day_admits_a_day_exactly_full_without_a_journey_in() -> None:
    """When the day does not start at base, two settings' blocks and the one journey between
    them fill the day to the minute: the first place needs no journey in."""
    s2 = make_setting("S002", lat=51.5600)
    authority = authority_of(
        make_child("C001"),
        make_child("C002", setting_id="S002", key_person_id="K002"),
        make_child("C003"),
        settings=[make_setting(), s2],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        practitioners=[make_practitioner(day_start=hm("09:00"), day_end=hm("11:05"))],
        config=make_config(term=ONE_DAY, travel={"day_starts_at_base": False}),
    )
    availability = Availability(authority)
    places = [availability.place(c, "joint", "P001") for c in availability.due[:2]]
    assert places[0] is not None and places[1] is not None
    assert availability.travel(places[0], places[1]) == 5
    plan = [
        appointment_for(authority, "C001", DAY, hm("09:15")),  # block 09:00-10:00
        appointment_for(authority, "C002", DAY, hm("10:20")),  # 5 minutes on: 10:05-11:05
    ]
    assert_admits(authority, plan, time_fits_the_day, one_more=("C003", 0, 0))


def test_time_fits_the_day_admits_a_day_from_base_full_to_the_minute() -> None:
    """With the day starting at base: a clinic review, the journey out, a joint review and
    the journey back fill the day exactly."""
    authority = authority_of(
        make_child("C001", review_model="separate", practitioner_id="P001"),
        make_child("C002"),
        make_child("C003"),
        practitioners=[make_practitioner(day_start=hm("09:00"), day_end=hm("10:55"))],
    )
    plan = [
        appointment_for(authority, "C001", DAY, hm("09:00")),  # clinic 09:00-09:45
        appointment_for(authority, "C002", DAY, hm("10:05")),  # block 09:50-10:50, +5 back
    ]
    assert_admits(authority, plan, time_fits_the_day, one_more=("C003", 0, 0))


# --------------------------------------------------------------------------- objective terms


def objective(problem: GroupProblem, term: Rule, seen: Sequence[Key]) -> int:
    """The model's objective with only ``term`` in it, the reviews fixed to ``seen`` (visits
    and busiest weeks follow from the hard rules)."""
    m = with_rules(problem, *HARD_RULES, term)
    fix(m, seen)
    return solve_value(m)


def test_coverage_gain_is_the_value_of_each_review_on_its_day() -> None:
    """Each review adds its option's value on the day it is seen; unseen children add none."""
    problem = group_problem(
        job("C001", option((0, 1), values=(700, 900))),
        job("C002", clinic((0,), values=(1234,))),
        job("C003"),
    )
    assert objective(problem, coverage_gain, []) == 0
    assert objective(problem, coverage_gain, [("C001", 0, 1)]) == 900
    assert objective(problem, coverage_gain, [("C001", 0, 0), ("C002", 0, 0)]) == 700 + 1234


def test_coverage_gain_adds_the_stability_bonus_only_in_the_previous_slot() -> None:
    """A re-plan's bonus is earned by keeping the previous option and day, no other."""
    problem = group_problem(
        job("C001", option((0, 1), values=(500, 500)), previous=(0, 1, hm("10:00"))),
        stability_bonus=600,
    )
    assert objective(problem, coverage_gain, [("C001", 0, 1)]) == 500 + 600
    assert objective(problem, coverage_gain, [("C001", 0, 0)]) == 500


def test_visit_cost_is_paid_once_per_place_and_day_visited() -> None:
    """Two reviews at a setting in one visit cost one visit; on two days, two visits; the
    practitioner's own clinic costs nothing."""
    problem = group_problem(
        job("C001", option((0, 1))),
        job("C002", option((0, 1))),
        job("C003", clinic((0,))),
        practitioners=[practitioner(visit_cost={"setting:S001": 70, "clinic:P001": 0})],
    )
    assert objective(problem, visit_cost, [("C001", 0, 0), ("C002", 0, 0)]) == -70
    assert objective(problem, visit_cost, [("C001", 0, 0), ("C002", 0, 1)]) == -140
    assert objective(problem, visit_cost, [("C003", 0, 0)]) == 0
    m = with_rules(problem, visit_cost)
    assert len(m.gains) == 2, "one cost term per (practitioner, setting, day), none for a clinic"


def test_busiest_week_costs_each_practitioners_fullest_week() -> None:
    """Each practitioner pays ``week_peak_cost`` per review in their own busiest week."""
    days = (0, 1, 2, 3)
    problem = group_problem(
        *(job(f"C00{i}", option(days)) for i in range(1, 5)),
        job("C005", option(days, practitioner_id="P002", place="setting:S002")),
        week_of_day=(0, 0, 1, 1),
        week_peak_cost=20,
    )
    three_then_one = [("C001", 0, 0), ("C002", 0, 1), ("C003", 0, 1), ("C004", 0, 2)]
    assert objective(problem, busiest_week, three_then_one) == -3 * 20
    two_and_two = [("C001", 0, 0), ("C002", 0, 1), ("C003", 0, 2), ("C004", 0, 3)]
    assert objective(problem, busiest_week, two_and_two) == -2 * 20
    assert objective(problem, busiest_week, [*two_and_two, ("C005", 0, 0)]) == -(2 + 1) * 20


def test_busiest_week_costs_nothing_without_a_weight() -> None:
    """With ``balance`` at 0 the term adds no variable and no cost."""
    problem = group_problem(job("C001"), job("C002"))
    m = with_rules(problem, busiest_week)
    assert m.week_peak == {} and m.gains == []
    assert objective(problem, busiest_week, [("C001", 0, 0), ("C002", 0, 0)]) == 0


def test_build_day_model_objective_is_the_sum_of_the_terms() -> None:
    """The full model maximises values − visits − busiest weeks, and solving it finds the
    best of them: here, one visit for both children beats two visits on two days."""
    problem = group_problem(
        job("C001", option((0, 1), values=(1000, 1100))),
        job("C002", option((0,), values=(1000,))),
        practitioners=[practitioner(visit_cost={"setting:S001": 300})],
        week_of_day=(0, 0),
        week_peak_cost=10,
    )
    result = solve_day_model(build_day_model(problem), hint={}, time_limit=10, workers=1)
    assert result.status == "OPTIMAL"
    assert result.choice == {"C001": (0, 0), "C002": (0, 0)}
    assert result.objective == 2000 - 300 - 2 * 10
    assert result.bound == result.objective


def test_solve_day_model_returns_no_choice_and_no_bound_when_infeasible() -> None:
    """Two children pinned to one day with room for one: INFEASIBLE, no bound claimed."""
    problem = group_problem(
        job("C001", pinned=(0, 0, None)),
        job("C002", pinned=(0, 0, None)),
        practitioners=[practitioner(max_per_day=1)],
    )
    result = solve_day_model(build_day_model(problem), hint={}, time_limit=10, workers=1)
    assert result.status == "INFEASIBLE"
    assert result.choice == {} and result.bound is None


def test_solve_day_model_bound_is_never_below_its_objective() -> None:
    """A feasible solve's bound (when it claims one) is at least its objective."""
    problem = group_problem(
        *(job(f"C{i:03d}", option(range(3), values=(1000 + i, 900, 800))) for i in range(9)),
        practitioners=[practitioner(max_per_day=2, visit_cost={"setting:S001": 50})],
        week_of_day=(0, 0, 1),
        week_peak_cost=5,
    )
    result = solve_day_model(build_day_model(problem), hint={}, time_limit=10, workers=1)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert len(result.choice) == 6
    assert result.bound is None or result.bound >= result.objective


# --------------------------------------------------------------------------- the registry


def test_every_rule_and_term_has_its_tests() -> None:
    """A rule added to HARD_RULES needs a ``forbids`` and an ``admits`` test naming it; a term
    added to OBJECTIVE_TERMS needs a test; each test's body uses the function it is named for
    (a test named for one rule that exercises another tests nothing)."""
    here = sys.modules[__name__]
    tests = {
        name: inspect.getsource(fn).split("\n", 1)[1]
        for name, fn in vars(here).items()
        if name.startswith("test_") and callable(fn)
    }
    missing = []
    for rule in HARD_RULES:
        for kind in ("forbids", "admits"):
            named = [n for n in tests if n.startswith(f"test_{rule.__name__}_{kind}_")]
            if not named:
                missing.append(f"{rule.__name__}: no {kind} test")
            missing += [
                f"{n} does not use {rule.__name__}" for n in named if rule.__name__ not in tests[n]
            ]
    for term in OBJECTIVE_TERMS:
        named = [n for n in tests if n.startswith(f"test_{term.__name__}_")]
        if not named:
            missing.append(f"{term.__name__}: no test")
        missing += [
            f"{n} does not use {term.__name__}" for n in named if term.__name__ not in tests[n]
        ]
    assert missing == []


# --------------------------------------------------------------------------- re-weighting


def _weighted(values: int, cost: int, peak: int, previous: bool) -> GroupProblem:
    """One structure (children, options, days, limits), worth what the arguments say."""
    return group_problem(
        job("C001", option((0, 1), values=(values, values + 100)), priority=values),
        job(
            "C002",
            option((0,), values=(2 * values,)),
            clinic((1,), values=(values,)),
            previous=(0, 0, hm("10:00")) if previous else None,
        ),
        job("C003", option((1,), values=(values // 2,)), pinned=(0, 1, None)),
        practitioners=[practitioner(max_per_day=2, visit_cost={"setting:S001": cost})],
        week_of_day=(0, 1),
        week_peak_cost=peak,
        stability_bonus=300 if previous else 0,
    )


def test_a_reweighted_model_is_the_model_built_afresh() -> None:
    """Re-weighting a model for a problem with the same structure gives exactly the model
    built for that problem (the same variables, constraints and objective), hints dropped."""
    old = build_day_model(_weighted(1000, 50, 5, previous=False))
    solve_day_model(old, hint={"C001": (0, 0)}, time_limit=1)  # leaves its hints in the model
    new_problem = _weighted(1700, 80, 9, previous=True)
    assert structure_key(new_problem) == structure_key(old.problem)
    again = reweighted(old, new_problem)
    assert str(again.model.proto) == str(build_day_model(new_problem).model.proto)


def test_the_structure_key_changes_with_anything_a_constraint_reads() -> None:
    """Days, durations, limits, pins, hours and whether a busy week costs at all are structure;
    a model kept for one must never be re-weighted for another."""
    base = _weighted(1000, 50, 5, previous=False)
    key = structure_key(base)
    c1 = base.children[0]
    p1 = base.practitioners[0]
    o1 = c1.options[0]
    variants = [
        replace(
            base,
            children=(
                replace(c1, options=(replace(o1, days=(0,), values=(1,)),)),
                *base.children[1:],
            ),
        ),
        replace(
            base, children=(replace(c1, options=(replace(o1, duration=61),)), *base.children[1:])
        ),
        replace(base, children=(replace(c1, pinned=(0, 0, None)), *base.children[1:])),
        replace(base, practitioners=(replace(p1, max_per_day=3),)),
        replace(base, practitioners=(replace(p1, day_length=p1.day_length - 5),)),
        replace(base, week_peak_cost=0),
        replace(base, children=base.children[:2]),
    ]
    assert all(structure_key(v) != key for v in variants)


@settings(max_examples=40, deadline=None)
@given(
    old=st.tuples(st.integers(100, 3000), st.integers(0, 400), st.integers(1, 300), st.booleans()),
    new=st.tuples(st.integers(100, 3000), st.integers(0, 400), st.integers(1, 300), st.booleans()),
)
def test_a_bound_carried_to_new_weights_bounds_the_new_optimum(
    old: tuple[int, int, int, bool], new: tuple[int, int, int, bool]
) -> None:
    """From the old weights' optimum, :func:`reweighting_bound` bounds the optimum under any
    new values, visit costs, busy-week costs and stability bonus of the same structure (each
    found exactly by CP-SAT here): what a what-if reports as its bound (issue 21)."""
    before, after = _weighted(*old), _weighted(*new)
    best_before = solve_value(build_day_model(before))
    best_after = solve_value(build_day_model(after))
    carried = reweighting_bound(before, best_before, after)
    assert carried is not None and carried >= best_after, (carried, best_after)


def test_a_bound_carried_to_the_same_weights_is_the_old_bound() -> None:
    problem = _weighted(1000, 50, 5, previous=False)
    assert reweighting_bound(problem, 4321, _weighted(1000, 50, 5, previous=False)) == 4321


def test_a_bound_carried_to_cheaper_visits_rises_by_the_saving_on_every_day() -> None:
    """Visits 30 points cheaper on the problem's two days: up to 60 points more."""
    assert reweighting_bound(_weighted(1000, 50, 5, False), 0, _weighted(1000, 20, 5, False)) == 60


def test_no_bound_is_carried_between_different_structures() -> None:
    base = _weighted(1000, 50, 5, previous=False)
    assert reweighting_bound(base, 1000, replace(base, children=base.children[:2])) is None
