"""Who can be where, when (scheduler/availability.py): the day masks of every party, the
kinds of review on each day, and a review's time window with the day from base."""

from __future__ import annotations

from datetime import date

from builders import (
    REVIEW_DAY,
    child_in_no_setting,
    days,
    hm,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_config,
    make_key_person,
    make_outcome,
    make_practitioner,
    make_setting,
)

from scheduler.availability import Availability, TermDays, TimeWindow, bits
from scheduler.places import base_place
from scheduler.priority import child_priority
from scheduler.travel import haversine_km, travel_minutes

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}
MON, TUE, WED = date(2026, 9, 7), date(2026, 9, 8), date(2026, 9, 9)


def availability(**records: object) -> Availability:
    config = records.pop("config", None) or make_config(term=TWO_WEEKS)
    return Availability(make_authority(config=config, **records))  # type: ignore[arg-type]


def test_bits_lists_the_set_bits_lowest_first() -> None:
    """A mask's days in order; no days for an empty mask."""
    assert bits(0) == []
    assert bits(0b1011) == [0, 1, 3]
    assert bits(1 << 70) == [70]


def test_term_days_by_weekday_and_by_date_range() -> None:
    """Masks by weekday and by an inclusive range of dates, and back to dates."""
    term = TermDays((MON, TUE, WED, date(2026, 9, 14)))
    assert term.all == 0b1111
    assert term.on_weekdays(frozenset({0})) == 0b1001
    assert term.between(TUE, date(2026, 9, 13)) == 0b0110
    assert term.dates(0b1010) == [TUE, date(2026, 9, 14)]
    assert term.index[WED] == 2


def test_practitioner_days_are_working_days_less_absences() -> None:
    """Working weekdays, minus absences; a practitioner with no reviews a day has no days."""
    a = availability(
        practitioners=[
            make_practitioner(working_days=days("Mon", "Tue")),
            make_practitioner("P002", max_reviews_per_day=0),
        ],
        absences=[make_absence("P001", TUE)],
    )
    assert a.term.dates(a.practitioner_days["P001"]) == [MON, date(2026, 9, 14), date(2026, 9, 15)]
    assert a.practitioner_days["P002"] == 0


def test_setting_days_lose_their_closures_and_every_settings_closures() -> None:
    """A setting's closure and a closure of every setting (``*``) both remove the day;
    closures outside the term are ignored."""
    a = availability(
        settings=[make_setting(), make_setting("S002")],
        closures=[
            make_closure("S001", MON),
            make_closure("*", WED),
            make_closure("S002", date(2027, 1, 4)),
        ],
    )
    s1 = a.term.dates(a.setting_days["S001"])
    s2 = a.term.dates(a.setting_days["S002"])
    assert MON not in s1 and WED not in s1 and TUE in s1
    assert MON in s2 and WED not in s2


def test_key_person_days_lose_absences() -> None:
    """A key person away on Tuesday cannot be at a joint review that day."""
    a = availability(
        key_persons=[make_key_person(working_days=days("Mon", "Tue"))],
        absences=[make_absence("K001", TUE)],
    )
    assert a.term.dates(a.key_person_days["K001"]) == [MON, date(2026, 9, 14), date(2026, 9, 15)]


def test_an_attended_outcome_means_not_due_and_a_decline_means_not_to_book() -> None:
    """Attended counts as reviewed (not due); declined stays due but is not the planner's."""
    a = availability(
        children=[make_child("C001"), make_child("C002"), make_child("C003")],
        outcomes=[make_outcome("C001", MON, "attended"), make_outcome("C002", MON, "declined")],
        config=make_config(term={**TWO_WEEKS, "today": "2026-09-08"}),
    )
    assert [c.child_id for c in a.due] == ["C002", "C003"]
    assert [a.to_book(c) for c in a.due] == [False, True]


def test_child_days_are_the_allowed_dates_on_the_parents_days() -> None:
    """Not before the child settles in, not on a weekday the parent cannot come."""
    child = make_child(starts_on=date(2026, 8, 20), parent_unavailable_days=days("Wed"))
    a = availability(children=[child])
    got = a.term.dates(a.child_days["C001"])
    assert min(got) == date(2026, 9, 17)  # 20 Aug + 28 days
    assert all(d.weekday() != 2 for d in got)


