"""Initial schema: datasets, configs, plan versions and their rows, publication, pins,
append-only audit log, identities and feed tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Self-contained on purpose (no import of the current models): a migration must keep meaning
what it meant when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = 100
SUBJECT = 320


def _time(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=ID), nullable=nullable)


def _plan_rows(table: str, *columns: sa.Column[object]) -> None:
    """A table of one plan version's rows, in saved order (``position``)."""
    op.create_table(
        table,
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_versions.id"],
            name=op.f(f"fk_{table}_plan_id_plan_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f(f"pk_{table}")),
    )


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        _time("created_at"),
        sa.Column("created_by", sa.String(length=SUBJECT), nullable=False),
        sa.Column("settings_count", sa.Integer(), nullable=False),
        sa.Column("children_count", sa.Integer(), nullable=False),
        sa.Column("term_name", sa.String(length=200), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        _time("purged_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_datasets_content_hash")),
    )
    op.create_table(
        "dataset_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_dataset_files_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_files")),
        sa.UniqueConstraint("dataset_id", "name", name=op.f("uq_dataset_files_dataset_id")),
    )
    op.create_table(
        "configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configs")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_configs_content_hash")),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("config_id", sa.Integer(), nullable=False),
        _time("created_at", nullable=True),
        _time("saved_at"),
        sa.Column("saved_by", sa.String(length=SUBJECT), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("term_name", sa.String(length=200), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        _time("purged_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["configs.id"],
            name=op.f("fk_plan_versions_config_id_configs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.id"],
            name=op.f("fk_plan_versions_dataset_id_datasets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_plan_versions_version")),
    )
    _plan_rows(
        "plan_links",
        _id("setting_id"),
        _id("practitioner_id"),
        sa.Column("children_due", sa.Integer(), nullable=False),
        sa.Column("workload_minutes", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Double(), nullable=False),
        sa.Column("kept_existing_link", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
    )
    _plan_rows(
        "plan_appointments",
        _id("child_id"),
        _id("setting_id"),
        _id("practitioner_id"),
        _id("key_person_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pre_meeting_start", sa.Integer(), nullable=True),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=10), nullable=False),
        sa.Column("age_months", sa.Double(), nullable=False),
        sa.Column("in_window", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_plan_appointments_plan_setting", "plan_appointments", ["plan_id", "setting_id"]
    )
    _plan_rows(
        "plan_unscheduled",
        _id("child_id"),
        _id("setting_id"),
        sa.Column("reason_code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    _plan_rows(
        "plan_sequences",
        sa.Column("uid", sa.String(length=1000), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
    )
    op.create_table(
        "publication",
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        _time("published_at"),
        sa.Column("published_by", sa.String(length=SUBJECT), nullable=False),
        sa.CheckConstraint("slot = 1", name=op.f("ck_publication_single_row")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_versions.id"],
            name=op.f("fk_publication_plan_id_plan_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_publication")),
    )
    op.create_table(
        "pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        _id("setting_id", nullable=True),
        _id("practitioner_id", nullable=True),
        _id("child_id", nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        _time("created_at"),
        sa.Column("created_by", sa.String(length=SUBJECT), nullable=False),
        sa.CheckConstraint(
            "(kind = 'link' AND setting_id IS NOT NULL AND practitioner_id IS NOT NULL)"
            " OR (kind = 'appointment' AND child_id IS NOT NULL AND day IS NOT NULL)",
            name=op.f("ck_pins_fields"),
        ),
        sa.CheckConstraint("kind IN ('link', 'appointment')", name=op.f("ck_pins_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pins")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        _time("at"),
        sa.Column("actor", sa.String(length=SUBJECT), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    _append_only("audit_log")
    op.create_table(
        "identities",
        sa.Column("subject", sa.String(length=SUBJECT), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        _id("setting_id", nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "(role = 'setting' AND setting_id IS NOT NULL)"
            " OR (role <> 'setting' AND setting_id IS NULL)",
            name=op.f("ck_identities_setting_scope"),
        ),
        sa.CheckConstraint(
            "role IN ('coordinator', 'service_lead', 'setting')", name=op.f("ck_identities_role")
        ),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_identities")),
    )
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        _id("target_id"),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _time("created_at"),
        sa.Column("created_by", sa.String(length=SUBJECT), nullable=False),
        _time("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(length=SUBJECT), nullable=True),
        sa.CheckConstraint("kind IN ('setting', 'practitioner')", name=op.f("ck_feed_tokens_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
    )
    op.create_index("ix_feed_tokens_target", "feed_tokens", ["kind", "target_id"])


def _append_only(table: str) -> None:
    """Refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of ``table`` in the database itself."""
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.drop_table("audit_log")
    for table in (
        "feed_tokens",
        "identities",
        "pins",
        "publication",
        "plan_sequences",
        "plan_unscheduled",
        "plan_appointments",
        "plan_links",
        "plan_versions",
        "configs",
        "dataset_files",
        "datasets",
    ):
        op.drop_table(table)
