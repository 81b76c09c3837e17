"""The independent checker: for every rule, a tiny valid plan that checks clean and a variant
that breaks exactly that rule and is reported under its name.

Each case is a function ``case(broken) -> World``: the data, the plan and, for the rules that
need them, the previous plan and the pins. The two variants differ in the one place the case
is about, so a rule that is removed, or that stops looking at that place, makes its case fail.
``test_every_rule_has_a_case`` keeps new rules from going untested. The command and the
checker's robustness are tested in ``test_commands_check.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from builders import (
    HOME,
    REVIEW_DAY,
    SUMMARY_COUNTS,
    appointment_for,
    appointment_pin,
    child_at_home,
    child_in_no_setting,
    days,
    hm,
    link_pin,
    links_for,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_config,
    make_key_person,
    make_outcome,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
    summary_for,
    unhonoured,
)

from scheduler.calendar import add_months
from scheduler.check import RULES, RULES_BY_NAME, CheckReport, Violation, check_plan
from scheduler.domain import Authority
from scheduler.plan import Appointment, Pin, Plan, ReasonCode

World = tuple[Authority, Plan] | tuple[Authority, Plan, Plan | None, Sequence[Pin]]
"""The data and the plan; optionally the previous plan and the pins too."""
Case = Callable[[bool], World]

WED = date(2026, 9, 9)
MON_14, MON_21, MON_28, TUE_29 = (date(2026, 9, d) for d in (14, 21, 28, 29))
SEPARATE = make_config(review={"model": "separate"})
REPO = Path(__file__).resolve().parent.parent


def check(world: World) -> CheckReport:
    """The checker's report on a case's world."""
    if len(world) == 2:
        return check_plan(world[0], world[1])
    authority, plan, previous, pins = world
    return check_plan(authority, plan, previous=previous, pins=pins)


def two_children(**authority: Any) -> Authority:
    """S001 with key persons K001/K002 and children C001 (K001) and C002 (K002)."""
    defaults: dict[str, Any] = {
        "key_persons": [make_key_person("K001"), make_key_person("K002")],
        "children": [make_child("C001"), make_child("C002", key_person_id="K002", funded=False)],
    }
    return make_authority(**(defaults | authority))


def two_settings(s002: dict[str, Any] | None = None, **authority: Any) -> Authority:
    """S001 (C001, K001) and S002 (C003, K003), both linked to P001 unless ``s002`` says."""
    defaults: dict[str, Any] = {
        "settings": [make_setting("S001"), make_setting("S002", **(s002 or {}))],
        "key_persons": [make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        "children": [
            make_child("C001"),
            make_child("C003", setting_id="S002", key_person_id="K003"),
        ],
    }
    return make_authority(**(defaults | authority))


def two_practitioners(**authority: Any) -> Authority:
    """P001 (S001's link) and P002, both based near S001."""
    return make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")], **authority
    )


def one_review(
    broken: bool, change: Callable[[Appointment], Appointment], **authority: Any
) -> World:
    """C001's default review, changed by ``change`` when broken."""
    a = make_authority(**authority)
    appointment = appointment_for(a)
    return a, make_plan(a, [change(appointment) if broken else appointment])


def review_on(day_valid: date, day_broken: date, **authority: Any) -> Case:
    """C001 reviewed at 10:00 on one day or the other."""

    def case(broken: bool) -> World:
        a = make_authority(**authority)
        return a, make_plan(a, [appointment_for(a, day=day_broken if broken else day_valid)])

    return case


def at_start(valid: int, broken: int, **authority: Any) -> Case:
    """C001 reviewed on REVIEW_DAY at one start or the other."""

    def case(is_broken: bool) -> World:
        a = make_authority(**authority)
        return a, make_plan(a, [appointment_for(a, start=broken if is_broken else valid)])

    return case


def with_data(valid: dict[str, Any], broken: dict[str, Any], start: int = hm("10:00")) -> Case:
    """C001 reviewed at ``start`` on REVIEW_DAY; the data differ between the variants."""

    def case(is_broken: bool) -> World:
        a = make_authority(**(broken if is_broken else valid))
        return a, make_plan(a, [appointment_for(a, start=start)])

    return case


def unscheduled_as(valid: ReasonCode, broken: ReasonCode, **authority: Any) -> Case:
    """C001 unscheduled with one reason code or the other."""

    def case(is_broken: bool) -> World:
        a = make_authority(**authority)
        code = broken if is_broken else valid
        return a, make_plan(a, [], [make_unscheduled("C001", "S001", code)])

    return case


AT_BASE: dict[str, float] = {"base_lat": 51.55, "base_lon": -0.10}
"""A practitioner based at S001 itself: no journey at either end of the day."""

S002_FAR: dict[str, Any] = {"lat": 51.60, "lon": -0.10}
"""5.56 km north of S001: 22 minutes at 20 km/h with a 1.3 detour; 27 from P001's base."""


# --------------------------------------------------------------------------- every_due_child_once


def case_missing_child(broken: bool) -> World:
    a = two_children()
    first, second = appointment_for(a, "C001"), appointment_for(a, "C002", start=hm("11:00"))
    return a, make_plan(a, [first] if broken else [first, second])


def case_child_twice(broken: bool) -> World:
    a = make_authority()
    extra = [make_unscheduled("C001")] if broken else []
    return a, make_plan(a, [appointment_for(a)], extra)


def case_child_not_due(broken: bool) -> World:
    a = two_children(
        children=[
            make_child("C001"),
            make_child("C002", key_person_id="K002", reviewed_on=date(2026, 6, 1)),
        ]
    )
    extra = [appointment_for(a, "C002", start=hm("11:00"))] if broken else []
    return a, make_plan(a, [appointment_for(a, "C001"), *extra])


def case_unknown_child(broken: bool) -> World:
    a = make_authority()
    extra = [make_unscheduled("C999")] if broken else []
    return a, make_plan(a, [appointment_for(a)], extra)


def case_attended_child_not_due(broken: bool) -> World:
    """An attended outcome counts as reviewed_on: the child is not due and not booked again."""
    a = two_children(outcomes=[make_outcome("C002", date(2026, 7, 1), "attended")])
    extra = [appointment_for(a, "C002", start=hm("11:00"))] if broken else []
    return a, make_plan(a, [appointment_for(a, "C001"), *extra])


def case_attended_history_row(broken: bool) -> World:
    """A history row of a child who attended that day may stay; listing the child again may not."""
    a = make_authority(
        config=make_config(term={"today": "2026-09-21"}),
        outcomes=[make_outcome("C001", REVIEW_DAY, "attended")],
    )
    old = make_plan(a, [appointment_for(a)])
    extra = [make_unscheduled("C001")] if broken else []
    return a, make_plan(a, [appointment_for(a)], extra), old, ()


# --------------------------------------------------------------------------- links_valid


def case_link_twice(broken: bool) -> World:
    a = make_authority()
    links = links_for(a)
    return a, make_plan(a, [appointment_for(a)], links=links * 2 if broken else links)


def case_link_unknown_practitioner(broken: bool) -> World:
    a = make_authority(settings=[make_setting("S001"), make_setting("S002")])
    links = links_for(a)
    if broken:
        links[1] = replace(links[1], practitioner_id="P999", kept_existing_link=False)
    return a, make_plan(a, [appointment_for(a)], links=links)


def case_link_children_due(broken: bool) -> World:
    a = make_authority()
    links = [replace(link, children_due=2 if broken else 1) for link in links_for(a)]
    return a, make_plan(a, [appointment_for(a)], links=links)


