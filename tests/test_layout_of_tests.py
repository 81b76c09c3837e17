"""The tests mirror the package: every module under ``scheduler/`` has its own test module.

The rule (issue #15; README, "Tests"): the tests of ``scheduler/<a>/<b>.py`` are in
``tests/test_<a>_<b>.py`` — the module's path with ``/`` as ``_`` — and that file imports the
module it is named for. More files about the same module are ``tests/test_<a>_<b>_<topic>.py``
(``test_io_load_xlsx.py``); tests of a whole feature across modules keep a topical name
(``test_scheduling_rules.py``, ``test_replan_today.py``, the dashboard's ``test_ui_*.py``).

Not modules of their own: ``__init__.py`` (re-exports), ``__main__.py`` (``python -m``) and
the Alembic migration scripts under ``store/migrations/versions/`` (each is tested by
migrating a store: ``test_store.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scheduler"
TESTS = ROOT / "tests"

NOT_MODULES = ("__init__.py", "__main__.py")
NOT_MIRRORED = ("store/migrations/versions/",)

RUN_NOT_IMPORTED = {
    "scheduler.store.migrations.env": "Alembic runs it as a script, inside its own context; its "
    "test migrates stores through it",
}
"""Modules whose test cannot import them, with why (the test must still name the module)."""


def modules() -> list[str]:
    """Every module under ``scheduler/`` that needs a test module, as dotted names."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if path.name in NOT_MODULES or any(part in relative for part in NOT_MIRRORED):
            continue
        out.append(relative.removesuffix(".py").replace("/", "."))
    return out


def mirror(module: str) -> Path:
    """``scheduler.scheduling.layout`` -> ``tests/test_scheduling_layout.py``."""
    return TESTS / f"test_{module.removeprefix('scheduler.').replace('.', '_')}.py"


def imported(path: Path) -> set[str]:
    """The modules a test file imports (``from a.b import c`` counts ``a.b`` and ``a.b.c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def test_the_package_has_modules_to_mirror() -> None:
    """The walk finds the package (a wrong root would make every other test vacuous)."""
    found = modules()
    assert "scheduler.scheduling.model" in found and "scheduler.availability" in found
    assert not any(m.endswith(("__init__", "__main__")) or ".versions." in m for m in found)


@pytest.mark.parametrize("module", modules())
def test_every_module_has_its_test_module(module: str) -> None:
    """``scheduler/<a>/<b>.py`` has ``tests/test_<a>_<b>.py``, which imports it."""
    path = mirror(module)
    assert path.is_file(), f"{module} has no test module: add {path.relative_to(ROOT)}"
    if module in RUN_NOT_IMPORTED:
        assert module in path.read_text(encoding="utf-8"), f"{path.name} must name {module}"
    else:
        assert module in imported(path), f"{path.name} does not import {module}"


def test_the_exceptions_are_still_modules() -> None:
    """An exception for a module that no longer exists is removed, not kept as dead weight."""
    assert set(RUN_NOT_IMPORTED) <= set(modules())


def test_the_mirror_rule_reads_as_documented() -> None:
    """The examples of the rule above are what :func:`mirror` computes."""
    assert mirror("scheduler.scheduling.layout") == TESTS / "test_scheduling_layout.py"
    assert mirror("scheduler.availability") == TESTS / "test_availability.py"
    assert imported(Path(__file__)) >= {"ast", "pytest", "pathlib.Path"}
