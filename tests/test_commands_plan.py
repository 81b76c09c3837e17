"""`scheduler plan` then `scheduler check`: the contract's output folder, valid, for both models."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import plan as plan_command
from scheduler.generate import generate_authority
from scheduler.io.write_data import write_authority

CONTRACT_SUMMARY_KEYS = {
    "children_due",
    "scheduled",
    "in_window",
    "funded_two_due",
    "funded_two_scheduled",
    "overdue_due",
    "overdue_scheduled",
    "travel_km",
    "status",
    "objective",
    "best_bound",
    "gap",
    "solve_seconds",
}


@pytest.mark.parametrize("model", ["joint", "separate"])
def test_plan_then_check(model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A generated authority plans into the contract's files and the checker accepts them."""
    data, out = tmp_path / "data", tmp_path / "plan"
    write_authority(generate_authority(120, seed=3, model=model), data)
    args = ["plan", str(data), "--out", str(out), "--time-limit", "8", "--workers", "2", "--quiet"]
    assert main(args) == 0
    assert "children seen" in capsys.readouterr().out
    assert main(["check", str(data), str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary.keys() >= CONTRACT_SUMMARY_KEYS
    with (out / "appointments.csv").open() as f:
        header = next(csv.reader(f))
    assert header == [
        "child_id",
        "setting_id",
        "practitioner_id",
        "key_person_id",
        "date",
        "pre_meeting_start",
        "start",
        "end",
        "location",
        "age_months",
        "in_window",
        "model",
    ]
    with (out / "links.csv").open() as f:
        links = list(csv.DictReader(f))
    with (data / "settings.csv").open() as f:
        settings = list(csv.DictReader(f))
    assert len(links) == len(settings)
    assert (out / "rota.xlsx").stat().st_size > 0
    assert any((out / "ics" / "settings").iterdir())


def test_plan_rejects_bad_data_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input: exit 2, problems on stderr, and no plan folder at all."""
    data, out = tmp_path / "data", tmp_path / "plan"
    write_authority(generate_authority(30, seed=4), data)
    text = (data / "children.csv").read_text().splitlines()
    text[1] = text[1].replace("true", "maybe", 1).replace("false", "maybe", 1)
    (data / "children.csv").write_text("\n".join(text) + "\n")
    assert main(["plan", str(data), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "children.csv:2:" in err and "(maybe)" in err
    assert not out.exists()


def test_the_command_has_help_and_refuses_a_bad_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler plan --help`` works; a missing or malformed argument exits 2."""
    assert "--pins" in help_text(plan_command, "plan", capsys)
    usage_error(["plan", "data"], capsys)
