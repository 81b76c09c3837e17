"""The store's tables as typed SQLAlchemy 2 ORM classes (the migrations create them).

One row per thing a coordinator cares about: a dataset (the authority's tables, canonical CSV,
with a content hash), a config, a plan *version* with its links, appointments, unscheduled
children and calendar sequence numbers, the published marker, pins, the audit log, who may
sign in with which role, and calendar feed tokens (only their SHA-256 is kept).

Times are stored in UTC and come back timezone-aware (:class:`UtcDateTime`), whatever the
database. Rows keep a ``position`` so a plan reads back in exactly the order it was saved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names fixed by convention, so migrations can refer to them on every database."""

ID = 100
"""Length of an id column (child, setting, practitioner ids from the authority's files)."""
SUBJECT = 320
"""Length of a signed-in identity (an e-mail address at most 320 characters)."""

ISSUER = 1000
"""Length of a sign-in provider's issuer (its URL)."""
PROVIDER_SUBJECT = 255
"""Length of the provider's ``sub`` claim (OpenID Connect allows 255 ASCII characters)."""

ROLES = ("coordinator", "service_lead", "setting")
FEED_KINDS = ("setting", "practitioner")
PIN_KINDS = ("link", "appointment")


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time stored as UTC and always read back timezone-aware.

    SQLite keeps no offset, PostgreSQL converts to the session's zone; both are normalised
    here, and a naive time is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times in the store must be timezone-aware (use datetime.now(UTC))")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


AuditId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key that SQLite still treats as its rowid (so ids grow and are never reused)."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Dataset(Base):
    """An authority's data in canonical form; identical data is stored once (``content_hash``)."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(SUBJECT))
    settings_count: Mapped[int] = mapped_column(Integer)
    children_count: Mapped[int] = mapped_column(Integer)
    term_name: Mapped[str] = mapped_column(String(200))
    term_end: Mapped[date] = mapped_column(Date)
    """The latest term end this data was saved for: retention keys on it."""
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """Set when retention deleted the data (the files are gone, the hash stays)."""

    files: Mapped[list[DatasetFile]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", passive_deletes=True
    )


class DatasetFile(Base):
    """One canonical file of a dataset (``children.csv`` …), as bytes."""

    __tablename__ = "dataset_files"
    __table_args__ = (UniqueConstraint("dataset_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    dataset: Mapped[Dataset] = relationship(back_populates="files")


class StoredConfig(Base):
    """A ``config.toml`` as used for a plan (weights change between versions)."""

    __tablename__ = "configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
    """The config as JSON (``Config.model_dump_json``)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PlanVersion(Base):
    """A numbered plan: what was saved, from which data and config, by whom."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="RESTRICT"))
    config_id: Mapped[int] = mapped_column(ForeignKey("configs.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """``Plan.created_at``: when the plan was made (may be unset)."""
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_by: Mapped[str] = mapped_column(String(SUBJECT))
    note: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text)
    """``Plan.summary`` as JSON text (floats written exactly, infinities kept)."""
    term_name: Mapped[str] = mapped_column(String(200))
    term_end: Mapped[date] = mapped_column(Date)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """Set when retention deleted the children's rows (appointments, unscheduled, sequences)."""
    previous_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The version this plan was re-planned from (its ``--previous``), when it was one."""

    links: Mapped[list[PlanLink]] = relationship(
        order_by="PlanLink.position", cascade="all, delete-orphan", passive_deletes=True
    )
    appointments: Mapped[list[PlanAppointment]] = relationship(
        order_by="PlanAppointment.position", cascade="all, delete-orphan", passive_deletes=True
    )
    unscheduled: Mapped[list[PlanUnscheduled]] = relationship(
        order_by="PlanUnscheduled.position", cascade="all, delete-orphan", passive_deletes=True
    )
    sequences: Mapped[list[PlanSequence]] = relationship(
        order_by="PlanSequence.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanLink(Base):
    __tablename__ = "plan_links"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    setting_id: Mapped[str] = mapped_column(String(ID))
    practitioner_id: Mapped[str] = mapped_column(String(ID))
    children_due: Mapped[int] = mapped_column(Integer)
    workload_minutes: Mapped[int] = mapped_column(Integer)
    distance_km: Mapped[float] = mapped_column(Double())
    kept_existing_link: Mapped[bool] = mapped_column(Boolean)
    explanation: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class PlanAppointment(Base):
    __tablename__ = "plan_appointments"
    __table_args__ = (Index("ix_plan_appointments_plan_setting", "plan_id", "setting_id"),)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[str] = mapped_column(String(ID))
    setting_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    practitioner_id: Mapped[str] = mapped_column(String(ID))
    key_person_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    day: Mapped[date] = mapped_column(Date)
    pre_meeting_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(10))
    age_months: Mapped[float] = mapped_column(Double())
    in_window: Mapped[bool] = mapped_column(Boolean)
    model: Mapped[str] = mapped_column(String(10), default="joint", server_default="joint")


class PlanUnscheduled(Base):
    __tablename__ = "plan_unscheduled"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[str] = mapped_column(String(ID))
    setting_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)


class PlanSequence(Base):
    """A calendar event's ``SEQUENCE`` in this plan (keyed by its UID)."""

    __tablename__ = "plan_sequences"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(1000))
    sequence: Mapped[int] = mapped_column(Integer)


