"""Numbered plan versions and the published marker.

Every change is one transaction under the store's write lock (:meth:`Store.write`) and
carries its audit entry, so either the change and its entry are both there or neither is.
Version numbers run 1, 2, 3 … across the whole store (a re-plan on corrected data is the next
version of the same term's rota, not version 1 of something new); each version records the
dataset and config it was made from (:mod:`scheduler.store.stored_data`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.config import REVIEW_MODELS, Config, ReviewModel
from scheduler.domain import Authority
from scheduler.plan import Appointment, Link, Location, Plan, ReasonCode, Unscheduled
from scheduler.store import datasets
from scheduler.store.audit import check_actor, record
from scheduler.store.compare import PlanComparison, compare_plans
from scheduler.store.db import Store
from scheduler.store.models import (
    Dataset,
    PlanAppointment,
    PlanLink,
    PlanSequence,
    PlanUnscheduled,
    PlanVersion,
    Publication,
    StoredConfig,
)
from scheduler.store.records import (
    AuditAction,
    PurgedData,
    StoredVersion,
    StoreError,
    UnknownVersion,
    VersionInfo,
)
from scheduler.store.stored_data import upsert_config, upsert_dataset
from scheduler.summary import KPI_KEYS, PlanSummary


def _summary_text(summary: PlanSummary) -> str:
    """Exact JSON (floats by ``repr``; infinities and NaN kept); other types are refused."""
    try:
        return json.dumps(summary.as_document(), ensure_ascii=False, allow_nan=True)
    except TypeError as exc:
        raise ValueError(f"plan.summary must hold JSON values only: {exc}") from None


def _plan_rows(plan: Plan) -> dict[str, list[Any]]:
    return {
        "links": [
            PlanLink(
                position=i,
                setting_id=link.setting_id,
                practitioner_id=link.practitioner_id,
                children_due=link.children_due,
                workload_minutes=link.workload_minutes,
                distance_km=link.distance_km,
                kept_existing_link=link.kept_existing_link,
                explanation=link.explanation,
                reason=link.reason,
            )
            for i, link in enumerate(plan.links)
        ],
        "appointments": [
            PlanAppointment(
                position=i,
                child_id=a.child_id,
                setting_id=a.setting_id,
                practitioner_id=a.practitioner_id,
                key_person_id=a.key_person_id,
                day=a.date,
                pre_meeting_start=a.pre_meeting_start,
                start_minute=a.start,
                end_minute=a.end,
                location=a.location,
                age_months=a.age_months,
                in_window=a.in_window,
                model=a.model,
            )
            for i, a in enumerate(plan.appointments)
        ],
        "unscheduled": [
            PlanUnscheduled(
                position=i,
                child_id=u.child_id,
                setting_id=u.setting_id,
                reason_code=ReasonCode(u.reason_code).value,
                reason=u.reason,
            )
            for i, u in enumerate(plan.unscheduled)
        ],
        "sequences": [
            PlanSequence(position=i, uid=uid, sequence=seq)
            for i, (uid, seq) in enumerate(plan.sequences.items())
        ],
    }


def _kpis(text: str) -> dict[str, Any]:
    """The contract's figures of a stored summary, as stored (a version list shows them)."""
    document = _summary_of(text).as_document()
    return {key: document[key] for key in KPI_KEYS if key in document}


def _summary_of(text: str) -> PlanSummary:
    """A stored summary, as written by this version or an older one (``created_at``, which
    older versions kept in it, is the row's own column)."""
    return PlanSummary.from_document(json.loads(text))


def _published_plan_id(session: Session) -> int | None:
    return session.scalar(select(Publication.plan_id).where(Publication.slot == 1))


def _version_info(session: Session, row: PlanVersion, published_id: int | None) -> VersionInfo:
    dataset = session.get(Dataset, row.dataset_id)
    assert dataset is not None
    return VersionInfo(
        version=row.version,
        saved_at=row.saved_at,
        saved_by=row.saved_by,
        note=row.note,
        created_at=row.created_at,
        dataset_id=row.dataset_id,
        dataset_hash=dataset.content_hash,
        config_id=row.config_id,
        term_name=row.term_name,
        term_end=row.term_end,
        published=row.id == published_id,
        purged=row.purged_at is not None,
        kpis=_kpis(row.summary),
        previous_version=row.previous_version,
    )


