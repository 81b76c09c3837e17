"""``scheduler replan`` (scheduler/commands/replan.py): the plan options plus ``--previous``
(required) and ``--relink``; a re-plan of unchanged data keeps every appointment. (Re-planning
from today through the files: test_replan_today.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_authority, make_child, make_config
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import replan
from scheduler.io.plan_files import read_plan
from scheduler.io.write_data import write_authority

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}


def test_help_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` names ``--previous`` and ``--relink``; without ``--previous`` it exits 2."""
    text = help_text(replan, "replan", capsys)
    assert "--previous" in text and "--relink" in text
    err = usage_error(["replan", "data", "--out", "new"], capsys)
    assert "--previous" in err


def test_replanning_unchanged_data_keeps_every_appointment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plan, then re-plan the same data from that plan: the same appointments come back."""
    data = tmp_path / "data"
    children = [make_child(f"C{i:03d}") for i in range(1, 5)]
    write_authority(make_authority(children=children, config=make_config(term=TWO_WEEKS)), data)
    common = [
        "--time-limit",
        "2",
        "--link-time-limit",
        "1",
        "--workers",
        "1",
        "--no-ics",
        "--quiet",
    ]
    assert main(["plan", str(data), "--out", str(tmp_path / "old"), *common]) == 0
    assert (
        main(
            [
                "replan",
                str(data),
                "--previous",
                str(tmp_path / "old"),
                "--out",
                str(tmp_path / "new"),
                *common,
            ]
        )
        == 0
    )
    old, new = read_plan(tmp_path / "old"), read_plan(tmp_path / "new")
    assert len(old.appointments) == 4
    assert new.appointments == old.appointments
    capsys.readouterr()


def test_a_missing_previous_plan_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--previous`` naming no plan folder: located problems, nothing written."""
    data = tmp_path / "data"
    write_authority(make_authority(config=make_config(term=TWO_WEEKS)), data)
    code = main(
        ["replan", str(data), "--previous", str(tmp_path / "none"), "--out", str(tmp_path / "new")]
    )
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
