"""What the term's outcomes mean for each child (scheduler/outcomes.py, contract v2): reviewed
on the earliest attended date, declined, to follow up after two times not brought, otherwise
due again with a higher priority for each review that did not happen."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_child, make_outcome

from scheduler.outcomes import FOLLOW_UP_AFTER, Standing, histories, history, reviewed_on

SEP_8, SEP_15, SEP_22 = date(2026, 9, 8), date(2026, 9, 15), date(2026, 9, 22)


def test_no_outcomes_leave_the_child_open() -> None:
    """A child with nothing recorded is to be booked, counting earlier times not brought."""
    h = history(make_child(was_not_brought_before=1), [])
    assert h.standing is Standing.OPEN
    assert (h.reviewed_on, h.declined_on, h.not_brought, h.missed) == (None, None, 1, 1)


def test_reviewed_on_is_the_earliest_attended_date_or_the_datas() -> None:
    """Attended twice: the earlier counts; an earlier ``reviewed_on`` in the data wins."""
    outcomes = [make_outcome(day=SEP_22), make_outcome(day=SEP_15)]
    assert history(make_child(), outcomes).reviewed_on == SEP_15
    earlier = make_child(reviewed_on=SEP_8)
    assert history(earlier, outcomes).reviewed_on == SEP_8
    assert history(make_child(), outcomes).standing is Standing.REVIEWED


def test_a_decline_stops_booking_and_comes_before_follow_up() -> None:
    """Declined (at any time) is DECLINED, even after being not brought twice."""
    outcomes = [
        make_outcome(day=SEP_8, outcome="was_not_brought"),
        make_outcome(day=SEP_15, outcome="was_not_brought"),
        make_outcome(day=SEP_22, outcome="declined"),
    ]
    h = history(make_child(), outcomes)
    assert h.standing is Standing.DECLINED and h.declined_on == SEP_22
    assert h.not_brought == 2 and h.missed == 2  # a decline is not a missed review


@pytest.mark.parametrize(
    ("before", "recorded", "standing"),
    [
        (0, 1, Standing.OPEN),
        (1, 1, Standing.FOLLOW_UP),  # earlier times count
        (0, 2, Standing.FOLLOW_UP),
        (2, 0, Standing.FOLLOW_UP),
    ],
)
def test_not_brought_twice_means_follow_up(before: int, recorded: int, standing: Standing) -> None:
    """Outcomes plus ``was_not_brought_before``: two or more stop automatic booking."""
    outcomes = [
        make_outcome(day=date(2026, 9, 8 + 7 * i), outcome="was_not_brought")
        for i in range(recorded)
    ]
    h = history(make_child(was_not_brought_before=before), outcomes)
    assert h.not_brought == before + recorded
    assert h.standing is standing
    assert FOLLOW_UP_AFTER == 2


def test_cancellations_are_booked_again_with_a_higher_priority_not_a_follow_up() -> None:
    """Cancelled by the parent or the service: the child is open, each cancellation a missed
    review (raising priority), none a time not brought."""
    outcomes = [
        make_outcome(day=SEP_8, outcome="cancelled_by_parent"),
        make_outcome(day=SEP_15, outcome="cancelled_by_service"),
        make_outcome(day=SEP_22, outcome="cancelled_by_parent"),
    ]
    h = history(make_child(), outcomes)
    assert h.standing is Standing.OPEN
    assert (h.not_brought, h.missed) == (0, 3)
    assert h.did_not_happen == {SEP_8, SEP_15, SEP_22} and h.attended == frozenset()


def test_histories_cover_every_child_and_only_their_own_outcomes() -> None:
    """One history per child (children without outcomes too); outcomes of others ignored."""
    children = [make_child("C001"), make_child("C002")]
    found = histories(children, [make_outcome("C002", SEP_8), make_outcome("C999", SEP_8)])
    assert set(found) == {"C001", "C002"}
    assert found["C001"].reviewed_on is None and found["C002"].reviewed_on == SEP_8
    assert reviewed_on(children[1], found) == SEP_8
    assert reviewed_on(make_child("C003", reviewed_on=SEP_15), found) == SEP_15  # no history
