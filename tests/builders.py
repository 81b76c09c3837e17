"""Tiny cases for tests: every record with sensible defaults, overridden by keyword.

The defaults fit together into one small authority in which one child is due and can be
reviewed on the default date::

    P001  practitioner, Mon–Fri 08:30–17:00, at most 6 reviews a day, based near S001
    S001  PVI nursery, Mon–Fri 08:00–18:00, one room, current link practitioner P001
    K001  key person at S001, Mon–Fri
    C001  born 2024-06-15 (24 months on 2026-06-15, 30 on 2026-12-15), funded, at S001/K001

The term is the contract's default (Autumn 2026, 7 Sep – 18 Dec, half term 26–30 Oct,
English bank holidays); :data:`REVIEW_DAY` (Tue 8 Sep 2026) is a review day.

Record builders (``make_practitioner``, ``make_setting``, ``make_key_person``, ``make_child``,
``make_absence``, ``make_closure``, ``make_outcome``) take any field of the record as a keyword;
``child_in_no_setting`` and ``child_at_home`` give contract v2's children seen at a clinic or
at home, ``link_pin`` and ``appointment_pin`` the pins a plan was made with. Plan builders
either take every field (``make_appointment``, ``make_link``, ``make_unscheduled``) or derive
the fields the contract fixes from the authority (``appointment_for``, ``links_for``,
``summary_for``, ``make_plan``), so a test states only what it is about::

    authority = make_authority(children=[make_child(), make_child("C002", funded=False)])
    plan = make_plan(authority, [appointment_for(authority, "C001", start=hm("10:00"))])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from scheduler.calendar import add_months, age_months, is_due
from scheduler.config import Config, ReviewModel
from scheduler.domain import (
    Absence,
    Authority,
    Child,
    Closure,
    Days,
    KeyPerson,
    Outcome,
    OutcomeKind,
    Practitioner,
    Setting,
    SettingType,
)
from scheduler.plan import (
    LOCATION_OF_MODEL,
    Appointment,
    Link,
    Location,
    Pin,
    Plan,
    ReasonCode,
    Unscheduled,
)
from scheduler.summary import PlanSummary, UnhonouredPin
from scheduler.travel import haversine_km

WEEKDAYS: Days = frozenset(range(5))
"""Monday to Friday."""

REVIEW_DAY = date(2026, 9, 8)
"""A Tuesday in the default term; every default person works it and C001 may be seen then."""

DEFAULT_DOB = date(2024, 6, 15)
"""In the target window for the whole default term."""

CREATED_AT = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

SUMMARY_COUNTS: tuple[str, ...] = (
    "children_due",
    "scheduled",
    "in_window",
    "funded_two_due",
    "funded_two_scheduled",
    "overdue_due",
    "overdue_scheduled",
    "send_due",
    "send_scheduled",
)
"""The summary keys that are counts the checker recomputes (and :func:`summary_for` gives)."""


def hm(text: str) -> int:
    """``"10:30"`` as minutes since midnight (630)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def days(*names: str) -> Days:
    """Weekday names as a day set: ``days("Mon", "Wed")``."""
    order = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return frozenset(order.index(name) for name in names)


# --------------------------------------------------------------------------- input records


def make_practitioner(
    practitioner_id: str = "P001",
    *,
    name: str | None = None,
    email: str | None = None,
    base_lat: float = 51.5400,
    base_lon: float = -0.1000,
    working_days: Days = WEEKDAYS,
    day_start: int = hm("08:30"),
    day_end: int = hm("17:00"),
    max_reviews_per_day: int = 6,
    **overrides: Any,
) -> Practitioner:
    """A full-time health visitor; ``overrides`` sets any other field (``role``, ``languages``)."""
    return Practitioner(
        practitioner_id=practitioner_id,
        name=name or f"Practitioner {practitioner_id}",
        email=email or f"{practitioner_id.lower()}@health.example.org",
        base_lat=base_lat,
        base_lon=base_lon,
        working_days=working_days,
        day_start=day_start,
        day_end=day_end,
        max_reviews_per_day=max_reviews_per_day,
        **overrides,
    )


def make_setting(
    setting_id: str = "S001",
    *,
    name: str | None = None,
    type: SettingType = "pvi",
    lat: float = 51.5500,
    lon: float = -0.1000,
    email: str | None = None,
    open_days: Days = WEEKDAYS,
    open_time: int = hm("08:00"),
    close_time: int = hm("18:00"),
    rooms: int = 1,
    link_practitioner_id: str | None = "P001",
    **overrides: Any,
) -> Setting:
    """A weekday nursery whose current link practitioner is P001 (pass ``None`` for none)."""
    return Setting(
        setting_id=setting_id,
        name=name or f"Setting {setting_id}",
        type=type,
        lat=lat,
        lon=lon,
        email=email or f"{setting_id.lower()}@nursery.example.org",
        open_days=open_days,
        open_time=open_time,
        close_time=close_time,
        rooms=rooms,
        link_practitioner_id=link_practitioner_id,
        **overrides,
    )


