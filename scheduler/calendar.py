"""Dates, in one place: ``add_months``, the term's review days and which children are due.

Every other module asks this one; no other module does month arithmetic.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

from scheduler.config import Config, Nation, ReviewConfig, TermConfig
from scheduler.domain import Child

_SUBDIVISION: dict[str, str] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later, clipped to that month's last day.

    31 Aug + 6 months is 28 Feb (29 Feb in a leap year); 29 Feb + 12 months is 28 Feb.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdcal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def months_between(start: date, end: date) -> float:
    """Age-style months from ``start`` to ``end``: whole months by ``add_months``, plus a fraction.

    The fraction is the share of the next month elapsed, so a child born 15 Mar is 24.0 months
    on 15 Mar two years later and about 24.5 at the end of that month.
    """
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, whole) > end:
        whole -= 1
    anchor = add_months(start, whole)
    nxt = add_months(start, whole + 1)
    span = (nxt - anchor).days
    return whole + ((end - anchor).days / span if span else 0.0)


@lru_cache(maxsize=64)
def bank_holidays(nation: Nation, years: tuple[int, ...]) -> frozenset[date]:
    """Bank holidays of a UK nation (from the ``holidays`` package) in the given years."""
    if nation == "none":
        return frozenset()
    table = _holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=list(years))
    return frozenset(table.keys())


def is_excluded(day: date, term: TermConfig) -> bool:
    """Inside one of the term's excluded ranges (half term, INSET days)."""
    return any(lo <= day <= hi for lo, hi in term.exclude)


def review_days(term: TermConfig) -> tuple[date, ...]:
    """Every review day: a date in the term, not excluded, not a bank holiday of the nation.

    Weekends are review days by the contract if everyone needed works them; in practice the
    practitioners' and settings' day lists rule them out.
    """
    years = tuple(range(term.start.year, term.end.year + 1))
    closed = bank_holidays(term.bank_holidays, years)
    out = []
    day = term.start
    while day <= term.end:
        if day not in closed and not is_excluded(day, term):
            out.append(day)
        day += timedelta(days=1)
    return tuple(out)


def non_review_days(term: TermConfig) -> dict[date, str]:
    """Weekdays in the term that are not review days, with why (for explanations and the UI)."""
    years = tuple(range(term.start.year, term.end.year + 1))
    table = (
        _holidays.country_holidays("GB", subdiv=_SUBDIVISION[term.bank_holidays], years=list(years))
        if term.bank_holidays != "none"
        else {}
    )
    out: dict[date, str] = {}
    day = term.start
    while day <= term.end:
        if day.weekday() < 5:
            if day in table:
                out[day] = f"bank holiday ({table[day]})"
            elif is_excluded(day, term):
                out[day] = "excluded (half term or closure of the service)"
        day += timedelta(days=1)
    return out


@dataclass(frozen=True, slots=True)
class ChildWindow:
    """The dates on which a due child may be reviewed this term, and how urgent they are."""

    child_id: str
    window_start: date
    """``add_months(dob, lo)``: the first day of the target window."""
    in_window_end: date
    """``add_months(dob, hi)``: the last day a review counts as in window."""
    allowed_end: date
    """``add_months(dob, over)``: the last day the review may happen at all."""
    earliest: date
    """First allowed date: the window's start, or ``starts_on + settle_days`` if later."""
    overdue: bool
    """Already past the window when the term begins."""

    def allows(self, day: date) -> bool:
        return self.earliest <= day <= self.allowed_end

    def in_window(self, day: date) -> bool:
        return day <= self.in_window_end


_DATA = object()


def is_due(
    child: Child, term: TermConfig, review: ReviewConfig, reviewed_on: object = _DATA
) -> bool:
    """The contract's rule: not yet reviewed, reaches the window by the term's end and is not
    past ``overdue_until_months`` when it starts.

    ``reviewed_on`` overrides the child's own (an attended outcome counts as one, v2)."""
    lo = review.window_months[0]
    reviewed = child.reviewed_on if reviewed_on is _DATA else reviewed_on
    return (
        reviewed is None
        and add_months(child.date_of_birth, lo) <= term.end
        and add_months(child.date_of_birth, review.overdue_until_months) >= term.start
    )


def child_window(child: Child, term: TermConfig, review: ReviewConfig) -> ChildWindow:
    """Allowed dates of a child's review (ignoring the term's bounds; see :func:`allowed_days`)."""
    lo, hi = review.window_months
    start = add_months(child.date_of_birth, lo)
    settled = child.starts_on + timedelta(days=review.settle_days) if child.starts_on else None
    earliest = max(start, settled) if settled else start
    return ChildWindow(
        child_id=child.child_id,
        window_start=start,
        in_window_end=add_months(child.date_of_birth, hi),
        allowed_end=add_months(child.date_of_birth, review.overdue_until_months),
        earliest=earliest,
        overdue=add_months(child.date_of_birth, hi) < term.start,
    )


def due_children(children: Iterable[Child], config: Config) -> list[Child]:
    """The term's work, in input order."""
    return [c for c in children if is_due(c, config.term, config.review)]


def allowed_days(window: ChildWindow, days: Iterable[date]) -> list[date]:
    """The review days on which the child's age and start date allow a review."""
    return [d for d in days if window.allows(d)]


def age_months(dob: date, on: date) -> float:
    """Age in months on a day, to one decimal as ``appointments.csv`` reports it."""
    return round(months_between(dob, on), 1)
