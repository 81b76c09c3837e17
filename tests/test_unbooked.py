"""A setting's own children with no review booked (scheduler/unbooked.py): only its children,
soonest see-by date first, the reason in words for a setting, never another setting's child."""

from __future__ import annotations

from datetime import date

from builders import make_authority, make_child, make_plan, make_setting, make_unscheduled

from scheduler.plan import ReasonCode
from scheduler.unbooked import REASON_WORDS, unbooked_children


def test_a_settings_list_is_its_own_children_soonest_first() -> None:
    """Sorted by 30-month date; another setting's rows, and a child who moved away, left out;
    a child no longer in the data still listed, last."""
    authority = make_authority(
        settings=[make_setting(), make_setting("S002")],
        children=[
            make_child("C001", dob=date(2024, 8, 1), name="Ann Bell"),
            make_child("C002", dob=date(2024, 5, 1), name="Cal Dee"),
            make_child("C003", setting_id="S002", key_person_id=None),
            make_child("C004", setting_id="S002", key_person_id=None),
        ],
    )
    plan = make_plan(
        authority,
        unscheduled=[
            make_unscheduled("C001", "S001", ReasonCode.CAPACITY, "No time  was\nleft."),
            make_unscheduled("C002", "S001", ReasonCode.NO_COMMON_DAY, "No day."),
            make_unscheduled("C003", "S002"),
            make_unscheduled("C004", "S001"),  # moved to S002 since the plan
            make_unscheduled("C099", "S001", ReasonCode.DECLINED, "Declined."),
        ],
    )
    rows = unbooked_children(authority, plan, "S001")
    assert [r.child_id for r in rows] == ["C002", "C001", "C099"]
    c002, c001, gone = rows
    assert c002.see_by == date(2026, 11, 1) and not c002.past_see_by
    assert c001.reason == REASON_WORDS[ReasonCode.CAPACITY]
    assert c001.detail == "No time was left."
    assert c001.child == "A.B. (C001)"
    assert gone.see_by is None and gone.reason_code is ReasonCode.DECLINED


def test_a_child_already_past_30_months_is_flagged_late() -> None:
    """The 30-month date before the term started: the review is already late."""
    authority = make_authority(children=[make_child(dob=date(2023, 12, 1))])
    plan = make_plan(authority, unscheduled=[make_unscheduled()])
    (row,) = unbooked_children(authority, plan, "S001")
    assert row.past_see_by and row.see_by == date(2026, 6, 1)


def test_every_reason_code_has_words_for_a_setting() -> None:
    """No code falls back to its bare name."""
    assert set(REASON_WORDS) == set(ReasonCode)
