"""Loading one ``.xlsx`` workbook: real Excel cells accepted, problems located as ``sheet!row``."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from loadfixtures import CONFIG, TODAY, VALID, changed, with_files, workbook_bytes

from scheduler.errors import InputError, Problem
from scheduler.io.load import load_authority, load_authority_from_upload


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_authority(path, today=TODAY)
    return caught.value.problems


def locations(problems: list[Problem]) -> list[tuple[str, int | str, str]]:
    return [(p.file, p.line, p.column) for p in problems]


def text_tables(files: dict[str, str | bytes | None]) -> dict[str, str]:
    return {n: c for n, c in files.items() if isinstance(c, str) and n.endswith(".csv")}


def test_workbook_of_text_cells_loads_like_the_csv_folder(tmp_path: Path) -> None:
    """The same tables as sheets give the same authority as the CSV files."""
    book = tmp_path / "authority.xlsx"
    workbook_bytes(VALID, book)
    from_book = load_authority(book, today=TODAY).authority
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, content in VALID.items():
        (folder / name).write_text(content, encoding="utf-8")
    from_csv = load_authority(folder, today=TODAY).authority
    assert from_book == from_csv


def test_folder_holding_one_workbook_and_its_config(tmp_path: Path) -> None:
    """A folder with one .xlsx (no CSVs) loads the workbook and the config.toml beside it."""
    workbook_bytes(VALID, tmp_path / "export.xlsx")
    (tmp_path / "config.toml").write_text(CONFIG)
    authority = load_authority(tmp_path, today=TODAY).authority
    assert len(authority.children) == 4
    assert authority.config.term.name == "Spring 2027"


def test_config_beside_a_workbook_path(tmp_path: Path) -> None:
    """Given the .xlsx itself, config.toml in the same folder is used."""
    book = tmp_path / "export.xlsx"
    workbook_bytes(VALID, book)
    (tmp_path / "config.toml").write_text(CONFIG)
    assert load_authority(book, today=TODAY).authority.config.review.model == "separate"


def test_real_excel_cells_are_accepted(tmp_path: Path) -> None:
    """Date, time, boolean and number cells (an integer as 3.0) read as the contract's text."""
    cells: dict[tuple[str, int, str], object] = {
        ("practitioners", 2, "base_lat"): 51.55,
        ("practitioners", 2, "base_lon"): -0.11,
        ("practitioners", 2, "day_start"): dt.time(8, 30),
        ("practitioners", 2, "day_end"): dt.datetime(1899, 12, 31, 17, 0),  # a time, the old way
        ("practitioners", 2, "max_reviews_per_day"): 3.0,
        ("settings", 2, "rooms"): 2,
        ("settings", 3, "open_time"): dt.time(8, 0),
        ("children", 2, "date_of_birth"): dt.date(2024, 6, 15),
        ("children", 2, "funded_two"): True,
        ("children", 2, "send"): False,
        ("children", 2, "prior_concerns"): 1,
        ("children", 2, "starts_on"): dt.datetime(2026, 9, 7),
        ("closures", 2, "date"): dt.date(2026, 11, 3),
    }
    book = tmp_path / "typed.xlsx"
    workbook_bytes(VALID, book, cells)
    authority = load_authority(book, today=TODAY).authority
    p1 = authority.practitioners["P001"]
    assert (p1.day_start, p1.day_end, p1.max_reviews_per_day) == (510, 1020, 3)
    assert (p1.base_lat, p1.base_lon) == (51.55, -0.11)
    assert authority.settings["S001"].rooms == 2
    assert authority.settings["S002"].open_time == 8 * 60
    c1 = authority.children["C001"]
    assert c1.date_of_birth == dt.date(2024, 6, 15) and c1.starts_on == dt.date(2026, 9, 7)
    assert (c1.funded_two, c1.send, c1.prior_concerns) == (True, False, True)
    assert authority.closures[0].date == dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        # a date cell holding a time of day is not a date of birth
        (("children", 2, "date_of_birth"), dt.datetime(2024, 6, 15, 9, 30), "not a date"),
        # a number where a date belongs (a serial number without a date format)
        (("children", 2, "date_of_birth"), 45000, "not a date"),
        # a fractional number of reviews
        (("practitioners", 2, "max_reviews_per_day"), 2.5, "not a whole number"),
        # a date where a time belongs
        (("settings", 2, "open_time"), dt.date(2026, 1, 1), "HH:MM"),
    ],
)
def test_wrong_excel_cells_are_reported(
    tmp_path: Path, cell: tuple[str, int, str], value: object, message: str
) -> None:
    """Real cells of the wrong kind are reported like wrong text, at their sheet and row."""
    book = tmp_path / "book.xlsx"
    workbook_bytes(VALID, book, {cell: value})
    problems = problems_of(book)
    sheet, line, column = cell
    assert locations(problems) == [("book.xlsx", f"{sheet}!{line}", column)]
    assert message in problems[0].message


def test_problems_are_located_by_sheet_and_row(tmp_path: Path) -> None:
    """A bad cell is reported as ``book.xlsx:children!3``, the row Excel shows."""
    book = tmp_path / "book.xlsx"
    workbook_bytes(text_tables(changed("children.csv", 3, "date_of_birth", "soon")), book)
    problems = problems_of(book)
    assert [str(p) for p in problems] == [
        "book.xlsx:children!3: date_of_birth: not a date (use YYYY-MM-DD) (soon)"
    ]


