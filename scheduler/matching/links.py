"""Stage 1: a named link health practitioner for every setting.

Builds the generic assignment problem (:mod:`scheduler.matching.core`) from the authority:
the load of a setting for a practitioner is the term's review minutes there plus travel for
the visits that needs; the cost adds travel, a change of existing link, unspoken home
languages, a change of locality team and — decisive — each child the pair could not see this
term at all (no common day), which costs as much as leaving that child out. Capacities are soft:
every setting keeps a link even when there is not enough time to go round, and the
over-committed practitioners are reported.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import median_low

import polars as pl

from scheduler.availability import Availability
from scheduler.config import Priorities, ReviewModel
from scheduler.domain import Authority, Child, Practitioner, Setting
from scheduler.matching import AssignmentProblem, solve_assignment
from scheduler.plan import Link
from scheduler.priority import (
    CONTINUITY_POINTS,
    KM_POINTS,
    LANGUAGE_POINTS,
    STUCK_CONTINUITY_POINTS,
    TEAM_POINTS,
    UTILISATION_POINTS,
    VISIT_POINTS,
)
from scheduler.review import block_minutes
from scheduler.stopping import StopSignal
from scheduler.travel import haversine_km, travel_minutes

ENGLISH = {"english", "en", ""}

REVIEWS_PER_VISIT_CAP = 6
"""A visit is counted for at most this many reviews even when the practitioner's daily limit
is higher: a visit of a whole day at one setting is not how the work is planned, and the
count only prices travel in the link's cost."""


@dataclass(frozen=True, slots=True)
class LinkOptions:
    """Knobs of the link stage; defaults suit authorities up to a few thousand settings."""

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    candidates_per_setting: int = 10
    deterministic: bool = False
    """CP-SAT's deterministic time instead of the wall clock: the same links on any machine."""


@dataclass(frozen=True, slots=True)
class LinkCost:
    """What linking a setting to a practitioner costs, in points, term by term."""

    unseen: float
    """The priority points of the setting's children this practitioner could never see."""
    travel: float
    """Visits and their distance from the practitioner's base (``travel`` weight)."""
    change: float
    """Changing the setting's existing link (``continuity`` weight)."""
    languages: float
    """Children whose home language the practitioner does not speak."""
    team: float
    """A practitioner from another team than the existing link's."""

    @property
    def total(self) -> float:
        return self.unseen + self.travel + self.change + self.languages + self.team


LINK_COST_TERMS: tuple[str, ...] = ("unseen", "travel", "change", "languages", "team")
""":class:`LinkCost`'s terms, in the order reports list them."""


def link_cost(
    w: Priorities,
    *,
    unseeable_points: float,
    visits: int,
    km: float,
    change_points: float,
    changes: bool,
    language_misses: int,
    crosses_team: bool,
) -> LinkCost:
    """The pair's cost (see :class:`LinkCost`): one line per term."""
    return LinkCost(
        unseen=unseeable_points,
        travel=w.travel * visits * (VISIT_POINTS + 2 * km * KM_POINTS),
        change=change_points * changes,
        languages=LANGUAGE_POINTS * language_misses,
        team=TEAM_POINTS * crosses_team,
    )


@dataclass(frozen=True, slots=True)
class PairFacts:
    """Why a practitioner would or would not suit a setting: the parts of the pair's cost."""

    setting_id: str
    practitioner_id: str
    distance_km: float
    visits: int
    load_minutes: int
    unseeable: int
    unseeable_points: float
    language_misses: int
    changes_link: bool
    crosses_team: bool
    terms: LinkCost

    @property
    def cost(self) -> float:
        return self.terms.total