def _weights_diff(session: Session, before_id: int, after: Config) -> dict[str, list[float]]:
    """Priority weights that differ from the config of the version before (old, new)."""
    row = session.get(StoredConfig, before_id)
    assert row is not None
    old = datasets.config_from_document(row.document).priorities
    new = after.priorities
    return {
        name: [getattr(old, name), getattr(new, name)]
        for name in type(new).model_fields
        if getattr(old, name) != getattr(new, name)
    }


def save_plan(
    store: Store,
    plan: Plan,
    authority: Authority,
    *,
    actor: str,
    note: str = "",
    previous_version: int | None = None,
) -> VersionInfo:
    """Save ``plan`` (made from ``authority``) as the next version, in one transaction;
    ``previous_version`` is the version it was re-planned from, when it was a re-plan.

    Also keeps the data and config it was made from, and audits ``plan_generated`` (plus
    ``dataset_saved`` for new data and ``weights_changed`` when the priorities differ from
    the previous version's). A crash or error part-way leaves the store as it was.
    """
    actor = check_actor(actor)
    summary = _summary_text(plan.summary)
    _plan_rows(plan)  # refuse a malformed plan (e.g. an unknown reason code) before locking

    def work(session: Session) -> VersionInfo:  # ORM rows are built afresh on each attempt
        dataset = upsert_dataset(session, authority, actor, note)
        config = upsert_config(session, authority.config)
        last = session.scalars(
            select(PlanVersion).order_by(PlanVersion.version.desc()).limit(1)
        ).one_or_none()
        number = (last.version if last else 0) + 1
        version = PlanVersion(
            version=number,
            dataset_id=dataset.id,
            config_id=config.id,
            created_at=plan.created_at.astimezone(UTC) if plan.created_at else None,
            saved_at=datetime.now(UTC),
            saved_by=actor,
            note=note[:500],
            summary=summary,
            term_name=authority.config.term.name[:200],
            term_end=authority.config.term.end,
            previous_version=previous_version,
            **_plan_rows(plan),
        )
        session.add(version)
        session.flush()
        record(
            session,
            actor,
            AuditAction.PLAN_GENERATED,
            f"version:{number}",
            {
                "version": number,
                "dataset": dataset.id,
                "children_due": plan.summary.children_due,
                "scheduled": plan.summary.scheduled,
                "status": plan.summary.status,
            },
        )
        changed = _weights_diff(session, last.config_id, authority.config) if last else {}
        if changed:
            record(session, actor, AuditAction.WEIGHTS_CHANGED, f"version:{number}", changed)
        return _version_info(session, version, _published_plan_id(session))

    return store.write(work)


def _row(session: Session, version: int) -> PlanVersion:
    row = session.scalars(select(PlanVersion).where(PlanVersion.version == version)).one_or_none()
    if row is None:
        raise UnknownVersion(version)
    return row


def _plan_of(row: PlanVersion) -> Plan:
    return Plan(
        links=[
            Link(
                setting_id=r.setting_id,
                practitioner_id=r.practitioner_id,
                children_due=r.children_due,
                workload_minutes=r.workload_minutes,
                distance_km=r.distance_km,
                kept_existing_link=r.kept_existing_link,
                explanation=r.explanation,
                reason=r.reason,
            )
            for r in row.links
        ],
        appointments=[
            Appointment(
                child_id=r.child_id,
                setting_id=r.setting_id,
                practitioner_id=r.practitioner_id,
                key_person_id=r.key_person_id,
                date=r.day,
                pre_meeting_start=r.pre_meeting_start,
                start=r.start_minute,
                end=r.end_minute,
                location=_location(r.location),
                age_months=r.age_months,
                in_window=r.in_window,
                model=_model(r.model),
            )
            for r in row.appointments
        ],
        unscheduled=[
            Unscheduled(r.child_id, r.setting_id, ReasonCode(r.reason_code), r.reason)
            for r in row.unscheduled
        ],
        summary=_summary_of(row.summary),
        created_at=row.created_at,
        sequences={r.uid: r.sequence for r in row.sequences},
    )


def _location(text: str) -> Location:
    for location in ("setting", "clinic", "home"):
        if text == location:
            return location  # type: ignore[return-value]
    raise StoreError(f"stored appointment has an unknown location {text!r}")


