"""The audit log: append an entry inside the transaction that did the thing, list entries.

Entries are never changed or deleted (the database refuses it: see the initial migration).
``details`` holds ids, counts and weights, never names, dates of birth or tokens: the log is
kept longer than the children's data and retention does not touch it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.db import Store
from scheduler.store.models import SUBJECT, AuditEntry
from scheduler.store.records import AuditAction, AuditRecord

TARGET_LENGTH = 200


def check_actor(actor: str) -> str:
    """Every change names who made it; an empty or over-long actor is a programming error."""
    actor = actor.strip()
    if not actor or len(actor) > SUBJECT:
        raise ValueError("an action needs an actor (the signed-in user, or cli:<user>)")
    return actor


def record(
    session: Session,
    actor: str,
    action: AuditAction,
    target: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Add an entry in ``session``'s transaction: it commits (or vanishes) with the change."""
    session.add(
        AuditEntry(
            at=at or datetime.now(UTC),
            actor=check_actor(actor),
            action=AuditAction(action).value,
            target=target[:TARGET_LENGTH],
            details=json.dumps(dict(details or {}), sort_keys=True, allow_nan=False),
        )
    )


def append_audit(
    store: Store,
    actor: str,
    action: AuditAction,
    *,
    target: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record something that changed nothing in the store (a download, a sign-in, a refusal)."""
    store.write(lambda session: record(session, actor, action, target, details))


def list_audit(
    store: Store,
    *,
    limit: int = 200,
    action: AuditAction | None = None,
    actor: str | None = None,
    since: datetime | None = None,
) -> list[AuditRecord]:
    """The newest entries first, optionally only one action, one actor or since a time."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == AuditAction(action).value)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    with store.read() as session:
        return [
            AuditRecord(
                entry_id=row.id,
                at=row.at,
                actor=row.actor,
                action=AuditAction(row.action),
                target=row.target,
                details=json.loads(row.details),
            )
            for row in session.scalars(query)
        ]
