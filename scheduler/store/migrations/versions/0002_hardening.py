"""Hardening: the audit log refuses INSERT OR REPLACE; identities remember the provider
account (issuer + subject) they were first signed in with; feed tokens can expire.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

Self-contained on purpose (no import of the current models): a migration must keep meaning
what it meant when it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

ISSUER = 1000
PROVIDER_SUBJECT = 255


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's REPLACE deletes the old row without firing DELETE triggers (unless
        # recursive_triggers is on, which another connection need not set): refuse the insert
        # itself whenever its id is taken. PostgreSQL has no REPLACE, and its ON CONFLICT DO
        # UPDATE fires the UPDATE trigger of 0001.
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("issuer", sa.String(length=ISSUER), nullable=True))
        batch.add_column(
            sa.Column("provider_subject", sa.String(length=PROVIDER_SUBJECT), nullable=True)
        )
    op.create_index(
        "ix_identities_provider_account",
        "identities",
        ["issuer", "provider_subject"],
        unique=True,
    )
    with op.batch_alter_table("feed_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feed_tokens") as batch:
        batch.drop_column("expires_at")
    op.drop_index("ix_identities_provider_account", table_name="identities")
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("provider_subject")
        batch.drop_column("issuer")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_replace")
