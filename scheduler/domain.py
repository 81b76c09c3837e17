"""The authority's data as immutable, typed records: what the optimiser, checker and exports share.

Everything here is already validated (see :mod:`scheduler.io.load`): ids are unique, foreign keys
resolve, times are minutes since midnight and day lists are sets of weekday numbers (Mon = 0).
Keeping the records frozen means no stage can quietly change another stage's input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Literal, TypeVar

from scheduler.config import Config, ReviewModel, only_weights_changed

WEEKDAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

SettingType = Literal["children_centre", "maintained", "pvi", "childminder"]
SETTING_TYPES: tuple[SettingType, ...] = ("children_centre", "maintained", "pvi", "childminder")

Days = frozenset[int]
"""A set of weekday numbers, Monday = 0 … Sunday = 6 (as :meth:`datetime.date.weekday`)."""


def format_days(days: Days) -> str:
    """Days as the contract writes them (``Mon,Tue``), in week order."""
    return ",".join(WEEKDAY_NAMES[d] for d in sorted(days))


def describe_days(days: Days) -> str:
    """Days for a sentence a coordinator reads: ``Mon/Tue``, ``Wed–Fri`` or ``no days``."""
    ordered = sorted(days)
    if not ordered:
        return "no days"
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{WEEKDAY_NAMES[ordered[0]]}–{WEEKDAY_NAMES[ordered[-1]]}"
    return "/".join(WEEKDAY_NAMES[d] for d in ordered)


def format_time(minutes: int) -> str:
    """Minutes since midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A health visitor or community nursery nurse who carries out reviews."""

    practitioner_id: str
    name: str
    email: str
    base_lat: float
    base_lon: float
    working_days: Days
    day_start: int
    day_end: int
    max_reviews_per_day: int
    role: str | None = None
    team: str | None = None
    base_name: str | None = None
    languages: frozenset[str] = frozenset()
    """Lower-cased languages spoken besides English."""
    base_address: str | None = None
    """The clinic's address, for letters to parents (separate model)."""


@dataclass(frozen=True, slots=True)
class Setting:
    """An early years setting: children's centre, nursery or childminder."""

    setting_id: str
    name: str
    type: SettingType
    lat: float
    lon: float
    email: str
    open_days: Days
    open_time: int
    close_time: int
    rooms: int = 1
    address: str | None = None
    link_practitioner_id: str | None = None


@dataclass(frozen=True, slots=True)
class KeyPerson:
    """The early years practitioner who knows the child best; works set days."""

    key_person_id: str
    setting_id: str
    name: str
    working_days: Days
    """Already defaulted to the setting's open days when the file left it empty."""
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Child:
    """A child who may need the review; personal data, so never logged.

    ``setting_id`` and ``key_person_id`` are ``None`` for a child in no setting (contract v2),
    who is then seen by their caseload ``practitioner_id`` at a clinic or at home.
    """

    child_id: str
    name: str
    date_of_birth: date
    setting_id: str | None
    key_person_id: str | None
    funded_two: bool
    send: bool = False
    prior_concerns: bool = False
    home_language: str | None = None
    parent_name: str | None = None
    parent_email: str | None = None
    parent_unavailable_days: Days = frozenset()
    reviewed_on: date | None = None
    starts_on: date | None = None
    looked_after: bool = False
    child_protection: bool = False
    child_in_need: bool = False
    imd_decile: int | None = None
    """Deprivation decile of the home postcode, 1 (most deprived) to 10."""
    was_not_brought_before: int = 0
    """Earlier reviews the child was not brought to (before this data's outcomes)."""
    review_model: ReviewModel | None = None
    """The child's own review model; ``None``: the authority's ``[review] model``."""
    consent_to_share: bool | None = None
    """Whether the parent agreed that health and the setting share information (None: unknown)."""
    home_lat: float | None = None
    home_lon: float | None = None
    practitioner_id: str | None = None
    """The family's caseload practitioner (runs separate and home reviews when given)."""
    parent_phone: str | None = None
    """The parent's UK mobile number, as ``+447…`` (reminders by text message)."""
    reminders_opt_out: bool = False
    """The parent asked for no reminders (neither text nor e-mail)."""

    @property
    def home(self) -> tuple[float, float] | None:
        """Where the family lives, when known (needed for a home visit)."""
        if self.home_lat is None or self.home_lon is None:
            return None
        return self.home_lat, self.home_lon

    @property
    def interpreter_language(self) -> str | None:
        """The home language when it is given and is not English (contract v2: an interpreter
        is offered and ``interpreter_extra_minutes`` added); ``None`` otherwise."""
        language = " ".join((self.home_language or "").split())
        return language if language and language.lower() != "english" else None

    @property
    def parent_key(self) -> str | None:
        """Who the parent is, for "a parent is in one place at a time" (contract v2): the
        e-mail, or else the name within the setting; ``None`` when neither is known."""
        email = (self.parent_email or "").strip().lower()
        if email:
            return f"email:{email}"
        name = " ".join((self.parent_name or "").lower().split())
        if name:
            return f"name:{self.setting_id or ''}:{name}"
        return None


