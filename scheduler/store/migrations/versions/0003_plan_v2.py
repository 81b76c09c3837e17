"""Plans of contract v2: a link's reason, an appointment's kind of review (and home
visits), and children in no setting (no setting or key person on their rows).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Self-contained on purpose (no import of the current models): a migration must keep meaning
what it meant when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

ID = 100


def upgrade() -> None:
    with op.batch_alter_table("plan_links") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("plan_appointments") as batch:
        batch.add_column(
            sa.Column("model", sa.String(length=10), nullable=False, server_default="joint")
        )
        batch.alter_column("setting_id", existing_type=sa.String(length=ID), nullable=True)
        batch.alter_column("key_person_id", existing_type=sa.String(length=ID), nullable=True)
    # Rows written before v2 meet at the clinic in the separate model: say so.
    op.execute("UPDATE plan_appointments SET model = 'separate' WHERE location = 'clinic'")
    with op.batch_alter_table("plan_unscheduled") as batch:
        batch.alter_column("setting_id", existing_type=sa.String(length=ID), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("plan_unscheduled") as batch:
        batch.alter_column("setting_id", existing_type=sa.String(length=ID), nullable=False)
    with op.batch_alter_table("plan_appointments") as batch:
        batch.alter_column("key_person_id", existing_type=sa.String(length=ID), nullable=False)
        batch.alter_column("setting_id", existing_type=sa.String(length=ID), nullable=False)
        batch.drop_column("model")
    with op.batch_alter_table("plan_links") as batch:
        batch.drop_column("reason")
