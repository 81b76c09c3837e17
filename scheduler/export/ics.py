"""iCalendar files for a plan: settings' and practitioners' feeds, invitations and cancellations.

What calendar clients rely on, and how it is met here:

* times are local Europe/London times with ``TZID`` and a ``VTIMEZONE`` written with yearly
  ``RRULE``s, the form Outlook understands (it ignores ``RDATE`` transitions, which is what
  :meth:`icalendar.Calendar.add_missing_timezones` writes); see
  :mod:`scheduler.export.components`;
* every entry's ``UID`` comes from the term and the child (:mod:`scheduler.export.uids`), so a
  re-plan updates the event instead of adding a second one, and ``SEQUENCE`` goes up exactly
  when :mod:`scheduler.diff` says the review moved (date, time, place or people), or a task's
  due day moved;
* ``DTSTAMP`` is the plan's creation time, so the same plan always gives the same bytes;
* downloads and feeds use ``METHOD:PUBLISH`` (a downloaded ``REQUEST`` opens in Outlook with
  Accept/Decline greyed out); only emailed invitations use ``REQUEST``/``CANCEL``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from scheduler.config import Organiser
from scheduler.diff import diff_appointments, moved_children
from scheduler.domain import Authority, format_time
from scheduler.export.components import calendar_bytes, event_text, todo_text
from scheduler.export.entries import (
    PRACTITIONERS,
    SETTINGS,
    Attendee,
    Entry,
    plan_entries,
)
from scheduler.export.letters import (
    cancellation_text,
    clean,
    family_letter_text,
    html_to_text,
    letter_html,
    removed_attendee_text,
    short_date,
)
from scheduler.export.uids import (
    EventKind,
    calendar_uid,
    cancelled_sequence,
    next_sequence,
)
from scheduler.plan import Plan

EPOCH_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
"""``DTSTAMP`` for a plan without a creation time (hand-built plans); still deterministic."""


@dataclass(frozen=True, slots=True)
class Invitation:
    """One iTIP message: the ``.ics`` to email, to whom, and the text around it."""

    child_id: str
    setting_id: str
    uid: str
    method: Literal["REQUEST", "CANCEL"]
    sequence: int
    ics: bytes
    recipients: tuple[Attendee, ...]
    subject: str
    text: str
    changed: bool
    """New or changed since the previous plan (always true when there is none)."""


@dataclass(frozen=True)
class CalendarSet:
    """Every calendar file of a plan, in memory, and the sequences the plan must remember."""

    term_name: str
    settings: Mapping[str, bytes]
    """Setting id → the setting's feed (PUBLISH)."""
    practitioners: Mapping[str, bytes]
    """Practitioner id → the practitioner's feed (PUBLISH)."""
    invites: Mapping[str, Invitation]
    """Child id → the invitation (REQUEST) for the child's review."""
    cancellations: Mapping[str, Invitation]
    """Child id → a CANCEL: the review was dropped, or some people were taken off it."""
    family: Mapping[str, bytes]
    """Child id → the family's copy to download (PUBLISH, same UID as the invitation)."""
    letters: Mapping[str, str]
    """Child id → the printable appointment letter (HTML)."""
    large_letters: Mapping[str, str]
    """Child id → the same letter in large type (16 point)."""
    child_settings: Mapping[str, str]
    """Child id → setting id, for the per-setting bundles."""
    sequences: dict[str, int]
    """UID → SEQUENCE after this plan: store it in the plan (``Plan.sequences``)."""
    incremental: bool = False
    """Built against a previous plan: ``changed_*`` and ``Invitation.changed`` are meaningful."""
    changed_settings: frozenset[str] = field(default_factory=frozenset)
    changed_practitioners: frozenset[str] = field(default_factory=frozenset)

    @property
    def changed_invites(self) -> dict[str, Invitation]:
        """Invitations to send: all of them at first, only new or changed ones after a re-plan."""
        return {k: v for k, v in self.invites.items() if v.changed}


