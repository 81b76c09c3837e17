"""Outcomes recorded in the dashboard: who may record which, and how they meet ``outcomes.csv``.

Rules (one place; the dashboard and the store only call these):

- Outcomes are recorded against a plan's appointments (the published plan: the bookings the
  families were sent), for appointments dated on or before the *recording date*: ``[term]
  today`` when the data set it (a term being replayed), else the calendar's today.
- A coordinator may record any such appointment's outcome. A setting user only its own
  setting's *joint* reviews (at the setting, with its key person): a clinic or home review is
  health's to record. The check runs on the server whatever the page offered.
- Stored outcomes and a data folder's ``outcomes.csv`` are merged by child and date. Where both
  have one and they differ, **the stored outcome wins** and the disagreement is listed: the
  store's record is the one made (and audited) in the dashboard, with who and when, and
  ``outcomes.csv`` is usually an older export of it; exporting the store again brings the file
  up to date. Stored outcomes of children not in the data, or dated after the data's ``[term]
  today``, are left out (and counted), as the loader would refuse them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from scheduler.config import Config
from scheduler.domain import Authority, Child, Outcome
from scheduler.plan import Appointment, Plan
from scheduler.store.access import AccessDenied, Action, Identity, Role, can, require


class OutcomeRefused(ValueError):
    """An outcome that cannot be recorded (no such booked review, a date still to come)."""


def recording_date(config: Config, clock: date) -> date:
    """The last day outcomes may be recorded for: ``[term] today`` when set, else ``clock``."""
    return config.term.today or clock


def is_joint(appointment: Appointment) -> bool:
    """A joint review: at the setting, with the key person."""
    return appointment.model == "joint" and appointment.location == "setting"


def may_record(who: Identity | None, appointment: Appointment) -> bool:
    """Whether ``who`` may record this appointment's outcome (dates aside)."""
    if who is None or not can(who, Action.RECORD_OUTCOMES):
        return False
    if who.role is Role.SETTING:
        return appointment.setting_id == who.setting_id and is_joint(appointment)
    return True


def recordable(who: Identity | None, plan: Plan, today: date) -> list[Appointment]:
    """The plan's appointments dated on or before ``today`` whose outcome ``who`` may record,
    latest first."""
    return sorted(
        (a for a in plan.appointments if a.date <= today and may_record(who, a)),
        key=lambda a: (a.date, a.start, a.child_id),
        reverse=True,
    )


def check_outcome(
    who: Identity | None, authority: Authority, plan: Plan, outcome: Outcome, today: date
) -> Appointment:
    """The appointment ``outcome`` is for, when ``who`` may record it; else :class:`AccessDenied`
    (not theirs to record) or :class:`OutcomeRefused` (no such review, or not yet happened)."""
    require(who, Action.RECORD_OUTCOMES)
    appointment = next(
        (a for a in plan.appointments if a.child_id == outcome.child_id and a.date == outcome.date),
        None,
    )
    if appointment is None:
        raise OutcomeRefused("the plan has no review booked for this child on that date")
    if not may_record(who, appointment):
        raise AccessDenied(
            "not allowed: record the outcome of another setting's or health's review"
        )
    if outcome.date > today:
        raise OutcomeRefused(f"the review is on {outcome.date}, after today ({today})")
    if (
        outcome.practitioner_id is not None
        and outcome.practitioner_id not in authority.practitioners
    ):
        raise OutcomeRefused(f"unknown practitioner {outcome.practitioner_id!r}")
    if outcome.child_id not in authority.children:
        raise OutcomeRefused("the child is not in the data")
    return appointment


# --------------------------------------------------------------------------- merging


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A child and date whose stored outcome differs from ``outcomes.csv``'s (stored used)."""

    child_id: str
    date: date
    stored: Outcome
    in_file: Outcome


@dataclass(frozen=True)
class MergedOutcomes:
    """The outcomes to plan and report with, and what the merge had to decide."""

    outcomes: tuple[Outcome, ...]
    disagreements: tuple[Disagreement, ...]
    """Where the store and ``outcomes.csv`` differ; the stored outcome is in ``outcomes``."""
    from_store: int
    """Stored outcomes used that ``outcomes.csv`` did not have (or had differently)."""
    left_out: int
    """Stored outcomes not used: their child is not in the data, or they are after today."""


def merge_outcomes(
    stored: Iterable[Outcome],
    in_file: Sequence[Outcome],
    *,
    children: Mapping[str, Child],
    today: date | None,
) -> MergedOutcomes:
    """``in_file`` (in its order) with the stored outcomes merged in (module docstring)."""
    by_key = {(o.child_id, o.date): o for o in in_file}
    chosen: dict[tuple[str, date], Outcome] = dict(by_key)
    disagreements = []
    added = 0
    left_out = 0
    for o in stored:
        if o.child_id not in children or (today is not None and o.date > today):
            left_out += 1
            continue
        key = (o.child_id, o.date)
        existing = by_key.get(key)
        if existing == o:
            continue
        if existing is not None:
            disagreements.append(Disagreement(o.child_id, o.date, o, existing))
        chosen[key] = o
        added += 1
    ordered = sorted(chosen.values(), key=lambda o: (o.date, o.child_id))
    return MergedOutcomes(tuple(ordered), tuple(disagreements), added, left_out)


def merged_authority(
    authority: Authority, stored: Iterable[Outcome]
) -> tuple[Authority, MergedOutcomes]:
    """``authority`` with the stored outcomes merged into its ``outcomes.csv``: what the
    dashboard's re-plan and report use."""
    merged = merge_outcomes(
        stored,
        authority.outcomes,
        children=authority.children,
        today=authority.config.term.today,
    )
    return authority.with_outcomes(merged.outcomes), merged
