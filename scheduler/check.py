"""The independent plan checker: every hard rule of the contract (v1 and v2), re-derived from the
data alone.

This module is the contract's rules, as the team reads them (``docs/check.md`` in plain
words), written as code that reads like the spec. It knows nothing of how plans are made (no
matching, scheduling, pipeline, explanation, KPI or venue code), so a bug there cannot hide here:
where the planner has a helper for a concept (meeting length, a review's place, siblings,
allowed models), this module states the concept again from the contract. Each rule is one
small function over :class:`Facts` yielding ``(subject, message)`` findings; :data:`RULES`
names and describes them, and :func:`check_plan` runs them all.

Conventions shared by every rule:

* A practitioner's *block* is ``[pre_meeting_start or start, end)``; a parent's meeting is
  ``[start, end)``. Blocks that touch (one ends 10:00, the next starts 10:00) do not overlap.
* Ids are checked once, by the rule that owns them (children by ``every_due_child_once``,
  practitioners by ``right_practitioner``, settings and key persons by
  ``appointment_matches_data``, links by ``links_valid``); other rules skip rows whose ids they
  cannot resolve, so one mistake is reported once.
* *History* (a re-plan with ``previous`` and ``today``): an appointment identical to one of the
  previous plan's dated before ``today`` whose review did happen (or has no outcome yet) is a
  fact of the past. ``history_kept`` checks it is copied unchanged; the rules about how a review
  is planned (dates, model, people, places, times) skip it, since the data may have changed
  since (an absence entered afterwards, a new link) and the past cannot be re-planned. Rules
  about groups (a practitioner's day, a setting's rooms) check every group holding at least
  one appointment that is not history.
* ``today`` is ``[term] today`` of the config (``scheduler check --today`` sets it); without it
  the rules that name ``today`` do not apply.
* Messages carry ids, dates and times, never names, dates of birth, e-mails or coordinates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cached_property

from scheduler.calendar import add_months, age_months, is_due, is_excluded, review_days
from scheduler.config import Config
from scheduler.domain import (
    ALL_SETTINGS,
    WEEKDAY_NAMES,
    Absence,
    Authority,
    Child,
    Outcome,
    Setting,
    format_time,
)
from scheduler.plan import Appointment, Pin, Plan, ReasonCode, Unscheduled
from scheduler.summary import PlanSummary
from scheduler.travel import haversine_km, travel_minutes

SUMMARY_KEYS: tuple[str, ...] = PlanSummary.CONTRACT_KEYS + PlanSummary.V2_KEYS
"""Keys ``summary.json`` must have (the contract's "at least", with v2's ``pins_unhonoured``)."""

LOCATION: Mapping[str, str] = {"joint": "setting", "separate": "clinic", "home": "home"}
"""Where each review model meets, as ``appointments.csv`` writes it (the contract, restated)."""

NOT_HAPPENED = frozenset({"was_not_brought", "cancelled_by_parent", "cancelled_by_service"})
"""Outcomes after which the child is due again (``declined`` is not booked again)."""


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


@dataclass(frozen=True, slots=True)
class Point:
    """Where a review meets: a label for messages (never coordinates) and its coordinates."""

    label: str
    lat: float
    lon: float


class Facts:
    """The data, the plan, the previous plan and the pins, with the lookups every rule needs,
    computed once."""

    def __init__(
        self,
        authority: Authority,
        plan: Plan,
        previous: Plan | None = None,
        pins: Sequence[Pin] = (),
    ) -> None:
        self.authority = authority
        self.plan = plan
        self.previous = previous
        self.pins = tuple(pins)
        self.config: Config = authority.config
        self.today: date | None = self.config.term.today
        lo, hi = self.config.review.window_months
        self.lo, self.hi, self.over = lo, hi, self.config.review.overdue_until_months

    # ----------------------------------------------------------------- children and outcomes

    @cached_property
    def outcomes(self) -> dict[str, list[Outcome]]:
        """Each child's outcomes, in file order."""
        by_child: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.authority.outcomes:
            by_child[outcome.child_id].append(outcome)
        return by_child

    @cached_property
    def outcome_on(self) -> dict[tuple[str, date], Outcome]:
        """The outcome of a child's review on a date (the loader allows one per child and date)."""
        return {(o.child_id, o.date): o for o in self.authority.outcomes}

    def reviewed_on(self, child: Child) -> date | None:
        """When the child counts as reviewed: ``reviewed_on`` or the earliest attended review."""
        attended = [
            o.date for o in self.outcomes.get(child.child_id, ()) if o.outcome == "attended"
        ]
        dates = [d for d in (child.reviewed_on, *attended) if d is not None]
        return min(dates) if dates else None

    @cached_property
    def due(self) -> dict[str, Child]:
        """The term's due children, by the contract's rule, an attended outcome counting as
        ``reviewed_on``."""
        term, review = self.config.term, self.config.review
        return {
            c.child_id: c
            for c in self.authority.children.values()
            if is_due(replace(c, reviewed_on=self.reviewed_on(c)), term, review)
        }

    def declined(self, child_id: str) -> Outcome | None:
        """The child's first ``declined`` outcome, if any."""
        return next((o for o in self.outcomes.get(child_id, ()) if o.outcome == "declined"), None)

    def not_brought(self, child: Child) -> int:
        """``was_not_brought`` outcomes plus the earlier ones the data record."""
        outcomes = self.outcomes.get(child.child_id, ())
        return sum(o.outcome == "was_not_brought" for o in outcomes) + child.was_not_brought_before

    def allowed_models(self, child: Child) -> list[str]:
        """The child's own model, then each fallback, minus joint without consent or a setting
        and home without a home location."""
        review = self.config.review
        models: list[str] = []
        for model in (child.review_model or review.model, *review.fallback):
            if model in models:
                continue
            if model == "joint" and (child.consent_to_share is False or child.setting_id is None):
                continue
            if model == "home" and (child.home_lat is None or child.home_lon is None):
                continue
            models.append(model)
        return models

    def practitioner_for(self, child: Child, model: str) -> str | None:
        """Who runs the child's review of ``model``: the setting's link for a joint review; the
        caseload practitioner, else the link, for a separate or home one (None: nobody)."""
        link = self.link_of.get(child.setting_id) if child.setting_id is not None else None
        if model == "joint":
            return link
        return child.practitioner_id or link

    def needs_link(self, child: Child) -> bool:
        """The child's only possible practitioner would be their setting's link."""
        models = self.allowed_models(child)
        if child.setting_id is None or not models:
            return False
        return all(m == "joint" or child.practitioner_id is None for m in models)

    def meeting_minutes(self, child: Child) -> int:
        """meeting_minutes, plus the extras for prior concerns and a home language other than
        English."""
        review = self.config.review
        minutes = review.meeting_minutes
        if child.prior_concerns:
            minutes += review.prior_concerns_extra_minutes
        language = (child.home_language or "").strip().lower()
        if language and language != "english":
            minutes += review.interpreter_extra_minutes
        return minutes

    def is_overdue(self, child: Child) -> bool:
        return add_months(child.date_of_birth, self.hi) < self.config.term.start

    def child(self, appointment: Appointment) -> Child | None:
        return self.authority.children.get(appointment.child_id)

    # ----------------------------------------------------------------- the plan

    @cached_property
    def link_of(self) -> dict[str, str]:
        """Setting id → its link practitioner in ``links.csv`` (the first row, if repeated)."""
        links: dict[str, str] = {}
        for link in self.plan.links:
            links.setdefault(link.setting_id, link.practitioner_id)
        return links

    @cached_property
    def appointments_of(self) -> dict[str, list[Appointment]]:
        """Child id → its appointments."""
        rows: dict[str, list[Appointment]] = defaultdict(list)
        for a in self.plan.appointments:
            rows[a.child_id].append(a)
        return rows

    @cached_property
    def unscheduled_of(self) -> dict[str, Unscheduled]:
        """Child id → its (first) unscheduled row."""
        rows: dict[str, Unscheduled] = {}
        for u in self.plan.unscheduled:
            rows.setdefault(u.child_id, u)
        return rows

    @cached_property
    def review_days(self) -> frozenset[date]:
        return frozenset(review_days(self.config.term))

    # ----------------------------------------------------------------- history and notice

    @cached_property
    def history_expected(self) -> dict[tuple[str, date], Appointment]:
        """The previous plan's appointments dated before today whose review did happen (or has
        no outcome yet): each must be in the plan unchanged. Empty without both."""
        if self.previous is None or self.today is None:
            return {}
        expected: dict[tuple[str, date], Appointment] = {}
        for a in self.previous.appointments:
            if a.date < self.today and not self.did_not_happen(a):
                expected[(a.child_id, a.date)] = a
        return expected

    def did_not_happen(self, appointment: Appointment) -> Outcome | None:
        """The outcome saying this booked review did not take place, if there is one."""
        outcome = self.outcome_on.get((appointment.child_id, appointment.date))
        return outcome if outcome is not None and outcome.outcome != "attended" else None

    @cached_property
    def history(self) -> frozenset[Appointment]:
        """The plan's appointments that are kept history (see the module's conventions)."""
        expected = set(self.history_expected.values())
        return frozenset(a for a in self.plan.appointments if a in expected)

    @cached_property
    def planned(self) -> list[Appointment]:
        """The appointments this plan made (every one that is not kept history)."""
        return [a for a in self.plan.appointments if a not in self.history]

    @cached_property
    def previous_slots(self) -> frozenset[tuple[str, date, int]]:
        """``(child, date, start)`` of every previous appointment: such a slot is not new."""
        if self.previous is None:
            return frozenset()
        return frozenset((a.child_id, a.date, a.start) for a in self.previous.appointments)

    def groups(
        self,
        key: Callable[[Appointment], str | None],
        only: Callable[[Appointment], bool] = lambda _: True,
    ) -> Iterator[tuple[str, date, list[Appointment]]]:
        """Appointments (those ``only`` keeps) by ``(key, date)``, in first-seen order; rows
        whose key is ``None`` are left out, and so are groups of history alone."""
        grouped: dict[tuple[str, date], list[Appointment]] = defaultdict(list)
        for a in self.plan.appointments:
            k = key(a)
            if k is not None and only(a):
                grouped[(k, a.date)].append(a)
        for (k, day), group in grouped.items():
            if any(a not in self.history for a in group):
                yield k, day, group

    # ----------------------------------------------------------------- people and places

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

    def point(self, a: Appointment) -> Point | None:
        """Where the review meets: the setting (joint), the practitioner's base (separate), the
        family's home (home); None when the data do not say."""
        if a.model == "joint":
            setting = self.authority.settings.get(a.setting_id or "")
            return None if setting is None else Point(setting.setting_id, setting.lat, setting.lon)
        if a.model == "separate":
            p = self.authority.practitioners.get(a.practitioner_id)
            return (
                None
                if p is None
                else Point(f"{p.practitioner_id}'s clinic", *self.base(p.practitioner_id))
            )
        child = self.child(a)
        if child is None or child.home_lat is None or child.home_lon is None:
            return None
        return Point(f"{child.child_id}'s home", child.home_lat, child.home_lon)

    def base(self, practitioner_id: str) -> tuple[float, float]:
        p = self.authority.practitioners[practitioner_id]
        return p.base_lat, p.base_lon

    def travel(self, here: tuple[float, float], there: tuple[float, float]) -> int:
        """The contract's travel minutes between two points."""
        speed = self.config.travel
        km = haversine_km(*here, *there)
        return travel_minutes(km, speed.speed_kmh, speed.detour_factor)


