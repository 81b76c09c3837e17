"""The one "what changed": moves, additions and removals per child, link changes, and who
hears about them when the plan is published."""

from __future__ import annotations

from datetime import timedelta

from builders import (
    REVIEW_DAY,
    appointment_for,
    hm,
    links_for,
    make_authority,
    make_child,
    make_key_person,
    make_link,
    make_plan,
    make_practitioner,
    make_setting,
)

from scheduler.store.compare import audience, compare_plans


def authority():  # type: ignore[no-untyped-def]
    return make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        settings=[make_setting("S001"), make_setting("S002"), make_setting("S003")],
        key_persons=[
            make_key_person("K001"),
            make_key_person("K002", setting_id="S002"),
            make_key_person("K003", setting_id="S003"),
        ],
        children=[
            make_child("C001"),
            make_child("C002", setting_id="S002", key_person_id="K002"),
            make_child("C003", setting_id="S003", key_person_id="K003"),
            make_child("C004"),
        ],
    )


def test_audience_names_the_families_settings_and_practitioners_who_hear() -> None:
    """C001 moved, C002 dropped, C003 new, C004 unchanged; S003's link changed hands: the
    families of C001–C003 hear, S001–S003's calendars change, and both practitioners'."""
    data = authority()
    c1, c2, c4 = (appointment_for(data, c) for c in ("C001", "C002", "C004"))
    before = make_plan(data, [c1, c2, c4])
    moved = appointment_for(data, "C001", day=REVIEW_DAY + timedelta(days=1))
    c3 = appointment_for(data, "C003", start=hm("14:00"))
    links = [
        *(lk for lk in links_for(data) if lk.setting_id != "S003"),
        make_link("S003", "P002"),
    ]
    after = make_plan(data, [moved, c3, c4], links=links)
    comparison = compare_plans(before, after)
    assert (comparison.count("moved"), comparison.count("added"), comparison.count("removed")) == (
        1,
        1,
        1,
    )
    assert comparison.unchanged_appointments == 1 and not comparison.unchanged
    who = audience(comparison)
    assert (who.new, who.moved, who.cancelled) == (("C003",), ("C001",), ("C002",))
    assert who.families == 3
    assert who.settings == ("S001", "S002", "S003")
    assert who.practitioners == ("P001", "P002")


def test_the_same_plan_reaches_nobody() -> None:
    """Comparing a plan with itself: no change, nobody hears."""
    data = authority()
    plan = make_plan(data, [appointment_for(data, "C001")])
    comparison = compare_plans(plan, plan)
    assert comparison.unchanged and audience(comparison).nobody
