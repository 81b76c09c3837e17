"""Datasets and configs as stored rows (scheduler/store/stored_data.py): the same data kept
once, whatever its label, and audited once; loaded back as the authority; unknown ids refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import fresh_store
from test_store import COORDINATOR, authority

from scheduler.store.db import Store
from scheduler.store.records import AuditAction, StoreError
from scheduler.store.repository import list_audit
from scheduler.store.stored_data import list_datasets, load_dataset, save_dataset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_the_same_data_are_kept_once_and_audited_once(store: Store) -> None:
    first = save_dataset(store, authority(), actor=COORDINATOR, label="autumn")
    again = save_dataset(store, authority(), actor=COORDINATOR, label="autumn, again")
    assert again == first and [d.dataset_id for d in list_datasets(store)] == [first.dataset_id]
    assert len(list_audit(store, action=AuditAction.DATASET_SAVED)) == 1
    assert (first.settings_count, first.children_count) == (2, 3)


def test_other_data_are_another_dataset_listed_first(store: Store) -> None:
    first = save_dataset(store, authority(), actor=COORDINATOR)
    other = authority(term_end=authority().config.term.end.replace(year=2027))
    second = save_dataset(store, other, actor=COORDINATOR)
    assert second.content_hash != first.content_hash
    assert [d.dataset_id for d in list_datasets(store)] == [second.dataset_id, first.dataset_id]


def test_a_dataset_loads_back_as_the_authority(store: Store) -> None:
    data = authority()
    info = save_dataset(store, data, actor=COORDINATOR)
    loaded = load_dataset(store, info.dataset_id, data.config)
    assert loaded.children == data.children and loaded.settings == data.settings
    with pytest.raises(StoreError, match="no dataset 99"):
        load_dataset(store, 99)
