"""What-ifs a commissioner runs side by side: ``practitioners+10%``, ``max_reviews_per_day+1``.

The grammar is small and checked before anything runs (a typo must not cost a national run)::

    what-if := change ("," change)*
    change  := target ("+" | "-") amount
    target  := practitioners | max_reviews_per_day | meeting_minutes
    amount  := a whole number, or (practitioners only) a percentage such as 10% or 2.5%

Each target appears at most once in a what-if; the changes apply in the order of
:data:`TARGETS` whatever order they are written in, so ``max_reviews_per_day+1`` also applies
to practitioners a ``practitioners+…`` change adds.

- ``practitioners+N`` / ``+P%`` adds N (or P% of the headcount, rounded half up, at least one)
  practitioners, each a clone of an existing one (see :func:`_clone`); originals are taken
  evenly spaced through the practitioners file, so every team and base grows alike.
- ``practitioners-N`` / ``-P%`` removes that many, evenly spaced likewise; a setting whose
  current link practitioner goes has no current link, and their leave goes with them.
- ``max_reviews_per_day±N`` changes every practitioner's daily limit (never below 0).
- ``meeting_minutes±N`` changes ``[review] meeting_minutes`` (it must stay 5–480).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal, cast

from pydantic import ValidationError

from scheduler.config import ReviewConfig
from scheduler.domain import Absence, Authority, Practitioner, Setting
from scheduler.errors import InputError, Problem

Target = Literal["practitioners", "max_reviews_per_day", "meeting_minutes"]
TARGETS: tuple[Target, ...] = ("practitioners", "max_reviews_per_day", "meeting_minutes")

OPTION = "--what-if"
"""Where problems are reported from (``--what-if:0: -: problem (text)``)."""

NEW_EMAIL_DOMAIN = "example.invalid"
"""Clones' e-mail addresses: a reserved domain, so no invitation can reach a real person."""

_CHANGE = re.compile(r"(?P<target>[a-z_]+)(?P<sign>[+-])(?P<amount>\d+(?:\.\d+)?)(?P<pct>%?)")


