"""A piece's flow bound (scheduler/scheduling/flow_bound.py): never below any rota of the piece
(enumerated on random tiny pieces), and exact on small cases that each need one of its terms
(a term left out makes its case's bound too high; a term overcharged fails the enumeration)."""

from __future__ import annotations

from builders import hm
from hypothesis import given, settings
from hypothesis import strategies as st
from problem_builders import (
    TRAVEL,
    best_by_enumeration,
    clinic,
    group_problem,
    job,
    option,
    practitioner,
)

from scheduler.scheduling.flow_bound import day_flow
from scheduler.scheduling.problem import ChildJob, GroupProblem
from scheduler.scheduling.rota import Rota
from scheduler.scheduling.solve import solve_piece, warm_start


def test_the_best_children_a_day_can_hold() -> None:
    """One day of two reviews: the two most valuable children, each at their value."""
    problem = group_problem(
        job("C001", option((0,), values=(3000,))),
        job("C002", option((0,), values=(2000,))),
        job("C003", option((0,), values=(1000,))),
        practitioners=[practitioner(max_per_day=2)],
    )
    assert day_flow(problem).bound == 5000 == best_by_enumeration(problem)


def test_each_child_only_on_their_own_days() -> None:
    """Two children who can only come on day 0, one review a day: one of them is seen, though
    the practitioner has two days (counting days alone would allow both)."""
    problem = group_problem(
        job("C001", option((0,), values=(3000,))),
        job("C002", option((0,), values=(2000,))),
        job("C003", option((1,), values=(500,))),
        practitioners=[practitioner(max_per_day=1, days=(0, 1))],
    )
    assert day_flow(problem).bound == 3500 == best_by_enumeration(problem)


def test_the_stability_bonus_of_a_previous_slot_on_its_own_day() -> None:
    """The re-plan's bonus counts on the previous slot's day only."""
    kept = group_problem(
        job("C001", option((0, 1), values=(900, 1000)), previous=(0, 1, hm("09:00"))),
        stability_bonus=600,
    )
    assert day_flow(kept).bound == 1600 == best_by_enumeration(kept)
    elsewhere = group_problem(
        job("C001", option((0, 1), values=(1000, 900)), previous=(0, 1, hm("09:00"))),
        stability_bonus=600,
    )
    assert day_flow(elsewhere).bound == 1500 == best_by_enumeration(elsewhere)


def test_a_visit_s_cost_shared_by_the_reviews_it_serves() -> None:
    """Two children at one setting on one day: one visit (400) for both, 200 each."""
    problem = group_problem(
        job("C001", option((0,), values=(1000,))),
        job("C002", option((0,), values=(1000,))),
        practitioners=[practitioner(visit_cost={"setting:S001": 400})],
    )
    assert day_flow(problem).bound == 1600 == best_by_enumeration(problem)


def test_a_visit_serves_no_more_children_than_the_place_s_hours_hold() -> None:
    """The setting's hours hold one review, so each child needs a visit of their own."""
    hour = (hm("09:00"), hm("10:00"))
    problem = group_problem(
        job("C001", option((0, 1), values=(1000, 1000), window=hour)),
        job("C002", option((0, 1), values=(1000, 1000), window=hour)),
        practitioners=[practitioner(visit_cost={"setting:S001": 400}, days=(0, 1))],
    )
    assert day_flow(problem).bound == 1200 == best_by_enumeration(problem)


def test_the_busiest_week_shared_by_the_weeks_that_could_be_worked() -> None:
    """One child in each of two weeks: the busiest week holds one review (100 points)."""
    problem = group_problem(
        job("C001", option((0,), values=(1000,))),
        job("C002", option((1,), values=(1000,))),
        practitioners=[practitioner(days=(0, 1))],
        week_of_day=(0, 1),
        week_peak_cost=100,
    )
    assert day_flow(problem).bound == 1900 == best_by_enumeration(problem)


def test_a_day_holds_no_more_blocks_than_its_hours_after_the_journeys() -> None:
    """Two settings, 160-minute blocks, an 8-hour day that does not start at base: three
    blocks fill it exactly at one setting (the first journey is free), a fourth cannot fit,
    although the daily limit is six."""
    long = {"duration": 160}
    problem = group_problem(
        job("C001", option((0,), **long)),
        job("C002", option((0,), **long)),
        job("C003", option((0,), **long)),
        job("C004", option((0,), place="setting:S002", **long)),
        practitioners=[
            practitioner(
                from_base=False, min_incoming={"setting:S001": TRAVEL, "setting:S002": TRAVEL}
            )
        ],
    )
    assert day_flow(problem).bound == 3000 == best_by_enumeration(problem)


def test_a_day_from_base_holds_no_more_blocks_than_its_hours_after_the_first_journey() -> None:
    """A day that starts at base, 30 minutes from the setting (each way, so the setting's
    window is 09:30–16:30): two 160-minute blocks fit, not three."""
    problem = group_problem(
        *(
            job(c, option((0,), duration=160, window=(hm("09:30"), hm("16:30"))))
            for c in ("C001", "C002", "C003")
        ),
        practitioners=[practitioner(from_base=True, min_incoming={"setting:S001": 30})],
    )
    assert day_flow(problem).bound == 2000 == best_by_enumeration(problem)


