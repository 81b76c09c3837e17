"""The Alembic environment (scheduler/store/migrations/env.py, run by Alembic as a script, so
this test drives it through Alembic rather than importing it): it migrates the connection
:func:`~scheduler.store.migrations.upgrade_to_head` hands over, or a URL given to Alembic
directly, and refuses offline SQL generation. (Migrating from empty to the models' schema:
test_store.py::test_migrations_run_from_empty_and_match_the_models.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from scheduler.store.db import make_engine
from scheduler.store.migrations import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    head_revision,
)

ENV = "scheduler.store.migrations.env"


def test_the_environment_is_the_packages_own_script() -> None:
    """Alembic is pointed at this package's env.py and versions, with no alembic.ini."""
    config = alembic_config()
    assert Path(config.get_main_option("script_location") or "") == MIGRATIONS_DIR
    assert (MIGRATIONS_DIR / "env.py").is_file() and ENV.endswith("env")


def test_a_url_given_to_alembic_is_migrated_by_its_own_engine(tmp_path: Path) -> None:
    """Without a handed-over connection env.py opens the URL itself and migrates it to head."""
    url = f"sqlite+pysqlite:///{tmp_path / 'plans.db'}"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    engine = make_engine(url, create=False)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_without_a_connection_or_url_it_says_what_it_needs() -> None:
    """Neither given: a plain error, not a half-run migration."""
    with pytest.raises(RuntimeError, match="give a connection"):
        command.upgrade(alembic_config(), "head")


def test_offline_sql_generation_is_refused() -> None:
    """``--sql`` migrations are not supported: a database is always migrated directly."""
    with pytest.raises(RuntimeError, match="offline"):
        command.upgrade(alembic_config(), "head", sql=True)