def make_key_person(
    key_person_id: str = "K001",
    *,
    setting_id: str = "S001",
    name: str | None = None,
    working_days: Days = WEEKDAYS,
    **overrides: Any,
) -> KeyPerson:
    """A key person working every weekday."""
    return KeyPerson(
        key_person_id=key_person_id,
        setting_id=setting_id,
        name=name or f"Key person {key_person_id}",
        working_days=working_days,
        **overrides,
    )


def make_child(
    child_id: str = "C001",
    *,
    dob: date = DEFAULT_DOB,
    funded: bool = True,
    setting_id: str | None = "S001",
    key_person_id: str | None = "K001",
    name: str | None = None,
    **overrides: Any,
) -> Child:
    """A child in window all term; ``dob``/``funded`` stand for ``date_of_birth``/``funded_two``.

    ``overrides`` sets any other field: ``prior_concerns=True``, ``send=True``,
    ``parent_email=...``, ``parent_unavailable_days=days("Mon")``, ``reviewed_on=...``,
    ``starts_on=...``, ``review_model="separate"``, ``consent_to_share=False``,
    ``practitioner_id="P002"``, ``home_language="Polish"``. A child in no setting:
    ``setting_id=None, key_person_id=None, practitioner_id="P001", review_model="separate"``
    (or ``"home"`` with ``home_lat/home_lon``).
    """
    return Child(
        child_id=child_id,
        name=name or f"Child {child_id}",
        date_of_birth=dob,
        setting_id=setting_id,
        key_person_id=key_person_id,
        funded_two=funded,
        **overrides,
    )


HOME: dict[str, float] = {"home_lat": 51.5450, "home_lon": -0.1000}
"""A family home between P001's base and S001 (0.56 km from each: 3 minutes' travel)."""


def child_in_no_setting(
    child_id: str = "C001",
    *,
    practitioner_id: str = "P001",
    review_model: ReviewModel = "separate",
    **overrides: Any,
) -> Child:
    """A child who attends no setting (contract v2): seen by the caseload practitioner at the
    clinic, or at home (``review_model="home"`` gets :data:`HOME` unless given)."""
    if review_model == "home":
        overrides = HOME | overrides
    return make_child(
        child_id,
        setting_id=None,
        key_person_id=None,
        practitioner_id=practitioner_id,
        review_model=review_model,
        **overrides,
    )


def child_at_home(child_id: str = "C001", **overrides: Any) -> Child:
    """A child at S001 whose own review model is a home visit, at :data:`HOME`."""
    return make_child(child_id, **(HOME | {"review_model": "home"} | overrides))


def make_outcome(
    child_id: str = "C001",
    day: date = REVIEW_DAY,
    outcome: OutcomeKind = "attended",
    **overrides: Any,
) -> Outcome:
    """What happened at ``child_id``'s review booked on ``day`` (``outcomes.csv``)."""
    return Outcome(child_id, day, outcome, **overrides)


def make_absence(
    person_id: str = "P001", start: date = REVIEW_DAY, end: date | None = None, reason: str = ""
) -> Absence:
    """``person_id`` away from ``start`` to ``end`` inclusive (one day by default)."""
    return Absence(person_id, start, end or start, reason or None)


def make_closure(setting_id: str = "S001", day: date = REVIEW_DAY) -> Closure:
    """``setting_id`` (or ``"*"``: every setting) closed on ``day``."""
    return Closure(setting_id, day)


def make_config(
    *,
    term: dict[str, Any] | None = None,
    review: dict[str, Any] | None = None,
    travel: dict[str, Any] | None = None,
    priorities: dict[str, Any] | None = None,
    **sections: dict[str, Any],
) -> Config:
    """The contract's defaults with some keys of some sections changed, validated as a file is.

    ``make_config(review={"model": "separate"})``, ``make_config(term={"bank_holidays": "none"})``,
    ``make_config(contact={"phone": "020 7946 0000"})``.
    """
    document: dict[str, Any] = {}
    for section, values in (
        ("term", term),
        ("review", review),
        ("travel", travel),
        ("priorities", priorities),
    ):
        if values:
            document[section] = values
    document.update(sections)
    return Config.model_validate(document)