def case_link_children_due_counts_outcomes(broken: bool) -> World:
    """A child who attended is not due, so not among the setting's children_due."""
    a = two_children(outcomes=[make_outcome("C002", date(2026, 7, 1), "attended")])
    links = [replace(link, children_due=2 if broken else 1) for link in links_for(a)]
    return a, make_plan(a, [appointment_for(a)], links=links)


def case_link_kept_flag(broken: bool) -> World:
    a = make_authority()
    links = [replace(link, kept_existing_link=not broken) for link in links_for(a)]
    return a, make_plan(a, [appointment_for(a)], links=links)


# --------------------------------------------------------------------------- no_link_practitioner


def case_unlinked_child_wrong_code(broken: bool) -> World:
    a = two_settings(s002={"link_practitioner_id": None})  # S002 gets no links.csv row
    code = ReasonCode.CAPACITY if broken else ReasonCode.NO_LINK_PRACTITIONER
    return a, make_plan(a, [appointment_for(a)], [make_unscheduled("C003", "S002", code)])


def case_no_link_code_but_linked(broken: bool) -> World:
    a = make_authority()
    code = ReasonCode.NO_LINK_PRACTITIONER if broken else ReasonCode.CAPACITY
    return a, make_plan(a, [], [make_unscheduled("C001", reason_code=code)])


def case_caseload_practitioner_needs_no_link(broken: bool) -> World:
    """Unlinked S002, but C003's caseload practitioner may run a clinic review (a fallback)."""
    a = two_settings(
        s002={"link_practitioner_id": None},
        children=[
            make_child("C001"),
            make_child("C003", setting_id="S002", key_person_id="K003", practitioner_id="P001"),
        ],
        config=make_config(review={"fallback": ["separate"]}),
    )
    code = ReasonCode.NO_LINK_PRACTITIONER if broken else ReasonCode.CAPACITY
    return a, make_plan(a, [appointment_for(a)], [make_unscheduled("C003", "S002", code)])


def case_caseload_practitioner_but_joint_only(broken: bool) -> World:
    """A caseload practitioner does not help a child whose only model is joint."""
    a = two_settings(
        s002={"link_practitioner_id": None},
        children=[
            make_child("C001"),
            make_child("C003", setting_id="S002", key_person_id="K003", practitioner_id="P001"),
        ],
    )
    code = ReasonCode.CAPACITY if broken else ReasonCode.NO_LINK_PRACTITIONER
    return a, make_plan(a, [appointment_for(a)], [make_unscheduled("C003", "S002", code)])


def case_no_link_code_in_no_setting(broken: bool) -> World:
    a = make_authority(children=[child_in_no_setting()])
    code = ReasonCode.NO_LINK_PRACTITIONER if broken else ReasonCode.CAPACITY
    return a, make_plan(a, [], [make_unscheduled("C001", None, code)])


# --------------------------------------------------------------------------- outcomes_respected

DECLINED = make_outcome("C001", date(2026, 7, 1), "declined")
NOT_BROUGHT = make_outcome("C001", date(2026, 7, 1), "was_not_brought")


def case_declined_is_booked(broken: bool) -> World:
    a = make_authority(outcomes=[DECLINED])
    if broken:
        return a, make_plan(a, [appointment_for(a)])
    return a, make_plan(a, [], [make_unscheduled(reason_code=ReasonCode.DECLINED)])


def case_follow_up_is_booked(broken: bool) -> World:
    """One not-brought outcome plus one before: two, so FOLLOW_UP, never booked."""
    a = make_authority(children=[make_child(was_not_brought_before=1)], outcomes=[NOT_BROUGHT])
    if broken:
        return a, make_plan(a, [appointment_for(a)])
    return a, make_plan(a, [], [make_unscheduled(reason_code=ReasonCode.FOLLOW_UP)])


DECLINED_AND_NOT_BROUGHT_TWICE: dict[str, Any] = {
    "children": [make_child(was_not_brought_before=1)],
    "outcomes": [NOT_BROUGHT, make_outcome("C001", date(2026, 8, 3), "declined")],
}


def case_once_not_brought_is_booked_again(broken: bool) -> World:
    """Not brought once: booked afresh, not FOLLOW_UP."""
    a = make_authority(outcomes=[NOT_BROUGHT])
    if broken:
        return a, make_plan(a, [], [make_unscheduled(reason_code=ReasonCode.FOLLOW_UP)])
    return a, make_plan(a, [appointment_for(a)])


# ------------------------------------------------------------------- unscheduled_matches_data


def case_unscheduled_wrong_setting(broken: bool) -> World:
    a = make_authority(settings=[make_setting("S001"), make_setting("S002")])
    return a, make_plan(a, [], [make_unscheduled("C001", "S002" if broken else "S001")])


def case_unscheduled_no_setting(broken: bool) -> World:
    """A child in no setting is listed with an empty setting_id."""
    a = make_authority(children=[child_in_no_setting()])
    return a, make_plan(a, [], [make_unscheduled("C001", "S001" if broken else None)])


# --------------------------------------------------------------------------- reason_codes_valid


def case_empty_reason(broken: bool) -> World:
    a = make_authority()
    reason = "  " if broken else "No review day left before the child turns 36 months."
    return a, make_plan(a, [], [make_unscheduled(reason=reason)])


def case_unknown_reason_code(broken: bool) -> World:
    a = make_authority()
    code = cast(ReasonCode, "LATER") if broken else ReasonCode.NO_COMMON_DAY
    return a, make_plan(a, [], [make_unscheduled(reason_code=code)])


# --------------------------------------------------------------------------- review_model_allowed


def model_case(valid: str, broken: str, **authority: Any) -> Case:
    """C001 reviewed on REVIEW_DAY at 10:00 under one model or the other."""

    def case(is_broken: bool) -> World:
        a = make_authority(**authority)
        model = cast(Any, broken if is_broken else valid)
        return a, make_plan(a, [appointment_for(a, model=model, practitioner_id="P001")])

    return case


def case_fallback_model(broken: bool) -> World:
    """A clinic review is allowed when ``[review] fallback`` lists it, and only then."""
    fallback: list[str] = [] if broken else ["separate"]
    a = make_authority(config=make_config(review={"fallback": fallback}))
    return a, make_plan(a, [appointment_for(a, model="separate")])


# ----------------------------------------------------------------- model_location_pre_meeting


def case_home_at_clinic(broken: bool) -> World:
    a = make_authority(children=[child_at_home()])
    right = appointment_for(a)
    assert right.location == "home" and right.pre_meeting_start is None
    return a, make_plan(a, [replace(right, location="clinic") if broken else right])


def case_home_with_pre_meeting(broken: bool) -> World:
    a = make_authority(children=[child_at_home()])
    right = appointment_for(a)
    return a, make_plan(
        a, [replace(right, pre_meeting_start=right.start - 15) if broken else right]
    )


# --------------------------------------------------------------------------- right_practitioner


def practitioner_case(valid: str, broken: str, child: Any, model: str, **authority: Any) -> Case:
    """C001 (``child``) has a ``model`` review run by one practitioner or the other."""

    def case(is_broken: bool) -> World:
        a = two_practitioners(children=[child], **authority)
        pid = broken if is_broken else valid
        return a, make_plan(a, [appointment_for(a, model=cast(Any, model), practitioner_id=pid)])

    return case


def case_unlinked_child_scheduled(broken: bool) -> World:
    """A joint review at a setting without a link practitioner has nobody to run it."""
    a = two_settings(s002={"link_practitioner_id": None})
    if broken:
        return a, make_plan(
            a, [appointment_for(a), appointment_for(a, "C003", WED, practitioner_id="P001")]
        )
    no_link = make_unscheduled("C003", "S002", ReasonCode.NO_LINK_PRACTITIONER)
    return a, make_plan(a, [appointment_for(a)], [no_link])


