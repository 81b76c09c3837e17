"""Saving a plan for the families (scheduler/store/saving.py): every saved version's calendar
SEQUENCE numbers are counted against the published version, with the data it was made from, so
what is published next updates the events families hold instead of being ignored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from builders import (
    REVIEW_DAY,
    appointment_for,
    child_at_home,
    hm,
    make_authority,
    make_child,
    make_plan,
)
from store_builders import fresh_store

from scheduler.export.ics import build_calendars
from scheduler.export.uids import EventKind, event_uid
from scheduler.store.db import Store
from scheduler.store.saving import save_for_families
from scheduler.store.versions import open_version, publish, save_plan

ACTOR = "coordinator@example.org"
INVITE = event_uid("Autumn 2026", "C001", EventKind.INVITE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_with_nothing_published_the_plans_own_numbers_stand(store: Store) -> None:
    """Nothing went out yet: the plan is saved with the sequences it has."""
    data = make_authority()
    plan = make_plan(data, [appointment_for(data, "C001")], sequences={INVITE: 4})
    info = save_for_families(store, plan, data, actor=ACTOR)
    assert open_version(store, info.version).plan.sequences == {INVITE: 4}


def test_a_moved_review_is_numbered_against_the_published_version(store: Store) -> None:
    """The published plan booked C001 at 10:00; the saved re-plan at 13:00 carries the numbers
    the calendars give against the published plan: C001's events one up, C002's unchanged."""
    data = make_authority(children=[make_child("C001"), make_child("C002")])
    first = make_plan(
        data, [appointment_for(data, "C001"), appointment_for(data, "C002", start=hm("11:00"))]
    )
    publish(store, save_plan(store, first, data, actor=ACTOR).version, actor=ACTOR)
    moved = make_plan(
        data,
        [
            appointment_for(data, "C001", start=hm("13:00")),
            appointment_for(data, "C002", start=hm("11:00")),
        ],
    )
    info = save_for_families(store, moved, data, actor=ACTOR)
    saved = open_version(store, info.version).plan.sequences
    assert saved == build_calendars(data, moved, previous=first).sequences
    assert saved[INVITE] == 1
    assert saved[event_uid("Autumn 2026", "C002", EventKind.INVITE)] == 0


def test_the_published_versions_own_data_are_what_families_received(store: Store) -> None:
    """The same home visit, but the family moved home in the new data: the published version
    is read with its own data, so the visit's events go up (with today's data alone they
    would not, and clients would ignore the new address)."""
    before = make_authority(children=[child_at_home("C001")])
    after = replace(before, children={"C001": child_at_home("C001", home_lat=51.6)})
    visit = appointment_for(before, "C001", REVIEW_DAY, model="home")
    published = save_plan(store, make_plan(before, [visit]), before, actor=ACTOR)
    publish(store, published.version, actor=ACTOR)
    info = save_for_families(store, make_plan(after, [visit]), after, actor=ACTOR)
    assert open_version(store, info.version).plan.sequences[INVITE] == 1
