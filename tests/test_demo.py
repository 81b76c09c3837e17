"""``scheduler demo``: plans into the folder, saves the plan in the store, and the dashboard's
session on the same data opens on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.generate import generate_authority
from scheduler.io.load import load_authority
from scheduler.io.write_data import write_authority
from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV
from scheduler.working import dataset_hash, opening_version


def test_demo_plans_saves_and_the_dashboard_opens_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No store yet: the demo makes one, writes ./plan and saves version 1 of these data,
    which is what a dashboard session on the same data opens."""
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    data = tmp_path / "data"
    write_authority(generate_authority(30, 2), data)
    monkeypatch.chdir(tmp_path)
    code = main(["demo", "--data", str(data), "--time-limit", "3", "--no-dashboard"])
    assert code == 0
    assert (tmp_path / "plan" / "summary.json").exists()
    store = repo.open_store(url)
    try:
        versions = repo.list_versions(store)
        opened = opening_version(versions, dataset_hash(load_authority(data).authority))
        assert opened is not None and opened.version == 1 and "demo" in opened.note
    finally:
        store.dispose()
