"""The exports write exactly the bytes they wrote before the speed work (issue 21).

Calendar clients, settings' downloads and other tools read these files, so making the writer
faster must not change one byte: the plan folder (tables, ``ics/`` with every feed, invitation,
letter and zip, the rota workbook) and what the dashboard, the feed route, ``export-ics`` and
``send-invites`` build are compared, file by file, with digests of the old writer's output
(``tests/export_golden.py`` says how the fixture and the digests were made).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_golden import DIGESTS, dashboard_outputs, plan_folders


@pytest.fixture(scope="module")
def expected() -> dict[str, dict[str, str]]:
    document: dict[str, dict[str, str]] = json.loads(DIGESTS.read_text())
    return document


def _differences(got: dict[str, str], want: dict[str, str]) -> list[str]:
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    changed = sorted(k for k in want.keys() & got.keys() if want[k] != got[k])
    return (
        [f"missing {k}" for k in missing]
        + [f"extra {k}" for k in extra]
        + [f"changed {k}" for k in changed]
    )


def test_plan_folders_are_byte_identical(
    tmp_path: Path, expected: dict[str, dict[str, str]]
) -> None:
    """A first plan's folder and a re-plan's (updates, cancellations) match the old writer's."""
    got = plan_folders(tmp_path)
    assert len(expected["first"]) > 250  # every feed, invitation, letter and zip is covered
    assert _differences(got["first"], expected["first"]) == []
    assert _differences(got["replan"], expected["replan"]) == []


def test_dashboard_and_command_calendars_are_byte_identical(
    expected: dict[str, dict[str, str]],
) -> None:
    """Feeds, zips and family entries the dashboard serves, export-ics' changes and the
    invitations send-invites emails match the old writer's."""
    assert _differences(dashboard_outputs(), expected["dashboard"]) == []
