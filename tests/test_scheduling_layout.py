"""Exact times inside one practitioner's day (scheduler/scheduling/layout.py): travel between
places, the 5-minute grid, fixed and preferred starts, and a parent's other meetings."""

from __future__ import annotations

import itertools

from builders import hm

from scheduler.scheduling.layout import (
    GRID_MINUTES,
    MAX_EXHAUSTIVE_JOBS,
    TRAVEL_MARGIN_MINUTES,
    Job,
    Placed,
    Travel,
    lay_out_day,
)

NINE, FIVE = hm("09:00"), hm("17:00")


def make_job(
    child_id: str,
    place: str = "A",
    *,
    window: tuple[int, int] = (NINE, FIVE),
    duration: int = 60,
    fixed_start: int | None = None,
    preferred_start: int | None = None,
    pre: int = 0,
    busy: tuple[tuple[int, int], ...] = (),
) -> Job:
    """A review block at ``place``: 60 minutes, anywhere in 09:00–17:00 unless told."""
    return Job(
        child_id, place, window[0], window[1], duration, fixed_start, preferred_start, pre, busy
    )


def travel(minutes: int) -> Travel:
    """A travel function: ``minutes`` between any two different places."""
    return lambda a, b: 0 if a == b else minutes


def by_child(placed: list[Placed] | None) -> dict[str, Placed]:
    assert placed is not None
    return {p.job.child_id: p for p in placed}


def assert_valid(placed: list[Placed], minutes: int) -> None:
    """Inside windows, no overlap, and a journey (plus margin) between different places."""
    ordered = sorted(placed, key=lambda p: p.start)
    for p in ordered:
        assert p.job.window_start <= p.start and p.end <= p.job.window_end
    for a, b in itertools.pairwise(ordered):
        gap = minutes + TRAVEL_MARGIN_MINUTES if a.job.place != b.job.place else 0
        assert b.start >= a.end + gap


def test_no_jobs_is_an_empty_day() -> None:
    """An empty day lays out as no placements (not as a failure)."""
    assert lay_out_day([], travel(10)) == []


def test_reviews_at_one_place_are_back_to_back() -> None:
    """Two reviews at the same place need no journey: the second starts when the first ends."""
    placed = by_child(lay_out_day([make_job("C1"), make_job("C2")], travel(30)))
    first, second = sorted(placed.values(), key=lambda p: p.start)
    assert first.start == NINE and second.start == first.end


def test_a_journey_between_places_is_travel_plus_margin_rounded_up_to_the_grid() -> None:
    """Between places the next block waits for travel + 1 minute, then the next 5 minutes."""
    placed = lay_out_day([make_job("C1", "A"), make_job("C2", "B")], travel(7))
    assert placed is not None
    first, second = sorted(placed, key=lambda p: p.start)
    assert first.start == NINE
    assert second.start == first.end + 10  # 7 + 1 = 8, rounded up to 10
    assert second.start % GRID_MINUTES == 0


def test_a_day_too_short_for_its_jobs_is_refused() -> None:
    """When no order fits every window the answer is None, never a partial day."""
    window = (NINE, NINE + 100)
    assert (
        lay_out_day([make_job("C1", window=window), make_job("C2", window=window)], travel(0))
        is None
    )
    # Two places whose journey makes a 125-minute window 1 minute short (5 + margin, grid).
    tight = (NINE, NINE + 125)
    jobs = [make_job("C1", "A", window=tight), make_job("C2", "B", window=tight)]
    assert lay_out_day(jobs, travel(5)) is None
    assert lay_out_day(jobs, travel(4)) is not None


def test_windows_order_the_places() -> None:
    """A place open only in the afternoon is visited after the morning one."""
    jobs = [
        make_job("C1", "PM", window=(hm("13:00"), FIVE)),
        make_job("C2", "AM", window=(NINE, hm("12:00"))),
    ]
    placed = by_child(lay_out_day(jobs, travel(20)))
    assert placed["C2"].start == NINE and placed["C1"].start == hm("13:00")
    assert_valid(list(placed.values()), 20)


def test_places_are_visited_once_when_that_is_possible() -> None:
    """Reviews at a place are kept together: two places visited, one journey, not three."""
    jobs = [make_job("C1", "A"), make_job("C2", "B"), make_job("C3", "A"), make_job("C4", "B")]
    placed = lay_out_day(jobs, travel(15))
    assert placed is not None
    order = [p.job.place for p in sorted(placed, key=lambda p: p.start)]
    assert sum(a != b for a, b in itertools.pairwise(order)) == 1
    assert_valid(placed, 15)


def test_a_fixed_start_is_kept_exactly_and_others_fit_around_it() -> None:
    """A pinned (or locked) start is used as given; other reviews go before or after it."""
    jobs = [make_job("C1", fixed_start=hm("10:00")), make_job("C2"), make_job("C3")]
    placed = by_child(lay_out_day(jobs, travel(0)))
    assert placed["C1"].start == hm("10:00")
    assert_valid(list(placed.values()), 0)


