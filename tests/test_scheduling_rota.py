"""A rota under construction (scheduler/scheduling/rota.py): adding a child only when every
time rule still holds, taking the model's choices, filling by priority, and scoring exactly
what the day model scores."""

from __future__ import annotations

from builders import hm
from problem_builders import (
    clinic,
    fix,
    group_problem,
    job,
    keys,
    option,
    practitioner,
    solve_value,
    with_rules,
)

from scheduler.scheduling.model import HARD_RULES, OBJECTIVE_TERMS
from scheduler.scheduling.rota import Rota, hand_greedy, priority_greedy


def test_try_add_places_the_child_and_lays_out_the_day() -> None:
    """An added child has a slot, an exact start inside the option's window, and counts."""
    rota = Rota(group_problem(job("C001", option((0, 1), window=(hm("10:00"), hm("12:00"))))))
    assert rota.try_add("C001", (0, 1))
    assert rota.choice == {"C001": (0, 1)}
    assert rota.by_day[("P001", 1)] == ["C001"]
    assert rota.starts() == {"C001": (0, 1, hm("10:00"))}


def test_try_add_refuses_what_breaks_a_rule_and_changes_nothing() -> None:
    """Refused: a day the option does not offer, an unknown option, a second slot for the same
    child, a day already at the practitioner's limit, a day with no time left."""
    problem = group_problem(
        job("C001", option((0, 1))),
        job("C002", option((0, 1))),
        practitioners=[practitioner(max_per_day=1)],
    )
    rota = Rota(problem)
    assert not rota.try_add("C001", (0, 2))  # not one of the option's days
    assert not rota.try_add("C001", (1, 0))  # no option 1
    assert rota.try_add("C001", (0, 0))
    assert not rota.try_add("C001", (0, 1))  # already placed
    assert not rota.try_add("C002", (0, 0))  # P001 sees at most one a day
    assert rota.choice == {"C001": (0, 0)}
    roomy = Rota(
        group_problem(
            job("C003", option((1,), window=(hm("09:00"), hm("10:30")))),
            job("C004", option((1,), window=(hm("09:00"), hm("10:30")))),
        )
    )
    assert roomy.try_add("C003", (0, 1))
    assert not roomy.try_add("C004", (0, 1))  # 90 minutes hold one 60-minute block
    assert roomy.choice == {"C003": (0, 1)}


def test_fits_answers_without_changing_the_rota() -> None:
    """``fits`` is a question: the answer matches ``try_add`` and the rota is unchanged."""
    rota = Rota(
        group_problem(job("C001"), job("C002"), practitioners=[practitioner(max_per_day=1)])
    )
    assert rota.fits("C001", (0, 0))
    assert rota.choice == {} and not rota.by_day.get(("P001", 0))
    assert rota.try_add("C001", (0, 0))
    assert not rota.fits("C002", (0, 0))


def test_a_parents_meetings_never_overlap_across_practitioners() -> None:
    """Siblings with two practitioners on one day: the second meeting waits for the first."""
    problem = group_problem(
        job("C001", option(), parent="email:p@example.org"),
        job(
            "C002",
            option(practitioner_id="P002", place="setting:S002"),
            parent="email:p@example.org",
        ),
    )
    rota = Rota(problem)
    assert rota.try_add("C001", (0, 0)) and rota.try_add("C002", (0, 0))
    (_, _, first), (_, _, second) = rota.starts()["C001"], rota.starts()["C002"]
    first_meeting = (first + 15, first + 60)
    second_meeting = (second + 15, second + 60)
    assert first_meeting[1] <= second_meeting[0] or second_meeting[1] <= first_meeting[0]
    assert rota.meetings[("email:p@example.org", 0)] == {
        "C001": first_meeting,
        "C002": second_meeting,
    }


def test_a_pinned_start_is_kept() -> None:
    """A child pinned with a start is laid out at exactly that block start."""
    rota = Rota(group_problem(job("C001", pinned=(0, 0, hm("13:05")))))
    rota.add_pins()
    assert rota.starts() == {"C001": (0, 0, hm("13:05"))}


