"""A fresh plan store for unit tests of the store's modules (one SQLite file per test)."""

from __future__ import annotations

from pathlib import Path

from scheduler.store.db import Store
from scheduler.store.opening import open_store


def fresh_store(folder: Path) -> Store:
    """A new, migrated store in ``folder`` (dispose of it when done)."""
    return open_store(f"sqlite+pysqlite:///{folder / 'store' / 'scheduler.db'}")