@dataclass(frozen=True, slots=True)
class Absence:
    """A period (inclusive) when a practitioner or key person is away."""

    person_id: str
    start_date: date
    end_date: date
    reason: str | None = None

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


ALL_SETTINGS = "*"

OutcomeKind = Literal[
    "attended", "was_not_brought", "cancelled_by_parent", "cancelled_by_service", "declined"
]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = (
    "attended",
    "was_not_brought",
    "cancelled_by_parent",
    "cancelled_by_service",
    "declined",
)
Venue = Literal["setting", "clinic", "home"]
VENUES: tuple[Venue, ...] = ("setting", "clinic", "home")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened at a booked review (``outcomes.csv``, contract v2)."""

    child_id: str
    date: date
    outcome: OutcomeKind
    asq3: bool | None = None
    consent_to_share: bool | None = None
    venue: Venue | None = None
    practitioner_id: str | None = None


K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Closure:
    """A day a setting (or, with ``setting_id == "*"``, every setting) is closed."""

    setting_id: str
    date: date


def _freeze(items: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(items))


def _in_order(a: Mapping[str, object], b: Mapping[str, object]) -> bool:
    """The same records in the same order."""
    return a is b or list(a.items()) == list(b.items())


@dataclass(frozen=True)
class Authority:
    """One authority's validated data for a term: the single input of every stage.

    Mappings keep the files' row order, so everything derived from them is deterministic.
    """

    practitioners: Mapping[str, Practitioner]
    settings: Mapping[str, Setting]
    key_persons: Mapping[str, KeyPerson]
    children: Mapping[str, Child]
    absences: tuple[Absence, ...] = ()
    closures: tuple[Closure, ...] = ()
    config: Config = field(default_factory=Config)
    outcomes: tuple[Outcome, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "practitioners", _freeze(self.practitioners))
        object.__setattr__(self, "settings", _freeze(self.settings))
        object.__setattr__(self, "key_persons", _freeze(self.key_persons))
        object.__setattr__(self, "children", _freeze(self.children))
        object.__setattr__(self, "absences", tuple(self.absences))
        object.__setattr__(self, "closures", tuple(self.closures))
        object.__setattr__(self, "outcomes", tuple(self.outcomes))

    def with_outcomes(self, outcomes: Iterable[Outcome]) -> Authority:
        """The same data with these outcomes instead of its own."""
        return replace(self, outcomes=tuple(outcomes))

    def same_but_weights(self, other: Authority) -> bool:
        """Whether ``other`` is this data under other weights at most, so that whatever is
        worked out from the data alone (days, loads, distances) holds for both. Row order
        counts: what is derived follows it (mappings compare equal in any order)."""
        return self is other or (
            _in_order(self.practitioners, other.practitioners)
            and _in_order(self.settings, other.settings)
            and _in_order(self.key_persons, other.key_persons)
            and _in_order(self.children, other.children)
            and self.absences == other.absences
            and self.closures == other.closures
            and self.outcomes == other.outcomes
            and only_weights_changed(self.config, other.config)
        )

    def with_config(self, config: Config) -> Authority:
        """The same data under other settings (a service lead's what-if)."""
        return Authority(
            self.practitioners,
            self.settings,
            self.key_persons,
            self.children,
            self.absences,
            self.closures,
            config,
            self.outcomes,
        )
