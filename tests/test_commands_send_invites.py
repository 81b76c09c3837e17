"""Invitations as email: iTIP structure, and delivery to a real SMTP server on localhost."""

from __future__ import annotations

import shutil
import socket
import ssl
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import ics_fixtures as fx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from builders import make_plan
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import send_invites as send_invites_command
from scheduler.config import SmtpConfig
from scheduler.domain import Authority
from scheduler.export.email import (
    Outgoing,
    Recipient,
    Retry,
    SendError,
    deliver,
    invitation_email,
    message_id,
    message_label,
    send_emails,
)
from scheduler.export.ics import Invitation, build_calendars
from scheduler.io.plan_files import read_plan, write_plan
from scheduler.io.write_data import write_authority
from scheduler.ledger import LedgerBusy, MessageLedger

LATER = datetime(2026, 9, 15, 12, 30, tzinfo=UTC)


@dataclass
class Arrival:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps everything it receives."""

    arrivals: list[Arrival] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.authenticated else None
        self.arrivals.append(
            Arrival(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,
                session.ssl is not None,
                login,
            )
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on a free localhost port, no TLS, no login."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def _parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _calendar_bytes(message: EmailMessage) -> bytes:
    payload = _calendar_part(message).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def _calendar_part(message: EmailMessage) -> EmailMessage:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    assert isinstance(part, EmailMessage)
    return part


def _addresses(message: EmailMessage) -> set[str]:
    return {a.addr_spec for a in message["To"].addresses}


def _data(tmp_path: Path, port: int, **smtp: Any) -> tuple[Authority, Path]:
    data = fx.authority(smtp={"host": "127.0.0.1", "port": port, **smtp})
    folder = tmp_path / "data"
    write_authority(data, folder)
    return data, folder


def _plan_folder(data: Authority, data_dir: Path, folder: Path, **kwargs: Any) -> Path:
    plan = make_plan(data, kwargs.pop("appointments", fx.appointments(data)), **kwargs)
    plan = replace(plan, summary=replace(plan.summary, data_path=str(data_dir)))
    write_plan(plan, folder)
    return folder


# --------------------------------------------------------------------------- structure


def test_invitation_email_is_an_itip_message_matching_the_file() -> None:
    """multipart/alternative: text/plain letter + text/calendar; method=REQUEST, same bytes."""
    data = fx.authority()
    invitation = build_calendars(data, fx.plan(data)).invites["C001"]
    message = invitation_email(invitation, data.config.organiser, sent_at=LATER)
    parsed = _parse(bytes(message))
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/calendar"]
    part = _calendar_part(parsed)
    assert b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8\n" in bytes(message)
    assert part.get_param("method") == "REQUEST" and part.get_param("charset") == "UTF-8"
    assert part.get_payload(decode=True) == invitation.ics
    text = next(parsed.iter_parts())
    assert "red book" in text.get_content()
    assert _addresses(parsed) == {r.email for r in invitation.recipients}
    names = {a.display_name for a in parsed["To"].addresses}
    assert "Mary O'Brien, Sr; Jr" in names  # quoted, not split at the comma
    assert parsed["From"].addresses[0].addr_spec == fx.COORDINATOR
    assert parsed["Content-Class"] == "urn:content-classes:calendarmessage"  # Outlook's marker
    assert "Zoë Ann O'Brien" in str(parsed["Subject"])


def test_cancellation_email_uses_method_cancel() -> None:
    """A dropped review's email carries text/calendar; method=CANCEL."""
    data = fx.authority()
    old = fx.plan(data)
    new = make_plan(data, fx.appointments(data)[1:], created_at=LATER)
    cancel = build_calendars(data, new, previous=old).cancellations["C001"]
    message = invitation_email(cancel, data.config.organiser, sent_at=LATER)
    part = _calendar_part(message)
    assert b"Content-Type: text/calendar; method=CANCEL; charset=UTF-8\n" in bytes(message)
    assert part.get_payload(decode=True) == cancel.ics
    assert message_label(cancel) == "C001 CANCEL"


# --------------------------------------------------------------------------- delivery