@dataclass
class LinkResult:
    """Chosen links, who is over-committed, and the solver's figures."""

    links: list[Link]
    unlinked: list[str]
    capacity_minutes: dict[str, int]
    load_minutes: dict[str, int]
    overcommitted: dict[str, int]
    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    facts: dict[tuple[str, str], PairFacts] = field(default_factory=dict)
    basis: LinkBasis | None = None
    """What the links were chosen from, weights aside: a what-if prices it again."""

    def cost_terms(self) -> dict[str, float]:
        """The chosen links' costs by term (:data:`LINK_COST_TERMS`, in points): why these
        links. The link objective's over-capacity and balance terms are not among them."""
        chosen = [
            self.facts[key]
            for key in ((link.setting_id, link.practitioner_id) for link in self.links)
            if key in self.facts
        ]
        return {
            name: round(sum(getattr(f.terms, name) for f in chosen), 3) for name in LINK_COST_TERMS
        }


def practitioner_capacity(
    practitioner: Practitioner,
    availability: Availability,
    typical_block: int,
    day_journey: int = 0,
) -> int:
    """Minutes available in the term, in the loads' currency: each working, non-absent review
    day gives the day's hours, limited by ``max_reviews_per_day`` typical blocks plus the
    journey there and back that a day of visits needs (``day_journey``).

    Why the journey: a pair's load counts the round trip of every visit, so a capacity of
    review minutes alone would make a practitioner doing one review a day look over-committed
    wherever they go; every practitioner then looks full, the overload penalty stops telling
    them apart, and links ignore who has room (large authority: 4,083 children seen; with
    the journey ~4,620).
    """
    days = bin(availability.practitioner_days[practitioner.practitioner_id]).count("1")
    per_day = min(
        practitioner.day_end - practitioner.day_start,
        practitioner.max_reviews_per_day * typical_block + max(0, day_journey),
    )
    return days * max(0, per_day)


def can_serve(
    practitioner: Practitioner, setting: Setting, authority: Authority, joint_only: bool = True
) -> bool:
    """A practitioner can hold a setting's link when they do reviews and, where the link only
    runs joint reviews, work on at least one of its open days. (Hours that are too short for
    a review are the data's problem, explained per child, not a reason to leave the setting
    without a link.)"""
    if practitioner.max_reviews_per_day <= 0:
        return False
    if not joint_only:
        return True
    return bool(practitioner.working_days & setting.open_days)


def _candidates(
    setting: Setting,
    authority: Authority,
    children: Sequence[Child],
    keep: set[str],
    k: int,
    joint_only: bool,
) -> list[tuple[str, float]]:
    """Nearest capable practitioners, plus the existing/pinned link and language speakers."""
    ranked = sorted(
        (
            (haversine_km(p.base_lat, p.base_lon, setting.lat, setting.lon), p.practitioner_id)
            for p in authority.practitioners.values()
        ),
    )
    capable = [
        (pid, km)
        for km, pid in ranked
        if can_serve(authority.practitioners[pid], setting, authority, joint_only)
    ]
    chosen = dict(capable[:k])
    languages = {(c.home_language or "").strip().lower() for c in children} - ENGLISH
    if languages and capable:
        reach = capable[min(k, len(capable)) - 1][1] * 3
        for pid, km in capable[k:]:
            if km > reach:
                break
            if authority.practitioners[pid].languages & languages:
                chosen[pid] = km
    by_id = dict(capable)
    for pid in keep:
        if pid in by_id:
            chosen[pid] = by_id[pid]
    return sorted(chosen.items(), key=lambda item: (item[1], item[0]))


@dataclass
class LinkProblem:
    """The link stage as a generic assignment problem, with what is needed to read it back."""

    problem: AssignmentProblem | None  # None when no setting has a candidate practitioner
    facts: dict[tuple[str, str], PairFacts]
    unlinked: list[str]
    capacity: dict[str, int]
    due_by_setting: dict[str, list[Child]]
    existing: dict[str, str]
    hint: dict[str, str]
    basis: LinkBasis


@dataclass(frozen=True, slots=True)
class PairBasis:
    """A candidate pair's facts that no weight changes (:class:`PairFacts` before pricing)."""

    setting_id: str
    practitioner_id: str
    distance_km: float
    visits: int
    load_minutes: int
    unseeable: tuple[str, ...]
    """The setting's children this practitioner could never see (no day in common)."""
    language_misses: int
    changes_link: bool
    crosses_team: bool