def test_empty_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path: Path) -> None:
    """A blank row in the sheet is not a record, and rows below keep their Excel numbers."""
    closures = "setting_id,date\nS001,2026-11-02\n\n\nS404,2026-12-18\n"  # rows 3-4 blank
    book = tmp_path / "book.xlsx"
    workbook_bytes(with_files(closures_csv=closures), book)
    assert locations(problems_of(book)) == [("book.xlsx", "closures!5", "setting_id")]


def test_unknown_column_and_sheet_are_warnings(tmp_path: Path) -> None:
    """An extra column or an extra sheet (notes) loads, with warnings naming them."""
    tables = text_tables(dict(VALID))
    tables["children.csv"] = tables["children.csv"].replace("starts_on\n", "starts_on,notes\n")
    tables["notes.csv"] = "anything\nat all\n"
    book = tmp_path / "book.xlsx"
    workbook_bytes(tables, book)
    result = load_authority(book, today=TODAY)
    assert locations(result.warnings) == [
        ("book.xlsx", "notes!0", "-"),
        ("book.xlsx", "children!1", "notes"),
    ]


def test_sheet_names_are_matched_without_case_or_spaces(tmp_path: Path) -> None:
    """A sheet called ``Children `` is the children table."""
    tables = {
        (" Children " if n == "children.csv" else n.removesuffix(".csv").upper()) + ".csv": c
        for n, c in text_tables(dict(VALID)).items()
    }
    book = tmp_path / "book.xlsx"
    workbook_bytes(tables, book)
    assert len(load_authority(book, today=TODAY).authority.children) == 4


def _corrupt_member(data: bytes) -> bytes:
    """A workbook whose sheet XML is cut short: a zip, but not a readable workbook."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/workbook.xml":
                content = content[: len(content) // 2]
            target.writestr(info, content)
    return out.getvalue()


BROKEN: list[tuple[str, bytes | None, str]] = [
    # a text file renamed to .xlsx
    ("not a zip", b"child_id,name\nC1,Amy\n", "not an .xlsx workbook"),
    # an empty file
    ("empty", b"", "file is empty"),
    # a zip archive that is not a workbook
    ("zip of text", b"PK\x03\x04" + b"\x00" * 40, "cannot open the workbook"),
    # a workbook whose XML is truncated
    ("truncated xml", None, "cannot open the workbook"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_unreadable_workbook_is_one_clear_problem(
    tmp_path: Path, data: bytes | None, message: str
) -> None:
    """A workbook that cannot be opened gives one problem naming it, and no missing sheets."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(_corrupt_member(workbook_bytes(VALID)) if data is None else data)
    problems = problems_of(book)
    assert locations(problems) == [("book.xlsx", 0, "-")], problems
    assert message in problems[0].message


def test_missing_sheet_is_reported(tmp_path: Path) -> None:
    """A workbook without a key_persons sheet says so, by sheet name."""
    book = tmp_path / "book.xlsx"
    workbook_bytes(text_tables(with_files(key_persons_csv=None)), book)
    problems = problems_of(book)
    assert [str(p) for p in problems] == [
        "book.xlsx:key_persons!0: -: required sheet is missing ()"
    ]


def test_empty_and_header_only_sheets_are_reported(tmp_path: Path) -> None:
    """An empty required sheet and a header-only one are both problems of the whole sheet."""
    tables = text_tables(dict(VALID))
    tables["settings.csv"] = tables["settings.csv"].splitlines()[0] + "\n"
    tables["practitioners.csv"] = ""
    book = tmp_path / "book.xlsx"
    workbook_bytes(tables, book)
    problems = problems_of(book)
    assert [(p.line, p.message) for p in problems] == [
        ("practitioners!0", "sheet is empty"),
        ("settings!0", "no data rows"),
    ]


def test_several_workbooks_without_csvs_are_ambiguous(tmp_path: Path) -> None:
    """Two workbooks in the folder: which one? Say so instead of guessing."""
    workbook_bytes(VALID, tmp_path / "a.xlsx")
    workbook_bytes(VALID, tmp_path / "b.xlsx")
    problems = problems_of(tmp_path)
    assert len(problems) == 1 and "several workbooks" in problems[0].message


def test_excel_lock_file_is_ignored(tmp_path: Path) -> None:
    """Excel's ``~$book.xlsx`` lock file beside the workbook is not a second workbook."""
    workbook_bytes(VALID, tmp_path / "book.xlsx")
    (tmp_path / "~$book.xlsx").write_bytes(b"lock")
    assert len(load_authority(tmp_path, today=TODAY).authority.children) == 4


def test_csv_files_win_over_a_workbook_with_a_warning(tmp_path: Path) -> None:
    """CSV files and a workbook in one folder: the CSVs are used and the workbook named."""
    for name, content in VALID.items():
        (tmp_path / name).write_text(content)
    workbook_bytes(VALID, tmp_path / "old.xlsx")
    result = load_authority(tmp_path, today=TODAY)
    assert [w.file for w in result.warnings] == ["old.xlsx"]


def test_upload_of_a_workbook_and_config() -> None:
    """The dashboard's upload of one .xlsx plus config.toml loads both."""
    files = {"book.xlsx": workbook_bytes(VALID), "config.toml": CONFIG.encode()}
    result = load_authority_from_upload(files, today=TODAY)
    assert len(result.authority.children) == 4
    assert result.authority.config.term.name == "Spring 2027"
