"""Which version a plan was re-planned from, so opening it checks it as the re-plan it is.

A re-plan (from today) keeps booked reviews inside the notice period; checked without the plan
it was made from, those look like new bookings given too little notice. The checker needs the
earlier plan (``scheduler check --previous``): the version now says which one it was.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Self-contained on purpose (no import of the current models).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("previous_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("previous_version")