@dataclass(frozen=True)
class LinkBasis:
    """The link problem before it is priced: candidate pairs, their loads, the capacities.

    No weight enters it, so a what-if that changes only weights prices it again
    (:func:`price_links`) rather than working it out again: finding the children each
    candidate could never see is most of the link stage's time outside the search.
    """

    authority: Authority
    children: frozenset[str]
    pinned: Mapping[str, str]
    previous: Mapping[str, str]
    candidates_per_setting: int
    pairs: tuple[PairBasis, ...]
    change_points: Mapping[str, float]
    """Each setting's :func:`continuity_points`, before the ``continuity`` weight."""
    unlinked: tuple[str, ...]
    capacity: Mapping[str, int]
    due_by_setting: Mapping[str, list[Child]]
    existing: Mapping[str, str]
    typical_block: int

    def fits(
        self,
        authority: Authority,
        children: frozenset[str],
        pinned: Mapping[str, str],
        previous: Mapping[str, str],
        candidates_per_setting: int,
    ) -> bool:
        """Whether these inputs give this basis: the same data (weights aside), children to
        book, pins, previous links and candidates."""
        return (
            self.children == children
            and dict(self.pinned) == dict(pinned)
            and dict(self.previous) == dict(previous)
            and self.candidates_per_setting == candidates_per_setting
            and self.authority.same_but_weights(authority)
        )


def link_basis(
    authority: Authority,
    availability: Availability,
    *,
    children: Sequence[Child] | None = None,
    pinned: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
    candidates_per_setting: int = LinkOptions().candidates_per_setting,
) -> LinkBasis:
    """Candidate pairs with their loads and facts, and practitioners' capacities: everything
    of the link problem that the weights do not change. ``children`` are the ones to book
    (default: every due child); only those whose review the setting's link would run weigh on
    a link."""
    pinned = dict(pinned or {})
    previous = dict(previous or {})
    config = authority.config
    travel = config.travel
    to_book = availability.due if children is None else children
    due_by_setting: dict[str, list[Child]] = {s: [] for s in authority.settings}
    link_model: dict[str, ReviewModel] = {}
    for child in to_book:
        models = availability.link_models(child)
        if child.setting_id is not None and models:
            due_by_setting[child.setting_id].append(child)
            link_model[child.child_id] = models[0]

    blocks = [
        block_minutes(c, link_model[c.child_id], config)
        for at_setting in due_by_setting.values()
        for c in at_setting
    ]
    typical_block = round(sum(blocks) / len(blocks)) if blocks else block_minutes_default(authority)
    existing = {
        sid: s.link_practitioner_id
        for sid, s in authority.settings.items()
        if s.link_practitioner_id
    }
    existing.update(previous)
    teams = {pid: p.team for pid, p in authority.practitioners.items()}

    pairs: list[PairBasis] = []
    change_points: dict[str, float] = {}
    journeys: dict[str, list[int]] = {}  # round trips to each practitioner's candidates
    unlinked: list[str] = []
    for sid, setting in authority.settings.items():
        here = due_by_setting[sid]
        keep = {pid for pid in (pinned.get(sid), existing.get(sid)) if pid}
        joint_only = all(link_model[c.child_id] == "joint" for c in here) and (
            config.review.model == "joint"
        )
        candidates = _candidates(setting, authority, here, keep, candidates_per_setting, joint_only)
        if sid in pinned and pinned[sid] not in dict(candidates):
            candidates.append(
                (
                    pinned[sid],
                    haversine_km(
                        authority.practitioners[pinned[sid]].base_lat,
                        authority.practitioners[pinned[sid]].base_lon,
                        setting.lat,
                        setting.lon,
                    ),
                )
            )
        if not candidates:
            unlinked.append(sid)
            continue
        current = existing.get(sid)
        current_team = teams.get(current) if current else None
        languages = [(c.home_language or "").strip().lower() for c in here]
        at_setting = [c for c in here if link_model[c.child_id] == "joint"]
        change_points[sid] = continuity_points(current, here, authority, availability)
        minutes = sum(block_minutes(c, link_model[c.child_id], config) for c in here)
        for pid, km in candidates:
            practitioner = authority.practitioners[pid]
            per_visit = max(1, min(practitioner.max_reviews_per_day, REVIEWS_PER_VISIT_CAP))
            visits = math.ceil(len(at_setting) / per_visit)
            leg = travel_minutes(km, travel.speed_kmh, travel.detour_factor)
            if at_setting:
                journeys.setdefault(pid, []).append(2 * leg)
            pairs.append(
                PairBasis(
                    sid,
                    pid,
                    km,
                    visits,
                    minutes + visits * 2 * leg,
                    tuple(c.child_id for c in here if not availability.link_days(c, pid)),
                    sum(
                        1
                        for lang in languages
                        if lang not in ENGLISH and lang not in practitioner.languages
                    ),
                    current is not None and current != pid,
                    current_team is not None
                    and practitioner.team is not None
                    and practitioner.team != current_team,
                )
            )

    capacity = {
        pid: practitioner_capacity(
            p, availability, typical_block, median_low(journeys.get(pid, [0]))
        )
        for pid, p in authority.practitioners.items()
    }
    return LinkBasis(
        authority=authority,
        children=frozenset(c.child_id for c in to_book),
        pinned=pinned,
        previous=previous,
        candidates_per_setting=candidates_per_setting,
        pairs=tuple(pairs),
        change_points=change_points,
        unlinked=tuple(unlinked),
        capacity=capacity,
        due_by_setting=due_by_setting,
        existing=existing,
        typical_block=typical_block,
    )


