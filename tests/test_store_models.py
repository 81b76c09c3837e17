"""The store's tables (scheduler/store/models.py): times always UTC and aware, a naive time
refused rather than guessed, and the tables the migrations create."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from scheduler.store.models import FEED_KINDS, PIN_KINDS, ROLES, Base, UtcDateTime

BST = timezone(timedelta(hours=1))


def test_times_are_stored_as_utc_and_read_back_aware() -> None:
    """SQLite keeps no offset: 10:00 BST is stored as 09:00 and read back as 09:00 UTC."""
    column = UtcDateTime()
    stored = column.process_bind_param(datetime(2026, 9, 8, 10, 0, tzinfo=BST), sqlite.dialect())
    assert stored == datetime(2026, 9, 8, 9, 0)
    back = column.process_result_value(stored, sqlite.dialect())
    assert back == datetime(2026, 9, 8, 9, 0, tzinfo=UTC) and back.tzinfo is UTC
    on_postgres = column.process_bind_param(
        datetime(2026, 9, 8, 10, 0, tzinfo=BST), postgresql.dialect()
    )
    assert on_postgres is not None and on_postgres.utcoffset() == timedelta(0)
    assert column.process_bind_param(None, sqlite.dialect()) is None


def test_a_naive_time_is_refused() -> None:
    """Which zone a naive time meant cannot be known, so it is not stored at all."""
    with pytest.raises(ValueError, match="timezone-aware"):
        UtcDateTime().process_bind_param(datetime(2026, 9, 8, 10, 0), sqlite.dialect())


def test_the_tables_and_their_fixed_vocabularies() -> None:
    """Every table a store holds; roles, feed kinds and pin kinds as the access rules name them."""
    assert {
        "datasets",
        "plan_versions",
        "plan_appointments",
        "audit_log",
        "identities",
        "feed_tokens",
        "outcomes",
    } <= set(Base.metadata.tables)
    assert ROLES == ("coordinator", "service_lead", "setting")
    assert FEED_KINDS == ("setting", "practitioner") and PIN_KINDS == ("link", "appointment")
