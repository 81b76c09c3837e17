"""The term scheduler keeps every hard rule of the contract, even where breaking it is tempting.

Each test builds a tiny authority in which the easy answer would break one rule, plans it, and
asserts that rule holds; every plan also passes the independent checker.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from builders import (
    days,
    hm,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.calendar import add_months
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, PlanResult, make_plan
from scheduler.plan import ReasonCode

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}


def plan(authority: Authority, **kwargs: object) -> PlanResult:
    """Plan with a short time limit and one worker; the checker must pass."""
    result = make_plan(authority, PlanOptions(time_limit=5, link_time_limit=2, workers=1), **kwargs)  # type: ignore[arg-type]
    assert result.check.ok, result.check.violations
    return result


def short_term(**review: object) -> dict[str, object]:
    return {"term": TWO_WEEKS, "review": review} if review else {"term": TWO_WEEKS}


def test_no_reviews_in_excluded_range_or_bank_holiday() -> None:
    """Only review days are used: half term and bank holidays are skipped even when free."""
    config = make_config(
        term={"start": "2026-12-21", "end": "2027-01-08", "exclude": [["2027-01-04", "2027-01-06"]]}
    )
    children = [make_child(f"C{i:03d}") for i in range(1, 7)]
    result = plan(make_authority(children=children, config=config))
    used = {a.date for a in result.plan.appointments}
    assert used, "some child should be scheduled"
    for day in used:
        assert day not in {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)}
        assert not date(2027, 1, 4) <= day <= date(2027, 1, 6)


def test_review_not_before_24_months_or_starts_on() -> None:
    """A child turning 24 months (or starting, with no settling-in time) mid-term is seen
    only from that day."""
    turns = date(2026, 9, 14)
    dob = add_months(turns, -24)
    children = [
        make_child("C001", dob=dob),
        make_child("C002", starts_on=date(2026, 9, 16)),
    ]
    config = make_config(**short_term(), review={"settle_days": 0})
    result = plan(make_authority(children=children, config=config))
    got = {a.child_id: a.date for a in result.plan.appointments}
    assert got["C001"] >= turns
    assert got["C002"] >= date(2026, 9, 16)


def test_review_waits_for_the_child_to_settle_in() -> None:
    """Contract v2: with starts_on, no review before starts_on + settle_days; the child is
    seen on the first possible day after it, not before."""
    child = make_child("C001", starts_on=date(2026, 9, 7))
    term = {"start": "2026-09-07", "end": "2026-10-16", "exclude": [], "bank_holidays": "none"}
    result = plan(make_authority(children=[child], config=make_config(term=term)))
    (a,) = result.plan.appointments
    assert a.date >= date(2026, 10, 5)  # 7 Sep + 28 days
    short = plan(
        make_authority(children=[child], config=make_config(term=term, review={"settle_days": 3}))
    )
    (b,) = short.plan.appointments
    assert date(2026, 9, 10) <= b.date < date(2026, 10, 5)


def test_practitioner_working_days_and_absence() -> None:
    """Reviews happen only on days the practitioner works and is not on leave."""
    p = make_practitioner(working_days=days("Wed", "Thu"))
    absence = make_absence("P001", date(2026, 9, 9), date(2026, 9, 10))
    children = [make_child(f"C{i:03d}") for i in range(1, 4)]
    result = plan(
        make_authority(
            practitioners=[p],
            children=children,
            absences=[absence],
            config=make_config(**short_term()),
        )
    )
    assert result.plan.appointments
    for a in result.plan.appointments:
        assert a.date.weekday() in (2, 3)
        assert a.date not in (date(2026, 9, 9), date(2026, 9, 10))


def test_key_person_setting_and_parent_days() -> None:
    """Joint reviews need the key person working, the setting open and the parent free."""
    kp = make_key_person(working_days=days("Mon", "Tue", "Wed"))
    setting = make_setting(open_days=days("Tue", "Wed", "Thu", "Fri"))
    closure = make_closure("S001", date(2026, 9, 8))
    child = make_child(parent_unavailable_days=days("Wed"))
    result = plan(
        make_authority(
            key_persons=[kp],
            settings=[setting],
            closures=[closure],
            children=[child],
            config=make_config(**short_term()),
        )
    )
    (appointment,) = result.plan.appointments
    assert appointment.date == date(2026, 9, 15)  # the only Tuesday left


def test_block_inside_setting_and_practitioner_hours() -> None:
    """Pre-meeting and meeting lie within both the setting's and the practitioner's hours."""
    setting = make_setting(open_time=hm("13:00"), close_time=hm("15:30"))
    p = make_practitioner(day_start=hm("09:00"), day_end=hm("15:00"))
    children = [make_child(f"C{i:03d}") for i in range(1, 4)]
    result = plan(
        make_authority(
            settings=[setting],
            practitioners=[p],
            children=children,
            config=make_config(term=TWO_WEEKS),
        )
    )
    for a in result.plan.appointments:
        assert a.pre_meeting_start is not None
        assert a.pre_meeting_start >= hm("13:00")
        assert a.end <= hm("15:00")


def test_no_double_booking_and_daily_limit() -> None:
    """Many children at one setting: blocks never overlap and the daily limit holds."""
    p = make_practitioner(max_reviews_per_day=3)
    children = [make_child(f"C{i:03d}") for i in range(1, 13)]
    result = plan(
        make_authority(practitioners=[p], children=children, config=make_config(**short_term()))
    )
    by_day: dict[date, list[tuple[int, int]]] = {}
    for a in result.plan.appointments:
        by_day.setdefault(a.date, []).append((a.pre_meeting_start or a.start, a.end))
    for blocks in by_day.values():
        assert len(blocks) <= 3
        blocks.sort()
        for (_, end), (start, _) in itertools.pairwise(blocks):
            assert end <= start
    assert len(result.plan.appointments) == 12


def test_travel_time_between_settings() -> None:
    """Two settings 10 km apart on one day: the gap between blocks covers the journey."""
    s1 = make_setting("S001", lat=51.50, lon=-0.10)
    s2 = make_setting("S002", lat=51.59, lon=-0.10, link_practitioner_id="P001")
    k2 = make_key_person("K002", setting_id="S002")
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    p = make_practitioner(day_start=hm("09:00"), day_end=hm("12:00"))
    children = [make_child("C001"), make_child("C002", setting_id="S002", key_person_id="K002")]
    result = plan(
        make_authority(
            settings=[s1, s2],
            key_persons=[make_key_person(), k2],
            practitioners=[p],
            children=children,
            config=make_config(term=one_day, travel={"day_starts_at_base": False}),
        )
    )
    a, b = sorted(result.plan.appointments, key=lambda x: x.start)
    assert b.pre_meeting_start is not None
    # 10 km * 1.3 / 20 km/h = 39.0 min
    assert b.pre_meeting_start - a.end >= 39


def test_prior_concerns_meeting_is_longer() -> None:
    """A child with prior concerns gets the extra minutes."""
    child = make_child(prior_concerns=True)
    result = plan(make_authority(children=[child], config=make_config(**short_term())))
    (a,) = result.plan.appointments
    assert a.end - a.start == 45 + 15
    assert a.start - (a.pre_meeting_start or 0) == 15


def test_separate_model_at_clinic_without_pre_meeting() -> None:
    """Separate model: at the clinic, no pre-meeting, setting hours and key person ignored."""
    setting = make_setting(open_days=days("Sat"))
    kp = make_key_person(working_days=days("Sat"))
    config = make_config(term=TWO_WEEKS, review={"model": "separate"})
    result = plan(make_authority(settings=[setting], key_persons=[kp], config=config))
    (a,) = result.plan.appointments
    assert a.location == "clinic"
    assert a.pre_meeting_start is None
    assert a.date.weekday() < 5


def test_siblings_not_in_two_places_at_once() -> None:
    """Contract v2: a parent's two children at two settings (two practitioners) on a one-day
    term are both seen, their meetings one after the other (the parent is in one place at a
    time; nothing else about siblings is a rule)."""
    s2 = make_setting("S002", link_practitioner_id="P002")
    k2 = make_key_person("K002", setting_id="S002")
    p2 = make_practitioner("P002")
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    children = [
        make_child("C001", parent_email="parent@example.org"),
        make_child(
            "C002", setting_id="S002", key_person_id="K002", parent_email="Parent@Example.org "
        ),
    ]
    result = plan(
        make_authority(
            settings=[make_setting(), s2],
            practitioners=[make_practitioner(), p2],
            key_persons=[make_key_person(), k2],
            children=children,
            config=make_config(term=one_day),
        )
    )
    first, second = sorted(result.plan.appointments, key=lambda a: a.start)
    assert first.date == second.date == date(2026, 9, 8)
    assert first.end <= second.start  # the parent's meetings do not overlap
    assert result.plan.summary.objective <= result.plan.summary.best_bound


def test_siblings_with_no_email_are_matched_by_name_and_setting() -> None:
    """Without an e-mail the same parent name at the same setting makes siblings: a joint
    review with the link and a clinic one with the family's own health visitor, both free
    all day, still never overlap."""
    p2 = make_practitioner("P002")
    children = [
        make_child("C001", parent_name="Sam  Jones"),
        make_child(
            "C002", parent_name="sam jones", review_model="separate", practitioner_id="P002"
        ),
    ]
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    result = plan(
        make_authority(
            practitioners=[make_practitioner(), p2],
            children=children,
            config=make_config(term=one_day),
        )
    )
    first, second = sorted(result.plan.appointments, key=lambda a: a.start)
    assert {first.practitioner_id, second.practitioner_id} == {"P001", "P002"}
    assert first.end <= second.start


def test_the_working_day_starts_and_ends_at_base() -> None:
    """Contract v2: the first block starts no earlier than day_start plus the journey from
    base, the last ends no later than day_end less the journey back."""
    from scheduler.travel import haversine_km, travel_minutes

    p = make_practitioner(base_lat=51.60, day_start=hm("09:00"), day_end=hm("12:00"))
    setting = make_setting(open_time=hm("08:00"), close_time=hm("18:00"))
    km = haversine_km(p.base_lat, p.base_lon, setting.lat, setting.lon)
    leg = travel_minutes(km, 20, 1.3)
    assert leg >= 10
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    children = [make_child(f"C{i:03d}") for i in range(1, 4)]
    authority = make_authority(
        practitioners=[p], settings=[setting], children=children, config=make_config(term=one_day)
    )
    result = plan(authority)
    blocks = sorted((a.block_start, a.end) for a in result.plan.appointments)
    assert blocks[0][0] >= hm("09:00") + leg
    assert blocks[-1][1] <= hm("12:00") - leg
    # 180 minutes less two journeys (2 x 22) leave room for two 60-minute blocks, not three
    assert len(blocks) == 2


def test_priorities_funded_and_overdue_first() -> None:
    """With one slot, the funded overdue child is seen; the other is explained as CAPACITY."""
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    p = make_practitioner(max_reviews_per_day=1)
    overdue_dob = date(2026, 9, 8) - timedelta(days=31 * 31)
    children = [
        make_child("C001", funded=False),
        make_child("C002", funded=True, dob=overdue_dob),
    ]
    result = plan(
        make_authority(practitioners=[p], children=children, config=make_config(term=one_day))
    )
    assert [a.child_id for a in result.plan.appointments] == ["C002"]
    (u,) = result.plan.unscheduled
    assert u.child_id == "C001"
    assert u.reason_code == ReasonCode.CAPACITY
    assert "with Practitioner P001: 1 already full (1 review a day)" in u.reason


@pytest.mark.parametrize("model", ["joint", "separate"])
def test_every_due_child_accounted_once(model: str) -> None:
    """Due children end up in exactly one file; children not due in neither."""
    reviewed = make_child("C003", reviewed_on=date(2026, 5, 1))
    too_young = make_child("C004", dob=date(2025, 6, 1))
    children = [make_child("C001"), make_child("C002"), reviewed, too_young]
    config = make_config(term=TWO_WEEKS, review={"model": model})
    result = plan(make_authority(children=children, config=config))
    seen = [a.child_id for a in result.plan.appointments]
    unseen = [u.child_id for u in result.plan.unscheduled]
    assert sorted(seen + unseen) == ["C001", "C002"]


def test_the_objective_is_reported_term_by_term() -> None:
    """summary.json's objective_terms add up to the objective: children seen, kept slots,
    visits and busiest weeks, each with the sign it has in the model."""
    children = [make_child(f"C{i:03d}") for i in range(1, 4)]
    result = plan(make_authority(children=children, config=make_config(**short_term())))
    terms = result.plan.summary.objective_terms
    assert set(terms) == {"coverage_gain", "kept_slots", "visit_cost", "busiest_week"}
    assert terms["coverage_gain"] > 0 and terms["visit_cost"] < 0 and terms["busiest_week"] < 0
    assert terms["kept_slots"] == 0  # not a re-plan
    assert abs(sum(terms.values()) - result.plan.summary.objective) < 1e-6
    link_terms = result.plan.summary.link_cost_terms
    assert link_terms == result.links.cost_terms() and link_terms["travel"] > 0
