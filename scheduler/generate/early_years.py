"""Early years settings and their key persons.

The mix follows Ofsted's register: many childminders (one person, one room), a good number of
private, voluntary and independent (PVI) nurseries and pre-schools, and a few maintained nursery
schools and children's centres with several rooms. Each setting has a size that later decides
how many children attend it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from scheduler.domain import Days, KeyPerson, Setting, SettingType
from scheduler.generate.names import (
    AREAS,
    NURSERY_KINDS,
    NURSERY_WORDS,
    SETTING_DOMAIN,
    STREETS,
    EmailBook,
    adult_name,
)
from scheduler.generate.places import Town, point_near

TYPE_SHARES: tuple[tuple[SettingType, float], ...] = (
    ("childminder", 0.58),
    ("pvi", 0.30),
    ("maintained", 0.06),
    ("children_centre", 0.06),
)

TYPE_SIZE: dict[SettingType, float] = {
    "childminder": 1.5,
    "pvi": 10.0,
    "maintained": 14.0,
    "children_centre": 13.0,
}
"""Mean number of children of review age (in the authority's file) at a setting of each type."""

WEEKDAYS: Days = frozenset(range(5))


def _hm(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


@dataclass(frozen=True, slots=True)
class GeneratedSetting:
    """A setting with what the generator needs to know about it later."""

    setting: Setting
    town: int
    """Index of the setting's town."""
    size: float
    """Relative number of children attending."""


def make_settings(
    rng: random.Random, towns: list[Town], count: int, width: int, emails: EmailBook
) -> list[GeneratedSetting]:
    """``count`` settings spread over the towns in proportion to their populations."""
    types = [t for t, _ in TYPE_SHARES]
    shares = [s for _, s in TYPE_SHARES]
    town_weights = [t.weight for t in towns]
    used_names: set[str] = set()
    out = []
    for i in range(count):
        # Every town has at least one setting, whatever the random draw.
        town_index = i if i < len(towns) else rng.choices(range(len(towns)), town_weights)[0]
        town = towns[town_index]
        kind: SettingType = rng.choices(types, shares)[0]
        lat, lon = point_near(rng, town)
        street = rng.choice(STREETS)
        name = _setting_name(rng, kind, town, street, used_names)
        open_days, open_time, close_time, rooms = _opening(rng, kind)
        setting = Setting(
            setting_id=f"S{i + 1:0{width}d}",
            name=name,
            type=kind,
            lat=lat,
            lon=lon,
            email=emails.address(name, SETTING_DOMAIN),
            open_days=open_days,
            open_time=open_time,
            close_time=close_time,
            rooms=rooms,
            address=f"{rng.randint(1, 180)} {street}, {town.name}",
        )
        size = TYPE_SIZE[kind] * rng.uniform(0.5, 1.5)
        out.append(GeneratedSetting(setting, town_index, size))
    return out


def _setting_name(
    rng: random.Random, kind: SettingType, town: Town, street: str, used: set[str]
) -> str:
    """A plausible, unique name; collisions get the street, then a number."""
    if kind == "childminder":
        base = f"{adult_name(rng, female_share=0.92)} (childminder)"
    elif kind == "pvi":
        base = f"{rng.choice(NURSERY_WORDS)} {rng.choice(NURSERY_KINDS)}"
    elif kind == "maintained":
        base = f"{town.name} {rng.choice(AREAS)} Nursery School"
    else:
        base = f"{town.name} {rng.choice(AREAS)} Children's Centre"
    candidates = [base, f"{base}, {street}", f"{base}, {street}, {town.name}"]
    for name in candidates:
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{base} {n}" in used:
        n += 1
    used.add(f"{base} {n}")
    return f"{base} {n}"


def _opening(rng: random.Random, kind: SettingType) -> tuple[Days, int, int, int]:
    """Open days, opening and closing time, rooms for a meeting."""
    if kind == "childminder":
        days = WEEKDAYS if rng.random() < 0.7 else WEEKDAYS - {rng.randrange(5)}
        open_time, close_time = rng.choice(
            [(_hm(7, 30), _hm(18)), (_hm(7, 30), _hm(18)), (_hm(8), _hm(17, 30)), (_hm(7), _hm(18))]
        )
        return frozenset(days), open_time, close_time, 1
    if kind == "children_centre":
        open_time, close_time = rng.choice([(_hm(8), _hm(18)), (_hm(8, 30), _hm(17, 30))])
        return WEEKDAYS, open_time, close_time, rng.choice([2, 2, 3])
    if kind == "maintained":
        open_time, close_time = rng.choice([(_hm(8, 30), _hm(15, 30)), (_hm(8), _hm(18))])
        return WEEKDAYS, open_time, close_time, rng.choice([1, 2, 2])
    if rng.random() < 0.75:  # a full day care nursery
        open_time, close_time = rng.choice([(_hm(7, 30), _hm(18)), (_hm(8), _hm(18))])
        return WEEKDAYS, open_time, close_time, rng.choice([1, 2, 2, 3])
    # A sessional pre-school, often in a church hall a few days a week.
    days = WEEKDAYS - {rng.randrange(5)} if rng.random() < 0.7 else WEEKDAYS
    return frozenset(days), _hm(9), rng.choice([_hm(15), _hm(15, 30)]), 1


def make_key_persons(
    rng: random.Random, settings: list[GeneratedSetting], width_hint: int, emails: EmailBook
) -> dict[str, list[KeyPerson]]:
    """Key persons of every setting (a childminder is her own key person), by setting id."""
    counts = []
    for gs in settings:
        if gs.setting.type == "childminder":
            counts.append(1)
        else:
            counts.append(max(2, min(8, round(gs.size / 3.5 + rng.uniform(-0.5, 0.5)))))
    width = max(width_hint, len(str(sum(counts))))
    out: dict[str, list[KeyPerson]] = {}
    number = 0
    for gs, count in zip(settings, counts, strict=True):
        setting = gs.setting
        people = []
        for _ in range(count):
            number += 1
            if setting.type == "childminder":
                name = setting.name.removesuffix(" (childminder)")
                days = setting.open_days
            else:
                name = adult_name(rng, female_share=0.9)
                days = _key_person_days(rng, setting.open_days)
            email = emails.address(name, SETTING_DOMAIN) if rng.random() < 0.85 else None
            people.append(
                KeyPerson(
                    key_person_id=f"K{number:0{width}d}",
                    setting_id=setting.setting_id,
                    name=name,
                    working_days=days,
                    email=email,
                )
            )
        out[setting.setting_id] = people
    return out


def _key_person_days(rng: random.Random, open_days: Days) -> Days:
    """Half work every open day; the rest part-time, at least two days."""
    days = sorted(open_days)
    r = rng.random()
    drop = 0 if r < 0.5 else 1 if r < 0.8 else 2 if r < 0.95 else 3
    drop = min(drop, max(0, len(days) - 2))
    for _ in range(drop):
        days.remove(rng.choice(days))
    return frozenset(days)
