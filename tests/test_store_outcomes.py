"""Outcomes recorded in the dashboard (scheduler/store/outcomes.py): one per child and date,
replaced when recorded again with the audit keeping what it was; details only for attended
reviews; the audit never names the child."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from builders import make_outcome
from store_builders import fresh_store

from scheduler.store.db import Store
from scheduler.store.outcomes import (
    get_outcome,
    list_outcomes,
    record_outcome,
    remove_outcome,
    stored_outcomes,
)
from scheduler.store.records import AuditAction
from scheduler.store.repository import list_audit


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


DAY = date(2026, 9, 8)


def test_recording_again_replaces_and_the_audit_keeps_what_it_was(store: Store) -> None:
    """Not brought, then corrected to attended: one row, two audit entries."""
    first = record_outcome(
        store,
        make_outcome("C001", DAY, "was_not_brought"),
        setting_id="S001",
        actor="a@example.org",
    )
    second = record_outcome(
        store,
        make_outcome("C001", DAY, "attended", asq3=True),
        setting_id="S001",
        actor="b@example.org",
    )
    assert first.outcome_id == second.outcome_id
    (row,) = list_outcomes(store)
    assert row.outcome.outcome == "attended" and row.recorded_by == "b@example.org"
    entries = list_audit(store, action=AuditAction.OUTCOME_RECORDED)
    assert [e.details["previous"] for e in entries] == ["was_not_brought", None]
    assert all("C001" not in e.target and "C001" not in str(e.details) for e in entries)


def test_details_belong_to_attended_reviews_only(store: Store) -> None:
    """An ASQ-3, venue or practitioner on a review that did not happen is refused."""
    with pytest.raises(ValueError, match="only for attended"):
        record_outcome(
            store,
            make_outcome(outcome="declined", asq3=True),
            setting_id=None,
            actor="a@example.org",
        )
    assert list_outcomes(store) == []


def test_listing_by_setting_and_children_and_removing(store: Store) -> None:
    """Filtered lists; a removed outcome is gone and audited; removing twice is False."""
    one = record_outcome(store, make_outcome("C001", DAY), setting_id="S001", actor="a@example.org")
    record_outcome(store, make_outcome("C002", DAY), setting_id="S002", actor="a@example.org")
    assert [r.outcome.child_id for r in list_outcomes(store, setting_id="S002")] == ["C002"]
    assert [r.outcome.child_id for r in list_outcomes(store, child_ids=["C001"])] == ["C001"]
    assert [o.child_id for o in stored_outcomes(store)] == ["C001", "C002"]
    assert remove_outcome(store, one.outcome_id, actor="a@example.org")
    assert not remove_outcome(store, one.outcome_id, actor="a@example.org")
    assert get_outcome(store, one.outcome_id) is None
