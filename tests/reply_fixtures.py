"""Replies to our invitations as Outlook, Gmail and Thunderbird send them, written by hand.

Where the shapes come from (no real mailbox was available): the iTIP objects follow RFC 5546
(§4.2.2/4.2.3 REPLY, §4.2.7 COUNTER examples) and their transport RFC 6047 (iMIP: a
``text/calendar; method=...`` part); each client's wrapping follows what those clients are
widely documented to send:

- **Outlook / Exchange**: ``multipart/alternative`` with a text part and a base64
  ``text/calendar; charset="utf-8"; method=REPLY`` part; ``PRODID:Microsoft Exchange Server
  2010``; times in the Windows zone ``TZID:GMT Standard Time`` with its ``VTIMEZONE``; the
  ``X-MICROSOFT-CDO-*`` properties; "Propose new time" is a ``METHOD:COUNTER`` with the
  proposed ``DTSTART``/``DTEND`` and ``X-MS-OLK-ORIGINALSTART``/``ORIGINALEND``; subjects
  "Accepted: …", "Declined: …", "Tentative: …", "New Time Proposed: …".
- **Gmail**: ``multipart/mixed`` holding ``multipart/alternative`` (plain, HTML, 7bit
  ``text/calendar; method=REPLY``) plus the same object as an ``application/ics`` attachment
  ``invite.ics``; ``PRODID:-//Google Inc//Google Calendar 70.9054//EN``; UTC times; attendee
  parameters ``CUTYPE``, ``ROLE``, ``X-NUM-GUESTS``.
- **Thunderbird**: ``multipart/mixed`` with a text part, an 8bit ``text/calendar;
  method=REPLY; charset=UTF-8`` part and an ``invite.ics`` attachment; ``PRODID:-//Mozilla.org/
  NONSGML Mozilla Calendar V1.1//EN``; ``TZID:Europe/London`` with its ``VTIMEZONE``; COUNTER
  for a proposed time.

Every builder takes the UID, the attendee's address, the answer and the local times, so a test
states only what it is about.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ORGANISER = "coordinator@example.org"

_WINDOWS_GMT = """BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T010000
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""

