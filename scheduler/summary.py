"""The plan's summary (``summary.json``) as one typed, frozen record.

Every figure the planner reports about a plan lives here, once: the contract's KPIs, the
solver's figures, each practitioner's use, the link stage, the hand-made baseline, the pins
not kept and the bookings made since. Readers use attributes (a renamed figure is a type
error, not a silent 0); the lists of keys other modules need (the contract's, the version
list's, what a setting may see) are derived from this class, not written out again.

:meth:`PlanSummary.as_document` gives exactly the JSON object ``summary.json`` held before
this type existed (same keys, same values; ``created_at`` is the plan's own and is added by
the plan folder's writer); :meth:`PlanSummary.from_document` reads that object back, from
today's plans and older ones. A key an older plan lacks is ``None`` here and stays absent
when written again; a key written as ``null`` stays ``null``; a key this class does not know
is kept in :attr:`PlanSummary.extra`, so nothing is lost on a round trip.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SummaryError(ValueError):
    """A ``summary.json`` value of the wrong shape: ``key`` names it (``link_stage.gap``)."""

    def __init__(self, key: str, problem: str, value: Any) -> None:
        super().__init__(f"{key}: {problem} ({value!r})")
        self.key = key
        self.problem = problem
        self.value = value


# --------------------------------------------------------------------------- value readers


def _int(key: str, value: Any) -> int:
    """A whole number; ``1500.0`` (as some tools write counts) is read as ``1500``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SummaryError(key, "not a whole number", value)
    return value


def _number(key: str, value: Any) -> float:
    """A JSON number, kept as written (an ``int`` stays an ``int``: ``5`` must not become
    ``5.0`` on the way back)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SummaryError(key, "not a number", value)
    return value


def _maybe_number(key: str, value: Any) -> float | None:
    """A number, or ``null`` (how the plan folder writes a figure that is not finite)."""
    return None if value is None else _number(key, value)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SummaryError(key, "not text", value)
    return value


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SummaryError(key, "not true or false", value)
    return value


def _object(key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise SummaryError(key, "not a JSON object", value)
    return value


def _list(key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SummaryError(key, "not a list", value)
    return value


def _table(key: str, value: Any, read: Callable[[str, Any], T]) -> dict[str, T]:
    """A JSON object of like values (``{"P001": {...}}``), its order kept."""
    return {k: read(f"{key}.{k}", v) for k, v in _object(key, value).items()}


def _fields_of(key: str, value: Any, names: tuple[str, ...]) -> Mapping[str, Any]:
    """A nested object with exactly these keys (their shape has not changed since v1)."""
    document = _object(key, value)
    missing = [n for n in names if n not in document]
    if missing:
        raise SummaryError(key, f"missing {', '.join(missing)}", value)
    unknown = [n for n in document if n not in names]
    if unknown:
        raise SummaryError(key, f"unknown key {', '.join(unknown)}", value)
    return document


_BY_TYPE: dict[str, Callable[[str, Any], Any]] = {
    "int": _int,
    "float": _number,
    "float | None": _maybe_number,
    "str": _text,
}
"""How a nested record's field is read, by the type it declares."""


def _record(cls: type[R], key: str, value: Any) -> R:
    """A nested record of exactly its fields, each read as its declared type says."""
    d = _fields_of(key, value, _names(cls))
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    read = {f.name: _BY_TYPE[str(f.type)](f"{key}.{f.name}", d[f.name]) for f in fields}
    return cls(**read)


# --------------------------------------------------------------------------- nested records


@dataclass(frozen=True, slots=True)
class PractitionerUse:
    """One practitioner's term: reviews booked, their minutes, capacity and link load."""

    reviews: int
    review_minutes: int
    capacity_minutes: int
    link_load_minutes: int
    utilisation: float
    """``review_minutes / capacity_minutes`` (3 decimals); 0 without capacity."""

    @classmethod
    def from_document(cls, key: str, value: Any) -> PractitionerUse:
        return _record(cls, key, value)


