"""The independent plan checker: every hard rule of the contract, re-derived from the data alone.

This module is the contract's rules written as code that reads like the spec. It knows
nothing of how plans are made (no matching or scheduling code), so a bug there cannot hide
here. Each rule is one small function over :class:`Facts` yielding ``(subject, message)``
findings; :data:`RULES` names and describes them, and :func:`check_plan` runs them all.

Conventions shared by every rule:

* A practitioner's *block* is ``[pre_meeting_start or start, end)``; a parent's is
  ``[start, end)``. Blocks that touch (one ends 10:00, the next starts 10:00) do not overlap.
* Ids are checked once, by the rule that owns them (children by ``every_due_child_once``,
  the rest by ``appointment_matches_data`` and ``links_valid``); other rules skip rows whose
  ids they cannot resolve, so one mistake is reported once.
* Messages carry ids, dates and times, never names or dates of birth.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from scheduler.calendar import add_months, age_months, is_due, is_excluded, review_days
from scheduler.config import Config
from scheduler.domain import (
    ALL_SETTINGS,
    WEEKDAY_NAMES,
    Absence,
    Authority,
    Child,
    Setting,
    format_time,
)
from scheduler.plan import Appointment, Plan, ReasonCode
from scheduler.travel import haversine_km, travel_minutes

SUMMARY_KEYS: tuple[str, ...] = (
    "children_due",
    "scheduled",
    "in_window",
    "funded_two_due",
    "funded_two_scheduled",
    "overdue_due",
    "overdue_scheduled",
    "travel_km",
    "status",
    "objective",
    "best_bound",
    "gap",
    "solve_seconds",
)
"""Keys ``summary.json`` must have (the contract's "at least")."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which rule, about whom or what (``C012``, ``P003 2027-01-12``), and why."""

    rule: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """Every violation found; the plan is valid when there are none."""

    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def rules_broken(self) -> frozenset[str]:
        return frozenset(v.rule for v in self.violations)


Finding = tuple[str, str]
"""``(subject, message)``: a rule's report before :func:`check_plan` adds the rule's name."""


@dataclass(frozen=True)
class Rule:
    """A named hard rule with a one-line description for people, and the function checking it."""

    name: str
    description: str
    check: Callable[[Facts], Iterable[Finding]]


class Facts:
    """The data and the plan, with the few lookups every rule needs, computed once."""

    def __init__(self, authority: Authority, plan: Plan) -> None:
        self.authority = authority
        self.plan = plan
        self.config: Config = authority.config
        self.joint = self.config.review.model == "joint"
        lo, hi = self.config.review.window_months
        self.lo, self.hi, self.over = lo, hi, self.config.review.overdue_until_months

    @cached_property
    def due(self) -> dict[str, Child]:
        """The term's due children, by the contract's rule."""
        term, review = self.config.term, self.config.review
        return {c.child_id: c for c in self.authority.children.values() if is_due(c, term, review)}

    @cached_property
    def link_of(self) -> dict[str, str]:
        """Setting id → its link practitioner in ``links.csv`` (the first row, if repeated)."""
        links: dict[str, str] = {}
        for link in self.plan.links:
            links.setdefault(link.setting_id, link.practitioner_id)
        return links

    @cached_property
    def review_days(self) -> frozenset[date]:
        return frozenset(review_days(self.config.term))

    def child(self, appointment: Appointment) -> Child | None:
        return self.authority.children.get(appointment.child_id)

    def meeting_minutes(self, child: Child) -> int:
        review = self.config.review
        extra = review.prior_concerns_extra_minutes if child.prior_concerns else 0
        return review.meeting_minutes + extra

    def is_overdue(self, child: Child) -> bool:
        return add_months(child.date_of_birth, self.hi) < self.config.term.start

    @cached_property
    def _absences(self) -> dict[str, list[Absence]]:
        by_person: dict[str, list[Absence]] = defaultdict(list)
        for absence in self.authority.absences:
            by_person[absence.person_id].append(absence)
        return by_person

    @cached_property
    def _closures(self) -> frozenset[tuple[str, date]]:
        return frozenset((c.setting_id, c.date) for c in self.authority.closures)

    def absent(self, person_id: str, day: date) -> bool:
        """Away that day (an absence's end date is inclusive)."""
        return any(a.covers(day) for a in self._absences.get(person_id, ()))

    def closed(self, setting_id: str, day: date) -> bool:
        """Closed that day, by a closure of this setting or of every setting (``*``)."""
        return (setting_id, day) in self._closures or (ALL_SETTINGS, day) in self._closures


# --------------------------------------------------------------------------- helpers


def _weekday(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def _span(start: int, end: int) -> str:
    return f"{format_time(start)}–{format_time(end)}"


def _block(appointment: Appointment) -> tuple[int, int]:
    """The practitioner's time: the pre-meeting (joint model) through the end of the review."""
    return appointment.block_start, appointment.end


def _by(
    appointments: Iterable[Appointment], key: Callable[[Appointment], str | None]
) -> dict[tuple[str, date], list[Appointment]]:
    """Appointments grouped by ``(key, date)``; rows whose key is ``None`` are left out."""
    groups: dict[tuple[str, date], list[Appointment]] = defaultdict(list)
    for a in appointments:
        k = key(a)
        if k is not None:
            groups[(k, a.date)].append(a)
    return groups


def _overlapping_pairs(
    items: list[Appointment], interval: Callable[[Appointment], tuple[int, int]]
) -> Iterator[tuple[Appointment, Appointment]]:
    """Every pair whose intervals share a moment (touching end-to-start is not sharing)."""
    ordered = sorted(items, key=lambda a: (interval(a), a.child_id))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if interval(second)[0] >= interval(first)[1]:
                break
            yield first, second


# --------------------------------------------------------------------------- the rules


def every_due_child_once(f: Facts) -> Iterator[Finding]:
    """Every due child is in exactly one of appointments/unscheduled; nobody else is in either."""
    listed = Counter(a.child_id for a in f.plan.appointments)
    listed.update(u.child_id for u in f.plan.unscheduled)
    for child_id, times in listed.items():
        child = f.authority.children.get(child_id)
        if child is None:
            yield child_id, "not in children.csv"
            continue
        if times > 1:
            yield child_id, f"listed {times} times across appointments.csv and unscheduled.csv"
        if child_id not in f.due:
            yield child_id, f"not due this term ({_why_not_due(f, child)}), so must not be listed"
    for child_id in f.due:
        if child_id not in listed:
            yield child_id, "due this term but in neither appointments.csv nor unscheduled.csv"


def _why_not_due(f: Facts, child: Child) -> str:
    if child.reviewed_on is not None:
        return "already reviewed"
    if add_months(child.date_of_birth, f.lo) > f.config.term.end:
        return f"not {f.lo} months old by the end of the term"
    return f"past {f.over} months before the term starts"


def links_valid(f: Facts) -> Iterator[Finding]:
    """At most one link per setting, known ids, true counts; unlinked settings' children are
    ``NO_LINK_PRACTITIONER`` and only they."""
    settings, practitioners = f.authority.settings, f.authority.practitioners
    for setting_id, rows in Counter(link.setting_id for link in f.plan.links).items():
        if rows > 1:
            yield setting_id, f"{rows} rows in links.csv; a setting has one link practitioner"
    due_at = Counter(c.setting_id for c in f.due.values())
    for link in f.plan.links:
        setting = settings.get(link.setting_id)
        if setting is None:
            yield link.setting_id, "links.csv names a setting that is not in settings.csv"
            continue
        if link.practitioner_id not in practitioners:
            yield link.setting_id, f"link practitioner {link.practitioner_id} is not known"
        if link.children_due != due_at[link.setting_id]:
            yield (
                link.setting_id,
                f"children_due is {link.children_due}, but {due_at[link.setting_id]} due here",
            )
        kept = link.practitioner_id == setting.link_practitioner_id
        if link.kept_existing_link != kept:
            yield (
                link.setting_id,
                f"kept_existing_link is {str(link.kept_existing_link).lower()} but the current "
                f"link practitioner is {setting.link_practitioner_id or 'none'}",
            )
    scheduled = {a.child_id for a in f.plan.appointments}
    code_of = {u.child_id: u.reason_code for u in f.plan.unscheduled}
    for child_id, child in f.due.items():
        if child.setting_id in f.link_of:
            continue
        if child_id in scheduled:
            yield child_id, f"scheduled, but setting {child.setting_id} has no row in links.csv"
        elif child_id in code_of and code_of[child_id] != ReasonCode.NO_LINK_PRACTITIONER:
            yield (
                child_id,
                f"setting {child.setting_id} has no link, so the reason must be "
                f"NO_LINK_PRACTITIONER, not {code_of[child_id]}",
            )
    for u in f.plan.unscheduled:
        listed = f.authority.children.get(u.child_id)
        if u.reason_code == ReasonCode.NO_LINK_PRACTITIONER and listed is not None:
            linked_to = f.link_of.get(listed.setting_id or "")
            if linked_to is not None:
                yield (
                    u.child_id,
                    f"NO_LINK_PRACTITIONER, but {listed.setting_id} is linked to {linked_to}",
                )


def appointment_matches_data(f: Facts) -> Iterator[Finding]:
    """Setting, key person, link practitioner, place, length, pre-meeting, age and in-window
    flag are the ones the data and the model give."""
    review = f.config.review
    for a in f.plan.appointments:
        child = f.child(a)
        if child is None:
            continue
        cid = a.child_id
        if a.setting_id != child.setting_id:
            yield cid, f"setting_id {a.setting_id}, but the child attends {child.setting_id}"
        if a.key_person_id != child.key_person_id:
            yield cid, f"key_person_id {a.key_person_id}, but the child's is {child.key_person_id}"
        link = f.link_of.get(child.setting_id or "")
        if a.practitioner_id not in f.authority.practitioners:
            yield cid, f"practitioner {a.practitioner_id} is not in practitioners.csv"
        elif link is not None and a.practitioner_id != link:
            yield (
                cid,
                f"run by {a.practitioner_id}, but {child.setting_id}'s link practitioner is {link}",
            )
        location = "setting" if f.joint else "clinic"
        if a.location != location:
            yield (
                cid,
                f"location {a.location}, but the {review.model} model meets at the {location}",
            )
        length = f.meeting_minutes(child)
        if a.end - a.start != length:
            yield cid, f"lasts {a.end - a.start} min ({_span(a.start, a.end)}), not {length}"
        if f.joint:
            pre = a.start - review.pre_meeting_minutes
            if a.pre_meeting_start != pre:
                shown = "none" if a.pre_meeting_start is None else format_time(a.pre_meeting_start)
                yield cid, f"pre_meeting_start is {shown}, not {format_time(pre)}"
        elif a.pre_meeting_start is not None:
            yield cid, "has a pre_meeting_start, but the separate model has no pre-meeting"
        age = age_months(child.date_of_birth, a.date)
        if round(a.age_months, 1) != age:
            yield cid, f"age_months is {a.age_months:.1f}, but on {a.date} it is {age:.1f}"
        in_window = a.date <= add_months(child.date_of_birth, f.hi)
        if a.in_window != in_window:
            yield (
                cid,
                f"in_window is {str(a.in_window).lower()}, but should be {str(in_window).lower()}",
            )


def unscheduled_matches_data(f: Facts) -> Iterator[Finding]:
    """An unscheduled row names the child's own setting."""
    for u in f.plan.unscheduled:
        child = f.authority.children.get(u.child_id)
        if child is not None and u.setting_id != child.setting_id:
            yield u.child_id, f"setting_id {u.setting_id}, but the child attends {child.setting_id}"


def review_day(f: Facts) -> Iterator[Finding]:
    """The date is a review day: in the term, not excluded, not a bank holiday."""
    term = f.config.term
    for a in f.plan.appointments:
        if a.date in f.review_days:
            continue
        if not term.start <= a.date <= term.end:
            why = f"outside the term ({term.start} to {term.end})"
        elif is_excluded(a.date, term):
            why = "in an excluded range (half term)"
        else:
            why = f"a bank holiday ({term.bank_holidays})"
        yield a.child_id, f"{a.date} is not a review day: {why}"


def allowed_date(f: Facts) -> Iterator[Finding]:
    """The child is between ``lo`` and ``over`` months old and has started at the setting."""
    for a in f.plan.appointments:
        child = f.child(a)
        if child is None:
            continue
        if a.date < add_months(child.date_of_birth, f.lo):
            yield a.child_id, f"{a.date} is before the child is {f.lo} months old"
        if a.date > add_months(child.date_of_birth, f.over):
            yield a.child_id, f"{a.date} is after the child is {f.over} months old"
        if child.starts_on is not None and a.date < child.starts_on:
            yield a.child_id, f"{a.date} is before the child starts at the setting"


def setting_open(f: Facts) -> Iterator[Finding]:
    """Joint model: the setting is open that weekday, not closed that day, and the block lies
    within its hours."""
    if not f.joint:
        return
    for a in f.plan.appointments:
        setting = f.authority.settings.get(a.setting_id or "")
        if setting is None:
            continue
        sid = setting.setting_id
        if a.date.weekday() not in setting.open_days:
            yield a.child_id, f"{sid} is not open on {_weekday(a.date)} ({a.date})"
        if f.closed(sid, a.date):
            yield a.child_id, f"{sid} is closed on {a.date}"
        start, end = _block(a)
        if start < setting.open_time or end > setting.close_time:
            hours = _span(setting.open_time, setting.close_time)
            yield a.child_id, f"{_span(start, end)} on {a.date} is outside {sid}'s hours {hours}"


def practitioner_available(f: Facts) -> Iterator[Finding]:
    """The practitioner works that weekday, is not absent, and the block lies within their day."""
    for a in f.plan.appointments:
        p = f.authority.practitioners.get(a.practitioner_id)
        if p is None:
            continue
        pid = p.practitioner_id
        if a.date.weekday() not in p.working_days:
            yield a.child_id, f"{pid} does not work on {_weekday(a.date)} ({a.date})"
        if f.absent(pid, a.date):
            yield a.child_id, f"{pid} is absent on {a.date}"
        start, end = _block(a)
        if start < p.day_start or end > p.day_end:
            day = _span(p.day_start, p.day_end)
            yield a.child_id, f"{_span(start, end)} on {a.date} is outside {pid}'s day {day}"


def key_person_available(f: Facts) -> Iterator[Finding]:
    """Joint model: the key person works that weekday and is not absent."""
    if not f.joint:
        return
    for a in f.plan.appointments:
        k = f.authority.key_persons.get(a.key_person_id or "")
        if k is None:
            continue
        if a.date.weekday() not in k.working_days:
            yield a.child_id, f"{k.key_person_id} does not work on {_weekday(a.date)} ({a.date})"
        if f.absent(k.key_person_id, a.date):
            yield a.child_id, f"{k.key_person_id} is absent on {a.date}"


def parent_available(f: Facts) -> Iterator[Finding]:
    """The parent can come that weekday."""
    for a in f.plan.appointments:
        child = f.child(a)
        if child is not None and a.date.weekday() in child.parent_unavailable_days:
            yield a.child_id, f"the parent cannot come on {_weekday(a.date)} ({a.date})"


def no_double_booking(f: Facts) -> Iterator[Finding]:
    """No practitioner, key person (joint model) or parent (same email) is in two places at once."""
    appointments = f.plan.appointments
    for (pid, day), group in _by(appointments, lambda a: a.practitioner_id).items():
        for a, b in _overlapping_pairs(group, _block):
            yield (
                f"{pid} {day}",
                f"{a.child_id} {_span(*_block(a))} overlaps {b.child_id} {_span(*_block(b))}",
            )
    if f.joint:
        for (kid, day), group in _by(appointments, lambda a: a.key_person_id).items():
            for a, b in _overlapping_pairs(group, _block):
                yield (
                    f"{kid} {day}",
                    f"{a.child_id} {_span(*_block(a))} overlaps {b.child_id} {_span(*_block(b))}",
                )

    def parent(a: Appointment) -> str | None:
        child = f.child(a)
        email = (child.parent_email or "").strip().lower() if child else ""
        return email or None

    for (_, day), group in _by(appointments, parent).items():
        for a, b in _overlapping_pairs(group, lambda x: (x.start, x.end)):
            yield (
                f"parent of {a.child_id} and {b.child_id} {day}",
                f"reviews {_span(a.start, a.end)} and {_span(b.start, b.end)} overlap",
            )


def rooms(f: Facts) -> Iterator[Finding]:
    """Joint model: at any moment at most ``rooms`` blocks run at one setting."""
    if not f.joint:
        return
    for (sid, day), group in _by(f.plan.appointments, lambda a: a.setting_id).items():
        setting: Setting | None = f.authority.settings.get(sid)
        if setting is None:
            continue
        # Ends sort before starts at the same minute: touching blocks do not overlap.
        events = sorted([(a.end, -1) for a in group] + [(a.block_start, 1) for a in group])
        running, peak, peak_at = 0, 0, 0
        for minute, change in events:
            running += change
            if running > peak:
                peak, peak_at = running, minute
        if peak > setting.rooms:
            yield (
                f"{sid} {day}",
                f"{peak} meetings at once at {format_time(peak_at)}, but {setting.rooms} room(s)",
            )


def max_reviews_per_day(f: Facts) -> Iterator[Finding]:
    """A practitioner does at most ``max_reviews_per_day`` reviews a day."""
    for (pid, day), group in _by(f.plan.appointments, lambda a: a.practitioner_id).items():
        p = f.authority.practitioners.get(pid)
        if p is not None and len(group) > p.max_reviews_per_day:
            yield f"{pid} {day}", f"{len(group)} reviews, but at most {p.max_reviews_per_day} a day"


def travel_time(f: Facts) -> Iterator[Finding]:
    """Between a practitioner's consecutive blocks at different settings the gap covers the
    travel time (joint model; in the separate model every review is at the practitioner's base)."""
    if not f.joint:
        return
    settings, speed = f.authority.settings, f.config.travel
    for (pid, day), group in _by(f.plan.appointments, lambda a: a.practitioner_id).items():
        for b in group:
            before = [a for a in group if a.end <= b.block_start]
            if not before:
                continue
            a = max(before, key=lambda x: (x.end, x.child_id))  # where they come from
            here, there = settings.get(a.setting_id or ""), settings.get(b.setting_id or "")
            if here is None or there is None or here.setting_id == there.setting_id:
                continue
            km = haversine_km(here.lat, here.lon, there.lat, there.lon)
            need = travel_minutes(km, speed.speed_kmh, speed.detour_factor)
            gap = b.block_start - a.end
            if gap < need:
                yield (
                    f"{pid} {day}",
                    f"{gap} min from {a.child_id} at {here.setting_id} (ends {format_time(a.end)}) "
                    f"to {b.child_id} at {there.setting_id} (block starts "
                    f"{format_time(b.block_start)}), but travel takes {need} min",
                )


def reason_codes_valid(f: Facts) -> Iterator[Finding]:
    """Each unscheduled child has one of the four reason codes and a sentence saying why."""
    codes = {code.value for code in ReasonCode}
    for u in f.plan.unscheduled:
        if str(u.reason_code) not in codes:
            yield (
                u.child_id,
                f"reason_code {u.reason_code} is not one of {', '.join(sorted(codes))}",
            )
        if not u.reason.strip():
            yield u.child_id, "reason is empty; a coordinator needs a sentence to act on"


def summary_consistent(f: Facts) -> Iterator[Finding]:
    """``summary.json`` has the contract's keys, and its counts are those of the data and files."""
    summary = f.plan.summary
    for key in SUMMARY_KEYS:
        if key not in summary:
            yield "summary", f"missing {key}"
    for key, expected in _expected_counts(f).items():
        if key in summary and not _same_count(summary[key], expected):
            yield "summary", f"{key} is {summary[key]!r}, but the data and plan give {expected}"
    # Optional keys that say which data the plan was made for: checking against other data
    # (another term, the other model) would make every other finding meaningless.
    for key, actual in (("model", f.config.review.model), ("term_name", f.config.term.name)):
        if key in summary and summary[key] != actual:
            yield "summary", f"{key} is {summary[key]!r}, but the data's config says {actual!r}"


def _expected_counts(f: Facts) -> dict[str, int]:
    appointments = f.plan.appointments
    due = f.due
    funded = {cid for cid, c in due.items() if c.funded_two}
    overdue = {cid for cid, c in due.items() if f.is_overdue(c)}
    in_window = 0
    for a in appointments:
        child = f.child(a)
        if child is not None and a.date <= add_months(child.date_of_birth, f.hi):
            in_window += 1
    return {
        "children_due": len(due),
        "scheduled": len(appointments),
        "in_window": in_window,
        "funded_two_due": len(funded),
        "funded_two_scheduled": sum(a.child_id in funded for a in appointments),
        "overdue_due": len(overdue),
        "overdue_scheduled": sum(a.child_id in overdue for a in appointments),
    }


def _same_count(value: Any, expected: int) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == expected


RULES: tuple[Rule, ...] = (
    Rule(
        "every_due_child_once",
        "every due child is scheduled or unscheduled exactly once; no one else is listed",
        every_due_child_once,
    ),
    Rule(
        "links_valid",
        "one link per setting, known ids, true counts; NO_LINK_PRACTITIONER exactly when unlinked",
        links_valid,
    ),
    Rule(
        "appointment_matches_data",
        "setting, key person, practitioner, place, length, age and window flag follow the data",
        appointment_matches_data,
    ),
    Rule(
        "unscheduled_matches_data",
        "an unscheduled child is listed under its own setting",
        unscheduled_matches_data,
    ),
    Rule("review_day", "reviews happen on review days of the term", review_day),
    Rule(
        "allowed_date",
        "the child is old enough, not too old, and has started at the setting",
        allowed_date,
    ),
    Rule(
        "setting_open",
        "joint model: the setting is open that day and the block is within its hours",
        setting_open,
    ),
    Rule(
        "practitioner_available",
        "the practitioner works that day, is not absent, and the block is within their hours",
        practitioner_available,
    ),
    Rule(
        "key_person_available",
        "joint model: the key person works that day and is not absent",
        key_person_available,
    ),
    Rule("parent_available", "the parent is not unavailable that weekday", parent_available),
    Rule(
        "no_double_booking",
        "no practitioner, key person or parent is in two meetings at once",
        no_double_booking,
    ),
    Rule("rooms", "joint model: no more meetings at once at a setting than it has rooms", rooms),
    Rule(
        "max_reviews_per_day",
        "no practitioner does more reviews in a day than their limit",
        max_reviews_per_day,
    ),
    Rule("travel_time", "a practitioner has time to travel between settings", travel_time),
    Rule(
        "reason_codes_valid",
        "an unscheduled child has a known reason code and a reason",
        reason_codes_valid,
    ),
    Rule(
        "summary_consistent",
        "summary.json has the contract's keys and true counts",
        summary_consistent,
    ),
)
"""Every hard rule, in the order reports list them."""

RULES_BY_NAME: Mapping[str, Rule] = {rule.name: rule for rule in RULES}


def check_plan(authority: Authority, plan: Plan, rules: Iterable[Rule] = RULES) -> CheckReport:
    """Check ``plan`` against ``authority``'s data; every violation of every rule is reported."""
    facts = Facts(authority, plan)
    violations = [
        Violation(rule.name, subject, message)
        for rule in rules
        for subject, message in rule.check(facts)
    ]
    return CheckReport(violations)