class Publication(Base):
    """The published plan (the one calendars and feeds come from): at most one row."""

    __tablename__ = "publication"
    __table_args__ = (CheckConstraint("slot = 1", name="single_row"),)

    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[str] = mapped_column(String(SUBJECT))


class StoredPin(Base):
    """A link or appointment a coordinator or service lead fixed by hand."""

    __tablename__ = "pins"
    __table_args__ = (
        CheckConstraint("kind IN ('link', 'appointment')", name="kind"),
        CheckConstraint(
            "(kind = 'link' AND setting_id IS NOT NULL AND practitioner_id IS NOT NULL)"
            " OR (kind = 'appointment' AND child_id IS NOT NULL AND day IS NOT NULL)",
            name="fields",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    setting_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    practitioner_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    child_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(SUBJECT))


class AuditEntry(Base):
    """Who did what, when. Append-only: the migrations add triggers that refuse UPDATE/DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(AuditId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(SUBJECT))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    """JSON object of ids and figures; never names, dates of birth or tokens."""


class IdentityRow(Base):
    """Who may sign in, with which role; a setting user is bound to one setting."""

    __tablename__ = "identities"
    __table_args__ = (
        CheckConstraint("role IN ('coordinator', 'service_lead', 'setting')", name="role"),
        CheckConstraint(
            "(role = 'setting' AND setting_id IS NOT NULL)"
            " OR (role <> 'setting' AND setting_id IS NULL)",
            name="setting_scope",
        ),
        Index("ix_identities_provider_account", "issuer", "provider_subject", unique=True),
    )

    subject: Mapped[str] = mapped_column(String(SUBJECT), primary_key=True)
    """The signed-in user's e-mail address, lower-cased."""
    role: Mapped[str] = mapped_column(String(20))
    setting_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issuer: Mapped[str | None] = mapped_column(String(ISSUER), nullable=True)
    """The provider (``iss``) of the account first signed in with this address; then fixed."""
    provider_subject: Mapped[str | None] = mapped_column(String(PROVIDER_SUBJECT), nullable=True)
    """That account's ``sub``: with ``issuer``, the key a later sign-in must match."""


class FeedToken(Base):
    """A calendar subscription secret; only its SHA-256 is stored."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        CheckConstraint("kind IN ('setting', 'practitioner')", name="kind"),
        Index("ix_feed_tokens_target", "kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(ID))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(SUBJECT))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(SUBJECT), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """After this the token opens nothing (``None``: it does not expire)."""


class StoredOutcome(Base):
    """What happened at a booked review, recorded in the dashboard (``outcomes.csv``'s row,
    plus the child's setting for scoping and who recorded it when). One per child and date:
    recording again replaces it (the audit log keeps the history)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("child_id", "day"),
        CheckConstraint(
            "outcome IN ('attended', 'was_not_brought', 'cancelled_by_parent', "
            "'cancelled_by_service', 'declined')",
            name="outcome",
        ),
        CheckConstraint("venue IS NULL OR venue IN ('setting', 'clinic', 'home')", name="venue"),
        CheckConstraint(
            "outcome = 'attended' OR (asq3 IS NULL AND venue IS NULL AND practitioner_id IS NULL)",
            name="attended_only",
        ),
        Index("ix_outcomes_setting", "setting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[str] = mapped_column(String(ID))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30))
    asq3: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_to_share: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    venue: Mapped[str | None] = mapped_column(String(10), nullable=True)
    practitioner_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    setting_id: Mapped[str | None] = mapped_column(String(ID), nullable=True)
    """The child's setting when it was recorded (a setting user sees its own setting's)."""
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(SUBJECT))


class PlanReply(Base):
    """A parent's latest answer to a child's invitation in one plan version (iTIP REPLY or
    COUNTER): confirmed, declined, tentative or counter-proposed (with the proposed time)."""

    __tablename__ = "plan_replies"
    __table_args__ = (
        CheckConstraint(
            "state IN ('confirmed', 'declined', 'tentative', 'counter_proposed')", name="state"
        ),
    )

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    sequence: Mapped[int] = mapped_column(Integer)
    replied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    message_key: Mapped[str] = mapped_column(String(64))
    proposed_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    proposed_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    proposed_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(SUBJECT))
