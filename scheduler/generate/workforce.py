"""Health practitioners: locality teams, bases, part-time patterns, leave and current links.

The workforce is sized from the children due, not the other way round: each town's team grows
until its capacity reaches a target share (below 100%) of the town's due children, then daily
limits are nudged until the whole authority sits near the target. Capacity is therefore short
by design, as it is in most of England, and the optimiser's priorities decide who is seen.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from scheduler.domain import Absence, KeyPerson, Practitioner, Setting
from scheduler.generate.capacity import reviews_per_day
from scheduler.generate.early_years import GeneratedSetting
from scheduler.generate.names import AREAS, PRACTITIONER_DOMAIN, STREETS, EmailBook, adult_name
from scheduler.generate.places import Town, point_near
from scheduler.travel import haversine_km

DAYS_PER_WEEK: tuple[tuple[int, float], ...] = ((2, 0.4), (3, 0.35), (4, 0.15), (5, 0.1))
HOURS: tuple[tuple[int, int], ...] = (
    (8 * 60 + 30, 16 * 60 + 30),
    (9 * 60, 17 * 60),
    (8 * 60, 16 * 60),
    (9 * 60, 15 * 60),
    (9 * 60 + 30, 14 * 60 + 30),
)
DAILY_LIMIT: tuple[tuple[int, float], ...] = ((1, 0.65), (2, 0.25), (3, 0.08), (4, 0.02))
HEALTH_VISITOR = "health_visitor"
LINK_SHARE = 0.8
"""Share of settings that already have a named link practitioner."""


@dataclass(frozen=True, slots=True)
class Base:
    """A clinic or health centre a team works from."""

    name: str
    town: int
    lat: float
    lon: float
    address: str | None = None
    """A fictional street address, printed in clinic appointment letters."""


@dataclass
class _Draft:
    """A practitioner before numbering, with the leave and free days that set capacity."""

    practitioner: Practitioner
    town: int
    absences: list[Absence]
    free: dict[int, int] = field(default_factory=dict)
    """Review days on each weekday on which the practitioner is not absent."""
    block: int = 60

    def capacity(self, trial: Practitioner | None = None) -> int:
        """What :func:`practitioner_capacity` gives, for the draft or a variant of it."""
        p = trial or self.practitioner
        return sum(self.free.get(d, 0) for d in p.working_days) * reviews_per_day(p, self.block)

    def variants(self) -> list[Practitioner]:
        """One step less or more capacity: the daily limit by one, or a working day."""
        p = self.practitioner
        out = [
            replace(p, max_reviews_per_day=limit)
            for limit in (p.max_reviews_per_day - 1, p.max_reviews_per_day + 1)
            if 1 <= limit <= 4
        ]
        if len(p.working_days) > 2:
            out.append(replace(p, working_days=p.working_days - {max(p.working_days)}))
        if len(p.working_days) < 5:
            extra = min(set(range(5)) - p.working_days)
            out.append(replace(p, working_days=p.working_days | {extra}))
        return out


def make_bases(rng: random.Random, towns: Sequence[Town]) -> list[Base]:
    """One health centre per town, two or three in the larger towns."""
    out = []
    for i, town in enumerate(towns):
        count = 1 + (town.weight > 0.6) + (town.weight > 0.9)
        names = [f"{town.name} Health Centre"]
        names += [f"{street} Medical Centre, {town.name}" for street in rng.sample(STREETS, 2)]
        names[1:] = [f"{town.name} {area} Clinic" for area in rng.sample(AREAS, 2)]
        for name in names[:count]:
            lat, lon = point_near(rng, town, spread_km=1.0)
            out.append(Base(name, i, lat, lon))
    return out


def with_addresses(rng: random.Random, bases: Sequence[Base], towns: Sequence[Town]) -> list[Base]:
    """Each base with a fictional street address in its town (no postcode: a real one could
    point at somebody's home)."""
    return [
        replace(b, address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {towns[b.town].name}")
        for b in bases
    ]


def make_practitioners(
    rng: random.Random,
    towns: Sequence[Town],
    bases: Sequence[Base],
    due_by_town: Sequence[int],
    target_ratio: float,
    days: Sequence[date],
    exclude: Sequence[tuple[date, date]],
    block: int,
    headcount: int | None = None,
) -> tuple[list[Practitioner], list[Absence]]:
    """Teams sized so that capacity is ``target_ratio`` of the due children, with their leave.

    With ``headcount``, the workforce has that many practitioners instead (teams in proportion
    to the towns' due children), each doing fewer reviews: authorities where reviews are a
    small part of many practitioners' weeks. No one drops below two days and one review a
    day, so a very large headcount overshoots the target (``generate`` prints the ratio).
    """
    emails = EmailBook()
    drafts: list[_Draft] = []
    sizes = team_sizes(due_by_town, headcount) if headcount is not None else None
    for town_index, town in enumerate(towns):
        target = target_ratio * due_by_town[town_index]
        team_bases = [b for b in bases if b.town == town_index]
        total = 0
        while True:
            draft = _draft(rng, town, town_index, team_bases, days, exclude, emails)
            draft.block = block
            draft.free = _free_days(days, draft.absences)
            team = sum(1 for d in drafts if d.town == town_index)
            if sizes is not None:
                if team >= sizes[town_index]:
                    break
            # Keep adding while the new member brings the team closer to its target.
            elif team and total + draft.capacity() / 2 > target:
                break
            drafts.append(draft)
            total += draft.capacity()
    _tune(drafts, target_ratio * sum(due_by_town))
    _health_visitor_in_every_team(drafts)
    width = max(3, len(str(len(drafts))))
    practitioners = []
    absences = []
    for number, draft in enumerate(drafts, start=1):
        pid = f"P{number:0{width}d}"
        practitioners.append(replace(draft.practitioner, practitioner_id=pid))
        absences += [replace(a, person_id=pid) for a in draft.absences]
    return practitioners, absences


def _health_visitor_in_every_team(drafts: list[_Draft]) -> None:
    """A locality team is led by health visitors (community nursery nurses work under one), and
    families' caseloads are held by them: a team drawn without one gets its first member as a
    health visitor."""
    towns = {d.town for d in drafts}
    for town in sorted(towns):
        team = [d for d in drafts if d.town == town]
        if not any(d.practitioner.role == HEALTH_VISITOR for d in team):
            team[0].practitioner = replace(team[0].practitioner, role=HEALTH_VISITOR)


def team_sizes(due_by_town: Sequence[int], headcount: int) -> list[int]:
    """``headcount`` practitioners over the towns in proportion to their due children, at
    least one per town (largest remainders decide the rounding)."""
    if headcount < len(due_by_town):
        raise ValueError(
            f"a workforce of {headcount} cannot give each of {len(due_by_town)} towns a team"
        )
    spare = headcount - len(due_by_town)
    total = sum(due_by_town) or 1
    shares = [spare * due / total for due in due_by_town]
    sizes = [1 + math.floor(share) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: (math.floor(shares[i]) - shares[i], i))
    for i in order[: headcount - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _draft(
    rng: random.Random,
    town: Town,
    town_index: int,
    bases: Sequence[Base],
    days: Sequence[date],
    exclude: Sequence[tuple[date, date]],
    emails: EmailBook,
) -> _Draft:
    """One practitioner of a town's team, with a random part-time pattern and leave."""
    base = rng.choice(bases)
    name = adult_name(rng, female_share=0.93)
    count = rng.choices([n for n, _ in DAYS_PER_WEEK], [w for _, w in DAYS_PER_WEEK])[0]
    working = frozenset(rng.sample(range(5), count))
    start, end = rng.choice(HOURS) if count < 5 else rng.choice(HOURS[:3])
    limit = rng.choices([n for n, _ in DAILY_LIMIT], [w for _, w in DAILY_LIMIT])[0]
    languages: frozenset[str] = frozenset()
    if town.languages and rng.random() < 0.25:
        spoken = rng.choices([lang for lang, _ in town.languages], [s for _, s in town.languages])
        languages = frozenset(lang.lower() for lang in spoken)
    practitioner = Practitioner(
        practitioner_id="",
        name=name,
        email=emails.address(name, PRACTITIONER_DOMAIN),
        base_lat=base.lat,
        base_lon=base.lon,
        working_days=working,
        day_start=start,
        day_end=end,
        max_reviews_per_day=limit,
        role=HEALTH_VISITOR if rng.random() < 0.55 else "community_nursery_nurse",
        team=team_name(town),
        base_name=base.name,
        languages=languages,
        base_address=base.address,
    )
    return _Draft(practitioner, town_index, _practitioner_leave(rng, days, exclude))


def _practitioner_leave(
    rng: random.Random, days: Sequence[date], exclude: Sequence[tuple[date, date]]
) -> list[Absence]:
    """A week or two of annual leave for about a third; training days; rare long-term leave."""
    out = []
    if rng.random() < 0.03:
        start = days[rng.randrange(len(days) // 3, 2 * len(days) // 3)]
        out.append(Absence("", start, days[-1], "long-term leave"))
        return out
    if rng.random() < 0.35:
        out.append(leave_weeks(rng, days, exclude, weeks=1 if rng.random() < 0.7 else 2))
    if rng.random() < 0.4:
        day = rng.choice(days)
        out.append(Absence("", day, day, "training"))
    return out


def leave_weeks(
    rng: random.Random, days: Sequence[date], exclude: Sequence[tuple[date, date]], weeks: int
) -> Absence:
    """A Monday-to-Friday block of annual leave inside the term, outside its excluded weeks."""
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    mondays = [m for m in mondays if not any(lo <= m <= hi for lo, hi in exclude)]
    start = rng.choice(mondays)
    return Absence("", start, start + timedelta(days=7 * (weeks - 1) + 4), "annual leave")


def _free_days(days: Sequence[date], absences: Sequence[Absence]) -> dict[int, int]:
    free: dict[int, int] = {}
    for d in days:
        if not any(a.covers(d) for a in absences):
            free[d.weekday()] = free.get(d.weekday(), 0) + 1
    return free


def _tune(drafts: list[_Draft], target: float) -> None:
    """Step daily limits and working days, each time where it brings the total capacity
    closest to the target, until no step helps."""
    total = sum(d.capacity() for d in drafts)
    for _ in range(10 * len(drafts)):
        best: tuple[float, int, Practitioner] | None = None
        for i, draft in enumerate(drafts):
            now = draft.capacity()
            for trial in draft.variants():
                gap = abs(total - now + draft.capacity(trial) - target)
                if best is None or gap < best[0]:
                    best = (gap, i, trial)
        if best is None or best[0] >= abs(total - target):
            return
        _, i, trial = best
        draft = drafts[i]
        total += draft.capacity(trial) - draft.capacity()
        draft.practitioner = trial


def assign_links(
    rng: random.Random,
    settings: Sequence[GeneratedSetting],
    towns: Sequence[Town],
    practitioners: Sequence[Practitioner],
    key_persons: dict[str, list[KeyPerson]],
) -> list[Setting]:
    """Most settings already have a link practitioner: usually a nearby member of the local
    team who works on the days the setting's key persons do."""
    teams: dict[str, list[Practitioner]] = {}
    for p in practitioners:
        teams.setdefault(p.team or "", []).append(p)
    out = []
    for gs in settings:
        setting = gs.setting
        if rng.random() >= LINK_SHARE:
            out.append(setting)
            continue
        team = teams[team_name(towns[gs.town])]
        weights = [_link_weight(p, setting, key_persons[setting.setting_id]) for p in team]
        chosen = rng.choices(team, weights)[0]
        out.append(replace(setting, link_practitioner_id=chosen.practitioner_id))
    return out


def team_name(town: Town) -> str:
    """The locality team that covers a town."""
    return f"{town.name} Locality Team"


def _link_weight(p: Practitioner, setting: Setting, people: Sequence[KeyPerson]) -> float:
    km = haversine_km(setting.lat, setting.lon, p.base_lat, p.base_lon)
    shared = sum(1 for k in people if k.working_days & p.working_days & setting.open_days)
    overlap = shared / len(people) if people else 1.0
    return p.max_reviews_per_day * len(p.working_days) * math.exp(-km / 3.0) * (0.1 + overlap)


def key_person_leave(
    rng: random.Random,
    key_persons: Sequence[KeyPerson],
    days: Sequence[date],
    exclude: Sequence[tuple[date, date]],
) -> list[Absence]:
    """About one key person in eight takes a week off in term time; some have a training day."""
    out = []
    for person in key_persons:
        if rng.random() < 0.12:
            leave = leave_weeks(rng, days, exclude, weeks=1)
            out.append(replace(leave, person_id=person.key_person_id))
        if rng.random() < 0.08:
            day = rng.choice(days)
            out.append(Absence(person.key_person_id, day, day, "training"))
    return out
