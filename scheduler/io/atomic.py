"""Writing a folder or a file so that a crash leaves the old one or the new one, never half.

The one place this is done (plan folders, data folders, calendars, workbooks): everything is
written into a temporary sibling first, then renamed into place; the old folder is moved aside
before and removed only once the new one is in, and put back if the rename fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def sibling(path: Path, tag: str) -> Path:
    """A hidden, unused name next to ``path`` (same folder, so renames stay atomic)."""
    return path.with_name(f".{path.name}.{tag}-{secrets.token_hex(4)}")


@contextmanager
def atomic_folder(folder: Path) -> Iterator[Path]:
    """Yield an empty temporary sibling of ``folder``; on success it replaces ``folder``.

    On an exception the temporary folder is removed and ``folder`` is left as it was.
    """
    folder = Path(folder).absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = sibling(folder, "new")
    os.mkdir(staging, 0o700)  # plan and data folders hold personal data: owner only
    try:
        yield staging
        replace_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_folder(staging: Path, folder: Path) -> None:
    """Put ``staging`` where ``folder`` is; the old folder is removed only once the new one is
    in, and is put back if moving the new one in fails."""
    if not folder.exists():
        os.replace(staging, folder)
        return
    retired = sibling(folder, "old")
    os.replace(folder, retired)
    try:
        os.replace(staging, folder)
    except BaseException:
        os.replace(retired, folder)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def atomic_file(path: Path, fill: Callable[[Path], object]) -> None:
    """Write a file through a temporary sibling (``fill`` writes it) and rename it into place."""
    path = Path(path).absolute()
    tmp = sibling(path, "tmp")
    try:
        fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
