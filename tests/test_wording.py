"""Plain words and the one number format: codes read as words, shares never hide a remainder."""

from __future__ import annotations

import pytest

from scheduler.plan import ReasonCode
from scheduler.summary import PlanSummary
from scheduler.wording import (
    ACTION_OF,
    ACTIONS,
    REASONS,
    count,
    km,
    more_children_text,
    of,
    percent,
    room_text,
    setting_type,
    signed,
    status,
    summary_in_words,
)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.0, "0%"),
        (0.004, "under 1%"),  # a remainder exists: never "0%"
        (0.849, "85%"),
        (0.996, "over 99%"),  # not all: never "100%"
        (1.0, "100%"),
        (1.43, "143%"),
    ],
)
def test_percent_is_whole_and_never_hides_a_remainder(fraction: float, text: str) -> None:
    """Shares read as whole percentages; a small non-zero remainder is said, not rounded away."""
    assert percent(fraction) == text


def test_counts_have_separators_and_of_reads_as_a_sentence() -> None:
    """``1,274 of 1,500 (85%)``; kilometres whole; signed changes say "no change" for zero."""
    assert count(1274) == "1,274"
    assert of(1274, 1500) == "1,274 of 1,500 (85%)"
    assert of(0, 0) == "0 of 0 (—)"
    assert km(8963.4) == "8,963 km"
    assert signed(3) == "+3" and signed(-12, " km") == "-12 km" and signed(0.2) == "no change"


def test_every_reason_code_has_words_and_an_action() -> None:
    """No reason code reaches a coordinator raw: each has a phrase and a group with advice."""
    for code in ReasonCode:
        assert REASONS[code] and code.value not in REASONS[code]
        action = ACTION_OF[code]
        assert ACTIONS[action].title and ACTIONS[action].what_to_do.endswith(".")


def test_codes_in_words() -> None:
    """Setting types and statuses in words; an unknown code is still readable."""
    assert setting_type("pvi") == "Private, voluntary or independent nursery"
    assert setting_type("forest_school") == "Forest school"
    assert "proven" in status("OPTIMAL") and "quick" in status("GREEDY")


def test_bounds_in_words() -> None:
    """The any-links bound and the gap are sentences, with correct plurals."""
    assert more_children_text(0) == "No plan, with any choice of links, could book more children."
    assert more_children_text(1) == "At most 1 more child could be booked with any links."
    assert more_children_text(15) == "At most 15 more children could be booked with any links."
    assert room_text(0.0) == "No better plan exists with these links."
    assert room_text(0.045) == "A plan with these links could be at most 4% better."
    assert room_text(0.003) == "A plan with these links could be less than 1% better."


def test_summary_in_words_has_no_internal_names() -> None:
    """The summary a person reads: no key names, no bounds or objectives as numbers."""
    summary = PlanSummary.from_document(
        {
            "term_name": "Spring 2027",
            "model": "joint",
            "children_due": 1500,
            "scheduled": 1274,
            "in_window": 1166,
            "funded_two_due": 582,
            "funded_two_scheduled": 552,
            "overdue_due": 106,
            "overdue_scheduled": 99,
            "travel_km": 8963.0,
            "unscheduled_by_reason": {"CAPACITY": 177, "FOLLOW_UP": 14},
            "status": "FEASIBLE",
            "objective": 1625.3,
            "best_bound": 1633.5,
            "gap": 0.045,
            "children_bound_any_links": 1289,
            "pins_unhonoured": [
                {"child_id": "C1", "setting_id": "S1", "kind": "appointment", "reason": "x"}
            ],
        }
    )
    lines = dict(summary_in_words(summary))
    assert lines["Children booked"] == "1,274 of 1,500 (85%)"
    assert lines["Funded two-year-olds booked"] == "552 of 582 (95%)"
    assert lines["Not booked: No time left with their practitioner"] == "177"
    assert lines["With other links"] == "At most 15 more children could be booked with any links."
    assert lines["Pins not kept"] == "1"
    text = " ".join(f"{k} {v}" for k, v in lines.items())
    for internal in ("children_due", "best_bound", "gap", "objective", "FEASIBLE", "CAPACITY"):
        assert internal not in text
    assert "1625" not in text and "1,625" not in text


def test_every_priority_weight_has_a_label_and_help() -> None:
    """A slider for each weight the config has, each with words; none left out."""
    from scheduler.config import Priorities
    from scheduler.wording import WEIGHTS

    assert set(WEIGHTS) == set(Priorities.model_fields)
    assert all(w.label and w.help.endswith(".") for w in WEIGHTS.values())
