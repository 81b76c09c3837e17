"""The independent checker: for every rule, a tiny valid plan that checks clean and a variant
that breaks exactly that rule and is reported under its name.

Each case is a function ``case(broken) -> (authority, plan)``; the two variants differ in the
one place the case is about, so a rule that is removed, or that stops looking at that
place, makes its case fail. ``test_every_rule_has_a_case`` keeps new rules from going untested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from builders import (
    REVIEW_DAY,
    SUMMARY_COUNTS,
    appointment_for,
    days,
    hm,
    links_for,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_config,
    make_key_person,
    make_link,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.calendar import add_months
from scheduler.check import RULES, RULES_BY_NAME, CheckReport, Violation, check_plan
from scheduler.cli import main
from scheduler.domain import Authority
from scheduler.io.plan_files import write_plan
from scheduler.io.write_data import write_authority
from scheduler.plan import Appointment, Plan, ReasonCode
from scheduler.travel import haversine_km, travel_minutes

World = tuple[Authority, Plan]
Case = Callable[[bool], World]

WED = date(2026, 9, 9)
SEPARATE = make_config(review={"model": "separate"})


def two_children(**authority: Any) -> Authority:
    """S001 with key persons K001/K002 and children C001 (K001) and C002 (K002)."""
    defaults: dict[str, Any] = {
        "key_persons": [make_key_person("K001"), make_key_person("K002")],
        "children": [make_child("C001"), make_child("C002", key_person_id="K002", funded=False)],
    }
    return make_authority(**(defaults | authority))


def two_settings(s002: dict[str, Any] | None = None, **authority: Any) -> Authority:
    """S001 (C001, K001) and S002 (C003, K003), both linked to P001 unless ``s002`` says."""
    return make_authority(
        settings=[make_setting("S001"), make_setting("S002", **(s002 or {}))],
        key_persons=[make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        children=[make_child("C001"), make_child("C003", setting_id="S002", key_person_id="K003")],
        **authority,
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


def with_data(valid: dict[str, Any], broken: dict[str, Any], start: int = hm("10:00")) -> Case:
    """C001 reviewed at ``start`` on REVIEW_DAY; the data differ between the variants."""

    def case(is_broken: bool) -> World:
        a = make_authority(**(broken if is_broken else valid))
        return a, make_plan(a, [appointment_for(a, start=start)])

    return case


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


def case_link_kept_flag(broken: bool) -> World:
    a = make_authority()
    links = [replace(link, kept_existing_link=not broken) for link in links_for(a)]
    return a, make_plan(a, [appointment_for(a)], links=links)


def case_unlinked_child_wrong_code(broken: bool) -> World:
    a = two_settings(s002={"link_practitioner_id": None})  # S002 gets no links.csv row
    code = ReasonCode.CAPACITY if broken else ReasonCode.NO_LINK_PRACTITIONER
    return a, make_plan(a, [appointment_for(a)], [make_unscheduled("C003", "S002", code)])


def case_unlinked_child_scheduled(broken: bool) -> World:
    a = two_settings(s002={"link_practitioner_id": None})
    if broken:
        return a, make_plan(
            a, [appointment_for(a), appointment_for(a, "C003", WED, practitioner_id="P001")]
        )
    no_link = make_unscheduled("C003", "S002", ReasonCode.NO_LINK_PRACTITIONER)
    return a, make_plan(a, [appointment_for(a)], [no_link])


def case_no_link_code_but_linked(broken: bool) -> World:
    a = make_authority()
    code = ReasonCode.NO_LINK_PRACTITIONER if broken else ReasonCode.CAPACITY
    return a, make_plan(a, [], [make_unscheduled("C001", reason_code=code)])


# ------------------------------------------------------------------- appointment_matches_data


def case_wrong_key_person(broken: bool) -> World:
    return one_review(
        broken,
        lambda x: replace(x, key_person_id="K002"),
        key_persons=[make_key_person("K001"), make_key_person("K002")],
    )


def case_not_the_link_practitioner(broken: bool) -> World:
    return one_review(
        broken,
        lambda x: replace(x, practitioner_id="P002"),
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
    )


def case_wrong_setting(broken: bool) -> World:
    return one_review(
        broken,
        lambda x: replace(x, setting_id="S002"),
        settings=[make_setting("S001"), make_setting("S002")],
    )


def case_wrong_location(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, location="clinic"))


def case_wrong_length(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, end=x.end + 5))


def case_prior_concerns_length(broken: bool) -> World:
    """Prior concerns add 15 minutes: 60, not 45."""
    a = make_authority(children=[make_child(prior_concerns=True)])
    right = appointment_for(a)
    assert right.end - right.start == 60
    return a, make_plan(a, [replace(right, end=right.start + 45) if broken else right])


def case_missing_pre_meeting(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, pre_meeting_start=None))


def case_pre_meeting_in_separate_model(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, pre_meeting_start=x.start - 15), config=SEPARATE)


def case_wrong_age(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, age_months=x.age_months + 0.1))


def case_wrong_in_window(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, in_window=False))


def case_thirty_month_day_is_in_window(broken: bool) -> World:
    """On the day the child turns 30 months the review is still in window."""
    dob = date(2024, 3, 8)
    assert add_months(dob, 30) == REVIEW_DAY
    return one_review(broken, lambda x: replace(x, in_window=False), children=[make_child(dob=dob)])


def case_unknown_practitioner(broken: bool) -> World:
    return one_review(broken, lambda x: replace(x, practitioner_id="P999"))


# --------------------------------------------------------------------------- the rest


def case_unscheduled_wrong_setting(broken: bool) -> World:
    a = make_authority(settings=[make_setting("S001"), make_setting("S002")])
    return a, make_plan(a, [], [make_unscheduled("C001", "S002" if broken else "S001")])


def case_empty_reason(broken: bool) -> World:
    a = make_authority()
    reason = "  " if broken else "No review day left before the child turns 36 months."
    return a, make_plan(a, [], [make_unscheduled(reason=reason)])


def case_unknown_reason_code(broken: bool) -> World:
    a = make_authority()
    code = cast(ReasonCode, "LATER") if broken else ReasonCode.NO_COMMON_DAY
    return a, make_plan(a, [], [make_unscheduled(reason_code=code)])


def case_parents_clash(broken: bool) -> World:
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


def case_practitioner_clash(broken: bool) -> World:
    """Separate model: back-to-back clinic reviews touch; 15 minutes earlier they overlap."""
    a = two_children(config=SEPARATE)
    second = hm("10:30") if broken else hm("10:45")
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


def case_key_person_clash(broken: bool) -> World:
    """Joint model, two rooms: the key person (and so the practitioner) cannot be in both."""
    a = make_authority(
        settings=[make_setting(rooms=2)],
        children=[make_child("C001"), make_child("C002")],  # both with K001
    )
    second = hm("10:30") if broken else hm("11:00")  # pre-meeting at 10:45 touches C001's end
    return a, make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C002", start=second)])


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


S002_FAR: dict[str, Any] = {"lat": 51.60, "lon": -0.10}
"""5.56 km north of S001: 22 minutes at 20 km/h with a 1.3 detour."""


def case_travel(broken: bool) -> World:
    """The gap may equal the travel time exactly; one minute less is too little."""
    a = two_settings(s002=S002_FAR)
    s1, s2 = a.settings["S001"], a.settings["S002"]
    need = travel_minutes(haversine_km(s1.lat, s1.lon, s2.lat, s2.lon), 20, 1.3)
    assert need == 22
    first = appointment_for(a, "C001")  # block 09:45–10:45 at S001
    pre_meeting = first.end + need - (1 if broken else 0)
    second = appointment_for(a, "C003", start=pre_meeting + 15)
    return a, make_plan(a, [first, second])


def case_summary_missing_key(broken: bool) -> World:
    a = make_authority()
    plan = make_plan(a, [appointment_for(a)])
    if broken:
        del plan.summary["gap"]
    return a, plan


def case_summary_count(key: str) -> Case:
    def case(broken: bool) -> World:
        a = make_authority()
        plan = make_plan(a, [appointment_for(a)])
        if broken:
            plan.summary[key] += 1
        return a, plan

    return case


def case_summary_model(broken: bool) -> World:
    a = make_authority()
    plan = make_plan(a, [appointment_for(a)])
    plan.summary["model"] = "separate" if broken else "joint"
    plan.summary["term_name"] = "Autumn 2026"
    return a, plan


CASES = [
    # every_due_child_once
    pytest.param("every_due_child_once", case_missing_child, (), id="due-child-missing"),
    pytest.param("every_due_child_once", case_child_twice, (), id="child-twice"),
    pytest.param("every_due_child_once", case_child_not_due, (), id="child-not-due"),
    pytest.param("every_due_child_once", case_unknown_child, (), id="unknown-child"),
    # links_valid
    pytest.param("links_valid", case_link_twice, (), id="two-links-one-setting"),
    pytest.param("links_valid", case_link_unknown_practitioner, (), id="link-unknown-practitioner"),
    pytest.param("links_valid", case_link_children_due, (), id="link-children-due"),
    pytest.param("links_valid", case_link_kept_flag, (), id="link-kept-flag"),
    pytest.param("links_valid", case_unlinked_child_wrong_code, (), id="unlinked-wrong-code"),
    pytest.param("links_valid", case_unlinked_child_scheduled, (), id="unlinked-scheduled"),
    pytest.param("links_valid", case_no_link_code_but_linked, (), id="no-link-code-but-linked"),
    # appointment_matches_data
    pytest.param("appointment_matches_data", case_wrong_key_person, (), id="key-person"),
    pytest.param("appointment_matches_data", case_not_the_link_practitioner, (), id="not-link"),
    pytest.param("appointment_matches_data", case_unknown_practitioner, (), id="unknown-p"),
    pytest.param("appointment_matches_data", case_wrong_setting, (), id="setting"),
    pytest.param("appointment_matches_data", case_wrong_location, (), id="location"),
    pytest.param("appointment_matches_data", case_wrong_length, (), id="length"),
    pytest.param("appointment_matches_data", case_prior_concerns_length, (), id="prior-concerns"),
    pytest.param("appointment_matches_data", case_missing_pre_meeting, (), id="pre-meeting"),
    pytest.param(
        "appointment_matches_data", case_pre_meeting_in_separate_model, (), id="pre-separate"
    ),
    pytest.param("appointment_matches_data", case_wrong_age, (), id="age"),
    pytest.param("appointment_matches_data", case_wrong_in_window, (), id="in-window"),
    pytest.param(
        "appointment_matches_data", case_thirty_month_day_is_in_window, (), id="30-month-day"
    ),
    # unscheduled_matches_data
    pytest.param("unscheduled_matches_data", case_unscheduled_wrong_setting, (), id="setting"),
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
        review_on(
            date(2026, 9, 15), date(2026, 9, 14), children=[make_child(starts_on=date(2026, 9, 15))]
        ),
        (),
        id="before-starts-on",
    ),
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
            {"practitioners": [make_practitioner(day_start=hm("09:45"))]},
            {"practitioners": [make_practitioner(day_start=hm("09:46"))]},
        ),
        (),
        id="day-start-counts-pre-meeting",
    ),
    pytest.param(
        "practitioner_available",
        with_data(
            {"practitioners": [make_practitioner(day_end=hm("10:45"))]},
            {"practitioners": [make_practitioner(day_end=hm("10:44"))]},
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
    # no_double_booking
    pytest.param("no_double_booking", case_parents_clash, (), id="parent"),
    pytest.param("no_double_booking", case_practitioner_clash, (), id="practitioner"),
    pytest.param("no_double_booking", case_key_person_clash, (), id="key-person"),
    # rooms
    pytest.param("rooms", case_rooms, ("no_double_booking",), id="one-room"),
    # max_reviews_per_day
    pytest.param("max_reviews_per_day", case_max_reviews, (), id="limit"),
    # travel_time
    pytest.param("travel_time", case_travel, (), id="gap"),
    # reason_codes_valid
    pytest.param("reason_codes_valid", case_empty_reason, (), id="empty-reason"),
    pytest.param("reason_codes_valid", case_unknown_reason_code, (), id="unknown-code"),
    # summary_consistent
    pytest.param("summary_consistent", case_summary_missing_key, (), id="missing-key"),
    pytest.param("summary_consistent", case_summary_model, (), id="other-model"),
    *[
        pytest.param("summary_consistent", case_summary_count(key), (), id=key)
        for key in SUMMARY_COUNTS
    ],
]


def _rules(world: World) -> set[str]:
    return {v.rule for v in check_plan(*world).violations}


@pytest.mark.parametrize(("rule", "case", "also"), CASES)
def test_valid_variant_checks_clean(rule: str, case: Case, also: tuple[str, ...]) -> None:
    """The case's valid plan breaks no rule at all (so the broken one differs in one place)."""
    report = check_plan(*case(False))
    assert report.violations == []
    assert report.ok