# --------------------------------------------------------------------------- helpers


def _weekday(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def _span(start: int, end: int) -> str:
    return f"{format_time(start)}–{format_time(end)}"


def _block(appointment: Appointment) -> tuple[int, int]:
    """The practitioner's time: the pre-meeting (joint model) through the end of the review."""
    return appointment.block_start, appointment.end


def _meeting(appointment: Appointment) -> tuple[int, int]:
    """The parent's time: the meeting itself."""
    return appointment.start, appointment.end


def _shown(value: str | None) -> str:
    return value if value else "empty"


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


def _overlaps(
    who: str,
    day: date,
    group: list[Appointment],
    interval: Callable[[Appointment], tuple[int, int]],
) -> Iterator[Finding]:
    for a, b in _overlapping_pairs(group, interval):
        yield (
            f"{who} {day}",
            f"{a.child_id} {_span(*interval(a))} overlaps {b.child_id} {_span(*interval(b))}",
        )


# --------------------------------------------------------------------------- who is listed


def every_due_child_once(f: Facts) -> Iterator[Finding]:
    """Every due child is in exactly one of appointments/unscheduled; nobody else is in either,
    except a not-due child's kept history row."""
    listed = Counter(a.child_id for a in f.plan.appointments)
    listed.update(u.child_id for u in f.plan.unscheduled)
    history_of = {a.child_id for a in f.history}
    for child_id, times in listed.items():
        child = f.authority.children.get(child_id)
        if child is None:
            yield child_id, "not in children.csv"
            continue
        if times > 1:
            yield child_id, f"listed {times} times across appointments.csv and unscheduled.csv"
        if child_id not in f.due and not (times == 1 and child_id in history_of):
            yield child_id, f"not due this term ({_why_not_due(f, child)}), so must not be listed"
    for child_id in f.due:
        if child_id not in listed:
            yield child_id, "due this term but in neither appointments.csv nor unscheduled.csv"


def _why_not_due(f: Facts, child: Child) -> str:
    reviewed = f.reviewed_on(child)
    if reviewed is not None:
        how = "reviewed_on" if reviewed == child.reviewed_on else "attended outcome"
        return f"already reviewed on {reviewed} ({how})"
    if add_months(child.date_of_birth, f.lo) > f.config.term.end:
        return f"not {f.lo} months old by the end of the term"
    return f"past {f.over} months before the term starts"


def links_valid(f: Facts) -> Iterator[Finding]:
    """At most one link per setting, known ids, true ``children_due`` and
    ``kept_existing_link``."""
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


def no_link_practitioner(f: Facts) -> Iterator[Finding]:
    """A due child whose only possible practitioner is their setting's link, at a setting with
    no row in links.csv, is ``NO_LINK_PRACTITIONER``; nobody else is. (A child no review model
    is allowed for has no possible practitioner at all: either code may describe that.)"""
    for child_id, child in f.due.items():
        if f.declined(child_id) is not None or f.not_brought(child) >= 2:
            continue  # DECLINED / FOLLOW_UP come first (outcomes_respected)
        if child.setting_id in f.link_of or not f.needs_link(child):
            continue
        u = f.unscheduled_of.get(child_id)
        if u is not None and u.reason_code != ReasonCode.NO_LINK_PRACTITIONER:
            yield (
                child_id,
                f"setting {child.setting_id} has no link and only its link could run this "
                f"review, so the reason must be NO_LINK_PRACTITIONER, not {u.reason_code}",
            )
    for u in f.plan.unscheduled:
        listed = f.authority.children.get(u.child_id)
        if u.reason_code != ReasonCode.NO_LINK_PRACTITIONER or listed is None:
            continue
        if listed.setting_id is None:
            yield u.child_id, "NO_LINK_PRACTITIONER, but the child is in no setting"
        elif listed.setting_id in f.link_of:
            yield (
                u.child_id,
                f"NO_LINK_PRACTITIONER, but {listed.setting_id} is linked to "
                f"{f.link_of[listed.setting_id]}",
            )
        elif f.allowed_models(listed) and not f.needs_link(listed):
            others = [m for m in f.allowed_models(listed) if m != "joint"]
            yield (
                u.child_id,
                f"NO_LINK_PRACTITIONER, but the caseload practitioner {listed.practitioner_id} "
                f"can run a {' or '.join(others) or 'review'} review without a link",
            )


def outcomes_respected(f: Facts) -> Iterator[Finding]:
    """A due child who declined is ``DECLINED``; one not brought twice or more is ``FOLLOW_UP``
    (DECLINED first); neither is booked; the two codes are used for nobody else."""
    booked = {a.child_id: a for a in f.planned}
    for child_id, child in f.due.items():
        declined = f.declined(child_id)
        times = f.not_brought(child)
        code: ReasonCode | None = None
        why = ""
        if declined is not None:
            code, why = ReasonCode.DECLINED, f"the parent declined ({declined.date})"
        elif times >= 2:
            code, why = ReasonCode.FOLLOW_UP, f"not brought {times} times"
        u = f.unscheduled_of.get(child_id)
        if code is None:
            if u is not None and u.reason_code in (ReasonCode.DECLINED, ReasonCode.FOLLOW_UP):
                fact = (
                    "no declined outcome"
                    if u.reason_code == ReasonCode.DECLINED
                    else (f"not brought {times} time(s), fewer than 2")
                )
                yield child_id, f"{u.reason_code}, but {fact}"
            continue
        if child_id in booked:  # kept history was booked before the outcome: not "booked"
            a = booked[child_id]
            yield child_id, f"booked on {a.date} at {format_time(a.start)}, but {why}: {code}"
        elif u is not None and u.reason_code != code:
            yield child_id, f"{why}, so the reason must be {code}, not {u.reason_code}"


def unscheduled_matches_data(f: Facts) -> Iterator[Finding]:
    """An unscheduled row names the child's own setting (empty for a child in no setting)."""
    for u in f.plan.unscheduled:
        child = f.authority.children.get(u.child_id)
        if child is not None and u.setting_id != child.setting_id:
            yield (
                u.child_id,
                f"setting_id {_shown(u.setting_id)}, but the child's is {_shown(child.setting_id)}",
            )


def reason_codes_valid(f: Facts) -> Iterator[Finding]:
    """Each unscheduled child has one of the six reason codes and a sentence saying why."""
    codes = {code.value for code in ReasonCode}
    for u in f.plan.unscheduled:
        if str(u.reason_code) not in codes:
            yield (
                u.child_id,
                f"reason_code {u.reason_code} is not one of {', '.join(sorted(codes))}",
            )
        if not u.reason.strip():
            yield u.child_id, "reason is empty; a coordinator needs a sentence to act on"


# --------------------------------------------------------------------------- each appointment


def review_model_allowed(f: Facts) -> Iterator[Finding]:
    """The model is the child's own or a fallback; never joint without consent or a setting,
    never home without the home's location."""
    for a in f.planned:
        child = f.child(a)
        if child is None or a.model in f.allowed_models(child):
            continue
        if a.model == "joint" and child.setting_id is None:
            why = "the child is in no setting"
        elif a.model == "joint" and child.consent_to_share is False:
            why = "consent_to_share is false"
        elif a.model == "home" and (child.home_lat is None or child.home_lon is None):
            why = "the child has no home_lat/home_lon"
        else:
            allowed = ", ".join(f.allowed_models(child)) or "none"
            why = f"it is neither the child's own model nor a fallback (allowed: {allowed})"
        yield a.child_id, f"a {a.model} review on {a.date}, but {why}"


def model_location_pre_meeting(f: Facts) -> Iterator[Finding]:
    """The location follows the model (setting, clinic, home) and only a joint review has a
    pre-meeting, ``pre_meeting_minutes`` before the start."""
    pre = f.config.review.pre_meeting_minutes
    for a in f.planned:
        cid = a.child_id
        location = LOCATION.get(a.model)
        if location is None:
            yield cid, f"model {a.model} is not joint, separate or home"
            continue
        if a.location != location:
            yield cid, f"location {a.location}, but a {a.model} review meets at the {location}"
        if a.model == "joint":
            if a.pre_meeting_start != a.start - pre:
                shown = "none" if a.pre_meeting_start is None else format_time(a.pre_meeting_start)
                yield cid, f"pre_meeting_start is {shown}, not {format_time(a.start - pre)}"
        elif a.pre_meeting_start is not None:
            yield cid, f"has a pre_meeting_start, but a {a.model} review has no pre-meeting"


def right_practitioner(f: Facts) -> Iterator[Finding]:
    """A joint review is run by the setting's link; a separate or home review by the child's
    caseload practitioner, else the setting's link."""
    for a in f.planned:
        child = f.child(a)
        if child is None:
            continue
        cid = a.child_id
        if a.practitioner_id not in f.authority.practitioners:
            yield cid, f"practitioner {a.practitioner_id} is not in practitioners.csv"
            continue
        expected = f.practitioner_for(child, a.model)
        if a.model == "joint" and child.setting_id is None:
            continue  # review_model_allowed: a joint review needs a setting
        if expected is None:
            yield (
                cid,
                f"a {a.model} review run by {a.practitioner_id}, but setting "
                f"{_shown(child.setting_id)} has no row in links.csv"
                + ("" if a.model == "joint" else " and the child has no caseload practitioner"),
            )
        elif a.practitioner_id != expected:
            whose = (
                f"the caseload practitioner is {expected}"
                if a.model != "joint" and child.practitioner_id
                else f"{child.setting_id}'s link practitioner is {expected}"
            )
            yield cid, f"a {a.model} review run by {a.practitioner_id}, but {whose}"


def appointment_matches_data(f: Facts) -> Iterator[Finding]:
    """Setting and key person are the child's; the length is the meeting's (prior concerns and
    interpreter included); age and in-window flag follow the date."""
    for a in f.planned:
        child = f.child(a)
        if child is None:
            continue
        cid = a.child_id
        if a.setting_id != child.setting_id:
            yield (
                cid,
                f"setting_id {_shown(a.setting_id)}, but the child's is {_shown(child.setting_id)}",
            )
        if a.key_person_id != child.key_person_id:
            yield (
                cid,
                f"key_person_id {_shown(a.key_person_id)}, but the child's is "
                f"{_shown(child.key_person_id)}",
            )
        length = f.meeting_minutes(child)
        if a.end - a.start != length:
            yield cid, f"lasts {a.end - a.start} min ({_span(a.start, a.end)}), not {length}"
        age = age_months(child.date_of_birth, a.date)
        if round(a.age_months, 1) != age:
            yield cid, f"age_months is {a.age_months:.1f}, but on {a.date} it is {age:.1f}"
        in_window = a.date <= add_months(child.date_of_birth, f.hi)
        if a.in_window != in_window:
            yield (
                cid,
                f"in_window is {str(a.in_window).lower()}, but should be {str(in_window).lower()}",
            )


# --------------------------------------------------------------------------- dates


def review_day(f: Facts) -> Iterator[Finding]:
    """The date is a review day: in the term, not excluded, not a bank holiday."""
    term = f.config.term
    for a in f.planned:
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
    """The child is between ``lo`` and ``over`` months old and has settled in (``starts_on`` +
    ``settle_days``)."""
    settle = f.config.review.settle_days
    for a in f.planned:
        child = f.child(a)
        if child is None:
            continue
        if a.date < add_months(child.date_of_birth, f.lo):
            yield a.child_id, f"{a.date} is before the child is {f.lo} months old"
        if a.date > add_months(child.date_of_birth, f.over):
            yield a.child_id, f"{a.date} is after the child is {f.over} months old"
        if child.starts_on is not None and a.date < child.starts_on + timedelta(days=settle):
            yield (
                a.child_id,
                f"{a.date} is before {child.starts_on + timedelta(days=settle)}, {settle} days "
                f"after the child starts on {child.starts_on}",
            )


def notice_given(f: Facts) -> Iterator[Finding]:
    """With ``today`` set, no new appointment (not in the previous plan at that child, date and
    start) is dated from today to before ``today + notice_days``."""
    if f.today is None:
        return
    notice = f.config.review.notice_days
    first = f.today + timedelta(days=notice)
    for a in f.planned:
        if f.today <= a.date < first and (a.child_id, a.date, a.start) not in f.previous_slots:
            yield (
                a.child_id,
                f"a new appointment on {a.date}, but with {notice} days' notice from today "
                f"({f.today}) the first possible date is {first}",
            )


def history_kept(f: Facts) -> Iterator[Finding]:
    """With ``today`` set: the previous plan's appointments before today are kept unchanged unless
    an outcome on that date says the review did not happen; nothing else is before today; and a
    review today that an outcome says did not happen is not kept in its slot (the child is
    booked afresh after the notice period)."""
    if f.today is None:
        return
    today = f.today
    before = {(a.child_id, a.date): a for a in f.plan.appointments if a.date < today}
    previous = {(a.child_id, a.date): a for a in (f.previous.appointments if f.previous else ())}
    for key, a in before.items():
        if a in f.history:
            continue
        old = previous.get(key)
        outcome = f.did_not_happen(a)
        if old is None:
            source = (
                "the previous plan" if f.previous is not None else "a previous plan (none given)"
            )
            yield a.child_id, f"dated {a.date}, before today ({today}), but not in {source}"
        elif outcome is not None:
            yield (
                a.child_id,
                f"dated {a.date}, before today ({today}), but the review booked that day did "
                f"not happen ({outcome.outcome}), so it must be dropped",
            )
        else:
            changed = [
                x.name for x in fields(Appointment) if getattr(a, x.name) != getattr(old, x.name)
            ]
            yield (
                a.child_id,
                f"the review on {a.date} is history (before today, {today}) but was changed: "
                f"{', '.join(changed)}",
            )
    for a in f.planned:
        if a.date == today and (outcome := f.did_not_happen(a)) is not None:
            yield (
                a.child_id,
                f"booked today ({today}) at {format_time(a.start)}, but the review booked that "
                f"day did not happen ({outcome.outcome}): the child is booked afresh after the "
                "notice period",
            )
    for key, old in f.history_expected.items():
        if key not in before:
            yield (
                old.child_id,
                f"the previous plan's review on {old.date} at {format_time(old.start)} is "
                f"before today ({today}) and has no outcome saying it did not happen, but is "
                "missing",
            )


# --------------------------------------------------------------------------- people's days


def setting_open(f: Facts) -> Iterator[Finding]:
    """A joint review's setting is open that weekday, not closed that day, and the block lies
    within its hours."""
    for a in f.planned:
        setting = f.authority.settings.get(a.setting_id or "")
        if a.model != "joint" or setting is None:
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
    for a in f.planned:
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
    """At a joint review the key person works that weekday and is not absent."""
    for a in f.planned:
        k = f.authority.key_persons.get(a.key_person_id or "")
        if a.model != "joint" or k is None:
            continue
        if a.date.weekday() not in k.working_days:
            yield a.child_id, f"{k.key_person_id} does not work on {_weekday(a.date)} ({a.date})"
        if f.absent(k.key_person_id, a.date):
            yield a.child_id, f"{k.key_person_id} is absent on {a.date}"


def parent_available(f: Facts) -> Iterator[Finding]:
    """The parent can come that weekday."""
    for a in f.planned:
        child = f.child(a)
        if child is not None and a.date.weekday() in child.parent_unavailable_days:
            yield a.child_id, f"the parent cannot come on {_weekday(a.date)} ({a.date})"


def no_double_booking(f: Facts) -> Iterator[Finding]:
    """No practitioner is in two blocks at once, and no key person in two joint blocks."""
    for pid, day, group in f.groups(lambda a: a.practitioner_id):
        yield from _overlaps(pid, day, group, _block)
    for kid, day, group in f.groups(lambda a: a.key_person_id, lambda a: a.model == "joint"):
        yield from _overlaps(kid, day, group, _block)


def _parent(child: Child) -> str | None:
    """Who the parent is: the e-mail (stripped, any case), else the name (spaces collapsed, any
    case) at the child's setting (or in no setting); None when neither is given."""
    email = (child.parent_email or "").strip().lower()
    if email:
        return f"email {email}"
    name = " ".join((child.parent_name or "").split()).lower()
    return f"name {name} at {child.setting_id or ''}" if name else None


def siblings_apart(f: Facts) -> Iterator[Finding]:
    """Siblings' meetings never overlap: a parent is in one place at a time."""

    def parent(a: Appointment) -> str | None:
        child = f.child(a)
        return None if child is None else _parent(child)

    for _, day, group in f.groups(parent):
        for a, b in _overlapping_pairs(group, _meeting):
            yield (
                f"parent of {a.child_id} and {b.child_id} {day}",
                f"meetings {_span(*_meeting(a))} and {_span(*_meeting(b))} overlap",
            )


def rooms(f: Facts) -> Iterator[Finding]:
    """At any moment at most ``rooms`` joint blocks run at one setting."""
    for sid, day, group in f.groups(lambda a: a.setting_id, lambda a: a.model == "joint"):
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
    """A practitioner does at most ``max_reviews_per_day`` reviews a day (every model counts)."""
    for pid, day, group in f.groups(lambda a: a.practitioner_id):
        p = f.authority.practitioners.get(pid)
        if p is not None and len(group) > p.max_reviews_per_day:
            yield f"{pid} {day}", f"{len(group)} reviews, but at most {p.max_reviews_per_day} a day"


# --------------------------------------------------------------------------- travel


def travel_time(f: Facts) -> Iterator[Finding]:
    """Between a practitioner's consecutive blocks at two points (setting, clinic = base, home)
    the gap covers the travel time."""
    for pid, day, group in f.groups(lambda a: a.practitioner_id):
        for b in group:
            before = [a for a in group if a.end <= b.block_start]
            there = f.point(b)
            if not before or there is None:
                continue
            a = max(before, key=lambda x: (x.end, x.child_id))  # where they come from
            here = f.point(a)
            if here is None:
                continue
            need = f.travel((here.lat, here.lon), (there.lat, there.lon))
            gap = b.block_start - a.end
            if gap < need:
                yield (
                    f"{pid} {day}",
                    f"{gap} min from {a.child_id} at {here.label} (ends {format_time(a.end)}) "
                    f"to {b.child_id} at {there.label} (block starts "
                    f"{format_time(b.block_start)}), but travel takes {need} min",
                )


def day_starts_at_base(f: Facts) -> Iterator[Finding]:
    """With ``[travel] day_starts_at_base``: the day's first block starts after the journey from
    base, and the last ends in time for the journey back before the day ends."""
    if not f.config.travel.day_starts_at_base:
        return
    for pid, day, group in f.groups(lambda a: a.practitioner_id):
        p = f.authority.practitioners.get(pid)
        if p is None:
            continue
        base = (p.base_lat, p.base_lon)
        first = min(group, key=lambda a: (a.block_start, a.child_id))
        last = max(group, key=lambda a: (a.end, a.child_id))
        if (point := f.point(first)) is not None:
            out = f.travel(base, (point.lat, point.lon))
            # Before day_start itself is practitioner_available's finding.
            if p.day_start <= first.block_start < p.day_start + out:
                yield (
                    f"{pid} {day}",
                    f"first block ({first.child_id} at {point.label}) starts "
                    f"{format_time(first.block_start)}, but the day starts at "
                    f"{format_time(p.day_start)} at base and the journey takes {out} min",
                )
        if (point := f.point(last)) is not None:
            back = f.travel((point.lat, point.lon), base)
            if p.day_end - back < last.end <= p.day_end:
                yield (
                    f"{pid} {day}",
                    f"last block ({last.child_id} at {point.label}) ends {format_time(last.end)}, "
                    f"but the journey back to base takes {back} min and the day ends at "
                    f"{format_time(p.day_end)}",
                )


# --------------------------------------------------------------------------- pins and summary


def _pin_kept(f: Facts, pin: Pin) -> bool:
    if pin.kind == "link":
        return f.link_of.get(pin.setting_id or "") == pin.practitioner_id
    return any(
        a.date == pin.date and pin.start in (None, a.start)
        for a in f.appointments_of.get(pin.child_id or "", ())
    )


def _pin_key(kind: str, child_id: str, setting_id: str) -> tuple[str, str]:
    """What identifies an entry of ``pins_unhonoured``: the child (appointment) or the setting
    (link)."""
    return (kind, setting_id) if kind == "link" else (kind, child_id)


def _pin_label(key: tuple[str, str]) -> str:
    kind, who = key
    return f"{kind} pin for {who}"


def pins_honoured(f: Facts) -> Iterator[Finding]:
    """Every pin is kept, or listed in summary.json ``pins_unhonoured`` with a reason; only
    pins not kept are listed there."""
    entries: Counter[tuple[str, str]] = Counter()
    for number, entry in enumerate(f.plan.summary.pins_unhonoured or (), start=1):
        # a missing list is summary_consistent's finding; a malformed one cannot be read
        where = f"pins_unhonoured #{number}"
        if entry.kind not in ("appointment", "link"):
            yield "summary", f"{where} has kind {entry.kind!r}, not appointment or link"
            continue
        if not entry.reason.strip():
            yield "summary", f"{where} has an empty reason; a coordinator needs a sentence"
        entries[_pin_key(entry.kind, entry.child_id, entry.setting_id)] += 1
    broken: Counter[tuple[str, str]] = Counter(
        _pin_key(pin.kind, pin.child_id or "", pin.setting_id or "")
        for pin in f.pins
        if not _pin_kept(f, pin)
    )
    for key, times in broken.items():
        if entries[key] < times:
            yield _pin_label(key), "not kept by the plan, but not listed in pins_unhonoured"
    for key, times in entries.items():
        if times > broken[key]:
            why = "kept by the plan" if key not in broken else f"listed {times} times"
            yield _pin_label(key), f"listed in pins_unhonoured, but {why}"


def summary_consistent(f: Facts) -> Iterator[Finding]:
    """``summary.json`` has the contract's keys, and its counts are those of the data and files."""
    summary = f.plan.summary
    present = summary.present()
    for key in SUMMARY_KEYS:
        if key not in present:
            yield "summary", f"missing {key}"
    claimed = _claimed_counts(summary)
    for key, expected in _expected_counts(f).items():
        if key in present and claimed[key] != expected:
            yield "summary", f"{key} is {claimed[key]!r}, but the data and plan give {expected}"
    if "unscheduled_by_reason" in present:
        by_reason = dict(sorted(Counter(str(u.reason_code) for u in f.plan.unscheduled).items()))
        if summary.unscheduled_by_reason != by_reason:
            yield (
                "summary",
                f"unscheduled_by_reason is {summary.unscheduled_by_reason!r}, but "
                f"unscheduled.csv gives {by_reason}",
            )
    # Optional keys that say which data the plan was made for: checking against other data
    # (another term, the other model) would make every other finding meaningless.
    for key, said, actual in (
        ("model", summary.model, f.config.review.model),
        ("term_name", summary.term_name, f.config.term.name),
    ):
        if key in present and said != actual:
            yield "summary", f"{key} is {said!r}, but the data's config says {actual!r}"


def _claimed_counts(s: PlanSummary) -> dict[str, int | None]:
    """The counts the summary claims, by key (``None``: absent or ``null``)."""
    return {
        "children_due": s.children_due,
        "scheduled": s.scheduled,
        "in_window": s.in_window,
        "funded_two_due": s.funded_two_due,
        "funded_two_scheduled": s.funded_two_scheduled,
        "overdue_due": s.overdue_due,
        "overdue_scheduled": s.overdue_scheduled,
        "send_due": s.send_due,
        "send_scheduled": s.send_scheduled,
        "settings_linked": s.settings_linked,
        "links_kept": s.links_kept,
    }


def _expected_counts(f: Facts) -> dict[str, int]:
    """The counts as the contract and the product define them: due children (attended outcomes
    counted), and rows of appointments.csv (kept history included)."""
    appointments = f.plan.appointments
    due = f.due
    funded = {cid for cid, c in due.items() if c.funded_two}
    overdue = {cid for cid, c in due.items() if f.is_overdue(c)}
    send = {cid for cid, c in due.items() if c.send}
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
        "send_due": len(send),
        "send_scheduled": sum(a.child_id in send for a in appointments),
        "settings_linked": len(f.plan.links),
        "links_kept": sum(link.kept_existing_link for link in f.plan.links),
    }


