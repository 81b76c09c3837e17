"""What the store hands back (scheduler/store/records.py): frozen records, a token's secret
never in a repr, and a token's state read from its dates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler.store.records import (
    AuditAction,
    FeedTokenInfo,
    IssuedToken,
    PurgeReport,
    StoreError,
    StoreUnavailable,
    UnknownTarget,
    UnknownVersion,
)

NOW = datetime.now(UTC)


def token(**kw: object) -> FeedTokenInfo:
    fields: dict[str, object] = {
        "token_id": 1,
        "kind": "setting",
        "target_id": "S001",
        "created_at": NOW,
        "created_by": "cli:sam",
        "revoked_at": None,
        "revoked_by": None,
        "expires_at": None,
    }
    return FeedTokenInfo(**(fields | kw))  # type: ignore[arg-type]


def test_a_tokens_secret_is_never_in_its_repr() -> None:
    """An issued token printed or logged by mistake does not give the secret away."""
    issued = IssuedToken(1, "setting", "S001", "s3cr3t-" * 6)
    assert "s3cr3t" not in repr(issued)
    with pytest.raises(dataclasses.FrozenInstanceError):
        issued.token = "other"  # type: ignore[misc]


def test_a_token_is_active_until_revoked_or_expired() -> None:
    """No expiry: active until revoked; an expiry in the past: expired."""
    assert token().active and not token().expired
    assert not token(revoked_at=NOW).active
    past = token(expires_at=NOW - timedelta(seconds=1))
    assert past.expired and not past.active
    assert token(expires_at=NOW + timedelta(days=1)).active


def test_errors_say_what_kind_of_refusal_they_are() -> None:
    """Unknown ids are lookups; an unusable store is a store error (one line for the CLI)."""
    assert issubclass(UnknownVersion, LookupError) and issubclass(UnknownTarget, LookupError)
    assert issubclass(StoreUnavailable, StoreError)


def test_audit_actions_are_stable_words() -> None:
    """The log's action names are lower-case words stored as text; each is its own value."""
    values = [a.value for a in AuditAction]
    assert len(values) == len(set(values)) and all(v == v.lower() and " " not in v for v in values)
    assert AuditAction("plan_published") is AuditAction.PLAN_PUBLISHED


def test_a_purge_report_defaults_to_reclaimed_with_no_outcomes() -> None:
    """Older callers that do not count outcomes get 0, and a note only when not reclaimed."""
    report = PurgeReport(date(2026, 1, 1), (1,), (2,), 0, dry_run=False)
    assert report.reclaimed and report.reclaim_note == "" and report.outcomes == 0
