"""Two plans side by side (scheduler/store/compare.py): the contract's figures first, then any
other number; links changed (which children moved is tests/test_diff.py's)."""

from __future__ import annotations

from builders import (
    make_authority,
    make_link,
    make_plan,
)

from scheduler.store.compare import compare_kpis, compare_plans, kpi_keys


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
