"""Why a due child has no appointment, in a sentence a coordinator can act on.

Reasons are found by peeling the rules in order, for every kind of review open to the child:
an outcome that stops booking (declined, not brought twice), no kind of review the data
allow, no link practitioner, facts in the data that make any review impossible, no day on
which everyone needed is free, and only then capacity — read off the final rota, naming the
limit that binds on each possible day. Every sentence ends with the child's see-by date and a
next step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from scheduler.availability import Availability, bits
from scheduler.config import ReviewModel
from scheduler.domain import Authority, Child, describe_days, format_time
from scheduler.outcomes import Standing
from scheduler.plan import Appointment, Link, ReasonCode, Unscheduled
from scheduler.review import (
    allowed_models,
    block_minutes,
    candidate_models,
    excluded_because,
    own_model,
    practitioner_for,
)
from scheduler.scheduling.rota import Rota

KIND = {"joint": "joint review", "separate": "clinic appointment", "home": "home visit"}


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 review``, ``2 reviews``; ``many`` for irregular plurals."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def see_by(availability: Availability, child: Child) -> str:
    """The child's 30-month date, or how long an overdue child may still be seen."""
    window = availability.windows[child.child_id]
    hi = availability.config.review.window_months[1]
    if window.overdue:
        return (
            f"Overdue since {_d(window.in_window_end)} ({hi} months); still possible until "
            f"{_d(window.allowed_end)}."
        )
    return f"See by {_d(window.in_window_end)} ({hi} months)."


@dataclass(frozen=True, slots=True)
class _Option:
    """A kind of review open to the child, with who would run it under these links."""

    model: ReviewModel
    practitioner_id: str | None


def explain_unscheduled(
    authority: Authority,
    availability: Availability,
    links: list[Link],
    appointments: list[Appointment],
    priority: Mapping[str, float],
    *,
    not_booked: Iterable[Child] = (),
    rota: Rota | None = None,
) -> list[Unscheduled]:
    """One row for every due child without an appointment, in input order."""
    link_of = {link.setting_id: link.practitioner_id for link in links}
    booked = {a.child_id for a in appointments}
    stopped = {c.child_id for c in not_booked}
    out = []
    for child in availability.due:
        if child.child_id in booked:
            continue
        if child.child_id in stopped:
            code, reason = _stopped(authority, availability, link_of, child)
        else:
            code, reason = _reason(authority, availability, link_of, child, priority, rota)
        reason = f"{reason[0].upper()}{reason[1:]} {see_by(availability, child)}"
        out.append(Unscheduled(child.child_id, child.setting_id, code, reason))
    return out


def _named_practitioner(authority: Authority, link_of: Mapping[str, str], child: Child) -> str:
    pid = child.practitioner_id or (link_of.get(child.setting_id) if child.setting_id else None)
    practitioner = authority.practitioners.get(pid or "")
    return practitioner.name if practitioner else "the family's health visitor"


def _stopped(
    authority: Authority, availability: Availability, link_of: Mapping[str, str], child: Child
) -> tuple[ReasonCode, str]:
    """Declined, or not brought twice: not booked again automatically."""
    history = availability.histories[child.child_id]
    who = _named_practitioner(authority, link_of, child)
    if availability.standing(child) is Standing.DECLINED:
        assert history.declined_on is not None
        return (
            ReasonCode.DECLINED,
            f"the parent declined the review on {_d(history.declined_on)}, so it is not booked "
            f"again. {who} can offer it again if the family changes its mind (then record a "
            "new outcome).",
        )
    return (
        ReasonCode.FOLLOW_UP,
        f"not brought to {plural(history.not_brought, 'booked review')}: a safeguarding signal, "
        f"so no new letter is sent. {who} should contact the family, and book the review with "
        "them.",
    )