def make_authority(
    *,
    practitioners: Sequence[Practitioner] | None = None,
    settings: Sequence[Setting] | None = None,
    key_persons: Sequence[KeyPerson] | None = None,
    children: Sequence[Child] | None = None,
    absences: Iterable[Absence] = (),
    closures: Iterable[Closure] = (),
    config: Config | None = None,
    outcomes: Iterable[Outcome] = (),
) -> Authority:
    """An authority from lists of records; each list left out is the one default record."""
    return Authority(
        practitioners={p.practitioner_id: p for p in practitioners or [make_practitioner()]},
        settings={s.setting_id: s for s in settings or [make_setting()]},
        key_persons={k.key_person_id: k for k in key_persons or [make_key_person()]},
        children={c.child_id: c for c in (children if children is not None else [make_child()])},
        absences=tuple(absences),
        closures=tuple(closures),
        config=config or Config(),
        outcomes=tuple(outcomes),
    )


def due_children(authority: Authority) -> list[Child]:
    """The term's due children, an ``attended`` outcome counting as ``reviewed_on``."""
    config = authority.config
    due = []
    for child in authority.children.values():
        attended = [
            o.date
            for o in authority.outcomes
            if o.child_id == child.child_id and o.outcome == "attended"
        ]
        reviewed = min([d for d in (child.reviewed_on, *attended) if d is not None], default=None)
        if is_due(replace(child, reviewed_on=reviewed), config.term, config.review):
            due.append(child)
    return due


# --------------------------------------------------------------------------- plan records


def make_appointment(
    child_id: str = "C001",
    *,
    setting_id: str | None = "S001",
    practitioner_id: str = "P001",
    key_person_id: str | None = "K001",
    date: date = REVIEW_DAY,
    pre_meeting_start: int | None = hm("09:45"),
    start: int = hm("10:00"),
    end: int = hm("10:45"),
    location: Location | None = None,
    age_months: float = 26.8,
    in_window: bool = True,
    model: ReviewModel | None = None,
) -> Appointment:
    """An appointment given field by field (defaults: C001's valid joint review on REVIEW_DAY).

    Give ``model`` or ``location`` and the other follows (``model="home"`` meets at home, a
    ``location="clinic"`` is a separate review); give both to build a broken plan.
    """
    by_location: dict[str, ReviewModel] = {"setting": "joint", "clinic": "separate", "home": "home"}
    kind: ReviewModel = model or (by_location[location] if location else "joint")
    where: Location = location or LOCATION_OF_MODEL[kind]
    return Appointment(
        child_id=child_id,
        setting_id=setting_id,
        practitioner_id=practitioner_id,
        key_person_id=key_person_id,
        date=date,
        pre_meeting_start=pre_meeting_start if kind == "joint" else None,
        start=start,
        end=end,
        location=where,
        age_months=age_months,
        in_window=in_window,
        model=kind,
    )


def appointment_for(
    authority: Authority,
    child_id: str = "C001",
    day: date = REVIEW_DAY,
    start: int = hm("10:00"),
    *,
    practitioner_id: str | None = None,
    model: ReviewModel | None = None,
) -> Appointment:
    """The child's appointment on ``day`` at ``start``, every other field as the contract fixes it.

    The model defaults to the child's own (``review_model``, else ``[review] model``). The
    practitioner defaults to the child's caseload practitioner for a separate or home review,
    else the setting's current link practitioner; the length, pre-meeting and location follow
    the model; age and ``in_window`` follow the date. Whether the slot is *allowed* is up to
    the test.
    """
    child = authority.children[child_id]
    review = authority.config.review
    kind: ReviewModel = model or child.review_model or review.model
    joint = kind == "joint"
    length = (
        review.meeting_minutes
        + (review.prior_concerns_extra_minutes if child.prior_concerns else 0)
        + (review.interpreter_extra_minutes if child.interpreter_language else 0)
    )
    practitioner = practitioner_id or (None if joint else child.practitioner_id)
    if practitioner is None and child.setting_id is not None:
        practitioner = authority.settings[child.setting_id].link_practitioner_id
    assert practitioner is not None, "no caseload or link practitioner: pass practitioner_id"
    return Appointment(
        child_id=child_id,
        setting_id=child.setting_id,
        practitioner_id=practitioner,
        key_person_id=child.key_person_id,
        date=day,
        pre_meeting_start=start - review.pre_meeting_minutes if joint else None,
        start=start,
        end=start + length,
        location=LOCATION_OF_MODEL[kind],
        age_months=age_months(child.date_of_birth, day),
        in_window=day <= add_months(child.date_of_birth, review.window_months[1]),
        model=kind,
    )


def make_link(
    setting_id: str = "S001",
    practitioner_id: str = "P001",
    *,
    children_due: int = 1,
    workload_minutes: int = 60,
    distance_km: float = 1.11,
    kept_existing_link: bool = True,
    explanation: str = "",
) -> Link:
    """A links.csv row given field by field."""
    return Link(
        setting_id,
        practitioner_id,
        children_due,
        workload_minutes,
        distance_km,
        kept_existing_link,
        explanation,
    )


