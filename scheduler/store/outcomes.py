"""Outcomes recorded in the dashboard: kept in the store with who and when, audited, listed.

One outcome per child and booked date (as in ``outcomes.csv``): recording again for the same
child and date replaces the row, and the audit log keeps what it was. The audit entry names
the outcome's id, kind and setting, never the child (the log outlives the children's data).

Role checks (a setting records only its own children's joint reviews) are the caller's job,
with :func:`scheduler.outcome_recording.check_outcome`: this layer trusts that the caller was
allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.domain import OUTCOME_KINDS, VENUES, Outcome, OutcomeKind, Venue
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store
from scheduler.store.models import StoredOutcome
from scheduler.store.records import AuditAction


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """A stored outcome, the setting it belongs to, and who recorded it when."""

    outcome_id: int
    outcome: Outcome
    setting_id: str | None
    recorded_at: datetime
    recorded_by: str


def _record(row: StoredOutcome) -> OutcomeRecord:
    return OutcomeRecord(
        outcome_id=row.id,
        outcome=Outcome(
            child_id=row.child_id,
            date=row.day,
            outcome=cast(OutcomeKind, row.outcome),
            asq3=row.asq3,
            consent_to_share=row.consent_to_share,
            venue=cast(Venue | None, row.venue),
            practitioner_id=row.practitioner_id,
        ),
        setting_id=row.setting_id,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def _validate(outcome: Outcome) -> None:
    if outcome.outcome not in OUTCOME_KINDS:
        raise ValueError(f"unknown outcome {outcome.outcome!r}")
    if outcome.venue is not None and outcome.venue not in VENUES:
        raise ValueError(f"unknown venue {outcome.venue!r}")
    attended_only = (outcome.asq3, outcome.venue, outcome.practitioner_id)
    if outcome.outcome != "attended" and any(v is not None for v in attended_only):
        raise ValueError("ASQ-3, venue and practitioner are recorded only for attended reviews")
    if not outcome.child_id:
        raise ValueError("an outcome needs a child_id")


def record_outcome(
    store: Store, outcome: Outcome, *, setting_id: str | None, actor: str
) -> OutcomeRecord:
    """Keep ``outcome`` (replacing one for the same child and date); audited."""
    actor = check_actor(actor)
    _validate(outcome)

    def work(session: Session) -> OutcomeRecord:
        row = session.scalars(
            select(StoredOutcome).where(
                StoredOutcome.child_id == outcome.child_id, StoredOutcome.day == outcome.date
            )
        ).one_or_none()
        previous = row.outcome if row is not None else None
        if row is None:
            row = StoredOutcome(child_id=outcome.child_id, day=outcome.date)
            session.add(row)
        row.outcome = outcome.outcome
        row.asq3 = outcome.asq3
        row.consent_to_share = outcome.consent_to_share
        row.venue = outcome.venue
        row.practitioner_id = outcome.practitioner_id
        row.setting_id = setting_id
        row.recorded_at = datetime.now(UTC)
        row.recorded_by = actor
        session.flush()
        record(
            session,
            actor,
            AuditAction.OUTCOME_RECORDED,
            f"outcome:{row.id}",
            {
                "outcome": row.id,
                "kind": outcome.outcome,
                "previous": previous,
                "setting_id": setting_id,
            },
        )
        return _record(row)

    return store.write(work)


def remove_outcome(store: Store, outcome_id: int, *, actor: str) -> bool:
    """Delete a recorded outcome (a mistake); ``False`` when there was none. Audited."""
    actor = check_actor(actor)

    def work(session: Session) -> bool:
        row = session.get(StoredOutcome, outcome_id)
        if row is None:
            return False
        details = {"outcome": row.id, "kind": row.outcome, "setting_id": row.setting_id}
        session.delete(row)
        record(session, actor, AuditAction.OUTCOME_REMOVED, f"outcome:{outcome_id}", details)
        return True

    return store.write(work)


def get_outcome(store: Store, outcome_id: int) -> OutcomeRecord | None:
    with store.read() as session:
        row = session.get(StoredOutcome, outcome_id)
        return _record(row) if row is not None else None


def list_outcomes(
    store: Store,
    *,
    setting_id: str | None = None,
    child_ids: Iterable[str] | None = None,
) -> list[OutcomeRecord]:
    """Stored outcomes by date and child; only one setting's or some children's, when asked."""
    query = select(StoredOutcome).order_by(StoredOutcome.day, StoredOutcome.child_id)
    if setting_id is not None:
        query = query.where(StoredOutcome.setting_id == setting_id)
    if child_ids is not None:
        query = query.where(StoredOutcome.child_id.in_(list(child_ids)))
    with store.read() as session:
        return [_record(row) for row in session.scalars(query)]


def stored_outcomes(store: Store) -> list[Outcome]:
    """Every stored outcome as a domain record (for merging with a data folder's)."""
    return [r.outcome for r in list_outcomes(store)]
