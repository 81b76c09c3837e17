"""Children of review age, their families and where they attend.

Dates of birth are drawn by band, using the contract's own ``add_months``, so the number of
children due this term is exactly what was asked for:

* ``new``: reach 24 months during the term (the bulk of the term's work);
* ``carry``: already 24–30 months when the term starts (missed in the autumn; skewed towards
  the younger end, as most older ones were seen);
* ``overdue``: past 30 months but under 36 at the start (missed; still to be seen);
* ``young``: reach 24 months after the term (in the file, not due);
* ``reviewed``: from the carry and overdue bands but already reviewed last term (not due).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from scheduler.calendar import add_months
from scheduler.config import ReviewConfig, TermConfig
from scheduler.domain import Child, KeyPerson
from scheduler.generate.early_years import GeneratedSetting
from scheduler.generate.names import (
    PARENT_DOMAINS,
    EmailBook,
    adult_first_name,
    child_first_name,
    pick_heritage_for_language,
    surname,
)
from scheduler.generate.need import NeedDraws, child_decile, funded_chances
from scheduler.generate.places import Town

FUNDED_SHARE = 0.40
SEND_SHARE = 0.075
PRIOR_CONCERNS_FUNDED = 0.10
PRIOR_CONCERNS_OTHER = 0.05
PARENT_UNAVAILABLE_SHARE = 0.15
NO_SETTING_SHARE = 0.03
"""Children in the service's file who attend no early years setting (seen at clinic or home)."""
REVIEWED_PER_DUE = 0.25
YOUNG_PER_DUE = 0.15


@dataclass(frozen=True, slots=True)
class Bands:
    """Birth dates by band; each list is in date order (oldest child first)."""

    overdue: list[date]
    carry: list[date]
    new: list[date]
    young: list[date]


def birth_bands(term: TermConfig, review: ReviewConfig) -> Bands:
    """Classify every plausible date of birth by the contract's rules for this term."""
    lo, hi = review.window_months
    over = review.overdue_until_months
    first = add_months(term.start, -over - 1)
    last = add_months(term.end, -(lo - 6))
    bands: dict[str, list[date]] = {"overdue": [], "carry": [], "new": [], "young": []}
    day = first
    while day <= last:
        if add_months(day, lo) > term.end:
            if add_months(day, lo - 6) <= term.end:
                bands["young"].append(day)
        elif add_months(day, over) >= term.start:
            if add_months(day, hi) < term.start:
                bands["overdue"].append(day)
            elif add_months(day, lo) < term.start:
                bands["carry"].append(day)
            else:
                bands["new"].append(day)
        day += timedelta(days=1)
    return Bands(**bands)


@dataclass(frozen=True, slots=True)
class GeneratedChild:
    """A child with what the generator needs to know about them later."""

    child: Child
    town: int
    """Index of the town the family lives in (the setting's town for a child at a setting)."""


def make_children(
    rng: random.Random,
    due: int,
    term: TermConfig,
    review: ReviewConfig,
    settings: Sequence[GeneratedSetting],
    key_persons: dict[str, list[KeyPerson]],
    towns: Sequence[Town],
    areas: tuple[Sequence[float], Sequence[float]],
    need_rng: random.Random,
    width_hint: int,
) -> list[GeneratedChild]:
    """``due`` children due this term, plus reviewed and younger children who are not.

    ``areas`` are the neighbourhood deciles of each town and of each setting (see
    :mod:`scheduler.generate.need`): a child's deprivation decile follows where they live, and
    their chance of a funded place follows the decile, as do their welfare status and earlier
    reviews not brought to (drawn from ``need_rng``). Looked-after children are eligible for a
    funded place, so one at a setting and old enough holds one. About 3% attend no setting.
    """
    bands = birth_bands(term, review)
    overdue = round(due * rng.uniform(0.05, 0.08))
    new = round(due * rng.uniform(0.50, 0.56))
    carry = due - overdue - new
    dobs: list[tuple[date, date | None]] = []  # (date of birth, reviewed on)
    dobs += [(rng.choice(bands.overdue), None) for _ in range(overdue)]
    dobs += [(_skewed_young(rng, bands.carry), None) for _ in range(carry)]
    dobs += [(rng.choice(bands.new), None) for _ in range(new)]
    dobs += [(rng.choice(bands.young), None) for _ in range(round(due * YOUNG_PER_DUE))]
    for _ in range(round(due * REVIEWED_PER_DUE)):
        dob = rng.choice(bands.carry if rng.random() < 0.6 else bands.overdue)
        dobs.append((dob, _reviewed_on(rng, dob, term, review)))
    rng.shuffle(dobs)

    # Where each child lives and attends, and their deprivation decile, come first: the chance
    # of a funded place is then set so that FUNDED_SHARE of those old enough hold one.
    town_areas, setting_areas = areas
    cum = list(accumulate(gs.size for gs in settings))
    town_weights = [t.weight for t in towns]
    places: list[tuple[GeneratedSetting | None, int, int]] = []  # (setting, town, decile)
    for _ in dobs:
        if rng.random() < NO_SETTING_SHARE:
            town = rng.choices(range(len(towns)), town_weights)[0]
            places.append((None, town, child_decile(rng, town_areas[town])))
            continue
        index = min(bisect_left(cum, rng.random() * cum[-1]), len(settings) - 1)
        chosen = settings[index]
        places.append((chosen, chosen.town, child_decile(rng, setting_areas[index])))
    old_enough = [
        decile
        for (dob, _), (attends, _, decile) in zip(dobs, places, strict=True)
        if attends is not None and add_months(dob, review.window_months[0]) <= term.end
    ]
    funded_chance = funded_chances(old_enough, FUNDED_SHARE)
    needs = NeedDraws(need_rng, [decile for _, _, decile in places])

    width = max(width_hint, len(str(len(dobs))))
    emails = EmailBook()
    starts = _StartDates(term)
    out = []
    for i, ((dob, reviewed_on), place) in enumerate(zip(dobs, places, strict=True)):
        gs, town, decile = place
        key_person = rng.choice(key_persons[gs.setting.setting_id]) if gs else None
        language = _home_language(rng, towns[town])
        heritage = pick_heritage_for_language(rng, language or "English")
        family = surname(rng, heritage)
        second_birthday = add_months(dob, review.window_months[0])
        need = needs.draw(decile, second_birthday < term.start)
        funded = (
            gs is not None and second_birthday <= term.end and rng.random() < funded_chance[decile]
        )
        funded |= gs is not None and second_birthday <= term.end and need.status == "looked_after"
        parent_name, parent_email = _parent(rng, heritage, family, emails)
        child = Child(
            child_id=f"C{i + 1:0{width}d}",
            name=f"{child_first_name(rng, heritage)} {family}",
            date_of_birth=dob,
            setting_id=gs.setting.setting_id if gs else None,
            key_person_id=key_person.key_person_id if key_person else None,
            funded_two=funded,
            send=rng.random() < SEND_SHARE,
            prior_concerns=(
                rng.random() < (PRIOR_CONCERNS_FUNDED if funded else PRIOR_CONCERNS_OTHER)
            )
            or need.concerns,
            home_language=language,
            parent_name=parent_name,
            parent_email=parent_email,
            parent_unavailable_days=_unavailable(rng),
            reviewed_on=reviewed_on,
            starts_on=starts.pick(rng, second_birthday, funded) if gs else None,
            imd_decile=decile,
            looked_after=need.status == "looked_after",
            child_protection=need.status == "child_protection",
            child_in_need=need.status == "child_in_need",
            was_not_brought_before=need.not_brought_before,
        )
        out.append(GeneratedChild(child, town))
    return out