@dataclass(frozen=True, slots=True)
class LinkStage:
    """Stage 1 (the links): CP-SAT's status, objective, bound, gap and seconds."""

    status: str
    objective: float
    best_bound: float
    gap: float | None
    """``None`` when it was not finite (written as ``null``)."""
    seconds: float

    @classmethod
    def from_document(cls, key: str, value: Any) -> LinkStage:
        return _record(cls, key, value)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The hand-made rota's figures (children by 30-month date, first day that fits): what the
    dashboard's cards compare a plan with."""

    scheduled: int
    funded_two_scheduled: int
    overdue_scheduled: int
    priority_coverage: float
    objective: float

    @classmethod
    def from_document(cls, key: str, value: Any) -> Baseline:
        return _record(cls, key, value)


@dataclass(frozen=True, slots=True)
class UnhonouredPin:
    """A pin the plan could not keep, and why (contract v2's ``pins_unhonoured`` entry)."""

    child_id: str
    setting_id: str
    kind: str
    """``appointment`` or ``link`` (the checker says when it is neither)."""
    reason: str

    @classmethod
    def from_document(cls, key: str, value: Any) -> UnhonouredPin:
        """The contract's entry is ``{"child_id", "reason"}``; this product also writes the
        pin's ``setting_id`` and ``kind``. Without a kind, an entry naming a child is an
        appointment pin's and one naming none a link pin's; other keys are not read."""
        d = _object(key, value)
        missing = [n for n in ("child_id", "reason") if n not in d]
        if missing:
            raise SummaryError(key, f"missing {', '.join(missing)}", value)
        child_id = _text(f"{key}.child_id", d["child_id"])
        return cls(
            child_id=child_id,
            setting_id=_text(f"{key}.setting_id", d.get("setting_id", "")),
            kind=_text(f"{key}.kind", d.get("kind", "appointment" if child_id else "link")),
            reason=_text(f"{key}.reason", d["reason"]),
        )


