"""The authority's records (scheduler/domain.py): who a parent is (siblings), when an
interpreter is needed, where the family lives, how days and times are written, and that the
data cannot be changed under a stage's feet."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from builders import make_absence, make_authority, make_child, make_config

from scheduler.domain import Authority, describe_days, format_days, format_time


def test_parent_key_is_the_email_trimmed_and_lowercased() -> None:
    """The same e-mail in any case or spacing is the same parent, whatever the name."""
    a = make_child("C001", parent_email=" Parent@Example.ORG ", parent_name="Sam")
    b = make_child("C002", parent_email="parent@example.org", parent_name="Alex", setting_id="S002")
    assert a.parent_key == b.parent_key == "email:parent@example.org"


def test_without_an_email_the_parent_is_the_name_within_the_setting() -> None:
    """Whitespace-collapsed, case-insensitive name at the same setting (no setting counts as
    the same); the same name at another setting is another parent."""
    a = make_child("C001", parent_name="Sam  Jones")
    b = make_child("C002", parent_name=" sam jones")
    other = make_child("C003", parent_name="Sam Jones", setting_id="S002")
    none1 = make_child("C004", parent_name="Sam Jones", setting_id=None, key_person_id=None)
    none2 = make_child("C005", parent_name="SAM JONES", setting_id=None, key_person_id=None)
    assert a.parent_key == b.parent_key == "name:S001:sam jones"
    assert other.parent_key != a.parent_key
    assert none1.parent_key == none2.parent_key == "name::sam jones"


def test_an_unknown_parent_has_no_key() -> None:
    """No e-mail and no name (or only blanks): nobody to keep apart."""
    assert make_child().parent_key is None
    assert make_child(parent_email="  ", parent_name=" ").parent_key is None


@pytest.mark.parametrize(
    ("language", "interpreter"),
    [
        (None, None),
        ("", None),
        ("English", None),
        (" ENGLISH ", None),
        ("Polish", "Polish"),
        ("  Tigrinya   (Eritrea) ", "Tigrinya (Eritrea)"),
    ],
)
def test_an_interpreter_for_any_home_language_but_english(
    language: str | None, interpreter: str | None
) -> None:
    """Contract v2: a home language given and not "english" (any case) needs an interpreter."""
    assert make_child(home_language=language).interpreter_language == interpreter


def test_home_needs_both_coordinates() -> None:
    """A home visit needs latitude and longitude; one of them is not a home."""
    assert make_child(home_lat=51.5, home_lon=-0.1).home == (51.5, -0.1)
    assert make_child(home_lat=51.5).home is None
    assert make_child().home is None


def test_days_and_times_as_people_read_them() -> None:
    """Days in week order (``Mon,Wed``), a run of three or more as a range, times as HH:MM."""
    assert format_days(frozenset({2, 0})) == "Mon,Wed"
    assert describe_days(frozenset({0, 1, 2, 3, 4})) == "Mon–Fri"
    assert describe_days(frozenset({0, 2})) == "Mon/Wed"
    assert describe_days(frozenset({0, 1})) == "Mon/Tue"
    assert describe_days(frozenset()) == "no days"
    assert format_time(9 * 60 + 5) == "09:05" and format_time(0) == "00:00"


def test_an_absence_covers_its_days_inclusive() -> None:
    """From the first to the last day, both included."""
    away = make_absence("P001", date(2026, 9, 8), date(2026, 9, 10))
    assert away.covers(date(2026, 9, 8)) and away.covers(date(2026, 9, 10))
    assert not away.covers(date(2026, 9, 11))


def test_the_authority_cannot_be_changed_after_it_is_built() -> None:
    """Its mappings are read-only views of copies: a later change to the input dict or an
    attempt to assign shows nothing to the stages."""
    base = make_authority()
    children = {"C001": make_child()}
    authority = Authority(base.practitioners, base.settings, base.key_persons, children)
    children["C002"] = make_child("C002")
    assert list(authority.children) == ["C001"]
    with pytest.raises(TypeError):
        authority.children["C002"] = make_child("C002")  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        authority.config = make_config()  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        authority.children["C001"].name = "changed"  # type: ignore[misc]


def test_with_config_keeps_the_data_and_changes_only_the_settings() -> None:
    """A what-if: the same records under other settings."""
    authority = make_authority()
    other = authority.with_config(make_config(review={"model": "separate"}))
    assert other.children == authority.children and other.settings == authority.settings
    assert other.config.review.model == "separate" and authority.config.review.model == "joint"
