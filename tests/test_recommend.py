"""Find a slot: recommendations are contract-valid once booked (the independent checker says
so), never worse than the best slot found by brute force, move nobody unless they must, and
the finder's cache follows the plan and the data."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from builders import (
    appointment_for,
    days,
    hm,
    make_authority,
    make_child,
    make_config,
    make_outcome,
    make_plan,
    make_practitioner,
    make_unscheduled,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import THREE_DAYS, tiny_authorities

from scheduler.availability import Availability
from scheduler.booking import book
from scheduler.check import check_plan
from scheduler.domain import Authority
from scheduler.outcomes import Standing
from scheduler.pipeline import PlanOptions
from scheduler.pipeline import make_plan as solve
from scheduler.plan import Appointment, Plan, ReasonCode
from scheduler.priority import SCALE
from scheduler.recommend import FinderCache, SlotFinder, not_brought_since
from scheduler.review import allowed_models, practitioner_for
from scheduler.scheduling.problem import build_problem

TUE, WED, THU = date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10)


def one_a_day(children: int = 3, **child_fields: object) -> Authority:
    """P001 sees one child a day at S001 on Tue–Thu; children C1..Cn (C1 funded)."""
    return make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[
            make_child(f"C{i}", funded=i == 1, **child_fields)  # type: ignore[arg-type]
            for i in range(1, children + 1)
        ],
        config=make_config(term=THREE_DAYS),
    )


def booked(authority: Authority, *slots: tuple[str, date, str]) -> Plan:
    """A plan with these (child, day, start) appointments; every other child to book is
    unscheduled (CAPACITY), declined ones DECLINED."""
    appointments = [appointment_for(authority, c, d, start=hm(t)) for c, d, t in slots]
    seen = {a.child_id for a in appointments}
    availability = Availability(authority)
    unscheduled = [
        make_unscheduled(
            c.child_id,
            c.setting_id,
            ReasonCode.DECLINED
            if availability.standing(c) is Standing.DECLINED
            else ReasonCode.CAPACITY,
        )
        for c in availability.due
        if c.child_id not in seen
    ]
    plan = make_plan(authority, appointments, unscheduled)
    by_reason = dict(sorted(Counter(u.reason_code.value for u in unscheduled).items()))
    plan = replace(plan, summary=replace(plan.summary, unscheduled_by_reason=by_reason))
    return plan


def checked(authority: Authority, plan: Plan, appointments: list[Appointment]) -> Plan:
    """Book and assert the independent checker finds nothing wrong."""
    booking = book(authority, plan, appointments)
    assert booking.check.ok, booking.check.violations
    return booking.plan


def test_free_slots_ranked_and_valid_once_booked() -> None:
    """With a day free, the child gets it, nobody else moves, and the booked plan checks clean."""
    authority = one_a_day(2)
    plan = booked(authority, ("C1", TUE, "10:00"))
    assert check_plan(authority, plan).ok, check_plan(authority, plan).violations
    answer = SlotFinder(authority, plan).recommend("C2")
    assert answer.status == "ok"
    dates = [r.appointment.date for r in answer.slots]
    assert dates == [WED, THU]  # Tue is taken; earlier is worth more
    assert all(not r.moves and r.cost == "nobody else moves" for r in answer.slots)
    for r in answer.slots:
        new = checked(authority, plan, [r.appointment])
        assert [a for a in new.appointments if a.child_id == "C1"] == plan.appointments


def test_points_follow_the_planners_values() -> None:
    """The points shown are the planner's own value of that child on that day."""
    authority = one_a_day(2)
    plan = booked(authority, ("C1", TUE, "10:00"))
    answer = SlotFinder(authority, plan).recommend("C2", top=1)
    availability = Availability(authority)
    job = build_problem(
        authority, availability, {"S001": "P001"}, children=[authority.children["C2"]]
    ).children[0]
    day = availability.term.index[answer.slots[0].appointment.date]
    assert answer.slots[0].points == job.options[0].value_on(day) / SCALE