def test_fixed_starts_that_overlap_cannot_be_laid_out() -> None:
    """Two blocks fixed to overlapping times: no layout (a pin is never moved silently)."""
    jobs = [make_job("C1", fixed_start=hm("10:00")), make_job("C2", fixed_start=hm("10:30"))]
    assert lay_out_day(jobs, travel(0)) is None


def test_a_fixed_start_too_soon_after_a_journey_is_refused() -> None:
    """A fixed start that leaves less than the journey after a block elsewhere fails."""
    jobs = [
        make_job("C1", "A", fixed_start=NINE),
        make_job("C2", "B", fixed_start=NINE + 60 + 5),
    ]
    assert lay_out_day(jobs, travel(5)) is None
    jobs[1] = make_job("C2", "B", fixed_start=NINE + 60 + 5 + TRAVEL_MARGIN_MINUTES)
    assert lay_out_day(jobs, travel(5)) is not None


def test_a_fixed_start_off_the_grid_is_kept_after_a_journey() -> None:
    """The 5-minute grid tidies the times the layout chooses; it never refuses a pinned time
    that leaves the journey (plus margin) free: 10:00 end, 5 minutes' travel, pinned 10:06."""
    jobs = [
        make_job("C1", "A", fixed_start=NINE),
        make_job("C2", "B", fixed_start=hm("10:06")),
    ]
    placed = by_child(lay_out_day(jobs, travel(5)))
    assert placed["C2"].start == hm("10:06")


def test_a_preferred_start_is_kept_when_it_fits() -> None:
    """A re-plan's previous time is kept when the day allows it."""
    jobs = [make_job("C1", preferred_start=hm("14:00")), make_job("C2")]
    placed = by_child(lay_out_day(jobs, travel(0)))
    assert placed["C1"].start == hm("14:00")


def test_a_preferred_start_that_cannot_be_kept_does_not_lose_the_review() -> None:
    """A previous time past the window end is dropped, the review still placed."""
    jobs = [make_job("C1", window=(NINE, hm("12:00")), preferred_start=hm("11:30"))]
    placed = by_child(lay_out_day(jobs, travel(0)))
    assert placed["C1"].start == NINE


def test_the_parents_other_meeting_pushes_the_meeting_not_the_pre_meeting() -> None:
    """With the parent busy 09:00–09:45, a joint block may start at 09:30 (pre-meeting
    without the parent) so that the meeting starts as the other one ends."""
    job = make_job("C1", pre=15, busy=((NINE, hm("09:45")),))
    placed = by_child(lay_out_day([job], travel(0)))
    start = placed["C1"].start
    assert start == hm("09:30")
    assert job.clash(start) is None and job.clash(start - GRID_MINUTES) == hm("09:45")


def test_clash_names_the_earliest_end_of_an_overlapping_meeting() -> None:
    """``Job.clash`` compares the meeting (after the pre-meeting), not the whole block."""
    job = make_job(
        "C1", pre=15, duration=60, busy=((hm("10:00"), hm("10:30")), (NINE, hm("09:20")))
    )
    assert job.clash(hm("08:50")) == hm("09:20")  # meeting 09:05-09:50
    assert job.clash(hm("08:45")) == hm("09:20")  # meeting 09:00-09:45
    assert job.clash(hm("08:00")) is None  # meeting 08:15-09:00 ends as the other starts
    assert job.clash(hm("09:30")) == hm("10:30")
    assert job.clash(hm("10:15")) is None  # meeting 10:30-11:15


def test_a_fixed_start_clashing_with_the_parent_is_refused() -> None:
    """A pinned time whose meeting overlaps the parent's other meeting cannot be used."""
    job = make_job("C1", fixed_start=hm("10:00"), busy=((hm("10:30"), hm("11:00")),))
    assert lay_out_day([job], travel(0)) is None


def test_the_layout_does_not_depend_on_the_order_jobs_are_given() -> None:
    """The same set of jobs gives the same times in any order (plans are reproducible)."""
    jobs = [
        make_job("C1", "A"),
        make_job("C2", "B", window=(hm("10:00"), FIVE)),
        make_job("C3", "A", preferred_start=hm("15:00")),
        make_job("C4", "C", duration=45),
    ]
    layouts = {
        tuple(sorted((p.job.child_id, p.start) for p in lay_out_day(order, travel(12)) or []))
        for order in itertools.permutations(jobs)
    }
    assert len(layouts) == 1
    (layout,) = layouts
    assert len(layout) == 4


def test_many_places_are_laid_out_in_window_order() -> None:
    """Beyond the exhaustive limit, places are tried in order of their earliest window."""
    n = MAX_EXHAUSTIVE_JOBS + 1
    jobs = [
        make_job(f"C{i}", f"P{n - i}", window=(NINE + 40 * i, FIVE), duration=30) for i in range(n)
    ]
    placed = lay_out_day(jobs, travel(5))
    assert placed is not None and len(placed) == n
    assert [p.job.child_id for p in sorted(placed, key=lambda p: p.start)] == [
        f"C{i}" for i in range(n)
    ]
    assert_valid(placed, 5)
