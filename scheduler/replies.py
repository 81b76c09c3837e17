"""Parents' replies to the invitations: iTIP ``REPLY`` (accepted, declined, tentative) and
``COUNTER`` (a proposed new time) read from e-mail, and never trusted blindly.

A reply is read with the standard library's e-mail parser and ``icalendar`` (RFC 6047 puts
the iTIP object in a ``text/calendar`` part, or an ``.ics`` attachment, as Outlook, Gmail and
Thunderbird send it), then matched to the plan:

- its ``UID`` must be one of the plan's invitations (:func:`scheduler.export.uids.event_uid`:
  term and child id), so it names exactly one child with an appointment;
- its ``ATTENDEE`` must be that child's parent (``parent_email`` in the data). A reply whose
  attendee is another child's parent is refused as *another child's UID*; any other attendee
  as *not the parent*;
- an answer to an older version of the invitation (``SEQUENCE`` below the plan's) is stale:
  the parent has a newer invitation to answer.

Hostile or broken input is refused cleanly, by reason code, before it costs much: a message
over :data:`MAX_MESSAGE_BYTES` is not even read, a calendar part over
:data:`MAX_CALENDAR_BYTES` is not parsed, at most :data:`MAX_PARTS` MIME parts are looked at,
and malformed MIME or iCalendar, a wrong ``METHOD``, no or several events are each refused
with their own code. Refusals are logged by reason and message digest only: no address, no
name, no child id.
"""

from __future__ import annotations

import email
import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage, Message
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from scheduler.domain import Authority
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Plan

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
MAX_MESSAGE_BYTES = 2_000_000
"""A reply is a few kilobytes; anything this large (a huge attachment) is not read at all."""
MAX_CALENDAR_BYTES = 256_000
"""An iTIP reply with one event and a time zone is a few kilobytes."""
MAX_PARTS = 50
"""MIME parts looked at per message (a nested-multipart bomb stops here)."""


class ReplyState(StrEnum):
    """What the parent said, as the coordinator reads it."""

    CONFIRMED = "confirmed"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    COUNTER_PROPOSED = "counter_proposed"


_PARTSTAT = {
    "ACCEPTED": ReplyState.CONFIRMED,
    "DECLINED": ReplyState.DECLINED,
    "TENTATIVE": ReplyState.TENTATIVE,
}


class Refusal(StrEnum):
    """Why a message was not taken as a reply (the codes the log and the report show)."""

    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    NO_CALENDAR = "no_calendar"
    BAD_CALENDAR = "bad_calendar"
    WRONG_METHOD = "wrong_method"
    NOT_ONE_EVENT = "not_one_event"
    NO_UID = "no_uid"
    UNKNOWN_UID = "unknown_uid"
    OTHER_CHILDS_UID = "other_childs_uid"
    NOT_THE_PARENT = "not_the_parent"
    NO_ANSWER = "no_answer"
    STALE = "stale"
    NO_TIME = "no_time"


REFUSAL_TEXT: Mapping[Refusal, str] = {
    Refusal.TOO_LARGE: "too large to be a reply (not read)",
    Refusal.UNREADABLE: "not a readable e-mail message",
    Refusal.NO_CALENDAR: "no calendar reply in it",
    Refusal.BAD_CALENDAR: "its calendar part is malformed",
    Refusal.WRONG_METHOD: "not a REPLY or COUNTER (e.g. an invitation or a cancellation)",
    Refusal.NOT_ONE_EVENT: "a reply must hold exactly one event",
    Refusal.NO_UID: "the event has no UID",
    Refusal.UNKNOWN_UID: "the UID is not one of this plan's invitations",
    Refusal.OTHER_CHILDS_UID: "the UID is another child's invitation than the replying parent's",
    Refusal.NOT_THE_PARENT: "the attendee is not the parent of the child this invitation is for",
    Refusal.NO_ANSWER: "no ACCEPTED, DECLINED or TENTATIVE answer",
    Refusal.STALE: "it answers an older version of the invitation",
    Refusal.NO_TIME: "the proposed time is missing or not a date and time",
}


@dataclass(frozen=True, slots=True)
class ParsedReply:
    """The iTIP facts of one message (before matching it to a plan)."""

    method: str
    uid: str
    attendees: tuple[tuple[str, str], ...]
    """(address lower-cased, PARTSTAT upper-cased) of every ATTENDEE."""
    sequence: int
    stamp: datetime | None
    """``DTSTAMP``: when the parent's client made the reply (latest wins)."""
    start: datetime | None
    end: datetime | None
    """``DTSTART``/``DTEND`` in local time: the proposed time of a COUNTER."""