def case_link_from_links_csv(broken: bool) -> World:
    """The link is the plan's (links.csv), not the setting's previous one (settings.csv)."""
    a = two_practitioners()
    links = links_for(a, {"S001": "P002"})
    pid = "P001" if broken else "P002"
    return a, make_plan(a, [appointment_for(a, practitioner_id=pid)], links=links)


def case_unknown_practitioner(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, practitioner_id="P999"))


# ------------------------------------------------------------------- appointment_matches_data


def case_wrong_key_person(broken: bool) -> World:
    return one_review(
        broken,
        lambda x: replace(x, key_person_id="K002"),
        key_persons=[make_key_person("K001"), make_key_person("K002")],
    )


def case_wrong_setting(broken: bool) -> World:
    return one_review(
        broken,
        lambda x: replace(x, setting_id="S002"),
        settings=[make_setting("S001"), make_setting("S002")],
    )


def case_no_setting_has_empty_ids(field: str) -> Case:
    """A child in no setting's row has an empty setting_id and key_person_id."""

    def case(broken: bool) -> World:
        a = make_authority(children=[child_in_no_setting()])
        right = appointment_for(a)
        assert right.setting_id is None and right.key_person_id is None
        value = {"setting_id": "S001", "key_person_id": "K001"}[field]
        return a, make_plan(a, [replace(right, **{field: value}) if broken else right])

    return case


def case_wrong_length(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, end=x.end + 5))


def case_prior_concerns_length(broken: bool) -> World:
    """Prior concerns add 15 minutes: 60, not 45."""
    a = make_authority(children=[make_child(prior_concerns=True)])
    right = appointment_for(a)
    assert right.end - right.start == 60
    return a, make_plan(a, [replace(right, end=right.start + 45) if broken else right])


INTERPRETER = make_config(review={"interpreter_extra_minutes": 10})


def case_interpreter_length(broken: bool) -> World:
    """A home language other than English adds interpreter_extra_minutes: 55, not 45."""
    a = make_authority(children=[make_child(home_language="Polish")], config=INTERPRETER)
    right = appointment_for(a)
    assert right.end - right.start == 55
    return a, make_plan(a, [replace(right, end=right.start + 45) if broken else right])


def case_english_needs_no_interpreter(broken: bool) -> World:
    """'English' in any case and spacing is English: 45 minutes, not 55."""
    a = make_authority(children=[make_child(home_language=" ENGLISH ")], config=INTERPRETER)
    right = appointment_for(a)
    assert right.end - right.start == 45
    return a, make_plan(a, [replace(right, end=right.start + 55) if broken else right])


def case_wrong_age(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, age_months=x.age_months + 0.1))


def case_wrong_in_window(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, in_window=False))


def case_thirty_month_day_is_in_window(broken: bool) -> World:
    """On the day the child turns 30 months the review is still in window."""
    dob = date(2024, 3, 8)
    assert add_months(dob, 30) == REVIEW_DAY
    return one_review(broken, lambda x: replace(x, in_window=False), children=[make_child(dob=dob)])


# --------------------------------------------------------------------------- notice_given

TODAY_7 = make_config(term={"today": "2026-09-07"})
"""Planning on Mon 7 Sep with the default 7 days' notice: new reviews from Mon 14 Sep."""


def case_kept_slot_needs_no_notice(broken: bool) -> World:
    """A slot the previous plan already had (child, date, start) is not new; another is."""
    a = make_authority(config=TODAY_7)
    old = make_plan(a, [appointment_for(a)])
    start = hm("11:00") if broken else hm("10:00")
    return a, make_plan(a, [appointment_for(a, start=start)]), old, ()


# --------------------------------------------------------------------------- history_kept

TODAY_21 = make_config(term={"today": "2026-09-21"})
"""Planning on Mon 21 Sep: 8 Sep is history, new reviews from Mon 28 Sep."""


def case_history_dropped(broken: bool) -> World:
    """The review of 8 Sep has no outcome yet: it stays, it is not re-booked."""
    a = make_authority(config=TODAY_21)
    old = make_plan(a, [appointment_for(a)])
    new = appointment_for(a, "C001", MON_28) if broken else appointment_for(a)
    return a, make_plan(a, [new]), old, ()


def case_history_changed(broken: bool) -> World:
    """History is copied unchanged, every column."""
    a = make_authority(config=TODAY_21)
    old = make_plan(a, [appointment_for(a)])
    start = hm("11:00") if broken else hm("10:00")
    return a, make_plan(a, [appointment_for(a, start=start)]), old, ()


def case_history_that_did_not_happen(broken: bool) -> World:
    """Not brought on 8 Sep: that row is dropped and the child booked afresh."""
    a = make_authority(
        config=TODAY_21, outcomes=[make_outcome("C001", REVIEW_DAY, "was_not_brought")]
    )
    old = make_plan(a, [appointment_for(a)])
    new = appointment_for(a) if broken else appointment_for(a, "C001", MON_28)
    return a, make_plan(a, [new]), old, ()


def case_not_brought_today(broken: bool) -> World:
    """Not brought this morning (8 Sep, today): the slot is not kept; the child is booked
    afresh after the notice period."""
    a = make_authority(
        config=make_config(term={"today": REVIEW_DAY.isoformat()}),
        outcomes=[make_outcome("C001", REVIEW_DAY, "was_not_brought")],
    )
    old = make_plan(a, [appointment_for(a)])
    new = appointment_for(a) if broken else appointment_for(a, "C001", MON_28)
    return a, make_plan(a, [new]), old, ()


def case_before_today_without_history(broken: bool) -> World:
    """Nothing but history is dated before today."""
    a = make_authority(config=TODAY_21)
    return a, make_plan(a, [appointment_for(a, "C001", MON_14 if broken else MON_28)])


# --------------------------------------------------------------------------- siblings_apart


def case_siblings_by_email(broken: bool) -> World:
    """Siblings at two settings with two practitioners: only the parent is double-booked."""
    a = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id="P002")],
        key_persons=[make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        children=[
            make_child("C001", parent_email="parent@example.org"),
            make_child(
                "C003", setting_id="S002", key_person_id="K003", parent_email=" Parent@Example.org"
            ),
        ],
    )
    sibling_start = hm("10:30") if broken else hm("10:45")  # C001 ends 10:45: touching is fine
    return a, make_plan(a, [appointment_for(a), appointment_for(a, "C003", start=sibling_start)])


def case_siblings_by_name_and_setting(broken: bool) -> World:
    """No e-mail: the same parent name (any case and spacing) at the same setting; C002's clinic
    review with the caseload practitioner P002 overlaps C001's joint review only for the parent."""
    a = two_practitioners(
        key_persons=[make_key_person("K001"), make_key_person("K002")],
        children=[
            make_child("C001", parent_name="Sam  Smith"),
            make_child(
                "C002",
                key_person_id="K002",
                parent_name=" sam smith",
                review_model="separate",
                practitioner_id="P002",
            ),
        ],
    )
    start = hm("10:30") if broken else hm("10:45")
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=start)])


def case_siblings_in_no_setting(broken: bool) -> World:
    """Two children in no setting with the same parent name: both settings empty is the same."""
    a = two_practitioners(
        children=[
            child_in_no_setting("C001", parent_name="Ann Lee"),
            child_in_no_setting("C002", practitioner_id="P002", parent_name="ann lee"),
        ]
    )
    start = hm("10:30") if broken else hm("10:45")
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=start)])


