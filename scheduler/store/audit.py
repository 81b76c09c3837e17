"""The audit log: append an entry inside the transaction that did the thing, list entries.

Entries are never changed or deleted (the database refuses it: see the initial migration).
``details`` holds ids, counts and weights, never names, dates of birth or tokens: the log is
kept longer than the children's data and retention does not touch it.

Who acted is never a free string alone: the dashboard names the signed-in identity (or the
operating-system user running the provider-less local dashboard), the command line names the
operating-system user (:func:`cli_actor`), with whom they act for beside it. Entries are shown
with :func:`audit_line`, which escapes every control character, so an e-mail address holding a
newline cannot print as a second, forged entry.
"""

from __future__ import annotations

import getpass
import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.store.access import LOCAL_SUBJECT
from scheduler.store.db import Store
from scheduler.store.models import SUBJECT, AuditEntry
from scheduler.store.records import AuditAction, AuditRecord

TARGET_LENGTH = 200
ON_BEHALF_LENGTH = 200
_SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def os_user() -> str:
    """The operating-system user running this process (``unknown`` when it cannot be told)."""
    try:
        return printable(getpass.getuser()) or "unknown"
    except (KeyError, OSError):
        return "unknown"


def cli_actor(on_behalf_of: str | None = None) -> str:
    """``cli:<os user>``, with ``for <whom>`` when the user says whom they act for: the
    operating-system user is always recorded, so ``--actor`` cannot put words in anyone's mouth."""
    actor = f"cli:{os_user()}"
    whom = printable((on_behalf_of or "").strip())[:ON_BEHALF_LENGTH]
    return f"{actor} for {whom}" if whom else actor


def local_actor() -> str:
    """The provider-less local dashboard: ``local-coordinator:<os user running it>``."""
    return f"{LOCAL_SUBJECT}:{os_user()}"


def printable(text: str) -> str:
    """``text`` with backslashes and every control, format or line-separator character
    escaped (``\\n``, ``\\x1b``, ``\\u2028``): one line on any terminal, and unambiguous."""
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def audit_line(entry: AuditRecord) -> str:
    """One entry as one line: time, actor, action, target and details, all escaped."""
    details = " ".join(
        f"{printable(str(key))}={printable(str(value))}" for key, value in entry.details.items()
    )
    return (
        f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {printable(entry.actor):<28} "
        f"{entry.action.value:<20} {printable(entry.target)} {details}"
    ).rstrip()


def check_actor(actor: str) -> str:
    """Every change names who made it; an empty or over-long actor is a programming error."""
    actor = actor.strip()
    if not actor or len(actor) > SUBJECT:
        raise ValueError("an action needs an actor (the signed-in user, or cli:<user>)")
    return actor


def record(
    session: Session,
    actor: str,
    action: AuditAction,
    target: str = "",
    details: Mapping[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Add an entry in ``session``'s transaction: it commits (or vanishes) with the change."""
    session.add(
        AuditEntry(
            at=at or datetime.now(UTC),
            actor=check_actor(actor),
            action=AuditAction(action).value,
            target=target[:TARGET_LENGTH],
            details=json.dumps(dict(details or {}), sort_keys=True, allow_nan=False),
        )
    )


def append_audit(
    store: Store,
    actor: str,
    action: AuditAction,
    *,
    target: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record something that changed nothing in the store (a download, a sign-in, a refusal)."""
    store.write(lambda session: record(session, actor, action, target, details))


def list_audit(
    store: Store,
    *,
    limit: int = 200,
    action: AuditAction | None = None,
    actor: str | None = None,
    since: datetime | None = None,
) -> list[AuditRecord]:
    """The newest entries first, optionally only one action, one actor or since a time."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == AuditAction(action).value)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    with store.read() as session:
        return [
            AuditRecord(
                entry_id=row.id,
                at=row.at,
                actor=row.actor,
                action=AuditAction(row.action),
                target=row.target,
                details=json.loads(row.details),
            )
            for row in session.scalars(query)
        ]
