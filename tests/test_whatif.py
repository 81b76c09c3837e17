"""What-ifs: the grammar (valid and invalid texts), and what each change does to an authority."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_absence, make_authority, make_practitioner, make_setting

from scheduler.calendar import review_days
from scheduler.cli import main
from scheduler.errors import InputError
from scheduler.generate import generate_authority, practitioner_capacity, review_capacity
from scheduler.generate.capacity import block_minutes
from scheduler.whatif import (
    NEW_EMAIL_DOMAIN,
    Change,
    apply_scenario,
    headcount_change,
    parse_scenario,
    parse_scenarios,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("practitioners+10%", "practitioners+10%"),
        ("practitioners-2", "practitioners-2"),
        ("max_reviews_per_day+1", "max_reviews_per_day+1"),
        ("meeting_minutes-15", "meeting_minutes-15"),
        ("practitioners+2.5%", "practitioners+2.5%"),
        ("practitioners+10.0%", "practitioners+10%"),  # one spelling per what-if
        (" Practitioners + 3 ", "practitioners+3"),  # spaces and case do not matter
        # Changes apply (and are named) in one fixed order, whatever order they are typed in.
        ("max_reviews_per_day+1,practitioners+10%", "practitioners+10%,max_reviews_per_day+1"),
    ],
)
def test_valid_what_ifs(text: str, canonical: str) -> None:
    """Each valid text parses, and prints back in its one canonical spelling."""
    assert str(parse_scenario(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty what-if"),
        ("practicioners+10%", "unknown target 'practicioners'"),  # a typo
        ("practitioners*2", "not a change like"),  # only + and -
        ("practitioners+", "not a change like"),  # no amount
        ("practitioners+10%%", "not a change like"),
        ("max_reviews_per_day+10%", "whole number, not a percentage"),  # % only for headcount
        ("practitioners+1.5", "must be a whole number"),
        ("practitioners+0", "changes nothing"),
        ("practitioners-100%", "100% or more"),
        ("practitioners+1,practitioners+2", "changed twice"),
        ("practitioners+1,", "not a change like"),  # a dangling comma
    ],
)
def test_invalid_what_ifs(text: str, message: str) -> None:
    """Each invalid text is an input error saying what is wrong, located at --what-if."""
    with pytest.raises(InputError) as caught:
        parse_scenario(text)
    problem = caught.value.problems[0]
    assert problem.file == "--what-if" and message in problem.message, problem


def test_the_same_what_if_twice_is_an_error() -> None:
    """Two spellings of one what-if would plan it twice: refused."""
    with pytest.raises(InputError, match="the same what-if twice"):
        parse_scenarios(["practitioners+10%", "practitioners + 10.0%"])


def test_bad_what_if_exits_2_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """plan-many with a bad what-if: exit 2, the problem as file:line, nothing written."""
    out = tmp_path / "out"
    code = main(["plan-many", str(tmp_path), "--out", str(out), "--what-if", "nurses+1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--what-if:0: -: unknown target 'nurses'" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("headcount", "change", "expected"),
    [
        (4, Change("practitioners", 10, True), 1),  # 0.4 people: at least one
        (25, Change("practitioners", 10, True), 3),  # 2.5 rounds half up
        (25, Change("practitioners", -10, True), -3),
        (30, Change("practitioners", 10, True), 3),
        (30, Change("practitioners", -2, False), -2),
    ],
)
def test_headcount_change(headcount: int, change: Change, expected: int) -> None:
    """Percentages of the headcount round half up, never to zero."""
    assert headcount_change(headcount, change) == expected


def test_added_practitioners_are_clones_with_the_same_capacity() -> None:
    """practitioners+50%: half as many again, each like an existing one (days, hours, limit,
    leave), spread over the workforce, at a reserved e-mail domain and linked nowhere yet."""
    authority = generate_authority(200, seed=5)
    before = list(authority.practitioners.values())
    after = apply_scenario(authority, parse_scenario("practitioners+50%"))
    added = [p for pid, p in after.practitioners.items() if pid not in authority.practitioners]
    assert len(added) == headcount_change(len(before), Change("practitioners", 50, True)) > 0
    days = review_days(authority.config.term)
    block = block_minutes(authority.config)
    originals = []
    for clone in added:
        original = authority.practitioners[clone.practitioner_id.rsplit("-new", 1)[0]]
        originals.append(original.practitioner_id)
        assert (clone.working_days, clone.day_start, clone.day_end) == (
            original.working_days,
            original.day_start,
            original.day_end,
        )
        assert (clone.base_lat, clone.base_lon, clone.team, clone.role) == (
            original.base_lat,
            original.base_lon,
            original.team,
            original.role,
        )
        assert clone.email.endswith("@" + NEW_EMAIL_DOMAIN)
        assert practitioner_capacity(clone, days, after.absences, block) == practitioner_capacity(
            original, days, authority.absences, block
        )
    assert len(set(originals)) == len(originals)  # spread, not one person cloned repeatedly
    assert review_capacity(after) > review_capacity(authority)
    new_ids = {p.practitioner_id for p in added}
    assert not any(s.link_practitioner_id in new_ids for s in after.settings.values())
    assert after.children == authority.children


def test_removed_practitioners_take_their_links_and_leave() -> None:
    """practitioners-1: one fewer; their settings have no current link, their leave is gone."""
    p1, p2 = make_practitioner("P001"), make_practitioner("P002")
    authority = make_authority(
        practitioners=[p1, p2],
        settings=[make_setting("S001", link_practitioner_id="P001")],
        absences=[make_absence("P001"), make_absence("P002")],
    )
    after = apply_scenario(authority, parse_scenario("practitioners-1"))
    assert list(after.practitioners) == ["P002"]
    assert after.settings["S001"].link_practitioner_id is None
    assert [a.person_id for a in after.absences] == ["P002"]


def test_removing_everyone_is_an_input_error() -> None:
    """A what-if that would leave no practitioners says so for that authority."""
    authority = make_authority(practitioners=[make_practitioner("P001"), make_practitioner("P002")])
    with pytest.raises(InputError, match="would leave no practitioners"):
        apply_scenario(authority, parse_scenario("practitioners-2"))


def test_daily_limit_changes_for_everyone_and_never_goes_below_zero() -> None:
    """max_reviews_per_day±N applies to every practitioner, clones included, floored at 0."""
    authority = make_authority(
        practitioners=[
            make_practitioner("P001", max_reviews_per_day=1),
            make_practitioner("P002", max_reviews_per_day=4),
        ]
    )
    up = apply_scenario(authority, parse_scenario("practitioners+1,max_reviews_per_day+1"))
    assert sorted(p.max_reviews_per_day for p in up.practitioners.values()) == [2, 2, 5]
    down = apply_scenario(authority, parse_scenario("max_reviews_per_day-3"))
    assert [p.max_reviews_per_day for p in down.practitioners.values()] == [0, 1]


def test_meeting_minutes_change_is_validated_like_the_config() -> None:
    """meeting_minutes±N changes the config; a length the config refuses is an input error."""
    authority = make_authority()
    shorter = apply_scenario(authority, parse_scenario("meeting_minutes-15"))
    assert shorter.config.review.meeting_minutes == 30
    assert authority.config.review.meeting_minutes == 45  # the original is untouched
    with pytest.raises(InputError, match="meeting_minutes"):
        apply_scenario(authority, parse_scenario("meeting_minutes-45"))
