"""The ``plan-many`` output folder::

    OUT/.plan-many                      marks the folder as ours (a re-run may replace it)
    OUT/<authority>/                    the plan as it is: what ``scheduler plan`` writes
    OUT/what-if/<what-if>/<authority>/  the plan under a what-if (``practitioners+10%``)
    OUT/summary.csv, OUT/summary.xlsx   the summary table

Every plan folder is swapped in whole, so an interrupted run leaves each authority's previous
plan or its new one, never half of each; an authority that could not be planned keeps
whatever was there before, as ``scheduler plan`` does on bad input.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scheduler.errors import InputError, Problem
from scheduler.io.atomic import atomic_folder
from scheduler.io.plan_files import SUMMARY

MARKER = ".plan-many"
WHAT_IF_FOLDER = "what-if"


def prepare_output(out: Path) -> None:
    """Make ``out`` ours (after :func:`check_output`)."""
    check_output(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).touch()


def check_output(out: Path) -> None:
    """Refuse a file, or a non-empty folder another tool wrote, before any work starts."""
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), 0, "-", "exists and is not a folder", str(out))])
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(
            [
                Problem(
                    str(out),
                    0,
                    "-",
                    "folder is not empty and is not a plan-many output; choose another --out",
                    str(out),
                )
            ]
        )


def plan_folder(authority: str, what_if: str) -> str:
    """Where an authority's plan goes, relative to the output folder."""
    return authority if not what_if else f"{WHAT_IF_FOLDER}/{what_if}/{authority}"


def write_plan_files(out: Path, relative: str, files: dict[str, bytes]) -> None:
    """Put a plan folder's files at ``out/relative``, replacing a previous plan there whole.

    Raises ``ValueError`` rather than replace a folder that is not a plan folder.
    """
    target = out / relative
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / SUMMARY).is_file())
    ):
        raise ValueError(f"{target} exists and is not a plan folder; not replacing it")
    for name in files:
        relative_name = PurePosixPath(name)
        if relative_name.is_absolute() or ".." in relative_name.parts:
            raise ValueError(f"a plan file outside its folder: {name}")
    with atomic_folder(target) as staging:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
