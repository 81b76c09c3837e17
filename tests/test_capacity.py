"""One definition of over-committed: the time linked settings need above the time available."""

from __future__ import annotations

from dataclasses import replace

from builders import make_authority, make_practitioner

from scheduler.capacity import PractitionerLoad, practitioner_loads
from scheduler.generate import generate_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.summary import PlanSummary, PractitionerUse


def test_over_committed_is_need_above_availability_with_the_reason() -> None:
    """Over by the difference, with the hours in the sentence; within: no shortfall."""
    over = PractitionerLoad(
        "P1", 40, needed_minutes=130 * 60, available_minutes=100 * 60, booked_minutes=99 * 60
    )
    assert over.overcommitted and over.over_minutes == 30 * 60
    assert over.reason == (
        "Their linked settings need 130 h of reviews and journeys; they have 100 h this term: "
        "30 h short."
    )
    within = PractitionerLoad("P2", 10, 50 * 60, 100 * 60, 40 * 60)
    assert not within.overcommitted and within.over_minutes == 0
    assert within.needed_share == 0.5 and within.booked_share == 0.4


def test_loads_are_sorted_most_committed_first() -> None:
    """Sorted by need over availability, then id; every practitioner listed."""
    data = make_authority(
        practitioners=[
            make_practitioner("P001"),
            make_practitioner("P002"),
            make_practitioner("P003"),
        ]
    )
    summary = PlanSummary(
        practitioners={
            "P001": PractitionerUse(
                0, 0, capacity_minutes=100, link_load_minutes=50, utilisation=0
            ),
            "P002": PractitionerUse(
                0, 0, capacity_minutes=100, link_load_minutes=150, utilisation=0
            ),
        }
    )
    rows = practitioner_loads(data, summary)
    assert [r.practitioner_id for r in rows] == ["P002", "P001", "P003"]
    assert [r.overcommitted for r in rows] == [True, False, False]


def test_the_definition_agrees_with_the_link_stage() -> None:
    """On a real plan, the over-committed practitioners and their shortfall are exactly the
    link stage's ``overcommitted_practitioners``."""
    generated = generate_authority(80, 2)
    # everyone works 90 minutes a day: the settings need more time than the practitioners have
    authority = replace(
        generated,
        practitioners={
            pid: replace(p, day_end=p.day_start + 90) for pid, p in generated.practitioners.items()
        },
    )
    options = PlanOptions(time_limit=4, link_time_limit=1, workers=1)
    summary = make_plan(authority, options).plan.summary
    rows = practitioner_loads(authority, summary)
    over = {r.practitioner_id: r.over_minutes for r in rows if r.overcommitted}
    assert over, "this authority has an over-committed practitioner"
    assert over == dict(summary.overcommitted_practitioners or {})