def test_a_visit_serves_no_more_children_than_the_daily_limit() -> None:
    """One review a day: each child needs a visit of their own."""
    problem = group_problem(
        job("C001", option((0, 1))),
        job("C002", option((0, 1))),
        practitioners=[practitioner(max_per_day=1, days=(0, 1), visit_cost={"setting:S001": 400})],
    )
    assert day_flow(problem).bound == 1200 == best_by_enumeration(problem)


def test_no_child_is_worth_seeing_at_a_loss() -> None:
    """A child worth less than their visit's share is left out of the bound (and the rota)."""
    problem = group_problem(
        job("C001", option((0,), values=(300,))),
        practitioners=[practitioner(visit_cost={"setting:S001": 400})],
    )
    assert day_flow(problem).bound == 0 == best_by_enumeration(problem)
    assert day_flow(problem).slots == {}


# --------------------------------------------------------------------------- random tiny pieces

PLACES = ("setting:S001", "setting:S002")


@st.composite
def tiny_pieces(draw: st.DrawFn) -> GroupProblem:
    """One practitioner, up to four children over two days in two weeks, with settings whose
    hours may hold few reviews, a clinic, visit costs, a busy-week cost, siblings and kept
    slots; journeys into a place are never longer than the layout's."""
    days = (0, 1)
    jobs: list[ChildJob] = []
    for n in range(draw(st.integers(1, 4))):
        chosen = []
        for _ in range(draw(st.integers(1, 2))):
            on = tuple(sorted(draw(st.sets(st.sampled_from(days), min_size=1))))
            values = tuple(draw(st.integers(100, 3000)) for _ in on)
            if draw(st.booleans()):
                chosen.append(clinic(on, values=values, duration=draw(st.sampled_from((45, 90)))))
                continue
            duration = draw(st.sampled_from((45, 60, 120)))
            start = draw(st.sampled_from((hm("09:00"), hm("11:00"), hm("13:00"))))
            end = min(hm("17:00"), start + duration * draw(st.integers(1, 3)) + 30)
            chosen.append(
                option(
                    on,
                    place=draw(st.sampled_from(PLACES)),
                    duration=duration,
                    window=(start, end),
                    values=values,
                )
            )
        previous = None
        if draw(st.booleans()):
            day = chosen[0].days[0]
            previous = (0, day, chosen[0].window_start)
        jobs.append(
            job(
                f"C{n:03d}",
                *chosen,
                parent=draw(st.sampled_from((None, "parent-1"))),
                previous=previous,
            )
        )
    used = {o.place for j in jobs for o in j.options}
    incoming = TRAVEL if len(used) > 1 else 0
    return group_problem(
        *jobs,
        practitioners=[
            practitioner(
                max_per_day=draw(st.integers(1, 3)),
                days=days,
                visit_cost={s: draw(st.integers(0, 900)) for s in PLACES},
                from_base=False,
                min_incoming={s: incoming for s in used},
            )
        ],
        week_of_day=(0, draw(st.integers(0, 1))),
        week_peak_cost=draw(st.sampled_from((0, 50, 400))),
        stability_bonus=draw(st.sampled_from((0, 600))),
    )


@settings(max_examples=200, deadline=None)
@given(problem=tiny_pieces())
def test_no_rota_of_a_random_tiny_piece_beats_its_flow_bound(problem: GroupProblem) -> None:
    """The bound is at least every rota's objective, the flow's slots are the children's own
    (each day within its limit), and the solve's warm start and answer stay under it."""
    flow = day_flow(problem)
    assert flow.bound >= best_by_enumeration(problem)
    jobs = {j.child_id: j for j in problem.children}
    per_day: dict[int, int] = {}
    for child_id, (index, day) in flow.slots.items():
        assert day in jobs[child_id].options[index].days
        per_day[day] = per_day.get(day, 0) + 1
    assert all(n <= problem.practitioners[0].max_per_day for n in per_day.values())
    assert warm_start(problem, flow).objective() <= flow.bound
    outcome = solve_piece(problem, time_limit=1)
    assert outcome.objective <= outcome.bound <= flow.bound


def test_the_warm_start_is_the_better_of_the_two_greedy_rotas() -> None:
    """One review a day: greedy by value gives the flexible child their best day, which the
    other child needed; the flow's slots see both, so the warm start takes them."""
    problem = group_problem(
        job("C001", option((0, 1), values=(1500, 1400))),
        job("C002", option((0,), values=(1000,))),
        practitioners=[practitioner(max_per_day=1, days=(0, 1))],
    )
    flow = day_flow(problem)
    warm = warm_start(problem, flow)
    greedy = Rota(problem)
    greedy.insert_by_priority()
    assert greedy.choice == {"C001": (0, 0)}
    assert warm.choice == {"C001": (0, 1), "C002": (0, 0)}
    assert warm.objective() == flow.bound == best_by_enumeration(problem) == 2400
