"""Parents' replies in the plan store (scheduler/store/replies.py): kept per plan version and
child, a reply replacing the one on record only when it is newer, each batch audited once as
counts by state, and the version's replies gone when its term is purged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from builders import hm
from store_builders import fresh_store
from test_store import COORDINATOR, authority, plan_of

from scheduler.replies import ReplyRecord, ReplyState
from scheduler.store.audit import list_audit
from scheduler.store.db import Store
from scheduler.store.records import AuditAction, UnknownVersion
from scheduler.store.replies import list_replies, record_replies
from scheduler.store.retention import purge_past_terms
from scheduler.store.versions import save_plan

AT = datetime(2026, 9, 2, 10, 15, tzinfo=UTC)
CONFIRMED = ReplyRecord("C001", ReplyState.CONFIRMED, 0, AT, "k1")
COUNTER = ReplyRecord(
    "C002",
    ReplyState.COUNTER_PROPOSED,
    0,
    AT,
    "k2",
    proposed_date=date(2026, 9, 10),
    proposed_start=hm("13:00"),
    proposed_end=hm("13:45"),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store holding two plan versions of the same data."""
    opened = fresh_store(tmp_path)
    data = authority()
    save_plan(opened, plan_of(data), data, actor=COORDINATOR)
    save_plan(opened, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    yield opened
    opened.dispose()


def audited(store: Store) -> list[dict[str, object]]:
    return [e.details for e in list_audit(store, action=AuditAction.REPLIES_RECORDED)]


def test_replies_are_kept_per_version_exactly(store: Store) -> None:
    """What is recorded for version 1 reads back field for field; version 2 has none."""
    kept = record_replies(store, 1, [CONFIRMED, COUNTER], actor=COORDINATOR)
    assert kept == [CONFIRMED, COUNTER]
    assert list_replies(store, 1) == {"C001": CONFIRMED, "C002": COUNTER}
    assert list_replies(store, 2) == {}


def test_only_a_newer_reply_replaces_the_one_on_record(store: Store) -> None:
    """An older answer, or the same message again, changes nothing; a later one (or one to a
    later SEQUENCE) replaces it."""
    record_replies(store, 1, [CONFIRMED], actor=COORDINATOR)
    older = replace(CONFIRMED, state=ReplyState.DECLINED, replied_at=AT - timedelta(hours=1))
    older = replace(older, message_key="k-old")
    assert record_replies(store, 1, [older], actor=COORDINATOR) == []
    assert record_replies(store, 1, [CONFIRMED], actor=COORDINATOR) == []
    assert list_replies(store, 1)["C001"] == CONFIRMED
    later = replace(older, replied_at=AT + timedelta(hours=1), message_key="k-later")
    assert record_replies(store, 1, [later], actor=COORDINATOR) == [later]
    assert list_replies(store, 1)["C001"] == later
    resent = replace(CONFIRMED, sequence=1, replied_at=AT - timedelta(days=1), message_key="k-s1")
    assert record_replies(store, 1, [resent], actor=COORDINATOR) == [resent]
    assert list_replies(store, 1)["C001"] == resent


def test_each_batch_is_audited_once_as_counts(store: Store) -> None:
    """One audit entry per batch that kept something: the version and counts by state, no
    child ids; a batch that kept nothing leaves no entry."""
    record_replies(store, 1, [CONFIRMED, COUNTER], actor=COORDINATOR)
    record_replies(store, 1, [CONFIRMED], actor=COORDINATOR)
    (details,) = audited(store)
    assert details == {"version": 1, "confirmed": 1, "counter_proposed": 1}
    (entry,) = list_audit(store, action=AuditAction.REPLIES_RECORDED)
    assert entry.actor == COORDINATOR and entry.target == "version:1"
    assert "C001" not in str(entry.details)


def test_an_unknown_version_or_no_actor_is_refused(store: Store) -> None:
    """A version the store does not hold is UnknownVersion (reading and writing); a change
    without an actor is refused; neither records anything."""
    with pytest.raises(UnknownVersion):
        list_replies(store, 9)
    with pytest.raises(UnknownVersion):
        record_replies(store, 9, [CONFIRMED], actor=COORDINATOR)
    with pytest.raises(ValueError, match="actor"):
        record_replies(store, 1, [CONFIRMED], actor="  ")
    assert list_replies(store, 1) == {} and audited(store) == []


def test_purging_the_term_deletes_its_replies(store: Store) -> None:
    """Replies are per-child rows: retention deletes them with the version's other ones."""
    record_replies(store, 1, [CONFIRMED, COUNTER], actor=COORDINATOR)
    purge_past_terms(store, before=date(2030, 1, 1), actor=COORDINATOR)
    assert list_replies(store, 1) == {}
