"""Health practitioners of a synthetic authority (scheduler/generate/workforce.py): teams in
proportion to demand with one per town, a health visitor in every team, leave inside the
term, and capacity short of the due children on purpose."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from scheduler.calendar import review_days
from scheduler.generate.authority import SPRING_2027
from scheduler.generate.capacity import practitioner_capacity
from scheduler.generate.places import make_towns
from scheduler.generate.workforce import (
    HEALTH_VISITOR,
    leave_weeks,
    make_bases,
    make_practitioners,
    team_name,
    team_sizes,
)

DAYS = review_days(SPRING_2027)
EXCLUDE = list(SPRING_2027.exclude)


def test_team_sizes_follow_demand_with_at_least_one_per_town() -> None:
    """Largest remainders share the spare people; the total is the headcount exactly."""
    assert team_sizes([100, 300, 0], 10) == [3, 6, 1]
    assert sum(team_sizes([7, 11, 13, 17], 23)) == 23
    with pytest.raises(ValueError, match="cannot give each of 3 towns a team"):
        team_sizes([1, 1, 1], 2)


def test_leave_is_a_monday_to_friday_block_outside_excluded_weeks() -> None:
    """Starts on a Monday in the term, not in half term, and lasts whole weeks."""
    for seed in range(20):
        leave = leave_weeks(random.Random(seed), DAYS, EXCLUDE, 2)
        assert leave.start_date.weekday() == 0 and leave.end_date - leave.start_date == timedelta(
            days=11
        )
        assert not any(lo <= leave.start_date <= hi for lo, hi in EXCLUDE)
        assert SPRING_2027.start - timedelta(days=6) <= leave.start_date <= SPRING_2027.end


def test_capacity_is_near_its_target_and_every_team_has_a_health_visitor() -> None:
    """Teams grow until capacity reaches the target share of the due children."""
    rng = random.Random(8)
    towns = make_towns(rng, 3)
    bases = make_bases(rng, towns)
    due = [200, 120, 80]
    practitioners, absences = make_practitioners(rng, towns, bases, due, 0.83, DAYS, EXCLUDE, 60)
    capacity = sum(practitioner_capacity(p, DAYS, absences, 60) for p in practitioners)
    assert 0.75 * sum(due) <= capacity <= 0.92 * sum(due)
    for town in towns:
        team = [p for p in practitioners if p.team == team_name(town)]
        assert any(p.role == HEALTH_VISITOR for p in team)
    ids = [p.practitioner_id for p in practitioners]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {a.person_id for a in absences} <= set(ids)
    assert all(date(2027, 1, 1) <= a.start_date for a in absences)
