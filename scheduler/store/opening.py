"""Opening the plan store: an engine at the URL, migrated to the latest schema.

Apart from :mod:`scheduler.store.db` (engines, the write lock) because the migrations need
those, and opening needs the migrations: this way the imports run one way.
"""

from __future__ import annotations

from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from scheduler.store.db import Store, database_url, make_engine, one_line, safe_url
from scheduler.store.migrations import upgrade_to_head
from scheduler.store.records import StoreUnavailable


def open_store(url: str | None = None, *, upgrade: bool = True, create: bool = True) -> Store:
    """Open the store at ``url`` (see :func:`database_url`), migrating it to the latest schema.

    ``upgrade=False`` opens it as it is (for tools that inspect an old store). ``create=False``
    refuses an SQLite file that does not exist yet (the command line and the dashboard: only
    ``scheduler store init`` creates a store). Anything that stops the store from opening is a
    :class:`StoreUnavailable` with one line saying why.
    """
    resolved = database_url(url)
    engine = make_engine(resolved, create=create)
    if upgrade:
        try:
            upgrade_to_head(engine)
        except (DBAPIError, OSError, CommandError) as exc:
            engine.dispose()
            raise StoreUnavailable(
                f"cannot open the store at {safe_url(resolved)}: {one_line(exc)}"
            ) from None
    return Store(resolved, engine)


def check_writable(store: Store) -> None:
    """Take the store's write lock once and let go, so a plan is not solved for nothing:
    :class:`StoreUnavailable` when the store cannot be written."""
    try:
        store.write(lambda session: session.execute(text("SELECT 1")))  # BEGIN IMMEDIATE, lock
    except (DBAPIError, OSError) as exc:
        raise StoreUnavailable(
            f"cannot write to the store at {safe_url(store.url)}: {one_line(exc)}"
        ) from None
