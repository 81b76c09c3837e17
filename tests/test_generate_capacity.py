"""How many reviews a workforce could do (scheduler/generate/capacity.py): days worked times the
reviews a day holds, which calibrates the generator and the ``generate`` summary."""

from __future__ import annotations

from datetime import date, timedelta

from builders import days, hm, make_absence, make_authority, make_config, make_practitioner

from scheduler.calendar import review_days
from scheduler.generate.capacity import (
    block_minutes,
    days_worked,
    practitioner_capacity,
    review_capacity,
    reviews_per_day,
)

WEEK = [date(2026, 9, 7) + timedelta(days=i) for i in range(7)]  # Mon..Sun


def test_a_block_is_meeting_plus_pre_meeting_in_the_joint_model() -> None:
    """60 minutes joint, 45 separate (default lengths)."""
    assert block_minutes(make_config()) == 60
    assert block_minutes(make_config(review={"model": "separate"})) == 45


def test_days_worked_are_working_weekdays_not_on_leave() -> None:
    """Mon/Wed/Fri less a Wednesday away: 2 days; someone else's leave does not count."""
    p = make_practitioner(working_days=days("Mon", "Wed", "Fri"))
    away = [make_absence("P001", WEEK[2]), make_absence("P002", WEEK[0])]
    assert days_worked(p, WEEK, away) == 2


def test_reviews_a_day_are_the_limit_or_what_the_hours_hold() -> None:
    """A 3-hour day holds three 60-minute blocks even with a limit of 6; the limit binds
    otherwise; a day shorter than a block holds none."""
    assert reviews_per_day(make_practitioner(day_start=hm("09:00"), day_end=hm("12:00")), 60) == 3
    assert reviews_per_day(make_practitioner(max_reviews_per_day=4), 60) == 4
    assert reviews_per_day(make_practitioner(day_start=hm("09:00"), day_end=hm("09:30")), 60) == 0
    assert practitioner_capacity(make_practitioner(max_reviews_per_day=4), WEEK, [], 60) == 5 * 4


def test_the_authoritys_capacity_sums_its_practitioners_over_the_term() -> None:
    """Two full-time practitioners at 6 a day over the term's weekday review days."""
    week = {"start": "2026-09-07", "end": "2026-09-13", "exclude": [], "bank_holidays": "none"}
    authority = make_authority(
        practitioners=[make_practitioner(), make_practitioner("P002")],
        config=make_config(term=week),
    )
    assert len(review_days(authority.config.term)) == 7  # weekends are review days too
    assert review_capacity(authority) == 2 * 5 * 6
