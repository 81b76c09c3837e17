"""Calendar subscription feeds: from a secret token to the published calendar it may see.

This is everything the app's feed route does besides HTTP: resolve the token, open the
published plan, cut it down to the one setting (or practitioner) the token belongs to, and
render that calendar. Anything wrong (unknown, revoked or malformed token, nothing published,
data purged, a setting that is no longer in the data) gives ``None``; the route answers 404
the same way for all of them, so a caller learns nothing from guessing.
"""

from __future__ import annotations

from scheduler.export.ics import practitioner_feed, setting_feed
from scheduler.store.access import scope_to_practitioner, scope_to_setting
from scheduler.store.db import Store
from scheduler.store.plans import open_published
from scheduler.store.records import FeedTarget, StoredVersion
from scheduler.store.tokens import resolve_feed_token

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
