"""The one "what changed" (scheduler/diff.py): each child's review added, moved (and what moved)
or removed, link changes, who hears, and that the comparison, the publish audience and the
calendars' SEQUENCE numbers agree on who moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from builders import (
    REVIEW_DAY,
    appointment_for,
    child_at_home,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_link,
    make_plan,
    make_practitioner,
    make_setting,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.diff import (
    CHANGE_FIELDS,
    audience_of,
    changed_fields,
    diff_appointments,
    diff_links,
    moved_children,
)
from scheduler.domain import Authority
from scheduler.export.ics import calendar_sequences
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Appointment, Plan
from scheduler.store.compare import audience, compare_plans


def authority() -> Authority:
    """Two practitioners, two settings with two key persons each, four children (one a home
    visit)."""
    return make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id="P002")],
        key_persons=[
            make_key_person("K001"),
            make_key_person("K002"),
            make_key_person("K003", setting_id="S002"),
        ],
        children=[
            make_child("C001"),
            make_child("C002", key_person_id="K002"),
            make_child("C003", setting_id="S002", key_person_id="K003"),
            child_at_home("C004"),
        ],
    )


def test_each_childs_review_is_added_moved_or_removed() -> None:
    """A move lists exactly the fields that changed; age or the window flag are not moves."""
    a = authority()
    one = appointment_for(a, "C001", REVIEW_DAY, hm("10:00"))
    two = appointment_for(a, "C002", REVIEW_DAY, hm("11:00"))
    three = appointment_for(a, "C003", REVIEW_DAY, hm("14:00"))
    later = replace(one, start=hm("13:00"), end=hm("13:45"), pre_meeting_start=hm("12:45"))
    changes, unchanged = diff_appointments(
        [one, two, replace(three, age_months=1.0)],
        [later, replace(three, age_months=9.0, in_window=False)],
    )
    assert unchanged == 1
    assert [(c.child_id, c.kind) for c in changes] == [("C002", "removed"), ("C001", "moved")]
    assert changes[1].fields == ("start", "end", "pre_meeting_start")
    assert moved_children(changes) == {"C001"}


CHANGES: dict[str, object] = {
    "date": REVIEW_DAY + timedelta(days=1),
    "start": hm("13:00"),
    "end": hm("16:00"),
    "pre_meeting_start": hm("09:00"),
    "practitioner_id": "P002",
    "key_person_id": "K002",
    "setting_id": "S002",
    "location": "clinic",
}
"""One change of each appointment field a person relies on (``home`` is tested on its own)."""


def test_every_change_field_has_a_case() -> None:
    """A field added to the diff's definition without a case here fails this meta-test."""
    assert set(CHANGES) | {"home"} == set(CHANGE_FIELDS)


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_changing_one_field_moves_the_review_and_updates_every_event(field: str) -> None:
    """The rule, field by field: the comparison lists the move, the family hears of it, and
    every calendar event of the review (kept in both plans) goes up one SEQUENCE."""
    a = authority()
    was = appointment_for(a, "C001", REVIEW_DAY, hm("10:00"))
    now = replace(was, **{field: CHANGES[field]})
    assert changed_fields(was, now) == (field,)
    before, after = make_plan(a, [was]), make_plan(a, [now])
    comparison = compare_plans(before, after)
    assert [(c.kind, c.fields) for c in comparison.appointments] == [("moved", (field,))]
    assert audience(comparison).moved == ("C001",)
    old = calendar_sequences(a, before, before)  # every event of the first plan, at 0
    new = calendar_sequences(a, after, before)
    assert len(old) >= 4 and all(new[uid] == old[uid] + 1 for uid in old)


def test_age_and_the_window_flag_are_not_moves_and_update_no_event() -> None:
    """A figure that follows from the date is not an arrangement: nothing moves, no event's
    SEQUENCE goes up."""
    a = authority()
    was = appointment_for(a, "C001", REVIEW_DAY, hm("10:00"))
    now = replace(was, age_months=29.9, in_window=False)
    before, after = make_plan(a, [was]), make_plan(a, [now])
    assert compare_plans(before, after).unchanged
    assert set(calendar_sequences(a, after, before).values()) == {0}


