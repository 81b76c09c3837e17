"""Loading contract v2's additions: need and risk, review models, children in no setting,
outcomes.csv and the planning date, each rule with a passing and a failing fixture."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from loadfixtures import TODAY, VALID, add_column, set_cell, with_files, write_folder

from scheduler.errors import InputError, Problem
from scheduler.io.load import load_authority

Files = dict[str, str | bytes | None]

V2_COLUMNS = (
    "looked_after",
    "child_protection",
    "child_in_need",
    "imd_decile",
    "was_not_brought_before",
    "review_model",
    "consent_to_share",
    "home_lat",
    "home_lon",
    "practitioner_id",
)


def children_v2() -> str:
    """VALID's children.csv with every v2 column, empty."""
    text = VALID["children.csv"]
    for column in V2_COLUMNS:
        text = add_column(text, column, "")
    return text


def with_child_cells(line: int, **cells: str) -> Files:
    text = children_v2()
    for column, value in cells.items():
        text = set_cell(text, line, column, value)
    return with_files(children_csv=text)


def problems_of(tmp_path: Path, files: Files, **kwargs: object) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_authority(write_folder(tmp_path / "data", files), today=TODAY, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


def where(problems: list[Problem]) -> list[tuple[str, int | str, str]]:
    return [(p.file, p.line, p.column) for p in problems]


OUTCOMES_HEADER = "child_id,date,outcome,asq3,consent_to_share,venue,practitioner_id\n"


def test_v2_children_columns_load_with_their_defaults(tmp_path: Path) -> None:
    """Empty v2 cells mean: not looked after, no plan, no decile, never missed, own model unset,
    consent unknown, no home, no caseload practitioner."""
    authority = load_authority(
        write_folder(tmp_path / "d", with_files(children_csv=children_v2())), today=TODAY
    ).authority
    child = authority.children["C001"]
    assert (child.looked_after, child.child_protection, child.child_in_need) == (
        False,
        False,
        False,
    )
    assert child.imd_decile is None and child.was_not_brought_before == 0
    assert child.review_model is None and child.consent_to_share is None
    assert child.home is None and child.practitioner_id is None


def test_v2_children_values_are_typed(tmp_path: Path) -> None:
    """Each v2 column becomes its domain value (model lower-cased, consent a tri-state)."""
    files = with_child_cells(
        2,
        looked_after="yes",
        child_protection="1",
        imd_decile="3",
        was_not_brought_before="2",
        review_model="Home",
        consent_to_share="false",
        home_lat="51.5",
        home_lon="-0.1",
        practitioner_id="P002",
    )
    child = load_authority(write_folder(tmp_path / "d", files), today=TODAY).authority.children[
        "C001"
    ]
    assert child.looked_after and child.child_protection and not child.child_in_need
    assert child.imd_decile == 3 and child.was_not_brought_before == 2
    assert child.review_model == "home" and child.consent_to_share is False
    assert child.home == (51.5, -0.1) and child.practitioner_id == "P002"


def test_a_child_in_no_setting_loads_with_a_caseload_practitioner(tmp_path: Path) -> None:
    """No setting, no key person, a caseload practitioner and a clinic review: valid."""
    files = with_child_cells(
        2, setting_id="", key_person_id="", practitioner_id="P001", review_model="separate"
    )
    child = load_authority(write_folder(tmp_path / "d", files), today=TODAY).authority.children[
        "C001"
    ]
    assert child.setting_id is None and child.key_person_id is None


NO_SETTING = {"setting_id": "", "key_person_id": "", "practitioner_id": "P001"}

CHILD_CASES: list[tuple[str, dict[str, str], str, str]] = [
    # (case, cells of C001, column reported, words in the message)
    ("no setting, joint", {**NO_SETTING}, "review_model", "separate or home"),
    (
        "no setting, no practitioner",
        {**NO_SETTING, "practitioner_id": "", "review_model": "separate"},
        "practitioner_id",
        "caseload",
    ),
    (
        "no setting but a key person",
        {
            **NO_SETTING,
            "key_person_id": "K001",
            "review_model": "home",
            "home_lat": "51.5",
            "home_lon": "-0.1",
        },
        "key_person_id",
        "no key person",
    ),
    ("setting without key person", {"key_person_id": ""}, "key_person_id", "required"),
    ("home without a home", {"review_model": "home"}, "review_model", "home_lat"),
    ("half a home", {"home_lat": "51.5"}, "home_lat", "both"),
    ("unknown caseload practitioner", {"practitioner_id": "P999"}, "practitioner_id", "unknown"),
    ("unknown model", {"review_model": "phone"}, "review_model", "one of"),
    ("decile 0", {"imd_decile": "0"}, "imd_decile", "between 1 and 10"),
    ("decile 11", {"imd_decile": "11"}, "imd_decile", "between 1 and 10"),
    (
        "negative not brought",
        {"was_not_brought_before": "-1"},
        "was_not_brought_before",
        "negative",
    ),
    ("consent maybe", {"consent_to_share": "maybe"}, "consent_to_share", "yes/no"),
]


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [c[1:] for c in CHILD_CASES],
    ids=[c[0] for c in CHILD_CASES],
)
def test_each_v2_child_mistake_is_reported_where_it_is(
    tmp_path: Path, cells: dict[str, str], column: str, words: str
) -> None:
    """One broken cell (or combination) of C001: one problem, at children.csv line 2."""
    problems = problems_of(tmp_path, with_child_cells(2, **cells))
    assert where(problems) == [("children.csv", 2, column)], problems
    assert words in problems[0].message


