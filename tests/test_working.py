"""The plan a session works on: which saved version opens, a saved plan as a result to build
on, the planning options, and the data of a re-plan from today."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from builders import REVIEW_DAY, appointment_for, make_authority, make_config, make_outcome
from builders import make_plan as make_test_plan

from scheduler.generate import generate_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.store import repository as repo
from scheduler.store.records import VersionInfo
from scheduler.working import (
    SHOW_SECONDS,
    data_for_today,
    data_hashes,
    dataset_hash,
    default_replan_day,
    default_workers,
    drafts_to_publish,
    earliest_replan_day,
    latest_drafts,
    opening_version,
    plan_options,
    result_from_stored,
    result_of_version,
    save_seconds,
)


def info(version: int, data: str, *, published: bool = False, purged: bool = False) -> VersionInfo:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    return VersionInfo(
        version,
        now,
        "test",
        "",
        now,
        1,
        data,
        1,
        "Autumn 2026",
        date(2026, 12, 18),
        published,
        purged,
        {},
    )


def test_a_session_opens_on_the_published_plan_of_its_data() -> None:
    """Published of these data first; else the newest of these data; never other data's or a
    purged one; nothing when the data were never planned."""
    versions = [info(1, "a", published=True), info(2, "a"), info(3, "b"), info(4, "a", purged=True)]
    assert opening_version(versions, "a") == versions[0]
    assert opening_version(versions, "b") == versions[2]
    assert opening_version([info(1, "b", published=True), info(2, "a"), info(5, "a")], "a") == info(
        5, "a"
    )
    assert opening_version(versions, "c") is None
    assert [v.version for v in latest_drafts(versions, "a")] == [2]


def test_options_are_the_clis() -> None:
    """Workers = processors (as the CLI), links within the limit, deterministic on request."""
    assert default_workers() == max(1, os.cpu_count() or 1)
    options = plan_options(6, link_time_limit=10, deterministic=True)
    assert options.workers == default_workers()
    assert options.link_time_limit == 6 and options.deterministic and options.seed == 0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[repo.Store]:
    opened = repo.open_store(f"sqlite+pysqlite:///{tmp_path / 'store.db'}", create=True)
    yield opened
    opened.dispose()


def test_a_saved_plan_is_a_result_a_what_if_can_start_from(store: repo.Store) -> None:
    """Through the store and back: the same links, capacities and over-commitment, the check
    run again, the hand-made rota's figures, and a what-if that reuses its links."""
    authority = generate_authority(60, 2)
    made = make_plan(authority, PlanOptions(time_limit=3, link_time_limit=1, workers=1))
    repo.save_plan(store, made.plan, authority, actor="test")
    stored = repo.open_version(store, 1)
    assert dataset_hash(stored.authority) == dataset_hash(authority)

    again = result_from_stored(stored.authority, stored.plan)
    assert again.links.links == made.links.links
    assert again.links.capacity_minutes == made.links.capacity_minutes
    assert again.links.load_minutes == made.links.load_minutes
    assert again.links.overcommitted == made.links.overcommitted
    assert again.check.ok and again.baseline == made.baseline
    assert again.config == authority.config

    weights = authority.config.priorities.model_copy(update={"funded_two": 8.0})
    what_if = make_plan(
        stored.authority.with_config(authority.config.model_copy(update={"priorities": weights})),
        PlanOptions(time_limit=2, link_time_limit=1, workers=1),
        warm=again,
    )
    assert what_if.links is again.links  # no link weight changed: the links are reused
    assert what_if.check.ok


def test_a_broken_saved_plan_is_not_called_valid() -> None:
    """The check is run again, not read from the summary: a stored plan with two children in
    one slot of one practitioner is reported."""
    authority = generate_authority(30, 1)
    made = make_plan(authority, PlanOptions(time_limit=2, link_time_limit=1, workers=1)).plan
    first, second = made.appointments[:2]
    clash = replace(
        second,
        practitioner_id=first.practitioner_id,
        date=first.date,
        start=first.start,
        end=first.end,
        pre_meeting_start=first.pre_meeting_start,
    )
    broken = replace(made, appointments=[first, clash, *made.appointments[2:]])
    assert not result_from_stored(authority, broken).check.ok