# --------------------------------------------------------------------------- no_double_booking


def case_practitioner_clash(broken: bool) -> World:
    """Separate model: back-to-back clinic reviews touch; 15 minutes earlier they overlap."""
    a = two_children(config=SEPARATE)
    second = hm("10:30") if broken else hm("10:45")
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


def case_practitioner_clash_across_models(broken: bool) -> World:
    """A home visit and a clinic review by one practitioner cannot overlap either."""
    a = two_children(
        children=[
            child_at_home("C001"),
            make_child("C002", key_person_id="K002", review_model="separate"),
        ]
    )
    second = hm("10:30") if broken else hm("10:48")  # home → base: 3 min
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


def case_key_person_clash(broken: bool) -> World:
    """Joint model, two rooms: the key person (and so the practitioner) cannot be in both."""
    a = make_authority(
        settings=[make_setting(rooms=2)],
        children=[make_child("C001"), make_child("C002")],  # both with K001
    )
    second = hm("10:30") if broken else hm("11:00")  # pre-meeting at 10:45 touches C001's end
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


# --------------------------------------------------------------------------- rooms, capacity


def case_rooms(broken: bool) -> World:
    """One room: a second meeting starting before the first ends needs another room.

    In the joint model one link practitioner runs every review at a setting, so an overlap
    there is also that practitioner's double booking: both rules must report it.
    """
    a = two_children()
    second = hm("10:30") if broken else hm("11:00")
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


def case_max_reviews(broken: bool) -> World:
    a = two_children(practitioners=[make_practitioner(max_reviews_per_day=1)])
    second_day = REVIEW_DAY if broken else WED
    return a, make_plan(
        a, [appointment_for(a, "C001"), appointment_for(a, "C002", second_day, hm("11:00"))]
    )


def case_max_reviews_every_model(broken: bool) -> World:
    """A home visit counts towards the daily limit like a joint review."""
    a = two_children(
        practitioners=[make_practitioner(max_reviews_per_day=1)],
        children=[make_child("C001"), child_at_home("C002", key_person_id="K002")],
    )
    second_day = REVIEW_DAY if broken else WED
    return a, make_plan(
        a, [appointment_for(a, "C001"), appointment_for(a, "C002", second_day, hm("12:00"))]
    )


# --------------------------------------------------------------------------- travel_time


def case_travel(broken: bool) -> World:
    """The gap may equal the travel time exactly; one minute less is too little."""
    a = two_settings(s002=S002_FAR)
    first = appointment_for(a, "C001")  # block 09:45–10:45 at S001
    pre_meeting = first.end + 22 - (1 if broken else 0)
    second = appointment_for(a, "C003", start=pre_meeting + 15)
    return a, make_plan(a, [first, second])


def case_travel_from_clinic(broken: bool) -> World:
    """From a clinic review (at P001's base) to S002 takes 27 minutes."""
    a = two_settings(
        s002=S002_FAR,
        children=[
            make_child("C001", review_model="separate"),
            make_child("C003", setting_id="S002", key_person_id="K003"),
        ],
    )
    first = appointment_for(a, "C001")  # 10:00–10:45 at the clinic
    pre_meeting = first.end + 27 - (1 if broken else 0)
    return a, make_plan(a, [first, appointment_for(a, "C003", start=pre_meeting + 15)])


def case_travel_from_home(broken: bool) -> World:
    """From a home visit to S002 takes 24 minutes."""
    a = two_settings(
        s002=S002_FAR,
        children=[
            child_at_home("C001"),
            make_child("C003", setting_id="S002", key_person_id="K003"),
        ],
    )
    first = appointment_for(a, "C001")  # 10:00–10:45 at home
    pre_meeting = first.end + 24 - (1 if broken else 0)
    return a, make_plan(a, [first, appointment_for(a, "C003", start=pre_meeting + 15)])


def case_travel_to_clinic(broken: bool) -> World:
    """From S002 back to a clinic review at P001's base takes 27 minutes."""
    a = two_settings(
        s002=S002_FAR,
        children=[
            make_child("C001", review_model="separate"),
            make_child("C003", setting_id="S002", key_person_id="K003"),
        ],
    )
    first = appointment_for(a, "C003")  # block 09:45–10:45 at S002
    start = first.end + 27 - (1 if broken else 0)
    return a, make_plan(a, [first, appointment_for(a, "C001", start=start)])


# --------------------------------------------------------------------------- day_starts_at_base


def case_pins(
    pins: Sequence[Pin], listed: Sequence[dict[str, str]], broken_listed: Sequence[dict[str, str]]
) -> Case:
    """C001 reviewed on REVIEW_DAY at 10:00 with these pins; summary.json lists ``listed`` (valid)
    or ``broken_listed`` (broken)."""

    def case(broken: bool) -> World:
        a = two_practitioners()
        appointments = [appointment_for(a)]
        summary = summary_for(
            a, appointments, pins_unhonoured=list(broken_listed if broken else listed)
        )
        return a, make_plan(a, appointments, summary=summary), None, tuple(pins)

    return case


MOVED = unhonoured("C001", "S001", "appointment", "C001's pinned day had no time left.")
RELINKED = unhonoured("", "S001", "link", "P002 does not work S001's open days.")


# --------------------------------------------------------------------------- summary_consistent


def case_summary_missing_key(key: str) -> Case:
    def case(broken: bool) -> World:
        a = make_authority()
        plan = make_plan(a, [appointment_for(a)])
        if broken:
            plan = replace(plan, summary=replace(plan.summary, **{key: None}))
        return a, plan

    return case


def case_summary_count(key: str) -> Case:
    def case(broken: bool) -> World:
        a = make_authority()
        plan = make_plan(a, [appointment_for(a)])
        if broken:
            claimed = getattr(plan.summary, key)
            plan = replace(plan, summary=replace(plan.summary, **{key: claimed + 1}))
        return a, plan

    return case


def case_summary_optional(key: str, value: Any, wrong: Any) -> Case:
    """An optional count, when present, is true."""

    def case(broken: bool) -> World:
        a = make_authority(settings=[make_setting("S001"), make_setting("S002")])
        plan = make_plan(a, [], [make_unscheduled()])
        plan = replace(plan, summary=replace(plan.summary, **{key: wrong if broken else value}))
        return a, plan

    return case


def case_summary_due_counts_outcomes(broken: bool) -> World:
    """children_due leaves out a child who attended."""
    a = two_children(outcomes=[make_outcome("C002", date(2026, 7, 1), "attended")])
    plan = make_plan(a, [appointment_for(a)])
    plan = replace(plan, summary=replace(plan.summary, children_due=2 if broken else 1))
    return a, plan


def case_summary_model(broken: bool) -> World:
    a = make_authority()
    plan = make_plan(a, [appointment_for(a)])
    plan = replace(plan, summary=replace(plan.summary, model="separate" if broken else "joint"))
    plan = replace(plan, summary=replace(plan.summary, term_name="Autumn 2026"))
    return a, plan


