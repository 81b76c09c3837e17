"""Calendar subscription feeds (scheduler/store/feeds.py): a token opens its own calendar of the
published plan and nothing else; anything wrong is "no calendar". (The cache across versions
and the rate limiter's burst: test_store_hardening.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_builders import fresh_store
from test_store import COORDINATOR, authority, plan_of

from scheduler.store.db import Store
from scheduler.store.feeds import RateLimiter, feed_calendar, render_feed
from scheduler.store.records import FeedTarget
from scheduler.store.tokens import issue_feed_token
from scheduler.store.versions import open_published, publish, save_plan


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(tmp_path)
    yield opened
    opened.dispose()


def published(store: Store) -> None:
    data = authority()
    save_plan(store, plan_of(data), data, actor=COORDINATOR)
    publish(store, 1, actor=COORDINATOR)


def test_a_setting_feed_holds_its_own_childrens_reviews_only(store: Store) -> None:
    """S001's feed has C001's review and nothing of S002's C002."""
    published(store)
    stored = open_published(store)
    assert stored is not None
    feed = render_feed(stored, FeedTarget("setting", "S001"))
    assert feed is not None and b"C001" in feed and b"C002" not in feed
    practitioner = render_feed(stored, FeedTarget("practitioner", "P001"))
    assert practitioner is not None and b"C001" in practitioner and b"C002" in practitioner


def test_an_id_no_longer_in_the_data_renders_nothing(store: Store) -> None:
    """A setting or practitioner the published data do not hold: no calendar."""
    published(store)
    stored = open_published(store)
    assert stored is not None
    assert render_feed(stored, FeedTarget("setting", "S999")) is None
    assert render_feed(stored, FeedTarget("practitioner", "P999")) is None


def test_a_token_opens_a_calendar_only_once_something_is_published(store: Store) -> None:
    """Before publishing: nothing; after: the calendar; a wrong token: nothing."""
    data = authority()
    save_plan(store, plan_of(data), data, actor=COORDINATOR)
    token = issue_feed_token(store, "setting", "S001", actor=COORDINATOR).token
    assert feed_calendar(store, token) is None
    publish(store, 1, actor=COORDINATOR)
    body = feed_calendar(store, token)
    assert body is not None and body.startswith(b"BEGIN:VCALENDAR")
    assert feed_calendar(store, "x" * 43) is None


def test_the_rate_limiter_forgets_the_least_recent_keys_and_never_keeps_a_token() -> None:
    """At most max_keys buckets; a forgotten key starts afresh; keys are hashed."""
    now = [0.0]
    limiter = RateLimiter(burst=1, per_seconds=60.0, max_keys=2, clock=lambda: now[0])
    secret = "s" * 40
    assert limiter.allow(secret) and not limiter.allow(secret)
    assert limiter.allow("b") and limiter.allow("c")  # the secret's bucket is forgotten
    assert limiter.allow(secret)
    assert secret not in repr(limiter.__dict__)
