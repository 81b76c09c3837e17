"""Which of a coordinator's pins can be kept, and why the others cannot: the one place pins
are decided (the CLI and the dashboard both come here).

A pin is never moved silently: one that the rules, the links, the outcomes or another pin
rule out is listed with a sentence saying why (``summary.json``'s ``pins_unhonoured``), and
the child is planned as if unpinned. Pins naming ids that do not exist are input errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from scheduler.availability import Availability
from scheduler.domain import Authority, format_time
from scheduler.errors import InputError, Problem
from scheduler.explain import why_not_on
from scheduler.outcomes import Standing
from scheduler.plan import Link, Pin
from scheduler.review import allowed_models, practitioner_for
from scheduler.scheduling.problem import GroupProblem, Option
from scheduler.scheduling.rota import Rota
from scheduler.summary import UnhonouredPin


@dataclass(frozen=True, slots=True)
class PinDecision:
    """A pin that cannot be kept, and why."""

    kind: Literal["link", "appointment"]
    child_id: str
    setting_id: str
    reason: str
    line: int = 0

    def as_unhonoured(self) -> UnhonouredPin:
        """As ``summary.json``'s ``pins_unhonoured`` lists it (contract v2)."""
        return UnhonouredPin(
            child_id=self.child_id, setting_id=self.setting_id, kind=self.kind, reason=self.reason
        )


@dataclass(frozen=True)
class PinDecisions:
    """Accepted appointment pins (child -> option, day, block start) and the rest."""

    accepted: dict[str, tuple[int, int, int | None]] = field(default_factory=dict)
    unhonoured: list[PinDecision] = field(default_factory=list)


def _where(pin: Pin, number: int) -> tuple[str, int]:
    """A pin's file and line; dashboard pins (no line) by their position among the pins."""
    return pin.source, pin.line or number


def pins_that_fit(authority: Authority, pins: Sequence[Pin]) -> list[Pin]:
    """The pins that belong to this data: its settings, practitioners and children, in its term.

    The plan store keeps pins across uploads and terms; a session plans with the ones that fit
    and leaves the others untouched (they are someone else's data, not errors). An appointment
    pin fits when its child is in the data, still at the pin's setting (or, like the pin, in no
    setting) and its day is in the term.
    """
    term = authority.config.term
    kept = []
    for pin in pins:
        if pin.kind == "link":
            if pin.setting_id in authority.settings and pin.practitioner_id in (
                authority.practitioners
            ):
                kept.append(pin)
            continue
        child = authority.children.get(pin.child_id or "")
        if child is None or child.setting_id != pin.setting_id or pin.date is None:
            continue
        if term.start <= pin.date <= term.end:
            kept.append(pin)
    return kept


def check_pin_ids(pins: Sequence[Pin], authority: Authority) -> None:
    """Pins naming unknown settings, practitioners or children, or without a date, are bad
    input (``file:line: column: problem (value)``)."""
    problems = []
    for number, pin in enumerate(pins, start=2):
        source, line = _where(pin, number)
        if pin.kind == "link":
            if pin.setting_id not in authority.settings:
                problems.append(
                    Problem(source, line, "setting_id", "unknown setting", pin.setting_id or "")
                )
            elif pin.practitioner_id not in authority.practitioners:
                problems.append(
                    Problem(
                        source,
                        line,
                        "practitioner_id",
                        "unknown practitioner",
                        pin.practitioner_id or "",
                    )
                )
        elif pin.child_id not in authority.children:
            problems.append(Problem(source, line, "child_id", "unknown child", pin.child_id or ""))
        elif pin.date is None:
            problems.append(Problem(source, line, "date", "an appointment pin needs a date", ""))
    if problems:
        raise InputError(problems)


def link_pins(pins: Sequence[Pin]) -> tuple[dict[str, str], list[PinDecision]]:
    """The link pins to keep (the first for each setting) and the conflicting later ones."""
    kept: dict[str, str] = {}
    first_line: dict[str, int] = {}
    refused = []
    for number, pin in enumerate(pins, start=2):
        if pin.kind != "link" or not pin.setting_id or not pin.practitioner_id:
            continue
        _, line = _where(pin, number)
        sid = pin.setting_id
        if sid in kept and kept[sid] != pin.practitioner_id:
            refused.append(
                PinDecision(
                    "link",
                    "",
                    sid,
                    f"another pin (line {first_line[sid]}) already links {sid} to {kept[sid]}",
                    line,
                )
            )
            continue
        kept.setdefault(sid, pin.practitioner_id)
        first_line.setdefault(sid, line)
    return kept, refused


