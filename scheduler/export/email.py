"""Invitations as iTIP email (RFC 6047), and sending them through the authority's SMTP server.

A calendar client recognises an invitation by a ``text/calendar; method=REQUEST`` (or
``CANCEL``) part inside ``multipart/alternative``, whose ``METHOD`` matches the file's. The part
here is the ``.ics`` file byte for byte (base64, so no server rewraps or re-encodes it), and
the readable alternative is the same letter as the event's description.

Sending (:func:`deliver`) goes through a :class:`~scheduler.ledger.MessageLedger`: each
recipient's acceptance is committed as the server gives it, a dropped connection or a ``4xx``
answer is retried with growing waits (reconnecting), a ``5xx`` is a permanent refusal, and a
later run sends only what is still pending. Each message's id is stable (:func:`message_id`:
method, UID, SEQUENCE and a digest of its content), and so is its ``Message-ID`` header, so a
copy the server took just as the connection died is recognisable as the same message (and an
iTIP ``REQUEST`` with the same UID and SEQUENCE is the same invitation to a calendar client).

Reports name messages by child id and method and recipients by their part (parent,
practitioner, key person), never by address; server replies are shown with addresses blanked.

Credentials are read from the environment variables the config names, never from files.
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import compat32
from email.utils import format_datetime
from pathlib import Path

from scheduler.config import Organiser, SmtpConfig
from scheduler.export.ics import Invitation
from scheduler.export.letters import clean
from scheduler.export.uids import file_stem
from scheduler.ledger import MessageLedger

EMAIL = "email"
"""The ledger channel of these messages."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Where a password may travel without STARTTLS (a relay on the same machine)."""


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


def message_id(invitation: Invitation) -> str:
    """The invitation's stable id for the ledger: ``itip:METHOD:UID:SEQUENCE:digest``.

    The digest covers the calendar (less its ``DTSTAMP``, which only says when it was built)
    and the recipients, so a re-run of the same plan gives the same ids and anything changed
    gets a new one.
    """
    content = b"\n".join(
        line for line in invitation.ics.splitlines() if not line.startswith(b"DTSTAMP")
    )
    people = "\n".join(sorted(p.email.strip().lower() for p in invitation.recipients))
    digest = hashlib.sha256(content + b"\0" + people.encode("utf-8")).hexdigest()[:16]
    return f"itip:{invitation.method}:{invitation.uid}:{invitation.sequence}:{digest}"


def recipient_key(message: str, address: str) -> str:
    """A recipient's key in the ledger: a digest, so the ledger holds no address."""
    data = f"{message}\0{address.strip().lower()}".encode()
    return hashlib.sha256(data).hexdigest()[:32]


def invitation_email(
    invitation: Invitation, organiser: Organiser, *, sent_at: datetime
) -> EmailMessage:
    """One iTIP message: From the organiser, To every recipient, text and calendar parts; its
    ``Message-ID`` is derived from :func:`message_id` (the same in every run)."""
    message = EmailMessage()
    message["Subject"] = clean(invitation.subject)
    message["From"] = _address(organiser.name, organiser.email)
    message["To"] = [_address(person.name, person.email) for person in invitation.recipients]
    message["Date"] = format_datetime(sent_at)
    stable = hashlib.sha256(message_id(invitation).encode()).hexdigest()[:32]
    message["Message-ID"] = f"<ir-{stable}@{_domain(organiser.email)}>"
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


@dataclass(frozen=True, slots=True)
class Recipient:
    """One address a message goes to, its ledger key and its part in the review."""

    key: str
    address: str
    who: str
    """``parent``, ``practitioner``, ``key person`` …: what reports say instead of the address."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send: stable id, label for reports (ids only), the email, its people."""

    message_id: str
    label: str
    message: EmailMessage
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True, slots=True)
class Retry:
    """How hard to try: after a dropped connection or a ``4xx``, wait ``wait`` seconds, then
    twice as long each time (at most ``max_wait``), up to ``attempts`` retries in a row."""

    attempts: int = 5
    wait: float = 5.0
    max_wait: float = 300.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_wait, self.wait * 2 ** max(0, failures - 1)))


