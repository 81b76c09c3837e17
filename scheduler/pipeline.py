"""From validated data to a checked plan: outcomes, links, pins, pieces, solve, explanations,
KPIs, check.

This is the one function the CLI and the dashboard call. It raises only for programmer errors
or pins naming unknown ids (:class:`~scheduler.errors.InputError`); everything else comes back
as a result with a status.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from scheduler.availability import Availability
from scheduler.calendar import age_months
from scheduler.check import CheckReport, check_plan
from scheduler.config import Config, Priorities, only_weights_changed
from scheduler.domain import Authority, Child
from scheduler.explain import explain_unscheduled
from scheduler.io.plan_files import plan_digest
from scheduler.kpis import summarise
from scheduler.matching.links import LinkBasis, LinkOptions, LinkResult, choose_links
from scheduler.matching.problem import STRICT_BOUNDS
from scheduler.outcomes import Standing
from scheduler.pins import PinDecision, check_link_pins, check_pin_ids, link_pins, resolve_pins
from scheduler.plan import LOCATION_OF_MODEL, Appointment, Pin, Plan
from scheduler.priority import SCALE
from scheduler.scheduling.bounds import AnyLinksBound, any_links_bound
from scheduler.scheduling.model import reweighting_bound, structure_key
from scheduler.scheduling.problem import (
    GroupProblem,
    build_problem,
    stability_points,
    with_pins,
)
from scheduler.scheduling.rota import Rota, hand_greedy
from scheduler.scheduling.solve import (
    PieceBound,
    PieceOutcome,
    PiecePool,
    Progress,
    ProgressCallback,
    merge,
    solve_pieces,
)
from scheduler.summary import Baseline, PlanSummary

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PlanOptions:
    """Solver knobs: time limits (seconds), parallel workers and the random seed."""

    time_limit: float = 60.0
    link_time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    relink: bool = False
    """In a re-plan, re-optimise links too (by default they are kept)."""
    deterministic: bool = False
    """Limits in CP-SAT's deterministic time, not seconds: the same data and options give the
    same plan (the same ``plan_digest``) on any machine, however fast or busy."""


@dataclass(frozen=True)
class PlanResult:
    """The plan, the link stage's details and the independent check of the plan: one result,
    not changed after it is made (``plan.summary`` holds its figures, typed)."""

    plan: Plan
    links: LinkResult
    check: CheckReport
    baseline: Baseline | None = None
    """The hand-made rota's figures (``summary.baseline``), when known."""
    config: Config | None = None
    """The config the plan was made with: a what-if from it reuses what its changes left
    alone."""
    piece_bounds: tuple[PieceBound, ...] = ()
    """Each stage-2 piece with its proven bound: a what-if from this plan starts its pieces'
    bounds from them. Empty for a plan read back from files."""


LINK_WEIGHTS = ("continuity", "travel", "balance")
"""The weights that price links; the others price children, which the links weigh only for
children a practitioner could never see."""


def same_links_weights(old: Priorities | None, new: Priorities) -> bool:
    """Whether a plan made with ``old`` weights keeps its links under ``new`` ones."""
    return old is not None and all(getattr(old, w) == getattr(new, w) for w in LINK_WEIGHTS)


MIN_SOLVE_SHARE = 0.25
"""However much loading, writing or saving take, the plan itself gets at least this share of
the time limit the user set (a plan with no time to solve is no plan)."""


LINK_SHARE = 0.4
"""At most this share of the time limit goes to the links, whatever ``link_time_limit`` says:
the reviews need the rest."""


WHAT_IF_LINK_SHARE = 0.2
"""A what-if's link search starts from the plan's own links, which new weights mostly keep, so
it needs less: on data/sample it found the same links in 0.12 s as in 0.48 s (travel or
continuity +1, 1.2 s asked), and on a large authority 2 s of 10 gave links 0.14% dearer than
4 s did and a better plan (bench/PLAN.md, session 8)."""


def link_budget(options: PlanOptions, what_if: bool = False) -> float:
    """Seconds for the link stage: its own limit, within its share of the whole (a smaller
    share in a what-if, whose search starts from the plan's links)."""
    share = WHAT_IF_LINK_SHARE if what_if else LINK_SHARE
    return min(options.link_time_limit, share * options.time_limit)