@dataclass(frozen=True, slots=True)
class BookingNote:
    """A slot booked between termly plans (:mod:`scheduler.booking`)."""

    child_id: str
    date: str
    """ISO date, as written."""
    note: str

    @classmethod
    def from_document(cls, key: str, value: Any) -> BookingNote:
        return _record(cls, key, value)


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _nested_document(value: Any) -> Any:
    """A nested record (or a tuple or table of them) as JSON values, in field order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_nested_document(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _nested_document(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- the summary


@dataclass(frozen=True, slots=True)
class Headline:
    """The figures every plan reports, all present: what the cards and closing lines show."""

    children_due: int
    scheduled: int
    in_window: int
    funded_two_due: int
    funded_two_scheduled: int
    overdue_due: int
    overdue_scheduled: int
    travel_km: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSummary:
    """Everything ``summary.json`` says about a plan, typed.

    Every field is ``None`` when the summary does not have it: a plan from an older version
    of the planner, a setting's share of a plan (which keeps only its own counts) or a plan a
    test builds by hand. The pipeline's plans have them all except ``bookings``, which only a
    booking adds.
    """

    # The figures that follow from the rows (kpis.plan_counts)
    children_due: int | None = None
    scheduled: int | None = None
    in_window: int | None = None
    funded_two_due: int | None = None
    funded_two_scheduled: int | None = None
    overdue_due: int | None = None
    overdue_scheduled: int | None = None
    send_due: int | None = None
    send_scheduled: int | None = None
    priority_coverage: float | None = None
    """Share of the due children's priority points booked (4 decimals)."""
    travel_km: float | None = None
    visits: int | None = None
    unscheduled_by_reason: Mapping[str, int] | None = None
    """Unscheduled children by reason code, codes in alphabetical order."""
    # Practitioners and links (stage 1)
    practitioners: Mapping[str, PractitionerUse] | None = None
    settings: int | None = None
    settings_linked: int | None = None
    links_kept: int | None = None
    overcommitted_practitioners: Mapping[str, int] | None = None
    """Minutes of link load over capacity, by practitioner."""
    link_stage: LinkStage | None = None
    # Stage 2's solve
    status: str | None = None
    """``OPTIMAL``, ``FEASIBLE`` or ``GREEDY``."""
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    """Relative gap to ``best_bound``; may be ``-inf`` in memory (``null`` in the file)."""
    best_bound_any_links: float | None = None
    gap_any_links: float | None = None
    children_bound_any_links: int | None = None
    solve_seconds: float | None = None
    pins_unhonoured: tuple[UnhonouredPin, ...] | None = None
    objective_terms: Mapping[str, float] | None = None
    """The objective term by term, in points (the scheduling model's names)."""
    link_cost_terms: Mapping[str, float] | None = None
    """The chosen links' costs by term (scheduler.matching.links.LINK_COST_TERMS): why these
    links, as ``objective_terms`` says why these slots."""
    baseline: Baseline | None = None
    # Which data and run the plan is of
    term_name: str | None = None
    model: str | None = None
    data_path: str | None = None
    today: str | None = None
    """``[term] today`` as an ISO date, when the plan was made from today."""
    stopped_early: bool | None = None
    plan_digest: str | None = None
    # Added by a booking between plans
    bookings: tuple[BookingNote, ...] | None = None
    check_violations: int | None = None

    # Round-trip bookkeeping (not figures)
    nulls: frozenset[str] = frozenset()
    """Keys written as ``null`` although their field is ``None`` (``data_path`` of a plan made
    from no folder, ``today`` of a plan not made from today, a gap that was not finite)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys this class does not know, kept as read so a round trip loses nothing."""

    CONTRACT_KEYS: ClassVar[tuple[str, ...]] = (
        "children_due",
        "scheduled",
        "in_window",
        "funded_two_due",
        "funded_two_scheduled",
        "overdue_due",
        "overdue_scheduled",
        "travel_km",
        "status",
        "objective",
        "best_bound",
        "gap",
        "solve_seconds",
    )
    """The contract's "at least" keys of ``summary.json`` (v1), in the contract's order."""
    V2_KEYS: ClassVar[tuple[str, ...]] = ("pins_unhonoured",)
    """Keys contract v2 adds to the "at least"."""
    PLAN_WIDE_KEYS: ClassVar[tuple[str, ...]] = ("term_name", "model", "status")
    """Keys about the plan as a whole that say nothing about any setting's children."""

    # ----------------------------------------------------------------- reading and writing

    @classmethod
    def known_keys(cls) -> tuple[str, ...]:
        """Every key this class knows, in the order :meth:`as_document` writes them."""
        return tuple(n for n in _names(cls) if n not in _BOOKKEEPING)

    def present(self) -> tuple[str, ...]:
        """The keys this summary has (a ``null`` one included), in document order."""
        known = tuple(n for n in self.known_keys() if self._has(n))
        return known + tuple(k for k in self.extra if k not in known)

    def _has(self, name: str) -> bool:
        return getattr(self, name) is not None or name in self.nulls

    def as_document(self) -> dict[str, Any]:
        """The JSON object ``summary.json`` holds (without ``created_at``, which is the plan's):
        known keys in field order, then unknown ones; nested records as objects. Floats are
        left as they are (an infinite gap stays infinite: the plan folder writes ``null``,
        the store keeps it)."""
        document: dict[str, Any] = {
            name: _nested_document(getattr(self, name))
            for name in self.known_keys()
            if self._has(name)
        }
        for key, value in self.extra.items():
            document.setdefault(key, value)
        return document

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PlanSummary:
        """Read ``summary.json``'s object (today's or an older plan's).

        A missing key is ``None``; ``null`` is ``None`` and listed in :attr:`nulls`;
        ``created_at`` is skipped (the plan's own, read by the plan folder); other unknown keys
        go to :attr:`extra`, and so do this product's own keys (beyond the contract's) when
        another tool wrote them in another shape. :class:`SummaryError` for a contract key of
        the wrong shape.
        """
        values: dict[str, Any] = {}
        nulls: set[str] = set()
        extra: dict[str, Any] = {}
        for key, value in document.items():
            read = _READERS.get(key)
            if key == CREATED_AT:
                continue
            if read is None:
                extra[key] = value
            elif value is None:
                nulls.add(key)
            else:
                try:
                    values[key] = read(key, value)
                except SummaryError:
                    if key in cls.CONTRACT_KEYS or key in cls.V2_KEYS:
                        raise
                    extra[key] = value  # another tool's use of one of our own keys
        return cls(**values, nulls=frozenset(nulls), extra=extra)

    def plan_wide(self) -> PlanSummary:
        """Only :attr:`PLAN_WIDE_KEYS`: what a setting may see of a plan's summary."""
        kept = {k: getattr(self, k) for k in self.PLAN_WIDE_KEYS}
        return PlanSummary(**kept, nulls=self.nulls & set(self.PLAN_WIDE_KEYS))

    # ----------------------------------------------------------------- for people

    def headline(self) -> Headline | None:
        """The headline figures, or ``None`` when any is missing (a setting's share of a plan,
        or a summary a hand made)."""
        due, seen, in_window = self.children_due, self.scheduled, self.in_window
        funded_due, funded, travel = self.funded_two_due, self.funded_two_scheduled, self.travel_km
        overdue_due, overdue = self.overdue_due, self.overdue_scheduled
        if (
            due is None
            or seen is None
            or in_window is None
            or funded_due is None
            or funded is None
            or overdue_due is None
            or overdue is None
            or travel is None
        ):
            return None
        return Headline(due, seen, in_window, funded_due, funded, overdue_due, overdue, travel)

    def more_children(self) -> int | None:
        """At most how many more children a plan with any links could see than this one."""
        if self.children_bound_any_links is None or self.scheduled is None:
            return None
        return self.children_bound_any_links - self.scheduled

    def summary(self) -> str:
        """A few lines for a person: children seen of due, funded two-year-olds, the status,
        the bound and the gap."""
        return "\n".join(self._lines())

    def __str__(self) -> str:
        return self.summary()

    def _lines(self) -> Iterator[str]:
        def of(part: int | None, whole: int | None) -> str:
            if part is None or whole is None:
                return "not recorded"
            share = f" ({100 * part / whole:.0f}%)" if whole else ""
            return f"{part} of {whole}{share}"

        yield f"children seen        {of(self.scheduled, self.children_due)}"
        yield f"funded two-year-olds {of(self.funded_two_scheduled, self.funded_two_due)}"
        if self.status is not None:
            yield f"status               {self.status}"
        if self.objective is not None and self.best_bound is not None:
            yield f"objective            {self.objective:,.3f}, bound {self.best_bound:,.3f}"
        if self._has("gap"):
            gap = "not finite" if self.gap is None else f"{100 * self.gap:.2f}%"
            yield f"gap                  {gap}"


