"""From data to a checked plan (scheduler/pipeline.py): the work sorted by what happens to each
child, the time budget, what a what-if reuses, progress, stopping, and bounds that must hold."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from builders import (
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_outcome,
)
from builders import make_plan as plan_of

import scheduler.matching.links as links_module
import scheduler.pipeline as pipeline
from scheduler.availability import Availability
from scheduler.config import Priorities, only_weights_changed
from scheduler.pipeline import (
    LINK_SHARE,
    WHAT_IF_LINK_SHARE,
    PlanOptions,
    _assert_bounds,
    after_solve_seconds,
    link_budget,
    make_plan,
    same_links_weights,
    sort_work,
)
from scheduler.plan import Pin
from scheduler.scheduling.solve import Progress
from scheduler.summary import PlanSummary
from scheduler.working import result_from_stored

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}
QUICK = PlanOptions(time_limit=2, link_time_limit=1, workers=1)


def test_the_link_stage_gets_its_limit_within_its_share() -> None:
    """Links get ``link_time_limit`` seconds, but never more than 40% of the whole."""
    assert link_budget(PlanOptions(time_limit=60, link_time_limit=10)) == 10
    assert link_budget(PlanOptions(time_limit=10, link_time_limit=10)) == LINK_SHARE * 10
    what_if = link_budget(PlanOptions(time_limit=10, link_time_limit=10), what_if=True)
    assert what_if == WHAT_IF_LINK_SHARE * 10 < LINK_SHARE * 10


def test_time_is_kept_back_for_what_follows_the_solve() -> None:
    """At least the most measured after the solve on a busy machine (2.1 s for 6,000
    children; 0.25 s for 1,500 on an idle one, so twice that), but not so much that the
    search goes without (less than on the session-8 reserve, 0.78 s and 3.42 s)."""
    assert after_solve_seconds(0) == pytest.approx(0.3)
    assert 2 * 0.25 <= after_solve_seconds(1500) < 0.78
    assert 2.1 <= after_solve_seconds(6000) < 3.42


def test_links_are_reused_only_when_no_link_weight_changed() -> None:
    """A child weight leaves links alone; continuity, travel or balance re-prices them."""
    base = Priorities()
    assert not same_links_weights(None, base)
    assert same_links_weights(base, base.model_copy(update={"funded_two": 9.0}))
    for weight in ("continuity", "travel", "balance"):
        assert not same_links_weights(base, base.model_copy(update={weight: 7.0}))


def test_sort_work_keeps_history_drops_what_did_not_happen_and_holds_back_declines() -> None:
    """Replanning from 14 Sep: C001's attended review and C002's booked one (no outcome yet)
    are history; C003 was not brought, so is booked again; C004 declined; C005 is new."""
    config = make_config(term={**TWO_WEEKS, "today": "2026-09-14"})
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 6)],
        outcomes=[
            make_outcome("C001", date(2026, 9, 8), "attended"),
            make_outcome("C003", date(2026, 9, 9), "was_not_brought"),
            make_outcome("C004", date(2026, 9, 9), "declined"),
        ],
        config=config,
    )
    previous = plan_of(
        authority,
        [
            appointment_for(authority, "C001", date(2026, 9, 8), hm("10:00")),
            appointment_for(authority, "C002", date(2026, 9, 8), hm("11:00")),
            appointment_for(authority, "C003", date(2026, 9, 9), hm("10:00")),
            appointment_for(authority, "C004", date(2026, 9, 9), hm("11:00")),
            appointment_for(authority, "C005", date(2026, 9, 15), hm("10:00")),
        ],
    )
    work = sort_work(Availability(authority), previous)
    assert [a.child_id for a in work.history] == ["C001", "C002"]
    assert [c.child_id for c in work.to_book] == ["C003", "C005"]
    assert [c.child_id for c in work.not_booked] == ["C004"]
    fresh = sort_work(Availability(authority), None)
    assert [c.child_id for c in fresh.to_book] == ["C002", "C003", "C005"]


def test_progress_reports_each_stage_in_order() -> None:
    """The dashboard's progress bar sees preparing, matching, scheduling, explaining,
    checking and done, in that order."""
    seen: list[Progress] = []
    authority = make_authority(config=make_config(term=TWO_WEEKS))
    make_plan(authority, QUICK, progress=seen.append)
    stages = list(dict.fromkeys(p.stage for p in seen))
    assert stages == ["preparing", "matching", "scheduling", "explaining", "checking", "done"]


def test_a_what_if_s_plan_is_its_first_answer_and_its_links_where_the_link_search_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A what-if with a link weight changed: the plan asked about (the same rules, other
    weights) is reported as a whole answer before the links are chosen, and the link search
    starts from its links, with a smaller share of the time; a plan made afresh has neither."""
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 4)], config=make_config(term=TWO_WEEKS)
    )
    base = make_plan(authority, QUICK)
    starts: list[object] = []
    real = pipeline.choose_links

    limits: list[float] = []

    def recording(*args: object, **kwargs: object) -> object:
        starts.append(kwargs.get("start"))
        limits.append(kwargs["options"].time_limit)  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "choose_links", recording)
    weights = authority.config.priorities.model_copy(update={"travel": 3.0})
    changed = replace(authority, config=authority.config.model_copy(update={"priorities": weights}))
    seen: list[Progress] = []
    make_plan(changed, QUICK, warm=base, progress=seen.append)
    first = next(p for p in seen if p.stage == "matching")
    assert first.whole
    assert first.booked == {a.child_id for a in base.plan.appointments} and first.booked
    assert starts == [{link.setting_id: link.practitioner_id for link in base.links.links}]
    assert limits == [WHAT_IF_LINK_SHARE * QUICK.time_limit]  # starting there, it needs less
    fresh: list[Progress] = []
    make_plan(changed, QUICK, progress=fresh.append)
    assert not any(p.whole for p in fresh if p.stage == "matching")
    assert starts[1] is None and limits[1] == min(QUICK.link_time_limit, LINK_SHARE * 2)


