"""UK mobile numbers (scheduler/phones.py): the forms people write are kept as ``+447…``,
anything else is refused, and the loader's ``parent_phone`` check applies the same rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_authority, make_child

from scheduler.cli import main
from scheduler.io.load import load_authority
from scheduler.io.write_data import write_authority
from scheduler.phones import uk_mobile

NUMBERS = [
    ("07700 900123", "+447700900123"),  # the national form, spaced
    ("07700900123", "+447700900123"),  # run together
    ("+44 7700 900123", "+447700900123"),  # international
    ("0044 7700 900123", "+447700900123"),  # international, dialled from abroad
    ("447700900123", "+447700900123"),  # the country code without the plus
    ("(07700) 900.123", "+447700900123"),  # brackets and dots are separators
    ("07700-900-123", "+447700900123"),  # hyphens too
    ("  07700 900123\t", "+447700900123"),  # spaces around the number
    ("07700\u00a0900123", "+447700900123"),  # a no-break space pasted from a document
    ("+44 (0)7700-900123", None),  # the "(0)" is not part of the number: 12 digits
    ("+4407700900123", None),  # the national 0 kept after the country code
    ("020 7946 0000", None),  # a London landline
    ("08001111", None),  # a freephone number
    ("0770090012", None),  # one digit short
    ("077009001234", None),  # one digit too many
    ("+33 6 12 34 56 78", None),  # a French mobile
    ("07700 9001z3", None),  # a letter among the digits
    ("07700 ٩٠٠١٢٣", None),  # Arabic-Indic digits: no text service takes them as a number
    ("", None),  # nothing
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_uk_mobile_numbers(text: str, expected: str | None) -> None:
    """Each way of writing a UK mobile number becomes ``+447…`` (E.164); anything else is None."""
    assert uk_mobile(text) == expected


def test_uk_mobile_numbers_are_ascii_e164() -> None:
    """Every number kept is ``+44`` and ten ASCII digits, as GOV.UK Notify expects."""
    for text, _ in NUMBERS:
        kept = uk_mobile(text)
        if kept is not None:
            assert kept.isascii() and kept[1:].isdigit() and len(kept) == 13, kept


def test_the_loader_keeps_what_uk_mobile_keeps(tmp_path: Path) -> None:
    """children.csv's ``parent_phone`` is loaded as uk_mobile gives it (the loader vectorises
    the same pattern: the two must not drift apart)."""
    accepted = [(text, kept) for text, kept in NUMBERS if kept is not None]
    children = [make_child(f"C{i}", parent_phone=text) for i, (text, _) in enumerate(accepted)]
    write_authority(make_authority(children=children), tmp_path / "data")
    loaded = load_authority(tmp_path / "data").authority
    assert {c.child_id: c.parent_phone for c in loaded.children.values()} == {
        f"C{i}": kept for i, (_, kept) in enumerate(accepted)
    }


@pytest.mark.parametrize("text", [t for t, kept in NUMBERS if kept is None and t])
def test_bad_phone_number_is_an_input_error(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``parent_phone`` that is not a UK mobile number: file:line: column: problem (value),
    exit 2."""
    children = [make_child("C1", parent_phone="07700 900001"), make_child("C2", parent_phone=text)]
    write_authority(make_authority(children=children), tmp_path / "data")
    assert main(["validate", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "children.csv:3: parent_phone: not a UK mobile number" in err
    assert f"({text.strip()})" in err
