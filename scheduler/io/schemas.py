"""The column specs of every input table: the contract's tables, written once as data.

The loader, the user documentation's test and the error messages all read these specs, so a
column's type or rule is stated in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from scheduler.config import REVIEW_MODELS
from scheduler.domain import OUTCOME_KINDS, SETTING_TYPES, VENUES


class Kind(Enum):
    """How a cell's text becomes a value (see :mod:`scheduler.io.load` for the parsing)."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    """``YYYY-MM-DD``."""
    TIME = "time"
    """``HH:MM``, 24 h; becomes minutes since midnight."""
    DAYS = "day list"
    """Comma-separated ``Mon..Sun``, case-insensitive; becomes a frozenset of weekday ints."""
    BOOL = "boolean"
    """``true/false``, ``yes/no``, ``1/0``, case-insensitive."""
    LIST = "list"
    """``;``-separated words, stored lower-cased and stripped."""
    UK_MOBILE = "UK mobile number"
    """``07700 900123``, ``+44 7700 900123`` …; stored as ``+447700900123``
    (:mod:`scheduler.phones`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its type and the rules a single cell must obey."""

    name: str
    kind: Kind
    required: bool = False
    """The column must be present and every row must fill it."""
    unique: bool = False
    default: object = None
    """Used when the column is absent or the cell empty (only for optional columns)."""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    """Allowed values (compared lower-cased); empty means any."""


@dataclass(frozen=True, slots=True)
class Table:
    """One input file (or workbook sheet)."""

    name: str
    columns: tuple[Column, ...]
    required: bool = True
    """The file must exist and hold at least one data row."""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)


PRACTITIONERS = Table(
    "practitioners",
    (
        Column("practitioner_id", Kind.TEXT, required=True, unique=True),
        Column("name", Kind.TEXT, required=True),
        Column("email", Kind.TEXT, required=True),
        Column("role", Kind.TEXT),
        Column("team", Kind.TEXT),
        Column("base_name", Kind.TEXT),
        Column("base_lat", Kind.NUMBER, required=True, minimum=-90, maximum=90),
        Column("base_lon", Kind.NUMBER, required=True, minimum=-180, maximum=180),
        Column("working_days", Kind.DAYS, required=True),
        Column("day_start", Kind.TIME, required=True),
        Column("day_end", Kind.TIME, required=True),
        Column("max_reviews_per_day", Kind.INTEGER, required=True, minimum=0),
        Column("languages", Kind.LIST, default=frozenset()),
        Column("base_address", Kind.TEXT),
    ),
)

SETTINGS = Table(
    "settings",
    (
        Column("setting_id", Kind.TEXT, required=True, unique=True),
        Column("name", Kind.TEXT, required=True),
        Column("type", Kind.TEXT, required=True, choices=SETTING_TYPES),
        Column("address", Kind.TEXT),
        Column("lat", Kind.NUMBER, required=True, minimum=-90, maximum=90),
        Column("lon", Kind.NUMBER, required=True, minimum=-180, maximum=180),
        Column("email", Kind.TEXT, required=True),
        Column("open_days", Kind.DAYS, required=True),
        Column("open_time", Kind.TIME, required=True),
        Column("close_time", Kind.TIME, required=True),
        Column("rooms", Kind.INTEGER, default=1, minimum=1),
        Column("link_practitioner_id", Kind.TEXT),
    ),
)

KEY_PERSONS = Table(
    "key_persons",
    (
        Column("key_person_id", Kind.TEXT, required=True, unique=True),
        Column("setting_id", Kind.TEXT, required=True),
        Column("name", Kind.TEXT, required=True),
        Column("email", Kind.TEXT),
        Column("working_days", Kind.DAYS),  # empty: the setting's open days
    ),
)

CHILDREN = Table(
    "children",
    (
        Column("child_id", Kind.TEXT, required=True, unique=True),
        Column("name", Kind.TEXT, required=True),
        Column("date_of_birth", Kind.DATE, required=True),
        # v2: empty for a child in no setting (checked across columns in the loader)
        Column("setting_id", Kind.TEXT),
        Column("key_person_id", Kind.TEXT),
        Column("funded_two", Kind.BOOL, required=True),
        Column("send", Kind.BOOL, default=False),
        Column("prior_concerns", Kind.BOOL, default=False),
        Column("home_language", Kind.TEXT),
        Column("parent_name", Kind.TEXT),
        Column("parent_email", Kind.TEXT),
        Column("parent_unavailable_days", Kind.DAYS, default=frozenset()),
        Column("reviewed_on", Kind.DATE),
        Column("starts_on", Kind.DATE),
        Column("looked_after", Kind.BOOL, default=False),
        Column("child_protection", Kind.BOOL, default=False),
        Column("child_in_need", Kind.BOOL, default=False),
        Column("imd_decile", Kind.INTEGER, minimum=1, maximum=10),
        Column("was_not_brought_before", Kind.INTEGER, default=0, minimum=0),
        Column("review_model", Kind.TEXT, choices=REVIEW_MODELS),
        Column("consent_to_share", Kind.BOOL),
        Column("home_lat", Kind.NUMBER, minimum=-90, maximum=90),
        Column("home_lon", Kind.NUMBER, minimum=-180, maximum=180),
        Column("practitioner_id", Kind.TEXT),
        # day-to-day tools (issue 19): reminders by text message, and opting out of reminders
        Column("parent_phone", Kind.UK_MOBILE),
        Column("reminders_opt_out", Kind.BOOL, default=False),
    ),
)

ABSENCES = Table(
    "absences",
    (
        Column("person_id", Kind.TEXT, required=True),
        Column("start_date", Kind.DATE, required=True),
        Column("end_date", Kind.DATE, required=True),
        Column("reason", Kind.TEXT),
    ),
    required=False,
)

CLOSURES = Table(
    "closures",
    (
        Column("setting_id", Kind.TEXT, required=True),
        Column("date", Kind.DATE, required=True),
    ),
    required=False,
)

OUTCOMES = Table(
    "outcomes",
    (
        Column("child_id", Kind.TEXT, required=True),
        Column("date", Kind.DATE, required=True),
        Column("outcome", Kind.TEXT, required=True, choices=OUTCOME_KINDS),
        Column("asq3", Kind.BOOL),
        Column("consent_to_share", Kind.BOOL),
        Column("venue", Kind.TEXT, choices=VENUES),
        Column("practitioner_id", Kind.TEXT),
    ),
    required=False,
)

TABLES: tuple[Table, ...] = (
    PRACTITIONERS,
    SETTINGS,
    KEY_PERSONS,
    CHILDREN,
    ABSENCES,
    CLOSURES,
    OUTCOMES,
)
"""In loading order: a table's foreign keys point only at tables before it."""

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
