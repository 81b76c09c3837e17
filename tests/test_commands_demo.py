"""``scheduler demo`` (scheduler/commands/demo.py): plans the bundled sample; the dashboard
start is not run here (it needs a browser session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_authority, make_child
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import demo
from scheduler.io.write_data import write_authority


def test_help_and_a_bad_argument(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` works; a time limit that is not a number exits 2."""
    assert "--no-dashboard" in help_text(demo, "demo", capsys)
    usage_error(["demo", "--time-limit", "soon"], capsys)


def test_the_default_data_is_the_bundled_sample() -> None:
    """The demo plans data/sample of this checkout, which exists."""
    parsed = demo.ROOT / "data" / "sample"
    assert parsed.is_dir() and (parsed / "children.csv").is_file()


def test_demo_without_dashboard_plans_the_data_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--no-dashboard`` only plans: a plan folder is written and nothing else starts."""
    data = tmp_path / "data"
    write_authority(make_authority(children=[make_child()]), data)
    out = tmp_path / "plan"
    code = main(
        [
            "demo",
            "--data",
            str(data),
            "--out",
            str(out),
            "--time-limit",
            "2",
            "--workers",
            "1",
            "--no-dashboard",
        ]
    )
    assert code == 0
    assert (out / "appointments.csv").is_file() and "Plan written to" in capsys.readouterr().out
