"""Stage 2 checked by brute force: on tiny random authorities every contract-valid plan is
enumerated (tests/brute_force.py), and the planner's figures must be what they claim.

- the plan's objective <= the best plan with the same links <= ``best_bound``;
- ``OPTIMAL`` only when the delivered plan reaches that best;
- ``best_bound_any_links`` >= the best plan over every choice of links, and
  ``children_bound_any_links`` >= the most children any plan under any links sees.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from brute_force import best_plan, every_links
from builders import (
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import tiny_authorities

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.outcomes import Standing
from scheduler.pipeline import PlanOptions, PlanResult, make_plan

SCALE = 1000
HOURS = ["09:00", "09:30", "10:00", "11:00", "11:30", "12:00"]


def tiny() -> st.SearchStrategy[Authority]:
    """1–2 practitioners, 1–2 settings, 1–4 children, three days, 30-minute meetings."""
    return tiny_authorities(hours=HOURS, children=(1, 4), rooms=True, shared_parent_one_in=4)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(authority=tiny())
def test_figures_are_true_against_every_plan(authority: Authority) -> None:
    """Objective <= enumerated best <= bound; OPTIMAL means the best; the any-links bounds
    hold against every choice of links."""
    result = make_plan(authority, PlanOptions(time_limit=5, link_time_limit=1, workers=1))
    assert result.check.ok, result.check.violations
    _assert_true_against_every_plan(authority, result)

    summary = result.plan.summary
    availability = Availability(authority)
    children = [c for c in availability.due if availability.standing(c) is Standing.OPEN]
    over_any = [best_plan(authority, other, children) for other in every_links(authority)]
    assert max(b.objective for b in over_any) <= round(summary.best_bound_any_links * SCALE)
    assert max(b.children for b in over_any) <= summary.children_bound_any_links


CHILD_WEIGHTS = ("funded_two", "urgency", "send", "earlier_in_window", "looked_after", "own_model")
"""Weights that price children only: a what-if changing one keeps the plan's links."""


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    authority=tiny(),
    weight=st.sampled_from(CHILD_WEIGHTS),
    value=st.sampled_from([0.0, 0.5, 6.0, 20.0]),
)
def test_a_what_if_s_figures_are_true_against_every_plan(
    authority: Authority, weight: str, value: float
) -> None:
    """A weight change from a plan (``warm``) carries the plan's bounds over to the new
    weights (issue 21): objective <= the best plan under the new weights <= its bound, and
    OPTIMAL only when it is that best, even for pieces proven without a search."""
    options = PlanOptions(time_limit=5, link_time_limit=1, workers=1)
    base = make_plan(authority, options)
    changed = _with_weight(authority, weight, value)
    result = make_plan(changed, options, warm=base)
    assert result.check.ok, result.check.violations
    assert result.plan.links == base.plan.links
    _assert_true_against_every_plan(changed, result)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    authority=tiny(),
    weight=st.sampled_from(CHILD_WEIGHTS),
    values=st.tuples(st.sampled_from([0.0, 6.0, 20.0]), st.sampled_from([0.5, 9.0])),
)
def test_a_what_if_bounded_by_another_what_if_is_true_against_every_plan(
    authority: Authority, weight: str, values: tuple[float, float]
) -> None:
    """A what-if from a plan read back from files (no bounds of its own) bounded by the
    session's previous what-if (``bounds_from``): still true against every plan."""
    options = PlanOptions(time_limit=5, link_time_limit=1, workers=1)
    base = make_plan(authority, options)
    first, second = (_with_weight(authority, weight, v) for v in values)
    earlier = make_plan(first, options, warm=base)
    read_back = replace(base, piece_bounds=())
    result = make_plan(second, options, warm=read_back, bounds_from=earlier.piece_bounds)
    assert result.check.ok, result.check.violations
    _assert_true_against_every_plan(second, result)


def _with_weight(authority: Authority, weight: str, value: float) -> Authority:
    priorities = authority.config.priorities.model_copy(update={weight: value})
    return replace(authority, config=authority.config.model_copy(update={"priorities": priorities}))


def _assert_true_against_every_plan(changed: Authority, result: PlanResult) -> None:
    """Objective <= the best plan with the result's links <= its bound; OPTIMAL only at it."""
    summary = result.plan.summary
    availability = Availability(changed)
    children = [c for c in availability.due if availability.standing(c) is Standing.OPEN]
    links = {link.setting_id: link.practitioner_id for link in result.plan.links}

    objective = round(summary.objective * SCALE)
    bound = round(summary.best_bound * SCALE)
    best = best_plan(changed, links, children)
    assert objective <= best.objective <= bound, (objective, best.objective, bound)
    if summary.status == "OPTIMAL":
        assert objective == best.objective


def test_the_issue_s_siblings_are_both_seen_from_the_csv_interface(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 13's case through the files: a one-day authority, two siblings at two settings
    with two practitioners. Both are seen (or the bound says honestly that more was possible)."""
    from scheduler.cli import main
    from scheduler.io.plan_files import read_plan
    from scheduler.io.write_data import write_authority

    s2 = make_setting("S002", link_practitioner_id="P002")
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    authority = make_authority(
        settings=[make_setting(), s2],
        practitioners=[make_practitioner(), make_practitioner("P002")],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001", parent_email="p@example.org"),
            make_child(
                "C002", setting_id="S002", key_person_id="K002", parent_email="p@example.org"
            ),
        ],
        config=make_config(term=one_day),
    )
    write_authority(authority, tmp_path / "data")
    code = main(
        [
            "plan",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "plan"),
            "--quiet",
            "--time-limit",
            "5",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    plan = read_plan(tmp_path / "plan")
    assert sorted(a.child_id for a in plan.appointments) == ["C001", "C002"]
    first, second = sorted(plan.appointments, key=lambda a: a.start)
    assert first.end <= second.start and first.date == second.date == date(2026, 9, 8)
    assert plan.summary.objective <= plan.summary.best_bound
    assert main(["check", str(tmp_path / "data"), str(tmp_path / "plan")]) == 0
