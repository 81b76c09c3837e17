"""Dates by the contract: add_months clipping, due/not-due boundaries, review days."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_child

from scheduler.calendar import add_months, child_window, is_due, review_days
from scheduler.config import ReviewConfig, TermConfig


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 8, 31), 6, date(2025, 2, 28)),  # 31 Aug + 6 months clips to 28 Feb
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # ... or 29 Feb in a leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day + a year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap day + four years
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # end of month
        (date(2024, 3, 31), 1, date(2024, 4, 30)),  # 31st into a 30-day month
        (date(2024, 11, 30), 2, date(2025, 1, 30)),  # across the year end
        (date(2024, 5, 15), 24, date(2026, 5, 15)),  # plain
        (date(2024, 5, 15), -24, date(2022, 5, 15)),  # backwards
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    """Same day-of-month n months later, clipped to the month's last day."""
    assert add_months(day, months) == expected


TERM = TermConfig(start=date(2026, 9, 7), end=date(2026, 12, 18))
REVIEW = ReviewConfig()


@pytest.mark.parametrize(
    ("dob", "due"),
    [
        (date(2024, 12, 18), True),  # 24 months exactly on the term's last day
        (date(2024, 12, 19), False),  # one day too young
        (date(2023, 9, 7), True),  # 36 months exactly on the first day
        (date(2023, 9, 6), False),  # 36 months the day before the term
    ],
)
def test_due_boundaries(dob: date, due: bool) -> None:
    """A child is due from the 24-month date to the 36-month date, inclusive."""
    assert is_due(make_child(dob=dob), TERM, REVIEW) is due


def test_reviewed_child_not_due() -> None:
    """A child with reviewed_on set is never due."""
    assert not is_due(make_child(reviewed_on=date(2026, 6, 1)), TERM, REVIEW)


def test_overdue_and_window() -> None:
    """Overdue when the 30-month date falls before the term; windows by add_months."""
    w = child_window(make_child(dob=date(2024, 3, 6)), TERM, REVIEW)
    assert w.overdue  # 30 months on 6 Sep 2026, the day before the term
    assert w.in_window_end == date(2026, 9, 6)
    w2 = child_window(make_child(dob=date(2024, 3, 7), starts_on=date(2026, 10, 1)), TERM, REVIEW)
    assert not w2.overdue
    assert w2.earliest == date(2026, 10, 29)  # starts 1 Oct + 28 days to settle in (v2)
    unsettled = REVIEW.model_copy(update={"settle_days": 0})
    w3 = child_window(
        make_child(dob=date(2024, 3, 7), starts_on=date(2026, 10, 1)), TERM, unsettled
    )
    assert w3.earliest == date(2026, 10, 1)
    assert w2.allowed_end == date(2027, 3, 7)


def test_review_days_skip_exclusions_and_bank_holidays() -> None:
    """Excluded ranges and the nation's bank holidays are not review days."""
    spring = TermConfig(
        start=date(2027, 1, 4),
        end=date(2027, 3, 31),
        exclude=((date(2027, 2, 15), date(2027, 2, 19)),),
    )
    days = review_days(spring)
    assert date(2027, 3, 26) not in days  # Good Friday
    assert date(2027, 2, 17) not in days  # half term
    assert date(2027, 2, 22) in days
    scotland = TermConfig(
        start=date(2026, 11, 30), end=date(2026, 12, 1), bank_holidays="scotland", exclude=()
    )
    assert review_days(scotland) == (date(2026, 12, 1),)  # St Andrew's Day (30 Nov) off
    england = scotland.model_copy(update={"bank_holidays": "england"})
    assert review_days(england) == (date(2026, 11, 30), date(2026, 12, 1))
