"""Why a due child has no appointment, in a sentence a coordinator can act on.

The reason is found by peeling the rules in order: no link practitioner, then facts in the
data that make any review impossible, then no day on which everyone needed is free, and
only then capacity (possible days existed, the time went to higher-priority children).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from scheduler.domain import Authority, Child, describe_days, format_time
from scheduler.plan import Appointment, Link, ReasonCode, Unscheduled
from scheduler.scheduling.availability import Availability, bits, block_minutes, time_window


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _no_link(child: Child, authority: Authority) -> str:
    assert child.setting_id is not None
    setting = authority.settings[child.setting_id]
    if not any(p.max_reviews_per_day > 0 for p in authority.practitioners.values()):
        return (
            f"{setting.name} has no link practitioner: no practitioner currently does reviews "
            "(every max_reviews_per_day is 0)."
        )
    if authority.config.review.model == "joint":
        return (
            f"{setting.name} has no link practitioner: no practitioner doing reviews works on "
            f"its open days ({describe_days(setting.open_days)}) within its hours "
            f"{format_time(setting.open_time)}–{format_time(setting.close_time)}. "
            "Agree a visiting day with a practitioner or record extra opening hours."
        )
    return f"{setting.name} has no link practitioner."


def _data_problem(
    child: Child, link: Link, authority: Authority, availability: Availability
) -> str | None:
    """A fact in the data that rules out any review this term, or None."""
    config = authority.config
    window = availability.windows[child.child_id]
    term = availability.term
    if not term.days:
        return "the term has no review days (check term dates, exclusions and bank holidays)."
    practitioner = authority.practitioners[link.practitioner_id]
    if practitioner.max_reviews_per_day <= 0:
        return (
            f"the link practitioner {practitioner.name} has max_reviews_per_day = 0, so does "
            "no reviews; link the setting to another practitioner."
        )
    if not availability.allowed_days(child.child_id):
        first, last = term.days[0], term.days[-1]
        if child.starts_on and child.starts_on > last:
            return (
                f"starts at the setting on {_d(child.starts_on)}, after the term's last review "
                f"day ({_d(last)}); review next term."
            )
        if window.allowed_end < first:
            return (
                f"the review must happen by {_d(window.allowed_end)} (age "
                f"{config.review.overdue_until_months} months), before the term's first review "
                f"day ({_d(first)}); arrange an appointment outside the rota."
            )
        if window.earliest > last:
            return (
                f"reaches {config.review.window_months[0]} months on {_d(window.window_start)}, "
                f"after the term's last review day ({_d(last)}); review next term."
            )
        return (
            f"no review day between {_d(window.earliest)} and {_d(window.allowed_end)} "
            "(half term, bank holidays or the term's end); review next term."
        )
    assert child.setting_id is not None
    setting = authority.settings[child.setting_id]
    need = block_minutes(child, authority)
    tw = time_window(practitioner, setting, authority)
    if tw.length < need:
        if config.review.model == "joint":
            return (
                f"the review needs {need} minutes but {practitioner.name}'s hours "
                f"({format_time(practitioner.day_start)}–{format_time(practitioner.day_end)}) "
                f"and {setting.name}'s opening hours ({format_time(setting.open_time)}–"
                f"{format_time(setting.close_time)}) overlap for only {tw.length} minutes."
            )
        return (
            f"the review needs {need} minutes but {practitioner.name} works only "
            f"{tw.length} minutes a day."
        )
    return None


def _who_blocks(child: Child, link: Link, authority: Authority, availability: Availability) -> str:
    """Name the parties whose days never meet inside the child's allowed dates."""
    practitioner = authority.practitioners[link.practitioner_id]
    assert child.setting_id is not None and child.key_person_id is not None
    setting = authority.settings[child.setting_id]
    key_person = authority.key_persons[child.key_person_id]
    joint = authority.config.review.model == "joint"
    allowed = availability.allowed_days(child.child_id)
    window = availability.windows[child.child_id]
    parties: list[tuple[str, int, str]] = [
        (
            f"the link practitioner ({practitioner.name}) works "
            f"{describe_days(practitioner.working_days)}",
            availability.practitioner_days[link.practitioner_id],
            "link practitioner",
        ),
    ]
    if joint:
        parties.append(
            (
                f"the key person works {describe_days(key_person.working_days)}",
                availability.key_person_days[key_person.key_person_id],
                "key person",
            )
        )
        parties.append(
            (
                f"{setting.name} is open {describe_days(setting.open_days)}",
                availability.setting_days[setting.setting_id],
                "setting",
            )
        )
    if child.parent_unavailable_days:
        parties.append(
            (
                f"the parent cannot come on {describe_days(child.parent_unavailable_days)}",
                availability.parent_days(child),
                "parent",
            )
        )
    span = f"between {_d(window.earliest)} and {_d(window.allowed_end)}"
    # weekday clash between two parties: the clearest message
    for i, (text_a, mask_a, _) in enumerate(parties):
        for text_b, mask_b, _ in parties[i + 1 :]:
            if not mask_a & mask_b & allowed:
                return f"no review day when all can meet: {text_a}, {text_b} ({span})."
    # otherwise leave, closures or the allowed dates narrow it down to nothing
    notes = []
    absent = availability.absent.get(link.practitioner_id, 0) & allowed
    if absent:
        notes.append(f"the link practitioner is away on {len(bits(absent))} of the possible days")
    if joint:
        kp_absent = availability.absent.get(key_person.key_person_id, 0) & allowed
        if kp_absent:
            notes.append(f"the key person is away on {len(bits(kp_absent))} of them")
        closed = availability.closed.get(setting.setting_id, 0) & allowed
        if closed:
            notes.append(f"the setting is closed on {len(bits(closed))} of them")
    detail = "; ".join(notes) if notes else "; ".join(t for t, _, _ in parties)
    return f"no review day {span} when everyone needed is available: {detail}."