def conflicting_pins(pins: Sequence[Pin]) -> list[tuple[str, PinDecision]]:
    """Pins that contradict an earlier pin, found as the pins are read (before any planning):
    a second link for one setting, a second slot for one child. With each, its file."""
    _, refused = link_pins(pins)
    first: dict[str, int] = {}
    for number, pin in enumerate(pins, start=2):
        if pin.kind != "appointment" or not pin.child_id:
            continue
        _, line = _where(pin, number)
        if pin.child_id in first:
            reason = f"a second pin for this child; the pin on line {first[pin.child_id]} is used"
            refused.append(PinDecision("appointment", pin.child_id, "", reason, line))
        else:
            first[pin.child_id] = line
    source = pins[0].source if pins else "pins.csv"
    return [(source, decision) for decision in sorted(refused, key=lambda d: d.line)]


def check_link_pins(kept: Mapping[str, str], links: Sequence[Link]) -> list[PinDecision]:
    """Link pins the link stage could not keep (none, as it stands: they are forced)."""
    chosen = {link.setting_id: link.practitioner_id for link in links}
    return [
        PinDecision("link", "", sid, f"{sid} could not be linked to {pid}")
        for sid, pid in kept.items()
        if chosen.get(sid) != pid
    ]


def resolve_pins(
    pins: Sequence[Pin],
    authority: Authority,
    availability: Availability,
    problem: GroupProblem,
    link_of: Mapping[str, str],
    history: Mapping[str, date] | None = None,
) -> PinDecisions:
    """Accept appointment pins in their order while they can all be laid out together;
    every other pin is listed with its reason."""
    history = history or {}
    decisions = PinDecisions()
    rota = Rota(problem)
    line_of: dict[str, int] = {}
    due = {c.child_id for c in availability.due}
    for number, pin in enumerate(pins, start=2):
        if pin.kind != "appointment" or pin.child_id is None or pin.date is None:
            continue
        _, line = _where(pin, number)
        cid, day = pin.child_id, pin.date
        child = authority.children[cid]

        def refuse(reason: str, cid: str = cid, line: int = line) -> None:
            setting = authority.children[cid].setting_id or ""
            decisions.unhonoured.append(PinDecision("appointment", cid, setting, reason, line))

        if cid in line_of:
            refuse(f"a second pin for this child; the pin on line {line_of[cid]} is used")
            continue
        line_of[cid] = line
        if cid not in due:
            refuse("the child is not due a review this term (already reviewed, or not of age)")
            continue
        standing = availability.standing(child)
        if standing is Standing.DECLINED:
            refuse("the parent declined the review")
            continue
        if standing is Standing.FOLLOW_UP:
            refuse("not brought twice: the named practitioner follows up instead of a booking")
            continue
        if cid in history:
            refuse(f"the review on {history[cid]} is kept as history (before today)")
            continue
        index = availability.term.index.get(day)
        if index is None:
            refuse(f"{day} is not a review day of the term")
            continue
        job = rota.jobs.get(cid)
        choices = [] if job is None else [i for i, o in enumerate(job.options) if index in o.days]
        if job is None or not choices:
            refuse(_why_not_that_day(authority, availability, link_of, cid, day))
            continue
        option = job.options[choices[0]]
        block = None if pin.start is None else pin.start - option.pre
        rota.jobs[cid] = replace(job, pinned=(choices[0], index, block))
        if rota.try_add(cid, (choices[0], index)):
            decisions.accepted[cid] = (choices[0], index, block)
            continue
        rota.jobs[cid] = job
        refuse(_why_not_laid_out(rota, option, index, block))
    return decisions


def _why_not_that_day(
    authority: Authority,
    availability: Availability,
    link_of: Mapping[str, str],
    child_id: str,
    day: date,
) -> str:
    child = authority.children[child_id]
    reasons = []
    for model in allowed_models(child, authority.config):
        pid = practitioner_for(child, model, link_of)
        if pid is None:
            reasons.append(f"{model}: the setting has no link practitioner")
            continue
        reasons.append(f"{model}: {why_not_on(availability, child, model, pid, day)}")
    if not reasons:
        return "no kind of review is open to this child (see the unscheduled reason)"
    return f"cannot be reviewed on {day}: " + "; ".join(reasons)


def _why_not_laid_out(rota: Rota, option: Option, day: int, block: int | None) -> str:
    pid = option.practitioner_id
    others = rota.by_day.get((pid, day), [])
    limit = rota.limits[pid].max_per_day
    if block is not None and (
        block < option.window_start or block + option.duration > option.window_end
    ):
        return (
            f"{format_time(block + option.pre)} is outside the hours available that day "
            f"({format_time(option.window_start)}–{format_time(option.window_end)}, pre-meeting "
            "and journeys included)"
        )
    if len(others) >= limit:
        return f"{pid} already has {len(others)} pinned reviews that day (at most {limit})"
    if others:
        names = ", ".join(sorted(others))
        return f"it cannot be fitted around the other pinned reviews that day ({names})"
    return "the parent has another pinned review at that time"