@dataclass(frozen=True, slots=True)
class ReplyRecord:
    """A parent's answer as kept for one child of one plan."""

    child_id: str
    state: ReplyState
    sequence: int
    replied_at: datetime
    """The reply's ``DTSTAMP`` (UTC), or when it was read when it had none."""
    message_key: str
    """Digest of the message: the same message read twice is the same reply."""
    proposed_date: date | None = None
    proposed_start: int | None = None
    proposed_end: int | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """A message that is not taken, and why (no personal data)."""

    source: str
    message_key: str
    reason: Refusal


class ReplyError(Exception):
    """A message cannot be taken as a reply to this plan."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(REFUSAL_TEXT[reason])
        self.reason = reason


def message_key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


def _calendar_parts(message: Message) -> Iterator[bytes]:
    """Payloads of ``text/calendar`` parts and ``.ics`` attachments, at most MAX_PARTS looked at."""
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS:
            return
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                yield payload


def _local(value: object) -> datetime | None:
    """A DTSTART/DTEND as local (Europe/London) naive time; floating times are local."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value
    return value.astimezone(LONDON).replace(tzinfo=None)


def _address(value: object) -> str:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def parse_message(raw: bytes) -> ParsedReply:
    """The iTIP reply in an e-mail message; :class:`ReplyError` says why there is none."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ReplyError(Refusal.TOO_LARGE)
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception:  # the parser is lenient; anything it still cannot take is unreadable
        raise ReplyError(Refusal.UNREADABLE) from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ReplyError(Refusal.UNREADABLE)
    last: ReplyError | None = None
    found = False
    for payload in _calendar_parts(message):
        found = True
        try:
            return _parse_calendar(payload)
        except ReplyError as exc:  # Gmail sends the same object twice; one good copy is enough
            last = exc
    if last is not None:
        raise last
    raise ReplyError(Refusal.NO_CALENDAR if not found else Refusal.BAD_CALENDAR)


def _parse_calendar(payload: bytes) -> ParsedReply:
    if len(payload) > MAX_CALENDAR_BYTES:
        raise ReplyError(Refusal.TOO_LARGE)
    try:
        calendars = Calendar.from_ical(payload, multiple=True)
    except Exception:  # icalendar raises ValueError and others on malformed text
        raise ReplyError(Refusal.BAD_CALENDAR) from None
    if len(calendars) != 1:
        raise ReplyError(Refusal.BAD_CALENDAR)
    calendar = calendars[0]
    method = str(calendar.get("METHOD", "")).strip().upper()
    if method not in ("REPLY", "COUNTER"):
        raise ReplyError(Refusal.WRONG_METHOD)
    events = [c for c in calendar.walk("VEVENT")]
    if len(events) != 1:
        raise ReplyError(Refusal.NOT_ONE_EVENT)
    event = events[0]
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise ReplyError(Refusal.NO_UID)
    raw_attendees = event.get("ATTENDEE", [])
    if not isinstance(raw_attendees, list):
        raw_attendees = [raw_attendees]
    attendees = tuple(
        (_address(a), str(getattr(a, "params", {}).get("PARTSTAT", "")).strip().upper())
        for a in raw_attendees
    )
    try:
        sequence = int(event.get("SEQUENCE", 0))
        stamp_prop = event.get("DTSTAMP")
        stamp = stamp_prop.dt if stamp_prop is not None else None
        start_prop, end_prop = event.get("DTSTART"), event.get("DTEND")
        start = _local(start_prop.dt) if start_prop is not None else None
        end = _local(end_prop.dt) if end_prop is not None else None
    except Exception:  # a malformed value icalendar only parses when asked
        raise ReplyError(Refusal.BAD_CALENDAR) from None
    if isinstance(stamp, datetime):
        stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    else:
        stamp = None
    return ParsedReply(method, uid, attendees, sequence, stamp, start, end)


class ReplyMatcher:
    """Matches parsed replies to one plan's children (see the module notes)."""

    def __init__(self, authority: Authority, plan: Plan) -> None:
        term = authority.config.term.name
        self.sequences = plan.sequences
        self.child_of_uid = {
            event_uid(term, a.child_id, EventKind.INVITE): a.child_id for a in plan.appointments
        }
        self.parent_of: dict[str, str] = {}
        self.children_of_parent: dict[str, set[str]] = {}
        for child in authority.children.values():
            address = (child.parent_email or "").strip().lower()
            if address:
                self.parent_of[child.child_id] = address
                self.children_of_parent.setdefault(address, set()).add(child.child_id)

    def match(self, parsed: ParsedReply, key: str, now: datetime) -> ReplyRecord:
        """The record the reply makes; :class:`ReplyError` when it is refused."""
        child_id = self.child_of_uid.get(parsed.uid)
        if child_id is None:
            raise ReplyError(Refusal.UNKNOWN_UID)
        parent = self.parent_of.get(child_id)
        answers = [(a, p) for a, p in parsed.attendees if parent is not None and a == parent]
        if not answers:
            others = {a for a, _ in parsed.attendees if a in self.children_of_parent}
            raise ReplyError(Refusal.OTHER_CHILDS_UID if others else Refusal.NOT_THE_PARENT)
        if parsed.sequence < self.sequences.get(parsed.uid, 0):
            raise ReplyError(Refusal.STALE)
        stamp = parsed.stamp or now
        if parsed.method == "COUNTER":
            if parsed.start is None:
                raise ReplyError(Refusal.NO_TIME)
            end = parsed.end
            return ReplyRecord(
                child_id,
                ReplyState.COUNTER_PROPOSED,
                parsed.sequence,
                stamp,
                key,
                proposed_date=parsed.start.date(),
                proposed_start=parsed.start.hour * 60 + parsed.start.minute,
                proposed_end=end.hour * 60 + end.minute
                if end is not None and end.date() == parsed.start.date()
                else None,
            )
        state = _PARTSTAT.get(answers[0][1])
        if state is None:
            raise ReplyError(Refusal.NO_ANSWER)
        return ReplyRecord(child_id, state, parsed.sequence, stamp, key)