CASES = [
    # every_due_child_once
    pytest.param("every_due_child_once", case_missing_child, (), id="due-child-missing"),
    pytest.param("every_due_child_once", case_child_twice, (), id="child-twice"),
    pytest.param("every_due_child_once", case_child_not_due, (), id="child-not-due"),
    pytest.param("every_due_child_once", case_unknown_child, (), id="unknown-child"),
    pytest.param("every_due_child_once", case_attended_child_not_due, (), id="attended"),
    pytest.param("every_due_child_once", case_attended_history_row, (), id="attended-history"),
    # links_valid
    pytest.param("links_valid", case_link_twice, (), id="two-links-one-setting"),
    pytest.param("links_valid", case_link_unknown_practitioner, (), id="link-unknown-practitioner"),
    pytest.param("links_valid", case_link_children_due, (), id="link-children-due"),
    pytest.param(
        "links_valid", case_link_children_due_counts_outcomes, (), id="children-due-outcomes"
    ),
    pytest.param("links_valid", case_link_kept_flag, (), id="link-kept-flag"),
    # no_link_practitioner
    pytest.param("no_link_practitioner", case_unlinked_child_wrong_code, (), id="wrong-code"),
    pytest.param("no_link_practitioner", case_no_link_code_but_linked, (), id="but-linked"),
    pytest.param(
        "no_link_practitioner", case_caseload_practitioner_needs_no_link, (), id="caseload"
    ),
    pytest.param(
        "no_link_practitioner", case_caseload_practitioner_but_joint_only, (), id="joint-only"
    ),
    pytest.param("no_link_practitioner", case_no_link_code_in_no_setting, (), id="no-setting"),
    # outcomes_respected
    pytest.param(
        "outcomes_respected",
        unscheduled_as(ReasonCode.DECLINED, ReasonCode.CAPACITY, outcomes=[DECLINED]),
        (),
        id="declined-code",
    ),
    pytest.param("outcomes_respected", case_declined_is_booked, (), id="declined-booked"),
    pytest.param(
        "outcomes_respected",
        unscheduled_as(
            ReasonCode.FOLLOW_UP,
            ReasonCode.CAPACITY,
            children=[make_child(was_not_brought_before=1)],
            outcomes=[NOT_BROUGHT],
        ),
        (),
        id="follow-up-code",
    ),
    pytest.param("outcomes_respected", case_follow_up_is_booked, (), id="follow-up-booked"),
    pytest.param(
        "outcomes_respected",
        unscheduled_as(
            ReasonCode.FOLLOW_UP,
            ReasonCode.CAPACITY,
            children=[make_child(was_not_brought_before=2)],
        ),
        (),
        id="not-brought-before-counts",
    ),
    pytest.param(
        "outcomes_respected",
        unscheduled_as(ReasonCode.DECLINED, ReasonCode.FOLLOW_UP, **DECLINED_AND_NOT_BROUGHT_TWICE),
        (),
        id="declined-before-follow-up",
    ),
    pytest.param(
        "outcomes_respected",
        unscheduled_as(ReasonCode.CAPACITY, ReasonCode.DECLINED),
        (),
        id="declined-without-outcome",
    ),
    pytest.param(
        "outcomes_respected", case_once_not_brought_is_booked_again, (), id="once-not-brought"
    ),
    pytest.param(
        "outcomes_respected",
        unscheduled_as(
            ReasonCode.DECLINED,
            ReasonCode.NO_LINK_PRACTITIONER,
            settings=[make_setting(link_practitioner_id=None)],
            outcomes=[DECLINED],
        ),
        (),
        id="declined-before-no-link",
    ),
    # unscheduled_matches_data
    pytest.param("unscheduled_matches_data", case_unscheduled_wrong_setting, (), id="setting"),
    pytest.param("unscheduled_matches_data", case_unscheduled_no_setting, (), id="no-setting"),
    # reason_codes_valid
    pytest.param("reason_codes_valid", case_empty_reason, (), id="empty-reason"),
    pytest.param("reason_codes_valid", case_unknown_reason_code, (), id="unknown-code"),
    # review_model_allowed
    pytest.param(
        "review_model_allowed",
        model_case(
            "separate",
            "joint",
            children=[make_child(consent_to_share=False)],
            config=make_config(review={"fallback": ["separate"]}),
        ),
        (),
        id="no-consent-never-joint",
    ),
    pytest.param(
        "review_model_allowed",
        model_case("separate", "joint", children=[child_in_no_setting()]),
        (),
        id="no-setting-never-joint",
    ),
    pytest.param(
        "review_model_allowed",
        model_case("joint", "home", config=make_config(review={"fallback": ["home"]})),
        (),
        id="home-needs-coordinates",
    ),
    pytest.param(
        "review_model_allowed",
        model_case("joint", "separate"),
        (),
        id="not-own-nor-fallback",
    ),
    pytest.param("review_model_allowed", case_fallback_model, (), id="fallback"),
    pytest.param(
        "review_model_allowed",
        model_case("separate", "joint", children=[make_child(review_model="separate")]),
        (),
        id="own-model-overrides-config",
    ),
    # model_location_pre_meeting
    pytest.param(
        "model_location_pre_meeting",
        lambda broken: one_review(broken, lambda x: replace(x, location="clinic")),
        (),
        id="joint-at-clinic",
    ),
    pytest.param(
        "model_location_pre_meeting",
        lambda broken: one_review(broken, lambda x: replace(x, pre_meeting_start=None)),
        (),
        id="joint-without-pre-meeting",
    ),
    pytest.param(
        "model_location_pre_meeting",
        lambda broken: one_review(
            broken, lambda x: replace(x, pre_meeting_start=x.start - 15), config=SEPARATE
        ),
        (),
        id="separate-with-pre-meeting",
    ),
    pytest.param(
        "model_location_pre_meeting",
        lambda broken: one_review(broken, lambda x: replace(x, pre_meeting_start=x.start - 10)),
        (),
        id="joint-pre-meeting-length",
    ),
    pytest.param("model_location_pre_meeting", case_home_at_clinic, (), id="home-at-clinic"),
    pytest.param("model_location_pre_meeting", case_home_with_pre_meeting, (), id="home-pre"),
    # right_practitioner
    pytest.param(
        "right_practitioner",
        practitioner_case("P001", "P002", make_child(), "joint"),
        (),
        id="not-the-link",
    ),
    pytest.param("right_practitioner", case_unknown_practitioner, (), id="unknown"),
    pytest.param("right_practitioner", case_unlinked_child_scheduled, (), id="unlinked"),
    pytest.param("right_practitioner", case_link_from_links_csv, (), id="links-csv"),
    pytest.param(
        "right_practitioner",
        practitioner_case(
            "P002", "P001", make_child(practitioner_id="P002", review_model="separate"), "separate"
        ),
        (),
        id="caseload-runs-clinic",
    ),
    pytest.param(
        "right_practitioner",
        practitioner_case("P002", "P001", child_at_home(practitioner_id="P002"), "home"),
        (),
        id="caseload-runs-home",
    ),
    pytest.param(
        "right_practitioner",
        practitioner_case("P001", "P002", make_child(practitioner_id="P002"), "joint"),
        (),
        id="joint-is-the-link-not-caseload",
    ),
    pytest.param(
        "right_practitioner",
        practitioner_case("P001", "P002", child_at_home(), "home"),
        (),
        id="home-without-caseload-is-link",
    ),
    # appointment_matches_data
    pytest.param("appointment_matches_data", case_wrong_key_person, (), id="key-person"),
    pytest.param("appointment_matches_data", case_wrong_setting, (), id="setting"),
    pytest.param(
        "appointment_matches_data",
        case_no_setting_has_empty_ids("setting_id"),
        (),
        id="no-setting-empty-setting-id",
    ),
    pytest.param(
        "appointment_matches_data",
        case_no_setting_has_empty_ids("key_person_id"),
        (),
        id="no-setting-empty-key-person",
    ),
    pytest.param("appointment_matches_data", case_wrong_length, (), id="length"),
    pytest.param("appointment_matches_data", case_prior_concerns_length, (), id="prior-concerns"),
    pytest.param("appointment_matches_data", case_interpreter_length, (), id="interpreter"),
    pytest.param("appointment_matches_data", case_english_needs_no_interpreter, (), id="english"),
    pytest.param("appointment_matches_data", case_wrong_age, (), id="age"),
    pytest.param("appointment_matches_data", case_wrong_in_window, (), id="in-window"),
    pytest.param(
        "appointment_matches_data", case_thirty_month_day_is_in_window, (), id="30-month-day"
    ),
    # review_day
    pytest.param(
        "review_day", review_on(date(2026, 10, 20), date(2026, 10, 27)), (), id="half-term"
    ),
    pytest.param("review_day", review_on(REVIEW_DAY, date(2026, 9, 4)), (), id="before-term"),
    pytest.param(
        "review_day",
        review_on(
            date(2026, 12, 29),
            date(2026, 12, 28),  # Boxing Day (substitute)
            config=make_config(term={"end": "2026-12-31"}),
        ),
        (),
        id="bank-holiday",
    ),
    # allowed_date (the first and last allowed days are allowed)
    pytest.param(
        "allowed_date",
        review_on(
            date(2026, 10, 1), date(2026, 9, 30), children=[make_child(dob=date(2024, 10, 1))]
        ),
        (),
        id="too-young",
    ),
    pytest.param(
        "allowed_date",
        review_on(
            date(2026, 9, 22), date(2026, 9, 23), children=[make_child(dob=date(2023, 9, 22))]
        ),
        (),
        id="too-old",
    ),
    pytest.param(
        "allowed_date",
        review_on(TUE_29, MON_28, children=[make_child(starts_on=date(2026, 9, 1))]),
        (),
        id="settle-days",  # 28 days after 1 Sep is 29 Sep
    ),
    pytest.param(
        "allowed_date",
        review_on(
            date(2026, 9, 15),
            MON_14,
            children=[make_child(starts_on=date(2026, 9, 15))],
            config=make_config(review={"settle_days": 0}),
        ),
        (),
        id="starts-on-without-settling",
    ),
    # notice_given
    pytest.param("notice_given", review_on(MON_14, date(2026, 9, 11), config=TODAY_7), (), id="7"),
    pytest.param(
        "notice_given",
        review_on(
            date(2026, 9, 10),
            WED,
            config=make_config(term={"today": "2026-09-07"}, review={"notice_days": 3}),
        ),
        (),
        id="notice-days",
    ),
    pytest.param("notice_given", case_kept_slot_needs_no_notice, (), id="kept-slot-not-new"),
    # history_kept
    pytest.param("history_kept", case_history_dropped, (), id="dropped"),
    pytest.param("history_kept", case_history_changed, (), id="changed"),
    pytest.param("history_kept", case_history_that_did_not_happen, (), id="did-not-happen"),
    pytest.param("history_kept", case_not_brought_today, (), id="not-brought-today"),
    pytest.param("history_kept", case_before_today_without_history, (), id="not-history"),
    # setting_open
    pytest.param(
        "setting_open",
        review_on(WED, REVIEW_DAY, settings=[make_setting(open_days=days("Mon", "Wed", "Thu"))]),
        (),
        id="open-day",
    ),
    pytest.param(
        "setting_open",
        with_data({"closures": [make_closure("S002")]}, {"closures": [make_closure("S001")]}),
        (),
        id="closure",
    ),
    pytest.param(
        "setting_open",
        with_data({"closures": [make_closure("*", WED)]}, {"closures": [make_closure("*")]}),
        (),
        id="closure-star",
    ),
    pytest.param(
        "setting_open",
        with_data(
            {"settings": [make_setting(open_time=hm("09:45"))]},  # pre-meeting at opening: fine
            {"settings": [make_setting(open_time=hm("09:46"))]},
        ),
        (),
        id="opening-time",
    ),
    pytest.param(
        "setting_open",
        with_data(
            {"settings": [make_setting(close_time=hm("10:45"))]},
            {"settings": [make_setting(close_time=hm("10:44"))]},
        ),
        (),
        id="closing-time",
    ),
    # practitioner_available
    pytest.param(
        "practitioner_available",
        review_on(WED, REVIEW_DAY, practitioners=[make_practitioner(working_days=days("Wed"))]),
        (),
        id="working-day",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"absences": [make_absence("P001", date(2026, 9, 1), date(2026, 9, 7))]},
            {"absences": [make_absence("P001", date(2026, 9, 1), date(2026, 9, 8))]},
        ),
        (),
        id="absence-end-inclusive",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"practitioners": [make_practitioner(day_start=hm("09:45"), **AT_BASE)]},
            {"practitioners": [make_practitioner(day_start=hm("09:46"), **AT_BASE)]},
        ),
        (),
        id="day-start-counts-pre-meeting",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"practitioners": [make_practitioner(day_end=hm("10:45"), **AT_BASE)]},
            {"practitioners": [make_practitioner(day_end=hm("10:44"), **AT_BASE)]},
        ),
        (),
        id="day-end",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"practitioners": [make_practitioner(day_start=hm("10:00"))], "config": SEPARATE},
            {"practitioners": [make_practitioner(day_start=hm("10:01"))], "config": SEPARATE},
        ),
        (),
        id="separate-no-pre-meeting",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"children": [child_at_home()]},
            {"children": [child_at_home()], "absences": [make_absence("P001")]},
        ),
        (),
        id="home-visit-absence",
    ),
    # key_person_available
    pytest.param(
        "key_person_available",
        review_on(WED, REVIEW_DAY, key_persons=[make_key_person(working_days=days("Wed"))]),
        (),
        id="working-day",
    ),
    pytest.param(
        "key_person_available",
        with_data({"absences": [make_absence("K001", WED)]}, {"absences": [make_absence("K001")]}),
        (),
        id="absence",
    ),
    # parent_available
    pytest.param(
        "parent_available",
        with_data(
            {"children": [make_child(parent_unavailable_days=days("Mon", "Wed"))]},
            {"children": [make_child(parent_unavailable_days=days("Tue"))]},
        ),
        (),
        id="weekday",
    ),
    pytest.param(
        "parent_available",
        with_data(
            {"children": [child_in_no_setting(parent_unavailable_days=days("Wed"))]},
            {"children": [child_in_no_setting(parent_unavailable_days=days("Tue"))]},
        ),
        (),
        id="clinic-weekday",
    ),
    # no_double_booking
    pytest.param("no_double_booking", case_practitioner_clash, (), id="practitioner"),
    pytest.param(
        "no_double_booking", case_practitioner_clash_across_models, (), id="across-models"
    ),
    pytest.param("no_double_booking", case_key_person_clash, (), id="key-person"),
    # siblings_apart
    pytest.param("siblings_apart", case_siblings_by_email, (), id="email"),
    pytest.param("siblings_apart", case_siblings_by_name_and_setting, (), id="name-and-setting"),
    pytest.param("siblings_apart", case_siblings_in_no_setting, (), id="no-setting"),
    # rooms
    pytest.param("rooms", case_rooms, ("no_double_booking",), id="one-room"),
    # max_reviews_per_day
    pytest.param("max_reviews_per_day", case_max_reviews, (), id="limit"),
    pytest.param("max_reviews_per_day", case_max_reviews_every_model, (), id="every-model"),
    # travel_time
    pytest.param("travel_time", case_travel, (), id="setting-to-setting"),
    pytest.param("travel_time", case_travel_from_clinic, (), id="clinic-to-setting"),
    pytest.param("travel_time", case_travel_from_home, (), id="home-to-setting"),
    pytest.param("travel_time", case_travel_to_clinic, (), id="setting-to-clinic"),
    # day_starts_at_base (P001's base is 5 min from S001, 3 from HOME)
    pytest.param(
        "day_starts_at_base", at_start(hm("08:50"), hm("08:49")), (), id="first-block-from-base"
    ),
    pytest.param(
        "day_starts_at_base", at_start(hm("16:10"), hm("16:11")), (), id="last-block-to-base"
    ),
    pytest.param(
        "day_starts_at_base",
        at_start(hm("08:33"), hm("08:32"), children=[child_at_home()]),
        (),
        id="home-visit",
    ),
    # pins_honoured
    pytest.param(
        "pins_honoured",
        case_pins([appointment_pin("C001", REVIEW_DAY)], [], [MOVED]),
        (),
        id="kept-but-listed",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([appointment_pin("C001", WED)], [MOVED], []),
        (),
        id="moved-not-listed",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([appointment_pin("C001", REVIEW_DAY, hm("11:00"))], [MOVED], []),
        (),
        id="other-start-not-listed",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([appointment_pin("C001", WED)], [MOVED], [replace(MOVED, reason=" ")]),
        (),
        id="empty-reason",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([link_pin("S001", "P002")], [RELINKED], []),
        (),
        id="link-not-listed",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([link_pin("S001", "P001")], [], [RELINKED]),
        (),
        id="link-kept-but-listed",
    ),
    pytest.param(
        "pins_honoured",
        case_pins([appointment_pin("C001", WED)], [MOVED], [replace(MOVED, kind="slot")]),
        (),
        id="unknown-kind",
    ),
    # summary_consistent
    *[
        pytest.param("summary_consistent", case_summary_missing_key(key), (), id=f"missing-{key}")
        for key in ("gap", "pins_unhonoured")
    ],
    pytest.param("summary_consistent", case_summary_model, (), id="other-model"),
    pytest.param("summary_consistent", case_summary_due_counts_outcomes, (), id="due-outcomes"),
    *[
        pytest.param("summary_consistent", case_summary_count(key), (), id=key)
        for key in SUMMARY_COUNTS
    ],
    pytest.param(
        "summary_consistent",
        case_summary_optional("unscheduled_by_reason", {"CAPACITY": 1}, {"NO_COMMON_DAY": 1}),
        (),
        id="unscheduled_by_reason",
    ),
    pytest.param(
        "summary_consistent",
        case_summary_optional("settings_linked", 2, 1),
        (),
        id="settings_linked",
    ),
    pytest.param(
        "summary_consistent", case_summary_optional("links_kept", 2, 0), (), id="links_kept"
    ),
]


