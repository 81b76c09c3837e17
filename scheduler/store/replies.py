"""Parents' replies in the plan store, per plan version and child (the dashboard's path; the
command line keeps them in the plan folder, :mod:`scheduler.reply_file`).

A reply replaces the one on record only when it is newer (:func:`scheduler.replies.newer`), so
reading the same mailbox twice changes nothing. Retention deletes them with the version's other
per-child rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.replies import ReplyRecord, ReplyState, newer
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store
from scheduler.store.models import PlanReply, PlanVersion
from scheduler.store.records import AuditAction, UnknownVersion


def _plan_id(session: Session, version: int) -> int:
    plan_id = session.scalar(select(PlanVersion.id).where(PlanVersion.version == version))
    if plan_id is None:
        raise UnknownVersion(version)
    return plan_id


def _record_of(row: PlanReply) -> ReplyRecord:
    return ReplyRecord(
        child_id=row.child_id,
        state=ReplyState(row.state),
        sequence=row.sequence,
        replied_at=row.replied_at,
        message_key=row.message_key,
        proposed_date=row.proposed_day,
        proposed_start=row.proposed_start,
        proposed_end=row.proposed_end,
    )


def list_replies(store: Store, version: int) -> dict[str, ReplyRecord]:
    """The replies on record for a version, by child."""
    with store.read() as session:
        plan_id = _plan_id(session, version)
        rows = session.scalars(select(PlanReply).where(PlanReply.plan_id == plan_id))
        return {row.child_id: _record_of(row) for row in rows}


def record_replies(
    store: Store, version: int, records: Iterable[ReplyRecord], *, actor: str
) -> list[ReplyRecord]:
    """Keep each reply that is newer than the one on record; returns those kept (audited as
    counts by state)."""
    actor = check_actor(actor)
    wanted = list(records)

    def work(session: Session) -> list[ReplyRecord]:
        plan_id = _plan_id(session, version)
        kept = []
        now = datetime.now(UTC)
        for r in wanted:
            row = session.get(PlanReply, (plan_id, r.child_id))
            if row is not None and not newer(r, _record_of(row)):
                continue
            if row is None:
                row = PlanReply(plan_id=plan_id, child_id=r.child_id)
                session.add(row)
            row.state = r.state.value
            row.sequence = r.sequence
            row.replied_at = r.replied_at
            row.message_key = r.message_key
            row.proposed_day = r.proposed_date
            row.proposed_start = r.proposed_start
            row.proposed_end = r.proposed_end
            row.recorded_at = now
            row.recorded_by = actor
            kept.append(r)
        if kept:
            session.flush()
            counts = Counter(r.state.value for r in kept)
            record(
                session,
                actor,
                AuditAction.REPLIES_RECORDED,
                f"version:{version}",
                {"version": version, **dict(sorted(counts.items()))},
            )
        return kept

    return store.write(work)
