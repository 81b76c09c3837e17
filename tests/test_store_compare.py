"""Two plans side by side (scheduler/store/compare.py): the contract's figures first, then any
other number; each child's review added, moved (and what moved) or removed; links changed."""

from __future__ import annotations

from dataclasses import replace

from builders import (
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_link,
    make_plan,
)

from scheduler.store.compare import compare_appointments, compare_kpis, compare_plans, kpi_keys


def test_kpis_come_first_then_other_numbers_and_text_has_no_delta() -> None:
    """The contract's keys in their order, other numeric keys after; status has no delta,
    and a bool is not a number."""
    before = {"scheduled": 3, "status": "FEASIBLE", "zeta": 1.5, "flag": True, "children_due": 5}
    after = {"scheduled": 4, "status": "OPTIMAL", "zeta": 1.0, "flag": False, "children_due": 5}
    keys = kpi_keys(before, after)
    assert keys.index("children_due") < keys.index("scheduled") < keys.index("zeta")
    assert "flag" not in keys
    deltas = {d.key: d for d in compare_kpis(before, after)}
    assert deltas["scheduled"].delta == 1 and deltas["zeta"].delta == -0.5
    assert deltas["status"].delta is None and deltas["status"].after == "OPTIMAL"


def test_each_childs_review_is_added_moved_or_removed() -> None:
    """A move lists exactly the fields that changed; age or the window flag are not moves."""
    a = make_authority(children=[make_child("C001"), make_child("C002"), make_child("C003")])
    one = appointment_for(a, "C001", REVIEW_DAY, hm("10:00"))
    two = appointment_for(a, "C002", REVIEW_DAY, hm("11:00"))
    three = appointment_for(a, "C003", REVIEW_DAY, hm("14:00"))
    later = replace(one, start=hm("13:00"), end=hm("13:45"), pre_meeting_start=hm("12:45"))
    changes, unchanged = compare_appointments(
        [one, two, replace(three, age_months=1.0)],
        [later, replace(three, age_months=9.0, in_window=False)],
    )
    assert unchanged == 1
    assert [(c.child_id, c.kind) for c in changes] == [("C002", "removed"), ("C001", "moved")]
    assert changes[1].fields == ("start", "end", "pre_meeting_start")


def test_links_that_changed_are_listed_by_setting() -> None:
    """A new link, a changed one and a dropped one; an unchanged one is not listed."""
    a = make_authority()
    before = make_plan(
        a, links=[make_link("S001", "P001"), make_link("S002", "P001"), make_link("S003")]
    )
    after = make_plan(
        a, links=[make_link("S001", "P001"), make_link("S002", "P002"), make_link("S004")]
    )
    links = compare_plans(before, after).links
    assert [(c.setting_id, c.before, c.after) for c in links] == [
        ("S002", "P001", "P002"),
        ("S003", "P001", None),
        ("S004", None, "P001"),
    ]
    assert compare_plans(before, before).changed_kpis == []
