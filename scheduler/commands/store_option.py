"""``--db [URL]`` for ``plan`` and ``replan``: also save the plan as a new store version.

Kept apart from :mod:`scheduler.commands.store` so that planning does not load the plan
store's database layer (SQLAlchemy and Alembic, a large part of the command's start-up time)
unless ``--db`` is given: the store command's module is imported inside the two functions,
only then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.domain import Authority
from scheduler.plan import Plan


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db [URL]`` for ``plan``/``replan``: also save the plan as a new store version."""
    parser.add_argument(
        "--db",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="also save the plan as a new version in the plan store (no URL: "
        "$SCHEDULER_DB_URL, else the default SQLite file)",
    )


def check_store(args: argparse.Namespace) -> int:
    """Before solving, with ``--db``: the store must exist and take a write (0), else one line
    and exit status 2, so nobody waits for a plan that cannot be saved."""
    if getattr(args, "db", None) is None:
        return 0
    # the database layer, only now that --db asks for it (see the module's notes)
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.commands.store import open_for_command, refused
    from scheduler.store.opening import check_writable
    from scheduler.store.records import StoreError

    try:
        store = open_for_command(args.db)
    except (StoreError, SQLAlchemyError, OSError) as exc:
        return refused(exc)
    try:
        check_writable(store)
    except (StoreError, SQLAlchemyError, OSError) as exc:
        return refused(exc)
    finally:
        store.dispose()
    return 0


def save_to_store(args: argparse.Namespace, authority: Authority, plan: Plan) -> int:
    """Save ``plan`` when ``--db`` was given; prints the version number. 0, or 2 when the
    store refused (the plan folder is written either way)."""
    if getattr(args, "db", None) is None:
        return 0
    # the database layer, only now that --db asks for it (see the module's notes)
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.commands.store import default_actor, open_for_command, refused
    from scheduler.store import repository as repo
    from scheduler.store.db import safe_url
    from scheduler.store.records import StoreError

    note = f"{args.command} {Path(args.data).name}"
    try:
        store = open_for_command(args.db)
        try:
            info = repo.save_for_families(store, plan, authority, actor=default_actor(), note=note)
        finally:
            store.dispose()
    except (StoreError, SQLAlchemyError, OSError) as exc:
        print("the plan folder was written, but not saved in the store", file=sys.stderr)
        return refused(exc)
    print(f"Saved as plan version {info.version} in {safe_url(store.url)}")
    return 0
