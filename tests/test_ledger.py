"""The message ledger (scheduler/ledger.py): what reached whom is committed as it happens, a
second run sends only what is pending, and an outcome once recorded is never overwritten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from scheduler.ledger import LedgerBusy, MessageLedger

MESSAGE = "itip:REQUEST:uid-1:0:abc"


def test_pending_is_every_recipient_without_an_outcome_in_the_order_given(tmp_path: Path) -> None:
    """Accepted and refused recipients are done; the rest are pending, in order."""
    with MessageLedger.open(tmp_path / "ledger.sqlite") as ledger:
        assert ledger.pending(MESSAGE, ["a", "b", "c"]) == ["a", "b", "c"]
        ledger.record(MESSAGE, "email", accepted=["b"], refused={"c": "550 no such user"})
        assert ledger.pending(MESSAGE, ["c", "a", "b"]) == ["a"]
        assert ledger.outcomes(MESSAGE) == {"b": "accepted", "c": "refused"}
        assert ledger.pending("another message", ["b"]) == ["b"]


def test_a_recorded_outcome_is_never_overwritten(tmp_path: Path) -> None:
    """A later attempt cannot turn a refusal into an acceptance or the other way round."""
    with MessageLedger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.record(MESSAGE, "email", refused={"a": "550"})
        ledger.record(MESSAGE, "email", accepted=["a"])
        (delivery,) = ledger.deliveries()
        assert (delivery.recipient, delivery.outcome, delivery.detail) == ("a", "refused", "550")


def test_the_ledger_survives_the_run_and_is_private(tmp_path: Path) -> None:
    """Reopened, the ledger remembers; its file is readable by its owner only."""
    path = tmp_path / "plan" / "messages.sqlite"
    with MessageLedger.open(path) as ledger:
        ledger.record(MESSAGE, "email", accepted=["a"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with MessageLedger.open(path) as again:
        assert again.pending(MESSAGE, ["a", "b"]) == ["b"]


def test_long_details_are_cut_and_nothing_is_recorded_for_nothing(tmp_path: Path) -> None:
    """A refusal's detail is kept to 200 characters; an empty attempt writes no row."""
    with MessageLedger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.record(MESSAGE, "email")
        assert ledger.deliveries() == []
        ledger.record(MESSAGE, "sms", refused={"a": "x" * 500})
        (delivery,) = ledger.deliveries()
        assert len(delivery.detail) == 200 and delivery.channel == "sms"


def test_only_one_run_holds_a_ledger_file_at_a_time(tmp_path: Path) -> None:
    """A second run is refused while the first sends; after it, the ledger is free again."""
    path = tmp_path / "messages.sqlite"
    with (
        MessageLedger.open(path) as first,
        first.exclusive(),
        MessageLedger.open(path) as second,
        pytest.raises(LedgerBusy),
        second.exclusive(),
    ):
        pass
    with MessageLedger.open(path) as third, third.exclusive():
        pass


def test_an_in_memory_ledger_needs_no_file_and_no_lock() -> None:
    """``open(None)``: a one-off send; it still records and answers within the run."""
    with MessageLedger.open(None) as ledger, ledger.exclusive():
        ledger.record(MESSAGE, "email", accepted=["a"])
        assert ledger.pending(MESSAGE, ["a"]) == [] and ledger.path is None