def test_new_bookings_wait_for_the_notice_period() -> None:
    """With today set, new bookings start at today + notice_days; without it, any day."""
    a = availability(config=make_config(term={**TWO_WEEKS, "today": "2026-09-08"}))
    assert a.first_new_day == date(2026, 9, 15)
    assert a.term.dates(a.new_days)[0] == date(2026, 9, 15)
    assert (
        availability().first_new_day is None and availability().new_days == availability().term.all
    )


def test_party_days_of_a_joint_review_need_the_setting_and_the_key_person() -> None:
    """A joint review needs the setting open and the key person in; a clinic review does not."""
    a = availability(
        children=[make_child(practitioner_id="P001")],
        closures=[make_closure("S001", MON)],
        key_persons=[make_key_person(working_days=days("Mon", "Wed", "Thu", "Fri"))],
    )
    child = a.authority.children["C001"]
    joint = a.term.dates(a.party_days(child, "joint", "P001"))
    separate = a.term.dates(a.party_days(child, "separate", "P001"))
    assert MON not in joint and TUE not in joint and WED in joint
    assert MON in separate and TUE in separate


def test_option_days_need_a_place_and_hours_long_enough() -> None:
    """No home visit without a home; no joint review where the setting's hours are too short."""
    a = availability(
        children=[make_child()],
        settings=[make_setting(open_time=hm("09:00"), close_time=hm("09:50"))],
    )
    child = a.authority.children["C001"]
    assert a.option_days(child, "home", "P001") == 0
    assert a.option_days(child, "joint", "P001") == 0  # 50 minutes < 60
    assert a.option_days(child, "separate", "P001") != 0


def test_a_joint_reviews_window_is_both_parties_hours_less_the_journeys_from_and_to_base() -> None:
    """Practitioner 08:30–17:00, setting 08:00–16:00, base a journey away: the block lies in
    [08:30 + journey, min(16:00, 17:00 − journey)]."""
    p = make_practitioner(base_lat=51.5000)
    setting = make_setting(lat=51.5600, close_time=hm("16:00"))
    leg = travel_minutes(haversine_km(p.base_lat, p.base_lon, setting.lat, setting.lon), 20, 1.3)
    a = availability(practitioners=[p], settings=[setting])
    child = a.authority.children["C001"]
    assert a.time_window(child, "joint", "P001") == TimeWindow(
        hm("08:30") + leg, min(hm("16:00"), hm("17:00") - leg)
    )
    clinic = a.time_window(child, "separate", "P001")
    assert clinic == TimeWindow(hm("08:30"), hm("17:00"))  # the clinic is at base: no journey
    assert a.travel(base_place(p), base_place(p)) == 0


def test_without_the_day_from_base_the_window_is_the_hours_only() -> None:
    """``day_starts_at_base = false``: no journey is taken off the window."""
    a = availability(
        practitioners=[make_practitioner(base_lat=51.5000)],
        config=make_config(term=TWO_WEEKS, travel={"day_starts_at_base": False}),
    )
    child = a.authority.children["C001"]
    assert a.time_window(child, "joint", "P001") == TimeWindow(hm("08:30"), hm("17:00"))
    assert TimeWindow(hm("10:00"), hm("09:00")).length == 0


def test_priority_is_raised_for_each_review_that_did_not_happen() -> None:
    """A child not brought once this term is worth one ``was_not_brought`` weight more."""
    config = make_config(term={**TWO_WEEKS, "today": "2026-09-09"})
    a = availability(
        children=[make_child("C001"), make_child("C002")],
        outcomes=[make_outcome("C002", MON, "was_not_brought")],
        config=config,
    )
    c1, c2 = a.authority.children["C001"], a.authority.children["C002"]
    assert a.priority(c2) - a.priority(c1) == config.priorities.was_not_brought
    assert a.priority(c1) == child_priority(
        c1, a.windows["C001"], config.term, config.priorities, 0
    )


def test_link_models_are_the_kinds_the_settings_link_runs() -> None:
    """The link runs joint reviews, and clinic or home ones only for families with no
    caseload practitioner; a child in no setting has no link at all."""
    config = make_config(term=TWO_WEEKS, review={"fallback": ["separate"]})
    a = availability(
        children=[
            make_child("C001"),
            make_child("C002", practitioner_id="P001"),
            child_in_no_setting("C003"),
        ],
        config=config,
    )
    children = a.authority.children
    assert a.link_models(children["C001"]) == ("joint", "separate")
    assert a.link_models(children["C002"]) == ("joint",)
    assert a.link_models(children["C003"]) == ()
    assert a.link_days(children["C003"], "P001") == 0
    assert a.link_days(children["C001"], "P001") & (1 << a.term.index[REVIEW_DAY])