def _model(text: str) -> ReviewModel:
    for model in REVIEW_MODELS:
        if text == model:
            return model
    raise StoreError(f"stored appointment has an unknown kind of review {text!r}")


def load_plan(store: Store, version: int) -> Plan:
    """Version ``version`` exactly as it was saved (a purged version has no child rows)."""
    with store.read() as session:
        return _plan_of(_row(session, version))


def version_info(store: Store, version: int) -> VersionInfo:
    with store.read() as session:
        return _version_info(session, _row(session, version), _published_plan_id(session))


def list_versions(store: Store, *, limit: int | None = None) -> list[VersionInfo]:
    """Every version, newest first."""
    with store.read() as session:
        published = _published_plan_id(session)
        query = select(PlanVersion).order_by(PlanVersion.version.desc())
        if limit is not None:
            query = query.limit(limit)
        return [_version_info(session, row, published) for row in session.scalars(query)]


def latest_version(store: Store) -> VersionInfo | None:
    versions = list_versions(store, limit=1)
    return versions[0] if versions else None


def open_version(store: Store, version: int) -> StoredVersion:
    """The version, its plan and the authority (data + config) it was made from.

    ``PurgedData`` when retention deleted the data behind it.
    """
    with store.read() as session:
        row = _row(session, version)
        info = _version_info(session, row, _published_plan_id(session))
        plan = _plan_of(row)
        dataset = session.get(Dataset, row.dataset_id)
        config_row = session.get(StoredConfig, row.config_id)
        assert dataset is not None and config_row is not None
        if dataset.purged_at is not None or row.purged_at is not None:
            raise PurgedData(f"the children's data behind version {version} were deleted")
        files = {f.name: f.content for f in dataset.files}
        config = datasets.config_from_document(config_row.document)
    return StoredVersion(info, plan, datasets.authority_from_files(files, config))


def compare_versions(store: Store, before: int, after: int) -> PlanComparison:
    """KPI deltas and changed appointments from version ``before`` to version ``after``.

    When either books a home visit, each version's own data are read too, so a family that
    moved home is a moved review here as in the calendars (:mod:`scheduler.diff`)."""
    with store.read() as session:
        old, new = _plan_of(_row(session, before)), _plan_of(_row(session, after))
    if not any(a.location == "home" for a in (*old.appointments, *new.appointments)):
        return compare_plans(old, new)
    return compare_plans(
        old, new, data_before=_data_of(store, before), data_after=_data_of(store, after)
    )


def _data_of(store: Store, version: int) -> Authority | None:
    """The data ``version`` was made from; ``None`` once retention deleted them."""
    try:
        return open_version(store, version).authority
    except PurgedData:
        return None


# --------------------------------------------------------------------------- publication


def publish(store: Store, version: int, *, actor: str) -> VersionInfo:
    """Make ``version`` the published plan: the one calendars and feeds come from."""
    actor = check_actor(actor)

    def work(session: Session) -> VersionInfo:
        row = _row(session, version)
        if row.purged_at is not None:
            raise PurgedData(f"version {version} was purged by retention; it cannot be published")
        current = session.get(Publication, 1)
        previous = None
        if current is None:
            current = Publication(slot=1, plan_id=row.id, published_at=datetime.now(UTC))
            session.add(current)
        else:
            previous = session.scalar(
                select(PlanVersion.version).where(PlanVersion.id == current.plan_id)
            )
            current.plan_id = row.id
            current.published_at = datetime.now(UTC)
        current.published_by = actor
        session.flush()
        record(
            session,
            actor,
            AuditAction.PLAN_PUBLISHED,
            f"version:{version}",
            {"version": version, "previous": previous},
        )
        return _version_info(session, row, row.id)

    return store.write(work)


def published_version(store: Store) -> VersionInfo | None:
    """The published version, or ``None`` when nothing has been published yet."""
    with store.read() as session:
        plan_id = _published_plan_id(session)
        if plan_id is None:
            return None
        row = session.get(PlanVersion, plan_id)
        assert row is not None
        return _version_info(session, row, plan_id)


def open_published(store: Store) -> StoredVersion | None:
    """The published version opened whole, or ``None`` (nothing published, or purged)."""
    info = published_version(store)
    if info is None:
        return None
    try:
        return open_version(store, info.version)
    except PurgedData:
        return None


def count_versions(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(PlanVersion)) or 0