def plan_stamp(plan: Plan) -> datetime:
    """The plan's creation time in UTC: every ``DTSTAMP`` of its files (``created_at`` is
    the plan's own, never a second copy in the summary)."""
    created = plan.created_at
    if created is None:
        return EPOCH_STAMP
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------- building


@dataclass(frozen=True, slots=True)
class _FeedItem:
    entry: Entry
    sequence: int
    cancelled: bool


def calendar_sequences(
    authority: Authority,
    plan: Plan,
    previous: Plan | None,
    *,
    previous_authority: Authority | None = None,
) -> dict[str, int]:
    """The SEQUENCE numbers ``build_calendars(authority, plan, previous=previous,
    previous_authority=previous_authority)`` would give, without rendering any calendar (the
    dashboard stores them with each saved version)."""
    if previous is None:
        return dict(plan.sequences)
    old = plan_entries(previous_authority or authority, previous)
    moved = _moved(authority, plan, previous, previous_authority)
    return _sequences(plan_entries(authority, plan), old, plan, previous, moved)


def numbered(
    authority: Authority,
    plan: Plan,
    last_received: Plan | None,
    *,
    last_received_authority: Authority | None = None,
) -> Plan:
    """``plan`` carrying the SEQUENCE numbers of its calendars, counted against the plan the
    families last received (``None``: nothing went out yet, the plan's own numbers stand).

    The one numbering policy: the dashboard passes the published version (and its data) when it
    saves a plan, ``export-ics``/``send-invites`` pass ``--previous`` to
    :func:`build_calendars`, which numbers with the same :func:`calendar_sequences`.
    """
    if last_received is None:
        return plan
    sequences = calendar_sequences(
        authority, plan, last_received, previous_authority=last_received_authority
    )
    return replace(plan, sequences=sequences)


def _moved(
    authority: Authority, plan: Plan, previous: Plan | None, previous_authority: Authority | None
) -> frozenset[str]:
    """The children whose review moved since ``previous``: :mod:`scheduler.diff` decides."""
    if previous is None:
        return frozenset()
    changes, _ = diff_appointments(
        previous.appointments,
        plan.appointments,
        data_before=previous_authority or authority,
        data_after=authority,
    )
    return moved_children(changes)


def entry_changed(was: Entry, entry: Entry, moved: frozenset[str]) -> bool:
    """Whether an entry the previous plan also had changed: exactly when its review moved
    (``moved``, from :mod:`scheduler.diff`), or, for the key person's task, when its due day
    moved (the data changed: a new absence, say)."""
    return entry.child_id in moved or was.due != entry.due


def _sequences(
    new: Mapping[str, Entry],
    old: Mapping[str, Entry],
    plan: Plan,
    previous: Plan | None,
    moved: frozenset[str],
) -> dict[str, int]:
    """SEQUENCE of every UID this plan knows: live ones, cancelled ones, and older history."""
    stored = plan.sequences
    before = previous.sequences if previous is not None else {}
    out: dict[str, int] = {}
    for source in (before, stored):
        for uid, value in source.items():
            out[uid] = max(out.get(uid, 0), value)
    for uid, entry in new.items():
        if previous is None:
            out[uid] = stored.get(uid, 0)
            continue
        was = old.get(uid)
        out[uid] = next_sequence(
            uid,
            previous=before,
            stored=stored,
            existed_before=was is not None,
            changed=was is not None and entry_changed(was, entry, moved),
        )
    for uid in old.keys() - new.keys():
        out[uid] = cancelled_sequence(uid, previous=before, stored=stored)
    return dict(sorted(out.items()))


def _feed_items(
    feed: tuple[str, str],
    new_by_feed: Mapping[tuple[str, str], list[Entry]],
    old_by_feed: Mapping[tuple[str, str], list[Entry]],
    sequences: Mapping[str, int],
    moved: frozenset[str],
) -> tuple[list[_FeedItem], bool]:
    """A feed's entries, with those it had in the previous plan but lost marked cancelled
    (so a client that imported the old file sees them cancelled); and whether it changed."""
    live = new_by_feed.get(feed, [])
    live_uids = {e.uid for e in live}
    old = {e.uid: e for e in old_by_feed.get(feed, [])}
    items = [_FeedItem(e, sequences[e.uid], False) for e in live]
    dropped = [_FeedItem(e, sequences[e.uid], True) for e in old.values() if e.uid not in live_uids]
    changed = bool(dropped) or any(
        e.uid not in old or entry_changed(old[e.uid], e, moved) for e in live
    )
    items.extend(dropped)
    items.sort(key=_item_order)
    return items, changed


