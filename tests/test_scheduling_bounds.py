"""The bound over any links (scheduler/scheduling/bounds.py) on hand-made cases whose best plan
is known: what the relaxation keeps (days, hours, daily limits, the caseload practitioner,
notice) and what it drops (a setting's children sharing one link). The brute-force check on
random tiny authorities is tests/test_bounds_brute_force.py."""

from __future__ import annotations

from builders import (
    REVIEW_DAY,
    appointment_for,
    days,
    hm,
    make_authority,
    make_child,
    make_config,
    make_practitioner,
    make_setting,
)

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.priority import SCALE
from scheduler.scheduling.bounds import AnyLinksBound, any_links_bound

ONE_DAY = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}


def bound(authority: Authority, **kw: object) -> AnyLinksBound:
    availability = Availability(authority)
    return any_links_bound(authority, availability, availability.due, **kw)  # type: ignore[arg-type]


def one_day(*children: object, **records: object) -> Authority:
    config = records.pop("config", None) or make_config(term=ONE_DAY)
    return make_authority(children=list(children), config=config, **records)  # type: ignore[arg-type]


def test_no_children_bound_nothing() -> None:
    """With nobody to book both bounds are zero."""
    assert bound(one_day()) == AnyLinksBound(0.0, 0)


def test_one_child_is_worth_their_best_value() -> None:
    """One child in window: priority + own kind + the whole earlier-in-window bonus."""
    authority = one_day(make_child())
    availability = Availability(authority)
    w = authority.config.priorities
    child = authority.children["C001"]
    best = round(SCALE * (availability.priority(child) + w.own_model + w.earlier_in_window))
    assert bound(authority) == AnyLinksBound(best / SCALE, 1)


def test_a_settings_children_may_go_to_any_practitioner() -> None:
    """Two children at one setting, two practitioners with one review a day each: links
    allow one child (one link), the bound over any links allows both."""
    authority = one_day(
        make_child("C001"),
        make_child("C002"),
        practitioners=[
            make_practitioner(max_reviews_per_day=1),
            make_practitioner("P002", max_reviews_per_day=1),
        ],
    )
    assert bound(authority).children == 2


def test_daily_limits_and_hours_cap_each_practitioner() -> None:
    """Three children, one practitioner, one day: at most the daily limit, and at most as many
    of the shortest block as the day's hours hold."""
    children = [make_child(f"C00{i}") for i in range(1, 4)]
    limited = one_day(*children, practitioners=[make_practitioner(max_reviews_per_day=2)])
    assert bound(limited).children == 2
    short_day = one_day(
        *children, practitioners=[make_practitioner(day_start=hm("09:00"), day_end=hm("11:00"))]
    )
    assert bound(short_day).children == 2  # 120 minutes hold two 60-minute blocks


def test_hours_that_never_meet_the_settings_see_nobody() -> None:
    """A setting open only in the afternoon and a practitioner working only mornings."""
    authority = one_day(
        make_child(),
        settings=[make_setting(open_time=hm("13:00"), close_time=hm("15:00"))],
        practitioners=[make_practitioner(day_start=hm("09:00"), day_end=hm("12:00"))],
    )
    assert bound(authority) == AnyLinksBound(0.0, 0)


def test_the_caseload_practitioner_must_run_a_clinic_review() -> None:
    """A clinic review is the family's own practitioner's, whatever the links: when they do
    not work that day nobody else can stand in."""
    away = make_practitioner("P002", working_days=days("Mon"))
    authority = one_day(
        make_child(review_model="separate", practitioner_id="P002"),
        practitioners=[make_practitioner(), away],
    )
    assert bound(authority).children == 0
    at_work = one_day(
        make_child(review_model="separate", practitioner_id="P002"),
        practitioners=[make_practitioner(), make_practitioner("P002")],
    )
    assert bound(at_work).children == 1


def test_the_notice_period_is_kept_except_for_a_previous_slot() -> None:
    """From today, no new booking inside the notice period; a previous slot there may be kept
    and is worth the stability bonus more."""
    config = make_config(term={**ONE_DAY, "today": "2026-09-07"})
    authority = one_day(make_child(), config=config)
    assert bound(authority) == AnyLinksBound(0.0, 0)
    previous = {"C001": appointment_for(authority, "C001", REVIEW_DAY)}
    kept = bound(authority, previous=previous, stability=25.0)
    assert kept.children == 1
    fresh = bound(one_day(make_child()))
    assert round(kept.points - fresh.points, 6) == 25.0


def test_the_bound_is_not_below_the_plan_it_bounds() -> None:
    """A one-week term with more children than days: the bound holds the plan's objective."""
    week = {"start": "2026-09-07", "end": "2026-09-11", "exclude": [], "bank_holidays": "none"}
    authority = make_authority(
        children=[make_child(f"C{i:03d}", funded=i % 2 == 0) for i in range(12)],
        practitioners=[make_practitioner(max_reviews_per_day=2)],
        config=make_config(term=week),
    )
    result = make_plan(authority, PlanOptions(time_limit=3, link_time_limit=1, workers=1))
    summary = result.plan.summary
    assert summary.scheduled == 10 == bound(authority).children
    assert summary.objective <= summary.best_bound_any_links == round(bound(authority).points, 3)