@pytest.mark.parametrize(("rule", "case", "also"), CASES)
def test_valid_variant_checks_clean(rule: str, case: Case, also: tuple[str, ...]) -> None:
    """The case's valid plan breaks no rule at all (so the broken one differs in one place)."""
    assert check(case(False)).violations == []


@pytest.mark.parametrize(("rule", "case", "also"), CASES)
def test_broken_variant_is_reported_under_its_rule(
    rule: str, case: Case, also: tuple[str, ...]
) -> None:
    """Breaking the rule is reported under that rule's name, and nothing else is."""
    assert check(case(True)).rules_broken == {rule, *also}


def test_every_rule_has_a_case() -> None:
    """A rule added to RULES without a case in the table fails here."""
    tested = {param.values[0] for param in CASES}
    assert tested == set(RULES_BY_NAME)


def test_rules_are_named_and_described_once() -> None:
    """Every rule has a unique name and a one-line description for people."""
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.description and "\n" not in rule.description for rule in RULES)


def test_every_rule_is_in_the_docs() -> None:
    """docs/check.md explains every rule the checker has, by name."""
    text = (REPO / "docs" / "check.md").read_text(encoding="utf-8")
    assert [rule.name for rule in RULES if f"`{rule.name}`" not in text] == []


PLANNER = ("scheduler.matching", "scheduler.scheduling", "scheduler.pipeline", "scheduler.explain")
PLANNER_HELPERS = ("scheduler.kpis", "scheduler.places", "scheduler.export", "scheduler.store")


