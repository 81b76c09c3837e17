"""Book this (scheduler/booking.py): the booked children's rows change and nothing else, the new
slots are pinned in place of those children's old pins, the plan's figures follow, the booking
is noted, and the independent checker judges the new plan against the old one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from builders import (
    appointment_for,
    hm,
    link_pin,
    make_authority,
    make_child,
    make_config,
    make_plan,
    make_practitioner,
    make_unscheduled,
    unhonoured,
)

from scheduler.booking import appointment_pin, book
from scheduler.domain import Authority
from scheduler.plan import Pin, Plan
from scheduler.summary import BookingNote, PractitionerUse

THREE_DAYS = {"start": "2026-09-08", "end": "2026-09-10", "exclude": [], "bank_holidays": "none"}
TUE, WED, THU = date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10)
BOOKED_AT = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)


def authority() -> Authority:
    """P001 sees up to two children a day at S001 on Tue–Thu; C1–C3 are due."""
    return make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=2)],
        children=[make_child("C1"), make_child("C2"), make_child("C3")],
        config=make_config(term=THREE_DAYS),
    )


def first_plan(data: Authority) -> Plan:
    """C1 on Tue at 10:00 (pinned there), C2 and C3 waiting (CAPACITY); a link pin."""
    plan = make_plan(
        data,
        [appointment_for(data, "C1", TUE, hm("10:00"))],
        [make_unscheduled("C2"), make_unscheduled("C3")],
    )
    plan = replace(
        plan,
        pins=[link_pin(), Pin("appointment", "S001", child_id="C1", date=TUE, start=hm("10:00"))],
    )
    plan = replace(plan, summary=replace(plan.summary, unscheduled_by_reason={"CAPACITY": 2}))
    return plan


def test_the_pin_keeps_the_child_date_and_start() -> None:
    """An appointment's pin is the pins.csv appointment pin on its child, setting, date and
    start (so every re-plan keeps exactly that slot)."""
    data = authority()
    slot = appointment_for(data, "C2", WED, hm("13:00"))
    assert appointment_pin(slot) == Pin(
        "appointment", setting_id="S001", child_id="C2", date=WED, start=hm("13:00")
    )


def test_booking_a_waiting_child_changes_only_their_row() -> None:
    """C2 booked on Wed: C1's appointment is as it was, C2 leaves the unscheduled list, the
    counts follow, and the checker finds nothing wrong."""
    data = authority()
    plan = first_plan(data)
    slot = appointment_for(data, "C2", WED, hm("13:00"))
    booking = book(data, plan, [slot], created_at=BOOKED_AT)
    new = booking.plan
    assert booking.check.ok, booking.check.violations
    assert new.appointments == [plan.appointments[0], slot]
    assert [u.child_id for u in new.unscheduled] == ["C3"]
    assert (new.summary.scheduled, new.summary.children_due) == (2, 3)
    assert new.summary.unscheduled_by_reason == {"CAPACITY": 1}
    assert new.summary.check_violations == 0
    assert booking.booked == (slot,) and new.created_at == BOOKED_AT
    assert new.links == plan.links


def test_the_slot_is_pinned_in_place_of_the_childs_old_pin() -> None:
    """Moving C1 to Thu: C1's Tue pin is replaced by the Thu one; the link pin stays."""
    data = authority()
    plan = first_plan(data)
    slot = appointment_for(data, "C1", THU, hm("11:00"))
    booking = book(data, plan, [slot])
    assert booking.check.ok, booking.check.violations
    assert booking.pins == (appointment_pin(slot),)
    assert booking.plan.pins == [link_pin(), appointment_pin(slot)]
    assert [(a.child_id, a.date) for a in booking.plan.appointments] == [("C1", THU)]


