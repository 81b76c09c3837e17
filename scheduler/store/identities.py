"""Who may sign in, as what: the identities table that coordinators manage.

The key is the e-mail address the sign-in provider vouches for (lower-cased). Nobody is in
the table by default; the first coordinator is added from the command line
(``scheduler store identities set EMAIL coordinator``). The last coordinator cannot be removed
or demoted, so the store can never be left with nobody able to manage it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.store.access import Identity, Role, normalise_subject
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store
from scheduler.store.models import IdentityRow
from scheduler.store.records import AuditAction, StoreError


class LastCoordinator(StoreError):
    """Removing or demoting this identity would leave no coordinator."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def check_email(subject: str) -> str:
    """An identity's key as stored: a plain e-mail address (lower-cased), with no spaces or
    control characters, so it can never pose as ``local-coordinator`` or break an audit line."""
    key = normalise_subject(subject)
    if not _EMAIL.match(key) or any(not char.isprintable() for char in key):
        raise ValueError("an identity is an e-mail address (name@domain, no spaces)")
    return key


def _identity(row: IdentityRow) -> Identity:
    return Identity(row.subject, Role(row.role), row.setting_id, row.display_name)


def _coordinators(session: Session) -> int:
    query = select(func.count()).where(IdentityRow.role == Role.COORDINATOR.value)
    return session.scalar(query) or 0


def set_identity(
    store: Store,
    subject: str,
    role: Role | str,
    *,
    setting_id: str | None = None,
    display_name: str = "",
    actor: str,
) -> Identity:
    """Add or change an identity's role (and setting, for a setting user)."""
    actor = check_actor(actor)
    wanted = Identity(check_email(subject), Role(role), setting_id, display_name.strip()[:200])

    def work(session: Session) -> Identity:
        now = datetime.now(UTC)
        row = session.get(IdentityRow, wanted.subject)
        if row is None:
            row = IdentityRow(subject=wanted.subject, created_at=now)
            session.add(row)
        elif (
            row.role == Role.COORDINATOR.value
            and wanted.role is not Role.COORDINATOR
            and _coordinators(session) <= 1
        ):
            raise LastCoordinator("the last coordinator cannot be given another role")
        row.role = wanted.role.value
        row.setting_id = wanted.setting_id
        row.display_name = wanted.display_name
        row.updated_at = now
        session.flush()
        record(
            session,
            actor,
            AuditAction.IDENTITY_SET,
            f"identity:{wanted.subject}",
            {"role": wanted.role.value, "setting_id": wanted.setting_id},
        )
        return _identity(row)

    return store.write(work)


def get_identity(store: Store, subject: str) -> Identity | None:
    """The identity for a signed-in e-mail address, or ``None`` (not allowed in)."""
    with store.read() as session:
        row = session.get(IdentityRow, normalise_subject(subject))
        return _identity(row) if row is not None else None


def list_identities(store: Store) -> list[Identity]:
    with store.read() as session:
        rows = session.scalars(select(IdentityRow).order_by(IdentityRow.subject))
        return [_identity(row) for row in rows]


def remove_identity(store: Store, subject: str, *, actor: str) -> bool:
    """Take an identity out (they can no longer sign in); ``False`` if it was not there."""
    actor = check_actor(actor)
    key = normalise_subject(subject)

    def work(session: Session) -> bool:
        row = session.get(IdentityRow, key)
        if row is None:
            return False
        if row.role == Role.COORDINATOR.value and _coordinators(session) <= 1:
            raise LastCoordinator("the last coordinator cannot be removed")
        session.delete(row)
        record(session, actor, AuditAction.IDENTITY_REMOVED, f"identity:{key}", {})
        return True

    return store.write(work)
