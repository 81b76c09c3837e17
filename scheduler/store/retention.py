"""Retention: on request, delete the children's personal data of terms that have ended.

For every dataset whose (latest) term ended before the cut-off, its files go (the tables hold
the children's names, dates of birth and parents' details); its hash and counts stay so the
history still reads. For every plan version of such a term the per-child rows go
(appointments, unscheduled children, calendar sequence numbers and parents' replies, which are
keyed by child);
links and the summary figures stay, so a lead can still compare terms. Appointment pins dated
before the cut-off go too, and so do outcomes recorded in the dashboard dated before it. The
audit log is kept: it never held personal data.

SQLite overwrites deleted content (``secure_delete``) and the write-ahead log is checkpointed
and truncated afterwards; PostgreSQL tables are vacuumed so the old row versions are reclaimed.
Both are checked, not assumed: while another connection still reads an old snapshot (the
dashboard in the middle of a page), SQLite cannot truncate the log and the deleted pages stay in
it; as a role that does not own the tables, PostgreSQL skips the vacuum with a mere warning. The
report says so (``reclaimed``, ``reclaim_note``), and ``scheduler store purge`` exits 1.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store, rowcount
from scheduler.store.models import (
    Dataset,
    DatasetFile,
    PlanAppointment,
    PlanReply,
    PlanSequence,
    PlanUnscheduled,
    PlanVersion,
    StoredOutcome,
    StoredPin,
)
from scheduler.store.records import AuditAction, PurgeReport

log = logging.getLogger(__name__)

_VACUUMED = (
    "dataset_files",
    "plan_appointments",
    "plan_unscheduled",
    "plan_sequences",
    "plan_replies",
    "pins",
    "outcomes",
)

CHECKPOINT_ATTEMPTS = 5
CHECKPOINT_BUSY_MS = 1000
"""SQLite: how long each checkpoint attempt waits for readers to finish, and how many times."""


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
            outcomes = len(
                list(session.scalars(select(StoredOutcome.id).where(StoredOutcome.day < before)))
            )
        return PurgeReport(
            before, tuple(dataset_ids), tuple(numbers), pins, dry_run=True, outcomes=outcomes
        )

    def work(session: Session) -> PurgeReport:
        now = datetime.now(UTC)
        dataset_ids, version_ids, numbers = _due(session, before)
        if dataset_ids:
            session.execute(delete(DatasetFile).where(DatasetFile.dataset_id.in_(dataset_ids)))
            session.execute(
                update(Dataset).where(Dataset.id.in_(dataset_ids)).values(purged_at=now)
            )
        if version_ids:
            for table in (PlanAppointment, PlanUnscheduled, PlanSequence, PlanReply):
                session.execute(delete(table).where(table.plan_id.in_(version_ids)))
            session.execute(
                update(PlanVersion).where(PlanVersion.id.in_(version_ids)).values(purged_at=now)
            )
        pins = rowcount(
            session.execute(
                delete(StoredPin).where(StoredPin.kind == "appointment", StoredPin.day < before)
            )
        )
        outcomes = rowcount(
            session.execute(delete(StoredOutcome).where(StoredOutcome.day < before))
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
                "outcomes": int(outcomes),
            },
        )
        return PurgeReport(
            before, tuple(dataset_ids), tuple(numbers), int(pins), dry_run=False, outcomes=outcomes
        )

    report = store.write(work)
    reclaimed, note = _reclaim(store)
    return replace(report, reclaimed=reclaimed, reclaim_note=note)


def _reclaim(store: Store) -> tuple[bool, str]:
    """Make deleted rows unrecoverable from the database files; whether that happened, and if
    not, why and what to do (the purge itself is committed either way)."""
    try:
        if store.backend == "sqlite":
            return _checkpoint(store)
        if store.backend == "postgresql":
            return _vacuum(store)
    except Exception as exc:
        log.warning("purge committed, but reclaiming space failed: %s", type(exc).__name__)
        return False, f"reclaiming the space failed ({type(exc).__name__}); run the purge again"
    return True, ""


def _checkpoint(store: Store) -> tuple[bool, str]:
    """``wal_checkpoint(TRUNCATE)`` until SQLite reports it complete (busy = 0, every frame
    copied, log emptied), a few times while readers finish."""
    with store.engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {CHECKPOINT_BUSY_MS}")
        for attempt in range(CHECKPOINT_ATTEMPTS):
            busy, frames, copied = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).one()
            if busy == 0 and frames in (0, -1) and copied in (0, -1):
                return True, ""
            time.sleep(0.2 * (attempt + 1))
    log.warning("purge committed, but the write-ahead log is still in use")
    return False, (
        "another program still has the store open, so the deleted data remain in its "
        "write-ahead log; close the dashboard and run the purge again"
    )


def _vacuum(store: Store) -> tuple[bool, str]:
    """VACUUM the purged tables, when this role owns them (otherwise PostgreSQL skips them)."""
    with store.engine.connect() as connection:
        owned = connection.execute(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = ANY(:names) AND pg_has_role(current_user, tableowner, 'USAGE')"
            ),
            {"names": list(_VACUUMED)},
        ).scalar_one()
        if owned != len(_VACUUMED):
            return False, (
                "this database role does not own the tables, so PostgreSQL cannot vacuum them; "
                "run the purge again as the schema owner to reclaim the deleted rows"
            )
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in _VACUUMED:
            autocommit.execute(text(f"VACUUM {table}"))
    return True, ""
