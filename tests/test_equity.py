"""Who a plan leaves behind (scheduler/equity.py): settings with funded two-year-olds unbooked,
most at risk first, with their link and reasons; due and booked children by type of setting."""

from __future__ import annotations

from builders import (
    appointment_for,
    child_in_no_setting,
    make_authority,
    make_child,
    make_key_person,
    make_link,
    make_plan,
    make_setting,
    make_unscheduled,
)

from scheduler.domain import Authority
from scheduler.equity import SettingAtRisk, TypeReach, by_setting_type, settings_at_risk
from scheduler.plan import Plan, ReasonCode

CAP, DAY = ReasonCode.CAPACITY, ReasonCode.NO_COMMON_DAY


def world() -> tuple[Authority, Plan]:
    """S001 (PVI): C001 booked, C002 funded and C003 not funded unbooked. S002 (childminder,
    no link): C004 and C005 funded, unbooked. C006 in no setting, funded, unbooked. C007 at S001
    not funded, unbooked (no common day)."""
    a = make_authority(
        settings=[make_setting("S001"), make_setting("S002", type="childminder")],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001"),
            make_child("C002"),
            make_child("C003", funded=False),
            make_child("C004", setting_id="S002", key_person_id="K002"),
            make_child("C005", setting_id="S002", key_person_id="K002"),
            child_in_no_setting("C006"),
            make_child("C007", funded=False),
        ],
    )
    plan = make_plan(
        a,
        [appointment_for(a, "C001")],
        [
            make_unscheduled("C002", "S001", CAP),
            make_unscheduled("C003", "S001", CAP),
            make_unscheduled("C004", "S002", ReasonCode.NO_LINK_PRACTITIONER),
            make_unscheduled("C005", "S002", ReasonCode.NO_LINK_PRACTITIONER),
            make_unscheduled("C006", None, DAY),
            make_unscheduled("C007", "S001", DAY),
        ],
        links=[make_link("S001", "P001")],
    )
    return a, plan


def test_settings_with_funded_children_unbooked_are_listed_most_at_risk_first() -> None:
    """Most funded unbooked first, then most unbooked; the link (or none), the type, and the
    reasons most common first; a setting whose unbooked children are all unfunded is not at
    risk, and children in no setting are a row of their own."""
    a, plan = world()
    assert settings_at_risk(a, plan) == [
        SettingAtRisk("S002", "childminder", None, 2, 2, ((ReasonCode.NO_LINK_PRACTITIONER, 2),)),
        SettingAtRisk("S001", "pvi", "P001", 1, 3, ((CAP, 2), (DAY, 1))),
        SettingAtRisk(None, None, None, 1, 1, ((DAY, 1),)),
    ]


def test_a_plan_that_books_every_funded_child_has_no_setting_at_risk() -> None:
    """Unfunded children left unbooked put no setting at risk."""
    a = make_authority(children=[make_child("C001", funded=False)])
    assert settings_at_risk(a, make_plan(a, [], [make_unscheduled("C001")])) == []


def test_due_and_booked_children_are_counted_by_type_of_setting() -> None:
    """Due = booked + unbooked, per type code; children in no setting last."""
    a, plan = world()
    assert by_setting_type(a, plan) == [
        TypeReach("childminder", 2, 0),
        TypeReach("pvi", 4, 1),
        TypeReach(None, 1, 0),
    ]