def after_solve_seconds(children: int) -> float:
    """Time kept back from the solve for what follows it (merging the pieces, the hand-made
    baseline, explanations, the check), so the whole plan ends within its time limit. It grows
    faster than the children. Measured on a 2-core machine with the any-links bound worked out
    beside the search: 0.11–0.25 s for data/sample's 1,500 children and 0.76–0.92 s for a
    large authority's 6,000 when idle, up to 2.1 s for the 6,000 when busy with other plans
    (bench/PLAN.md, session 9). This keeps back the busy figure: the dashboard's server and
    other work share the machine."""
    return 0.3 + 0.00025 * children + 1e-8 * children**2


def _progress(
    callback: ProgressCallback | None,
    stage: str,
    began: float,
    answer: frozenset[str] | None = None,
) -> None:
    """Report a stage; with ``answer`` (the children a whole plan already books), a first
    answer to show while the stage runs."""
    if callback is not None:
        elapsed = time.perf_counter() - began
        booked = answer or frozenset()
        callback(Progress(stage, 0, 0, 0.0, 0.0, elapsed, booked, whole=answer is not None))


@dataclass(frozen=True, slots=True)
class Work:
    """The due children sorted by what happens to them this run."""

    to_book: list[Child]
    history: list[Appointment]
    """Previous appointments before today, kept as they were (replan from today)."""
    not_booked: list[Child]
    """Due children who must not be booked: declined, or not brought twice."""


def sort_work(availability: Availability, previous: Plan | None) -> Work:
    """History before today is kept; declined and follow-up children are not booked; everyone
    else due is booked (again)."""
    today = availability.today
    history: list[Appointment] = []
    kept: set[str] = set()
    children = availability.authority.children
    if previous is not None and today is not None:
        for a in previous.appointments:
            if a.date >= today or a.child_id not in children:
                continue
            if a.date in availability.histories[a.child_id].did_not_happen:
                continue  # not brought, cancelled or declined: dropped, re-booked below
            history.append(a)
            kept.add(a.child_id)
    to_book: list[Child] = []
    not_booked: list[Child] = []
    for child in availability.due:
        if child.child_id in kept:
            continue
        if availability.standing(child) is Standing.OPEN:
            to_book.append(child)
        else:
            not_booked.append(child)
    return Work(to_book, history, not_booked)


def slots_to_keep(start_from: Plan | None, availability: Availability) -> dict[str, Appointment]:
    """Each child's slot in the plan started from, to keep where the rules allow, except a slot
    an outcome says did not happen (not brought, cancelled or declined on that day; a review
    today can have one): the child is booked afresh, after the notice period, never back into
    the slot they missed."""
    if start_from is None:
        return {}
    histories = availability.histories
    return {
        a.child_id: a
        for a in start_from.appointments
        if a.child_id not in histories or a.date not in histories[a.child_id].did_not_happen
    }


