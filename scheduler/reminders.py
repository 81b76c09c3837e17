"""Reminders before a review: which family to remind today, by which channel, saying what.

Reminders with easy rebooking are the best-evidenced way to cut children not brought (one
service: 11.5 % to 7.7 %). With ``days = [7, 2]`` a family hears a week before and two days
before. A run finds, for each appointment still to come, the nearest stage reached (a run
missed on day 7 still reminds on day 6, but never sends a stage already passed by a later
one), so running daily is enough and running twice a day sends nothing twice (the ledger
records what went, :mod:`scheduler.ledger`).

Nobody is reminded who opted out (``reminders_opt_out`` in children.csv), whose parent
declined the slot (a reply on record; that child is on the re-booking list instead), or for a
review already past. Every message says how to rearrange (``[contact]``: the phone number
and the service's own sentence, else the organiser's e-mail). Text messages go through
GOV.UK Notify templates (:mod:`scheduler.export.sms`), never in quiet hours; e-mails through
the authority's SMTP server (:mod:`scheduler.export.email`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal

from scheduler.domain import Authority, Child, format_time
from scheduler.export.email import Outgoing, Recipient, recipient_key
from scheduler.export.letters import clean
from scheduler.plan import Appointment, Plan
from scheduler.replies import ReplyRecord, ReplyState

Channel = Literal["sms", "email"]


@dataclass(frozen=True, slots=True)
class Reminder:
    """One family to remind today about one appointment, by one channel."""

    appointment: Appointment
    stage: int
    """The ``days`` stage this reminder is for (7: the week-before reminder)."""
    channel: Channel

    @property
    def child_id(self) -> str:
        return self.appointment.child_id

    @property
    def message_id(self) -> str:
        """Stable per child, appointment (date and time), stage and channel: a moved review
        gets new reminders; the same one is never sent twice."""
        a = self.appointment
        return f"remind:{self.channel}:{self.stage}:{a.child_id}:{a.date}:{a.start}"

    @property
    def reference(self) -> str:
        """What Notify keeps as the message's reference: a digest, nothing personal."""
        return "ir-" + hashlib.sha256(self.message_id.encode()).hexdigest()[:24]

    @property
    def label(self) -> str:
        """How reports name it: ids only."""
        return f"{self.child_id} {self.stage}-day {self.channel}"


def stage(appointment: Appointment, today: date, days: Sequence[int]) -> int | None:
    """The reminder stage reached today (the smallest of ``days`` at least the days left), or
    ``None``: too early, or the review is today or past."""
    left = (appointment.date - today).days
    if left < 1:
        return None
    reached = [d for d in days if d >= left]
    return min(reached) if reached else None


def due_reminders(
    authority: Authority,
    plan: Plan,
    today: date,
    days: Sequence[int],
    *,
    declined: Iterable[str] = (),
) -> list[Reminder]:
    """Today's reminders for the plan, by channel (text when the parent has a mobile number
    and a template is configured; e-mail when they have an address)."""
    skip = set(declined)
    sms = authority.config.notify.sms_template_id is not None
    out = []
    for a in sorted(plan.appointments, key=lambda a: (a.date, a.start, a.child_id)):
        child = authority.children.get(a.child_id)
        if child is None or child.reminders_opt_out or a.child_id in skip:
            continue
        reached = stage(a, today, days)
        if reached is None:
            continue
        if sms and child.parent_phone:
            out.append(Reminder(a, reached, "sms"))
        if child.parent_email:
            out.append(Reminder(a, reached, "email"))
    return out


def place(authority: Authority, appointment: Appointment) -> str:
    """Where the review is, as the family reads it (no address for a home visit: it is theirs)."""
    if appointment.model == "home":
        return "your home"
    if appointment.model == "separate":
        practitioner = authority.practitioners.get(appointment.practitioner_id)
        return (practitioner.base_name if practitioner else None) or "the clinic"
    setting = authority.settings.get(appointment.setting_id or "")
    return setting.name if setting else "your child's setting"


def rearrange(authority: Authority) -> str:
    """How to rearrange, in the service's words."""
    contact = authority.config.contact
    parts = []
    if contact.phone:
        parts.append(f"To rearrange, call {contact.phone}.")
    else:
        parts.append(f"To rearrange, e-mail {authority.config.organiser.email}.")
    if contact.rearrange:
        parts.append(contact.rearrange)
    return " ".join(parts)


def first_name(child: Child) -> str:
    return child.name.split()[0] if child.name.split() else "your child"


def personalisation(authority: Authority, reminder: Reminder) -> dict[str, str]:
    """The Notify template's fields: ((child)), ((date)), ((time)), ((place)), ((rearrange))."""
    a = reminder.appointment
    child = authority.children[a.child_id]
    return {
        "child": first_name(child),
        "date": f"{a.date:%A} {a.date.day} {a.date:%B}",
        "time": format_time(a.start),
        "place": place(authority, a),
        "rearrange": rearrange(authority),
    }


def email_text(authority: Authority, reminder: Reminder) -> str:
    """The reminder e-mail, in plain English."""
    fields = personalisation(authority, reminder)
    return (
        f"This is a reminder of {fields['child']}'s health and development review "
        f"(the 2 to 2½ year review) on {fields['date']} at {fields['time']}, at "
        f"{fields['place']}.\n\n"
        "Please bring your child, and the questionnaire (ASQ-3) if you have filled it in.\n\n"
        f"{fields['rearrange']}\n"
    )


def reminder_email(authority: Authority, reminder: Reminder, *, sent_at: datetime) -> Outgoing:
    """The e-mail, addressed to the parent, with its ledger id and recipient key."""
    child = authority.children[reminder.child_id]
    address = child.parent_email or ""
    organiser = authority.config.organiser
    fields = personalisation(authority, reminder)
    message = EmailMessage()
    message["Subject"] = f"Reminder: {fields['child']}'s review on {fields['date']}"
    message["From"] = _mailbox(organiser.name, organiser.email)
    message["To"] = _mailbox(child.parent_name or "", address)
    message["Date"] = format_datetime(sent_at)
    domain = organiser.email.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{reminder.reference}@{domain}>"
    message.set_content(email_text(authority, reminder), charset="utf-8", cte="quoted-printable")
    key = recipient_key(reminder.message_id, address)
    return Outgoing(
        reminder.message_id, reminder.label, message, (Recipient(key, address, "parent"),)
    )


def _mailbox(name: str, email: str) -> Address:
    username, _, domain = clean(email).rpartition("@")
    return Address(display_name=clean(name), username=username, domain=domain)


def declined_children(replies: Mapping[str, ReplyRecord]) -> set[str]:
    """Children whose parent declined the slot (they are on the re-booking list instead)."""
    return {cid for cid, r in replies.items() if r.state is ReplyState.DECLINED}