@dataclass(frozen=True, slots=True)
class Change:
    """One change: ``target``, signed ``amount``, and whether it is a percentage."""

    target: Target
    amount: float
    percent: bool

    def __str__(self) -> str:
        number = f"{abs(self.amount):g}"
        return (
            f"{self.target}{'+' if self.amount > 0 else '-'}{number}{'%' if self.percent else ''}"
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A what-if: its changes in the order they apply. ``str`` is its canonical text."""

    changes: tuple[Change, ...]

    def __str__(self) -> str:
        return ",".join(str(c) for c in self.changes)


def parse_scenarios(texts: list[str]) -> list[Scenario]:
    """Every ``--what-if`` parsed; raises :class:`InputError` with every problem found."""
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    for text in texts:
        try:
            scenario = parse_scenario(text)
        except InputError as error:
            problems += error.problems
            continue
        if scenario in scenarios:
            problems.append(Problem(OPTION, 0, "-", "the same what-if twice", text))
        scenarios.append(scenario)
    if problems:
        raise InputError(problems)
    return scenarios


def parse_scenario(text: str) -> Scenario:
    """One what-if (``practitioners+10%,max_reviews_per_day+1``); raises :class:`InputError`."""
    parts = [part.strip().lower().replace(" ", "") for part in text.split(",")]
    if not any(parts):
        raise InputError([Problem(OPTION, 0, "-", "empty what-if", text)])
    problems: list[Problem] = []
    changes: dict[Target, Change] = {}
    for part in parts:
        try:
            change = _parse_change(part)
        except ValueError as error:
            problems.append(Problem(OPTION, 0, "-", str(error), part or text))
            continue
        if change.target in changes:
            problems.append(
                Problem(OPTION, 0, "-", f"{change.target} changed twice in one what-if", text)
            )
        changes[change.target] = change
    if problems:
        raise InputError(problems)
    return Scenario(tuple(changes[t] for t in TARGETS if t in changes))


def _parse_change(text: str) -> Change:
    match = _CHANGE.fullmatch(text)
    if match is None:
        raise ValueError(
            "not a change like practitioners+10%, practitioners-2 or max_reviews_per_day+1"
        )
    target = match["target"]
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use {', '.join(TARGETS)}")
    amount = float(match["amount"])
    percent = bool(match["pct"])
    if percent and target != "practitioners":
        raise ValueError(f"give {target} a whole number, not a percentage")
    if not percent and not amount.is_integer():
        raise ValueError(f"a change of {target} must be a whole number")
    if amount == 0:
        raise ValueError("a change of 0 changes nothing")
    if percent and match["sign"] == "-" and amount >= 100:
        raise ValueError("cannot remove 100% or more of the practitioners")
    return Change(cast(Target, target), amount if match["sign"] == "+" else -amount, percent)


def apply_scenario(authority: Authority, scenario: Scenario) -> Authority:
    """The authority as the what-if would have it; raises :class:`InputError` when the change
    is impossible for this authority (no practitioners left, a meeting length out of range)."""
    for change in scenario.changes:
        if change.target == "practitioners":
            authority = _change_headcount(authority, change)
        elif change.target == "max_reviews_per_day":
            authority = _change_daily_limit(authority, int(change.amount))
        else:
            authority = _change_meeting(authority, change)
    return authority


def headcount_change(headcount: int, change: Change) -> int:
    """How many practitioners the change adds (> 0) or removes (< 0) from ``headcount``."""
    if not change.percent:
        return int(change.amount)
    count = max(1, math.floor(headcount * abs(change.amount) / 100 + 0.5))
    return count if change.amount > 0 else -count


def _evenly(n: int, k: int) -> list[int]:
    """``k`` indices spread evenly over ``range(n)`` (repeating when ``k`` > ``n``)."""
    return [(i * n) // k for i in range(k)]


def _change_headcount(authority: Authority, change: Change) -> Authority:
    people = list(authority.practitioners.values())
    delta = headcount_change(len(people), change)
    if delta < 0:
        if -delta >= len(people):
            raise InputError(
                [
                    Problem(
                        OPTION,
                        0,
                        "-",
                        f"would leave no practitioners (the authority has {len(people)})",
                        str(change),
                    )
                ]
            )
        return _remove(authority, {people[i].practitioner_id for i in _evenly(len(people), -delta)})
    taken = set(authority.practitioners)
    clones: list[Practitioner] = []
    absences = list(authority.absences)
    for number, index in enumerate(_evenly(len(people), delta), start=1):
        original = people[index]
        clone = _clone(original, number, taken)
        taken.add(clone.practitioner_id)
        clones.append(clone)
        absences += [
            replace(a, person_id=clone.practitioner_id)
            for a in authority.absences
            if a.person_id == original.practitioner_id
        ]
    return _rebuilt(authority, practitioners=people + clones, absences=absences)


def _clone(original: Practitioner, number: int, taken: set[str]) -> Practitioner:
    """A new post like ``original``: same role, team, base, working days and hours, daily limit,
    languages and leave (so the same capacity), no current links; a new id, a name that says
    it is new, and an address at :data:`NEW_EMAIL_DOMAIN`."""
    pid = f"{original.practitioner_id}-new{number}"
    while pid in taken:
        pid += "x"
    return replace(
        original,
        practitioner_id=pid,
        name=f"New practitioner {number} (as {original.practitioner_id})",
        email=f"new-practitioner-{number}@{NEW_EMAIL_DOMAIN}",
    )


def _remove(authority: Authority, gone: set[str]) -> Authority:
    settings = [
        replace(s, link_practitioner_id=None) if s.link_practitioner_id in gone else s
        for s in authority.settings.values()
    ]
    return _rebuilt(
        authority,
        practitioners=[
            p for p in authority.practitioners.values() if p.practitioner_id not in gone
        ],
        absences=[a for a in authority.absences if a.person_id not in gone],
        settings=settings,
    )


def _change_daily_limit(authority: Authority, delta: int) -> Authority:
    return _rebuilt(
        authority,
        practitioners=[
            replace(p, max_reviews_per_day=max(0, p.max_reviews_per_day + delta))
            for p in authority.practitioners.values()
        ],
    )


def _change_meeting(authority: Authority, change: Change) -> Authority:
    config = authority.config
    minutes = config.review.meeting_minutes + int(change.amount)
    try:
        review = ReviewConfig.model_validate(
            {**config.review.model_dump(), "meeting_minutes": minutes}
        )
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(
            [Problem(OPTION, 0, "meeting_minutes", f"{minutes} minutes: {message}", str(change))]
        ) from None
    return authority.with_config(config.model_copy(update={"review": review}))


def _rebuilt(
    authority: Authority,
    *,
    practitioners: list[Practitioner],
    absences: list[Absence] | None = None,
    settings: list[Setting] | None = None,
) -> Authority:
    return Authority(
        practitioners={p.practitioner_id: p for p in practitioners},
        settings=(
            {s.setting_id: s for s in settings} if settings is not None else authority.settings
        ),
        key_persons=authority.key_persons,
        children=authority.children,
        absences=tuple(absences if absences is not None else authority.absences),
        closures=authority.closures,
        config=authority.config,
    )
