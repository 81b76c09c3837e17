"""What the store hands back: plain frozen records, detached from any database session.

The dashboard and the CLI keep these in memory or show them as they are; none of them holds
a child's name, and a feed token's clear text appears only in :class:`IssuedToken`, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Literal

from scheduler.domain import Authority
from scheduler.plan import Pin, Plan
from scheduler.store.access import Identity
from scheduler.summary import KPI_KEYS as KPI_KEYS  # the contract's keys, from the one type

FeedKind = Literal["setting", "practitioner"]


class AuditAction(StrEnum):
    """The things the audit log records (who, when, what)."""

    DATASET_SAVED = "dataset_saved"
    PLAN_GENERATED = "plan_generated"
    WEIGHTS_CHANGED = "weights_changed"
    PLAN_PUBLISHED = "plan_published"
    PIN_ADDED = "pin_added"
    PIN_REMOVED = "pin_removed"
    PINS_REPLACED = "pins_replaced"
    CALENDAR_EXPORTED = "calendar_exported"
    LETTERS_EXPORTED = "letters_exported"
    PLAN_EXPORTED = "plan_exported"
    IDENTITY_SET = "identity_set"
    IDENTITY_REMOVED = "identity_removed"
    IDENTITY_BOUND = "identity_bound"
    """First sign-in: the identity is tied to the provider account (issuer + subject)."""
    IDENTITY_UNBOUND = "identity_unbound"
    FEED_TOKEN_ISSUED = "feed_token_issued"
    FEED_TOKEN_ROTATED = "feed_token_rotated"
    FEED_TOKEN_REVOKED = "feed_token_revoked"
    DATA_PURGED = "data_purged"
    SIGNED_IN = "signed_in"
    ACCESS_DENIED = "access_denied"
    OUTCOME_RECORDED = "outcome_recorded"
    OUTCOME_REMOVED = "outcome_removed"
    OUTCOMES_EXPORTED = "outcomes_exported"
    REPORT_EXPORTED = "report_exported"
    REPLIES_RECORDED = "replies_recorded"
    """Parents' replies read into a plan version (counts by state; no addresses)."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit log entry; ``details`` holds ids and figures only."""

    entry_id: int
    at: datetime
    actor: str
    action: AuditAction
    target: str
    details: dict[str, Any]


SignInRefusal = Literal["", "no_email", "unverified", "no_account", "unknown", "other_account"]


@dataclass(frozen=True, slots=True)
class SignInResult:
    """Who a provider's sign-in is, or why nobody: ``identity`` is set exactly when
    ``refusal`` is empty. ``email`` is the claimed address (trimmed), for the refusal page."""

    identity: Identity | None
    email: str = ""
    refusal: SignInRefusal = ""


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """A stored dataset (the authority's tables), without its content."""

    dataset_id: int
    content_hash: str
    label: str
    created_at: datetime
    created_by: str
    settings_count: int
    children_count: int
    term_name: str
    term_end: date
    purged_at: datetime | None

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A plan version as a list shows it: number, provenance, KPIs, published or not."""

    version: int
    saved_at: datetime
    saved_by: str
    note: str
    created_at: datetime | None
    dataset_id: int
    dataset_hash: str
    config_id: int
    term_name: str
    term_end: date
    published: bool
    purged: bool
    kpis: dict[str, Any]
    previous_version: int | None = None
    """The version this plan was re-planned from, when it was a re-plan."""


@dataclass(frozen=True)
class StoredVersion:
    """A version opened whole: its record, the plan, and the data and config it was made from."""

    info: VersionInfo
    plan: Plan
    authority: Authority


@dataclass(frozen=True, slots=True)
class PinRecord:
    """A stored pin with its id (to remove it) and who added it."""

    pin_id: int
    pin: Pin
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class FeedTarget:
    """Whose calendar a feed token opens."""

    kind: FeedKind
    target_id: str


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new feed token: the clear text is shown to the coordinator once, then only its hash
    exists. ``repr`` leaves the token out so that it cannot slip into a log."""

    token_id: int
    kind: FeedKind
    target_id: str
    token: str = field(repr=False)
    expires_at: datetime | None = None
    """When it stops working (``None``: it does not expire)."""


@dataclass(frozen=True, slots=True)
class FeedTokenInfo:
    """A token as a coordinator manages it (never its value or hash)."""

    token_id: int
    kind: FeedKind
    target_id: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    expires_at: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= datetime.now(UTC)

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What retention deleted (or, in a dry run, would delete)."""

    before: date
    datasets: tuple[int, ...]
    versions: tuple[int, ...]
    appointment_pins: int
    dry_run: bool
    reclaimed: bool = True
    """Whether the deleted rows are gone from the database files too (SQLite: the write-ahead
    log was checkpointed and truncated; PostgreSQL: the tables were vacuumed)."""
    reclaim_note: str = ""
    """Why not, and what to do, when ``reclaimed`` is false."""
    outcomes: int = 0
    """Outcomes recorded in the dashboard dated before ``before``."""


class StoreError(Exception):
    """A request the store refuses (unknown version, purged data, last coordinator …)."""


class StoreUnavailable(StoreError):
    """The store cannot be opened or written: a bad URL, no such store, an unreachable server,
    a read-only file or folder. The message is one line, fit to print, without any password."""


class UnknownTarget(StoreError, LookupError):
    """A setting or practitioner id that none of the stored data knows (a typo, or data never
    saved): no feed token or setting identity is made for it."""


class UnknownVersion(StoreError, LookupError):
    def __init__(self, version: int) -> None:
        super().__init__(f"no plan version {version} in the store")
        self.version = version


class PurgedData(StoreError):
    """The children's data behind this version were deleted by retention."""