def test_a_what_if_prices_the_link_problem_of_its_plan_or_of_the_session_s_last_solve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A link-weight what-if prices the link problem it was handed (its plan's, or for a plan
    read back from the store, which has none, the session's last one) rather than working it
    out again; a plan with other data works it out."""
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 4)], config=make_config(term=TWO_WEEKS)
    )
    base = make_plan(authority, QUICK)
    worked_out: list[object] = []
    real = links_module.link_basis
    monkeypatch.setattr(
        links_module, "link_basis", lambda *a, **k: worked_out.append(a) or real(*a, **k)
    )
    weights = authority.config.priorities.model_copy(update={"travel": 3.0})
    changed = authority.with_config(authority.config.model_copy(update={"priorities": weights}))
    what_if = make_plan(changed, QUICK, warm=base)
    assert worked_out == [] and what_if.links.basis is base.links.basis
    stored = result_from_stored(authority, base.plan)
    assert stored.links.basis is None
    make_plan(changed, QUICK, warm=stored, link_basis=what_if.links.basis)
    assert worked_out == []
    make_plan(changed, QUICK, warm=stored)
    assert len(worked_out) == 1
    later = replace(changed, children={**changed.children, "C009": make_child("C009")})
    make_plan(later, QUICK, warm=stored, link_basis=what_if.links.basis)
    assert len(worked_out) == 2


def test_a_what_if_with_other_review_minutes_or_pins_does_not_offer_the_plan_as_an_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Longer meetings break every booked slot, and a pin added since may not be honoured by
    the plan asked about: neither what-if reports that plan as a first answer, and one with
    other review minutes chooses its links again (their loads changed) though no weight did;
    both answers keep every rule."""
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 4)], config=make_config(term=TWO_WEEKS)
    )
    base = make_plan(authority, QUICK)
    assert base.plan.appointments
    chosen: list[object] = []
    real = pipeline.choose_links

    def recording(*args: object, **kwargs: object) -> object:
        chosen.append(kwargs.get("start"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "choose_links", recording)
    review = authority.config.review.model_copy(
        update={"meeting_minutes": authority.config.review.meeting_minutes + 15}
    )
    longer = replace(authority, config=authority.config.model_copy(update={"review": review}))
    assert not only_weights_changed(base.config, longer.config)
    seen: list[Progress] = []
    result = make_plan(longer, QUICK, warm=base, progress=seen.append)
    assert not any(p.whole for p in seen if p.stage in ("matching", "scheduling") and not p.total)
    assert len(chosen) == 1 and result.check.ok
    first = base.plan.appointments[0]
    pin = Pin("appointment", child_id=first.child_id, date=first.date, start=first.start)
    pinned: list[Progress] = []
    result = make_plan(authority, QUICK, warm=base, pins=[pin], progress=pinned.append)
    assert not any(p.whole for p in pinned if not p.total) and result.check.ok


def test_a_stopped_plan_is_still_complete_and_says_so() -> None:
    """Stopped before it starts: every child still booked or explained, the check clean, and
    ``stopped_early`` set."""
    stop = threading.Event()
    stop.set()
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 4)], config=make_config(term=TWO_WEEKS)
    )
    result = make_plan(authority, QUICK, stop=stop)
    plan = result.plan
    assert result.check.ok, result.check.violations
    assert len(plan.appointments) + len(plan.unscheduled) == 3
    assert plan.summary.stopped_early is True


def test_the_plan_carries_its_stamp_digest_and_weights() -> None:
    """``created_at`` as given, a digest of the plan, the check's count and the weights used."""
    stamp = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    authority = make_authority(config=make_config(term=TWO_WEEKS))
    result = make_plan(authority, QUICK, created_at=stamp, data_path="/data")
    s = result.plan.summary
    assert result.plan.created_at == stamp  # the plan's own; summary.json's is written from it
    assert s.plan_digest is not None and len(s.plan_digest) >= 16 and s.check_violations == 0
    assert s.data_path == "/data" and result.config == authority.config
    assert s.objective is not None and s.best_bound is not None
    assert s.best_bound_any_links is not None
    assert s.objective <= s.best_bound <= s.best_bound_any_links + 1e-9


def test_a_bound_below_its_plan_fails_loudly_under_strict_bounds() -> None:
    """With SCHEDULER_STRICT_BOUNDS (the test suite sets it) a bound below the objective, or
    more children seen than the any-links bound allows, is an error, never clamped."""
    good = PlanSummary(objective=5.0, best_bound=5.0, best_bound_any_links=6.0)
    _assert_bounds(replace(good, scheduled=3, children_bound_any_links=3))
    with pytest.raises(AssertionError, match="best_bound"):
        _assert_bounds(replace(good, best_bound=4.0, scheduled=1, children_bound_any_links=1))
    with pytest.raises(AssertionError, match="children_bound_any_links"):
        _assert_bounds(replace(good, scheduled=4, children_bound_any_links=3))