def make_plan(
    authority: Authority,
    options: PlanOptions = PlanOptions(),
    *,
    pins: Sequence[Pin] = (),
    previous: Plan | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    data_path: str | None = None,
    created_at: datetime | None = None,
    warm: PlanResult | None = None,
    pieces: PiecePool | None = None,
    bounds_from: Sequence[PieceBound] = (),
    link_basis: LinkBasis | None = None,
) -> PlanResult:
    """Plan the term: every due child scheduled or explained, the plan checked.

    With ``previous`` (a re-plan) links are kept unless ``options.relink``, and children keep
    their previous day and time wherever the rules still allow; with ``[term] today`` set,
    the previous plan's appointments before today are history, kept unless an outcome says
    the review did not happen.

    ``warm`` (a what-if: the same data, other weights or review settings) starts from that
    plan: its links are reused when only child weights changed, and are where the link search
    starts otherwise; its slots are the solver's first answer wherever the rules still allow
    them, with no bonus for keeping them, and when only weights changed (and the pins did not)
    the plan itself is reported as a first answer at once; its pieces' bounds, and
    ``bounds_from`` (another plan's, e.g. the session's last what-if), bound the pieces of the
    same structure under the new weights; ``link_basis`` (another plan's link problem, e.g.
    the session's last what-if's, :attr:`LinkResult.basis`) is priced again when the link
    problem is the same but for the weights. ``pieces`` solves
    stage 2's pieces elsewhere (``plan-many``: Ray tasks); by default, worker processes here.
    """
    began = time.perf_counter()
    _progress(progress, "preparing", began)
    config = authority.config
    availability = Availability(authority)
    start_from = previous or (warm.plan if warm is not None else None)
    work = sort_work(availability, start_from)
    check_pin_ids(pins, authority)
    stability = stability_points(previous is not None, availability.today is not None)
    kept = slots_to_keep(start_from, availability)
    any_links = _beside(
        any_links_bound, authority, availability, work.to_book, kept, stability=stability
    )

    # A what-if's plan keeps every rule when only the weights changed (and the pins did not),
    # so it is a first answer at once, while links are chosen and the pieces improve on it.
    to_book = {c.child_id for c in work.to_book}
    answer = (
        frozenset(a.child_id for a in warm.plan.appointments if a.child_id in to_book)
        if warm is not None
        and previous is None
        and only_weights_changed(warm.config, config)
        and list(warm.plan.pins) == list(pins)
        else None
    )
    _progress(progress, "matching", began, answer)
    links, unhonoured = _choose_links(
        authority,
        availability,
        work,
        options,
        pins=pins,
        previous=previous,
        warm=warm,
        stop=stop,
        link_basis=link_basis,
    )
    _progress(progress, "scheduling", began, answer)
    solved = _book(
        authority,
        availability,
        work,
        links,
        options,
        pins=pins,
        kept=kept,
        stability=stability,
        seconds=lambda: _solve_seconds(options, began, len(work.to_book), warm is not None),
        progress=progress,
        stop=stop,
        pieces=pieces,
        earlier=[*(warm.piece_bounds if warm is not None else ()), *bounds_from],
        answer_first=warm is not None,
    )
    unhonoured += solved.unhonoured

    _progress(progress, "explaining", began)
    appointments = [*work.history, *_appointments(authority, availability, solved.rota)]
    priority = {c.child_id: availability.priority(c) for c in availability.due}
    unscheduled = explain_unscheduled(
        authority,
        availability,
        links.links,
        appointments,
        priority,
        not_booked=work.not_booked,
        rota=solved.rota,
    )
    figures = _figures(solved, any_links.result())
    stamp = created_at or datetime.now(UTC).replace(microsecond=0)
    summary = summarise(
        authority,
        availability,
        links,
        appointments,
        unscheduled,
        priority,
        status=figures.status,
        objective=figures.objective,
        best_bound=figures.bound,
        best_bound_any_links=figures.any_links.points,
        children_bound_any_links=figures.any_links.children + len(work.history),
        solve_seconds=time.perf_counter() - began,
    )
    objective_terms = {
        name: round(value / SCALE, 3) for name, value in solved.rota.objective_terms().items()
    }
    summary = replace(
        summary,
        pins_unhonoured=tuple(d.as_unhonoured() for d in unhonoured),
        objective_terms=objective_terms,
        link_cost_terms=links.cost_terms(),
    )
    if os.environ.get(STRICT_BOUNDS):
        _assert_bounds(summary)
    hand = solved.hand
    today = config.term.today.isoformat() if config.term.today else None
    summary = replace(
        summary,
        baseline=summarise_baseline(
            availability, _appointments(authority, availability, hand), priority, hand
        ),
        term_name=config.term.name,
        model=config.review.model,
        data_path=data_path,
        today=today,
        stopped_early=bool(stop is not None and stop.is_set()),
        nulls=frozenset(k for k, v in (("data_path", data_path), ("today", today)) if v is None),
    )
    plan = Plan(
        links=links.links,
        appointments=sorted(
            appointments, key=lambda a: (a.date, a.start, a.practitioner_id, a.child_id)
        ),
        unscheduled=unscheduled,
        summary=summary,
        created_at=stamp,
        sequences=dict(start_from.sequences) if start_from else {},
        pins=list(pins),
    )
    plan = replace(plan, summary=replace(summary, plan_digest=plan_digest(plan)))
    _progress(progress, "checking", began)
    report = check_plan(authority, plan, previous=start_from, pins=pins)
    plan = replace(plan, summary=replace(plan.summary, check_violations=len(report.violations)))
    _progress(progress, "done", began)
    return PlanResult(
        plan=plan,
        links=links,
        check=report,
        baseline=summary.baseline,
        config=config,
        piece_bounds=tuple(
            PieceBound(piece, outcome.bound)
            for piece, outcome in zip(solved.pieces, solved.outcomes, strict=True)
        ),
    )