def test_a_home_visit_to_a_family_that_moved_is_a_move_when_the_data_are_given() -> None:
    """The home is data, not plan: with both plans' data the visit moved (and its events are
    updated); with none, the plans alone cannot see it."""
    a = authority()
    moved_home = replace(a, children=a.children | {"C004": child_at_home("C004", home_lat=51.6)})
    visit = appointment_for(a, "C004", REVIEW_DAY, hm("10:00"))
    assert visit.location == "home"
    assert changed_fields(visit, visit) == ()
    assert changed_fields(visit, visit, data_before=a, data_after=moved_home) == ("home",)
    before, after = make_plan(a, [visit]), make_plan(moved_home, [visit])
    comparison = compare_plans(before, after, data_before=a, data_after=moved_home)
    assert audience(comparison).moved == ("C004",)
    sequences = calendar_sequences(moved_home, after, before, previous_authority=a)
    invite = event_uid("Autumn 2026", "C004", EventKind.INVITE)
    assert sequences[invite] == 1


def test_links_that_changed_are_listed_and_reach_both_practitioners() -> None:
    """A changed, a new and a dropped link are listed by setting; the audience is the settings
    and both practitioners of each."""
    links = diff_links(
        [make_link("S001", "P001"), make_link("S002", "P001"), make_link("S003")],
        [make_link("S001", "P001"), make_link("S002", "P002"), make_link("S004")],
    )
    assert [(c.setting_id, c.before, c.after) for c in links] == [
        ("S002", "P001", "P002"),
        ("S003", "P001", None),
        ("S004", None, "P001"),
    ]
    who = audience_of([], links)
    assert who.settings == ("S002", "S003", "S004") and who.practitioners == ("P001", "P002")
    assert who.families == 0


# --------------------------------------------------------------------------- agreement

A = authority()
CHILDREN = sorted(A.children)
DAYS = [REVIEW_DAY + timedelta(days=n) for n in range(3)]


@st.composite
def appointment_or_none(draw: st.DrawFn, child_id: str) -> Appointment | None:
    """A child's review in a random arrangement, or no review."""
    if draw(st.booleans()):
        return None
    model = "home" if child_id == "C004" else draw(st.sampled_from(["joint", "separate"]))
    slot = appointment_for(
        A,
        child_id,
        draw(st.sampled_from(DAYS)),
        draw(st.sampled_from([hm("10:00"), hm("11:00")])),
        practitioner_id=draw(st.sampled_from(["P001", "P002"])),
        model=model,
    )
    if A.children[child_id].setting_id == "S001" and draw(st.booleans()):
        slot = replace(slot, key_person_id=draw(st.sampled_from(["K001", "K002"])))
    return slot


@st.composite
def plan_pair(draw: st.DrawFn) -> tuple[Plan, Plan]:
    """Two plans of the same data, each child booked or not, anywhere, by anyone; the previous
    plan carries sequence numbers clients already hold."""
    pairs = [(draw(appointment_or_none(c)), draw(appointment_or_none(c))) for c in CHILDREN]
    first = make_plan(A, [p for p, _ in pairs if p is not None])
    held = {uid: draw(st.integers(0, 3)) for uid in calendar_sequences(A, first, first)}
    before = replace(first, sequences=held)
    return before, make_plan(A, [n for _, n in pairs if n is not None])


@settings(max_examples=60, deadline=None)
@given(plan_pair())
def test_comparison_audience_and_sequences_agree_on_who_moved(pair: tuple[Plan, Plan]) -> None:
    """On random plan pairs: a kept event's SEQUENCE goes up exactly for the children the
    comparison says moved (tasks also when their due day moved); the families who hear are the
    new, moved and cancelled invitations the calendars send."""
    before, after = pair
    comparison = compare_plans(before, after)
    who = audience(comparison)
    held, sequences = before.sequences, calendar_sequences(A, after, before)
    moved = {c.child_id for c in comparison.appointments if c.kind == "moved"}
    booked_before = {a.child_id for a in before.appointments}
    booked_after = {a.child_id for a in after.appointments}
    for child_id in CHILDREN:
        invite = event_uid("Autumn 2026", child_id, EventKind.INVITE)
        if child_id in booked_before and child_id in booked_after:
            assert sequences[invite] == held[invite] + (child_id in moved)
        elif child_id in booked_before:
            assert sequences[invite] == held[invite] + 1  # the cancellation outranks it
        for kind in (EventKind.SETTING, EventKind.PRACTITIONER):
            uid = event_uid("Autumn 2026", child_id, kind)
            if uid in held and child_id in booked_after and child_id in booked_before:
                assert sequences[uid] == held[uid] + (child_id in moved)
    assert set(who.moved) == moved
    assert set(who.new) == booked_after - booked_before
    assert set(who.cancelled) == booked_before - booked_after