def test_send_invites_delivers_each_invitation_to_its_people(
    smtp_server: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """``send-invites PLAN``: one message per review, to everyone on it, calendar part = file."""
    mailbox, port = smtp_server
    data, data_dir = _data(tmp_path, port)
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    assert main(["send-invites", str(plan_dir)]) == 0
    expected = build_calendars(data, read_plan(plan_dir)).invites
    assert len(mailbox.arrivals) == 3
    for arrival in mailbox.arrivals:
        uid_line = next(
            line
            for line in _calendar_bytes(arrival.message).split(b"\r\n")
            if line.startswith(b"UID:ir+")
        )
        child = uid_line.split(b"+")[2].split(b"@")[0].decode()
        invitation = expected[child]
        assert _calendar_part(arrival.message).get_payload(decode=True) == invitation.ics
        assert sorted(arrival.rcpt_tos) == sorted(r.email for r in invitation.recipients)
        assert _addresses(arrival.message) == set(arrival.rcpt_tos)
        assert arrival.mail_from == fx.COORDINATOR
        assert not arrival.tls and arrival.login is None
    assert {tuple(sorted(a.rcpt_tos)) for a in mailbox.arrivals} == {
        ("ana@acorns.example.org", "mary.obrien@example.com", "p001@health.example.org"),
        ("ana@acorns.example.org", "p001@health.example.org"),
        ("nowak@example.com", "p002@health.example.org"),
    }


def test_send_invites_after_a_replan_sends_updates_and_cancellations_only(
    smtp_server: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """``--previous``: the moved review's REQUEST (SEQUENCE 1) and the dropped one's CANCEL."""
    mailbox, port = smtp_server
    data, data_dir = _data(tmp_path, port)
    old_dir = _plan_folder(data, data_dir, tmp_path / "old")
    new_appointments = [  # C001 an hour later, C003 dropped
        replace(a, start=a.start + 60, end=a.end + 60, pre_meeting_start=a.start + 45)
        if a.child_id == "C001"
        else a
        for a in fx.appointments(data)
        if a.child_id != "C003"
    ]
    new_dir = _plan_folder(
        data, data_dir, tmp_path / "new", appointments=new_appointments, created_at=LATER
    )
    assert main(["send-invites", str(new_dir), "--previous", str(old_dir)]) == 0
    methods = {}
    for arrival in mailbox.arrivals:
        part = _calendar_part(arrival.message)
        method = part.get_param("method")
        body = part.get_payload(decode=True)
        methods[method] = body
        assert f"METHOD:{method}".encode() in body
    assert set(methods) == {"REQUEST", "CANCEL"}
    assert b"SEQUENCE:1" in methods["REQUEST"]
    assert b"DTSTART;TZID=Europe/London:20261020T110000" in methods["REQUEST"]
    assert b"STATUS:CANCELLED" in methods["CANCEL"] and b"C003@" in methods["CANCEL"]
    assert read_plan(new_dir).sequences  # the new plan remembers what was sent


def test_dry_run_writes_eml_files_and_sends_nothing(
    smtp_server: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """``--dry-run --out DIR`` writes one .eml per message, identical calendar parts."""
    mailbox, port = smtp_server
    data, data_dir = _data(tmp_path, port)
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    out = tmp_path / "eml"
    assert main(["send-invites", str(plan_dir), "--dry-run", "--out", str(out)]) == 0
    assert mailbox.arrivals == []
    names = sorted(p.name for p in out.iterdir())
    assert names == ["C001-request.eml", "C002-request.eml", "C003-request.eml"]
    invites = build_calendars(data, read_plan(plan_dir)).invites
    parsed = _parse((out / names[0]).read_bytes())
    assert _calendar_bytes(parsed) == invites["C001"].ics


def test_unreachable_server_is_reported_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No server listening: exit status 1 and one plain error line."""
    data, data_dir = _data(tmp_path, _free_port())
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    assert main(["send-invites", str(plan_dir), "--retries", "1", "--retry-wait", "0"]) == 1
    out, err = capsys.readouterr()
    assert "cannot send through 127.0.0.1" in err and "Traceback" not in err
    assert "Sent 0 of 3 message(s), failed 0, left 3" in out


# --------------------------------------------------------------------------- login and TLS


def _one_message() -> list[tuple[str, EmailMessage]]:
    data = fx.authority()
    invitation: Invitation = build_calendars(data, fx.plan(data)).invites["C003"]
    return [("C003 REQUEST", invitation_email(invitation, data.config.organiser, sent_at=LATER))]


def test_login_uses_credentials_from_the_environment_only() -> None:
    """Username and password come from the variables [smtp] names; none set, no login."""
    mailbox = Mailbox()
    port = _free_port()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"coord",
            b"s3cret",
        )
        return AuthResult(success=ok, auth_data=data if ok else None)

    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        smtp = SmtpConfig(host="127.0.0.1", port=port, username_env="U_ENV", password_env="P_ENV")
        report = send_emails(_one_message(), smtp, environ={"U_ENV": "coord", "P_ENV": "s3cret"})
        assert report.sent == ["C003 REQUEST"] and report.refused == {}
        send_emails(_one_message(), smtp, environ={})
        with pytest.raises(SendError):
            wrong = {"U_ENV": "coord", "P_ENV": "wrong"}  # aiosmtpd stalls after a failed AUTH
            send_emails(_one_message(), smtp, environ=wrong, timeout=2)
        with pytest.raises(SendError, match="both"):
            send_emails(_one_message(), smtp, environ={"U_ENV": "coord"})
    finally:
        controller.stop()
    assert [a.login for a in mailbox.arrivals] == ["coord", None]


def test_password_is_never_sent_unencrypted_to_another_host() -> None:
    """Credentials set, STARTTLS off, a remote server: refuse before connecting."""
    smtp = SmtpConfig(host="smtp.example.org", port=587, starttls=False)
    environ = {smtp.username_env: "coord", smtp.password_env: "s3cret"}
    with pytest.raises(SendError, match="starttls"):
        send_emails(_one_message(), smtp, environ=environ)


def test_starttls_configured_but_not_offered_fails(smtp_server: tuple[Mailbox, int]) -> None:
    """[smtp] starttls = true against a server without TLS: nothing goes out in the clear."""
    mailbox, port = smtp_server
    with pytest.raises(SendError):
        send_emails(_one_message(), SmtpConfig(host="127.0.0.1", port=port, starttls=True))
    assert mailbox.arrivals == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test cert")
def test_starttls_encrypts_the_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With STARTTLS the message arrives over TLS, the server's certificate verified."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts only this certificate
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        smtp = SmtpConfig(host="127.0.0.1", port=port, starttls=True)
        report = send_emails(_one_message(), smtp, environ={})
    finally:
        controller.stop()
    assert report.sent == ["C003 REQUEST"]
    assert [a.tls for a in mailbox.arrivals] == [True]


# --------------------------------------------------------------------------- resuming


@dataclass
class FlakyMailbox(Mailbox):
    """A real server that misbehaves on cue: drops the connection (no reply) at the next
    ``MAIL FROM`` once ``drop_after`` messages have arrived (``drops`` times), answers ``451``
    to the DATA of the next message ``busy`` times, or refuses one address for good (``550``)."""

    drop_after: int | None = None
    drops: int = 1_000_000
    busy: int = 0
    refuse: str = ""

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.drop_after is not None and len(self.arrivals) >= self.drop_after and self.drops:
            self.drops -= 1
            server.transport.close()  # gone mid-conversation, as a crashed relay is
            return "421 4.3.2 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address == self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky() -> Iterator[tuple[FlakyMailbox, int]]:
    mailbox = FlakyMailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def _deliveries(mailbox: Mailbox) -> list[tuple[str, str]]:
    """(event UID line, recipient) for every delivery: a duplicate shows up twice."""
    out = []
    for arrival in mailbox.arrivals:
        uid = next(
            line
            for line in _calendar_bytes(arrival.message).split(b"\r\n")
            if line.startswith(b"UID:")
        ).decode()
        out += [(uid, rcpt) for rcpt in arrival.rcpt_tos]
    return out


NO_WAIT = ["--retry-wait", "0"]


def test_a_dropped_connection_is_resumed_by_a_second_run_without_duplicates(
    flaky: tuple[FlakyMailbox, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server drops the connection after 2 messages and stays away: the run reports
    sent 2 / failed 0 / left 1 and exits 1; the next run sends only the one left."""
    mailbox, port = flaky
    data, data_dir = _data(tmp_path, port)
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    mailbox.drop_after = 2
    assert main(["send-invites", str(plan_dir), "--retries", "2", *NO_WAIT]) == 1
    out, err = capsys.readouterr()
    assert "Sent 2 of 3 message(s), failed 0, left 1" in out
    assert "Run the same command again" in out and "Traceback" not in err
    assert len(mailbox.arrivals) == 2

    mailbox.drop_after = None
    assert main(["send-invites", str(plan_dir), *NO_WAIT]) == 0
    out, _ = capsys.readouterr()
    assert "Sent 3 of 3 message(s) (2 in an earlier run), failed 0, left 0" in out
    delivered = _deliveries(mailbox)
    assert len(mailbox.arrivals) == 3 and len(delivered) == len(set(delivered)) == 7

    assert main(["send-invites", str(plan_dir), *NO_WAIT]) == 0  # a third run sends nothing
    assert "(3 in an earlier run)" in capsys.readouterr().out
    assert len(mailbox.arrivals) == 3
    ledger = b"".join(f.read_bytes() for f in plan_dir.glob("messages.sqlite*"))
    assert b"example.com" not in ledger and b"example.org" not in ledger  # keys, not addresses


def test_transient_failures_are_retried_in_the_same_run(
    flaky: tuple[FlakyMailbox, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dropped connection after the first message and a 451 on the next: the run reconnects,
    retries and delivers everything once."""
    mailbox, port = flaky
    data, data_dir = _data(tmp_path, port)
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    mailbox.drop_after, mailbox.drops, mailbox.busy = 1, 1, 1
    assert main(["send-invites", str(plan_dir), "--retries", "3", *NO_WAIT]) == 0
    assert "Sent 3 of 3 message(s), failed 0, left 0" in capsys.readouterr().out
    delivered = _deliveries(mailbox)
    assert len(mailbox.arrivals) == 3 and len(delivered) == len(set(delivered))


def test_a_refused_parent_address_is_reported_by_role_never_by_address(
    flaky: tuple[FlakyMailbox, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 550 for the parent: the others get the message, the output says "the parent" and
    never the address (not even inside the server's reply), and a re-run does not resend."""
    mailbox, port = flaky
    data, data_dir = _data(tmp_path, port)
    plan_dir = _plan_folder(data, data_dir, tmp_path / "plan")
    mailbox.refuse = "mary.obrien@example.com"
    assert main(["send-invites", str(plan_dir), *NO_WAIT]) == 1
    out, err = capsys.readouterr()
    assert "failed C001 REQUEST: refused for the parent (550" in err
    assert "Sent 2 of 3 message(s), failed 1, left 0" in out
    for address in ("mary.obrien@example.com", "nowak@example.com", "@example"):
        assert address not in out + err
    assert "ana@acorns.example.org" in {r for _, r in _deliveries(mailbox)}
    before = len(mailbox.arrivals)
    assert main(["send-invites", str(plan_dir), *NO_WAIT]) == 1  # still not delivered to all
    out, err = capsys.readouterr()
    assert "refused in an earlier run for the parent" in err and "@" not in err
    assert len(mailbox.arrivals) == before


def test_back_off_doubles_between_retries(tmp_path: Path) -> None:
    """Against a server that is not there, the waits grow 1, 2, 4 … up to the cap, and the
    run gives up after the configured retries with every message left."""
    data = fx.authority()
    invitation = build_calendars(data, fx.plan(data)).invites["C001"]
    message = invitation_email(invitation, data.config.organiser, sent_at=LATER)
    item = Outgoing(message_id(invitation), "C001 REQUEST", message, ())
    item = replace(item, recipients=(Recipient("k", "p001@health.example.org", "practitioner"),))
    waits: list[float] = []
    with MessageLedger.open(tmp_path / "ledger.sqlite") as ledger:
        report = deliver(
            [item],
            SmtpConfig(host="127.0.0.1", port=_free_port()),
            ledger,
            retry=Retry(attempts=5, wait=1.0, max_wait=8.0),
            sleep=waits.append,
        )
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert report.left == {"C001 REQUEST": report.left["C001 REQUEST"]} and not report.sent


def test_the_ledger_is_private_and_one_run_at_a_time(tmp_path: Path) -> None:
    """The ledger file is 0600, holds no address, and a second run cannot take it."""
    path = tmp_path / "plan" / "messages.sqlite"
    with MessageLedger.open(path) as ledger, ledger.exclusive():
        ledger.record("itip:REQUEST:x:0:abc", "email", accepted=["key-1"], refused={"key-2": "550"})
        with MessageLedger.open(path) as other, pytest.raises(LedgerBusy), other.exclusive():
            pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with MessageLedger.open(path) as ledger:
        assert ledger.outcomes("itip:REQUEST:x:0:abc") == {"key-1": "accepted", "key-2": "refused"}
        assert ledger.pending("itip:REQUEST:x:0:abc", ["key-1", "key-2", "key-3"]) == ["key-3"]
        ledger.record("itip:REQUEST:x:0:abc", "email", refused={"key-1": "550"})  # never rewritten
        assert ledger.outcomes("itip:REQUEST:x:0:abc")["key-1"] == "accepted"


def test_message_ids_are_stable_and_follow_the_content() -> None:
    """The same invitation built twice (another DTSTAMP) has the same id and Message-ID; a
    moved review has a new id."""
    data = fx.authority()
    first = build_calendars(data, fx.plan(data)).invites["C001"]
    again = build_calendars(data, make_plan(data, fx.appointments(data), created_at=LATER))
    assert message_id(first) == message_id(again.invites["C001"])
    one = invitation_email(first, data.config.organiser, sent_at=LATER)
    two = invitation_email(again.invites["C001"], data.config.organiser, sent_at=datetime.now(UTC))
    assert one["Message-ID"] == two["Message-ID"]
    moved = [
        replace(a, start=a.start + 60, end=a.end + 60, pre_meeting_start=a.start + 45)
        if a.child_id == "C001"
        else a
        for a in fx.appointments(data)
    ]
    changed = build_calendars(data, make_plan(data, moved)).invites["C001"]
    assert message_id(changed) != message_id(first)


def test_the_command_has_help_and_refuses_a_bad_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler send-invites --help`` works; a missing or malformed argument exits 2."""
    assert "--dry-run" in help_text(send_invites_command, "send-invites", capsys)
    usage_error(["send-invites"], capsys)