def price_links(basis: LinkBasis, authority: Authority, availability: Availability) -> LinkProblem:
    """The link problem under ``authority``'s weights: each pair's cost, term by term."""
    w = authority.config.priorities
    points = {c.child_id: availability.priority(c) for c in availability.due}
    facts: dict[tuple[str, str], PairFacts] = {}
    rows: list[dict[str, object]] = []
    for pair in basis.pairs:
        unseeable_points = sum(points[cid] for cid in pair.unseeable)
        terms = link_cost(
            w,
            unseeable_points=unseeable_points,
            visits=pair.visits,
            km=pair.distance_km,
            change_points=w.continuity * basis.change_points[pair.setting_id],
            changes=pair.changes_link,
            language_misses=pair.language_misses,
            crosses_team=pair.crosses_team,
        )
        facts[(pair.setting_id, pair.practitioner_id)] = PairFacts(
            pair.setting_id,
            pair.practitioner_id,
            pair.distance_km,
            pair.visits,
            pair.load_minutes,
            len(pair.unseeable),
            unseeable_points,
            pair.language_misses,
            pair.changes_link,
            pair.crosses_team,
            terms,
        )
        rows.append(
            {
                "item": pair.setting_id,
                "agent": pair.practitioner_id,
                "cost": terms.total,
                "load": pair.load_minutes,
            }
        )
    capacity = dict(basis.capacity)
    existing = dict(basis.existing)
    due_by_setting = dict(basis.due_by_setting)
    unlinked = list(basis.unlinked)
    hint = {sid: pid for sid, pid in existing.items() if (sid, pid) in facts}
    if not rows:
        return LinkProblem(None, facts, unlinked, capacity, due_by_setting, existing, hint, basis)
    pairs = pl.DataFrame(
        rows, schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64}
    )
    capacities = pl.DataFrame(
        {"agent": list(capacity), "capacity": list(capacity.values())},
        schema={"agent": pl.String, "capacity": pl.Int64},
    )
    mean_points = sum(points.values()) / len(points) if points else 1.0
    problem = AssignmentProblem(
        pairs=pairs,
        capacities=capacities,
        pinned={s: p for s, p in basis.pinned.items() if s in authority.settings},
        overload_penalty=mean_points / max(1, basis.typical_block),
        balance_weight=w.balance * UTILISATION_POINTS,
    )
    return LinkProblem(problem, facts, unlinked, capacity, due_by_setting, existing, hint, basis)


