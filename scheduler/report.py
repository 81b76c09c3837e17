"""The service report (contract v2, ``scheduler report``): what happened in a period, measured
the way a commissioner pays for it, and what will happen to the children still waiting.

The national metric (OHID): of the children whose 30-month date falls in the period, the share
reviewed by it. Definitions, stated once here and documented in ``docs/report.md``:

- ``lo, hi = [review] window_months``. A child's *30-month date* is ``add_months(dob, hi)``; the
  *cohort* is every child in ``children.csv`` whose 30-month date lies in ``[from, to]``.
- A child's *review dates* are ``reviewed_on`` (when given) and the date of every ``attended``
  outcome. The child is *reviewed by 30 months* when one of them lies in
  ``[add_months(dob, lo), add_months(dob, hi)]`` (both ends included): a review after the
  30-month date does not count, nor does one before 24 months.
- A *review attended in the period* is an ``attended`` outcome dated in ``[from, to]``, or a
  ``reviewed_on`` in ``[from, to]`` that no attended outcome of that child on that date records
  (a review recorded only in ``children.csv``). The latter's venue, practitioner role and ASQ-3
  are not known: they count as ``unknown`` venue and role and as ASQ-3 *not recorded*, and
  ``attended_without_outcome`` says how many there are.
- ``was_not_brought``, ``cancelled_by_parent``, ``cancelled_by_service`` and ``declined`` count
  outcomes of that kind dated in the period.
- Percentages are of the stated denominator, in per cent to one decimal, and ``None`` (JSON
  ``null``) when the denominator is 0: "nobody turned 30 months" is not 0 % and not 100 %.
- Breakdowns group *children*: by their setting's type (``no_setting`` for a child in no
  setting), by their *team* (the team of their caseload ``practitioner_id`` when given, else of
  their setting's ``link_practitioner_id``, else ``unknown``) and by setting (children in no
  setting are in no setting's row). Each group's figures are the same figures over that
  group's children, so the setting types and the teams add up to the total.

The forecast (with a plan): a cohort child not yet reviewed by 30 months is *booked in time*
when they were not reviewed after the 30-month date, the plan has their appointment dated in
their window and no outcome says that booked review did not happen; every other such child
*will pass 30 months unreviewed unless something changes*. The forecast metric counts reviewed
plus booked in time: the figure if every booked review happens.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from scheduler.calendar import add_months
from scheduler.config import ReviewConfig
from scheduler.domain import SETTING_TYPES, VENUES, Authority, Child, Outcome
from scheduler.errors import Problem
from scheduler.io.plan_files import APPOINTMENTS, UNSCHEDULED, child_lines
from scheduler.outcomes import DID_NOT_HAPPEN, history
from scheduler.plan import Plan

UNKNOWN = "unknown"
"""The venue, role or team of a review or child when the data do not say."""
NO_SETTING = "no_setting"
"""The setting type of a child in no setting."""


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent to one decimal; ``None`` when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True, slots=True)
class Period:
    """The report's dates, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


# --------------------------------------------------------------------------- per child


def thirty_months_on(child: Child, review: ReviewConfig) -> date:
    """The child's 30-month date (``add_months(dob, window_months[1])``)."""
    return add_months(child.date_of_birth, review.window_months[1])


def counts_towards_metric(child: Child, review_date: date, review: ReviewConfig) -> bool:
    """A review on ``review_date`` counts for the national metric: between the child's 24- and
    30-month dates (``window_months``), both included. The one place this is decided (the
    service report and the plan-level forecast of ``plan-many`` both ask here)."""
    lo = review.window_months[0]
    return add_months(child.date_of_birth, lo) <= review_date <= thirty_months_on(child, review)


def review_dates(child: Child, outcomes: Iterable[Outcome]) -> tuple[date, ...]:
    """Every date the child was reviewed: ``reviewed_on`` and each attended outcome's date (as
    :mod:`scheduler.outcomes` reads them), sorted, without repeats. ``outcomes`` may hold other
    children's outcomes (ignored)."""
    dates = set(history(child, [o for o in outcomes if o.child_id == child.child_id]).attended)
    if child.reviewed_on is not None:
        dates.add(child.reviewed_on)
    return tuple(sorted(dates))