def test_a_child_moved_for_the_booking_is_booked_and_pinned_too() -> None:
    """Booking C2 into C1's Tue slot with C1 moved to Wed: both rows change, both are pinned
    and noted, and the new plan checks clean."""
    data = authority()
    plan = first_plan(data)
    c2 = appointment_for(data, "C2", TUE, hm("10:00"))
    c1 = appointment_for(data, "C1", WED, hm("10:00"))
    booking = book(data, plan, [c2, c1], note="swap")
    assert booking.check.ok, booking.check.violations
    assert booking.plan.appointments == [c2, c1]
    assert {p.child_id for p in booking.pins} == {"C1", "C2"}
    assert [p.child_id for p in booking.plan.pins if p.kind == "appointment"] == ["C2", "C1"]
    assert [b.child_id for b in booking.plan.summary.bookings or ()] == ["C2", "C1"]


def test_each_booking_is_noted_in_the_summary() -> None:
    """Bookings accumulate in summary.json with child, date and a note cut to 200 characters;
    an unhonoured pin of a booked child is dropped (the booking replaces it), others stay."""
    data = authority()
    plan = first_plan(data)
    pins = (
        unhonoured("C2", "S001", "appointment", "no longer fits"),
        unhonoured("C3", "S001", "appointment", "no longer fits"),
    )
    plan = replace(plan, summary=replace(plan.summary, pins_unhonoured=pins))
    once = book(data, plan, [appointment_for(data, "C2", WED, hm("13:00"))], note="x" * 300)
    twice = book(data, once.plan, [appointment_for(data, "C3", THU, hm("10:00"))], note="phone")
    assert twice.plan.summary.bookings == (
        BookingNote("C2", "2026-09-09", "x" * 200),
        BookingNote("C3", "2026-09-10", "phone"),
    )
    assert [p.child_id for p in once.plan.summary.pins_unhonoured or ()] == ["C3"]
    assert twice.plan.summary.pins_unhonoured == ()


def test_the_practitioners_use_is_recounted() -> None:
    """With a per-practitioner table in the summary, reviews and minutes are recounted from the
    new appointments; capacity and link load are kept."""
    data = authority()
    plan = first_plan(data)
    use = PractitionerUse(
        reviews=1, review_minutes=60, capacity_minutes=600, link_load_minutes=180, utilisation=0.1
    )
    plan = replace(plan, summary=replace(plan.summary, practitioners={"P001": use}))
    booking = book(data, plan, [appointment_for(data, "C2", WED, hm("13:00"))])
    assert booking.plan.summary.practitioners is not None
    use = booking.plan.summary.practitioners["P001"]
    assert (use.reviews, use.review_minutes) == (2, 120)
    assert (use.capacity_minutes, use.link_load_minutes, use.utilisation) == (
        600,
        180,
        0.2,
    )


def test_a_slot_that_breaks_a_rule_is_reported_not_hidden() -> None:
    """C2 booked on top of C1 (one practitioner, one room): the booking is made but its check
    is not ok, and the summary counts the violations."""
    data = authority()
    plan = first_plan(data)
    booking = book(data, plan, [appointment_for(data, "C2", TUE, hm("10:15"))])
    assert not booking.check.ok
    assert booking.plan.summary.check_violations == len(booking.check.violations) > 0


def test_the_old_plan_is_left_as_it_was() -> None:
    """Booking builds a new plan: the old one's rows, pins, summary and sequences are not
    touched (the dashboard and the calendar update still need it)."""
    data = authority()
    plan = replace(first_plan(data), sequences={"uid-c1": 1})
    before = replace(
        plan,
        appointments=list(plan.appointments),
        unscheduled=list(plan.unscheduled),
        summary=plan.summary,
        sequences=dict(plan.sequences),
        pins=list(plan.pins),
    )
    booking = book(data, plan, [appointment_for(data, "C1", THU, hm("11:00"))], note="moved")
    booking.plan.sequences["uid-c1"] = 2
    assert plan == before
    assert booking.plan.sequences is not plan.sequences
