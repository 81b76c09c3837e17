"""Input problems reported to people (scheduler/errors.py): one line each,
``file:line: column: problem (value)``, and every problem carried, not just the first."""

from __future__ import annotations

import pytest

from scheduler.errors import InputError, Problem


def test_a_problem_prints_as_the_contract_says() -> None:
    """``file:line: column: problem (value)``; a whole file is line 0 and column ``-``."""
    assert str(Problem("children.csv", 7, "date_of_birth", "not a date", "31/02/2024")) == (
        "children.csv:7: date_of_birth: not a date (31/02/2024)"
    )
    assert (
        str(Problem("settings.csv", 0, "-", "missing file")) == "settings.csv:0: -: missing file ()"
    )
    assert (
        str(Problem("data.xlsx", "children!4", "name", "empty"))
        == "data.xlsx:children!4: name: empty ()"
    )


def test_input_error_carries_every_problem_one_per_line() -> None:
    """All problems are kept in order, and the message is one line per problem."""
    problems = [Problem("a.csv", 2, "x", "bad", "1"), Problem("b.csv", 3, "y", "worse", "2")]
    with pytest.raises(InputError) as caught:
        raise InputError(iter(problems))
    assert caught.value.problems == problems
    assert str(caught.value).splitlines() == ["a.csv:2: x: bad (1)", "b.csv:3: y: worse (2)"]