def child_team(authority: Authority, child: Child) -> str:
    """The team responsible for the child: the caseload practitioner's, else the setting's
    link practitioner's (``settings.csv``), else ``unknown``."""
    pid = child.practitioner_id
    if pid is None and child.setting_id is not None:
        pid = authority.settings[child.setting_id].link_practitioner_id
    practitioner = authority.practitioners.get(pid) if pid is not None else None
    return (practitioner.team if practitioner is not None else None) or UNKNOWN


def child_setting_type(authority: Authority, child: Child) -> str:
    """The type of the child's setting, or ``no_setting``."""
    if child.setting_id is None:
        return NO_SETTING
    return authority.settings[child.setting_id].type


@dataclass(frozen=True, slots=True)
class CohortChild:
    """A child whose 30-month date falls in the period, and whether they made it."""

    child_id: str
    setting_id: str | None
    funded_two: bool
    thirty_months_on: date
    reviewed_on: date | None
    """The first review date that counts towards the metric, if any."""

    @property
    def reviewed_by_30_months(self) -> bool:
        return self.reviewed_on is not None


@dataclass(frozen=True, slots=True)
class AttendedReview:
    """One review that took place in the period."""

    child_id: str
    date: date
    venue: str
    """``setting``, ``clinic``, ``home`` or ``unknown``."""
    practitioner_role: str
    """The role (``practitioners.csv``) of who saw the child, or ``unknown``."""
    asq3: bool | None
    """``None``: not recorded."""
    has_outcome: bool
    """``False`` for a review known only from ``reviewed_on``."""


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    """The report's figures for one group of children (or all of them)."""

    children_turning_30_months: int
    reviewed_by_30_months: int
    funded_two_turning_30_months: int
    funded_two_reviewed_by_30_months: int
    not_yet_30_months: int
    """Of the cohort not yet reviewed: those whose 30-month date is after the reading day
    (``today``; 0 without one). They still count as not reviewed, but may yet be in time."""
    attended: int
    attended_without_outcome: int
    asq3_completed: int
    asq3_not_recorded: int
    was_not_brought: int
    cancelled_by_parent: int
    cancelled_by_service: int
    declined: int
    venue: Mapping[str, int] = field(default_factory=dict)
    practitioner_role: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "venue", MappingProxyType(dict(self.venue)))
        object.__setattr__(
            self, "practitioner_role", MappingProxyType(dict(self.practitioner_role))
        )

    @property
    def reviewed_by_30_months_pct(self) -> float | None:
        return percent(self.reviewed_by_30_months, self.children_turning_30_months)

    @property
    def funded_two_reviewed_by_30_months_pct(self) -> float | None:
        return percent(self.funded_two_reviewed_by_30_months, self.funded_two_turning_30_months)

    @property
    def asq3_completed_pct(self) -> float | None:
        """Of reviews attended (OHID's denominator); unrecorded ASQ-3 counts as not done, so
        read it with ``asq3_not_recorded``."""
        return percent(self.asq3_completed, self.attended)

    @property
    def was_not_brought_pct(self) -> float | None:
        """Of booked reviews the child was expected at and either came or was not brought
        (attended outcomes + not brought); cancellations and declines are not in it."""
        return percent(self.was_not_brought, self.attended_outcomes + self.was_not_brought)

    @property
    def attended_outcomes(self) -> int:
        """Reviews attended in the period that have an ``attended`` outcome."""
        return self.attended - self.attended_without_outcome

    def as_json(self) -> dict[str, Any]:
        """The figures as ``report.json`` writes them (counts, then each percentage)."""
        return {
            "children_turning_30_months": self.children_turning_30_months,
            "reviewed_by_30_months": self.reviewed_by_30_months,
            "reviewed_by_30_months_pct": self.reviewed_by_30_months_pct,
            "funded_two_turning_30_months": self.funded_two_turning_30_months,
            "funded_two_reviewed_by_30_months": self.funded_two_reviewed_by_30_months,
            "funded_two_reviewed_by_30_months_pct": self.funded_two_reviewed_by_30_months_pct,
            "not_yet_30_months": self.not_yet_30_months,
            "attended": self.attended,
            "attended_without_outcome": self.attended_without_outcome,
            "asq3_completed": self.asq3_completed,
            "asq3_not_recorded": self.asq3_not_recorded,
            "asq3_completed_pct": self.asq3_completed_pct,
            "was_not_brought": self.was_not_brought,
            "was_not_brought_pct": self.was_not_brought_pct,
            "cancelled_by_parent": self.cancelled_by_parent,
            "cancelled_by_service": self.cancelled_by_service,
            "declined": self.declined,
            "venue": dict(self.venue),
            "practitioner_role": dict(self.practitioner_role),
        }


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Cumulative metric at the end of one week: children whose 30-month date lies between the
    period's start and ``week_ending``, and of them those reviewed by 30 months."""

    week_ending: date
    turned_30_months: int
    reviewed_by_30_months: int
    funded_two_turned_30_months: int
    funded_two_reviewed_by_30_months: int

    @property
    def reviewed_by_30_months_pct(self) -> float | None:
        return percent(self.reviewed_by_30_months, self.turned_30_months)

    @property
    def funded_two_reviewed_by_30_months_pct(self) -> float | None:
        return percent(self.funded_two_reviewed_by_30_months, self.funded_two_turned_30_months)

    def as_json(self) -> dict[str, Any]:
        return {
            "week_ending": self.week_ending.isoformat(),
            "turned_30_months": self.turned_30_months,
            "reviewed_by_30_months": self.reviewed_by_30_months,
            "reviewed_by_30_months_pct": self.reviewed_by_30_months_pct,
            "funded_two_turned_30_months": self.funded_two_turned_30_months,
            "funded_two_reviewed_by_30_months": self.funded_two_reviewed_by_30_months,
            "funded_two_reviewed_by_30_months_pct": self.funded_two_reviewed_by_30_months_pct,
        }


