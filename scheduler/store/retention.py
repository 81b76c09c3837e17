"""Retention: on request, delete the children's personal data of terms that have ended.

For every dataset whose (latest) term ended before the cut-off, its files go (the tables hold
the children's names, dates of birth and parents' details); its hash and counts stay so the
history still reads. For every plan version of such a term the per-child rows go
(appointments, unscheduled children, calendar sequence numbers, which are keyed by child);
links and the summary figures stay, so a lead can still compare terms. Appointment pins dated
before the cut-off go too. The audit log is kept: it never held personal data.

SQLite overwrites deleted content (``secure_delete``) and the write-ahead log is truncated
afterwards; PostgreSQL tables are vacuumed so the old row versions are reclaimed.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store, rowcount
from scheduler.store.models import (
    Dataset,
    DatasetFile,
    PlanAppointment,
    PlanSequence,
    PlanUnscheduled,
    PlanVersion,
    StoredPin,
)
from scheduler.store.records import AuditAction, PurgeReport

log = logging.getLogger(__name__)

_VACUUMED = ("dataset_files", "plan_appointments", "plan_unscheduled", "plan_sequences", "pins")


def _due(session: Session, before: date) -> tuple[list[int], list[int], list[int]]:
    """Dataset ids, version ids (and their numbers) whose term ended before ``before``."""
    dataset_ids = list(
        session.scalars(
            select(Dataset.id).where(Dataset.term_end < before, Dataset.purged_at.is_(None))
        )
    )
    versions = session.execute(
        select(PlanVersion.id, PlanVersion.version).where(
            PlanVersion.term_end < before, PlanVersion.purged_at.is_(None)
        )
    ).all()
    return dataset_ids, [v.id for v in versions], sorted(v.version for v in versions)


def purge_past_terms(
    store: Store, *, before: date, actor: str, dry_run: bool = False
) -> PurgeReport:
    """Delete children's data of terms that ended before ``before`` (see the module notes)."""
    actor = check_actor(actor)
    if dry_run:
        with store.read() as session:
            dataset_ids, _, numbers = _due(session, before)
            pins = len(
                list(
                    session.scalars(
                        select(StoredPin.id).where(
                            StoredPin.kind == "appointment", StoredPin.day < before
                        )
                    )
                )
            )
        return PurgeReport(before, tuple(dataset_ids), tuple(numbers), pins, dry_run=True)

    def work(session: Session) -> PurgeReport:
        now = datetime.now(UTC)
        dataset_ids, version_ids, numbers = _due(session, before)
        if dataset_ids:
            session.execute(delete(DatasetFile).where(DatasetFile.dataset_id.in_(dataset_ids)))
            session.execute(
                update(Dataset).where(Dataset.id.in_(dataset_ids)).values(purged_at=now)
            )
        if version_ids:
            for table in (PlanAppointment, PlanUnscheduled, PlanSequence):
                session.execute(delete(table).where(table.plan_id.in_(version_ids)))
            session.execute(
                update(PlanVersion).where(PlanVersion.id.in_(version_ids)).values(purged_at=now)
            )
        pins = rowcount(
            session.execute(
                delete(StoredPin).where(StoredPin.kind == "appointment", StoredPin.day < before)
            )
        )
        record(
            session,
            actor,
            AuditAction.DATA_PURGED,
            f"before:{before.isoformat()}",
            {
                "before": before.isoformat(),
                "datasets": dataset_ids,
                "versions": numbers,
                "appointment_pins": int(pins),
            },
        )
        return PurgeReport(before, tuple(dataset_ids), tuple(numbers), int(pins), dry_run=False)

    report = store.write(work)
    _reclaim(store)
    return report


def _reclaim(store: Store) -> None:
    """Make deleted rows unrecoverable from the database files, as far as the engine allows."""
    try:
        with store.engine.connect() as connection:
            if store.backend == "sqlite":
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            elif store.backend == "postgresql":
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                for table in _VACUUMED:
                    connection.execute(text(f"VACUUM {table}"))
    except Exception as exc:  # the purge itself is committed; reclaiming is best effort
        log.warning("purge committed, but reclaiming space failed: %s", type(exc).__name__)