def _reason(
    authority: Authority,
    availability: Availability,
    link_of: Mapping[str, str],
    child: Child,
    priority: Mapping[str, float],
    rota: Rota | None,
) -> tuple[ReasonCode, str]:
    config = authority.config
    allowed = allowed_models(child, config)
    if not allowed:
        return ReasonCode.INFEASIBLE_DATA, _no_kind(child, authority)
    options = [_Option(m, practitioner_for(child, m, link_of)) for m in allowed]
    runnable = [o for o in options if o.practitioner_id is not None]
    if not runnable:
        return ReasonCode.NO_LINK_PRACTITIONER, _no_link(child, authority)
    problems = [
        (o, _data_problem(child, o.model, o.practitioner_id, authority, availability))
        for o in runnable
        if o.practitioner_id is not None
    ]
    if all(p is not None for _, p in problems):
        return ReasonCode.INFEASIBLE_DATA, _joined(problems)
    open_options = [o for o, p in problems if p is None]
    blocked = [
        (o, _who_blocks(child, o.model, o.practitioner_id, authority, availability))
        for o in open_options
        if o.practitioner_id is not None
        and not availability.option_days(child, o.model, o.practitioner_id)
    ]
    if len(blocked) == len(open_options):
        return ReasonCode.NO_COMMON_DAY, _joined(blocked)
    return ReasonCode.CAPACITY, _capacity(child, authority, availability, priority, rota)


def _joined(reasons: Sequence[tuple[_Option, str | None]]) -> str:
    """One option's reason as it is; several prefixed by their kind of review."""
    texts = [r for _, r in reasons if r]
    if len(texts) == 1:
        return texts[0]
    return " ".join(f"For a {KIND[o.model]}: {r}" for o, r in reasons if r)


def _no_kind(child: Child, authority: Authority) -> str:
    """Every kind of review the child could have is ruled out by the data."""
    why = "; ".join(
        f"a {KIND[m]}: the child {excluded_because(child, m)}"
        for m in candidate_models(child, authority.config)
    )
    fallback = authority.config.review.fallback
    step = (
        'record the parent\'s consent, or offer a clinic appointment (add "separate" to '
        "[review] fallback)"
        if not fallback
        else "record the missing details, or add another kind to [review] fallback"
    )
    return f"no kind of review is possible ({why}). Next: {step}."


def _no_link(child: Child, authority: Authority) -> str:
    assert child.setting_id is not None
    setting = authority.settings[child.setting_id]
    if not any(p.max_reviews_per_day > 0 for p in authority.practitioners.values()):
        return (
            f"{setting.name} has no link practitioner: no practitioner currently does reviews "
            "(every max_reviews_per_day is 0)."
        )
    return (
        f"{setting.name} has no link practitioner: no practitioner doing reviews works on its "
        f"open days ({describe_days(setting.open_days)}) within its hours "
        f"{format_time(setting.open_time)}–{format_time(setting.close_time)}. Next: agree a "
        "visiting day with a practitioner (pin the link), or record extra opening hours."
    )


def _data_problem(
    child: Child,
    model: ReviewModel,
    pid: str,
    authority: Authority,
    availability: Availability,
) -> str | None:
    """A fact in the data that rules out this kind of review all term, or None."""
    config = authority.config
    window = availability.windows[child.child_id]
    term = availability.term
    if not term.days:
        return "the term has no review days (check term dates, exclusions and bank holidays)."
    practitioner = authority.practitioners[pid]
    if practitioner.max_reviews_per_day <= 0:
        return (
            f"{practitioner.name} has max_reviews_per_day = 0, so does no reviews. Next: "
            "link the setting to another practitioner."
        )
    first, last = term.days[0], term.days[-1]
    if not availability.allowed_days(child.child_id):
        settled = window.earliest > window.window_start
        if settled and window.earliest > last:
            assert child.starts_on is not None
            return (
                f"starts at the setting on {_d(child.starts_on)} and needs "
                f"{config.review.settle_days} days to settle in ({_d(window.earliest)}), after "
                f"the term's last review day ({_d(last)}). Next: review next term, or at a "
                "clinic if the child will pass the window first."
            )
        if window.allowed_end < first:
            return (
                f"the review had to happen by {_d(window.allowed_end)} (age "
                f"{config.review.overdue_until_months} months), before the term's first review "
                f"day ({_d(first)}). Next: arrange an appointment outside the rota."
            )
        if window.earliest > last:
            return (
                f"reaches {config.review.window_months[0]} months on "
                f"{_d(window.window_start)}, after the term's last review day ({_d(last)}). "
                "Next: review next term."
            )
        return (
            f"no review day between {_d(window.earliest)} and {_d(window.allowed_end)} (half "
            "term or bank holidays). Next: review next term."
        )
    if not availability.allowed_days(child.child_id) & availability.new_days:
        assert availability.first_new_day is not None
        return (
            f"every allowed day (until {_d(window.allowed_end)}) is inside the notice period "
            f"(no new booking before {_d(availability.first_new_day)}). Next: arrange a review "
            "by hand with the family."
        )
    need = block_minutes(child, model, config)
    tw = availability.time_window(child, model, pid)
    if tw.length < need:
        hours = f"{format_time(practitioner.day_start)}–{format_time(practitioner.day_end)}"
        base = (
            ", less the journeys from and back to base" if config.travel.day_starts_at_base else ""
        )
        if model == "joint" and child.setting_id is not None:
            setting = authority.settings[child.setting_id]
            return (
                f"the review needs {need} minutes but {practitioner.name}'s hours ({hours}) "
                f"and {setting.name}'s opening hours ({format_time(setting.open_time)}–"
                f"{format_time(setting.close_time)}) leave only {tw.length} minutes{base}. "
                "Next: agree longer hours for the visit."
            )
        return (
            f"the review needs {need} minutes but {practitioner.name}'s hours ({hours}) leave "
            f"only {tw.length} minutes{base}. Next: agree longer hours for the visit."
        )
    return None