# --------------------------------------------------------------------------- forecast


@dataclass(frozen=True, slots=True)
class AtRisk:
    """A child who will pass 30 months unreviewed unless something changes."""

    child_id: str
    setting_id: str | None
    funded_two: bool
    thirty_months_on: date
    booked_on: date | None
    """The plan's appointment that still stands, if any (then it is too late or too early)."""
    why: str
    """A sentence a coordinator can act on (no names: the reader adds them)."""
    passed: bool = False
    """The 30-month date is already behind the planning date: missed, not just at risk."""


@dataclass(frozen=True)
class Forecast:
    """The metric if every booked review happens, and who misses it even then."""

    children_turning_30_months: int
    reviewed_by_30_months: int
    """Already reviewed (as in the report)."""
    booked_by_30_months: int
    """Not yet reviewed, booked in their window."""
    funded_two_turning_30_months: int
    funded_two_reviewed_by_30_months: int
    funded_two_booked_by_30_months: int
    at_risk: tuple[AtRisk, ...]

    @property
    def forecast_reviewed_by_30_months(self) -> int:
        return self.reviewed_by_30_months + self.booked_by_30_months

    @property
    def forecast_reviewed_by_30_months_pct(self) -> float | None:
        return percent(self.forecast_reviewed_by_30_months, self.children_turning_30_months)

    @property
    def funded_two_forecast_reviewed_by_30_months(self) -> int:
        return self.funded_two_reviewed_by_30_months + self.funded_two_booked_by_30_months

    @property
    def funded_two_forecast_reviewed_by_30_months_pct(self) -> float | None:
        return percent(
            self.funded_two_forecast_reviewed_by_30_months, self.funded_two_turning_30_months
        )

    def at_risk_by_setting(self) -> dict[str | None, int]:
        """How many children at risk each setting has (``None``: children in no setting)."""
        return dict(Counter(r.setting_id for r in self.at_risk))

    def as_json(self) -> dict[str, Any]:
        return {
            "children_turning_30_months": self.children_turning_30_months,
            "reviewed_by_30_months": self.reviewed_by_30_months,
            "booked_by_30_months": self.booked_by_30_months,
            "forecast_reviewed_by_30_months": self.forecast_reviewed_by_30_months,
            "forecast_reviewed_by_30_months_pct": self.forecast_reviewed_by_30_months_pct,
            "funded_two_turning_30_months": self.funded_two_turning_30_months,
            "funded_two_reviewed_by_30_months": self.funded_two_reviewed_by_30_months,
            "funded_two_booked_by_30_months": self.funded_two_booked_by_30_months,
            "funded_two_forecast_reviewed_by_30_months": (
                self.funded_two_forecast_reviewed_by_30_months
            ),
            "funded_two_forecast_reviewed_by_30_months_pct": (
                self.funded_two_forecast_reviewed_by_30_months_pct
            ),
            "will_pass_30_months_unreviewed": len(self.at_risk),
            "at_risk": [
                {
                    "child_id": r.child_id,
                    "setting_id": r.setting_id or "",
                    "funded_two": r.funded_two,
                    "thirty_months_on": r.thirty_months_on.isoformat(),
                    "booked_on": r.booked_on.isoformat() if r.booked_on else None,
                    "why": r.why,
                    "passed": r.passed,
                }
                for r in self.at_risk
            ],
        }


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class ServiceReport:
    """Everything ``report.json`` and the workbook hold, typed."""

    period: Period
    window_months: tuple[int, int]
    cohort: tuple[CohortChild, ...]
    reviews: tuple[AttendedReview, ...]
    totals: Figures
    by_setting_type: Mapping[str, Figures]
    by_team: Mapping[str, Figures]
    by_setting: Mapping[str, Figures]
    weekly: tuple[TrendPoint, ...]
    forecast: Forecast | None = None

    def as_json(self) -> dict[str, Any]:
        """``report.json``: the contract's keys at the top level, then the additions."""
        document: dict[str, Any] = {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "window_months": list(self.window_months),
        }
        document.update(self.totals.as_json())
        document["by_setting_type"] = {k: f.as_json() for k, f in self.by_setting_type.items()}
        document["by_team"] = {k: f.as_json() for k, f in self.by_team.items()}
        document["by_setting"] = {k: f.as_json() for k, f in self.by_setting.items()}
        document["weekly"] = [p.as_json() for p in self.weekly]
        document["forecast"] = self.forecast.as_json() if self.forecast else None
        return document


