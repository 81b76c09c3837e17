"""Which setting and practitioner ids the store knows: those in its (unpurged) data.

A feed token or a setting user's identity for an id that is in none of the stored datasets
would open nothing today and might open the wrong setting tomorrow (a typo that later names a
real one), so :func:`require_known` refuses them.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.datasets import ids_in
from scheduler.store.models import Dataset, DatasetFile
from scheduler.store.records import UnknownTarget

Kind = Literal["setting", "practitioner"]

_TABLES: dict[str, tuple[str, str]] = {
    "setting": ("settings.csv", "setting_id"),
    "practitioner": ("practitioners.csv", "practitioner_id"),
}


def known_ids(session: Session, kind: Kind) -> set[str]:
    """Every id of ``kind`` in the store's datasets whose data are still there."""
    table, column = _TABLES[kind]
    contents = session.scalars(
        select(DatasetFile.content)
        .join(Dataset, Dataset.id == DatasetFile.dataset_id)
        .where(DatasetFile.name == table, Dataset.purged_at.is_(None))
    )
    ids: set[str] = set()
    for content in contents:
        ids |= ids_in(content, column)
    return ids


def require_known(session: Session, kind: Kind, target_id: str) -> None:
    """``UnknownTarget`` unless ``target_id`` is a ``kind`` in the stored data."""
    if target_id not in known_ids(session, kind):
        raise UnknownTarget(
            f"no {kind} {target_id!r} in the data the store holds "
            "(save the data with a plan first, or check the id)"
        )