def _item_order(item: _FeedItem) -> tuple[datetime, str]:
    entry = item.entry
    if entry.start is not None:
        return entry.start, entry.uid
    day = entry.due or entry.facts.day  # a task no day fits is listed by its review's day
    return datetime(day.year, day.month, day.day, tzinfo=UTC), entry.uid


def _render_feed(
    items: list[_FeedItem], *, name: str, uid: str, stamp: datetime, organiser: Organiser
) -> bytes:
    components: list[str] = []
    for item in items:
        if item.entry.kind is EventKind.SUMMARY_TODO:
            components.append(
                todo_text(
                    item.entry,
                    sequence=item.sequence,
                    stamp=stamp,
                    organiser=organiser,
                    cancelled=item.cancelled,
                )
            )
        else:
            components.append(
                event_text(
                    item.entry,
                    sequence=item.sequence,
                    stamp=stamp,
                    organiser=organiser,
                    cancelled=item.cancelled,
                )
            )
    return calendar_bytes("PUBLISH", name=name, uid=uid, components=components)


def _subject(prefix: str, entry: Entry) -> str:
    facts = entry.facts
    return f"{prefix}: {entry.summary}, {short_date(facts.day)} {format_time(facts.start)}"


def _invitation(
    entry: Entry, sequence: int, stamp: datetime, organiser: Organiser, text: str
) -> bytes:
    event = event_text(
        entry,
        sequence=sequence,
        stamp=stamp,
        organiser=organiser,
        attendees=entry.attendees,
        description=text,
        alarm=True,
        private=True,
    )
    return calendar_bytes("REQUEST", name=None, uid=f"cal-{entry.uid}", components=[event])


def _family_copy(
    entry: Entry, sequence: int, stamp: datetime, organiser: Organiser, text: str
) -> bytes:
    event = event_text(
        entry,
        sequence=sequence,
        stamp=stamp,
        organiser=organiser,
        description=text,
        alarm=True,
        private=True,
    )
    return calendar_bytes("PUBLISH", name=None, uid=f"cal-{entry.uid}", components=[event])


def _cancellation(
    entry: Entry,
    sequence: int,
    stamp: datetime,
    organiser: Organiser,
    recipients: tuple[Attendee, ...],
    text: str,
) -> bytes:
    event = event_text(
        entry,
        sequence=sequence,
        stamp=stamp,
        organiser=organiser,
        cancelled=True,
        attendees=recipients,
        description=text,
        private=True,
    )
    return calendar_bytes("CANCEL", name=None, uid=f"cal-{entry.uid}", components=[event])


def _by_feed(entries: Iterable[Entry]) -> dict[tuple[str, str], list[Entry]]:
    out: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        out.setdefault(entry.feed, []).append(entry)
    return out


@dataclass(frozen=True)
class _Build:
    """What every calendar of one plan is made from: its entries, the previous plan's, and the
    sequences between them."""

    authority: Authority
    previous: Plan | None
    new: Mapping[str, Entry]
    old: Mapping[str, Entry]
    sequences: Mapping[str, int]
    moved: frozenset[str]
    """Children whose review moved since ``previous`` (:mod:`scheduler.diff`)."""
    stamp: datetime
    new_by_feed: Mapping[tuple[str, str], list[Entry]]
    old_by_feed: Mapping[tuple[str, str], list[Entry]]

    @property
    def organiser(self) -> Organiser:
        return self.authority.config.organiser

    @property
    def term(self) -> str:
        return self.authority.config.term.name


