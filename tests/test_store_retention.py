"""Retention (scheduler/store/retention.py): on request, the children's data of terms that
ended are deleted — a dry run only counts — and what stays says that it was purged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from builders import make_outcome
from store_builders import fresh_store
from test_store import COORDINATOR, authority, plan_of

from scheduler.store.db import Store
from scheduler.store.outcomes import list_outcomes, record_outcome
from scheduler.store.records import AuditAction
from scheduler.store.repository import list_audit
from scheduler.store.retention import purge_past_terms
from scheduler.store.versions import list_versions, load_plan, save_plan


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


OLD_TERM_END = date(2025, 7, 18)


def two_terms(store: Store) -> None:
    old = authority(term_end=OLD_TERM_END)
    save_plan(store, plan_of(old), old, actor=COORDINATOR)
    current = authority()
    save_plan(store, plan_of(current), current, actor=COORDINATOR)
    record_outcome(
        store, make_outcome("C001", date(2025, 6, 2)), setting_id="S001", actor=COORDINATOR
    )
    record_outcome(
        store, make_outcome("C001", date(2026, 9, 8)), setting_id="S001", actor=COORDINATOR
    )


def test_a_dry_run_counts_and_deletes_nothing(store: Store) -> None:
    """The report says what would go; every row is still there; nothing is audited."""
    two_terms(store)
    report = purge_past_terms(store, before=date(2025, 9, 1), actor=COORDINATOR, dry_run=True)
    assert report.dry_run and report.versions == (1,) and report.outcomes == 1
    assert load_plan(store, 1).appointments and len(list_outcomes(store)) == 2
    assert list_audit(store, action=AuditAction.DATA_PURGED) == []


def test_only_terms_that_ended_before_the_cut_off_lose_their_childrens_data(store: Store) -> None:
    """The old term's version is purged (its rows gone, marked purged); the current term is
    untouched; outcomes before the cut-off go; the purge is audited with counts only."""
    two_terms(store)
    report = purge_past_terms(store, before=date(2025, 9, 1), actor=COORDINATOR)
    assert not report.dry_run and report.versions == (1,) and report.outcomes == 1
    versions = {v.version: v for v in list_versions(store)}
    assert versions[1].purged and not versions[2].purged
    assert load_plan(store, 2).appointments
    assert [r.outcome.date for r in list_outcomes(store)] == [date(2026, 9, 8)]
    (entry,) = list_audit(store, action=AuditAction.DATA_PURGED)
    assert entry.details["versions"] == [1] and "Zebedee" not in str(entry.details)