def test_value_and_slots_rank_a_childs_options_best_first() -> None:
    """A slot's value is the option's value that day, plus the stability bonus in the
    previous slot; ``slots`` lists them best first."""
    problem = group_problem(
        job(
            "C001",
            option((0, 1), values=(900, 800)),
            clinic((0,), values=(850,)),
            previous=(0, 1, hm("09:00")),
        ),
        stability_bonus=600,
    )
    rota = Rota(problem)
    assert rota.value("C001", (0, 1)) == 800 + 600
    assert rota.value("C001", (0, 0)) == 900
    assert rota.slots("C001") == [(0, 1), (0, 0), (1, 0)]


def test_objective_is_the_day_models_objective_for_the_same_choices() -> None:
    """For any rota, ``objective()`` equals the CP-SAT model's objective with the same
    reviews: values, minus each visit, minus each practitioner's busiest week."""
    problem = group_problem(
        job("C001", option((0, 1, 2), values=(1000, 990, 980))),
        job("C002", option((0, 2), values=(1500, 1400))),
        job("C003", clinic((1,), values=(700,))),
        job("C004", option((2,), practitioner_id="P002", place="setting:S002")),
        practitioners=[
            practitioner(visit_cost={"setting:S001": 120}),
            practitioner("P002", visit_cost={"setting:S002": 40}),
        ],
        week_of_day=(0, 0, 1),
        week_peak_cost=25,
    )
    rota = Rota(problem)
    for child, slot in {"C001": (0, 0), "C002": (0, 2), "C003": (0, 1), "C004": (0, 2)}.items():
        assert rota.try_add(child, slot)
    expected = (1000 + 1400 + 700 + 1000) - (2 * 120 + 40) - (2 * 25 + 1 * 25)
    assert rota.objective() == expected
    m = with_rules(problem, *HARD_RULES, *OBJECTIVE_TERMS)
    fix(m, keys(rota.choice))
    assert solve_value(m) == expected


def test_set_choices_keeps_pinned_then_most_valuable_and_returns_the_dropped() -> None:
    """Choices that cannot all be laid out lose the least valuable unpinned child."""
    window = (hm("09:00"), hm("11:00"))
    problem = group_problem(
        job("C001", option(window=window, values=(2000,))),
        job("C002", option(window=window, values=(3000,))),
        job("C003", option(window=window, values=(500,)), pinned=(0, 0, None)),
    )
    rota = Rota(problem)
    dropped = rota.set_choices({"C001": (0, 0), "C002": (0, 0), "C003": (0, 0)})
    assert dropped == ["C001"]
    assert set(rota.choice) == {"C002", "C003"}


def test_insert_by_priority_fills_the_most_valuable_children_first() -> None:
    """With room for two, the two children of highest priority get it, each in their best
    slot."""
    problem = group_problem(
        job("C001", option((0, 1), values=(1000, 1200)), priority=1000),
        job("C002", option((0, 1), values=(3000, 3100)), priority=3000),
        job("C003", option((0, 1), values=(2000, 1900)), priority=2000),
        practitioners=[practitioner(max_per_day=1)],
    )
    rota = Rota(problem)
    rota.insert_by_priority()
    assert rota.choice == {"C002": (0, 1), "C003": (0, 0)}


def test_hand_greedy_takes_children_by_deadline_on_their_first_day() -> None:
    """The coordinator's baseline: the child whose window closes first gets the first day
    that fits, even when another child is worth more."""
    problem = group_problem(
        job("C001", option((0, 1)), priority=5000, window_end_day=1),
        job("C002", option((0, 1)), priority=1000, window_end_day=0),
        practitioners=[practitioner(max_per_day=1)],
    )
    rota = hand_greedy(problem)
    assert rota.choice == {"C002": (0, 0), "C001": (0, 1)}


def test_priority_greedy_keeps_pins_and_previous_slots_before_filling() -> None:
    """The warm start: pins first, then previous slots, then the most valuable children."""
    problem = group_problem(
        job("C001", option((0, 1)), priority=100, pinned=(0, 1, None)),
        job("C002", option((0, 1)), priority=200, previous=(0, 0, hm("09:00"))),
        job("C003", option((0, 1)), priority=9000),
        practitioners=[practitioner(max_per_day=1)],
    )
    rota = priority_greedy(problem)
    assert rota.choice == {"C001": (0, 1), "C002": (0, 0)}
    assert rota.starts()["C002"] == (0, 0, hm("09:00"))  # the previous time is kept too