def service_report(
    authority: Authority,
    period: Period,
    plan: Plan | None = None,
    *,
    today: date | None = None,
) -> ServiceReport:
    """The report for ``period``; with ``plan``, also the forecast.

    ``today`` (default: ``[term] today``, when set) is the day the figures are read on: the
    weekly trend stops at the week holding it (a week still to come has no figure; a period
    wholly after it, no trend), ``not_yet_30_months`` counts the children whose 30-month date
    is after it and the forecast marks those whose date is before it as passed. Without any,
    the trend runs to the period's end and nothing is "still to come".
    """
    review = authority.config.review
    by_child: dict[str, list[Outcome]] = defaultdict(list)
    for o in authority.outcomes:
        by_child[o.child_id].append(o)
    cohort = tuple(_cohort(authority, period, by_child))
    reviews = tuple(_attended(authority, period, by_child))
    held_not = tuple(
        o for o in authority.outcomes if o.date in period and o.outcome in DID_NOT_HAPPEN
    )
    venues = (*VENUES, UNKNOWN)
    roles = (*sorted({p.role for p in authority.practitioners.values() if p.role}), UNKNOWN)
    today = today or authority.config.term.today

    def by(group_of: Mapping[str, str], keys: Iterable[str]) -> Mapping[str, Figures]:
        """Figures per group, in ``keys`` order (every key, even an empty group); children
        whose group is not among ``keys`` are in none."""
        parts: dict[str, tuple[list[CohortChild], list[AttendedReview], list[Outcome]]] = {
            key: ([], [], []) for key in keys
        }
        empty: tuple[list[CohortChild], list[AttendedReview], list[Outcome]] = ([], [], [])
        for c in cohort:
            parts.get(group_of[c.child_id], empty)[0].append(c)
        for r in reviews:
            parts.get(group_of[r.child_id], empty)[1].append(r)
        for o in held_not:
            parts.get(group_of[o.child_id], empty)[2].append(o)
        return MappingProxyType(
            {k: _figures(*part, venues, roles, today) for k, part in parts.items()}
        )

    children = authority.children
    type_of = {cid: child_setting_type(authority, c) for cid, c in children.items()}
    team_of = {cid: child_team(authority, c) for cid, c in children.items()}
    setting_of = {cid: c.setting_id or "" for cid, c in children.items()}
    teams = sorted(
        {p.team for p in authority.practitioners.values() if p.team} | set(team_of.values())
    )
    return ServiceReport(
        period=period,
        window_months=review.window_months,
        cohort=cohort,
        reviews=reviews,
        totals=_figures(cohort, reviews, held_not, venues, roles, today),
        by_setting_type=by(type_of, (*SETTING_TYPES, NO_SETTING)),
        by_team=by(team_of, teams),
        by_setting=by(setting_of, authority.settings),
        weekly=weekly_trend(cohort, period, today or period.end),
        forecast=(
            forecast(authority, cohort, plan, by_child, as_of=today) if plan is not None else None
        ),
    )