def test_outcomes_load_and_drop_details_of_reviews_that_did_not_happen(tmp_path: Path) -> None:
    """Attended keeps ASQ-3, venue and who; a not-brought row's venue is a warning, ignored."""
    outcomes = (
        OUTCOMES_HEADER
        + "C001,2026-07-20,attended,yes,yes,setting,P001\n"
        + "C002,2026-07-21,was_not_brought,,,clinic,\n"
    )
    result = load_authority(
        write_folder(tmp_path / "d", with_files(outcomes_csv=outcomes)), today=TODAY
    )
    first, second = result.authority.outcomes
    assert (first.outcome, first.asq3, first.venue, first.practitioner_id) == (
        "attended",
        True,
        "setting",
        "P001",
    )
    assert second.outcome == "was_not_brought" and second.venue is None
    assert [(w.file, w.line, w.column) for w in result.warnings] == [("outcomes.csv", 3, "venue")]


OUTCOME_CASES: list[tuple[str, str, str, str]] = [
    # (case, the row, column reported, words in the message)
    ("unknown child", "C999,2026-07-20,attended,,,,", "child_id", "unknown child"),
    ("unknown outcome", "C001,2026-07-20,did_not_attend,,,,", "outcome", "one of"),
    ("bad venue", "C001,2026-07-20,attended,,,garden,", "venue", "one of"),
    ("unknown practitioner", "C001,2026-07-20,attended,,,,P999", "practitioner_id", "unknown"),
    ("no date", "C001,,attended,,,,", "date", "required"),
    ("after today", "C001,2026-09-30,attended,,,,", "date", "after today"),
]


@pytest.mark.parametrize(
    ("row", "column", "words"), [c[1:] for c in OUTCOME_CASES], ids=[c[0] for c in OUTCOME_CASES]
)
def test_each_outcome_mistake_is_reported_where_it_is(
    tmp_path: Path, row: str, column: str, words: str
) -> None:
    """A broken outcomes.csv row: one problem at its line, with the planning date set."""
    config = "[term]\ntoday = 2026-08-01\n"
    files = with_files(outcomes_csv=OUTCOMES_HEADER + row + "\n", config_toml=config)
    problems = problems_of(tmp_path, files)
    assert where(problems) == [("outcomes.csv", 2, column)], problems
    assert words in problems[0].message


def test_two_outcomes_for_one_child_and_date_are_refused(tmp_path: Path) -> None:
    """The second row for the same child and date is the problem, pointing at the first."""
    rows = "C001,2026-07-20,attended,,,,\nC001,2026-07-20,declined,,,,\n"
    problems = problems_of(tmp_path, with_files(outcomes_csv=OUTCOMES_HEADER + rows))
    assert where(problems) == [("outcomes.csv", 3, "date")]
    assert "first on line 2" in problems[0].message


def test_the_planning_date_option_overrides_the_config(tmp_path: Path) -> None:
    """``--today`` wins over ``[term] today``: an outcome after it is refused."""
    files = with_files(
        outcomes_csv=OUTCOMES_HEADER + "C001,2026-07-20,attended,,,,\n",
        config_toml="[term]\ntoday = 2026-08-01\n",
    )
    folder = write_folder(tmp_path / "d", files)
    assert load_authority(folder, today=TODAY).authority.config.term.today == date(2026, 8, 1)
    with pytest.raises(InputError) as caught:
        load_authority(folder, today=TODAY, planning_date=date(2026, 7, 1))
    assert where(caught.value.problems) == [("outcomes.csv", 2, "date")]
