"""The key person's progress-summary deadline: one test per rule, each failing without it.

The default term (Autumn 2026) has half term 26–30 October; Mon 2 Nov and Thu 5 Nov 2026 are
review days, so for a Thursday review the summary is due on Tuesday (two working days before),
and for the Monday after half term on the Friday before it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import (
    days,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_config,
    make_key_person,
    make_setting,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.calendar import review_days
from scheduler.deadlines import (
    SUMMARY_LEAD_WORKING_DAYS,
    SummaryDeadlines,
    summary_due_date,
    summary_needed,
    working_days_before,
)
from scheduler.domain import Authority

THURSDAY = date(2026, 11, 5)
TUESDAY = date(2026, 11, 3)
MONDAY_AFTER_HALF_TERM = date(2026, 11, 2)


def _due(authority: Authority, day: date = THURSDAY, **kwargs: int) -> date | None:
    return summary_due_date(authority, authority.children["C001"], day, **kwargs)


def test_two_working_days_before_when_everyone_is_there() -> None:
    """A full-time key person at an open setting: due two working days before (Thu → Tue)."""
    assert _due(make_authority()) == TUESDAY


def test_weekends_do_not_count_as_working_days() -> None:
    """For a Monday review the two working days are Friday and Thursday: due Thursday."""
    data = make_authority(config=make_config(term={"exclude": []}))
    assert _due(data, date(2026, 11, 16)) == date(2026, 11, 12)


def test_only_on_a_day_the_key_person_works() -> None:
    """A key person who works Mon/Wed only: due the Monday, not the Tuesday."""
    data = make_authority(key_persons=[make_key_person(working_days=days("Mon", "Wed"))])
    assert _due(data) == MONDAY_AFTER_HALF_TERM


def test_not_in_an_absence_of_the_key_person() -> None:
    """Away Mon 2–Tue 3 Nov: the last day before is Friday 23 Oct (then half term)."""
    data = make_authority(absences=[make_absence("K001", MONDAY_AFTER_HALF_TERM, TUESDAY)])
    assert _due(data) == date(2026, 10, 23)


def test_another_persons_absence_does_not_matter() -> None:
    """The practitioner's leave does not move the key person's deadline."""
    data = make_authority(absences=[make_absence("P001", MONDAY_AFTER_HALF_TERM, TUESDAY)])
    assert _due(data) == TUESDAY


@pytest.mark.parametrize("setting_id", ["S001", "*"])
def test_not_on_a_closure_of_the_setting(setting_id: str) -> None:
    """The setting (or every setting) closed on Tuesday: due Monday."""
    data = make_authority(closures=[make_closure(setting_id, TUESDAY)])
    assert _due(data) == MONDAY_AFTER_HALF_TERM


def test_another_settings_closure_does_not_matter() -> None:
    """S002 closed on Tuesday does not move S001's key person."""
    data = make_authority(
        settings=[make_setting(), make_setting("S002")], closures=[make_closure("S002", TUESDAY)]
    )
    assert _due(data) == TUESDAY


def test_only_on_a_day_the_setting_is_open() -> None:
    """A key person listed for Tuesday at a setting open Mon/Wed/Thu: due Monday."""
    data = make_authority(
        settings=[make_setting(open_days=days("Mon", "Wed", "Thu"))],
        key_persons=[make_key_person(working_days=days("Mon", "Tue", "Wed", "Thu", "Fri"))],
    )
    assert _due(data) == MONDAY_AFTER_HALF_TERM


def test_never_in_half_term() -> None:
    """For Monday 2 Nov, two working days before is Thu 29 Oct (half term): due Fri 23 Oct."""
    assert working_days_before(MONDAY_AFTER_HALF_TERM, 2, "england") == date(2026, 10, 29)
    assert _due(make_authority(), MONDAY_AFTER_HALF_TERM) == date(2026, 10, 23)


