"""Invitations as iTIP e-mail (scheduler/export/email.py): the message clients recognise, stable
ids for the ledger with no address in them, credentials from the environment only, growing
waits between retries, and server replies reported without addresses. (Delivery to a real SMTP
server: test_commands_send_invites.py.)"""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest
from builders import REVIEW_DAY, appointment_for, make_authority, make_child, make_plan

from scheduler.config import Organiser, SmtpConfig
from scheduler.export.email import (
    Retry,
    SendError,
    credentials,
    eml_name,
    invitation_email,
    message_id,
    recipient_key,
    recipients_of,
    scrub,
)
from scheduler.export.ics import Invitation, build_calendars

SENT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def invitation() -> Invitation:
    authority = make_authority(children=[make_child(parent_email="parent@example.org")])
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    return build_calendars(authority, plan).invites["C001"]


def test_the_message_is_text_and_a_calendar_request_clients_recognise() -> None:
    """multipart/alternative with the letter and ``text/calendar; method=REQUEST``, the part
    being the .ics byte for byte; From the organiser, To everyone invited."""
    inv = invitation()
    message = invitation_email(inv, Organiser(), sent_at=SENT)
    parsed = email.message_from_bytes(bytes(message), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    text, calendar = parsed.get_payload()  # type: ignore[misc]
    assert text.get_content_type() == "text/plain"
    assert b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8" in bytes(message)
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_payload(decode=True) == inv.ics
    assert "coordinator@example.org" in parsed["From"]
    assert "parent@example.org" in parsed["To"] and "p001@health.example.org" in parsed["To"]
    assert parsed["Content-Class"] == "urn:content-classes:calendarmessage"
    assert recipients_of([inv]) == ["p001@health.example.org", "parent@example.org"]


def test_ids_are_stable_and_hold_no_address() -> None:
    """The same invitation built twice has the same message id and Message-ID; a recipient's
    ledger key is a digest, the same in any case or spacing."""
    first, second = invitation(), invitation()
    assert message_id(first) == message_id(second)
    assert message_id(first).startswith(f"itip:REQUEST:{first.uid}:{first.sequence}:")
    a = invitation_email(first, Organiser(), sent_at=SENT)
    b = invitation_email(second, Organiser(), sent_at=datetime(2026, 9, 2, tzinfo=UTC))
    assert a["Message-ID"] == b["Message-ID"]
    key = recipient_key("m", " Parent@Example.org ")
    assert key == recipient_key("m", "parent@example.org") and "example" not in key
    assert recipient_key("other", "parent@example.org") != key
    assert eml_name(first) == "C001-request.eml"


def test_credentials_come_from_the_environment_both_or_neither() -> None:
    """No login without either variable; both give a login; one alone is a mistake."""
    smtp = SmtpConfig()
    assert credentials(smtp, {}) is None
    both = {smtp.username_env: "me", smtp.password_env: "secret"}
    assert credentials(smtp, both) == ("me", "secret")
    with pytest.raises(SendError, match="set both"):
        credentials(smtp, {smtp.username_env: "me"})


def test_retries_wait_twice_as_long_each_time_up_to_a_cap() -> None:
    """5 s, 10 s, 20 s … never more than ``max_wait``."""
    retry = Retry(wait=5, max_wait=30)
    assert [retry.delay(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]
    assert retry.delay(0) == 5


def test_a_servers_reply_is_one_short_line_without_addresses() -> None:
    """Addresses blanked, whitespace collapsed, bytes decoded, at most 160 characters."""
    reply = b"550 5.1.1 <parent@example.org>:\r\n  mailbox   unavailable"
    assert scrub(reply) == "550 5.1.1 [address]: mailbox unavailable"
    assert len(scrub("x" * 500)) == 160
