"""Calendar feed tokens: long random secrets in subscription URLs, stored only as SHA-256.

A coordinator issues one per setting (or practitioner) and hands the URL over once; the store
keeps the hash, so a copy of the database opens no calendar. Rotating revokes the old token
and issues a new one in the same transaction. Tokens are only made for ids in the stored data,
and expire after ``$SCHEDULER_FEED_TOKEN_DAYS`` days (default 365; 0: never) unless the issuer
says otherwise. Tokens never go into the audit log or any other
log: :class:`TokenRedactingFilter` scrubs them from web server access logs too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from scheduler.store.audit import check_actor, record
from scheduler.store.db import Store, rowcount
from scheduler.store.known import require_known
from scheduler.store.models import FeedToken
from scheduler.store.records import (
    AuditAction,
    FeedKind,
    FeedTarget,
    FeedTokenInfo,
    IssuedToken,
)

TOKEN_BYTES = 32
"""``secrets.token_urlsafe(32)``: 256 random bits, 43 URL-safe characters."""

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_TOKEN_IN_TEXT = re.compile(r"[A-Za-z0-9_-]{32,}")
KINDS: tuple[FeedKind, ...] = ("setting", "practitioner")

TOKEN_DAYS_ENV = "SCHEDULER_FEED_TOKEN_DAYS"
"""Environment variable: how many days a new feed token works (0: it does not expire)."""
DEFAULT_TOKEN_DAYS = 365


def default_lifetime_days(environ: Mapping[str, str] | None = None) -> int:
    """The configured lifetime of a new token in days (0: no expiry); ``ValueError`` when the
    setting is not a whole number of days."""
    raw = (os.environ if environ is None else environ).get(TOKEN_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_TOKEN_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days < 0:
        raise ValueError(f"{TOKEN_DAYS_ENV} must be a whole number of days (0: never expire)")
    return days


def _expiry(lifetime_days: int | None, now: datetime) -> datetime | None:
    days = default_lifetime_days() if lifetime_days is None else lifetime_days
    if days < 0:
        raise ValueError("a token's lifetime is a number of days (0: it does not expire)")
    return now + timedelta(days=days) if days else None


def hash_token(token: str) -> str:
    """The SHA-256 (hex) the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _kind(kind: str) -> FeedKind:
    for known in KINDS:
        if kind == known:
            return known
    raise ValueError(f"a feed is for a setting or a practitioner, not {kind!r}")


def _info(row: FeedToken) -> FeedTokenInfo:
    return FeedTokenInfo(
        token_id=row.id,
        kind=_kind(row.kind),
        target_id=row.target_id,
        created_at=row.created_at,
        created_by=row.created_by,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        expires_at=row.expires_at,
    )


def _new_token(
    session: Session, kind: FeedKind, target_id: str, actor: str, expires_at: datetime | None
) -> IssuedToken:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = FeedToken(
        kind=kind,
        target_id=target_id,
        token_hash=hash_token(token),
        created_at=datetime.now(UTC),
        created_by=actor,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, kind, target_id, token, expires_at)


def _expiry_details(issued: IssuedToken) -> dict[str, str | int | None]:
    expires = issued.expires_at.date().isoformat() if issued.expires_at else None
    return {"token_id": issued.token_id, "expires": expires}


def _revoke_active(session: Session, kind: FeedKind, target_id: str, actor: str) -> int:
    result = session.execute(
        update(FeedToken)
        .where(
            FeedToken.kind == kind,
            FeedToken.target_id == target_id,
            FeedToken.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC), revoked_by=actor)
    )
    return rowcount(result)


def _target_id(target_id: str) -> str:
    target_id = target_id.strip()
    if not target_id or len(target_id) > 100:
        raise ValueError("a feed needs the setting or practitioner id it is for")
    return target_id