def links_for(
    authority: Authority, practitioner_by_setting: dict[str, str] | None = None
) -> list[Link]:
    """One link per setting: the given practitioner, else the setting's current one.

    Settings with neither get no row (their due children must be ``NO_LINK_PRACTITIONER``).
    ``children_due``, ``distance_km`` and ``kept_existing_link`` are derived from the data.
    """
    chosen = practitioner_by_setting or {}
    config = authority.config
    links = []
    for setting in authority.settings.values():
        practitioner_id = chosen.get(setting.setting_id, setting.link_practitioner_id)
        if practitioner_id is None:
            continue
        practitioner = authority.practitioners[practitioner_id]
        due = [c for c in due_children(authority) if c.setting_id == setting.setting_id]
        km = haversine_km(practitioner.base_lat, practitioner.base_lon, setting.lat, setting.lon)
        links.append(
            Link(
                setting_id=setting.setting_id,
                practitioner_id=practitioner_id,
                children_due=len(due),
                workload_minutes=len(due) * config.review.meeting_minutes,
                distance_km=round(km, 2),
                kept_existing_link=practitioner_id == setting.link_practitioner_id,
            )
        )
    return links


def make_unscheduled(
    child_id: str = "C001",
    setting_id: str | None = "S001",
    reason_code: ReasonCode = ReasonCode.CAPACITY,
    reason: str = "No time was left on the possible days; add a session or move a review.",
) -> Unscheduled:
    """An unscheduled.csv row."""
    return Unscheduled(child_id, setting_id, reason_code, reason)


def summary_for(
    authority: Authority,
    appointments: Sequence[Appointment],
    **extra: Any,
) -> PlanSummary:
    """A summary whose counts agree with the data and appointments, plus solver figures and
    an empty ``pins_unhonoured``.

    ``extra`` overrides or adds keys (``status="FEASIBLE"``, ``travel_km=3.5``).
    """
    config = authority.config
    hi = config.review.window_months[1]
    due = due_children(authority)
    overdue = {c.child_id for c in due if add_months(c.date_of_birth, hi) < config.term.start}
    funded = {c.child_id for c in due if c.funded_two}
    children = authority.children
    fields: dict[str, Any] = {
        "children_due": len(due),
        "scheduled": len(appointments),
        "in_window": sum(
            a.date <= add_months(children[a.child_id].date_of_birth, hi) for a in appointments
        ),
        "funded_two_due": len(funded),
        "funded_two_scheduled": sum(a.child_id in funded for a in appointments),
        "overdue_due": len(overdue),
        "overdue_scheduled": sum(a.child_id in overdue for a in appointments),
        "send_due": sum(c.send for c in due),
        "send_scheduled": sum(children[a.child_id].send for a in appointments),
        "pins_unhonoured": (),
        "travel_km": 0.0,
        "status": "OPTIMAL",
        "objective": 0.0,
        "best_bound": 0.0,
        "gap": 0.0,
        "solve_seconds": 0.1,
    }
    fields.update(extra)
    fields["pins_unhonoured"] = tuple(fields["pins_unhonoured"])
    return PlanSummary(**fields)


def make_plan(
    authority: Authority,
    appointments: Sequence[Appointment] = (),
    unscheduled: Sequence[Unscheduled] = (),
    *,
    links: Sequence[Link] | None = None,
    summary: PlanSummary | None = None,
    created_at: datetime | None = CREATED_AT,
    sequences: dict[str, int] | None = None,
) -> Plan:
    """A plan of these appointments and unscheduled children; links and summary derived
    (:func:`links_for`, :func:`summary_for`) unless given."""
    return Plan(
        links=list(links) if links is not None else links_for(authority),
        appointments=list(appointments),
        unscheduled=list(unscheduled),
        summary=summary if summary is not None else summary_for(authority, appointments),
        created_at=created_at,
        sequences=dict(sequences or {}),
    )


def link_pin(setting_id: str = "S001", practitioner_id: str = "P001") -> Pin:
    """A coordinator's pin: this setting's link is this practitioner."""
    return Pin("link", setting_id=setting_id, practitioner_id=practitioner_id)


def appointment_pin(
    child_id: str = "C001", day: date = REVIEW_DAY, start: int | None = None
) -> Pin:
    """A coordinator's pin: this child's review is on ``day`` (at ``start`` when given)."""
    return Pin("appointment", child_id=child_id, date=day, start=start)


def unhonoured(child_id: str, setting_id: str, kind: str, reason: str) -> UnhonouredPin:
    """An entry of summary.json's ``pins_unhonoured``."""
    return UnhonouredPin(child_id=child_id, setting_id=setting_id, kind=kind, reason=reason)