def test_checker_shares_no_code_with_the_planner() -> None:
    """check.py imports only the data layer, so a planner bug cannot hide in shared code."""
    tree = ast.parse((REPO / "scheduler" / "check.py").read_text(encoding="utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    ours = {m for m in imported if m.startswith("scheduler")}
    assert ours == {
        "scheduler.calendar",
        "scheduler.config",
        "scheduler.domain",
        "scheduler.plan",
        "scheduler.summary",
        "scheduler.travel",
    }
    assert not [m for m in ours if m.startswith(PLANNER + PLANNER_HELPERS)]


# --------------------------------------------------------------------------- cases needing no pair


def test_separate_model_ignores_setting_and_key_person_days() -> None:
    """In the separate model the setting's days and the key person's days do not matter."""
    a = make_authority(
        settings=[make_setting(open_days=days("Wed"))],
        key_persons=[make_key_person(working_days=days("Wed"))],
        closures=[make_closure()],
        absences=[make_absence("K001")],
        config=SEPARATE,
    )
    assert check_plan(a, make_plan(a, [appointment_for(a)])).violations == []


def test_home_visit_ignores_setting_and_key_person() -> None:
    """A home visit needs neither the setting open nor the key person."""
    a = make_authority(
        settings=[make_setting(open_days=days("Wed"))],
        key_persons=[make_key_person(working_days=days("Wed"))],
        children=[child_at_home("C001"), make_child("C002")],
        absences=[make_absence("K001")],
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
    )
    home = appointment_for(a, "C001")
    joint_wed = appointment_for(a, "C002", WED)
    assert check_plan(a, make_plan(a, [home, joint_wed])).violations == []


def test_joint_review_still_needs_the_setting_open() -> None:
    """The same data with C001 reviewed jointly: the setting's and key person's days apply."""
    a = make_authority(
        settings=[make_setting(open_days=days("Wed"))],
        key_persons=[make_key_person(working_days=days("Wed"))],
    )
    report = check_plan(a, make_plan(a, [appointment_for(a)]))
    assert report.rules_broken == {"setting_open", "key_person_available"}


def test_separate_model_needs_no_travel_between_clinic_reviews() -> None:
    """Every separate-model review is at the practitioner's base, whatever the setting."""
    a = two_settings(s002=S002_FAR, config=SEPARATE)
    plan = make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C003", start=hm("10:45"))])
    assert check_plan(a, plan).violations == []


def test_clinic_review_may_start_as_the_day_starts() -> None:
    """A clinic review is at base: no journey before it or after it."""
    a = make_authority(config=SEPARATE)
    early = appointment_for(a, start=hm("08:30"))
    late = appointment_for(a, "C001", WED, hm("16:15"))
    assert check_plan(a, make_plan(a, [early])).violations == []
    assert check_plan(a, make_plan(a, [late])).violations == []


def test_day_need_not_start_at_base_when_configured_so() -> None:
    """With day_starts_at_base = false the v1 rule applies: the block within the day suffices."""
    a = make_authority(config=make_config(travel={"day_starts_at_base": False}))
    plan = make_plan(a, [appointment_for(a, start=hm("08:45"))])  # pre-meeting at 08:30
    assert check_plan(a, plan).violations == []


def test_key_person_is_not_at_a_clinic_review() -> None:
    """K001 at C001's joint review while C002 (also K001's) has a clinic review: no clash."""
    a = two_practitioners(
        children=[
            make_child("C001"),
            make_child("C002", review_model="separate", practitioner_id="P002"),
        ]
    )
    plan = make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002")])
    assert check_plan(a, plan).violations == []


def test_children_without_parent_email_or_name_are_not_siblings() -> None:
    """Empty parent details do not make two children's parents the same person."""
    a = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id="P002")],
        key_persons=[make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        children=[make_child("C001"), make_child("C003", setting_id="S002", key_person_id="K003")],
    )
    plan = make_plan(a, [appointment_for(a), appointment_for(a, "C003")])
    assert check_plan(a, plan).violations == []


