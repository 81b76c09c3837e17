"""Opening the store (scheduler/store/opening.py): migrated on opening, created only on
request, and writable before anything is solved. (A read-only store: test_store_errors.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.store.migrations import current_revision, head_revision
from scheduler.store.opening import check_writable, open_store
from scheduler.store.records import StoreUnavailable


def test_a_new_store_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    """Opening creates the file and brings it to head."""
    store = open_store(f"sqlite:///{tmp_path / 'plans.db'}")
    assert current_revision(store.engine) == head_revision()
    check_writable(store)
    store.dispose()


def test_without_create_a_missing_store_is_refused(tmp_path: Path) -> None:
    """The dashboard and the CLI never create a store by mistake."""
    with pytest.raises(StoreUnavailable, match="scheduler store init"):
        open_store(f"sqlite:///{tmp_path / 'missing.db'}", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_upgrade_false_opens_the_store_as_it_is(tmp_path: Path) -> None:
    """Tools that inspect an old store can open it without migrating it."""
    store = open_store(f"sqlite:///{tmp_path / 'raw.db'}", upgrade=False)
    assert current_revision(store.engine) is None
    store.dispose()