def _capacity(
    child: Child,
    link: Link,
    authority: Authority,
    availability: Availability,
    booked: Mapping[str, Appointment],
    priority: Mapping[str, float],
) -> str:
    practitioner = authority.practitioners[link.practitioner_id]
    days = set(availability.term.dates(availability.feasible_days(child, link.practitioner_id)))
    taken = [
        a for a in booked.values() if a.practitioner_id == link.practitioner_id and a.date in days
    ]
    higher = sum(1 for a in taken if priority.get(a.child_id, 0) >= priority.get(child.child_id, 0))
    slots = len(days) * practitioner.max_reviews_per_day
    return (
        f"{len(taken)} reviews ({higher} of children with equal or higher priority) filled "
        f"{practitioner.name}'s time on the {len(days)} day(s) this child could be seen "
        f"(at most {slots} reviews); add a session, move the child's link, or pin this child "
        "to give them priority."
    )


def explain_unscheduled(
    authority: Authority,
    availability: Availability,
    links: list[Link],
    appointments: list[Appointment],
    priority: Mapping[str, float],
) -> list[Unscheduled]:
    """One row for every due child without an appointment, in input order."""
    link_of = {link.setting_id: link for link in links}
    booked = {a.child_id: a for a in appointments}
    out = []
    for child in availability.due:
        if child.child_id in booked:
            continue
        if child.setting_id is None or child.key_person_id is None:
            out.append(
                Unscheduled(
                    child.child_id,
                    child.setting_id,
                    ReasonCode.INFEASIBLE_DATA,
                    "The child attends no setting: plan a clinic or home appointment by hand "
                    "for now.",
                )
            )
            continue
        link = link_of.get(child.setting_id)
        if link is None:
            code, reason = ReasonCode.NO_LINK_PRACTITIONER, _no_link(child, authority)
        elif (problem := _data_problem(child, link, authority, availability)) is not None:
            code, reason = ReasonCode.INFEASIBLE_DATA, problem[0].upper() + problem[1:]
        elif not availability.feasible_days(child, link.practitioner_id):
            code = ReasonCode.NO_COMMON_DAY
            reason = _who_blocks(child, link, authority, availability)
            reason = reason[0].upper() + reason[1:]
        else:
            code = ReasonCode.CAPACITY
            reason = _capacity(child, link, authority, availability, booked, priority)
        out.append(Unscheduled(child.child_id, child.setting_id, code, reason))
    return out
