"""Zips laid out from files compressed once are the bytes zipfile writes (issue 21)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.export.zips import ZIP_TIME, archive, pack, pack_all, zip_files


def zipfile_zip(files: dict[str, bytes]) -> bytes:
    """The writer as it was (``scheduler.export.bundle._zip`` at main a9c5a1c)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


names = st.lists(
    st.sampled_from(["settings", "family", "letters", "letters/large-type", "x"]), max_size=2
).map("/".join) | st.text("abcXYZ019._-", min_size=1, max_size=20)
contents = st.binary(max_size=3000) | st.text(max_size=2000).map(str.encode)


@settings(max_examples=80, deadline=None)
@given(files=st.dictionaries(names, contents, max_size=12))
def test_archives_are_the_bytes_zipfile_writes(files: dict[str, bytes]) -> None:
    """Any set of files, empty ones and incompressible ones included."""
    assert zip_files(files) == zipfile_zip(files)


def test_packed_files_are_reused_under_other_names() -> None:
    """A file packed once goes into two archives under two names, each as zipfile would."""
    files = {"settings/S1.ics": b"BEGIN:VCALENDAR\r\n" * 50, "letters/C1.html": b"<p>Hi</p>"}
    packed = pack_all(files)
    assert archive(packed) == zipfile_zip(files)
    renamed = {"S1.ics": packed["settings/S1.ics"], "letters/C1.html": packed["letters/C1.html"]}
    assert archive(renamed) == zipfile_zip(
        {"S1.ics": files["settings/S1.ics"], "letters/C1.html": files["letters/C1.html"]}
    )


def test_names_outside_ascii_are_left_to_zipfile() -> None:
    """zipfile marks a UTF-8 name with a flag: such an archive is zipfile's own."""
    files = {"café.ics": b"data", "plain.ics": b"more"}
    assert zip_files(files) == zipfile_zip(files)


def test_archives_beyond_the_classic_format_are_left_to_zipfile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More members than the classic format counts: zipfile writes its ZIP64 records."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)  # instead of making 65,536 files
    files = {f"f{i}.ics": b"x" * i for i in range(3)}
    assert archive({n: pack(d) for n, d in files.items()}) == zipfile_zip(files)
    assert b"PK\x06\x06" in zip_files(files)  # the ZIP64 end record


def test_large_offsets_are_left_to_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive whose offsets pass the classic format's limit is zipfile's own."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100)  # instead of writing 2 GiB
    files = {"a.ics": bytes(range(256)) * 2, "b.ics": b"y"}
    assert zip_files(files) == zipfile_zip(files)