def build_link_problem(
    authority: Authority,
    availability: Availability,
    *,
    children: Sequence[Child] | None = None,
    pinned: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
    options: LinkOptions = LinkOptions(),
    bases: Sequence[LinkBasis] = (),
) -> LinkProblem:
    """Candidate pairs with their costs and loads, and practitioners' capacities.

    Separate from :func:`choose_links` so benchmarks can hand the very same problem to other
    solvers (the greedy baseline, a MIP). ``children`` are the ones to book (default: every
    due child); only those whose review the setting's link would run weigh on a link.
    The first of ``bases`` (earlier plans') that fits these inputs is priced again.
    """
    to_book = availability.due if children is None else children
    ids = frozenset(c.child_id for c in to_book)
    basis = next(
        (
            b
            for b in bases
            if b.fits(authority, ids, pinned or {}, previous or {}, options.candidates_per_setting)
        ),
        None,
    )
    if basis is None:
        basis = link_basis(
            authority,
            availability,
            children=to_book,
            pinned=pinned,
            previous=previous,
            candidates_per_setting=options.candidates_per_setting,
        )
    return price_links(basis, authority, availability)


def choose_links(
    authority: Authority,
    availability: Availability,
    *,
    children: Sequence[Child] | None = None,
    pinned: Mapping[str, str] | None = None,
    previous: Mapping[str, str] | None = None,
    options: LinkOptions = LinkOptions(),
    stop: StopSignal | None = None,
    start: Mapping[str, str] | None = None,
    bases: Sequence[LinkBasis] = (),
) -> LinkResult:
    """Link every setting that some practitioner can serve; report the rest as unlinked.

    ``pinned`` (setting -> practitioner) are kept whatever they cost; ``previous`` links (from
    the last plan) count as existing links for continuity, overriding ``link_practitioner_id``.
    ``stop`` ends the search early with the best links found so far. ``start`` (a what-if: the
    links of the plan it was asked of) is one more assignment the search starts from, and
    the first of ``bases`` (earlier plans' :attr:`LinkResult.basis`) that fits is priced
    again rather than worked out.
    """
    pinned = dict(pinned or {})
    built = build_link_problem(
        authority,
        availability,
        children=children,
        pinned=pinned,
        previous=previous,
        options=options,
        bases=bases,
    )
    facts, unlinked, capacity = built.facts, list(built.unlinked), built.capacity
    existing = built.existing
    if built.problem is None:
        return LinkResult(
            [], unlinked, capacity, {}, {}, "OPTIMAL", 0.0, 0.0, 0.0, 0.0, facts, built.basis
        )
    result = solve_assignment(
        built.problem,
        time_limit=options.time_limit,
        workers=options.workers,
        seed=options.seed,
        hint=built.hint,
        stop=stop,
        starts=[start] if start else [],
        deterministic=options.deterministic,
    )
    links: list[Link] = []
    load: dict[str, int] = {pid: 0 for pid in authority.practitioners}
    due_here = Counter(c.setting_id for c in availability.due)
    for sid in authority.settings:
        chosen = result.assignment.get(sid)
        if chosen is None:
            if sid not in unlinked:
                unlinked.append(sid)
            continue
        f = facts[(sid, chosen)]
        pid = chosen
        load[pid] += f.load_minutes
        links.append(
            Link(
                setting_id=sid,
                practitioner_id=pid,
                children_due=due_here[sid],
                workload_minutes=f.load_minutes,
                distance_km=round(f.distance_km, 2),
                # the contract: the setting's current link in the data, not the last plan's
                kept_existing_link=authority.settings[sid].link_practitioner_id == pid,
                explanation=explain_link(f, authority, existing.get(sid), pinned.get(sid)),
            )
        )
    overcommitted = {
        pid: load[pid] - capacity[pid]
        for pid in authority.practitioners
        if load[pid] > capacity[pid]
    }
    links = [
        replace(
            link,
            reason=link_reason(
                facts[(link.setting_id, link.practitioner_id)],
                existing.get(link.setting_id),
                pinned.get(link.setting_id),
                facts,
                load,
                capacity,
                authority,
            ),
        )
        for link in links
    ]
    return LinkResult(
        links=links,
        unlinked=unlinked,
        capacity_minutes=capacity,
        load_minutes=load,
        overcommitted=overcommitted,
        status=result.status,
        objective=result.objective,
        best_bound=result.best_bound,
        gap=result.gap,
        seconds=result.seconds,
        facts=facts,
        basis=built.basis,
    )