@pytest.mark.parametrize(("rule", "case", "also"), CASES)
def test_broken_variant_is_reported_under_its_rule(
    rule: str, case: Case, also: tuple[str, ...]
) -> None:
    """Breaking the rule is reported under that rule's name, and nothing else is."""
    report = check_plan(*case(True))
    assert not report.ok
    assert report.rules_broken == {rule, *also}


def test_every_rule_has_a_case() -> None:
    """A rule added to RULES without a case in the table fails here."""
    tested = {param.values[0] for param in CASES}
    assert tested == set(RULES_BY_NAME)


def test_rules_are_named_and_described_once() -> None:
    """Every rule has a unique name and a one-line description for people."""
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.description and "\n" not in rule.description for rule in RULES)


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
    assert check_plan(a, make_plan(a, [appointment_for(a)])).ok


def test_separate_model_needs_no_travel_between_clinic_reviews() -> None:
    """Every separate-model review is at the practitioner's base, whatever the setting."""
    a = two_settings(s002=S002_FAR, config=SEPARATE)
    plan = make_plan(a, [appointment_for(a, "C001"), appointment_for(a, "C003", start=hm("10:45"))])
    assert check_plan(a, plan).ok


def test_children_without_parent_email_are_not_siblings() -> None:
    """An empty parent_email does not make two children's parents the same person."""
    a = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id="P002")],
        key_persons=[make_key_person("K001"), make_key_person("K003", setting_id="S002")],
        children=[make_child("C001"), make_child("C003", setting_id="S002", key_person_id="K003")],
    )
    plan = make_plan(a, [appointment_for(a), appointment_for(a, "C003")])
    assert check_plan(a, plan).ok


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