@dataclass
class IngestReport:
    """What reading a batch of messages did."""

    recorded: list[ReplyRecord]
    unchanged: list[tuple[str, str]]
    """(source, why): replies already on record, or older than the one on record."""
    refused: list[Refused]


def newer(record: ReplyRecord, kept: ReplyRecord | None) -> bool:
    """Whether ``record`` replaces ``kept`` (RFC 5546: the latest DTSTAMP wins)."""
    if kept is None:
        return True
    if record.message_key == kept.message_key:
        return False
    return (record.sequence, record.replied_at) > (kept.sequence, kept.replied_at)


def ingest(
    messages: Iterator[tuple[str, bytes | None]],
    matcher: ReplyMatcher,
    on_record: Mapping[str, ReplyRecord],
    *,
    now: datetime | None = None,
) -> IngestReport:
    """Parse and match each ``(source, raw)`` (``raw`` ``None``: too large to read) against
    the replies ``on_record`` (child → record); returns what changed."""
    now = now or datetime.now(UTC)
    kept = dict(on_record)
    report = IngestReport([], [], [])
    for source, raw in messages:
        key = message_key(raw) if raw is not None else "-"
        try:
            if raw is None:
                raise ReplyError(Refusal.TOO_LARGE)
            record = matcher.match(parse_message(raw), key, now)
        except ReplyError as exc:
            log.warning("reply refused (%s): message %s", exc.reason.value, key[:12])
            report.refused.append(Refused(source, key, exc.reason))
            continue
        current = kept.get(record.child_id)
        if not newer(record, current):
            why = "already on record" if current and current.message_key == key else "older"
            report.unchanged.append((source, why))
            continue
        kept[record.child_id] = record
        report.recorded = [r for r in report.recorded if r.child_id != record.child_id]
        report.recorded.append(record)
    return report


def read_messages(folder: Path) -> Iterator[tuple[str, bytes | None]]:
    """The messages in a folder of ``.eml`` files or a Maildir (``cur/`` and ``new/``), in
    name order; a file over :data:`MAX_MESSAGE_BYTES` is yielded as ``None``, unread."""
    if (folder / "cur").is_dir() and (folder / "new").is_dir():
        paths = sorted(p for sub in ("new", "cur") for p in (folder / sub).iterdir() if p.is_file())
    else:
        paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".eml")
    for path in paths:
        name = str(path.relative_to(folder))
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > MAX_MESSAGE_BYTES:
                    yield name, None
                    continue
                yield name, handle.read(MAX_MESSAGE_BYTES + 1)
        except OSError:
            yield name, b""
