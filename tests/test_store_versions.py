"""Numbered plan versions and publishing (scheduler/store/versions.py): each change one
audited transaction; the same data stored once; a weight change recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import (
    appointment_for,
    child_at_home,
    make_authority,
    make_plan,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_builders import fresh_store
from test_store import COORDINATOR, authority, plan_of

from scheduler.domain import Authority
from scheduler.store.db import Store
from scheduler.store.models import PlanVersion
from scheduler.store.records import AuditAction, UnknownVersion
from scheduler.store.repository import list_audit
from scheduler.store.stored_data import list_datasets
from scheduler.store.versions import (
    compare_versions,
    count_versions,
    latest_version,
    list_versions,
    load_plan,
    open_published,
    publish,
    published_version,
    save_plan,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_versions_are_numbered_and_the_same_data_is_stored_once(store: Store) -> None:
    """Two plans of the same data: versions 1 and 2, one dataset, newest listed first."""
    data = authority()
    first = save_plan(store, plan_of(data), data, actor=COORDINATOR)
    second = save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR, note="moved")
    assert (first.version, second.version) == (1, 2) and count_versions(store) == 2
    assert first.dataset_hash == second.dataset_hash and len(list_datasets(store)) == 1
    assert [v.version for v in list_versions(store)] == [2, 1]
    latest = latest_version(store)
    assert latest is not None and latest.note == "moved"
    assert load_plan(store, 1).appointments == plan_of(data).appointments
    with pytest.raises(UnknownVersion):
        load_plan(store, 9)


def test_a_weight_change_between_versions_is_audited(store: Store) -> None:
    """New weights: ``weights_changed`` with before and after; the same weights: no entry."""
    save_plan(store, plan_of(authority()), authority(), actor=COORDINATOR)
    save_plan(store, plan_of(authority()), authority(), actor=COORDINATOR)
    assert list_audit(store, action=AuditAction.WEIGHTS_CHANGED) == []
    save_plan(store, plan_of(authority(weights=5.0)), authority(weights=5.0), actor=COORDINATOR)
    (entry,) = list_audit(store, action=AuditAction.WEIGHTS_CHANGED)
    assert entry.details == {"funded_two": [3.0, 5.0]}


def test_one_version_is_published_at_a_time(store: Store) -> None:
    """Nothing is published at first; publishing another version replaces it, audited with
    the previous one."""
    data = authority()
    assert published_version(store) is None and open_published(store) is None
    save_plan(store, plan_of(data), data, actor=COORDINATOR)
    save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    publish(store, 1, actor=COORDINATOR)
    info = publish(store, 2, actor=COORDINATOR)
    assert info.published and published_version(store) == info
    assert [v.published for v in list_versions(store)] == [True, False]
    opened = open_published(store)
    assert opened is not None and opened.authority.children == data.children
    (last, _) = list_audit(store, action=AuditAction.PLAN_PUBLISHED)
    assert last.details == {"version": 2, "previous": 1}


def test_a_version_saved_with_the_summary_as_a_dict_still_opens(store: Store) -> None:
    """A version saved before the typed summary (its JSON in insertion order, with
    ``created_at`` inside and an infinite gap) opens: same figures, same version-list KPIs;
    ``created_at`` is the row's own."""
    data = authority()
    info = save_plan(store, plan_of(data), data, actor=COORDINATOR)
    golden = Path(__file__).parent / "data" / "export_golden" / "plan0" / "summary.json"
    document = json.loads(golden.read_text(encoding="utf-8"))
    old_text = json.dumps(document | {"gap": float("inf")}, allow_nan=True)  # as 2026-12 wrote

    def overwrite(session: Session) -> None:
        row = session.scalars(select(PlanVersion).where(PlanVersion.version == 1)).one()
        row.summary = old_text

    store.write(overwrite)
    summary = load_plan(store, info.version).summary
    assert summary.gap == float("inf") and summary.scheduled == document["scheduled"] == 61
    assert summary.practitioners is not None and summary.practitioners["P001"].reviews == 29
    assert summary.as_document() == {k: v for k, v in document.items() if k != "created_at"} | {
        "gap": float("inf")
    }
    (listed,) = list_versions(store)
    assert listed.kpis["scheduled"] == 61 and listed.kpis["gap"] == float("inf")


def test_comparing_versions_sees_a_family_that_moved_home(store: Store) -> None:
    """The same home visit in two versions whose data differ only in the family's home: a
    moved review (as the calendars see it), not an unchanged one."""
    before = home_data(51.5450)
    after = home_data(51.6)
    for data in (before, after):
        visit = appointment_for(data, "C001", model="home")
        save_plan(store, make_plan(data, [visit]), data, actor=COORDINATOR)
    changes = compare_versions(store, 1, 2).appointments
    assert [(c.child_id, c.kind, c.fields) for c in changes] == [("C001", "moved", ("home",))]


def home_data(lat: float) -> Authority:
    """One setting and one child seen at home at ``lat``."""
    return make_authority(children=[child_at_home("C001", home_lat=lat)])
