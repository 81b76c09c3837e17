"""``scheduler export-ics PLAN --out DIR`` (scheduler/commands/export_ics.py): which data a plan
was made from, every calendar written, and ``--previous`` writing only what changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_authority, make_child, make_config
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import export_ics
from scheduler.errors import InputError
from scheduler.io.write_data import write_authority
from scheduler.plan import Plan
from scheduler.summary import PlanSummary

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}


def test_help_and_a_missing_out(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` names ``--previous``; without ``--out`` it exits 2."""
    assert "--previous" in help_text(export_ics, "export-ics", capsys)
    usage_error(["export-ics", "plan"], capsys)


def test_the_data_path_is_given_else_the_plans_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--data`` wins; else summary.json's ``data_path``, tried next to the plan folder when
    relative; a plan that names none is an input error pointing at its summary.json."""
    monkeypatch.chdir(tmp_path)
    given = tmp_path / "given"
    assert export_ics.data_path(Plan([], [], []), tmp_path, given) == given
    (tmp_path / "plan" / "data").mkdir(parents=True)
    relative = Plan([], [], [], summary=PlanSummary(data_path="data"))
    assert export_ics.data_path(relative, tmp_path / "plan", None) == tmp_path / "plan" / "data"
    with pytest.raises(InputError) as caught:
        export_ics.data_path(Plan([], [], []), tmp_path / "plan", None)
    (problem,) = caught.value.problems
    assert problem.file.endswith("summary.json") and problem.column == "data_path"


def test_every_calendar_then_only_the_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first export writes every feed and invitation; against the same plan as previous,
    nothing has changed, so no invitation goes out again."""
    data = tmp_path / "data"
    write_authority(
        make_authority(children=[make_child()], config=make_config(term=TWO_WEEKS)), data
    )
    plan = tmp_path / "plan"
    argv = ["--time-limit", "2", "--link-time-limit", "1", "--workers", "1", "--no-ics", "--quiet"]
    assert main(["plan", str(data), "--out", str(plan), *argv]) == 0
    capsys.readouterr()
    assert main(["export-ics", str(plan), "--out", str(tmp_path / "all")]) == 0
    assert "1 invitation(s)" in capsys.readouterr().out
    assert (tmp_path / "all" / "invites" / "C001.ics").is_file()
    code = main(
        ["export-ics", str(plan), "--previous", str(plan), "--out", str(tmp_path / "changes")]
    )
    assert code == 0
    assert "0 invitation(s) and 0 cancellation(s)" in capsys.readouterr().out
    assert not (tmp_path / "changes" / "invites" / "C001.ics").exists()