def _cohort(
    authority: Authority, period: Period, by_child: Mapping[str, Sequence[Outcome]]
) -> Iterable[CohortChild]:
    review = authority.config.review
    for child in authority.children.values():
        thirty = thirty_months_on(child, review)
        if thirty not in period:
            continue
        counted = [
            d
            for d in review_dates(child, by_child.get(child.child_id, ()))
            if counts_towards_metric(child, d, review)
        ]
        yield CohortChild(
            child_id=child.child_id,
            setting_id=child.setting_id,
            funded_two=child.funded_two,
            thirty_months_on=thirty,
            reviewed_on=counted[0] if counted else None,
        )


def _attended(
    authority: Authority, period: Period, by_child: Mapping[str, Sequence[Outcome]]
) -> Iterable[AttendedReview]:
    for child in authority.children.values():
        outcomes = [o for o in by_child.get(child.child_id, ()) if o.outcome == "attended"]
        recorded = {o.date for o in outcomes}
        for o in sorted(outcomes, key=lambda o: o.date):
            if o.date not in period:
                continue
            practitioner = authority.practitioners.get(o.practitioner_id or "")
            yield AttendedReview(
                child_id=child.child_id,
                date=o.date,
                venue=o.venue or UNKNOWN,
                practitioner_role=(practitioner.role if practitioner else None) or UNKNOWN,
                asq3=o.asq3,
                has_outcome=True,
            )
        on = child.reviewed_on
        if on is not None and on in period and on not in recorded:
            yield AttendedReview(
                child_id=child.child_id,
                date=on,
                venue=UNKNOWN,
                practitioner_role=UNKNOWN,
                asq3=None,
                has_outcome=False,
            )


def _figures(
    cohort: Sequence[CohortChild],
    reviews: Sequence[AttendedReview],
    held_not: Sequence[Outcome],
    venues: Sequence[str],
    roles: Sequence[str],
    today: date | None,
) -> Figures:
    """The figures of one group: its cohort children, its reviews attended in the period and
    its outcomes in the period that were not a review held."""
    funded = [c for c in cohort if c.funded_two]
    waiting = [
        c
        for c in cohort
        if not c.reviewed_by_30_months and today is not None and c.thirty_months_on > today
    ]
    kinds = Counter(o.outcome for o in held_not)
    venue = Counter(r.venue for r in reviews)
    role = Counter(r.practitioner_role for r in reviews)
    return Figures(
        children_turning_30_months=len(cohort),
        reviewed_by_30_months=sum(1 for c in cohort if c.reviewed_by_30_months),
        funded_two_turning_30_months=len(funded),
        funded_two_reviewed_by_30_months=sum(1 for c in funded if c.reviewed_by_30_months),
        not_yet_30_months=len(waiting),
        attended=len(reviews),
        attended_without_outcome=sum(1 for r in reviews if not r.has_outcome),
        asq3_completed=sum(1 for r in reviews if r.asq3 is True),
        asq3_not_recorded=sum(1 for r in reviews if r.asq3 is None),
        was_not_brought=kinds["was_not_brought"],
        cancelled_by_parent=kinds["cancelled_by_parent"],
        cancelled_by_service=kinds["cancelled_by_service"],
        declined=kinds["declined"],
        venue={v: venue[v] for v in venues},
        practitioner_role={r: role[r] for r in roles},
    )


def weekly_trend(
    cohort: Sequence[CohortChild], period: Period, until: date
) -> tuple[TrendPoint, ...]:
    """One point per week from the period's start (the last week ends with the period), up to
    the week that contains ``until``; none when ``until`` is before the period."""
    if until < period.start:
        return ()
    points = []
    week_end = period.start + timedelta(days=6)
    while True:
        end = min(week_end, period.end)
        turned = [c for c in cohort if c.thirty_months_on <= end]
        funded = [c for c in turned if c.funded_two]
        points.append(
            TrendPoint(
                week_ending=end,
                turned_30_months=len(turned),
                reviewed_by_30_months=sum(1 for c in turned if c.reviewed_by_30_months),
                funded_two_turned_30_months=len(funded),
                funded_two_reviewed_by_30_months=sum(1 for c in funded if c.reviewed_by_30_months),
            )
        )
        if end >= period.end or end >= until:
            break
        week_end += timedelta(days=7)
    return tuple(points)