def _choose_links(
    authority: Authority,
    availability: Availability,
    work: Work,
    options: PlanOptions,
    *,
    pins: Sequence[Pin],
    previous: Plan | None,
    warm: PlanResult | None,
    stop: threading.Event | None,
    link_basis: LinkBasis | None = None,
) -> tuple[LinkResult, list[PinDecision]]:
    """Stage 1: pinned links, a re-plan's links kept (unless ``relink``), a what-if's reused
    when only child weights changed (other review minutes change the links' loads); otherwise
    chosen afresh, from the what-if's links; the link problem of the what-if's plan, or
    ``link_basis``, is priced again where it fits. With the link pins not kept."""
    pinned_links, unhonoured = link_pins(pins)
    previous_links = (
        {link.setting_id: link.practitioner_id for link in previous.links} if previous else {}
    )
    kept_links = dict(pinned_links)
    if previous is not None and not options.relink:
        for sid, pid in previous_links.items():
            if sid in authority.settings and pid in authority.practitioners:
                kept_links.setdefault(sid, pid)
    if (
        warm is not None
        and warm.config is not None
        and previous is None
        and not pins
        and only_weights_changed(warm.config, authority.config)
        and same_links_weights(warm.config.priorities, authority.config.priorities)
    ):
        return warm.links, unhonoured
    links = choose_links(
        authority,
        availability,
        children=work.to_book,
        pinned=kept_links,
        previous=previous_links,
        options=LinkOptions(
            time_limit=link_budget(options, what_if=warm is not None),
            workers=options.workers,
            seed=options.seed,
            deterministic=options.deterministic,
        ),
        stop=stop,
        start={link.setting_id: link.practitioner_id for link in warm.links.links}
        if warm
        else None,
        bases=[b for b in (warm.links.basis if warm else None, link_basis) if b is not None],
    )
    return links, unhonoured + check_link_pins(pinned_links, links.links)


def _solve_seconds(
    options: PlanOptions, began: float, children: int, what_if: bool = False
) -> float:
    """The pieces' share of the time limit: what the links left, less what follows them."""
    if options.deterministic:
        return max(0.1, options.time_limit - link_budget(options, what_if))
    spent = time.perf_counter() - began
    return max(0.1, options.time_limit - spent - after_solve_seconds(children))


@dataclass(frozen=True)
class Booked:
    """Stage 2's result: the merged rota, each piece's outcome, the hand-made baseline."""

    problem: GroupProblem
    rota: Rota
    hand: Rota
    pieces: list[GroupProblem]
    outcomes: list[PieceOutcome]
    unhonoured: list[PinDecision]


def _book(
    authority: Authority,
    availability: Availability,
    work: Work,
    links: LinkResult,
    options: PlanOptions,
    *,
    pins: Sequence[Pin],
    kept: dict[str, Appointment],
    stability: float,
    seconds: Callable[[], float],
    progress: ProgressCallback | None,
    stop: threading.Event | None,
    pieces: PiecePool | None = None,
    earlier: Sequence[PieceBound] = (),
    answer_first: bool = False,
) -> Booked:
    """Stage 2: the options under these links, the appointment pins that hold, the pieces
    solved (for ``seconds()``, asked once they are ready to solve) and merged. ``earlier``
    pieces (the plan a what-if starts from) bound the same pieces now; with
    ``answer_first`` every piece's warm start is reported as a first answer; ``kept`` are the
    slots of the plan started from that the rules still allow (:func:`slots_to_keep`)."""
    link_of = {link.setting_id: link.practitioner_id for link in links.links}
    problem = build_problem(
        authority,
        availability,
        link_of,
        children=work.to_book,
        previous=kept,
        stability=stability,
    )
    decisions = resolve_pins(
        pins,
        authority,
        availability,
        problem,
        link_of,
        history={a.child_id: a.date for a in work.history},
    )
    problem = with_pins(problem, decisions.accepted)
    parts = problem.pieces()
    outcomes = solve_pieces(
        parts,
        time_limit=seconds(),
        workers=options.workers,
        seed=options.seed,
        progress=progress,
        stop=stop,
        points_per_unit=SCALE,
        deterministic=options.deterministic,
        pool=pieces,
        known_bounds=_known_bounds(parts, earlier),
        answer_first=answer_first,
    )
    return Booked(
        problem=problem,
        rota=merge(problem, outcomes),
        hand=hand_greedy(problem),
        pieces=parts,
        outcomes=outcomes,
        unhonoured=decisions.unhonoured,
    )


