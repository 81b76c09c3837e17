"""The coordinator's pins in the store (scheduler/store/pins.py): added, removed, replaced as
a whole, incomplete ones refused before any write, each change audited without a child's id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from builders import appointment_pin, link_pin
from store_builders import fresh_store
from test_store import COORDINATOR, authority

from scheduler.store.db import Store
from scheduler.store.pins import add_pin, current_pins, list_pins, remove_pin, replace_pins
from scheduler.store.records import AuditAction
from scheduler.store.repository import list_audit
from scheduler.store.stored_data import save_dataset


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_pins_are_added_removed_and_replaced(store: Store) -> None:
    """The current pins are what was added less what was removed; replacing sets them all."""
    save_dataset(store, authority(), actor=COORDINATOR)
    first = add_pin(store, link_pin("S001", "P001"), actor=COORDINATOR)
    add_pin(store, appointment_pin("C001"), actor=COORDINATOR)
    assert remove_pin(store, first, actor=COORDINATOR) and not remove_pin(
        store, first, actor=COORDINATOR
    )
    assert current_pins(store) == [appointment_pin("C001")]
    replace_pins(store, [link_pin("S002", "P001")], actor=COORDINATOR)
    assert current_pins(store) == [link_pin("S002", "P001")]
    assert [p.pin.setting_id for p in list_pins(store)] == ["S002"]
    (replaced,) = list_audit(store, action=AuditAction.PINS_REPLACED)
    assert replaced.details == {"removed": 1, "added": 1}


def test_an_incomplete_pin_is_refused_and_nothing_is_written(store: Store) -> None:
    """A link pin without its practitioner, or an appointment pin without its date: refused
    before the write, so the pins and the audit are as they were."""
    add_pin(store, link_pin("S001", "P001"), actor=COORDINATOR)
    with pytest.raises(ValueError, match="practitioner_id"):
        add_pin(store, replace(link_pin("S002", "P001"), practitioner_id=None), actor=COORDINATOR)
    with pytest.raises(ValueError, match="date"):
        replace_pins(store, [replace(appointment_pin("C001"), date=None)], actor=COORDINATOR)
    assert current_pins(store) == [link_pin("S001", "P001")]
    assert len(list_audit(store, action=AuditAction.PIN_ADDED)) == 1
    assert list_audit(store, action=AuditAction.PINS_REPLACED) == []


def test_the_audit_never_names_the_child(store: Store) -> None:
    """An appointment pin's audit entry says its id and kind (and setting, when the pin has
    one), never the child's id."""
    pin_id = add_pin(store, appointment_pin("C001"), actor=COORDINATOR)
    (entry,) = list_audit(store, action=AuditAction.PIN_ADDED)
    assert entry.details == {"pin": pin_id, "kind": "appointment", "setting_id": None}
    assert "C001" not in str(entry.details)
