"""Parents' replies to invitations, per plan version and child (confirmed, declined,
tentative, counter-proposed with the proposed time).

Revision ID: 0005
Revises: 0004_outcomes
Create Date: 2026-12-10

The chain: 0005 follows the latest revision on main when it was written (0004_outcomes,
after 0003). Self-contained on purpose (no import of the current models).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004_outcomes"
branch_labels: str | None = None
depends_on: str | None = None

ID = 100
SUBJECT = 320


def upgrade() -> None:
    op.create_table(
        "plan_replies",
        sa.Column(
            "plan_id",
            sa.Integer(),
            sa.ForeignKey(
                "plan_versions.id",
                ondelete="CASCADE",
                name="fk_plan_replies_plan_id_plan_versions",
            ),
            nullable=False,
        ),
        sa.Column("child_id", sa.String(length=ID), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("proposed_day", sa.Date(), nullable=True),
        sa.Column("proposed_start", sa.Integer(), nullable=True),
        sa.Column("proposed_end", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=SUBJECT), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "child_id", name="pk_plan_replies"),
        sa.CheckConstraint(
            "state IN ('confirmed', 'declined', 'tentative', 'counter_proposed')",
            name="ck_plan_replies_state",
        ),
    )


def downgrade() -> None:
    op.drop_table("plan_replies")
