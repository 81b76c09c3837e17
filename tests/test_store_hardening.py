"""Feed tokens expire; a purge says whether the deleted rows really left the database files;
feeds are served from a cache per published version and rate-limited per token."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from test_store import COORDINATOR, authority, plan_of

from scheduler.cli import main
from scheduler.store import repository as repo
from scheduler.store import retention
from scheduler.store.db import Store
from scheduler.store.models import FeedToken
from scheduler.store.tokens import TOKEN_DAYS_ENV

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # TestClient on httpx


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite+pysqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = repo.open_store(store_url)
    data = authority()
    repo.save_plan(opened, plan_of(data), data, actor=COORDINATOR)
    repo.publish(opened, 1, actor=COORDINATOR)
    yield opened
    opened.dispose()


def _age(store: Store, token_id: int, *, expires_at: datetime) -> None:
    """Move a token's expiry (as if time had passed)."""
    with store.engine.connect() as connection, connection.begin():
        connection.execute(
            update(FeedToken).where(FeedToken.id == token_id).values(expires_at=expires_at)
        )


# --------------------------------------------------------------------------- expiry


def test_a_token_stops_working_when_it_expires(store: Store) -> None:
    """Issued for a number of days it opens the feed until then, and nothing after; it leaves
    the list of working tokens; 0 days means no expiry."""
    issued = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR, lifetime_days=30)
    assert issued.expires_at is not None
    assert timedelta(days=29) < issued.expires_at - datetime.now(UTC) <= timedelta(days=30)
    assert repo.feed_calendar(store, issued.token) is not None
    _age(store, issued.token_id, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert repo.feed_calendar(store, issued.token) is None
    assert [t.token_id for t in repo.list_feed_tokens(store)] == []
    (listed,) = repo.list_feed_tokens(store, include_revoked=True)
    assert listed.expired and not listed.active

    forever = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR, lifetime_days=0)
    assert forever.expires_at is None and repo.feed_calendar(store, forever.token) is not None


