"""Schema migrations (Alembic), configured in code: no ``alembic.ini`` to ship or lose.

:func:`upgrade_to_head` is what the app, the CLI (``scheduler store init``) and the tests call.
It runs inside one transaction holding the store's write lock, so two processes starting at
once do not both try to create the tables, and a failed migration leaves the schema as it was
(on PostgreSQL, and on SQLite, whose DDL is transactional too).

New revision (developers): ``alembic -c <ini with script_location = scheduler/store/migrations>
revision --autogenerate -m "..."`` or :func:`alembic_config` from Python.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from scheduler.store.db import make_engine, take_write_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at this package; ``connection`` is what ``env.py`` migrates."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(target: Engine | str) -> str:
    """Bring the database at ``target`` (an engine or URL) to the newest schema; returns it."""
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        writer = engine.execution_options(scheduler_write=True)
        with writer.connect() as connection, connection.begin():
            take_write_lock(connection, engine.dialect.name)
            command.upgrade(alembic_config(connection), "head")
    finally:
        if isinstance(target, str):
            engine.dispose()
    return head_revision()
