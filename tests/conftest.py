"""Test-wide settings: no test may touch a user's real plan store; Ray runs with tokens."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Point the default store (and anything else under the data dir) at a throwaway folder,
    before any test or server subprocess starts; tests that need their own store still set
    ``SCHEDULER_DB_URL`` themselves."""
    os.environ["SCHEDULER_STRICT_BOUNDS"] = "1"  # every plan a test makes checks its bounds
    if "SCHEDULER_DATA_DIR" not in os.environ:
        os.environ["SCHEDULER_DATA_DIR"] = tempfile.mkdtemp(prefix="scheduler-tests-")
    # The Ray test cluster runs with token authentication, and Ray reads this once per
    # process, when it is first imported (by whichever test that is): set it before any test.
    os.environ["RAY_AUTH_MODE"] = "token"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # The dashboard never creates a store (only ``scheduler store init`` does): make the
    # default one, as a user would before starting it.
    from scheduler.store.db import DB_URL_ENV
    from scheduler.store.opening import open_store

    if DB_URL_ENV not in os.environ:
        open_store(create=True).dispose()
