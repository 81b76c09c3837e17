"""The plan a coordinator works on: which saved version a session opens, a saved plan as a
result the dashboard can build on, the planning options, and re-planning from today.

The dashboard keeps no plan of its own between visits: a session opens on what the store
holds for its data (the published plan when it was made from these data, else the newest
draft of them), so a reload, a new tab or signing in again shows the same plan. These rules
live here, not in the UI, so they are tested without a browser.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from scheduler.check import check_plan
from scheduler.domain import Authority, Outcome
from scheduler.io.load import with_planning_date
from scheduler.matching.links import LinkResult
from scheduler.outcome_recording import MergedOutcomes, merged_authority, recording_date
from scheduler.pipeline import MIN_SOLVE_SHARE, PlanOptions, PlanResult
from scheduler.plan import Plan
from scheduler.store.datasets import authority_files, content_hash
from scheduler.store.db import Store
from scheduler.store.records import PurgedData, StoredVersion, UnknownVersion, VersionInfo
from scheduler.store.versions import load_plan


def default_workers() -> int:
    """As many solver processes as the computer has processors: the CLI's default, so the
    dashboard's plan for the same data, options and time is the CLI's plan."""
    return max(1, os.cpu_count() or 1)


SAVE_SECONDS = (0.3, 0.001)
"""Saving a plan as the next version, in seconds: a fixed part and a part per child due.
Saving numbers the plan's calendars against the published version (both plans' calendars
are built): measured on data/sample (1,500 due) at 0.2–0.35 s with nothing published and
1.5 s against a published version."""


def save_seconds(children: int) -> float:
    """About how long saving a plan of this many due children takes (:data:`SAVE_SECONDS`)."""
    fixed, per_child = SAVE_SECONDS
    return fixed + per_child * children


SHOW_SECONDS = 1.0
"""What a what-if's time limit, counted from the lead's click to the answer on screen, keeps
back for the page: its run starting the solve, about 0.3 s after the click, and drawing the
answer beside the plan it came from once the solve has ended (the status redraws every half
second, then the before and after are worked out). Measured in Chromium
(bench/bench_priorities_browser.py, data/sample, bench/PLAN.md session 8): with 0.8 s kept
back, the first status was on screen 0.3–0.4 s after the click and the answer 1.6–2.4 s after
it, 0.6–1.2 s more than the same solves take in-process."""


def plan_options(
    time_limit: float,
    *,
    link_time_limit: float = 10.0,
    seed: int = 0,
    relink: bool = False,
    deterministic: bool = False,
    saved_for: int | None = None,
    shown: bool = False,
) -> PlanOptions:
    """The dashboard's options: the CLI's defaults (workers = processors, seed 0, links ≤ 10 s
    and ≤ 40% of the limit). ``deterministic`` gives the same plan on any machine, however busy
    (CP-SAT's deterministic time), at the cost of not ending exactly on the clock.

    ``saved_for``: the plan will be saved as a version, for an authority of this many children
    (an upper bound of those due), so the
    time limit (the user's, from the click to the saved plan) keeps back what saving takes,
    as the command line keeps back writing the plan folder; a what-if is not saved.
    ``shown``: the answer is drawn beside the plan it came from (a what-if), so the limit
    keeps back :data:`SHOW_SECONDS`.
    """
    limit = float(time_limit)
    if saved_for is not None and not deterministic:
        limit = max(MIN_SOLVE_SHARE * limit, limit - save_seconds(saved_for))
    if shown and not deterministic:
        limit = max(MIN_SOLVE_SHARE * time_limit, limit - SHOW_SECONDS)
    return PlanOptions(
        time_limit=limit,
        link_time_limit=float(min(link_time_limit, time_limit)),
        workers=default_workers(),
        seed=int(seed),
        relink=relink,
        deterministic=deterministic,
    )


def dataset_hash(authority: Authority) -> str:
    """The store's identity of these data (their tables, not their config)."""
    return content_hash(authority_files(authority))


def data_hashes(authority: Authority, stored: Iterable[Outcome]) -> frozenset[str]:
    """The store's identities these data may have: as loaded, and with the outcomes recorded in
    the store merged in (a re-plan from today saves its data so, outcomes included)."""
    hashes = {dataset_hash(authority)}
    outcomes = list(stored)
    if outcomes:
        hashes.add(dataset_hash(merged_authority(authority, outcomes)[0]))
    return frozenset(hashes)


def opening_version(
    versions: Iterable[VersionInfo], data_hash: str | Collection[str]
) -> VersionInfo | None:
    """The version a session on these data opens with: the published one when it was made
    from these data, else the newest of these data; never a purged one. ``data_hash`` may be
    several (:func:`data_hashes`)."""
    wanted = {data_hash} if isinstance(data_hash, str) else set(data_hash)
    mine = [v for v in versions if v.dataset_hash in wanted and not v.purged]
    published = next((v for v in mine if v.published), None)
    if published is not None:
        return published
    return max(mine, key=lambda v: v.version, default=None)


def drafts_to_publish(
    versions: Sequence[VersionInfo], *, older_too: bool = False
) -> list[VersionInfo]:
    """The versions a coordinator may publish, newest first: those saved after the published
    one (a draft), or every unpublished one with ``older_too`` (going back to an older plan is
    a deliberate choice, never the default). Versions whose children's data were deleted are
    never offered."""
    published = max((v.version for v in versions if v.published), default=0)
    return sorted(
        (
            v
            for v in versions
            if not v.published and not v.purged and (older_too or v.version > published)
        ),
        key=lambda v: -v.version,
    )


def latest_drafts(versions: Sequence[VersionInfo], data_hash: str) -> list[VersionInfo]:
    """Versions of these data that are not published, newest first."""
    return sorted(
        (v for v in versions if v.dataset_hash == data_hash and not v.published and not v.purged),
        key=lambda v: -v.version,
    )


def result_from_stored(
    authority: Authority, plan: Plan, *, previous: Plan | None = None
) -> PlanResult:
    """A saved plan as a :class:`PlanResult`: the link stage's figures from its summary, the
    independent check run again on its data (a twentieth of a second on the sample) — against
    ``previous`` for a re-plan, as ``scheduler check --previous`` does — the hand-made rota's
    figures and the weights it was made with. A what-if can start from it
    (``make_plan(warm=...)``) exactly as from a plan made in the session."""
    summary = plan.summary
    per = summary.practitioners or {}
    stage = summary.link_stage
    linked = {link.setting_id for link in plan.links}
    links = LinkResult(
        links=list(plan.links),
        unlinked=[sid for sid in authority.settings if sid not in linked],
        capacity_minutes={pid: f.capacity_minutes for pid, f in per.items()},
        load_minutes={pid: f.link_load_minutes for pid, f in per.items()},
        overcommitted=dict(summary.overcommitted_practitioners or {}),
        status=stage.status if stage else "",
        objective=float(stage.objective) if stage else 0.0,
        best_bound=float(stage.best_bound) if stage else 0.0,
        gap=float(stage.gap) if stage and stage.gap is not None else 0.0,
        seconds=float(stage.seconds) if stage else 0.0,
    )
    return PlanResult(
        plan=plan,
        links=links,
        check=check_plan(authority, plan, previous=previous),
        baseline=summary.baseline,
        config=authority.config,
    )


def result_of_version(store: Store, stored: StoredVersion) -> PlanResult:
    """A stored version as a :class:`PlanResult`, checked as what it is: a re-plan against the
    version it was re-planned from (a re-plan from today keeps bookings inside the notice
    period, which checked alone would look like new ones), while retention keeps that one."""
    previous = None
    if stored.info.previous_version is not None:
        try:
            previous = load_plan(store, stored.info.previous_version)
        except (UnknownVersion, PurgedData):
            previous = None
    return result_from_stored(stored.authority, stored.plan, previous=previous)


@dataclass(frozen=True, slots=True)
class TodaysData:
    """The data a re-plan from today plans with, and what merging the outcomes decided."""

    authority: Authority
    today: date
    outcomes: MergedOutcomes


def earliest_replan_day(authority: Authority) -> date:
    """The earliest planning date a re-plan may use: not before an outcome in the data (an
    outcome after the planning date is an input error) nor before the term starts."""
    dates = [o.date for o in authority.outcomes]
    return max([authority.config.term.start, *dates])


def default_replan_day(authority: Authority, clock: date) -> date:
    """Today for a re-plan: ``[term] today`` when the data set it, else the calendar's today,
    within the term (and not before :func:`earliest_replan_day`)."""
    term = authority.config.term
    day = recording_date(authority.config, clock)
    return min(max(day, earliest_replan_day(authority)), term.end)


def data_for_today(authority: Authority, stored: Iterable[Outcome], today: date) -> TodaysData:
    """``authority`` planned from ``today``, with the outcomes recorded in the store merged in
    (stored wins; ones after today are left out and counted)."""
    if today < earliest_replan_day(authority):
        raise ValueError(
            f"the planning date {today:%d %b %Y} is before the term starts or before an "
            "outcome in the data"
        )
    dated = authority.with_config(with_planning_date(authority.config, today))
    merged, decided = merged_authority(dated, stored)
    return TodaysData(merged, today, decided)
