"""The plan's records (scheduler/plan.py): each kind of review meets at its location, a block
starts with the pre-meeting, reason codes are the contract's six, and pins compare by what they
pin, not where they were read."""

from __future__ import annotations

from builders import appointment_pin, hm, make_appointment

from scheduler.config import REVIEW_MODELS
from scheduler.plan import LOCATION_OF_MODEL, Pin, Plan, ReasonCode
from scheduler.summary import PlanSummary


def test_each_model_has_its_location() -> None:
    """joint → setting, separate → clinic, home → home; every model has one."""
    assert LOCATION_OF_MODEL == {"joint": "setting", "separate": "clinic", "home": "home"}
    assert set(LOCATION_OF_MODEL) == set(REVIEW_MODELS)


def test_the_block_starts_with_the_pre_meeting_when_there_is_one() -> None:
    """A joint block starts at the pre-meeting; a clinic one at the meeting."""
    joint = make_appointment(pre_meeting_start=hm("09:45"), start=hm("10:00"))
    clinic = make_appointment(model="separate", start=hm("10:00"))
    assert joint.block_start == hm("09:45")
    assert clinic.pre_meeting_start is None and clinic.block_start == hm("10:00")


def test_the_reason_codes_are_the_contracts() -> None:
    """Exactly the six codes of contract v2, each its own name as text."""
    assert [c.value for c in ReasonCode] == [
        "NO_LINK_PRACTITIONER",
        "NO_COMMON_DAY",
        "CAPACITY",
        "INFEASIBLE_DATA",
        "DECLINED",
        "FOLLOW_UP",
    ]
    assert ReasonCode("CAPACITY") is ReasonCode.CAPACITY and f"{ReasonCode.DECLINED}" == "DECLINED"


def test_pins_are_equal_whatever_file_or_line_they_came_from() -> None:
    """The same pin from the dashboard and from pins.csv line 7 is the same pin."""
    from_file = Pin(
        "appointment", child_id="C001", date=appointment_pin().date, source="pins.csv", line=7
    )
    assert from_file == appointment_pin()
    assert from_file != appointment_pin(start=hm("10:00"))


def test_a_new_plan_has_no_summary_sequences_or_pins() -> None:
    """Defaults are empty and not shared between plans."""
    a, b = Plan([], [], []), Plan([], [], [])
    a.sequences["uid"] = 2
    assert (
        b.summary == PlanSummary()
        and b.summary.as_document() == {}
        and b.sequences == {}
        and b.pins == []
        and b.created_at is None
    )
