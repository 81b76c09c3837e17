"""A term part-way through: what happened at the reviews booked before ``today``.

The product's planner is not used here (it is the thing under test, and it changes). Instead a
plain booking clerk books the term at its start: children most at risk of ageing out first
(overdue, looked after, on a protection plan, then funded, then by the end of their window),
each on a day early in their allowed dates when everyone the review needs is there and the
practitioner has a slot left. Each review before ``today`` then gets an outcome: most are
attended, about one in ten is not brought, a few are cancelled by the parent or the service or
declined. A child not brought or cancelled is usually re-booked a fortnight or more later, so
some have a second outcome before ``today``; a child not brought twice (counting
``was_not_brought_before``) is left for the named practitioner's follow-up, as the contract's
``FOLLOW_UP`` has it.

Every outcome is on a review day before ``today``, inside the child's allowed dates (age and
``starts_on`` plus ``settle_days``), on a day the practitioner works and is not away, the parent
is not unavailable, and, for a joint review, the setting is open and the key person is in. An
attended review names the venue of the child's review model and the practitioner who runs that
model for the child (the setting's link practitioner, or the caseload practitioner for a clinic
or home review).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.calendar import child_window, is_due, review_days
from scheduler.config import ReviewModel
from scheduler.domain import (
    ALL_SETTINGS,
    Absence,
    Authority,
    Child,
    Outcome,
    OutcomeKind,
    Venue,
)
from scheduler.travel import haversine_km

NOT_BROUGHT = 0.10
"""Share of booked reviews the child is not brought to (DOMAIN: roughly one in ten)."""
CANCELLED_BY_PARENT = 0.04
CANCELLED_BY_SERVICE = 0.025
DECLINED = 0.01
ASQ3 = 0.90
"""Share of attended reviews with an ASQ-3 (about 90% nationally)."""
CONSENT_WHEN_ASKED = 0.9
"""Parents whose consent was not recorded before who agree to sharing at a clinic or home review."""
BOOKED = 0.93
"""Children the clerk books when a slot exists (the rest wait for a reason the data do not say)."""
REBOOKED = 0.85
"""Children not brought or cancelled who are offered another date this term."""
REBOOK_AFTER_DAYS = 14
"""A new date is at least a fortnight after the missed one (letters and notice)."""

VENUE: dict[ReviewModel, Venue] = {"joint": "setting", "separate": "clinic", "home": "home"}


@dataclass(frozen=True, slots=True)
class Booking:
    """Who runs a child's review, where, and the term's days on which it could happen."""

    child: Child
    model: ReviewModel
    practitioner_id: str
    days: tuple[date, ...]
    in_window_end: date


def make_outcomes(rng: random.Random, authority: Authority) -> tuple[Outcome, ...]:
    """Outcomes of the reviews booked before ``[term] today`` (none when it is unset)."""
    config = authority.config
    today = config.term.today
    if today is None:
        return ()
    clerk = Clerk(authority)
    bookings = [
        b
        for c in authority.children.values()
        if is_due(c, config.term, config.review) and c.was_not_brought_before < 2
        if (b := clerk.booking(c)) is not None and b.days
    ]
    bookings.sort(key=_priority)
    slots = {
        (p.practitioner_id, d): p.max_reviews_per_day
        for p in authority.practitioners.values()
        for d in clerk.days
    }
    first: list[tuple[date, Booking]] = []
    for b in bookings:
        if rng.random() >= BOOKED:
            continue
        day = _pick(rng, [d for d in b.days if slots[(b.practitioner_id, d)] > 0])
        if day is None:
            continue
        slots[(b.practitioner_id, day)] -= 1
        if day < today:
            first.append((day, b))
    first.sort(key=lambda item: (item[0], item[1].child.child_id))
    risk = {b.child.child_id: _not_brought_risk(b.child) for _, b in first}
    mean = sum(risk.values()) / max(1, len(risk))
    out: list[Outcome] = []
    for day, b in first:
        out += _history(rng, b, day, today, NOT_BROUGHT * risk[b.child.child_id] / mean, slots)
    return tuple(sorted(out, key=lambda o: (o.date, o.child_id)))


class Clerk:
    """Reads a child's review as the contract does, for one authority (lookups built once)."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.days = review_days(authority.config.term)
        self.links = _stand_in_links(authority)
        self.away: dict[str, list[Absence]] = {}
        for a in authority.absences:
            self.away.setdefault(a.person_id, []).append(a)
        self.closed: dict[str, set[date]] = {}
        for c in authority.closures:
            self.closed.setdefault(c.setting_id, set()).add(c.date)
        self._available: dict[str, frozenset[date]] = {}

    def booking(self, child: Child) -> Booking | None:
        """The child's own model (else the first fallback allowed), its practitioner, and the
        term's days on which all it needs are available; ``None`` when no model is allowed or
        no practitioner can run it."""
        a = self.authority
        review = a.config.review
        models = [child.review_model or review.model, *review.fallback]
        allowed = [
            m
            for m in models
            if not (m == "joint" and (child.consent_to_share is False or child.setting_id is None))
            and not (m == "home" and child.home is None)
        ]
        if not allowed:
            return None
        model = allowed[0]
        link = self.links.get(child.setting_id) if child.setting_id else None
        pid = link if model == "joint" else (child.practitioner_id or link)
        if pid is None:
            return None
        practitioner = self.available(pid, a.practitioners[pid].working_days)
        window = child_window(child, a.config.term, review)
        earliest = window.earliest
        if child.starts_on is not None:
            earliest = max(earliest, child.starts_on + timedelta(days=review.settle_days))
        days = [
            d
            for d in self.days
            if earliest <= d <= window.allowed_end
            and d in practitioner
            and d.weekday() not in child.parent_unavailable_days
        ]
        if model == "joint":
            assert child.setting_id is not None and child.key_person_id is not None
            setting = a.settings[child.setting_id]
            key_person = self.available(
                child.key_person_id, a.key_persons[child.key_person_id].working_days
            )
            closed = self.closed.get(setting.setting_id, set()) | self.closed.get(
                ALL_SETTINGS, set()
            )
            days = [
                d
                for d in days
                if d in key_person and d.weekday() in setting.open_days and d not in closed
            ]
        return Booking(child, model, pid, tuple(days), window.in_window_end)

    def available(self, person: str, working_days: frozenset[int]) -> frozenset[date]:
        """The term's days on which a practitioner or key person works and is not away."""
        if person not in self._available:
            away = self.away.get(person, [])
            self._available[person] = frozenset(
                d
                for d in self.days
                if d.weekday() in working_days and not any(a.covers(d) for a in away)
            )
        return self._available[person]