def _prepare(
    authority: Authority, plan: Plan, previous: Plan | None, previous_authority: Authority | None
) -> _Build:
    new = plan_entries(authority, plan)
    old = plan_entries(previous_authority or authority, previous) if previous is not None else {}
    moved = _moved(authority, plan, previous, previous_authority)
    return _Build(
        authority=authority,
        previous=previous,
        new=new,
        old=old,
        sequences=_sequences(new, old, plan, previous, moved),
        moved=moved,
        stamp=plan_stamp(plan),
        new_by_feed=_by_feed(new.values()),
        old_by_feed=_by_feed(old.values()),
    )


def _feed(build: _Build, kind: str, owner_id: str, name: str) -> tuple[bytes, bool]:
    """One setting's or practitioner's feed, and whether it changed since the previous plan."""
    items, changed = _feed_items(
        (kind, owner_id), build.new_by_feed, build.old_by_feed, build.sequences, build.moved
    )
    body = _render_feed(
        items,
        name=f"{name} — {build.term}",
        uid=calendar_uid(build.term, kind, owner_id),
        stamp=build.stamp,
        organiser=build.organiser,
    )
    return body, changed


def _setting_feed(build: _Build, setting_id: str) -> tuple[bytes, bool]:
    setting = build.authority.settings[setting_id]
    return _feed(build, SETTINGS, setting_id, f"Integrated reviews at {clean(setting.name)}")


def _practitioner_feed(build: _Build, practitioner_id: str) -> tuple[bytes, bool]:
    practitioner = build.authority.practitioners[practitioner_id]
    name = f"Integrated reviews — {clean(practitioner.name)}"
    return _feed(build, PRACTITIONERS, practitioner_id, name)


def build_calendars(
    authority: Authority,
    plan: Plan,
    *,
    previous: Plan | None = None,
    previous_authority: Authority | None = None,
) -> CalendarSet:
    """Every calendar of ``plan``; with ``previous``, sequences and cancellations against it.

    Without ``previous`` the plan's own ``sequences`` are used as they are (re-exporting a
    stored plan gives the same files). With it, an event whose date, time, place or people
    changed gets the next sequence, a review that disappeared gets a ``CANCEL``, and people
    taken off a review that still happens get a ``CANCEL`` of their own.

    ``previous_authority`` is the data ``previous`` was made from, when the caller has it (the
    plan store keeps each version's data). Without it the previous plan is read with today's
    data, so a change that comes from the data alone, not the plan (a key person's new absence
    moving a summary's deadline, a family's new home) is not seen as a change.
    """
    build = _prepare(authority, plan, previous, previous_authority)
    organiser, stamp, sequences = build.organiser, build.stamp, build.sequences
    new, old = build.new, build.old

    settings: dict[str, bytes] = {}
    changed_settings: set[str] = set()
    for setting_id in authority.settings:
        settings[setting_id], changed = _setting_feed(build, setting_id)
        if changed:
            changed_settings.add(setting_id)

    practitioners: dict[str, bytes] = {}
    changed_practitioners: set[str] = set()
    for practitioner_id in authority.practitioners:
        practitioners[practitioner_id], changed = _practitioner_feed(build, practitioner_id)
        if changed:
            changed_practitioners.add(practitioner_id)

    invites: dict[str, Invitation] = {}
    family: dict[str, bytes] = {}
    letters: dict[str, str] = {}
    large_letters: dict[str, str] = {}
    cancellations: dict[str, Invitation] = {}
    child_settings: dict[str, str] = {}
    for entry in new.values():
        if entry.kind is not EventKind.INVITE:
            continue
        child_id = entry.child_id
        sequence = sequences[entry.uid]
        was = old.get(entry.uid)
        changed = previous is None or was is None or entry_changed(was, entry, build.moved)
        update = sequence > 0
        page = letter_html(entry.facts)  # rendered once: the printable letter and its text
        letter = html_to_text(page)
        # the family's copy carries the letter as first sent; an update says it replaces it
        text = family_letter_text(entry.facts, update=True) if update else letter
        invites[child_id] = Invitation(
            child_id=child_id,
            setting_id=entry.facts.setting_id,
            uid=entry.uid,
            method="REQUEST",
            sequence=sequence,
            ics=_invitation(entry, sequence, stamp, organiser, text),
            recipients=entry.attendees,
            subject=_subject("Updated invitation" if update else "Invitation", entry),
            text=text,
            changed=changed,
        )
        family[child_id] = _family_copy(entry, sequence, stamp, organiser, letter)
        letters[child_id] = page
        large_letters[child_id] = letter_html(entry.facts, large=True)
        child_settings[child_id] = entry.facts.setting_id
        if was is not None:
            still = {a.email.lower() for a in entry.attendees}
            removed = tuple(a for a in was.attendees if a.email.lower() not in still)
            if removed:
                text = removed_attendee_text(was.facts)
                cancellations[child_id] = Invitation(
                    child_id=child_id,
                    setting_id=entry.facts.setting_id,
                    uid=entry.uid,
                    method="CANCEL",
                    sequence=sequence,
                    ics=_cancellation(was, sequence, stamp, organiser, removed, text),
                    recipients=removed,
                    subject=_subject("Cancelled for you", was),
                    text=text,
                    changed=True,
                )
    for uid in sorted(old.keys() - new.keys()):
        was = old[uid]
        if was.kind is not EventKind.INVITE:
            continue
        sequence = sequences[uid]
        text = cancellation_text(was.facts)
        cancellations[was.child_id] = Invitation(
            child_id=was.child_id,
            setting_id=was.facts.setting_id,
            uid=uid,
            method="CANCEL",
            sequence=sequence,
            ics=_cancellation(was, sequence, stamp, organiser, was.attendees, text),
            recipients=was.attendees,
            subject=_subject("Cancelled", was),
            text=text,
            changed=True,
        )
        child_settings.setdefault(was.child_id, was.facts.setting_id)

    return CalendarSet(
        term_name=build.term,
        settings=settings,
        practitioners=practitioners,
        invites=invites,
        cancellations=dict(sorted(cancellations.items())),
        family=family,
        letters=letters,
        large_letters=large_letters,
        child_settings=child_settings,
        sequences=dict(sequences),
        incremental=previous is not None,
        changed_settings=frozenset(changed_settings) if previous is not None else frozenset(),
        changed_practitioners=(
            frozenset(changed_practitioners) if previous is not None else frozenset()
        ),
    )


