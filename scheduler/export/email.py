"""Invitations as iTIP email (RFC 6047), and sending them through the authority's SMTP server.

A calendar client recognises an invitation by a ``text/calendar; method=REQUEST`` (or
``CANCEL``) part inside ``multipart/alternative``, whose ``METHOD`` matches the file's. The part
here is the ``.ics`` file byte for byte (base64, so no server rewraps or re-encodes it), and
the readable alternative is the same letter as the event's description.

Credentials are read from the environment variables the config names, never from files.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import compat32
from email.utils import format_datetime, make_msgid
from pathlib import Path

from scheduler.config import Organiser, SmtpConfig
from scheduler.export.ics import Invitation
from scheduler.export.letters import clean
from scheduler.export.uids import file_stem

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Where a password may travel without STARTTLS (a relay on the same machine)."""


class SendError(Exception):
    """Mail could not be sent (connection, TLS, login or configuration); the message says why."""


def _address(name: str, email: str) -> Address:
    username, _, domain = clean(email).rpartition("@")
    return Address(display_name=clean(name), username=username, domain=domain)


def _domain(email: str) -> str:
    return email.rpartition("@")[2] or "localhost"


def _calendar_part(invitation: Invitation) -> EmailMessage:
    """The ``.ics`` as a MIME part whose header reads exactly ``text/calendar; method=REQUEST;
    charset=UTF-8``, as Outlook and Google write it (the modern email API would quote the
    values; legal, but not what every client has been tested against)."""
    part = EmailMessage(policy=compat32)  # keeps the header exactly as written
    part["Content-Type"] = f"text/calendar; method={invitation.method}; charset=UTF-8"
    part.set_payload(invitation.ics)
    encoders.encode_base64(part)
    return part


def invitation_email(
    invitation: Invitation, organiser: Organiser, *, sent_at: datetime
) -> EmailMessage:
    """One iTIP message: From the organiser, To every recipient, text and calendar parts."""
    message = EmailMessage()
    message["Subject"] = clean(invitation.subject)
    message["From"] = _address(organiser.name, organiser.email)
    message["To"] = [_address(person.name, person.email) for person in invitation.recipients]
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=_domain(organiser.email))
    message.set_content(invitation.text, charset="utf-8", cte="quoted-printable")
    message.make_alternative()
    message.attach(_calendar_part(invitation))
    # After make_alternative, which moves every Content-* header into the text part.
    message["Content-Class"] = "urn:content-classes:calendarmessage"
    return message


def recipients_of(invitations: Iterable[Invitation]) -> list[str]:
    """Every address that will receive mail (for a dry-run summary)."""
    return sorted({p.email for i in invitations for p in i.recipients})


def eml_name(invitation: Invitation) -> str:
    """``C0123-request.eml`` / ``C0123-cancel.eml``."""
    return f"{file_stem(invitation.child_id)}-{invitation.method.lower()}.eml"


def write_eml(messages: Sequence[tuple[Invitation, EmailMessage]], out_dir: Path) -> list[Path]:
    """Write each message as an ``.eml`` file (what would be sent) and return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for invitation, message in messages:
        path = out_dir / eml_name(invitation)
        path.write_bytes(bytes(message))
        paths.append(path)
    return paths


@dataclass
class SendReport:
    """What happened to each message: sent, or refused by the server (and why)."""

    sent: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def credentials(smtp: SmtpConfig, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The login from the environment variables the config names, or ``None`` for no login."""
    username = environ.get(smtp.username_env, "")
    password = environ.get(smtp.password_env, "")
    if not username and not password:
        return None
    if not username or not password:
        raise SendError(
            f"set both {smtp.username_env} and {smtp.password_env} to log in, or neither"
        )
    return username, password


def message_label(invitation: Invitation) -> str:
    """``C0123 REQUEST``: how a message is named in reports (ids only, no names)."""
    return f"{invitation.child_id} {invitation.method}"


def send_emails(
    messages: Sequence[tuple[str, EmailMessage]],
    smtp: SmtpConfig,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> SendReport:
    """Send through one SMTP connection: STARTTLS when configured, login when the
    environment holds credentials. A refused recipient does not stop the other messages.

    ``messages`` pairs a label (see :func:`message_label`) with each message; the report uses
    the labels, so nothing personal ends up in terminal output or logs.
    """
    login = credentials(smtp, os.environ if environ is None else environ)
    if login is not None and not smtp.starttls and smtp.host not in LOCAL_HOSTS:
        raise SendError(
            f"refusing to send the SMTP password to {smtp.host} unencrypted; "
            "set [smtp] starttls = true"
        )
    report = SendReport()
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if login is not None:
                server.login(*login)
            for label, message in messages:
                try:
                    refused = server.send_message(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    report.refused[label] = ", ".join(sorted(exc.recipients))
                    continue
                except smtplib.SMTPDataError as exc:
                    report.refused[label] = f"{exc.smtp_code} {exc.smtp_error!r}"
                    continue
                if refused:
                    report.refused[label] = ", ".join(sorted(refused))
                report.sent.append(label)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"cannot send through {smtp.host}:{smtp.port}: {exc}") from exc
    return report