def test_never_on_a_bank_holiday() -> None:
    """Spring term 2027 with Easter Monday 29 Mar inside it: a Thursday 1 Apr review's summary is
    due Tue 30 Mar, and a Wed 31 Mar review's on Thu 25 Mar (Good Friday and Easter Monday are
    bank holidays, and do not count as working days either); a key person working Mondays and
    Fridays only is due Mon 22 Mar, not on either holiday."""
    term = {"name": "Spring 2027", "start": "2027-01-04", "end": "2027-04-09", "exclude": []}
    data = make_authority(
        children=[make_child(dob=date(2025, 1, 15))], config=make_config(term=term)
    )
    assert _due(data, date(2027, 4, 1)) == date(2027, 3, 30)
    assert _due(data, date(2027, 3, 31)) == date(2027, 3, 25)
    mon_fri = make_authority(
        children=[make_child(dob=date(2025, 1, 15))],
        key_persons=[make_key_person(working_days=days("Mon", "Fri"))],
        config=make_config(term=term),
    )
    assert _due(mon_fri, date(2027, 4, 1)) == date(2027, 3, 22)  # not Mon 29 or Fri 26


def test_never_before_the_term_starts() -> None:
    """A review on the term's first two days leaves no review day before it: None."""
    data = make_authority()
    assert _due(data, date(2026, 9, 7)) is None
    assert _due(data, date(2026, 9, 8)) is None
    assert _due(data, date(2026, 9, 10)) == date(2026, 9, 8)


def test_never_before_the_child_starts_at_the_setting() -> None:
    """A child starting Tue 3 Nov has no summary due before then (None for Thursday's review),
    and Wed 4 Nov at the earliest for a later one."""
    data = make_authority(children=[make_child(starts_on=TUESDAY)])
    assert _due(data) == TUESDAY  # due the day they start: allowed
    late = make_authority(children=[make_child(starts_on=date(2026, 11, 4))])
    assert _due(late) is None
    assert _due(late, date(2026, 11, 9)) == date(2026, 11, 5)


def test_none_when_the_key_person_is_away_all_term_before() -> None:
    """Away from the term's start to the review: no day fits, None (never a made-up date)."""
    data = make_authority(absences=[make_absence("K001", date(2026, 9, 1), THURSDAY)])
    assert _due(data) is None


def test_lead_is_a_parameter_for_joint_preparation() -> None:
    """One working day's lead (a joint review's preparation): due the Wednesday."""
    assert _due(make_authority(), lead_working_days=1) == date(2026, 11, 4)
    assert _due(make_authority()) == _due(
        make_authority(), lead_working_days=SUMMARY_LEAD_WORKING_DAYS
    )


def test_a_child_in_no_setting_has_no_summary() -> None:
    """No key person, no summary: summary_needed is False and asking is a programming error."""
    child = make_child(
        setting_id=None, key_person_id=None, practitioner_id="P001", review_model="separate"
    )
    data = make_authority(children=[child])
    assert not summary_needed(child)
    assert summary_needed(make_child())
    with pytest.raises(ValueError, match="no key person"):
        _due(data)


@settings(max_examples=60, deadline=None)
@given(
    working=st.sets(st.integers(0, 4), min_size=1),
    open_days=st.sets(st.integers(0, 4), min_size=1),
    away=st.lists(st.tuples(st.integers(0, 100), st.integers(0, 10)), max_size=3),
    closed=st.lists(st.integers(0, 100), max_size=4),
    review=st.integers(0, 102),
    lead=st.integers(1, 4),
)
def test_the_due_date_is_the_latest_day_meeting_every_rule(
    working: set[int],
    open_days: set[int],
    away: list[tuple[int, int]],
    closed: list[int],
    review: int,
    lead: int,
) -> None:
    """Against brute force over random weeks, absences and closures: the answer meets every
    rule, and no later day does; None exactly when no day does."""
    start = date(2026, 9, 7)
    data = make_authority(
        settings=[make_setting(open_days=frozenset(open_days))],
        key_persons=[make_key_person(working_days=frozenset(working))],
        absences=[
            make_absence("K001", start + timedelta(a), start + timedelta(a + n)) for a, n in away
        ],
        closures=[make_closure("S001", start + timedelta(c)) for c in closed],
    )
    day = start + timedelta(review)
    latest = working_days_before(day, lead, "england")
    term_days = set(review_days(data.config.term))

    def fits(d: date) -> bool:
        return (
            d in term_days
            and d <= latest
            and d.weekday() in working
            and d.weekday() in open_days
            and not any(a.covers(d) for a in data.absences)
            and d not in {c.date for c in data.closures}
        )

    candidates = [d for d in sorted(term_days) if fits(d)]
    expected = candidates[-1] if candidates else None
    assert _due(data, day, lead_working_days=lead) == expected
    assert SummaryDeadlines(data).due_date(data.children["C001"], day, lead_working_days=lead) == (
        expected
    )