def test_same_parent_name_at_two_settings_is_not_one_parent() -> None:
    """Without an e-mail, a name shared across settings is two families."""
    a = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id="P002")],
        key_persons=[make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        children=[
            make_child("C001", parent_name="Sam Smith"),
            make_child("C003", setting_id="S002", key_person_id="K003", parent_name="Sam Smith"),
        ],
    )
    plan = make_plan(a, [appointment_for(a), appointment_for(a, "C003")])
    assert check_plan(a, plan).violations == []


def test_travel_counts_from_where_the_practitioner_last_was() -> None:
    """A short review inside a long one does not hide the trip from the long one's setting."""
    a = make_authority(
        settings=[make_setting("S001", rooms=2), make_setting("S002", **S002_FAR)],
        key_persons=[
            make_key_person("K001"),
            make_key_person("K002"),
            make_key_person("K003", setting_id="S002"),
        ],
        children=[
            make_child("C001", prior_concerns=True),  # block 09:45–11:00 at S001
            make_child("C002", key_person_id="K002"),  # block 09:45–10:45 at S001
            make_child("C003", setting_id="S002", key_person_id="K003"),
        ],
    )
    c1 = appointment_for(a, "C001")
    c2 = appointment_for(a, "C002")
    c3 = appointment_for(a, "C003", start=hm("11:23"))  # 23 min after C002 but 8 after C001
    report = check_plan(a, make_plan(a, [c1, c2, c3]))
    travel = [v for v in report.violations if v.rule == "travel_time"]
    assert [v.subject for v in travel] == ["P001 2026-09-08"]
    assert "from C001 at S001" in travel[0].message


def test_history_is_not_planned_again() -> None:
    """A kept history row is a fact: an absence entered afterwards for that day does not make
    the plan invalid, while a new review on such a day would be."""
    data = make_authority(config=TODAY_21)
    old = make_plan(data, [appointment_for(data)])
    later = make_authority(config=TODAY_21, absences=[make_absence("P001", REVIEW_DAY)])
    kept = make_plan(later, [appointment_for(later)])
    assert check_plan(later, kept, previous=old).violations == []
    report = check_plan(later, kept)  # without the previous plan it is not history
    assert report.rules_broken == {"history_kept", "practitioner_available"}


def test_a_day_of_history_is_not_judged_again() -> None:
    """Rules about a whole day skip a day of history alone: a limit lowered afterwards does not
    make two kept reviews of 8 Sep a violation."""
    data = two_children(config=TODAY_21)
    reviews = [appointment_for(data, "C001"), appointment_for(data, "C002", start=hm("11:00"))]
    old = make_plan(data, reviews)
    later = two_children(config=TODAY_21, practitioners=[make_practitioner(max_reviews_per_day=1)])
    kept = make_plan(later, reviews)
    assert check_plan(later, kept, previous=old).violations == []
    assert check_plan(later, kept).rules_broken == {"history_kept", "max_reviews_per_day"}


def test_declined_after_a_kept_review_is_not_listed_twice() -> None:
    """A parent declines after the review of 8 Sep was booked and before its outcome: the kept
    history row stays the child's one listing (not also DECLINED)."""
    a = make_authority(
        config=TODAY_21, outcomes=[make_outcome("C001", date(2026, 9, 15), "declined")]
    )
    old = make_plan(a, [appointment_for(a)])
    assert check_plan(a, make_plan(a, [appointment_for(a)]), previous=old).violations == []


def test_history_of_a_child_who_attended_may_stay() -> None:
    """The valid half of the attended-history case names the rule that would otherwise fire."""
    authority, plan, old, _ = cast(Any, case_attended_history_row(False))
    assert check_plan(authority, plan, previous=old).violations == []
    without_previous = check_plan(authority, plan)
    assert without_previous.rules_broken == {"every_due_child_once", "history_kept"}


def test_rules_naming_today_do_not_apply_without_it() -> None:
    """No ``today``: an appointment on the first day of term is fine however soon it is."""
    a = make_authority()
    plan = make_plan(a, [appointment_for(a, "C001", date(2026, 9, 7))])
    assert check_plan(a, plan).violations == []


def test_empty_term_is_valid() -> None:
    """No due children and an empty plan (links still listed) is a valid plan."""
    a = make_authority(children=[make_child(reviewed_on=date(2026, 5, 1))])
    assert check_plan(a, make_plan(a)).violations == []


def test_every_violation_is_reported_not_just_the_first() -> None:
    """Three broken rules on one appointment give three violations under three names."""
    a = make_authority(
        practitioners=[make_practitioner(working_days=days("Wed"))],
        children=[make_child(parent_unavailable_days=days("Tue"))],
        closures=[make_closure()],
    )
    report = check_plan(a, make_plan(a, [appointment_for(a)]))
    assert report.rules_broken == {"practitioner_available", "parent_available", "setting_open"}
    assert all(v.subject == "C001" for v in report.violations)


def test_violation_reads_rule_subject_message() -> None:
    """A violation prints as ``rule: subject: message`` (the command's output format)."""
    assert (
        str(Violation("rooms", "S001 2026-09-08", "2 at once"))
        == "rooms: S001 2026-09-08: 2 at once"
    )


def test_overlap_message_names_both_children_and_times() -> None:
    """A double booking says who and when, so a coordinator can find it."""
    (violation,) = check(case_practitioner_clash(True)).violations
    assert violation.subject == "P001 2026-09-08"
    assert "C001 10:00–10:45" in violation.message and "C002 10:30–11:15" in violation.message


def test_day_from_base_message_says_when_and_how_long() -> None:
    """The first-block finding names the child, the place, the times and the journey."""
    (violation,) = check(at_start(hm("08:50"), hm("08:49"))(True)).violations
    assert violation.subject == "P001 2026-09-08"
    assert violation.message == (
        "first block (C001 at S001) starts 08:34, but the day starts at 08:30 at base and the "
        "journey takes 5 min"
    )


def test_messages_carry_no_names_emails_coordinates_or_dates_of_birth() -> None:
    """Reports go to screens and logs: ids, yes; names, e-mails, homes and birth dates, no."""
    dob = date(2024, 3, 8)
    a = two_practitioners(
        key_persons=[make_key_person("K001"), make_key_person("K002")],
        children=[
            make_child("C001", name="Amy Example", dob=dob, parent_name="Pat Parent"),
            child_at_home(
                "C002", key_person_id="K002", name="Bo Example", parent_name=" pat  parent"
            ),
        ],
    )
    broken = replace(appointment_for(a, "C001"), age_months=1.0, in_window=False, end=hm("11:30"))
    home = appointment_for(a, "C002", start=hm("10:50"), practitioner_id="P002")
    report = check_plan(a, make_plan(a, [broken, home]))
    assert report.rules_broken == {
        "appointment_matches_data",
        "right_practitioner",
        "siblings_apart",
    }
    text = "\n".join(str(v) for v in report.violations)
    for personal in ("Amy", "Bo ", "Pat", "pat ", "2024-03-08", str(HOME["home_lat"])):
        assert personal not in text
