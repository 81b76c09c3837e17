"""Outcomes recorded in the dashboard: one row per child and booked date, with who and when.

Revision ID: 0004_outcomes
Revises: 0003
Create Date: 2026-12-03

Self-contained on purpose (no import of the current models): a migration must keep meaning
what it meant when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_outcomes"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

ID = 100
SUBJECT = 320


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.String(length=ID), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("asq3", sa.Boolean(), nullable=True),
        sa.Column("consent_to_share", sa.Boolean(), nullable=True),
        sa.Column("venue", sa.String(length=10), nullable=True),
        sa.Column("practitioner_id", sa.String(length=ID), nullable=True),
        sa.Column("setting_id", sa.String(length=ID), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=SUBJECT), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('attended', 'was_not_brought', 'cancelled_by_parent', "
            "'cancelled_by_service', 'declined')",
            name=op.f("ck_outcomes_outcome"),
        ),
        sa.CheckConstraint(
            "venue IS NULL OR venue IN ('setting', 'clinic', 'home')",
            name=op.f("ck_outcomes_venue"),
        ),
        sa.CheckConstraint(
            "outcome = 'attended' OR (asq3 IS NULL AND venue IS NULL AND practitioner_id IS NULL)",
            name=op.f("ck_outcomes_attended_only"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("child_id", "day", name=op.f("uq_outcomes_child_id")),
    )
    op.create_index("ix_outcomes_setting", "outcomes", ["setting_id"])


def downgrade() -> None:
    op.drop_index("ix_outcomes_setting", table_name="outcomes")
    op.drop_table("outcomes")