def test_the_default_lifetime_is_configurable(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``SCHEDULER_FEED_TOKEN_DAYS`` sets the default (365 without it); nonsense is refused;
    ``tokens issue --days`` overrides it and says until when the token works."""
    default = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    assert default.expires_at is not None
    assert (default.expires_at - datetime.now(UTC)).days in (364, 365)
    monkeypatch.setenv(TOKEN_DAYS_ENV, "7")
    week = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    assert week.expires_at is not None and (week.expires_at - datetime.now(UTC)).days in (6, 7)
    monkeypatch.setenv(TOKEN_DAYS_ENV, "0")
    assert repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR).expires_at is None
    monkeypatch.setenv(TOKEN_DAYS_ENV, "a year")
    with pytest.raises(ValueError, match=TOKEN_DAYS_ENV):
        repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR)
    monkeypatch.delenv(TOKEN_DAYS_ENV)
    capsys.readouterr()
    argv = ["store", "--db", store.url, "tokens", "issue", "setting", "S002", "--days", "2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    until = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert f"It works until {until}" in out


# --------------------------------------------------------------------------- purge


def test_a_purge_reports_whether_the_write_ahead_log_was_emptied(
    store: Store,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """While another connection reads an old snapshot, SQLite cannot truncate its log, so the
    deleted rows are still in the -wal file: the purge says so and the command exits 1. Once
    the reader is gone, a purge empties the log and says nothing of the kind."""
    monkeypatch.setattr(retention, "CHECKPOINT_ATTEMPTS", 2)
    monkeypatch.setattr(retention, "CHECKPOINT_BUSY_MS", 100)
    wal = Path(store_url.removeprefix("sqlite+pysqlite:///") + "-wal")
    reader = repo.open_store(store_url)
    with reader.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM plan_appointments").one()  # a snapshot
        report = repo.purge_past_terms(store, before=datetime(2030, 1, 1).date(), actor="cli:t")
        assert report.versions == (1,)
        assert not report.reclaimed and "write-ahead log" in report.reclaim_note
        assert wal.stat().st_size > 0
    reader.dispose()

    capsys.readouterr()
    assert main(["store", "--db", store_url, "purge", "--before", "2030-01-01", "--yes"]) == 0
    assert wal.stat().st_size == 0
    held = repo.open_store(store_url)
    with held.engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM plan_versions").one()
        code = main(["store", "--db", store_url, "purge", "--before", "2030-01-01", "--yes"])
    held.dispose()
    assert code == 1
    assert "write-ahead log" in capsys.readouterr().err


# --------------------------------------------------------------------------- feed cache


def test_feeds_are_rendered_once_per_published_version(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeated requests are served from the cache (the version is opened and rendered once);
    publishing another version, revoking the token or purging the data take effect at once."""
    from scheduler.store import feeds

    opened: list[int] = []
    real_open = feeds.open_version

    def counting_open(handle: Store, version: int) -> repo.StoredVersion:
        opened.append(version)
        return real_open(handle, version)

    monkeypatch.setattr(feeds, "open_version", counting_open)
    cache = repo.FeedCache()
    s1 = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR).token
    s2 = repo.issue_feed_token(store, "setting", "S002", actor=COORDINATOR).token
    first = cache.calendar(store, s1)
    assert first is not None and first == repo.feed_calendar(store, s1)
    for _ in range(5):
        assert cache.calendar(store, s1) == first
    assert cache.calendar(store, s2) is not None
    assert (opened, cache.renders) == ([1], 2)

    data = authority()
    repo.save_plan(store, plan_of(data, start="11:00"), data, actor=COORDINATOR)
    repo.publish(store, 2, actor=COORDINATOR)
    moved = cache.calendar(store, s1)
    assert moved is not None and moved != first and b"T110000" in moved
    assert (opened, cache.renders) == ([1, 2], 3)

    repo.revoke_feed_tokens(store, "setting", "S001", actor=COORDINATOR)
    assert cache.calendar(store, s1) is None
    repo.purge_past_terms(store, before=datetime(2030, 1, 1).date(), actor=COORDINATOR)
    assert cache.calendar(store, s2) is None


def test_the_rate_limiter_allows_a_burst_then_one_request_per_interval() -> None:
    """10 at once, then one every 6 s per token; other tokens are not affected."""
    now = [0.0]
    limiter = repo.RateLimiter(burst=10, per_seconds=60.0, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(11)] == [True] * 10 + [False]
    assert limiter.allow("b")
    now[0] += 5.9
    assert not limiter.allow("a")
    now[0] += 0.2
    assert limiter.allow("a") and not limiter.allow("a")
    now[0] += 600
    assert sum(limiter.allow("a") for _ in range(20)) == 10  # the burst refills, no more
    assert limiter.retry_after() == 6


def test_the_feed_route_answers_429_when_a_token_asks_too_often(
    store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTTP route: the burst is served, the next request gets 429 with Retry-After and no
    calendar, and a later one is served again."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from scheduler.store.db import DB_URL_ENV
    from ui import feeds, storage

    monkeypatch.setenv(DB_URL_ENV, store_url)
    storage._open.cache_clear()
    now = [0.0]
    limiter = repo.RateLimiter(burst=3, per_seconds=30.0, clock=lambda: now[0])
    token = repo.issue_feed_token(store, "setting", "S001", actor=COORDINATOR).token
    app = Starlette(routes=feeds.routes(limiter=limiter))
    with TestClient(app) as client:
        codes = [client.get(f"/feeds/{token}.ics").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get(f"/feeds/{token}.ics")
        assert refused.headers["Retry-After"] == "10" and b"VCALENDAR" not in refused.content
        now[0] += 10
        assert client.get(f"/feeds/{token}.ics").status_code == 200
    storage._open.cache_clear()
