"""A whole synthetic authority, assembled stage by stage from one seed.

Each stage draws from its own random stream (``Random(f"{seed}/stage")``), so the output is
byte-identical for a seed and a change to one stage does not reshuffle the others.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import Literal

from scheduler.calendar import is_due, review_days
from scheduler.config import Config, Organiser, ReviewConfig, TermConfig
from scheduler.domain import ALL_SETTINGS, Absence, Authority, Closure, Setting
from scheduler.generate.capacity import block_minutes
from scheduler.generate.children import make_children
from scheduler.generate.early_years import make_key_persons, make_settings
from scheduler.generate.names import PRACTITIONER_DOMAIN, EmailBook, adult_name
from scheduler.generate.need import setting_deciles, town_profiles
from scheduler.generate.outcomes import make_outcomes
from scheduler.generate.places import make_towns, town_count
from scheduler.generate.review_models import assign_review_models
from scheduler.generate.workforce import (
    assign_links,
    key_person_leave,
    make_bases,
    make_practitioners,
    with_addresses,
)
from scheduler.io.load import with_planning_date

SIZES: dict[str, int] = {"small": 300, "medium": 1500, "large": 6000, "xlarge": 20000}
"""Children due this term for each graded size."""

SPRING_2027 = TermConfig(
    name="Spring 2027",
    start=date(2027, 1, 5),
    end=date(2027, 3, 26),
    exclude=((date(2027, 2, 15), date(2027, 2, 19)),),
    bank_holidays="england",
)
"""The default term: a half term and a bank holiday (Good Friday, 26 March) inside it."""

SETTINGS_PER_DUE_CHILD = 0.25
CAPACITY_TARGET = (0.80, 0.86)
"""The workforce's capacity as a share of the children due (drawn per seed)."""


class GenerateError(ValueError):
    """An option of :func:`generate_authority` that cannot be used, and which one."""

    def __init__(self, option: str, value: object, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.value = value


def generate_authority(
    children: int,
    seed: int,
    *,
    model: Literal["joint", "separate"] = "joint",
    term: TermConfig = SPRING_2027,
    practitioners: int | None = None,
    today: date | None = None,
) -> Authority:
    """A fictional English authority with ``children`` children due in ``term``.

    Deterministic for a seed. Capacity is calibrated to 80–86% of the due children, so not
    everyone fits and the priorities decide who is seen. ``practitioners`` fixes the
    workforce's size (the same capacity spread over more or fewer people); by default teams
    grow until they reach their town's share of that capacity. ``today`` (inside the term)
    makes a term part-way through: ``[term] today`` is set and ``outcomes`` holds what happened
    at the reviews booked before it; everything else is what the seed gives without it.
    Raises :class:`GenerateError` naming the option that cannot be used.
    """
    if children < 1:
        raise GenerateError("children", children, f"children must be at least 1, not {children}")
    if practitioners is not None and practitioners < 1:
        raise GenerateError(
            "practitioners", practitioners, f"practitioners must be at least 1, not {practitioners}"
        )
    if today is not None and not term.start <= today <= term.end:
        raise GenerateError(
            "today", today, f"must fall inside the term {term.name} ({term.start} to {term.end})"
        )

    def stream(stage: str) -> random.Random:
        return random.Random(f"{seed}/{stage}")

    config = Config(
        term=term, review=ReviewConfig(model=model), organiser=_organiser(stream("organiser"))
    )
    days = review_days(term)
    exclude = list(term.exclude)

    towns = make_towns(stream("towns"), town_count(children))
    setting_emails = EmailBook()
    settings = make_settings(
        stream("settings"),
        towns,
        max(len(towns), round(children * SETTINGS_PER_DUE_CHILD)),
        4,
        setting_emails,
    )
    key_persons = make_key_persons(stream("key_persons"), settings, 5, setting_emails)
    deprivation = stream("deprivation")
    profiles = town_profiles(deprivation, towns)
    areas = (profiles, setting_deciles(deprivation, settings, profiles))
    generated = make_children(
        stream("children"),
        children,
        term,
        config.review,
        settings,
        key_persons,
        towns,
        areas,
        stream("need"),
        5,
    )

    due_by_town = [0] * len(towns)
    for g in generated:
        if is_due(g.child, term, config.review):
            due_by_town[g.town] += 1
    workforce_rng = stream("workforce")
    bases = with_addresses(stream("base_addresses"), make_bases(workforce_rng, towns), towns)
    try:
        workforce, practitioner_absences = make_practitioners(
            workforce_rng,
            towns,
            bases,
            due_by_town,
            workforce_rng.uniform(*CAPACITY_TARGET),
            days,
            exclude,
            block_minutes(config),
            practitioners,
        )
    except ValueError as error:
        raise GenerateError("practitioners", practitioners, str(error)) from None
    linked = assign_links(stream("links"), settings, towns, workforce, key_persons)
    all_key_persons = [k for people in key_persons.values() for k in people]
    absences: list[Absence] = practitioner_absences + key_person_leave(
        stream("key_person_leave"), all_key_persons, days, exclude
    )
    kids = assign_review_models(
        stream("review_models"),
        generated,
        {s.setting_id: s for s in linked},
        towns,
        workforce,
        practitioner_absences,
        model,
    )
    authority = Authority(
        practitioners={p.practitioner_id: p for p in workforce},
        settings={s.setting_id: s for s in linked},
        key_persons={k.key_person_id: k for k in all_key_persons},
        children={c.child_id: c for c in kids},
        absences=tuple(absences),
        closures=tuple(_closures(stream("closures"), linked, days)),
        config=config,
    )
    if today is None:
        return authority
    authority = authority.with_config(with_planning_date(config, today))
    return replace(authority, outcomes=make_outcomes(stream("outcomes"), authority))


def _organiser(rng: random.Random) -> Organiser:
    name = adult_name(rng, female_share=0.8)
    return Organiser(name=name, email=EmailBook().address(name, PRACTITIONER_DOMAIN))


def _closures(rng: random.Random, settings: list[Setting], days: tuple[date, ...]) -> list[Closure]:
    """An authority-wide early years training day, and a staff training day at a few nurseries."""
    out: list[Closure] = []
    if len(days) > 10:
        fridays = [d for d in days[len(days) // 3 :] if d.weekday() == 4]
        out.append(Closure(ALL_SETTINGS, fridays[0] if fridays else days[len(days) // 2]))
    for setting in settings:
        if setting.type != "childminder" and rng.random() < 0.05:
            open_days = [d for d in days if d.weekday() in setting.open_days]
            if open_days:
                out.append(Closure(setting.setting_id, rng.choice(open_days)))
    return out