def _parties(
    child: Child, model: ReviewModel, pid: str, authority: Authority, availability: Availability
) -> list[tuple[str, int]]:
    """Each party the review needs, as (how they are described, the weekdays they can come):
    weekdays only, so two parties are said to clash only when their weekdays never meet (leave
    and closures are counted separately)."""
    practitioner = authority.practitioners[pid]
    weekdays = availability.term.on_weekdays
    parties = [
        (
            f"{practitioner.name} works {describe_days(practitioner.working_days)}",
            weekdays(practitioner.working_days),
        )
    ]
    if model == "joint" and child.setting_id and child.key_person_id:
        setting = authority.settings[child.setting_id]
        key_person = authority.key_persons[child.key_person_id]
        parties.append(
            (
                f"the key person works {describe_days(key_person.working_days)}",
                weekdays(key_person.working_days),
            )
        )
        parties.append(
            (
                f"{setting.name} is open {describe_days(setting.open_days)}",
                weekdays(setting.open_days),
            )
        )
    if child.parent_unavailable_days:
        parties.append(
            (
                f"the parent cannot come on {describe_days(child.parent_unavailable_days)}",
                availability.parent_days(child),
            )
        )
    return parties


def _who_blocks(
    child: Child, model: ReviewModel, pid: str, authority: Authority, availability: Availability
) -> str:
    """Name the parties whose days never meet inside the child's possible dates."""
    term = availability.term
    possible = availability.allowed_days(child.child_id) & availability.new_days
    days = term.dates(possible)
    span = f"on {_d(days[0])}" if len(days) == 1 else f"between {_d(days[0])} and {_d(days[-1])}"
    parties = _parties(child, model, pid, authority, availability)
    for text, mask in parties:
        if not mask & possible:
            shown = describe_days(frozenset(d.weekday() for d in days))
            return (
                f"{text}, but the child can be seen only {span} ({shown}). Next: agree "
                "another day, or change the link."
            )
    for i, (text_a, mask_a) in enumerate(parties):
        for text_b, mask_b in parties[i + 1 :]:
            if not mask_a & mask_b & possible:
                return (
                    f"no review day when all can meet: {text_a}, {text_b} ({span}). Next: "
                    "agree another day with one of them, or change the link."
                )
    notes = []
    weekdays = availability.term.on_weekdays
    practitioner = authority.practitioners[pid]
    absent = availability.absent.get(pid, 0) & possible & weekdays(practitioner.working_days)
    if absent:
        n = len(bits(absent))
        notes.append(f"the practitioner is away on {plural(n, 'possible day')}")
    if model == "joint" and child.setting_id and child.key_person_id:
        key_person = authority.key_persons[child.key_person_id]
        kp_absent = (
            availability.absent.get(child.key_person_id, 0)
            & possible
            & weekdays(key_person.working_days)
        )
        if kp_absent:
            notes.append(f"the key person is away on {len(bits(kp_absent))} of them")
        closed = availability.closed.get(child.setting_id, 0) & possible
        if closed:
            notes.append(f"the setting is closed on {len(bits(closed))} of them")
    detail = "; ".join(notes) if notes else "; ".join(t for t, _ in parties)
    return (
        f"no review day {span} when everyone needed is available: {detail}. Next: agree "
        "another day, or change the link."
    )


