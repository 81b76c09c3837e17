"""The coordinator's pins as the store keeps them: added, removed or replaced as a whole
(what the dashboard's pin editor saves), each change audited without naming a child."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scheduler.plan import Pin
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store, rowcount
from scheduler.store.models import (
    StoredPin,
)
from scheduler.store.records import (
    AuditAction,
    PinRecord,
)


def _pin_row(pin: Pin, actor: str) -> StoredPin:
    if pin.kind == "link":
        if not pin.setting_id or not pin.practitioner_id:
            raise ValueError("a link pin needs setting_id and practitioner_id")
    elif pin.kind == "appointment":
        if not pin.child_id or pin.date is None:
            raise ValueError("an appointment pin needs child_id and date")
    else:
        raise ValueError(f"unknown pin kind {pin.kind!r}")
    return StoredPin(
        kind=pin.kind,
        setting_id=pin.setting_id,
        practitioner_id=pin.practitioner_id,
        child_id=pin.child_id,
        day=pin.date,
        start_minute=pin.start,
        created_at=datetime.now(UTC),
        created_by=actor,
    )


def _pin_record(row: StoredPin) -> PinRecord:
    kind: Literal["link", "appointment"] = "link" if row.kind == "link" else "appointment"
    pin = Pin(
        kind=kind,
        setting_id=row.setting_id,
        practitioner_id=row.practitioner_id,
        child_id=row.child_id,
        date=row.day,
        start=row.start_minute,
    )
    return PinRecord(row.id, pin, row.created_at, row.created_by)


def _pin_details(pin_id: int, pin: Pin) -> dict[str, Any]:
    """Audit details of a pin: its id, kind and setting (no child id)."""
    return {"pin": pin_id, "kind": pin.kind, "setting_id": pin.setting_id}


def add_pin(store: Store, pin: Pin, *, actor: str) -> int:
    """Keep ``pin``; returns its id."""
    actor = check_actor(actor)
    _pin_row(pin, actor)  # refuse an incomplete pin before locking

    def work(session: Session) -> int:
        row = _pin_row(pin, actor)
        session.add(row)
        session.flush()
        record(session, actor, AuditAction.PIN_ADDED, f"pin:{row.id}", _pin_details(row.id, pin))
        return row.id

    return store.write(work)


def remove_pin(store: Store, pin_id: int, *, actor: str) -> bool:
    """Remove pin ``pin_id``; ``False`` when there was no such pin."""
    actor = check_actor(actor)

    def work(session: Session) -> bool:
        row = session.get(StoredPin, pin_id)
        if row is None:
            return False
        details = _pin_details(row.id, _pin_record(row).pin)
        session.delete(row)
        record(session, actor, AuditAction.PIN_REMOVED, f"pin:{pin_id}", details)
        return True

    return store.write(work)


def replace_pins(store: Store, pins: Sequence[Pin], *, actor: str) -> list[int]:
    """Make ``pins`` the whole set of pins (what the dashboard's pin editor saves)."""
    actor = check_actor(actor)
    for pin in pins:
        _pin_row(pin, actor)  # refuse an incomplete pin before locking

    def work(session: Session) -> list[int]:
        rows = [_pin_row(pin, actor) for pin in pins]
        removed = rowcount(session.execute(delete(StoredPin)))
        session.add_all(rows)
        session.flush()
        record(
            session,
            actor,
            AuditAction.PINS_REPLACED,
            "pins",
            {"removed": removed, "added": len(rows)},
        )
        return [row.id for row in rows]

    return store.write(work)


def list_pins(store: Store) -> list[PinRecord]:
    """Every pin, oldest first."""
    with store.read() as session:
        return [_pin_record(row) for row in session.scalars(select(StoredPin).order_by("id"))]


def current_pins(store: Store) -> list[Pin]:
    """The pins as :func:`scheduler.pipeline.make_plan` takes them."""
    return [r.pin for r in list_pins(store)]
