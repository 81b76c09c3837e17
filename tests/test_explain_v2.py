"""The v2 reasons, each checked against the plan it explains: outcomes that stop booking, kinds
of review the data rule out, capacity that binds by count or by time, and sentences whose
dates stay inside the term and whose plurals are right."""

from __future__ import annotations

import re
from datetime import date

from builders import (
    hm,
    make_authority,
    make_child,
    make_config,
    make_practitioner,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Authority, Outcome
from scheduler.pipeline import PlanOptions, PlanResult, make_plan
from scheduler.plan import ReasonCode, Unscheduled

ONE_WEEK = {"start": "2026-09-07", "end": "2026-09-11", "exclude": [], "bank_holidays": "none"}


def planned(authority: Authority) -> PlanResult:
    result = make_plan(authority, PlanOptions(time_limit=5, link_time_limit=1, workers=1))
    assert result.check.ok, result.check.violations
    return result


def reason_of(result: PlanResult, child_id: str) -> Unscheduled:
    (row,) = [u for u in result.plan.unscheduled if u.child_id == child_id]
    return row


def test_declined_is_not_booked_and_says_when() -> None:
    """A declined outcome: DECLINED with its date, nobody booked, the next step named."""
    base = make_authority(config=make_config(term=ONE_WEEK))
    result = planned(base.with_outcomes([Outcome("C001", date(2026, 9, 1), "declined")]))
    assert result.plan.appointments == []
    row = reason_of(result, "C001")
    assert row.reason_code == ReasonCode.DECLINED
    assert "declined the review on 1 Sep 2026" in row.reason


def test_not_brought_twice_is_a_follow_up_for_the_named_practitioner() -> None:
    """One earlier not-brought plus one outcome: FOLLOW_UP naming the link practitioner."""
    child = make_child("C001", was_not_brought_before=1)
    base = make_authority(children=[child], config=make_config(term=ONE_WEEK))
    result = planned(base.with_outcomes([Outcome("C001", date(2026, 9, 2), "was_not_brought")]))
    row = reason_of(result, "C001")
    assert row.reason_code == ReasonCode.FOLLOW_UP
    assert row.reason.startswith("Not brought to 2 booked reviews")
    assert "Practitioner P001 should contact the family" in row.reason


def test_not_brought_once_is_booked_again() -> None:
    """One not-brought outcome and nothing before: the child is booked afresh."""
    base = make_authority(config=make_config(term=ONE_WEEK))
    result = planned(base.with_outcomes([Outcome("C001", date(2026, 9, 2), "was_not_brought")]))
    assert [a.child_id for a in result.plan.appointments] == ["C001"]


def test_no_consent_and_no_fallback_is_infeasible_with_the_step_to_take() -> None:
    """Consent refused, joint by default, no fallback: INFEASIBLE_DATA naming consent and the
    fallback setting; with fallback separate the same child has a clinic appointment."""
    child = make_child("C001", consent_to_share=False)
    row = reason_of(
        planned(make_authority(children=[child], config=make_config(term=ONE_WEEK))), "C001"
    )
    assert row.reason_code == ReasonCode.INFEASIBLE_DATA
    assert "not consented" in row.reason and '"separate" to [review] fallback' in row.reason
    config = make_config(term=ONE_WEEK, review={"fallback": ["separate"]})
    result = planned(make_authority(children=[child], config=config))
    (a,) = result.plan.appointments
    assert (a.model, a.location, a.pre_meeting_start) == ("separate", "clinic", None)


def test_capacity_by_time_says_no_gap_not_full() -> None:
    """Three allowed a day but hours for one 60-minute block: the second child's reason is
    the missing gap, with the number of days, and never "full"."""
    p = make_practitioner(max_reviews_per_day=3, day_start=hm("09:00"), day_end=hm("10:30"))
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    config = make_config(term=one_day, travel={"day_starts_at_base": False})
    children = [make_child("C001", funded=True), make_child("C002", funded=False)]
    result = planned(make_authority(practitioners=[p], children=children, config=config))
    row = reason_of(result, "C002")
    assert row.reason_code == ReasonCode.CAPACITY
    assert "1 possible day with Practitioner P001: 1 with no 60-minute gap left" in row.reason
    assert "full" not in row.reason


DATE = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )
}
BAD_PLURALS = re.compile(r"\b1 (reviews|days|children|possible days)\b")


@st.composite
def small(draw: st.DrawFn) -> Authority:
    n = draw(st.integers(1, 6))
    p = make_practitioner(
        working_days=draw(st.frozensets(st.integers(0, 4), min_size=1)),
        max_reviews_per_day=draw(st.integers(1, 2)),
    )
    children = [
        make_child(
            f"C{i}",
            funded=draw(st.booleans()),
            dob=draw(st.sampled_from([date(2024, 6, 15), date(2024, 3, 1), date(2024, 9, 20)])),
        )
        for i in range(n)
    ]
    return make_authority(practitioners=[p], children=children, config=make_config(term=ONE_WEEK))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(authority=small())
def test_reasons_have_right_plurals_and_ranges_inside_the_term(authority: Authority) -> None:
    """No "1 reviews"; a date range in a reason ("between A and B") runs forward, inside the
    term; every reason ends with the child's see-by date."""
    result = planned(authority)
    term = authority.config.term
    for row in result.plan.unscheduled:
        assert not BAD_PLURALS.search(row.reason), row.reason
        assert "See by" in row.reason or "Overdue since" in row.reason
        between = re.search(r"between (\d.+?) and (\d.+? \d{4})", row.reason)
        if between:
            a, b = (_date(between.group(i)) for i in (1, 2))
            assert term.start <= a <= b <= term.end, row.reason


def _date(text: str) -> date:
    found = DATE.search(text)
    assert found, text
    return date(int(found.group(3)), MONTHS[found.group(2)], int(found.group(1)))
