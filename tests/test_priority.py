"""How much seeing a child is worth (scheduler/priority.py): each ``[priorities]`` weight
moves exactly its own term, and the day bonus ranks days as documented."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import make_child, make_config

from scheduler.calendar import ChildWindow
from scheduler.config import Priorities, TermConfig
from scheduler.priority import (
    OVERDUE_URGENCY,
    child_priority,
    day_points,
    deprivation,
    earliness,
    need,
    urgency,
)

TERM = TermConfig()
START = TERM.start


def window(in_window_end: date, overdue: bool = False) -> ChildWindow:
    return ChildWindow(
        "C001", START, in_window_end, in_window_end + timedelta(days=180), START, overdue
    )


WINDOW = window(START + timedelta(days=30))
EVERY_FLAG = make_child(
    funded=True,
    send=True,
    prior_concerns=True,
    looked_after=True,
    child_protection=True,
    child_in_need=True,
    imd_decile=1,
    was_not_brought_before=2,
)
TERMS: dict[str, float] = {
    # weight: its part of EVERY_FLAG's priority per unit of weight
    "funded_two": 1.0,
    "urgency": urgency(WINDOW, TERM),
    "send": 2.0,  # SEND and prior concerns share the weight
    "looked_after": 1.0,
    "child_protection": 1.0,
    "child_in_need": 1.0,
    "deprivation": 1.0,
    "was_not_brought": 2.0,
}


@pytest.mark.parametrize("weight", sorted(TERMS))
def test_each_weight_moves_its_own_term_only(weight: str) -> None:
    """Raising one weight by 1 raises the priority by exactly that term's size."""
    base = Priorities()
    raised = base.model_copy(update={weight: getattr(base, weight) + 1})
    delta = child_priority(EVERY_FLAG, WINDOW, TERM, raised) - child_priority(
        EVERY_FLAG, WINDOW, TERM, base
    )
    assert delta == pytest.approx(TERMS[weight])


def test_an_ordinary_child_is_worth_one_point_plus_urgency() -> None:
    """No flags: 1 point plus the urgency term."""
    plain = make_child(funded=False)
    w = Priorities()
    assert child_priority(plain, WINDOW, TERM, w) == pytest.approx(
        1 + w.urgency * urgency(WINDOW, TERM)
    )


def test_urgency_falls_from_one_to_zero_over_two_terms_and_overdue_is_highest() -> None:
    """A window closing as the term starts: 1; a term later: 0.5; two terms or more: 0;
    already past it: 1.25."""
    days = (TERM.end - TERM.start).days + 1
    assert urgency(window(START), TERM) == 1.0
    assert urgency(window(START + timedelta(days=days)), TERM) == pytest.approx(0.5)
    assert urgency(window(START + timedelta(days=3 * days)), TERM) == 0.0
    assert urgency(window(START - timedelta(days=1), overdue=True), TERM) == OVERDUE_URGENCY


def test_deprivation_is_one_for_the_first_decile_and_zero_for_the_last_or_unknown() -> None:
    """Deciles 1..10 map evenly onto 1..0; unknown counts as 0."""
    assert deprivation(make_child(imd_decile=1)) == 1.0
    assert deprivation(make_child(imd_decile=10)) == 0.0
    assert deprivation(make_child(imd_decile=4)) == pytest.approx(6 / 9)
    assert deprivation(make_child()) == 0.0


def test_need_counts_missed_reviews_given_or_from_the_data() -> None:
    """``missed`` (this term's outcomes included) replaces ``was_not_brought_before``."""
    w = Priorities()
    child = make_child(was_not_brought_before=1)
    assert need(child, w) == w.was_not_brought
    assert need(child, w, missed=3) == 3 * w.was_not_brought


def test_earliness_is_half_in_window_and_half_early_in_the_span() -> None:
    """The first possible day in window scores 1, the last out of window 0."""
    first, last = START, START + timedelta(days=60)
    assert earliness(WINDOW, first, first, last) == 1.0
    assert earliness(WINDOW, last, first, last) == 0.0
    assert earliness(WINDOW, START + timedelta(days=30), first, last) == pytest.approx(0.5 + 0.25)
    assert earliness(WINDOW, first, first, first) == 1.0  # one possible day: as early as can be


def test_day_points_add_the_day_bonus_and_the_own_kind() -> None:
    """Priority + earlier_in_window × earliness + own_model when it is the child's own kind."""
    w = make_config(priorities={"earlier_in_window": 2.0, "own_model": 0.7}).priorities
    first, last = START, START + timedelta(days=60)
    assert day_points(3.0, WINDOW, first, first, last, w, own_model=True) == pytest.approx(
        3 + 2 + 0.7
    )
    assert day_points(3.0, WINDOW, last, first, last, w, own_model=False) == pytest.approx(3.0)