@dataclass
class DeliveryReport:
    """What became of each message in this run (by label): every message is in exactly one of
    ``sent`` (this run, every recipient accepted or permanently refused), ``already`` (done in
    an earlier run), ``failed`` (some recipient refused for good: why) or ``left`` (someone
    still pending when the run stopped: why; run again to send them)."""

    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)


class SendError(Exception):
    """Mail could not be sent (connection, TLS, login or configuration); the message says why.

    ``report`` is what had happened by then (accepted messages are in the ledger)."""

    def __init__(self, message: str, report: DeliveryReport | None = None) -> None:
        super().__init__(message)
        self.report = report or DeliveryReport()


_ADDRESS_IN_TEXT = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


def scrub(text: object) -> str:
    """A server's reply as one short line with any e-mail address blanked out."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    line = " ".join(str(text).split())
    return _ADDRESS_IN_TEXT.sub("[address]", line)[:160]


def _fatal(exc: BaseException) -> bool:
    """Failures another attempt cannot mend: login refused, TLS missing or untrusted."""
    return isinstance(
        exc, smtplib.SMTPAuthenticationError | smtplib.SMTPNotSupportedError | ssl.SSLError
    )


def _connect(smtp: SmtpConfig, login: tuple[str, str] | None, timeout: float) -> smtplib.SMTP:
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    try:
        server.ehlo()
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if login is not None:
            server.login(*login)
    except BaseException:
        server.close()
        raise
    return server


def _quit(server: smtplib.SMTP | None) -> None:
    if server is None:
        return
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


@dataclass
class _Queued:
    item: Outgoing
    tries: int = 0
    not_before: float = 0.0


def _parts(recipients: Iterable[Recipient]) -> str:
    """``the parent``, ``the practitioner and the parent`` …, for reports."""
    names = sorted({r.who for r in recipients})
    return "the " + " and the ".join(names) if names else "nobody"


def deliver(
    messages: Sequence[Outgoing],
    smtp: SmtpConfig,
    ledger: MessageLedger,
    *,
    retry: Retry = Retry(),
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Send each message to its recipients that the ledger does not already record, over one
    SMTP connection re-opened as needed (see the module notes). Each acceptance or permanent
    refusal is committed to ``ledger`` as it happens.

    ``SendError`` for what retrying cannot mend (login refused, STARTTLS missing, a certificate
    not trusted), with the report so far.
    """
    login = credentials(smtp, os.environ if environ is None else environ)
    if login is not None and not smtp.starttls and smtp.host not in LOCAL_HOSTS:
        raise SendError(
            f"refusing to send the SMTP password to {smtp.host} unencrypted; "
            "set [smtp] starttls = true"
        )
    report = DeliveryReport()
    refused_before: dict[str, list[Recipient]] = {}
    queue: deque[_Queued] = deque()
    for item in messages:
        outcomes = ledger.outcomes(item.message_id)
        earlier = [r for r in item.recipients if outcomes.get(r.key) == "refused"]
        if any(r.key not in outcomes for r in item.recipients):
            queue.append(_Queued(item))
            refused_before[item.label] = earlier
        elif earlier:  # finished in an earlier run, but not everyone got it
            report.failed[item.label] = f"refused in an earlier run for {_parts(earlier)}"
        else:
            report.already.append(item.label)
    server: smtplib.SMTP | None = None
    streak = 0  # connection failures in a row
    where = f"{smtp.host}:{smtp.port}"

    def finish(queued: _Queued, refused: list[Recipient], why: str) -> None:
        if refused:
            report.failed[queued.item.label] = why
        else:
            report.sent.append(queued.item.label)

    try:
        while queue:
            queued = queue.popleft()
            item = queued.item
            wait = queued.not_before - clock()
            if wait > 0:
                sleep(wait)
            open_keys = set(ledger.pending(item.message_id, [r.key for r in item.recipients]))
            pending = [r for r in item.recipients if r.key in open_keys]
            if not pending:  # finished meanwhile (another attempt recorded the rest)
                finish(queued, refused_before[item.label], "refused before")
                continue
            try:
                if server is None:
                    server = _connect(smtp, login, timeout)
                refused_now = server.send_message(
                    item.message, to_addrs=[r.address for r in pending]
                )
                streak = 0
            except smtplib.SMTPRecipientsRefused as exc:
                refused_now, streak = dict(exc.recipients), 0
            except Exception as exc:  # classified below; never a traceback
                if _fatal(exc):
                    raise SendError(f"cannot send through {where}: {scrub(exc)}", report) from exc
                code = getattr(exc, "smtp_code", None)
                if isinstance(code, int) and 500 <= code < 600:  # the message itself refused
                    detail = f"{code} {scrub(getattr(exc, 'smtp_error', ''))}".strip()
                    ledger.record(item.message_id, EMAIL, refused={r.key: detail for r in pending})
                    finish(queued, pending, f"refused for {_parts(pending)} ({detail})")
                    continue
                _quit(server)  # dropped, 4xx or unreachable: reconnect after a wait
                server = None
                streak += 1
                why = f"cannot send through {where}: {scrub(exc) or type(exc).__name__}"
                if streak > retry.attempts:
                    report.left[item.label] = why
                    for rest in queue:
                        report.left[rest.item.label] = why
                    queue.clear()
                    break
                sleep(retry.delay(streak))
                queue.appendleft(queued)
                continue
            accepted, permanent, temporary = [], {}, []
            for r in pending:
                reply = refused_now.get(r.address)
                if reply is None:
                    accepted.append(r)
                    continue
                code, text = reply
                if 400 <= code < 500:
                    temporary.append(r)
                else:
                    permanent[r.key] = f"{code} {scrub(text)}".strip()
            ledger.record(
                item.message_id, EMAIL, accepted=[r.key for r in accepted], refused=permanent
            )
            refused = [*refused_before[item.label], *(r for r in pending if r.key in permanent)]
            if temporary:
                queued.tries += 1
                codes = ", ".join(sorted({str(refused_now[r.address][0]) for r in temporary}))
                why = f"not yet accepted for {_parts(temporary)} ({codes})"
                if queued.tries > retry.attempts:
                    report.left[item.label] = why
                else:
                    queued.not_before = clock() + retry.delay(queued.tries)
                    refused_before[item.label] = refused
                    queue.append(queued)
                continue
            details = sorted(set(permanent.values()))
            finish(queued, refused, f"refused for {_parts(refused)} ({'; '.join(details)})")
    finally:
        _quit(server)
    return report


def send_emails(
    messages: Sequence[tuple[str, EmailMessage]],
    smtp: SmtpConfig,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> SendReport:
    """Send once, without a ledger or retries (a quick check of the server settings):
    ``SendError`` if the server cannot be reached. Recipients are named by address here:
    this is for checking a configuration, not for the families' messages."""
    outgoing = []
    for label, message in messages:
        addresses = [a.addr_spec for a in message["To"].addresses]
        people = tuple(Recipient(recipient_key(label, a), a, a) for a in addresses)
        outgoing.append(Outgoing(label, label, message, people))
    with MessageLedger.open(None) as ledger:
        result = deliver(
            outgoing, smtp, ledger, retry=Retry(attempts=0), environ=environ, timeout=timeout
        )
    if result.left:
        raise SendError(next(iter(result.left.values())), result)
    return SendReport(
        sent=[*result.sent, *result.failed],
        refused={label: why for label, why in result.failed.items()},
    )
