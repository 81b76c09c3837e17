"""The authority's settings (scheduler/config.py): the contract's defaults, and every mistake in
``config.toml`` reported with its key — an unknown key is an error, never silently ignored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scheduler.config import Config, ConfigError, load_config, parse_config


def problems(document: dict[str, object], base: Path | None = None) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_config(document, base=base)
    return caught.value.problems


def test_the_defaults_are_the_contracts() -> None:
    """Autumn 2026 (7 Sep – 18 Dec, half term 26–30 Oct, English bank holidays), joint reviews
    of 45 + 15 minutes, 24–30 months (overdue to 36), 20 km/h with a 1.3 detour."""
    c = Config()
    assert (c.term.start, c.term.end) == (date(2026, 9, 7), date(2026, 12, 18))
    assert c.term.exclude == ((date(2026, 10, 26), date(2026, 10, 30)),)
    assert c.term.bank_holidays == "england" and c.term.today is None
    r = c.review
    assert (r.model, r.meeting_minutes, r.pre_meeting_minutes, r.prior_concerns_extra_minutes) == (
        "joint",
        45,
        15,
        15,
    )
    assert (r.window_months, r.overdue_until_months, r.settle_days, r.notice_days) == (
        (24, 30),
        36,
        28,
        7,
    )
    assert r.fallback == () and r.interpreter_extra_minutes == 0
    assert (c.travel.speed_kmh, c.travel.detour_factor, c.travel.day_starts_at_base) == (
        20.0,
        1.3,
        True,
    )
    assert c.privacy.calendar_names == "initials"


def test_an_unknown_key_is_an_error_naming_it() -> None:
    """A misspelt weight would leave a service lead believing a priority had changed."""
    assert problems({"priorities": {"funded_tow": 5}}) == [
        ("priorities.funded_tow", "unknown key", "5")
    ]


def test_every_problem_is_reported_not_just_the_first() -> None:
    """Three mistakes in three sections: three problems, each with its key."""
    found = problems(
        {
            "review": {"meeting_minutes": 2},
            "travel": {"speed_kmh": 0},
            "term": {"start": "2026-12-01", "end": "2026-09-01"},
        }
    )
    keys = [key for key, _, _ in found]
    assert keys == ["term", "review.meeting_minutes", "travel.speed_kmh"]
    assert "term end 2026-09-01 is before term start 2026-12-01" in found[0][1]


@pytest.mark.parametrize(
    ("review", "message"),
    [
        ({"window_months": [30, 24]}, "window_months must be [low, high]"),
        ({"window_months": [24, 30], "overdue_until_months": 29}, "ends before the window"),
        ({"model": "video"}, "Input should be"),
        ({"fallback": ["joint", "phone"]}, "Input should be"),
    ],
)
def test_review_rules_that_cannot_hold(review: dict[str, object], message: str) -> None:
    """A reversed window, overdue before the window ends, a model that does not exist."""
    ((key, text, _),) = problems({"review": review})
    assert key.startswith("review") and message in text


def test_an_excluded_single_day_is_a_range_of_one() -> None:
    """``exclude = ["2026-11-02"]`` means that day only; a reversed range is an error."""
    config = parse_config({"term": {"exclude": ["2026-11-02", ["2026-10-26", "2026-10-30"]]}})
    assert config.term.exclude == (
        (date(2026, 11, 2), date(2026, 11, 2)),
        (date(2026, 10, 26), date(2026, 10, 30)),
    )
    ((_, text, _),) = problems({"term": {"exclude": [["2026-10-30", "2026-10-26"]]}})
    assert "ends (2026-10-26) before it starts (2026-10-30)" in text


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("020 7946 0000", True),
        ("+44 (0)20 7946-0000", True),
        ("call us", False),
        ("12345", False),  # too few digits
        ("=HYPERLINK(1)", False),
    ],
)
def test_the_contact_phone_must_be_a_phone_number(phone: str, ok: bool) -> None:
    """Digits, spaces, brackets, hyphens and a leading +; 7 to 15 digits."""
    document = {"contact": {"phone": phone}}
    if ok:
        assert parse_config(document).contact.phone == " ".join(phone.split())
    else:
        ((key, _, _),) = problems(document)
        assert key == "contact.phone"


def test_letter_templates_are_checked_when_the_config_is_read(tmp_path: Path) -> None:
    """A relative folder is read beside config.toml; a missing folder, a relative folder with
    no file to be beside, or a template that does not parse is a problem naming the file."""
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "letter.html").write_text("<p>{{ child }}</p>")
    config = parse_config({"letters": {"templates": "letters"}}, base=tmp_path)
    assert config.letters.templates == str(folder.resolve())
    assert problems({"letters": {"templates": "letters"}}) == [
        (
            "letters.templates",
            "a relative folder needs a config.toml on disk; give an absolute path",
            "letters",
        )
    ]
    assert problems({"letters": {"templates": "nowhere"}}, base=tmp_path)[0][1] == "no such folder"
    (folder / "broken.html").write_text("<p>{% if %}</p>")
    ((key, text, _),) = problems({"letters": {"templates": "letters"}}, base=tmp_path)
    assert key == "letters.templates" and text.startswith("broken.html line 1:")


def test_load_config_reports_a_file_it_cannot_use(tmp_path: Path) -> None:
    """Missing, not UTF-8, not TOML: one problem each, with the file's path."""
    with pytest.raises(ConfigError, match="cannot read file"):
        load_config(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(latin)
    broken = tmp_path / "broken.toml"
    broken.write_text("[term\nname = 1")
    with pytest.raises(ConfigError) as caught:
        load_config(broken)
    assert caught.value.path == str(broken) and "not valid TOML" in caught.value.problems[0][1]


def test_a_valid_file_loads(tmp_path: Path) -> None:
    """Dates are TOML dates; sections left out keep the defaults."""
    path = tmp_path / "config.toml"
    path.write_text(
        '[term]\nname = "Spring 2027"\nstart = 2027-01-05\nend = 2027-03-26\ntoday = 2027-02-01\n'
    )
    config = load_config(path)
    assert config.term.name == "Spring 2027" and config.term.today == date(2027, 2, 1)
    assert config.review == Config().review
