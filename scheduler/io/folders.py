"""Many files written into a new folder and made durable before the folder is swapped in
(:func:`scheduler.io.atomic.atomic_folder`): a crash or a power cut then leaves the old folder
or the new one, never a new folder of empty files.

Durable means each file's data reached the disk before the folder is renamed into place. The
files are written first and flushed afterwards, all together (``fsync`` from a pool of
threads): a plan folder holds thousands of small files, and flushing each one as it was written
made the disk commit its journal once per file, which cost more than everything else the
writer does (``bench/PROFILE.md``). Flushed together, the file system commits them in a few
batches.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

FLUSH_THREADS = 16
"""Flushes waiting on the disk at once (they wait, they do not compute: threads are enough)."""


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative path → bytes) under the new folder ``root`` and make them
    durable: every file and folder is flushed to disk before this returns."""
    folders = {root} | {(root / name).parent for name in files}
    for folder in sorted(folders, key=lambda p: len(p.parts)):
        folder.mkdir(exist_ok=True)
    for name, data in files.items():
        # as open(path, "wb") would, but refusing to follow anything already there
        descriptor = os.open(root / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
    paths = [root / name for name in files] + sorted(folders)
    shares = [paths[i::FLUSH_THREADS] for i in range(FLUSH_THREADS)]
    with ThreadPoolExecutor(FLUSH_THREADS) as pool:
        for _ in pool.map(_flush_all, shares):
            pass  # an error in any flush is raised here


def _flush_all(paths: list[Path]) -> None:
    for path in paths:
        _flush(path)


def _flush(path: Path) -> None:
    """Flush a file's data, or a folder's entries, to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