def test_someone_moves_only_when_no_free_slot() -> None:
    """Every day full: a lower-priority child booked that day moves to their own free day,
    named with the reason; the booking of both checks clean. With a day free, nobody moves."""
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[
            make_child("C1", funded=True),
            make_child("C2", funded=False),
            make_child("C3", funded=False, parent_unavailable_days=days("Tue", "Wed")),
            make_child("C4", funded=False, parent_unavailable_days=days("Thu")),
        ],
        config=make_config(term=THREE_DAYS),
    )
    # C2 Tue, C4 Wed, C3 Thu (C3 can come only on Thu): no day is free for C1.
    full = booked(authority, ("C2", TUE, "10:00"), ("C4", WED, "10:00"), ("C3", THU, "10:00"))
    assert SlotFinder(authority, full).free_slots(authority.children["C1"]) == []
    # C1 cannot come on Thu; Tue and Wed are taken by children who could move to Thu.
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[
            make_child("C1", funded=True, parent_unavailable_days=days("Thu")),
            make_child("C2", funded=False),
            make_child("C3", funded=False),
        ],
        config=make_config(term=THREE_DAYS),
    )
    full = booked(authority, ("C2", TUE, "10:00"), ("C3", WED, "10:00"))
    answer = SlotFinder(authority, full).recommend("C1")
    assert answer.status == "moves_needed", answer.reason
    for r in answer.slots:
        assert len(r.moves) == 1
        move = r.moves[0]
        assert move.to.date == THU  # the only free day, which C1 cannot use
        assert "lower priority" in move.reason and move.child_id in r.cost
        checked(authority, full, [r.appointment, move.to])
    assert {r.moves[0].child_id for r in answer.slots} == {"C2", "C3"}

    free = booked(authority, ("C2", TUE, "10:00"))
    assert SlotFinder(authority, free).recommend("C1").status == "ok"


def test_no_move_for_higher_priority() -> None:
    """A child of no higher priority than everyone booked is offered no move, with a reason."""
    authority = one_a_day(4)
    full = booked(authority, ("C1", TUE, "10:00"), ("C2", WED, "10:00"), ("C3", THU, "10:00"))
    answer = SlotFinder(authority, full).recommend("C4")
    assert answer.status == "no_slot"
    assert "full" in answer.reason
    assert answer.slots == ()


def test_asked_to_move_gets_another_day() -> None:
    """A booked child asking to move is offered other days, their own time counted as free."""
    authority = one_a_day(1)
    plan = booked(authority, ("C1", TUE, "10:00"))
    answer = SlotFinder(authority, plan).recommend("C1")
    assert answer.current == plan.appointments[0]
    assert [r.appointment.date for r in answer.slots] == [WED, THU]
    checked(authority, plan, [answer.slots[0].appointment])


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("declined", "declined"),
        ("attended", "not due"),
    ],
)
def test_not_bookable(outcome: str, expected: str) -> None:
    """Declined or reviewed children are not offered slots; the reason says why."""
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[make_child("C1")],
        outcomes=[make_outcome("C1", date(2026, 9, 1), outcome)],  # type: ignore[arg-type]
        config=make_config(term={**THREE_DAYS, "today": "2026-09-01"}, review={"notice_days": 0}),
    )
    answer = SlotFinder(authority, booked(authority)).recommend("C1")
    assert answer.status == "not_bookable"
    assert expected in answer.reason


def test_notice_period_respected() -> None:
    """With today set, nothing inside the notice period is offered."""
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[make_child("C1")],
        config=make_config(term={**THREE_DAYS, "today": "2026-09-07"}, review={"notice_days": 2}),
    )
    answer = SlotFinder(authority, booked(authority)).recommend("C1")
    assert [r.appointment.date for r in answer.slots] == [WED, THU]
    checked(authority, booked(authority), [answer.slots[0].appointment])


def test_check_slot_for_a_counter_proposal() -> None:
    """A proposed time is accepted only where it fits around everyone else as booked."""
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=3)],
        children=[make_child("C1"), make_child("C2")],
        config=make_config(term=THREE_DAYS),
    )
    plan = booked(authority, ("C1", TUE, "10:00"))
    finder = SlotFinder(authority, plan)
    child = authority.children["C2"]
    fine = finder.check_slot(child, TUE, hm("13:00"))
    assert fine.appointment == appointment_for(authority, "C2", TUE, start=hm("13:00"))
    clash = finder.check_slot(child, TUE, hm("10:15"))
    assert not clash.ok and "does not fit" in clash.reason
    assert not finder.check_slot(child, date(2026, 9, 12), hm("10:00")).ok  # Saturday
    new = checked(authority, plan, [fine.appointment])
    assert len(new.appointments) == 2


def test_cache_follows_the_plan_and_the_data() -> None:
    """Same data and plan: the same finder. A booking or new data: a new one, which sees the
    change (the booked day is no longer offered to the next child)."""
    authority = one_a_day(3)
    plan = booked(authority, ("C1", TUE, "10:00"))
    cache = FinderCache()
    first = cache.finder(authority, plan)
    assert cache.finder(authority, plan) is first and cache.built == 1
    top = first.recommend("C2").slots[0].appointment
    assert top.date == WED
    after = book(authority, plan, [top]).plan
    second = cache.finder(authority, after)
    assert second is not first and cache.built == 2
    assert [r.appointment.date for r in second.recommend("C3").slots] == [THU]
    # the old plan's answer is still what it was (its finder is kept, not mutated)
    assert cache.finder(authority, plan).recommend("C3").slots[0].appointment.date == WED
    # a plan changed in place is a new plan
    plan.appointments.append(top)
    assert cache.finder(authority, plan) is not first
    # new data (another config) is a new finder too
    other = authority.with_config(make_config(term=THREE_DAYS, review={"meeting_minutes": 30}))
    assert cache.finder(other, after) is not second


