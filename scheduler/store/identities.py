"""Who may sign in, as what: the identities table that coordinators manage.

Coordinators name people by e-mail address (lower-cased). Nobody is in the table by default;
the first coordinator is added from the command line
(``scheduler store identities set EMAIL coordinator``). The last coordinator cannot be removed
or demoted, so the store can never be left with nobody able to manage it.

Signing in (:func:`sign_in`) trusts an address only when the provider says, with a literal
``true``, that it verified it: a string ``"false"``, a missing claim or anything else is
refused. The first successful sign-in ties the identity to the provider's account (issuer +
``sub``); from then on that account is the key: another account at any provider presenting the
same address is refused, and the tied account still gets in if its address changes. Removing
the identity, or ``unbind_identity``, unties it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.store.access import Identity, Role, normalise_subject
from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store
from scheduler.store.known import require_known
from scheduler.store.models import ISSUER, PROVIDER_SUBJECT, IdentityRow
from scheduler.store.records import AuditAction, SignInResult, StoreError


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
        if wanted.setting_id is not None:
            require_known(session, "setting", wanted.setting_id)
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


def _account(claims: Mapping[str, Any]) -> tuple[str, str] | None:
    """The provider account (issuer, subject) named by the claims, or ``None``."""
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str):
        return None
    issuer, subject = issuer.strip(), subject.strip()
    if not issuer or not subject or len(issuer) > ISSUER or len(subject) > PROVIDER_SUBJECT:
        return None
    return issuer, subject


def sign_in(store: Store, claims: Mapping[str, Any]) -> SignInResult:
    """Who the signed-in provider account is (``claims``: the ID token's, as ``st.user`` has
    them), binding the identity to the account on its first sign-in; see the module notes."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return SignInResult(None, refusal="no_email")
    email = email.strip()
    if claims.get("email_verified") is not True:  # only a literal JSON true
        return SignInResult(None, email, "unverified")
    account = _account(claims)
    if account is None:
        return SignInResult(None, email, "no_account")
    issuer, provider_subject = account
    key = normalise_subject(email)

    def work(session: Session) -> SignInResult:
        bound = session.scalars(
            select(IdentityRow).where(
                IdentityRow.issuer == issuer, IdentityRow.provider_subject == provider_subject
            )
        ).one_or_none()
        if bound is not None:
            return SignInResult(_identity(bound), email)
        row = session.get(IdentityRow, key)
        if row is None:
            return SignInResult(None, email, "unknown")
        if row.issuer is not None or row.provider_subject is not None:
            return SignInResult(None, email, "other_account")
        row.issuer, row.provider_subject = issuer, provider_subject
        session.flush()
        record(
            session,
            row.subject,
            AuditAction.IDENTITY_BOUND,
            f"identity:{row.subject}",
            {"issuer": issuer[:200]},
        )
        return SignInResult(_identity(row), email)

    with store.read() as session:  # the usual case, a bound account: no write lock needed
        bound = session.scalars(
            select(IdentityRow).where(
                IdentityRow.issuer == issuer, IdentityRow.provider_subject == provider_subject
            )
        ).one_or_none()
        if bound is not None:
            return SignInResult(_identity(bound), email)
    return store.write(work)


def unbind_identity(store: Store, subject: str, *, actor: str) -> bool:
    """Untie an identity from its provider account (the person's account was replaced); the
    next sign-in with a verified address binds again. ``False`` if it was not bound."""
    actor = check_actor(actor)
    key = normalise_subject(subject)

    def work(session: Session) -> bool:
        row = session.get(IdentityRow, key)
        if row is None or (row.issuer is None and row.provider_subject is None):
            return False
        row.issuer = row.provider_subject = None
        row.updated_at = datetime.now(UTC)
        record(session, actor, AuditAction.IDENTITY_UNBOUND, f"identity:{key}", {})
        return True

    return store.write(work)


def bound_identities(store: Store) -> set[str]:
    """The subjects already tied to a provider account (for listings)."""
    with store.read() as session:
        query = select(IdentityRow.subject).where(IdentityRow.issuer.is_not(None))
        return set(session.scalars(query))