_LONDON = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
END:VTIMEZONE"""

STAMP = datetime(2026, 9, 2, 10, 15, tzinfo=UTC)

Tweak = Callable[[bytes], bytes]
"""Changes the iCalendar object before it is wrapped (every copy of it in the message)."""


def _crlf(text: str) -> bytes:
    return ("\r\n".join(text.strip("\n").split("\n")) + "\r\n").encode("utf-8")


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%S")


def _utc(at: datetime) -> str:
    return at.replace(tzinfo=LONDON).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


_SUBJECT = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}


def outlook(
    uid: str,
    attendee: str,
    partstat: str = "ACCEPTED",
    start: datetime = datetime(2026, 9, 8, 10, 0),
    minutes: int = 45,
    *,
    method: str = "REPLY",
    sequence: int = 0,
    stamp: datetime = STAMP,
    original: datetime | None = None,
    tweak: Tweak | None = None,
) -> bytes:
    """An Outlook/Exchange reply (``method="COUNTER"``: Propose New Time, with ``start`` the
    proposed local time and ``original`` the invitation's)."""
    end = start + timedelta(minutes=minutes)
    extra = ""
    if method == "COUNTER":
        first = original or start
        extra = (
            f"X-MS-OLK-ORIGINALSTART;TZID=GMT Standard Time:{_local(first)}\n"
            f"X-MS-OLK-ORIGINALEND;TZID=GMT Standard Time:"
            f"{_local(first + timedelta(minutes=minutes))}\n"
        )
    subject = "New Time Proposed" if method == "COUNTER" else _SUBJECT.get(partstat, "Re")
    ics = _crlf(f"""BEGIN:VCALENDAR
METHOD:{method}
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
{_WINDOWS_GMT}
BEGIN:VEVENT
ATTENDEE;PARTSTAT={partstat};CN=Jane Parent:mailto:{attendee}
COMMENT;LANGUAGE=en-GB:\\n
SUMMARY;LANGUAGE=en-GB:{subject}: Integrated review
DTSTART;TZID=GMT Standard Time:{_local(start)}
DTEND;TZID=GMT Standard Time:{_local(end)}
UID:{uid}
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:{_stamp(stamp)}
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:{sequence}
LOCATION;LANGUAGE=en-GB:Acorn Nursery
{extra}X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}
X-MICROSOFT-CDO-OWNERAPPTID:-1234567
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
X-MICROSOFT-DONOTFORWARDMEETING:FALSE
X-MICROSOFT-DISALLOW-COUNTER:FALSE
END:VEVENT
END:VCALENDAR""")
    ics = tweak(ics) if tweak is not None else ics
    body = base64.encodebytes(ics).decode("ascii")
    return _crlf(f"""From: Jane Parent <{attendee}>
To: Integrated Review Coordinator <{ORGANISER}>
Subject: {subject}: Integrated review
Thread-Topic: Integrated review
Date: Wed, 2 Sep 2026 11:15:00 +0100
Message-ID: <AM0PR01MB1234{sequence}{partstat}@AM0PR01MB1234.eurprd01.prod.outlook.com>
Accept-Language: en-GB
Content-Language: en-GB
Content-Type: multipart/alternative;
\tboundary="_000_AM0PR01MB1234_"
MIME-Version: 1.0

--_000_AM0PR01MB1234_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable


--_000_AM0PR01MB1234_
Content-Type: text/calendar; charset="utf-8"; method={method}
Content-Transfer-Encoding: base64

{body}
--_000_AM0PR01MB1234_--""")


def gmail(
    uid: str,
    attendee: str,
    partstat: str = "ACCEPTED",
    start: datetime = datetime(2026, 9, 8, 10, 0),
    minutes: int = 45,
    *,
    sequence: int = 0,
    stamp: datetime = STAMP,
    tweak: Tweak | None = None,
) -> bytes:
    """A Gmail reply: the iTIP object inline and again as ``invite.ics``."""
    end = start + timedelta(minutes=minutes)
    ics = _crlf(f"""BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:{_utc(start)}
DTEND:{_utc(end)}
DTSTAMP:{_stamp(stamp)}
ORGANIZER;CN=Integrated Review Coordinator:mailto:{ORGANISER}
UID:{uid}
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN=Jane
  Parent;X-NUM-GUESTS=0:mailto:{attendee}
CREATED:20260901T080000Z
DESCRIPTION:
LAST-MODIFIED:{_stamp(stamp)}
LOCATION:Acorn Nursery
SEQUENCE:{sequence}
STATUS:CONFIRMED
SUMMARY:Integrated review
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR""")
    ics = tweak(ics) if tweak is not None else ics
    inline = ics.decode("utf-8")
    attached = base64.encodebytes(ics).decode("ascii")
    word = _SUBJECT.get(partstat, "Re")
    return _crlf(f"""MIME-Version: 1.0
Date: Wed, 2 Sep 2026 11:15:00 +0100
Message-ID: <CAF=abc{sequence}{partstat}@mail.gmail.com>
Subject: {word}: Integrated review @ Tue 8 Sep 2026 10am - 10:45am (BST) ({ORGANISER})
From: Jane Parent <{attendee}>
To: {ORGANISER}
Content-Type: multipart/mixed; boundary="000000000000aaaa"

--000000000000aaaa
Content-Type: multipart/alternative; boundary="000000000000bbbb"

--000000000000bbbb
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes

Jane Parent has {word.lower()} this invitation.

--000000000000bbbb
Content-Type: text/html; charset="UTF-8"

<p>Jane Parent has {word.lower()} this invitation.</p>

--000000000000bbbb
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: 7bit

{inline}
--000000000000bbbb--

--000000000000aaaa
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{attached}
--000000000000aaaa--""")


def thunderbird(
    uid: str,
    attendee: str,
    partstat: str = "ACCEPTED",
    start: datetime = datetime(2026, 9, 8, 10, 0),
    minutes: int = 45,
    *,
    method: str = "REPLY",
    sequence: int = 0,
    stamp: datetime = STAMP,
    tweak: Tweak | None = None,
) -> bytes:
    """A Thunderbird reply (``method="COUNTER"`` proposes ``start``)."""
    end = start + timedelta(minutes=minutes)
    ics = _crlf(f"""BEGIN:VCALENDAR
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
VERSION:2.0
METHOD:{method}
{_LONDON}
BEGIN:VEVENT
CREATED:20260901T080000Z
LAST-MODIFIED:{_stamp(stamp)}
DTSTAMP:{_stamp(stamp)}
UID:{uid}
SUMMARY:Integrated review
ORGANIZER;CN=Integrated Review Coordinator:mailto:{ORGANISER}
ATTENDEE;RSVP=TRUE;CN=Jane Parent;PARTSTAT={partstat};ROLE=REQ-PARTICIPANT:
 mailto:{attendee}
DTSTART;TZID=Europe/London:{_local(start)}
DTEND;TZID=Europe/London:{_local(end)}
SEQUENCE:{sequence}
END:VEVENT
END:VCALENDAR""")
    ics = tweak(ics) if tweak is not None else ics
    attached = base64.encodebytes(ics).decode("ascii")
    return _crlf(f"""Message-ID: <5f1c2d3e-{sequence}-{partstat.lower()}@example.org>
Date: Wed, 2 Sep 2026 11:15:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
From: Jane Parent <{attendee}>
To: {ORGANISER}
Subject: {_SUBJECT.get(partstat, "Counter proposal")}: Integrated review
Content-Type: multipart/mixed; boundary="------------tbird0123456789"

This is a multi-part message in MIME format.
--------------tbird0123456789
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Jane Parent has replied to this invitation.

--------------tbird0123456789
Content-Type: text/calendar; method={method}; charset=UTF-8
Content-Transfer-Encoding: 8bit

{ics.decode("utf-8")}
--------------tbird0123456789
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{attached}
--------------tbird0123456789--""")


CLIENTS = {"outlook": outlook, "gmail": gmail, "thunderbird": thunderbird}


def with_attachment(message: bytes, size: int) -> bytes:
    """The message with a (huge) binary attachment appended as another MIME part."""
    blob = base64.encodebytes(b"\0" * size).decode("ascii")
    boundary = b"--000000000000aaaa--"
    extra = (
        '--000000000000aaaa\r\nContent-Type: application/octet-stream; name="photo.bin"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + blob + "\r\n--000000000000aaaa--"
    ).encode("ascii")
    assert boundary in message
    return message.replace(boundary, extra)
