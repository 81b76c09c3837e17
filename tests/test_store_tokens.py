"""Calendar feed tokens (scheduler/store/tokens.py): long random secrets kept only as hashes,
for known ids, expiring, rotated and revoked atomically, and scrubbed from logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import fresh_store
from test_store import COORDINATOR, authority

from scheduler.store.db import Store
from scheduler.store.records import FeedTarget, UnknownTarget
from scheduler.store.stored_data import save_dataset
from scheduler.store.tokens import (
    DEFAULT_TOKEN_DAYS,
    TOKEN_DAYS_ENV,
    TokenRedactingFilter,
    default_lifetime_days,
    hash_token,
    issue_feed_token,
    list_feed_tokens,
    redact_tokens,
    resolve_feed_token,
    revoke_feed_token,
    rotate_feed_token,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def test_the_lifetime_is_configurable_in_whole_days() -> None:
    """365 by default; 0 means no expiry; anything else is refused."""
    assert default_lifetime_days({}) == DEFAULT_TOKEN_DAYS == 365
    assert default_lifetime_days({TOKEN_DAYS_ENV: " 30 "}) == 30
    assert default_lifetime_days({TOKEN_DAYS_ENV: "0"}) == 0
    for bad in ("-1", "a year", "1.5"):
        with pytest.raises(ValueError):
            default_lifetime_days({TOKEN_DAYS_ENV: bad})


def test_a_token_opens_its_feed_and_is_stored_only_as_its_hash(store: Store) -> None:
    """Issued for a known setting, resolved to that feed; an unknown id is refused."""
    save_dataset(store, authority(), actor=COORDINATOR)
    issued = issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    assert len(issued.token) >= 32 and hash_token(issued.token) != issued.token
    assert resolve_feed_token(store, issued.token) == FeedTarget("setting", "S001")
    other = "B" if issued.token.endswith("A") else "A"  # one character off, never the same
    assert resolve_feed_token(store, issued.token[:-1] + other) is None
    assert resolve_feed_token(store, 42) is None and resolve_feed_token(store, "short") is None
    with pytest.raises(UnknownTarget):
        issue_feed_token(store, "setting", "S999", actor=COORDINATOR)


def test_rotating_revokes_the_old_token_and_revoking_one_stops_it(store: Store) -> None:
    """After a rotation only the new token works; a revoked token opens nothing."""
    save_dataset(store, authority(), actor=COORDINATOR)
    old = issue_feed_token(store, "practitioner", "P001", actor=COORDINATOR, lifetime_days=0)
    new = rotate_feed_token(store, "practitioner", "P001", actor=COORDINATOR)
    assert resolve_feed_token(store, old.token) is None
    assert resolve_feed_token(store, new.token) is not None
    (active,) = list_feed_tokens(store)
    assert revoke_feed_token(store, active.token_id, actor=COORDINATOR)
    assert not revoke_feed_token(store, active.token_id, actor=COORDINATOR)
    assert resolve_feed_token(store, new.token) is None
    assert len(list_feed_tokens(store, include_revoked=True)) == 2


def test_token_shaped_text_is_redacted_from_logs() -> None:
    """Anything of 32+ URL-safe characters becomes [redacted], in messages and their args."""
    secret = "A" * 40
    assert redact_tokens(f"GET /feeds/{secret}.ics 200") == "GET /feeds/[redacted].ics 200"
    record = logging.LogRecord(
        "tornado.access", logging.INFO, "x", 1, "GET %s", (f"/feeds/{secret}",), None
    )
    assert TokenRedactingFilter().filter(record)
    assert record.getMessage() == "GET /feeds/[redacted]"
