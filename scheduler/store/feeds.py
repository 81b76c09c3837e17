"""Calendar subscription feeds: from a secret token to the published calendar it may see.

This is everything the app's feed route does besides HTTP: resolve the token, open the
published plan, cut it down to the one setting (or practitioner) the token belongs to, and
render that calendar. Anything wrong (unknown, revoked, expired or malformed token, nothing
published, data purged, a setting that is no longer in the data) gives ``None``; the route
answers 404 the same way for all of them, so a caller learns nothing from guessing.

Calendar programs poll their subscriptions, and opening a version and rendering a feed costs
about 0.7 s of CPU on a large authority. :class:`FeedCache` keeps the rendered feeds of the
published version (and that version, opened once): a version never changes once saved, so the
cache is keyed by version number and is simply not used once another version is published or
this one is purged. The token is still checked on every request (a revoked or expired token
stops at once). :class:`RateLimiter` bounds how often one token may be asked for.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.export.ics import practitioner_feed, setting_feed
from scheduler.store.access import scope_to_practitioner, scope_to_setting
from scheduler.store.db import Store
from scheduler.store.records import FeedTarget, PurgedData, StoredVersion
from scheduler.store.tokens import resolve_feed_token
from scheduler.store.versions import open_published, open_version, published_version

FEED_CONTENT_TYPE = "text/calendar; charset=utf-8"


def render_feed(stored: StoredVersion, target: FeedTarget) -> bytes | None:
    """``target``'s calendar from a published version, built from its share of the data only."""
    authority, plan = stored.authority, stored.plan
    if target.kind == "setting":
        if target.target_id not in authority.settings:
            return None
        scoped_authority, scoped_plan = scope_to_setting(authority, plan, target.target_id)
        assert scoped_plan is not None
        return setting_feed(scoped_authority, scoped_plan, target.target_id)
    if target.target_id not in authority.practitioners:
        return None
    scoped_authority, practitioner_plan = scope_to_practitioner(authority, plan, target.target_id)
    return practitioner_feed(scoped_authority, practitioner_plan, target.target_id)


def feed_calendar(store: Store, token: object) -> bytes | None:
    """The iCalendar bytes a subscription URL with ``token`` serves, or ``None`` (answer 404)."""
    target = resolve_feed_token(store, token)
    if target is None:
        return None
    stored = open_published(store)
    if stored is None:
        return None
    return render_feed(stored, target)


_NOTHING = b""
"""Cached "no calendar for this target in this version" (a feed is never empty bytes)."""


class FeedCache:
    """Rendered feeds of the published version, per store (see the module notes).

    Thread-safe: the route renders in a thread pool. At most ``size`` feeds are kept, and only
    for the version that is published now; the opened version itself is kept once.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._feeds: OrderedDict[tuple[str, int, str, str], bytes] = OrderedDict()
        self._opened: tuple[str, int, StoredVersion] | None = None
        self.renders = 0
        """How many feeds were rendered (cache misses), for tests and monitoring."""

    def calendar(self, store: Store, token: object) -> bytes | None:
        """What :func:`feed_calendar` returns, from the cache when the version is unchanged."""
        target = resolve_feed_token(store, token)
        if target is None:
            return None
        info = published_version(store)
        if info is None or info.purged:
            return None
        key = (store.url, info.version, target.kind, target.target_id)
        with self._lock:
            cached = self._feeds.get(key)
            if cached is not None:
                self._feeds.move_to_end(key)
                return cached or None
        stored = self._version(store, info.version)
        if stored is None:
            return None
        body = render_feed(stored, target)
        with self._lock:
            self.renders += 1
            stale = [k for k in self._feeds if k[0] == store.url and k[1] != info.version]
            for old in stale:
                del self._feeds[old]
            self._feeds[key] = body if body is not None else _NOTHING
            while len(self._feeds) > self.size:
                self._feeds.popitem(last=False)
        return body

    def _version(self, store: Store, version: int) -> StoredVersion | None:
        with self._lock:
            opened = self._opened
        if opened is not None and opened[:2] == (store.url, version):
            return opened[2]
        try:
            stored = open_version(store, version)
        except PurgedData:
            return None
        with self._lock:
            self._opened = (store.url, version, stored)
        return stored


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, then one every
    ``per_seconds / burst`` seconds. Keys are hashed (a feed token is a secret) and at most
    ``max_keys`` are remembered (the least recently seen are forgotten)."""

    def __init__(
        self,
        *,
        burst: int = 10,
        per_seconds: float = 60.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.rate = burst / per_seconds
        self.max_keys = max_keys
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Whether one more request for ``key`` may go through now (and count it if so)."""
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(digest, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            self._buckets[digest] = bucket
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return allowed

    def retry_after(self) -> int:
        """Seconds until one request's worth comes back (for ``Retry-After``)."""
        return max(1, round(1 / self.rate))