RULES: tuple[Rule, ...] = (
    Rule(
        "every_due_child_once",
        "every due child is scheduled or unscheduled exactly once; nobody else is listed, "
        "except kept history",
        every_due_child_once,
    ),
    Rule(
        "links_valid",
        "one link per setting, known ids, true children_due and kept_existing_link",
        links_valid,
    ),
    Rule(
        "no_link_practitioner",
        "NO_LINK_PRACTITIONER exactly for children only an unlinked setting's link could see",
        no_link_practitioner,
    ),
    Rule(
        "outcomes_respected",
        "declined: DECLINED; not brought twice: FOLLOW_UP (DECLINED first); neither is booked",
        outcomes_respected,
    ),
    Rule(
        "unscheduled_matches_data",
        "an unscheduled child is listed under its own setting (empty for no setting)",
        unscheduled_matches_data,
    ),
    Rule(
        "reason_codes_valid",
        "an unscheduled child has one of the six reason codes and a reason",
        reason_codes_valid,
    ),
    Rule(
        "review_model_allowed",
        "own model or a fallback; joint needs consent and a setting, home needs a home location",
        review_model_allowed,
    ),
    Rule(
        "model_location_pre_meeting",
        "joint: at the setting with a pre-meeting; separate: at the clinic; home: at home",
        model_location_pre_meeting,
    ),
    Rule(
        "right_practitioner",
        "joint: the setting's link; separate or home: the caseload practitioner, else the link",
        right_practitioner,
    ),
    Rule(
        "appointment_matches_data",
        "setting, key person, length (prior concerns, interpreter), age and window flag are right",
        appointment_matches_data,
    ),
    Rule("review_day", "reviews happen on review days of the term", review_day),
    Rule(
        "allowed_date",
        "the child is old enough, not too old, and settled in (starts_on + settle_days)",
        allowed_date,
    ),
    Rule(
        "notice_given",
        "with today set, no new appointment before today + notice_days",
        notice_given,
    ),
    Rule(
        "history_kept",
        "with today set, earlier reviews are kept unchanged unless they did not happen; "
        "nothing else is before today; a review today that did not happen is not kept",
        history_kept,
    ),
    Rule(
        "setting_open",
        "joint: the setting is open that day and the block is within its hours",
        setting_open,
    ),
    Rule(
        "practitioner_available",
        "the practitioner works that day, is not absent, and the block is within their hours",
        practitioner_available,
    ),
    Rule(
        "key_person_available",
        "joint: the key person works that day and is not absent",
        key_person_available,
    ),
    Rule("parent_available", "the parent is not unavailable that weekday", parent_available),
    Rule(
        "no_double_booking",
        "no practitioner is in two blocks at once, no key person in two joint blocks",
        no_double_booking,
    ),
    Rule(
        "siblings_apart",
        "siblings' meetings (same parent e-mail, else name and setting) never overlap",
        siblings_apart,
    ),
    Rule("rooms", "joint: no more meetings at once at a setting than it has rooms", rooms),
    Rule(
        "max_reviews_per_day",
        "no practitioner does more reviews in a day than their limit",
        max_reviews_per_day,
    ),
    Rule(
        "travel_time",
        "a practitioner has time to travel between two places (setting, clinic, home)",
        travel_time,
    ),
    Rule(
        "day_starts_at_base",
        "the day's first block allows the journey from base, the last the journey back",
        day_starts_at_base,
    ),
    Rule(
        "pins_honoured",
        "every pin is kept or listed in pins_unhonoured with a reason; only those are listed",
        pins_honoured,
    ),
    Rule(
        "summary_consistent",
        "summary.json has the contract's keys and true counts",
        summary_consistent,
    ),
)
"""Every hard rule, in the order reports list them."""

RULES_BY_NAME: Mapping[str, Rule] = {rule.name: rule for rule in RULES}


def check_plan(
    authority: Authority,
    plan: Plan,
    rules: Iterable[Rule] = RULES,
    *,
    previous: Plan | None = None,
    pins: Sequence[Pin] = (),
) -> CheckReport:
    """Check ``plan`` against ``authority``'s data; every violation of every rule is reported.

    ``previous``: the plan this one re-plans (``replan --previous``), for history and notice.
    ``pins``: the pins it was planned with. ``today`` is the config's ``[term] today``.
    """
    facts = Facts(authority, plan, previous, pins)
    violations = [
        Violation(rule.name, subject, message)
        for rule in rules
        for subject, message in rule.check(facts)
    ]
    return CheckReport(violations)
