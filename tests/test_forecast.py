"""The plan-level national metric forecast: who is in the cohort, and whose review counts."""

from __future__ import annotations

from datetime import date

from builders import make_appointment, make_authority, make_child, make_plan

from scheduler.forecast import plan_metric_forecast

# The default term runs 7 Sep – 18 Dec 2026.


def test_cohort_and_reviews_by_30_months() -> None:
    """Cohort: 30-month date inside the term (both ends). Counted: a review done or booked
    between 24 months and the 30-month date, both inclusive."""
    children = [
        # 30 months on 15 Oct; booked 1 Oct: counts.
        make_child("C1", dob=date(2024, 4, 15)),
        # 30 months on 10 Oct; booked 12 Oct, after it: in the cohort, not counted.
        make_child("C2", dob=date(2024, 4, 10)),
        # 30 months on 1 Nov; reviewed at 25 months: counts, already reviewed.
        make_child("C3", dob=date(2024, 5, 1), reviewed_on=date(2026, 6, 1)),
        # 30 months on 20 Nov; reviewed at 23 months, too young for the metric.
        make_child("C4", dob=date(2024, 5, 20), funded=False, reviewed_on=date(2026, 5, 1)),
        # 30 months on 1 Feb 2027, after the term: not in the cohort though booked.
        make_child("C5", dob=date(2024, 8, 1)),
        # 30 months on 1 Aug, before the term: not in the cohort.
        make_child("C6", dob=date(2024, 2, 1), funded=False),
        # 30 months on 18 Dec, the term's last day, booked that day: counts.
        make_child("C7", dob=date(2024, 6, 18)),
        # 30 months on 7 Sep, the term's first day, not booked: in the cohort, not counted.
        make_child("C8", dob=date(2024, 3, 7), funded=False),
    ]
    authority = make_authority(children=children)
    plan = make_plan(
        authority,
        [
            make_appointment("C1", date=date(2026, 10, 1)),
            make_appointment("C2", date=date(2026, 10, 12)),
            make_appointment("C5", date=date(2026, 10, 1)),
            make_appointment("C7", date=date(2026, 12, 18)),
        ],
    )
    forecast = plan_metric_forecast(authority, plan)
    assert forecast.turning_30_months == 6  # C1 C2 C3 C4 C7 C8
    assert forecast.reviewed_by_30_months == 3  # C1 C3 C7
    assert forecast.already_reviewed == 1  # C3
    assert forecast.reviewed_by_30_months_pct == 50.0
    assert forecast.funded_two_turning_30_months == 4  # C1 C2 C3 C7
    assert forecast.funded_two_reviewed_by_30_months == 3
    assert forecast.funded_two_reviewed_by_30_months_pct == 75.0


def test_no_cohort_has_no_percentage() -> None:
    """Nobody turning 30 months this term: the share is unknown, not 0% or 100%."""
    authority = make_authority(children=[make_child("C1", dob=date(2024, 8, 1))])
    forecast = plan_metric_forecast(authority, make_plan(authority))
    assert forecast.turning_30_months == 0
    assert forecast.reviewed_by_30_months_pct is None
    assert forecast.funded_two_reviewed_by_30_months_pct is None
