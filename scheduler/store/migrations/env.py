"""Alembic environment: migrates the connection handed over by :func:`upgrade_to_head`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from scheduler.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        url = context.config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("give a connection (upgrade_to_head) or sqlalchemy.url")
        from scheduler.store.db import make_engine

        engine = make_engine(url)
        try:
            with engine.connect() as fresh, fresh.begin():
                _run(fresh)
        finally:
            engine.dispose()
        return
    _run(connection)


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; migrate a database")
_main()