def _stand_in_links(authority: Authority) -> dict[str, str]:
    """Each setting's link practitioner: its current one, or (for a setting without one) the
    nearest practitioner who works on one of its open days, as a plan would choose."""
    out = {}
    people = list(authority.practitioners.values())
    bases = {(p.base_lat, p.base_lon) for p in people}
    for setting in authority.settings.values():
        if setting.link_practitioner_id:
            out[setting.setting_id] = setting.link_practitioner_id
            continue
        km = {b: haversine_km(setting.lat, setting.lon, b[0], b[1]) for b in bases}
        able = [p for p in people if p.working_days & setting.open_days] or people
        nearest = min(able, key=lambda p: (km[(p.base_lat, p.base_lon)], p.practitioner_id))
        out[setting.setting_id] = nearest.practitioner_id
    return out


def _priority(b: Booking) -> tuple[bool, bool, date, str]:
    """Looked-after children, those on a protection plan and those past or near the end of
    their window first, then funded children, then by the window's end."""
    c = b.child
    urgent = c.looked_after or c.child_protection or b.in_window_end <= b.days[0] + timedelta(42)
    return (not urgent, not c.funded_two, b.in_window_end, c.child_id)


def _pick(rng: random.Random, days: Sequence[date]) -> date | None:
    """A day early in the list (reviews early in the window), not always the first."""
    if not days:
        return None
    return days[min(len(days) - 1, int(len(days) * rng.random() ** 3))]


def _not_brought_risk(child: Child) -> float:
    """Relative risk of not being brought: higher in deprived areas, for families already not
    bringing a child once, and for families with a social worker."""
    risk: float = 1.12 ** (5.5 - (child.imd_decile or 5))
    if child.was_not_brought_before:
        risk *= 1.8
    if child.child_protection or child.child_in_need or child.looked_after:
        risk *= 1.4
    return risk


def _history(
    rng: random.Random,
    b: Booking,
    day: date,
    today: date,
    not_brought: float,
    slots: dict[tuple[str, date], int],
) -> list[Outcome]:
    """The outcomes of a child's bookings before ``today``, starting with the first."""
    child = b.child
    missed = child.was_not_brought_before
    out: list[Outcome] = []
    while day < today:
        kind = _outcome_kind(rng, not_brought)
        if kind == "attended":
            out.append(_attended(rng, b, day))
            break
        out.append(Outcome(child.child_id, day, kind))
        if kind == "declined":
            break
        if kind == "was_not_brought":
            missed += 1
            if missed >= 2:
                break  # the named practitioner follows this family up; not booked again
        if rng.random() >= REBOOKED:
            break
        later = [
            d
            for d in b.days
            if d >= day + timedelta(days=REBOOK_AFTER_DAYS) and slots[(b.practitioner_id, d)] > 0
        ]
        again = later[min(len(later) - 1, int(len(later) * rng.random() ** 2))] if later else None
        if again is None:
            break
        slots[(b.practitioner_id, again)] -= 1
        day = again
    return out


def _outcome_kind(rng: random.Random, not_brought: float) -> OutcomeKind:
    shares: tuple[tuple[OutcomeKind, float], ...] = (
        ("was_not_brought", not_brought),
        ("cancelled_by_parent", CANCELLED_BY_PARENT),
        ("cancelled_by_service", CANCELLED_BY_SERVICE),
        ("declined", DECLINED),
    )
    r = rng.random()
    for kind, share in shares:
        if r < share:
            return kind
        r -= share
    return "attended"


def _attended(rng: random.Random, b: Booking, day: date) -> Outcome:
    """An attended review: ASQ-3 for most, consent as recorded (a joint meeting implies it)."""
    consent = b.child.consent_to_share
    if b.model == "joint":
        consent = True
    elif consent is None:
        consent = rng.random() < CONSENT_WHEN_ASKED
    return Outcome(
        child_id=b.child.child_id,
        date=day,
        outcome="attended",
        asq3=rng.random() < ASQ3,
        consent_to_share=consent,
        venue=VENUE[b.model],
        practitioner_id=b.practitioner_id,
    )
