"""Plain words for what the plan's files call by code, and the one way figures are written.

The contract's files keep their codes (``pvi``, ``CAPACITY``, ``children_due``): other tools
read them. People read the dashboard and the rota workbook's summary, which say the same
things in words from here, so a code is explained once and a figure reads the same everywhere:
whole numbers with thousands separators, shares as whole percentages (``85%``), distances in
whole kilometres.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scheduler.plan import ReasonCode
from scheduler.summary import PlanSummary

SETTING_TYPES: dict[str, str] = {
    "children_centre": "Children's centre",
    "maintained": "Maintained nursery",
    "pvi": "Private, voluntary or independent nursery",
    "childminder": "Childminder",
}

REVIEW_KINDS: dict[str, str] = {
    "joint": "Joint review at the setting",
    "separate": "Clinic appointment",
    "home": "Home visit",
}

VENUES: dict[str, str] = {"setting": "At the setting", "clinic": "At the clinic", "home": "At home"}

STATUSES: dict[str, str] = {
    "OPTIMAL": "The best plan possible with these links (proven)",
    "FEASIBLE": "A good plan; more time could still improve it",
    "GREEDY": "A quick first-fit rota only: the search did not run or was stopped",
}
"""``summary.json``'s ``status`` in words."""


def setting_type(code: str) -> str:
    return SETTING_TYPES.get(code, code.replace("_", " ").capitalize())


def review_kind(model: str) -> str:
    return REVIEW_KINDS.get(model, model)


def venue(location: str) -> str:
    return VENUES.get(location, location)


def status(code: str) -> str:
    return STATUSES.get(code, code)


# --- numbers ----------------------------------------------------------------------------------


def count(n: float) -> str:
    """A whole number with thousands separators: ``1,274``."""
    return f"{round(n):,}"


def percent(fraction: float) -> str:
    """A share as a whole percentage (``85%``). A share that is not zero never reads as 0% or
    100%: ``under 1%`` and ``over 99%`` say there is something left."""
    value = 100 * fraction
    if 0 < value < 0.5:
        return "under 1%"
    if 99.5 <= value < 100:
        return "over 99%"
    return f"{value:.0f}%"


