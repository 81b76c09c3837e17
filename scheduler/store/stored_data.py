"""Datasets and configs as the store keeps them: one row per distinct content (found by its
hash), the same data uploaded twice stored once, each new dataset audited.

The canonical form the rows hold is :mod:`scheduler.store.datasets`'.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.config import Config
from scheduler.domain import Authority
from scheduler.store import datasets
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store
from scheduler.store.models import (
    Dataset,
    DatasetFile,
    StoredConfig,
)
from scheduler.store.records import (
    AuditAction,
    DatasetInfo,
    PurgedData,
    StoreError,
)


def _dataset_info(row: Dataset) -> DatasetInfo:
    return DatasetInfo(
        dataset_id=row.id,
        content_hash=row.content_hash,
        label=row.label,
        created_at=row.created_at,
        created_by=row.created_by,
        settings_count=row.settings_count,
        children_count=row.children_count,
        term_name=row.term_name,
        term_end=row.term_end,
        purged_at=row.purged_at,
    )


def upsert_dataset(session: Session, authority: Authority, actor: str, label: str) -> Dataset:
    """The dataset row for these data: found by hash, else added (with an audit entry)."""
    files = datasets.authority_files(authority)
    digest = datasets.content_hash(files)
    term = authority.config.term
    row = session.scalars(select(Dataset).where(Dataset.content_hash == digest)).one_or_none()
    if row is None:
        row = Dataset(
            content_hash=digest,
            label=label[:200],
            created_at=datetime.now(UTC),
            created_by=actor,
            settings_count=len(authority.settings),
            children_count=len(authority.children),
            term_name=term.name[:200],
            term_end=term.end,
            files=[DatasetFile(name=name, content=content) for name, content in files.items()],
        )
        session.add(row)
        session.flush()
        record(
            session,
            actor,
            AuditAction.DATASET_SAVED,
            f"dataset:{row.id}",
            {
                "dataset": row.id,
                "hash": digest[:12],
                "settings": row.settings_count,
                "children": row.children_count,
            },
        )
        return row
    if row.purged_at is not None:  # the same data brought back after retention: keep them again
        row.files = [DatasetFile(name=name, content=content) for name, content in files.items()]
        row.purged_at = None
    if term.end > row.term_end:
        row.term_end, row.term_name = term.end, term.name[:200]
    return row


def save_dataset(store: Store, authority: Authority, *, actor: str, label: str = "") -> DatasetInfo:
    """Keep the authority's data (once per distinct content); returns its record."""
    actor = check_actor(actor)
    return store.write(
        lambda session: _dataset_info(upsert_dataset(session, authority, actor, label))
    )


def list_datasets(store: Store) -> list[DatasetInfo]:
    with store.read() as session:
        rows = session.scalars(select(Dataset).order_by(Dataset.id.desc()))
        return [_dataset_info(row) for row in rows]


def load_dataset(store: Store, dataset_id: int, config: Config | None = None) -> Authority:
    """The dataset as an authority, under ``config`` (default: the contract's defaults)."""
    with store.read() as session:
        row = session.get(Dataset, dataset_id)
        if row is None:
            raise StoreError(f"no dataset {dataset_id} in the store")
        if row.purged_at is not None:
            raise PurgedData(f"dataset {dataset_id} was deleted by retention")
        files = {f.name: f.content for f in row.files}
    return datasets.authority_from_files(files, config or Config())


def upsert_config(session: Session, config: Config) -> StoredConfig:
    """The config row for this config: found by hash, else added."""
    document = datasets.config_document(config)
    digest = datasets.text_hash(document)
    row = session.scalars(
        select(StoredConfig).where(StoredConfig.content_hash == digest)
    ).one_or_none()
    if row is None:
        row = StoredConfig(content_hash=digest, document=document, created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
    return row
