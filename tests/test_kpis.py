"""The plan's key figures (scheduler/kpis.py): the route's kilometres, the gap without clamps,
how many more children any links could see, and the summary's counts."""

from __future__ import annotations

import math

import pytest
from builders import (
    HOME,
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.kpis import plan_counts, relative_gap, route_km
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.summary import PlanSummary
from scheduler.travel import haversine_km

BASE = (51.5400, -0.1000)
S1 = (51.5500, -0.1000)
S2 = (51.5600, -0.1000)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_km(*a, *b)


def authority() -> Authority:
    return make_authority(
        settings=[make_setting(), make_setting("S002", lat=S2[0])],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001"),
            make_child("C002"),
            make_child("C003", setting_id="S002", key_person_id="K002"),
            make_child("C004", review_model="separate", practitioner_id="P001"),
            make_child("C005", **HOME),
        ],
        practitioners=[make_practitioner(base_lat=BASE[0])],
    )


def test_a_day_is_a_round_trip_from_base_through_the_places_in_time_order() -> None:
    """Base → S001 → S002 → base, with the detour factor; two reviews at one setting are one
    stop; a clinic review at base adds nothing."""
    a = authority()
    day = [
        appointment_for(a, "C004", REVIEW_DAY, hm("09:00")),  # at base
        appointment_for(a, "C001", REVIEW_DAY, hm("10:15")),
        appointment_for(a, "C002", REVIEW_DAY, hm("11:15")),
        appointment_for(a, "C003", REVIEW_DAY, hm("13:15")),
    ]
    expected = (km(BASE, S1) + km(S1, S2) + km(S2, BASE)) * 1.3
    assert route_km(a, day) == round(expected, 1)
    assert route_km(a, list(reversed(day))) == round(expected, 1)  # time order, not list order


def test_each_day_and_a_home_visit_are_their_own_trips() -> None:
    """Two days are two round trips; a home visit goes to the home."""
    a = authority()
    two_days = [
        appointment_for(a, "C001", REVIEW_DAY, hm("10:15")),
        appointment_for(a, "C002", REVIEW_DAY.replace(day=9), hm("10:15")),
    ]
    assert route_km(a, two_days) == round(4 * km(BASE, S1) * 1.3, 1)
    home = (HOME["home_lat"], HOME["home_lon"])
    visit = [appointment_for(a, "C005", REVIEW_DAY, hm("10:00"), model="home")]
    assert route_km(a, visit) == round(2 * km(BASE, home) * 1.3, 1)
    assert route_km(a, []) == 0.0


@pytest.mark.parametrize(
    ("bound", "objective", "gap"),
    [
        (10.0, 9.0, 0.1),  # the usual case
        (10.0, 10.0, 0.0),  # optimal
        (-4.0, -5.0, 0.25),  # measured against |bound|
        (0.0, 0.0, 0.0),  # nothing to do, nothing done
        (9.0, 10.0, -1 / 9),  # a bound below its plan shows as negative, never clamped
        (0.0, 1.0, -math.inf),
    ],
)
def test_relative_gap_is_never_clamped(bound: float, objective: float, gap: float) -> None:
    """``(bound − objective) / |bound|``: a bug that puts a bound below the plan stays visible."""
    assert relative_gap(bound, objective) == pytest.approx(gap)


def test_more_children_is_the_any_links_bound_less_those_seen() -> None:
    """ "At most N more children could be seen with any links"."""
    assert PlanSummary(children_bound_any_links=12, scheduled=9).more_children() == 3
    assert PlanSummary(scheduled=9).more_children() is None  # no bound, no claim


def test_the_summary_counts_what_the_plan_holds() -> None:
    """A one-day term with room for two of three children: due 3, scheduled 2, funded and
    priority coverage from the children seen, the rest by reason."""
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    a = make_authority(
        children=[
            make_child("C001"),
            make_child("C002", funded=False),
            make_child("C003", funded=False),
        ],
        practitioners=[make_practitioner(max_reviews_per_day=2)],
        config=make_config(term=one_day),
    )
    s = make_plan(a, PlanOptions(time_limit=2, link_time_limit=1, workers=1)).plan.summary
    assert (s.children_due, s.scheduled, s.funded_two_due, s.funded_two_scheduled) == (
        3,
        2,
        1,
        1,
    )
    assert s.unscheduled_by_reason == {"CAPACITY": 1}
    assert s.visits == 1 and s.settings_linked == 1 and s.links_kept == 1
    assert 0 < s.priority_coverage < 1
    assert s.travel_km == round(2 * km(BASE, S1) * 1.3, 1)
    assert s.practitioners is not None and s.practitioners["P001"].reviews == 2
    assert s.gap == round(relative_gap(s.best_bound, s.objective), 5)


def test_visits_count_a_practitioner_at_one_place_on_one_day() -> None:
    """Two clinic reviews of children from two settings on one day are one visit (the
    practitioner's clinic), two home visits of one setting's children two (the old count, per
    setting id, said two and one)."""
    a = make_authority(
        settings=[make_setting("S001"), make_setting("S002")],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001"),
            make_child("C002", setting_id="S002", key_person_id="K002"),
            make_child("C003", **HOME),
            make_child("C004", **HOME),
        ],
    )
    clinic = [
        appointment_for(a, c, start=hm(t), model="separate", practitioner_id="P001")
        for c, t in (("C001", "10:00"), ("C002", "11:00"))
    ]
    home = [
        appointment_for(a, c, start=hm(t), model="home", practitioner_id="P001")
        for c, t in (("C003", "13:00"), ("C004", "14:00"))
    ]
    availability = Availability(a)
    assert plan_counts(a, availability, clinic, [], {}, into=PlanSummary()).visits == 1
    assert plan_counts(a, availability, home, [], {}, into=PlanSummary()).visits == 2