def share(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a percentage (``—`` when there is no whole)."""
    return percent(part / whole) if whole else "—"


def of(part: float, whole: float) -> str:
    """``1,274 of 1,500 (85%)``."""
    return f"{count(part)} of {count(whole)} ({share(part, whole)})"


def km(value: float) -> str:
    return f"{count(value)} km"


def hours(minutes: float) -> str:
    """Minutes as whole hours (``42 h``); under an hour, ``under 1 h`` (not ``0 h``)."""
    if 0 < minutes < 30:
        return "under 1 h"
    return f"{count(minutes / 60)} h"


def signed(change: float, unit: str = "") -> str:
    """A change with its sign (``+3``, ``-12 km``), ``no change`` for zero."""
    rounded = round(change)
    if rounded == 0:
        return "no change"
    return f"{rounded:+,}{unit}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 child``, ``2 children``."""
    return f"{count(n)} {word if n == 1 else many or word + 's'}"


# --- why a child is not booked, by what the coordinator can do --------------------------------


class Action(StrEnum):
    """What a coordinator can do about a child with no review booked (the groups in which the
    dashboard lists them, most actionable first)."""

    FIND_TIME = "find_time"
    NAME_LINK = "name_link"
    FIND_DAY = "find_day"
    FIX_RECORDS = "fix_records"
    CONTACT_FAMILY = "contact_family"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class ActionWords:
    title: str
    what_to_do: str


ACTIONS: dict[Action, ActionWords] = {
    Action.FIND_TIME: ActionWords(
        "Find more practitioner time",
        "Possible days existed, but their practitioner's time went to children who had to be "
        "seen sooner. Add review sessions, move the setting to a practitioner with room (see "
        "Capacity), or pin the child's review and re-plan.",
    ),
    Action.NAME_LINK: ActionWords(
        "Name a link practitioner",
        "Nobody can be the setting's link practitioner, so its children cannot be booked. "
        "Check the practitioners' working days and the setting's opening days, or pin a link.",
    ),
    Action.FIND_DAY: ActionWords(
        "Agree another day",
        "No review day this term has everyone needed free. Ask the family, the setting or the "
        "practitioner about another day, or offer a clinic or home review.",
    ),
    Action.FIX_RECORDS: ActionWords(
        "Check the records",
        "The records as they stand make a review impossible this term (for example a start "
        "date after the term). Check and correct the data, then re-plan.",
    ),
    Action.CONTACT_FAMILY: ActionWords(
        "Contact the family",
        "Not brought to two booked reviews: a safeguarding signal. The named practitioner "
        "contacts the family rather than booking again.",
    ),
    Action.NOTHING: ActionWords(
        "Nothing to book",
        "The family declined the review. Nothing is booked unless they change their mind.",
    ),
}

ACTION_OF: dict[ReasonCode, Action] = {
    ReasonCode.CAPACITY: Action.FIND_TIME,
    ReasonCode.NO_LINK_PRACTITIONER: Action.NAME_LINK,
    ReasonCode.NO_COMMON_DAY: Action.FIND_DAY,
    ReasonCode.INFEASIBLE_DATA: Action.FIX_RECORDS,
    ReasonCode.FOLLOW_UP: Action.CONTACT_FAMILY,
    ReasonCode.DECLINED: Action.NOTHING,
}

REASONS: dict[ReasonCode, str] = {
    ReasonCode.CAPACITY: "No time left with their practitioner",
    ReasonCode.NO_LINK_PRACTITIONER: "No link practitioner for their setting",
    ReasonCode.NO_COMMON_DAY: "No day when everyone needed is free",
    ReasonCode.INFEASIBLE_DATA: "The records make a review impossible",
    ReasonCode.FOLLOW_UP: "Not brought twice: follow up",
    ReasonCode.DECLINED: "The family declined",
}
"""Each reason code as a short phrase (the full sentence is the plan's own)."""


# --- the priority weights ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeightWords:
    label: str
    help: str


WEIGHTS: dict[str, WeightWords] = {
    "funded_two": WeightWords(
        "Funded two-year-olds",
        "Children with a funded two-year-old place (families on the lowest incomes): each "
        "point makes them count that much more than an ordinary child, who counts 1.",
    ),
    "urgency": WeightWords(
        "Close to 30 months",
        "Children nearest the end of the 24–30 month window count more; children already "
        "past it count 1.25 times this.",
    ),
    "looked_after": WeightWords(
        "Looked-after children",
        "Children in care, who are reviewed least often of all.",
    ),
    "child_protection": WeightWords(
        "Child protection plans",
        "Children on a child protection plan.",
    ),
    "child_in_need": WeightWords("Children in need", "Children with a child in need plan."),
    "deprivation": WeightWords(
        "Deprived areas",
        "Children from the most deprived areas get the whole weight, the least deprived none, "
        "in steps by area (deprivation decile).",
    ),
    "was_not_brought": WeightWords(
        "Not brought before",
        "For each earlier review the child was not brought to, so the missed review is made "
        "good first (a second 'not brought' goes to follow-up, not booking).",
    ),
    "send": WeightWords(
        "SEND and prior concerns",
        "Children with special educational needs or disabilities, and families with known "
        "concerns (each counts).",
    ),
    "earlier_in_window": WeightWords(
        "Earlier in the window",
        "Prefer a day nearer 24 months than 30, inside the window: earlier help.",
    ),
    "own_model": WeightWords(
        "The child's own kind of review",
        "Prefer the kind of review the child is down for (for example a joint review at the "
        "setting) over a fallback one (a clinic appointment).",
    ),
    "continuity": WeightWords(
        "Keep link practitioners",
        "Keep each setting's existing link practitioner; relationships are what make joint "
        "reviews work.",
    ),
    "travel": WeightWords(
        "Less travel",
        "Fewer kilometres: several reviews in one visit, settings near the practitioner's base.",
    ),
    "balance": WeightWords(
        "Balanced workloads",
        "Spread the reviews fairly, so no practitioner is far busier than the rest.",
    ),
}
"""Every ``[priorities]`` weight in words: the Priorities page's sliders and saved notes."""


def weight_label(name: str) -> str:
    words = WEIGHTS.get(name)
    return words.label if words else name.replace("_", " ")


# --- the plan's figures in words --------------------------------------------------------------

FIGURES: dict[str, str] = {
    "children_due": "Children due this term",
    "scheduled": "Children booked",
    "in_window": "Reviews inside the 24–30 month window",
    "funded_two_due": "Funded two-year-olds due",
    "funded_two_scheduled": "Funded two-year-olds booked",
    "overdue_due": "Children already past 30 months",
    "overdue_scheduled": "Of them booked before 36 months",
    "send_scheduled": "Children with SEND booked",
    "travel_km": "Travel (km)",
    "visits": "Visits (a practitioner at one place on one day)",
    "links_kept": "Settings keeping their link practitioner",
}
"""Summary figures a person reads, in the order they read them (other keys are for tools)."""


def figure(key: str, value: Any) -> str:
    """One summary figure as text (counts with separators, kilometres whole)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return km(value) if key == "travel_km" else count(value)


def more_children_text(more: int) -> str:
    """What the any-links bound says, in words."""
    if more <= 0:
        return "No plan, with any choice of links, could book more children."
    return f"At most {plural(more, 'more child', 'more children')} could be booked with any links."


def room_text(gap: float) -> str:
    """What the gap to the links-given bound says, in words."""
    if gap <= 0:
        return "No better plan exists with these links."
    share_text = percent(gap)
    if share_text == "under 1%":
        return "A plan with these links could be less than 1% better."
    return f"A plan with these links could be at most {share_text} better."


def summary_in_words(s: PlanSummary) -> list[tuple[str, str]]:
    """The plan's summary as (what, value) lines a person reads: the rota workbook's summary
    sheet and the dashboard say the same. A figure the summary lacks has no line."""
    lines: list[tuple[str, str]] = []
    if s.term_name is not None:
        lines.append(("Term", s.term_name))
    if s.model is not None:
        lines.append(("Usual kind of review", review_kind(s.model)))
    due = s.children_due or 0
    lines.append(("Children due this term", count(due)))
    if s.scheduled is not None:
        lines.append(("Children booked", of(s.scheduled, due)))
    if s.funded_two_due is not None and s.funded_two_scheduled is not None:
        lines.append(("Funded two-year-olds booked", of(s.funded_two_scheduled, s.funded_two_due)))
    if s.overdue_due is not None and s.overdue_scheduled is not None:
        lines.append(("Children past 30 months booked", of(s.overdue_scheduled, s.overdue_due)))
    if s.in_window is not None and s.scheduled is not None:
        lines.append(("Reviews inside the 24–30 month window", of(s.in_window, s.scheduled)))
    if s.travel_km is not None:
        lines.append(("Travel", km(float(s.travel_km))))
    for code, n in (s.unscheduled_by_reason or {}).items():
        try:
            reason = REASONS[ReasonCode(code)]
        except ValueError:
            reason = str(code)
        lines.append((f"Not booked: {reason}", count(n)))
    if s.status is not None:
        lines.append(("How good the plan is", status(s.status)))
    if s.gap is not None:
        lines.append(("Room for improvement", room_text(float(s.gap))))
    more = s.more_children()
    if more is not None:
        lines.append(("With other links", more_children_text(more)))
    if s.stopped_early:
        lines.append(("Stopped early", "Yes: the search was stopped before its time was up."))
    if s.pins_unhonoured:
        lines.append(("Pins not kept", count(len(s.pins_unhonoured))))
    return lines
