"""Why wasn't this child booked: found by id, name or setting; whole sentences; grouped by what
the coordinator can do."""

from __future__ import annotations

from datetime import date

from builders import make_authority, make_child, make_plan, make_unscheduled

from scheduler.plan import ReasonCode
from scheduler.why_unbooked import grouped, search, unbooked_rows
from scheduler.wording import Action

LONG = (
    "No time was left on the 12 possible days: each had 6 reviews already (P001's most a "
    "day) for children who had to be seen sooner. See by 15 Dec 2026 (30 months). Add a "
    "session or move a review."
)


def authority_and_plan():  # type: ignore[no-untyped-def]
    data = make_authority(
        children=[
            make_child("C001", name="Zoë Ångström", dob=date(2024, 8, 1)),
            make_child("C002", name="Amir Khan", dob=date(2024, 5, 1), funded=False),
            make_child("C003", name="Bea Long", dob=date(2024, 7, 1)),
        ]
    )
    plan = make_plan(
        data,
        unscheduled=[
            make_unscheduled("C001", reason=LONG),
            make_unscheduled("C002", reason_code=ReasonCode.FOLLOW_UP, reason="Not brought twice."),
            make_unscheduled("C003", reason_code=ReasonCode.NO_COMMON_DAY, reason="No day."),
        ],
    )
    return data, plan


def test_rows_keep_the_whole_sentence_and_name_children_by_initials() -> None:
    """The plan's sentence whole; the child as initials and id; soonest see-by first."""
    data, plan = authority_and_plan()
    rows = unbooked_rows(data, plan)
    assert [r.child_id for r in rows] == ["C002", "C003", "C001"]
    first = next(r for r in rows if r.child_id == "C001")
    assert first.sentence == LONG
    assert first.child == "Z.Å. (C001)"
    assert first.reason == "No time left with their practitioner"
    assert first.see_by == date(2027, 2, 1)
    assert "Zoë" not in " ".join(str(r) for r in rows)


def test_search_by_id_or_name_ignoring_case_and_accents() -> None:
    """ "zoe angstrom", "c001" and "ANGSTROM zoe" all find C001; a setting name finds all."""
    data, plan = authority_and_plan()
    rows = unbooked_rows(data, plan)
    for query in ("zoe angstrom", "c001", "ANGSTROM zoe", "  Ångström "):
        assert [r.child_id for r in search(data, rows, query)] == ["C001"], query
    assert len(search(data, rows, "")) == 3
    assert len(search(data, rows, "Setting S001")) == 3
    assert search(data, rows, "nobody") == []


def test_groups_follow_what_the_coordinator_can_do() -> None:
    """Capacity first (find time), then days, then the family; empty groups are left out."""
    data, plan = authority_and_plan()
    groups = grouped(unbooked_rows(data, plan))
    assert [g.action for g in groups] == [Action.FIND_TIME, Action.FIND_DAY, Action.CONTACT_FAMILY]
    assert [r.child_id for r in groups[0].rows] == ["C001"]
    assert groups[2].title == "Contact the family"