def _skewed_young(rng: random.Random, dates: list[date]) -> date:
    """A date biased towards the end of the list: the youngest are least likely seen already."""
    return dates[min(len(dates) - 1, int(rng.triangular(0, len(dates), len(dates))))]


def _reviewed_on(rng: random.Random, dob: date, term: TermConfig, review: ReviewConfig) -> date:
    """A weekday inside the child's window before the term starts (reviewed last term)."""
    lo = add_months(dob, review.window_months[0])
    hi = min(add_months(dob, review.window_months[1]), term.start - timedelta(days=1))
    day = lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))
    while day.weekday() >= 5 and day - timedelta(days=1) >= lo:
        day -= timedelta(days=1)
    return day


def _home_language(rng: random.Random, town: Town) -> str | None:
    """English for most families; the town's community languages for some; a few unrecorded."""
    r = rng.random()
    for language, share in town.languages:
        if r < share:
            return language
        r -= share
    return None if rng.random() < 0.04 else "English"


def _parent(
    rng: random.Random, heritage: str, family: str, emails: EmailBook
) -> tuple[str | None, str | None]:
    """Most records name a parent; most of those have an e-mail address."""
    if rng.random() < 0.07:
        return None, None
    first = adult_first_name(rng, heritage, female_share=0.8)
    last = family if rng.random() < 0.8 else surname(rng, heritage)
    name = f"{first} {last}"
    if rng.random() < 0.12:
        return name, None
    local = f"{first}.{last}" if rng.random() < 0.6 else f"{first}{last}{rng.randint(1, 99)}"
    return name, emails.address(local, rng.choice(PARENT_DOMAINS))


def _unavailable(rng: random.Random) -> frozenset[int]:
    """About one parent in seven cannot come on one or two weekdays (work, other children)."""
    if rng.random() >= PARENT_UNAVAILABLE_SHARE:
        return frozenset()
    return frozenset(rng.sample(range(5), 1 if rng.random() < 0.65 else 2))


class _StartDates:
    """When a child starts at the setting: funded places start the term after the birthday."""

    def __init__(self, term: TermConfig) -> None:
        self.term = term
        after_half_term = max((hi for _, hi in term.exclude), default=term.start)
        self.after_half_term = _next_monday(after_half_term) if term.exclude else term.start
        self.next_term = _next_monday(term.end + timedelta(days=14))

    def pick(self, rng: random.Random, second_birthday: date, funded: bool) -> date | None:
        term = self.term
        if not funded:
            if rng.random() < 0.03 and second_birthday <= term.end:  # a family new to the area
                return term.start + timedelta(days=7 * rng.randint(1, 5) - term.start.weekday())
            return None
        if second_birthday > term.end:
            return None
        if second_birthday >= term.start:  # turns two this term: the place starts next term
            return self.next_term if rng.random() < 0.06 else None
        if second_birthday >= add_months(term.start, -4):  # turned two last term: starts now
            if rng.random() >= 0.55:
                return None  # already attending (paid hours) before the place began
            r = rng.random()
            if r < 0.7:
                return term.start
            if r < 0.85:
                return _next_monday(term.start + timedelta(days=rng.randint(3, 10)))
            return self.after_half_term
        if rng.random() < 0.3:  # started last term; a past date, kept for the record
            return _next_monday(add_months(term.start, -4))
        return None


def _next_monday(day: date) -> date:
    """The first Monday after ``day``."""
    return day + timedelta(days=7 - day.weekday())