CREATED_AT = "created_at"
"""The plan's creation time: ``Plan.created_at``, written into ``summary.json`` by the plan
folder's writer, never held here twice."""

_BOOKKEEPING = frozenset({"nulls", "extra"})


def _tuple_of(read: Callable[[str, Any], T]) -> Callable[[str, Any], tuple[T, ...]]:
    return lambda key, value: tuple(
        read(f"{key}[{i}]", item) for i, item in enumerate(_list(key, value))
    )


def _table_of(read: Callable[[str, Any], T]) -> Callable[[str, Any], dict[str, T]]:
    return lambda key, value: _table(key, value, read)


_READERS: dict[str, Callable[[str, Any], Any]] = {
    "children_due": _int,
    "scheduled": _int,
    "in_window": _int,
    "funded_two_due": _int,
    "funded_two_scheduled": _int,
    "overdue_due": _int,
    "overdue_scheduled": _int,
    "send_due": _int,
    "send_scheduled": _int,
    "priority_coverage": _number,
    "travel_km": _number,
    "visits": _int,
    "unscheduled_by_reason": _table_of(_int),
    "practitioners": _table_of(PractitionerUse.from_document),
    "settings": _int,
    "settings_linked": _int,
    "links_kept": _int,
    "overcommitted_practitioners": _table_of(_int),
    "link_stage": LinkStage.from_document,
    "status": _text,
    "objective": _number,
    "best_bound": _number,
    "gap": _number,
    "best_bound_any_links": _number,
    "gap_any_links": _number,
    "children_bound_any_links": _int,
    "solve_seconds": _number,
    "pins_unhonoured": _tuple_of(UnhonouredPin.from_document),
    "objective_terms": _table_of(_number),
    "link_cost_terms": _table_of(_number),
    "baseline": Baseline.from_document,
    "term_name": _text,
    "model": _text,
    "data_path": _text,
    "today": _text,
    "stopped_early": _bool,
    "plan_digest": _text,
    "bookings": _tuple_of(BookingNote.from_document),
    "check_violations": _int,
}
"""How each known key is read; :func:`_check_readers` keeps it in step with the fields."""


def _check_readers() -> None:
    if set(_READERS) != set(PlanSummary.known_keys()):
        raise AssertionError(
            f"summary readers and fields differ: {set(_READERS) ^ set(PlanSummary.known_keys())}"
        )


_check_readers()

KPI_KEYS: tuple[str, ...] = PlanSummary.CONTRACT_KEYS
"""What a version list shows and a comparison diffs first: the contract's keys."""