def test_empty_term_is_valid() -> None:
    """No due children and an empty plan (links still listed) is a valid plan."""
    a = make_authority(children=[make_child(reviewed_on=date(2026, 5, 1))])
    assert check_plan(a, make_plan(a)).ok


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
    report = check_plan(*case_practitioner_clash(True))
    (violation,) = report.violations
    assert violation.subject == "P001 2026-09-08"
    assert "C001 10:00–10:45" in violation.message and "C002 10:30–11:15" in violation.message


def test_messages_carry_no_names_or_dates_of_birth() -> None:
    """Reports go to screens and logs: ids, yes; names and birth dates, no."""
    a = make_authority(children=[make_child(name="Amy Example", dob=date(2024, 3, 8))])
    broken = replace(appointment_for(a), age_months=1.0, in_window=False, end=hm("11:30"))
    report: CheckReport = check_plan(a, make_plan(a, [broken]))
    assert report.violations
    text = "\n".join(str(v) for v in report.violations)
    assert "Amy" not in text and "2024-03-08" not in text


# --------------------------------------------------------------------------- the command


def _data_and_plan(tmp_path: Path, world: World) -> tuple[str, str]:
    """Write the case's data folder and plan folder; return their paths for the command line."""
    authority, plan = world
    write_authority(authority, tmp_path / "data")
    write_plan(plan, tmp_path / "plan")
    return str(tmp_path / "data"), str(tmp_path / "plan")


