"""Which ids the store knows (scheduler/store/known.py): those in its stored, unpurged data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import fresh_store
from test_store import COORDINATOR, authority

from scheduler.store.db import Store
from scheduler.store.known import known_ids, require_known
from scheduler.store.records import UnknownTarget
from scheduler.store.stored_data import save_dataset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_ids_come_from_the_stored_data_only(store: Store) -> None:
    """Nothing known before data are saved; then exactly the data's settings and practitioners."""
    with store.read() as session:
        assert known_ids(session, "setting") == set()
    save_dataset(store, authority(), actor=COORDINATOR)
    with store.read() as session:
        assert known_ids(session, "setting") == {"S001", "S002"}
        assert known_ids(session, "practitioner") == {"P001"}
        require_known(session, "setting", "S002")
        with pytest.raises(UnknownTarget, match="no setting 'S999'"):
            require_known(session, "setting", "S999")
