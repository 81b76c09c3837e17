"""Argument types the sub-commands share (scheduler/commands/arguments.py)."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from scheduler.commands.arguments import iso_date


def test_iso_date_reads_year_month_day() -> None:
    """``2026-09-08`` is 8 September 2026."""
    assert iso_date("2026-09-08") == date(2026, 9, 8)


@pytest.mark.parametrize("text", ["08/09/2026", "2026-02-30", "", "today"])
def test_anything_else_is_a_usage_error_naming_the_value(text: str) -> None:
    """argparse turns ArgumentTypeError into exit status 2 with this message."""
    with pytest.raises(argparse.ArgumentTypeError, match="not a date YYYY-MM-DD"):
        iso_date(text)