def test_command_accepts_a_valid_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`scheduler check DATA PLAN` exits 0 and says so when every rule holds."""
    data, plan = _data_and_plan(tmp_path, case_travel(False))
    assert main(["check", data, plan]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("valid: 2 scheduled and 0 unscheduled of 2 due children")


def test_command_prints_each_violation_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each violation is a `rule: subject: message` line; exit status 1."""
    data, plan = _data_and_plan(tmp_path, case_travel(True))
    assert main(["check", data, plan]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("travel_time: P001 2026-09-08: 21 min from C001")
    assert out[-1] == "invalid: 1 violation(s) of 1 rule(s) (travel_time)"


def test_command_reports_a_missing_child_after_reading_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A due child missing from the plan folder fails the check (exit 1)."""
    data, plan = _data_and_plan(tmp_path, case_missing_child(True))
    assert main(["check", data, plan]) == 1
    assert "every_due_child_once: C002: due this term" in capsys.readouterr().out


def test_command_separate_model_from_the_data_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review model comes from the data folder's config.toml: a clinic plan checks clean."""
    data, plan = _data_and_plan(tmp_path, case_practitioner_clash(False))
    assert main(["check", data, plan]) == 0, capsys.readouterr().out


def test_command_malformed_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plan folder that cannot be read is an input error: exit 2, located problems."""
    data, plan = _data_and_plan(tmp_path, case_travel(False))
    path = Path(plan) / "appointments.csv"
    path.write_text(path.read_text().replace("2026-09-08", "08/09/2026", 1))
    assert main(["check", data, plan]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: date: not a date (YYYY-MM-DD) (08/09/2026)" in err


# --------------------------------------------------------------------------- robustness

pool = st.sampled_from


@st.composite
def messy_plans(draw: st.DrawFn) -> Plan:
    """Plans mixing known and unknown ids, any times and dates: what a hand-edited folder holds."""
    appointments = [
        Appointment(
            child_id=draw(pool(["C001", "C002", "C003", "C999"])),
            setting_id=draw(pool(["S001", "S002", "S999"])),
            practitioner_id=draw(pool(["P001", "P002", "P999"])),
            key_person_id=draw(pool(["K001", "K002", "K003", "K999"])),
            date=draw(st.dates(date(2026, 8, 1), date(2027, 1, 31))),
            pre_meeting_start=draw(st.none() | st.integers(0, 1439)),
            start=draw(st.integers(0, 1439)),
            end=draw(st.integers(0, 1439)),
            location=draw(pool(["setting", "clinic"])),
            age_months=draw(st.floats(0, 60)),
            in_window=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    unscheduled = [
        make_unscheduled(
            draw(pool(["C001", "C002", "C003", "C999"])),
            draw(pool(["S001", "S002", "S999"])),
            draw(pool(list(ReasonCode))),
            draw(pool(["", "A reason."])),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    links = [
        make_link(draw(pool(["S001", "S002", "S999"])), draw(pool(["P001", "P002", "P999"])))
        for _ in range(draw(st.integers(0, 3)))
    ]
    summary = draw(st.dictionaries(pool(SUMMARY_COUNTS), st.integers(0, 3) | st.none()))
    return Plan(links, appointments, unscheduled, summary)


@settings(max_examples=80, deadline=None)
@given(plan=messy_plans(), joint=st.booleans())
def test_checker_never_crashes_and_names_only_known_rules(plan: Plan, joint: bool) -> None:
    """Whatever the plan holds, the checker reports violations instead of raising."""
    a = two_settings(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        config=None if joint else SEPARATE,
    )
    report = check_plan(a, plan)
    assert report.rules_broken <= set(RULES_BY_NAME)
    assert report.ok == (report.violations == [])
