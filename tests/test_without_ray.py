"""Ray is optional (the ``[scale]`` extra): with it impossible to import, ``scheduler plan``
still plans, and ``plan-many`` says how to install it instead of failing with a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scheduler.commands.plan_many import INSTALL_HINT
from scheduler.generate import generate_authority
from scheduler.io.write_data import write_authority

# ``sys.modules[name] = None`` makes every ``import name`` fail, as if it were not installed.
WITHOUT_RAY = (
    "import sys; sys.modules['ray'] = None; sys.modules['tqdm'] = None; "
    "from scheduler.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _scheduler(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_RAY, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_plan_works_without_ray(tmp_path: Path) -> None:
    """The single-authority plan neither needs nor imports Ray."""
    data, out = tmp_path / "data", tmp_path / "plan"
    write_authority(generate_authority(40, seed=6), data)
    done = _scheduler("plan", str(data), "--out", str(out), "--time-limit", "3", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (out / "summary.json").is_file()
    assert "Traceback" not in done.stderr


def test_plan_many_without_ray_says_how_to_install_it(tmp_path: Path) -> None:
    """plan-many without Ray: exit 2, the install hint, no traceback, nothing written."""
    write_authority(generate_authority(20, seed=6), tmp_path / "data" / "north")
    out = tmp_path / "out"
    done = _scheduler("plan-many", str(tmp_path / "data"), "--out", str(out))
    assert done.returncode == 2
    assert INSTALL_HINT in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
