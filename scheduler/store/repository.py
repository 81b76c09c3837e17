"""The store's whole API in one import, for the dashboard, the feed route and the CLI.

Every function takes an open :class:`~scheduler.store.db.Store` first; every change takes the
``actor`` (the signed-in e-mail address, ``local-coordinator``, or ``cli:<user>``) and writes
its audit entry in the same transaction. Results are plain frozen records
(:mod:`scheduler.store.records`), safe to keep after the call.

Role checks are the caller's job, with :mod:`scheduler.store.access`: this layer trusts that
the caller was allowed to ask.
"""

from __future__ import annotations

from scheduler.store.audit import append_audit, list_audit
from scheduler.store.compare import PlanComparison, compare_plans
from scheduler.store.db import Store, database_url, safe_url
from scheduler.store.feeds import FeedCache, RateLimiter, feed_calendar, render_feed
from scheduler.store.identities import (
    LastCoordinator,
    bound_identities,
    get_identity,
    list_identities,
    remove_identity,
    set_identity,
    sign_in,
    unbind_identity,
)
from scheduler.store.opening import open_store
from scheduler.store.outcomes import (
    OutcomeRecord,
    get_outcome,
    list_outcomes,
    record_outcome,
    remove_outcome,
    stored_outcomes,
)
from scheduler.store.pins import add_pin, current_pins, list_pins, remove_pin, replace_pins
from scheduler.store.records import (
    AuditAction,
    AuditRecord,
    DatasetInfo,
    FeedTarget,
    FeedTokenInfo,
    IssuedToken,
    PinRecord,
    PurgedData,
    PurgeReport,
    SignInResult,
    StoredVersion,
    StoreError,
    StoreUnavailable,
    UnknownTarget,
    UnknownVersion,
    VersionInfo,
)
from scheduler.store.replies import list_replies, record_replies
from scheduler.store.retention import purge_past_terms
from scheduler.store.saving import save_for_families
from scheduler.store.stored_data import list_datasets, load_dataset, save_dataset
from scheduler.store.tokens import (
    TokenRedactingFilter,
    issue_feed_token,
    list_feed_tokens,
    redact_tokens,
    resolve_feed_token,
    revoke_feed_token,
    revoke_feed_tokens,
    rotate_feed_token,
)
from scheduler.store.versions import (
    compare_versions,
    count_versions,
    latest_version,
    list_versions,
    load_plan,
    open_published,
    open_version,
    publish,
    published_version,
    save_plan,
    version_info,
)

__all__ = [
    "AuditAction",
    "AuditRecord",
    "DatasetInfo",
    "FeedCache",
    "FeedTarget",
    "FeedTokenInfo",
    "IssuedToken",
    "LastCoordinator",
    "OutcomeRecord",
    "PinRecord",
    "PlanComparison",
    "PurgeReport",
    "PurgedData",
    "RateLimiter",
    "SignInResult",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoredVersion",
    "TokenRedactingFilter",
    "UnknownTarget",
    "UnknownVersion",
    "VersionInfo",
    "add_pin",
    "append_audit",
    "bound_identities",
    "compare_plans",
    "compare_versions",
    "count_versions",
    "current_pins",
    "database_url",
    "feed_calendar",
    "get_identity",
    "get_outcome",
    "issue_feed_token",
    "latest_version",
    "list_audit",
    "list_datasets",
    "list_feed_tokens",
    "list_identities",
    "list_outcomes",
    "list_pins",
    "list_replies",
    "list_versions",
    "load_dataset",
    "load_plan",
    "open_published",
    "open_store",
    "open_version",
    "publish",
    "published_version",
    "purge_past_terms",
    "record_outcome",
    "record_replies",
    "redact_tokens",
    "remove_identity",
    "remove_outcome",
    "remove_pin",
    "render_feed",
    "replace_pins",
    "resolve_feed_token",
    "revoke_feed_token",
    "revoke_feed_tokens",
    "rotate_feed_token",
    "safe_url",
    "save_dataset",
    "save_for_families",
    "save_plan",
    "set_identity",
    "sign_in",
    "stored_outcomes",
    "unbind_identity",
    "version_info",
]