def issue_feed_token(
    store: Store, kind: str, target_id: str, *, actor: str, lifetime_days: int | None = None
) -> IssuedToken:
    """A new token for the feed (others for the same feed stay valid); shown once. It works
    for ``lifetime_days`` (``None``: the configured default; 0: no expiry)."""
    actor, feed, target = check_actor(actor), _kind(kind), _target_id(target_id)
    expires_at = _expiry(lifetime_days, datetime.now(UTC))

    def work(session: Session) -> IssuedToken:
        require_known(session, feed, target)
        issued = _new_token(session, feed, target, actor, expires_at)
        record(
            session,
            actor,
            AuditAction.FEED_TOKEN_ISSUED,
            f"{feed}:{target}",
            _expiry_details(issued),
        )
        return issued

    return store.write(work)


def rotate_feed_token(
    store: Store, kind: str, target_id: str, *, actor: str, lifetime_days: int | None = None
) -> IssuedToken:
    """Revoke every active token of the feed and issue one new one, atomically."""
    actor, feed, target = check_actor(actor), _kind(kind), _target_id(target_id)
    expires_at = _expiry(lifetime_days, datetime.now(UTC))

    def work(session: Session) -> IssuedToken:
        require_known(session, feed, target)
        revoked = _revoke_active(session, feed, target, actor)
        issued = _new_token(session, feed, target, actor, expires_at)
        record(
            session,
            actor,
            AuditAction.FEED_TOKEN_ROTATED,
            f"{feed}:{target}",
            {**_expiry_details(issued), "revoked": revoked},
        )
        return issued

    return store.write(work)


def revoke_feed_tokens(store: Store, kind: str, target_id: str, *, actor: str) -> int:
    """Revoke every active token of the feed; returns how many were active."""
    actor, feed, target = check_actor(actor), _kind(kind), _target_id(target_id)

    def work(session: Session) -> int:
        revoked = _revoke_active(session, feed, target, actor)
        record(
            session,
            actor,
            AuditAction.FEED_TOKEN_REVOKED,
            f"{feed}:{target}",
            {"revoked": revoked},
        )
        return revoked

    return store.write(work)


def revoke_feed_token(store: Store, token_id: int, *, actor: str) -> bool:
    """Revoke one token by its id; ``False`` when unknown or already revoked."""
    actor = check_actor(actor)

    def work(session: Session) -> bool:
        row = session.get(FeedToken, token_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at, row.revoked_by = datetime.now(UTC), actor
        record(
            session,
            actor,
            AuditAction.FEED_TOKEN_REVOKED,
            f"{row.kind}:{row.target_id}",
            {"token_id": token_id, "revoked": 1},
        )
        return True

    return store.write(work)


def list_feed_tokens(store: Store, *, include_revoked: bool = False) -> list[FeedTokenInfo]:
    """Tokens as a coordinator manages them (ids, owners, dates; never values or hashes)."""
    query = select(FeedToken).order_by(FeedToken.kind, FeedToken.target_id, FeedToken.id)
    if not include_revoked:
        query = query.where(FeedToken.revoked_at.is_(None), _unexpired(datetime.now(UTC)))
    with store.read() as session:
        return [_info(row) for row in session.scalars(query)]


def _unexpired(now: datetime) -> ColumnElement[bool]:
    return or_(FeedToken.expires_at.is_(None), FeedToken.expires_at > now)


def resolve_feed_token(store: Store, token: object) -> FeedTarget | None:
    """Whose feed ``token`` opens, or ``None`` for anything else (wrong, revoked, expired,
    malformed)."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        return None
    digest = hash_token(token)
    with store.read() as session:
        row = session.scalars(
            select(FeedToken).where(
                FeedToken.token_hash == digest,
                FeedToken.revoked_at.is_(None),
                _unexpired(datetime.now(UTC)),
            )
        ).one_or_none()
        if row is None:
            return None
        return FeedTarget(_kind(row.kind), row.target_id)


def redact_tokens(text: str) -> str:
    """``text`` with anything token-shaped (32+ URL-safe characters) replaced by ``[redacted]``."""
    return _TOKEN_IN_TEXT.sub("[redacted]", text)


class TokenRedactingFilter(logging.Filter):
    """A logging filter that scrubs token-shaped strings from a record's message.

    Install it on the web server's access logger (e.g. ``tornado.access``) so that feed URLs
    never reach a log with their secret in them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