def test_todays_data_merge_stored_outcomes_from_the_chosen_day() -> None:
    """Today set in the config, the stored outcome merged in; a day before an outcome in the
    data is refused; the default is [term] today, else the calendar's, within the term."""
    data = make_authority()
    stored = [make_outcome("C001", REVIEW_DAY, "was_not_brought")]
    today = REVIEW_DAY + timedelta(days=7)
    todays = data_for_today(data, stored, today)
    assert todays.authority.config.term.today == today
    assert [(o.child_id, o.outcome) for o in todays.authority.outcomes] == [
        ("C001", "was_not_brought")
    ]
    assert todays.outcomes.from_store == 1

    with_file: Any = replace(data, outcomes=(make_outcome("C001", REVIEW_DAY),))
    assert earliest_replan_day(with_file) == REVIEW_DAY
    with pytest.raises(ValueError, match="before an outcome"):
        data_for_today(with_file, [], REVIEW_DAY - timedelta(days=1))

    term = data.config.term
    assert default_replan_day(data, date(2030, 1, 1)) == term.end
    assert default_replan_day(data, date(2020, 1, 1)) == term.start
    assert default_replan_day(data, REVIEW_DAY) == REVIEW_DAY
    dated = data.with_config(
        data.config.model_copy(update={"term": term.model_copy(update={"today": today})})
    )
    assert default_replan_day(dated, date(2030, 1, 1)) == today


def test_a_replan_from_today_is_found_again_by_its_data() -> None:
    """A re-plan from today saves its data with the stored outcomes merged in; a later session
    on the data as loaded still finds it (the second identity of :func:`data_hashes`)."""
    data = make_authority()
    stored = [make_outcome("C001", REVIEW_DAY, "was_not_brought")]
    todays = data_for_today(data, stored, REVIEW_DAY + timedelta(days=7))
    hashes = data_hashes(data, stored)
    assert hashes == {dataset_hash(data), dataset_hash(todays.authority)}
    assert data_hashes(data, []) == {dataset_hash(data)}
    draft = info(4, dataset_hash(todays.authority))
    assert opening_version([info(1, "other", published=True), draft], hashes) == draft


def test_a_replan_from_today_is_checked_against_the_version_it_came_from(
    store: repo.Store,
) -> None:
    """A booking inside the notice period kept by a re-plan from today is no new booking: the
    version records what it was re-planned from, and opening it checks against that (checked
    alone, the same plan would be told it broke the notice rule)."""
    term = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}
    before = make_authority(config=make_config(term=term))
    booked = make_test_plan(before, [appointment_for(before, "C001", REVIEW_DAY)])
    first = repo.save_plan(store, booked, before, actor="test")
    today = make_authority(
        config=make_config(
            term={**term, "today": (REVIEW_DAY - timedelta(days=1)).isoformat()},
            review={"notice_days": 7},
        )
    )
    kept = make_test_plan(today, [appointment_for(today, "C001", REVIEW_DAY)])
    second = repo.save_plan(store, kept, today, actor="test", previous_version=first.version)
    assert second.previous_version == first.version and first.previous_version is None

    stored = repo.open_version(store, second.version)
    assert result_of_version(store, stored).check.ok
    alone = result_from_stored(stored.authority, stored.plan)
    assert not alone.check.ok and "notice" in " ".join(map(str, alone.check.violations))


def test_drafts_to_publish_are_those_saved_after_the_published_one() -> None:
    """Older unpublished versions are offered only when asked for; deleted ones never."""
    versions = [
        info(1, "d"),
        info(2, "d", published=True),
        info(3, "d"),
        info(4, "d", purged=True),
        info(5, "e"),
    ]
    assert [v.version for v in drafts_to_publish(versions)] == [5, 3]
    assert [v.version for v in drafts_to_publish(versions, older_too=True)] == [5, 3, 1]
    assert [v.version for v in drafts_to_publish(versions[:1])] == [1]  # nothing published


def test_a_plan_to_be_saved_keeps_back_what_saving_takes() -> None:
    """The user's limit runs from the click to the saved version: a plan to be saved gets the
    limit less what saving takes (never under a quarter of it); a what-if (not saved) and a
    deterministic plan (CP-SAT's work, not seconds) get the limit as set."""
    assert plan_options(10).time_limit == 10
    assert plan_options(10, saved_for=1500).time_limit == pytest.approx(10 - save_seconds(1500))
    assert save_seconds(6000) > save_seconds(1500) > 0
    assert plan_options(2, saved_for=6000).time_limit == pytest.approx(0.5)
    assert plan_options(10, saved_for=1500, deterministic=True).time_limit == 10


def test_a_what_if_keeps_back_the_time_its_answer_takes_to_draw() -> None:
    """ "Answer within 2 seconds" runs from the click to the answer on screen: the solve gets
    the limit less drawing the before and after (never under a quarter of it)."""
    assert plan_options(2, shown=True).time_limit == pytest.approx(2 - SHOW_SECONDS)
    assert plan_options(0.5, shown=True).time_limit == pytest.approx(0.125)
    assert plan_options(2, shown=True, deterministic=True).time_limit == 2
