"""``scheduler store …`` (scheduler/commands/store.py): its actions parse, only ``init``
creates a store, and anything wrong is one line with exit status 2. (The actions against a
store with plans in it: test_store.py::test_store_commands.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import store
from scheduler.store.records import StoreError


def test_help_lists_the_actions(capsys: pytest.CaptureFixture[str]) -> None:
    """``store --help`` names every action."""
    text = help_text(store, "store", capsys)
    for action in ("init", "versions", "publish", "identities", "tokens", "audit", "purge"):
        assert action in text


@pytest.mark.parametrize(
    "argv",
    [
        ["store"],  # no action
        ["store", "publish", "latest"],  # a version is a number
        ["store", "identities", "set", "a@example.org", "admin"],  # not a role
        ["store", "purge"],  # --dry-run or --yes is required
        ["store", "tokens", "issue", "parent", "C001"],  # feeds are for settings or practitioners
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each refused before any store is opened: exit 2 and a message."""
    usage_error(argv, capsys)


def test_only_init_creates_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped path is an error, not a new empty store; ``init`` makes it, then it lists."""
    url = f"sqlite+pysqlite:///{tmp_path}/plans.db"
    assert main(["store", "--db", url, "versions"]) == store.EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "plans.db").exists()
    assert main(["store", "--db", url, "init"]) == 0
    assert "schema" in capsys.readouterr().out
    assert main(["store", "--db", url, "versions"]) == 0
    assert capsys.readouterr().out == "no plan versions yet\n"


def test_a_refused_request_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``refused`` prints one ``error:`` line, even for a multi-line message, and returns 2."""
    assert store.refused(StoreError("no such version 7")) == 2
    assert capsys.readouterr().err == "error: no such version 7\n"
    assert store.refused(OSError("disk\nfull")) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_the_default_actor_is_the_operating_system_user() -> None:
    """Changes from the command line are audited as ``cli:<user>``."""
    assert store.default_actor().startswith("cli:")