def continuity_points(
    current: str | None, children: Sequence[Child], authority: Authority, availability: Availability
) -> float:
    """What changing the setting's existing link costs: the full continuity points while the
    existing link can see every child there; only a token when they cannot (does no reviews,
    or some child has no day in common with them), so a child is never left unseen for the
    sake of continuity."""
    if current is None or current not in authority.practitioners:
        return 0.0
    stuck = authority.practitioners[current].max_reviews_per_day <= 0 or any(
        not availability.link_days(c, current) for c in children
    )
    return STUCK_CONTINUITY_POINTS if stuck else CONTINUITY_POINTS


def block_minutes_default(authority: Authority) -> int:
    review = authority.config.review
    pre = review.pre_meeting_minutes if review.model == "joint" else 0
    return pre + review.meeting_minutes


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def link_reason(
    f: PairFacts,
    existing: str | None,
    pinned: str | None,
    facts: Mapping[tuple[str, str], PairFacts],
    load: Mapping[str, int],
    capacity: Mapping[str, int],
    authority: Authority,
) -> str:
    """Why the setting's link is kept, new or changed, in the terms a coordinator weighs: the
    children the old link could not see, how committed the old link is, the travel saved."""
    if pinned == f.practitioner_id:
        return "pinned by a coordinator"
    if existing == f.practitioner_id:
        return "existing link kept"
    if existing is None:
        return "no existing link"
    old = authority.practitioners.get(existing)
    name = old.name if old else existing
    before = facts.get((f.setting_id, existing))
    if before is None:
        if old is None or old.max_reviews_per_day <= 0:
            return f"changed: {name} does no reviews"
        return f"changed: {name} works none of the setting's open days"
    gains = []
    if before.unseeable > f.unseeable:
        n = before.unseeable - f.unseeable
        gains.append(f"{_plural(n, 'child', 'children')} {name} could never see can be seen")
    if capacity.get(existing) and load.get(existing, 0) + before.load_minutes > capacity[existing]:
        share = round(100 * (load[existing] + before.load_minutes) / capacity[existing])
        hours = round(before.load_minutes / 60)
        gains.append(f"frees {hours} h from {name}, {share}% committed with this setting")
    if before.distance_km > f.distance_km + 0.5:
        gains.append(f"{before.distance_km - f.distance_km:.1f} km less travel each way")
    if before.language_misses > f.language_misses:
        n = before.language_misses - f.language_misses
        gains.append(f"{_plural(n, 'child', 'children')} spoken to in their home language")
    if not gains:
        gains.append(f"spreads the work: {name} has more settings than time")
    return "changed: " + "; ".join(gains)


def explain_link(
    f: PairFacts, authority: Authority, existing: str | None, pinned: str | None
) -> str:
    """Why this practitioner: a short sentence for the coordinator."""
    name = authority.practitioners[f.practitioner_id].name
    parts = [f"{name}, {f.distance_km:.1f} km from base"]
    if pinned == f.practitioner_id:
        parts.append("pinned by a coordinator")
    elif existing == f.practitioner_id:
        parts.append("existing link kept")
    elif existing:
        old = authority.practitioners.get(existing)
        parts.append(f"replaces {old.name if old else existing}")
    else:
        parts.append("new link")
    if f.language_misses:
        who = _plural(f.language_misses, "child's", "children's")
        parts.append(f"{who} home language not spoken")
    if f.unseeable:
        who = _plural(f.unseeable, "child has", "children have")
        parts.append(f"{who} no day in common with this practitioner")
    parts.append(f"{f.load_minutes} min of reviews and travel this term")
    return "; ".join(parts)
