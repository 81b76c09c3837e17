"""Children of review age (scheduler/generate/children.py): every plausible date of birth falls
in the band the contract's rules give it for the term, so the due count is exact."""

from __future__ import annotations

from datetime import date

from builders import make_child

from scheduler.calendar import add_months, is_due
from scheduler.config import ReviewConfig, TermConfig
from scheduler.generate.authority import SPRING_2027
from scheduler.generate.children import birth_bands

REVIEW = ReviewConfig()


def test_each_band_is_what_the_contract_says_of_its_dates() -> None:
    """new: turn 24 months in the term; carry: 24–30 at its start; overdue: past 30 but not 36;
    young: turn 24 within six months after it."""
    term = SPRING_2027
    bands = birth_bands(term, REVIEW)
    assert all(term.start <= add_months(d, 24) <= term.end for d in bands.new)
    assert all(add_months(d, 24) < term.start <= add_months(d, 30) for d in bands.carry)
    assert all(add_months(d, 30) < term.start <= add_months(d, 36) for d in bands.overdue)
    assert all(term.end < add_months(d, 24) <= add_months(term.end, 6) for d in bands.young)
    assert all(bands.new) and all(bands.carry) and all(bands.overdue) and all(bands.young)


def test_the_due_bands_are_exactly_the_due_children() -> None:
    """Every date in new, carry and overdue is due; no young date is."""
    term = TermConfig()
    bands = birth_bands(term, REVIEW)

    def due(dob: date) -> bool:
        return is_due(make_child(dob=dob), term, REVIEW)

    assert all(due(d) for d in bands.new + bands.carry + bands.overdue)
    assert not any(due(d) for d in bands.young)
    for band in (bands.overdue, bands.carry, bands.new, bands.young):
        assert band == sorted(band)  # oldest first