def test_many_children_do_not_share_a_first_choice() -> None:
    """A list (e.g. not brought this week): highest priority first, and each child's first
    slot is held while the next is answered."""
    authority = one_a_day(3)
    plan = booked(authority, ("C3", THU, "10:00"))
    answers = SlotFinder(authority, plan).recommend_many(["C2", "C1"])
    assert [a.child_id for a in answers] == ["C1", "C2"]  # C1 is funded
    first = {a.child_id: a.slots[0].appointment.date for a in answers}
    assert first == {"C1": TUE, "C2": WED}


def test_not_brought_since() -> None:
    """The re-booking list: not brought or cancelled on or after the date."""
    authority = make_authority(
        children=[make_child("C1"), make_child("C2"), make_child("C3")],
        outcomes=[
            make_outcome("C1", date(2026, 9, 8), "was_not_brought"),
            make_outcome("C2", date(2026, 9, 1), "was_not_brought"),
            make_outcome("C3", date(2026, 9, 9), "cancelled_by_parent"),
        ],
        config=make_config(term={"today": "2026-09-10"}),
    )
    assert not_brought_since(authority, date(2026, 9, 7)) == ["C1", "C3"]


# --------------------------------------------------------------------------- brute force

HOURS = ["08:00", "08:30", "09:00", "11:30", "12:00", "13:00"]
GRID = range(hm("07:00"), hm("14:00"), 5)


def small() -> st.SearchStrategy[Authority]:
    """1–2 practitioners, 1–2 settings, 2–5 children, three days, tight days."""
    return tiny_authorities(hours=HOURS, children=(2, 5), rooms=False, shared_parent_one_in=3)


def brute_force(authority: Authority, plan: Plan, child_id: str) -> dict[tuple[str, date], int]:
    """Every (kind of review, day) with some start on the 5-minute grid at which booking the
    child passes the independent checker (the child's current day left out)."""
    child = authority.children[child_id]
    link_of = {link.setting_id: link.practitioner_id for link in plan.links}
    current = next((a.date for a in plan.appointments if a.child_id == child_id), None)
    valid: dict[tuple[str, date], int] = {}
    for model in allowed_models(child, authority.config):
        pid = practitioner_for(child, model, link_of)
        if pid is None:
            continue
        for day in (TUE, WED, THU):
            if day == current:
                continue
            for start in GRID:
                slot = appointment_for(
                    authority, child_id, day, start=start, practitioner_id=pid, model=model
                )
                if book(authority, plan, [slot]).check.ok:
                    valid[(model, day)] = start
                    break
    return valid


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(authority=small())
def test_never_worse_than_brute_force(authority: Authority) -> None:
    """On small authorities, for every child to book (booked ones asking to move too): every
    (day, start) tried by brute force through the checker; the recommender finds a slot
    whenever one exists, its best is worth at least the best found, and every recommendation
    it makes books clean."""
    result = solve(authority, PlanOptions(time_limit=2, link_time_limit=1, workers=1))
    assert result.check.ok, result.check.violations
    plan = result.plan
    availability = Availability(authority)
    finder = SlotFinder(authority, plan)
    links = {link.setting_id: link.practitioner_id for link in plan.links}
    for child in availability.due:
        if availability.standing(child) is not Standing.OPEN:
            continue
        answer = finder.recommend(child.child_id, top=10)
        for r in answer.slots:
            checked(authority, plan, [r.appointment, *(m.to for m in r.moves)])
        valid = brute_force(authority, plan, child.child_id)
        if not valid:
            assert answer.status != "ok"
            continue
        assert answer.status == "ok", (child.child_id, answer.status, answer.reason, valid)
        job = build_problem(authority, availability, links, children=[child]).children[0]
        worth = {
            (o.model, availability.term.days[d]): o.value_on(d) / SCALE
            for o in job.options
            for d in o.days
        }
        assert set(valid) <= set(worth), "a valid slot the planner's options do not have"
        assert answer.slots[0].points >= max(worth[key] for key in valid) - 1e-9
        found = {(r.appointment.model, r.appointment.date) for r in answer.slots}
        assert found == set(valid)  # exactly the free (kind, day) brute force finds