def _capacity(
    child: Child,
    authority: Authority,
    availability: Availability,
    priority: Mapping[str, float],
    rota: Rota | None,
) -> str:
    """Possible days existed: say what filled each of them in the final rota."""
    if rota is None or child.child_id not in rota.jobs:
        return "possible days existed, but the time went to other children."
    job = rota.jobs[child.child_id]
    full = no_time = free = 0
    limits: set[int] = set()
    lower: set[str] = set()
    names: list[str] = []
    for index, option in enumerate(job.options):
        pid = option.practitioner_id
        name = authority.practitioners[pid].name
        if name not in names:
            names.append(name)
        limit = rota.limits[pid].max_per_day
        for day in option.days:
            there = rota.by_day.get((pid, day), [])
            lower.update(c for c in there if priority.get(c, 0) < priority.get(child.child_id, 0))
            if len(there) >= limit:
                full += 1
                limits.add(limit)
            elif rota.fits(child.child_id, (index, day)):
                free += 1
            else:
                no_time += 1
    total = full + no_time + free
    who = " or ".join(names)
    parts = []
    if full:
        limit_text = " or ".join(plural(n, "review") for n in sorted(limits))
        parts.append(f"{full} already full ({limit_text} a day)")
    if no_time:
        need = job.options[0].duration
        parts.append(f"{no_time} with no {need}-minute gap left in the hours")
    if free:
        parts.append(f"{free} that still look free (re-plan, or pin the child there)")
    displaced = (
        f" {plural(len(lower), 'child', 'children')} booked on those days "
        f"{'has' if len(lower) == 1 else 'have'} lower priority."
        if lower
        else " Everyone booked on those days has equal or higher priority."
    )
    return (
        f"{plural(total, 'possible day')} with {who}: "
        + ", ".join(parts)
        + "."
        + displaced
        + " Next: add a session, pin this child to take a slot, or move the setting's link."
    )


def why_not_on(
    availability: Availability, child: Child, model: ReviewModel, pid: str, day: date
) -> str:
    """The first rule that rules out this kind of review with ``pid`` on ``day``."""
    authority = availability.authority
    config = authority.config
    index = availability.term.index.get(day)
    if index is None:
        return f"{day} is not a review day (outside the term, half term or a bank holiday)"
    window = availability.windows.get(child.child_id)
    if window is not None and not window.earliest <= day <= window.allowed_end:
        if day < window.window_start:
            lo = config.review.window_months[0]
            return f"the child is not {lo} months old until {_d(window.window_start)}"
        if day < window.earliest:
            return f"the child is settling in until {_d(window.earliest)}"
        over = config.review.overdue_until_months
        return f"the child is past {over} months after {_d(window.allowed_end)}"
    if availability.first_new_day is not None and day < availability.first_new_day:
        first = _d(availability.first_new_day)
        return f"inside the notice period (no new booking before {first})"
    weekday = day.weekday()
    if weekday in child.parent_unavailable_days:
        return "the parent cannot come that weekday"
    practitioner = authority.practitioners[pid]
    if weekday not in practitioner.working_days:
        return f"{practitioner.name} does not work that weekday"
    if availability.absent.get(pid, 0) >> index & 1:
        return f"{practitioner.name} is away that day"
    if model == "joint" and child.setting_id and child.key_person_id:
        setting = authority.settings[child.setting_id]
        if weekday not in setting.open_days or availability.closed[setting.setting_id] >> index & 1:
            return f"{setting.name} is closed that day"
        if not availability.key_person_days[child.key_person_id] >> index & 1:
            return "the key person is not at work that day"
    if not availability.fits_in_hours(child, model, pid):
        return "the hours available are too short for the review"
    if own_model(child, config) != model and model not in config.review.fallback:
        return f"a {KIND[model]} is not one of the kinds open to this child"
    return "possible that day"
