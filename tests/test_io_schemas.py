"""The column specs of every input table (scheduler/io/schemas.py): the contract's files and
columns, each record's fields covered, and the rules stated once."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.domain import Absence, Child, Closure, KeyPerson, Outcome, Practitioner, Setting
from scheduler.io.schemas import CHILDREN, TABLES, TABLES_BY_NAME, Kind, Table

RECORD_OF = {
    "practitioners": Practitioner,
    "settings": Setting,
    "key_persons": KeyPerson,
    "children": Child,
    "absences": Absence,
    "closures": Closure,
    "outcomes": Outcome,
}


def test_the_contracts_files_in_loading_order() -> None:
    """Seven files; the four the contract requires first, the optional ones after them."""
    assert [t.file_name for t in TABLES] == [
        "practitioners.csv",
        "settings.csv",
        "key_persons.csv",
        "children.csv",
        "absences.csv",
        "closures.csv",
        "outcomes.csv",
    ]
    assert [t.name for t in TABLES if t.required] == [
        "practitioners",
        "settings",
        "key_persons",
        "children",
    ]
    assert TABLES_BY_NAME["children"] is CHILDREN


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_is_a_field_of_its_record(table: Table) -> None:
    """A column the record does not have would be read and then lost."""
    fields = {f.name for f in dataclasses.fields(RECORD_OF[table.name])}
    names = table.names
    assert len(set(names)) == len(names)
    assert set(names) <= fields


def test_ids_are_required_and_unique_and_foreign_keys_point_backwards() -> None:
    """Each main table's id is required and unique; a table only refers to earlier ones."""
    for name, id_column in (
        ("practitioners", "practitioner_id"),
        ("settings", "setting_id"),
        ("key_persons", "key_person_id"),
        ("children", "child_id"),
    ):
        column = TABLES_BY_NAME[name].column(id_column)
        assert column.required and column.unique and column.kind is Kind.TEXT
    order = [t.name for t in TABLES]
    assert order.index("key_persons") > order.index("settings")
    assert order.index("children") > order.index("key_persons")
    with pytest.raises(KeyError):
        CHILDREN.column("no_such_column")


def test_choices_come_from_the_domain() -> None:
    """Review models, setting types, outcomes and venues listed once, in the domain."""
    assert CHILDREN.column("review_model").choices == ("joint", "separate", "home")
    assert TABLES_BY_NAME["outcomes"].column("venue").choices == ("setting", "clinic", "home")
    assert (
        CHILDREN.column("imd_decile").minimum == 1 and CHILDREN.column("imd_decile").maximum == 10
    )
