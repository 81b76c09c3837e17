"""Early years settings and key persons (scheduler/generate/early_years.py): the register's
mix, every town served, childminders one person in one room, key persons on open days only."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from scheduler.domain import KeyPerson
from scheduler.generate.early_years import (
    TYPE_SHARES,
    GeneratedSetting,
    make_key_persons,
    make_settings,
)
from scheduler.generate.names import EmailBook
from scheduler.generate.places import Town, make_towns

Generated = tuple[list[Town], list[GeneratedSetting], dict[str, list[KeyPerson]]]


@pytest.fixture(scope="module")
def generated() -> Generated:
    towns = make_towns(random.Random(1), 4)
    emails = EmailBook()
    settings = make_settings(random.Random(2), towns, 400, 4, emails)
    key_persons = make_key_persons(random.Random(3), settings, 5, emails)
    return towns, settings, key_persons


def test_settings_serve_every_town_in_the_registers_mix(generated: Generated) -> None:
    """Zero-padded unique ids, every town with a setting, type shares near the register's."""
    towns, settings, _ = generated
    ids = [g.setting.setting_id for g in settings]
    assert len(set(ids)) == 400 and all(len(i) == 5 and i.startswith("S") for i in ids)
    assert {g.town for g in settings} == set(range(len(towns)))
    counts = Counter(g.setting.type for g in settings)
    for kind, share in TYPE_SHARES:
        assert abs(counts[kind] / 400 - share) < 0.08, kind


def test_opening_hours_are_plausible(generated: Generated) -> None:
    """Open before they close, on some weekdays; a childminder has one room."""
    _, settings, _ = generated
    for g in settings:
        s = g.setting
        assert s.open_time < s.close_time and s.open_days and s.rooms >= 1
        if s.type == "childminder":
            assert s.rooms == 1


def test_key_persons_work_only_when_their_setting_is_open(generated: Generated) -> None:
    """A childminder is her own single key person on every open day; elsewhere 2–8 key
    persons, each on open days only, at least two of them (or every open day)."""
    _, settings, key_persons = generated
    for g in settings:
        people = key_persons[g.setting.setting_id]
        for k in people:
            assert k.setting_id == g.setting.setting_id and k.working_days <= g.setting.open_days
        if g.setting.type == "childminder":
            assert len(people) == 1 and people[0].working_days == g.setting.open_days
        else:
            assert 2 <= len(people) <= 8
            assert all(len(k.working_days) >= min(2, len(g.setting.open_days)) for k in people)
