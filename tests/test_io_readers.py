"""Reading the raw tables (scheduler/io/readers.py): CSV as a text editor numbers its lines,
zip archives never unpacked to disk nor outside their folder, and CSV files chosen over a
workbook with a warning."""

from __future__ import annotations

import io
import zipfile

from scheduler.errors import Problem
from scheduler.io.readers import MAX_UNCOMPRESSED_BYTES, files_by_name, find_tables, read_csv, unzip
from scheduler.io.schemas import TABLES_BY_NAME


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_rows_keep_the_line_a_text_editor_shows() -> None:
    """A BOM is fine; blank lines are skipped; a quoted line break shifts later lines."""
    data = '\ufeffid,name\n\nC1,"Ann\nBell"\nC2,Cal\n'.encode()
    result = read_csv("children.csv", data)
    assert result.problems == [] and result.table is not None
    assert result.table.header == ["id", "name"] and result.table.header_line == 1
    assert result.table.lines == [3, 5]
    assert result.table.frame.row(0) == ("C1", "Ann\nBell")


def test_trailing_empty_fields_are_forgiven_but_a_wrong_width_is_not() -> None:
    """Spreadsheets add empty trailing commas: accepted; a row with data past the header is
    reported with its line and an excerpt."""
    result = read_csv("x.csv", b"a,b\n1,2,,\n1,2,3\n")
    assert result.table is not None and result.table.lines == [2]
    assert [str(p) for p in result.problems] == [
        "x.csv:3: -: row has 3 fields but the header has 2 (1,2,3)"
    ]


def test_text_that_is_not_utf8_names_its_line() -> None:
    """A Latin-1 file: the line of the first bad byte and what it looks like."""
    result = read_csv("x.csv", "a,b\n1,2\ncaf\xe9,3\n".encode("latin-1"))
    assert result.table is None
    (problem,) = result.problems
    assert problem.line == 3 and "CSV UTF-8" in problem.message
    assert read_csv("x.csv", b"  \n").problems == [Problem("x.csv", 0, "-", "file is empty", "")]


def test_unsafe_paths_in_an_archive_are_refused() -> None:
    """``..`` or an absolute path: nothing is unpacked."""
    for bad in ("../children.csv", "/etc/children.csv", "C:/children.csv"):
        files, problems = unzip("data.zip", zipped({bad: b"x", "ok.csv": b"y"}))
        assert files == {} and problems[0].message == "unsafe path in archive refused"


def test_an_archive_in_one_folder_unpacks_by_base_name_without_mac_junk() -> None:
    """Files inside one folder are found by name; ``__MACOSX`` and dot files are ignored;
    data files in two folders are a problem."""
    files, problems = unzip(
        "data.zip",
        zipped(
            {
                "term/children.csv": b"a",
                "__MACOSX/term/._children.csv": b"b",
                "term/.DS_Store": b"c",
            }
        ),
    )
    assert files == {"children.csv": b"a"} and problems == []
    _, spread = unzip("data.zip", zipped({"a/children.csv": b"a", "b/settings.csv": b"b"}))
    assert spread[0].message == "data files are spread over several folders; put them in one"
    assert unzip("data.zip", b"not a zip")[1][0].message == "not a readable zip archive"


def test_an_archive_that_unpacks_too_big_is_refused() -> None:
    """More than the limit unpacked: refused whole."""
    files, problems = unzip(
        "big.zip", zipped({"children.csv": b"0" * (MAX_UNCOMPRESSED_BYTES + 1)})
    )
    assert files == {} and "refused" in problems[0].message


def test_csv_files_win_over_a_workbook_and_strangers_are_warned_about() -> None:
    """With CSV files present, a workbook is ignored with a warning, as are unknown files; a
    missing required file is reported by name."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    files = {
        "children.csv": b"child_id\nC1\n",
        "book.xlsx": b"PK..",
        "notes.csv": b"x",
        "a.txt": b"",
    }
    tables, missing = find_tables(files, problems, warnings)
    assert set(tables) == {"children"} and problems == []
    assert sorted(w.file for w in warnings) == ["a.txt", "book.xlsx", "notes.csv"]
    assert (
        str(missing(TABLES_BY_NAME["settings"])) == "settings.csv:0: -: required file is missing ()"
    )


def test_uploads_are_keyed_by_base_name() -> None:
    """A browser's relative path or a Windows path is reduced to the file's name."""
    assert files_by_name({"term\\children.csv": b"a", "x/settings.csv": b"b"}) == {
        "children.csv": b"a",
        "settings.csv": b"b",
    }