# --------------------------------------------------------------------------- dashboard


def plan_for(plan: Plan, keep: str, attribute: str) -> Plan:
    """The plan with only the appointments whose ``attribute`` is ``keep`` (one setting's,
    one practitioner's, one child's)."""
    return replace(
        plan, appointments=[a for a in plan.appointments if getattr(a, attribute) == keep]
    )


def setting_feed(authority: Authority, plan: Plan, setting_id: str) -> bytes:
    """The setting's feed for the term (PUBLISH): what the setting downloads or subscribes to.

    The same bytes as ``build_calendars(...).settings[setting_id]``, without writing anyone's
    invitation or letter (the feed route calls this for every subscription it serves)."""
    if setting_id not in authority.settings:
        raise KeyError(f"unknown setting {setting_id}")
    subset = plan_for(plan, setting_id, "setting_id")
    return _setting_feed(_prepare(authority, subset, None, None), setting_id)[0]


def practitioner_feed(authority: Authority, plan: Plan, practitioner_id: str) -> bytes:
    """The practitioner's feed for the term (PUBLISH), as :func:`setting_feed` is built."""
    if practitioner_id not in authority.practitioners:
        raise KeyError(f"unknown practitioner {practitioner_id}")
    subset = plan_for(plan, practitioner_id, "practitioner_id")
    return _practitioner_feed(_prepare(authority, subset, None, None), practitioner_id)[0]


def family_invite(authority: Authority, plan: Plan, child_id: str) -> bytes:
    """The family's calendar entry to download (PUBLISH: it opens as "add to calendar").

    Same UID and SEQUENCE as the emailed invitation, so the two never show up twice.
    ``KeyError`` when the child has no appointment in the plan.
    """
    calendars = build_calendars(authority, plan_for(plan, child_id, "child_id"))
    if child_id not in calendars.family:
        raise KeyError(f"no appointment for child {child_id} in this plan")
    return calendars.family[child_id]