def forecast(
    authority: Authority,
    cohort: Sequence[CohortChild],
    plan: Plan,
    by_child: Mapping[str, Sequence[Outcome]] | None = None,
    *,
    as_of: date | None = None,
) -> Forecast:
    """Who is booked in time, and who will pass 30 months unreviewed (module docstring).

    ``as_of`` (the planning date, when known) marks children whose 30-month date is already
    behind it as ``passed``.
    """
    if by_child is None:
        grouped: dict[str, list[Outcome]] = defaultdict(list)
        for o in authority.outcomes:
            grouped[o.child_id].append(o)
        by_child = grouped
    booked = {a.child_id: a.date for a in plan.appointments}
    unscheduled = {u.child_id: u for u in plan.unscheduled}
    in_time: set[str] = set()
    at_risk: list[AtRisk] = []
    for c in cohort:
        if c.reviewed_by_30_months:
            continue
        child = authority.children[c.child_id]
        outcomes = by_child.get(c.child_id, ())
        verdict = _booking_verdict(authority, child, c, booked.get(c.child_id), outcomes)
        if verdict is None:
            in_time.add(c.child_id)
            continue
        why, still_booked = verdict
        if still_booked is None and c.child_id in unscheduled:
            u = unscheduled[c.child_id]
            why = f"Not booked ({u.reason_code.value}): {u.reason}"
        at_risk.append(
            AtRisk(
                child_id=c.child_id,
                setting_id=c.setting_id,
                funded_two=c.funded_two,
                thirty_months_on=c.thirty_months_on,
                booked_on=still_booked,
                why=why,
                passed=as_of is not None and c.thirty_months_on < as_of,
            )
        )
    funded = [c for c in cohort if c.funded_two]
    return Forecast(
        children_turning_30_months=len(cohort),
        reviewed_by_30_months=sum(1 for c in cohort if c.reviewed_by_30_months),
        booked_by_30_months=len(in_time),
        funded_two_turning_30_months=len(funded),
        funded_two_reviewed_by_30_months=sum(1 for c in funded if c.reviewed_by_30_months),
        funded_two_booked_by_30_months=sum(1 for c in funded if c.child_id in in_time),
        at_risk=tuple(sorted(at_risk, key=lambda r: (r.thirty_months_on, r.child_id))),
    )


def _booking_verdict(
    authority: Authority,
    child: Child,
    entry: CohortChild,
    day: date | None,
    outcomes: Sequence[Outcome],
) -> tuple[str, date | None] | None:
    """``None`` when the child not yet reviewed is booked in time; else why not (a sentence)
    and the booking that still stands, if any."""
    thirty = entry.thirty_months_on
    start = add_months(child.date_of_birth, authority.config.review.window_months[0])
    late = [d for d in review_dates(child, outcomes) if d > thirty]
    if late:
        return f"Reviewed on {late[0]}, after the 30-month date ({thirty}).", None
    if day is not None and day in history(child, outcomes).did_not_happen:
        what = next(o.outcome for o in outcomes if o.date == day).replace("_", " ")
        return f"The review booked for {day} did not happen ({what}); none is booked now.", None
    if day is None:
        return "Not in the plan (not due in the plan's term).", None
    if start <= day <= thirty:
        return None
    if day > thirty:
        return f"Booked for {day}, after the 30-month date ({thirty}).", day
    return f"Booked for {day}, before the review window opens ({start}).", day


def plan_problems(authority: Authority, plan: Plan, folder: Path) -> list[Problem]:
    """A plan made from other data: each appointment or unscheduled row of a child that
    ``children.csv`` does not have, with its file and line (the forecast would be wrong)."""
    lines = child_lines(folder)
    problems = []
    for file, child_ids in (
        (APPOINTMENTS, [a.child_id for a in plan.appointments]),
        (UNSCHEDULED, [u.child_id for u in plan.unscheduled]),
    ):
        for child_id in child_ids:
            if child_id not in authority.children:
                problems.append(
                    Problem(
                        str(Path(folder) / file),
                        lines.get((file, child_id), 0),
                        "child_id",
                        "not in the data's children.csv (is the plan from other data?)",
                        child_id,
                    )
                )
    return problems