def _known_bounds(parts: list[GroupProblem], earlier: Sequence[PieceBound]) -> list[int | None]:
    """Each piece's lowest bound carried over from the same practitioner's pieces of earlier
    plans with other weights, where they have the same model."""
    by_practitioner: dict[str, list[PieceBound]] = {}
    for e in earlier:
        if e.problem.practitioners:
            by_practitioner.setdefault(e.problem.practitioners[0].practitioner_id, []).append(e)
    known: list[int | None] = []
    for part in parts:
        sources = by_practitioner.get(part.practitioners[0].practitioner_id, [])
        key = structure_key(part) if sources else b""
        carried = [reweighting_bound(e.problem, e.bound, part, e.key, key) for e in sources]
        proven = [b for b in carried if b is not None]
        known.append(min(proven) if proven else None)
    return known


@dataclass(frozen=True)
class Figures:
    """What the plan claims: its objective, the bounds and the status they justify."""

    objective: float
    bound: float
    any_links: AnyLinksBound
    status: str


def _beside(work: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
    """``work`` started in a thread of its own, to be collected later: the any-links bound
    needs neither links nor slots, so it is worked out while the links and the pieces are
    searched (CP-SAT leaves Python free meanwhile) rather than after them."""
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside")
    future = thread.submit(work, *args, **kwargs)
    thread.shutdown(wait=False)  # the thread ends once ``work`` has
    return future


def _figures(booked: Booked, any_links: AnyLinksBound) -> Figures:
    """Objective, the bound with these links (the smaller of the pieces' and the any-links
    bound: both bound it), and a status that describes the delivered plan."""
    objective = booked.rota.objective() / SCALE
    pieces_bound = sum(o.bound for o in booked.outcomes) / SCALE
    bound = min(pieces_bound, any_links.points)
    statuses = {o.status for o in booked.outcomes}
    status = (
        "OPTIMAL"
        if objective >= bound
        else "FEASIBLE"
        if statuses & {"OPTIMAL", "FEASIBLE"}
        else "GREEDY"
    )
    return Figures(objective, bound, any_links, status)


def _assert_bounds(summary: PlanSummary) -> None:
    tolerance = 1e-6
    objective = summary.objective
    assert objective is not None and summary.scheduled is not None
    for key, bound in (
        ("best_bound", summary.best_bound),
        ("best_bound_any_links", summary.best_bound_any_links),
    ):
        if bound is None or objective > bound + tolerance:
            raise AssertionError(f"objective {objective} above {key} {bound}")
    if summary.children_bound_any_links is None or (
        summary.scheduled > summary.children_bound_any_links
    ):
        raise AssertionError("more children seen than children_bound_any_links allows")


def _appointments(
    authority: Authority, availability: Availability, rota: Rota
) -> list[Appointment]:
    """The rota's slots as the contract's appointment rows."""
    out = []
    for child_id, (index, day, block_start) in rota.starts().items():
        option = rota.option(child_id, index)
        child = authority.children[child_id]
        on = availability.term.days[day]
        start = block_start + option.pre
        out.append(
            Appointment(
                child_id=child_id,
                setting_id=child.setting_id,
                practitioner_id=option.practitioner_id,
                key_person_id=child.key_person_id,
                date=on,
                pre_meeting_start=block_start if option.model == "joint" else None,
                start=start,
                end=block_start + option.duration,
                location=LOCATION_OF_MODEL[option.model],
                age_months=age_months(child.date_of_birth, on),
                in_window=on <= availability.windows[child_id].in_window_end,
                model=option.model,
            )
        )
    return out


def summarise_baseline(
    availability: Availability,
    appointments: list[Appointment],
    priority: dict[str, float],
    rota: Rota,
) -> Baseline:
    """The hand-made rota's figures (children by 30-month date, first day that fits)."""
    seen = {a.child_id for a in appointments}
    due = availability.due
    return Baseline(
        scheduled=len(seen),
        funded_two_scheduled=sum(1 for c in due if c.funded_two and c.child_id in seen),
        overdue_scheduled=sum(
            1 for c in due if availability.windows[c.child_id].overdue and c.child_id in seen
        ),
        priority_coverage=(
            sum(priority[c] for c in seen if c in priority) / sum(priority.values())
            if priority
            else 1.0
        ),
        objective=rota.objective() / SCALE,
    )


__all__ = ["PinDecision", "PlanOptions", "PlanResult", "make_plan"]
