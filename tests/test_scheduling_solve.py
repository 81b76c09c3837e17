"""Solving the pieces and merging them (scheduler/scheduling/solve.py): a piece's status says
what its delivered rota reaches, and the merge keeps the better slot of a child chosen by two
pieces."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from builders import hm
from problem_builders import clinic, group_problem, job, option, practitioner

from scheduler.scheduling import solve
from scheduler.scheduling.flow_bound import day_flow
from scheduler.scheduling.model import build_day_model, solve_day_model
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.rota import priority_greedy
from scheduler.scheduling.solve import (
    POOL_MIN_SECONDS,
    ROUND_GAP,
    ROUND_MIN_SECONDS,
    PieceOutcome,
    Progress,
    better,
    merge,
    solve_piece,
    solve_pieces,
    tightened,
    warm_start,
)


def test_solve_piece_reaches_its_bound_and_says_optimal() -> None:
    """A piece whose rota reaches the bound is OPTIMAL, with the model's best choice."""
    problem = group_problem(
        job("C001", option((0, 1), values=(1000, 1300))),
        job("C002", option((0,), values=(900,))),
        practitioners=[practitioner(max_per_day=1)],
    )
    outcome = solve_piece(problem, time_limit=5)
    assert outcome.status == "OPTIMAL"
    assert outcome.objective == outcome.bound == 2200
    assert outcome.choice == {"C001": ("joint", 1), "C002": ("joint", 0)}
    assert outcome.practitioner_id == "P001"


def test_a_piece_whose_rota_falls_short_of_the_models_bound_is_feasible_not_optimal() -> None:
    """The model admits two blocks at two places that the exact layout (journey margin and
    grid) cannot fit: CP-SAT proves 2 children, the rota delivers 1, so the status is
    FEASIBLE and the bound stays honest."""
    window = (hm("09:00"), hm("11:05"))
    problem = group_problem(
        job("C001", option(window=window)),
        job("C002", option(window=window, place="setting:S002")),
        practitioners=[
            practitioner(
                day_length=125,
                from_base=False,
                min_incoming={"setting:S001": 5, "setting:S002": 5},
                travel={("setting:S001", "setting:S002"): 5, ("setting:S002", "setting:S001"): 5},
            )
        ],
    )
    model = solve_day_model(build_day_model(problem), hint={}, time_limit=5)
    assert len(model.choice) == 2
    outcome = solve_piece(problem, time_limit=5)
    assert outcome.status == "FEASIBLE"
    assert outcome.objective == 1000 and outcome.bound == 2000


def test_a_piece_solved_without_the_model_is_greedy_unless_it_reaches_the_bound() -> None:
    """Without CP-SAT the status is GREEDY, and OPTIMAL only when the greedy rota reaches
    the counting bound."""
    tight = group_problem(
        job("C001", option((0,), values=(1000,))),
        job(
            "C002",
            option((0,), values=(1000,), place="setting:S002", window=(hm("09:00"), hm("10:00"))),
        ),
        job("C003", option((0,), values=(1000,), window=(hm("09:00"), hm("10:00")))),
    )
    assert solve_piece(tight, time_limit=5, use_model=False).status == "GREEDY"
    easy = group_problem(job("C001"))
    assert solve_piece(easy, time_limit=5, use_model=False).status == "OPTIMAL"


def test_solve_piece_is_never_worse_than_its_warm_start() -> None:
    """Whatever CP-SAT answers, the piece keeps the better of it and the greedy rota."""
    problem = group_problem(
        *(job(f"C{i:03d}", option((0, 1, 2), values=(1000 + 37 * i, 990, 900))) for i in range(8)),
        practitioners=[practitioner(max_per_day=2, visit_cost={"setting:S001": 150})],
        week_of_day=(0, 0, 1),
        week_peak_cost=30,
    )
    outcome = solve_piece(problem, time_limit=5)
    assert outcome.objective >= priority_greedy(problem).objective()
    assert outcome.objective <= outcome.bound


def test_merge_keeps_the_better_slot_of_a_child_chosen_twice() -> None:
    """Both pieces chose C001: the merge keeps the more valuable clinic slot with P002 and
    gives P001's freed day to C002."""
    problem = group_problem(
        job(
            "C001",
            option((0,), values=(1000,)),
            clinic((0,), practitioner_id="P002", values=(1500,)),
        ),
        job("C002", option((0,), values=(800,))),
        practitioners=[practitioner(max_per_day=1), practitioner("P002", max_per_day=1)],
    )
    outcomes = [
        PieceOutcome("P001", {"C001": ("joint", 0)}, 1000, 1000, "OPTIMAL", 0.0),
        PieceOutcome("P002", {"C001": ("separate", 0)}, 1500, 1500, "OPTIMAL", 0.0),
    ]
    rota = merge(problem, outcomes)
    assert rota.choice == {"C001": (1, 0), "C002": (0, 0)}


def test_merge_puts_pins_first() -> None:
    """A pinned child keeps their slot even when a piece chose a more valuable child there."""
    problem = group_problem(
        job("C001", option((0,), values=(100,)), pinned=(0, 0, None)),
        job("C002", option((0,), values=(5000,))),
        practitioners=[practitioner(max_per_day=1)],
    )
    outcomes = [PieceOutcome("P001", {"C002": ("joint", 0)}, 5000, 5000, "OPTIMAL", 0.0)]
    assert merge(problem, outcomes).choice == {"C001": (0, 0)}


def pieces_of_two() -> list[GroupProblem]:
    problem = group_problem(
        job("C001", option((0, 1))),
        job("C002", option((0,), practitioner_id="P002", place="setting:S002")),
        job("C003", option((1,), practitioner_id="P002", place="setting:S002")),
    )
    return problem.pieces()


def test_solve_pieces_answers_every_piece_in_order_and_reports_progress() -> None:
    """One outcome per piece, in the pieces' order; progress counts the pieces done."""
    pieces = pieces_of_two()
    seen: list[Progress] = []
    outcomes = solve_pieces(pieces, time_limit=2, workers=1, progress=seen.append)
    assert [o.practitioner_id for o in outcomes] == ["P001", "P002"]
    assert [len(o.choice) for o in outcomes] == [1, 2]
    assert [p.done for p in seen] == [1, 2] and {p.total for p in seen} == {2}
    assert seen[-1].objective == sum(o.objective for o in outcomes)


def test_solve_pieces_when_stopped_still_places_every_child() -> None:
    """A stop before the solve: no CP-SAT, every piece still gets its greedy rota."""
    stop = threading.Event()
    stop.set()
    outcomes = solve_pieces(pieces_of_two(), time_limit=2, workers=1, stop=stop)
    assert [len(o.choice) for o in outcomes] == [1, 2]
    assert {o.status for o in outcomes} <= {"GREEDY", "OPTIMAL"}


def test_solve_pieces_deterministic_gives_the_same_answer() -> None:
    """With deterministic limits the same pieces give the same choices twice."""
    pieces = pieces_of_two()
    first = solve_pieces(pieces, time_limit=1, workers=1, deterministic=True)
    second = solve_pieces(pieces, time_limit=1, workers=1, deterministic=True)
    assert [o.choice for o in first] == [o.choice for o in second]


def test_a_short_solve_with_two_workers_runs_in_threads_not_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Below POOL_MIN_SECONDS no worker process is started (that alone would take longer);
    the pieces are still solved with the model, side by side, one outcome each, in order."""

    def no_processes(workers: int) -> None:
        raise AssertionError("worker processes started for a short solve")

    monkeypatch.setattr(solve, "_process_pool", no_processes)
    threads: set[str] = set()
    real = solve.solve_piece

    def recording(*args: object, **kwargs: object) -> PieceOutcome:
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve, "solve_piece", recording)
    outcomes = solve_pieces(pieces_of_two(), time_limit=POOL_MIN_SECONDS / 2, workers=2)
    assert [o.practitioner_id for o in outcomes] == ["P001", "P002"]
    assert [len(o.choice) for o in outcomes] == [1, 2]
    assert {o.status for o in outcomes} == {"OPTIMAL"}
    assert threads and all(name.startswith("piece") for name in threads)


def test_a_stop_reaches_pieces_solving_in_threads() -> None:
    """Stopped before the start: every piece still answers (greedy or proven), none hangs."""
    stop = threading.Event()
    stop.set()
    outcomes = solve_pieces(pieces_of_two(), time_limit=2, workers=2, stop=stop)
    assert [len(o.choice) for o in outcomes] == [1, 2]


def test_a_second_short_solve_reweights_the_kept_models_and_answers_the_same() -> None:
    """The same pieces with other values: the kept models are re-weighted (a hit each), and
    the answers are those of models built afresh."""
    solve.MODELS.clear()
    pieces = [short_piece()]  # searched: its warm start falls short of its flow bound
    solve_pieces(pieces, time_limit=1, workers=1, deterministic=True)
    hits = solve.MODELS.hits
    richer = [
        replace(
            piece,
            children=tuple(
                replace(
                    job_,
                    options=tuple(
                        replace(o, values=tuple(3 * v for v in o.values)) for o in job_.options
                    ),
                )
                for job_ in piece.children
            ),
        )
        for piece in pieces
    ]
    kept = solve_pieces(richer, time_limit=1, workers=1, deterministic=True)
    assert solve.MODELS.hits == hits + len(pieces)
    fresh = [solve_piece(p, 1, deterministic=True) for p in richer]
    assert [(o.choice, o.objective, o.bound) for o in kept] == [
        (o.choice, o.objective, o.bound) for o in fresh
    ]


def test_kept_models_are_bounded_by_their_variables() -> None:
    """Past ``max_variables`` the least recently used model goes, and only it."""
    first, second = pieces_of_two()
    size = len(build_day_model(second).see) + len(build_day_model(second).visit)
    cache = solve.ModelCache(max_variables=size)
    for piece in (first, second):
        key, model = cache.model_for(piece)
        cache.give_back(key, model)
    assert cache.variables() == size
    cache.model_for(first)
    assert cache.hits == 0, "the first piece's model went to make room for the second's"
    cache.model_for(second)
    assert cache.hits == 1


# --------------------------------------------------------------------------- known bounds


def test_a_known_bound_below_the_pieces_own_is_kept_and_can_prove_it_best() -> None:
    """A bound proven elsewhere (a what-if's plan) replaces a looser one; the piece is then
    OPTIMAL if its rota reaches it, and a looser known bound changes nothing."""
    outcome = PieceOutcome("P001", {}, objective=900, bound=1200, status="FEASIBLE", seconds=1)
    assert tightened(outcome, None) is outcome
    assert tightened(outcome, 1500) is outcome
    assert tightened(outcome, 1000) == replace(outcome, bound=1000)
    assert tightened(outcome, 900) == replace(outcome, bound=900, status="OPTIMAL")


def short_piece() -> GroupProblem:
    """A piece whose warm start falls short of its flow bound (which lets the two children who
    need 09:00–10:00 both be seen)."""
    return group_problem(
        job("C002", option((0,), values=(1000,))),
        job(
            "C003",
            option((0,), values=(1000,), place="setting:S002", window=(hm("09:00"), hm("10:00"))),
        ),
        job("C004", option((0,), values=(1000,), window=(hm("09:00"), hm("10:00")))),
    )


def test_a_piece_whose_warm_start_reaches_its_known_bound_is_not_searched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What-if pieces whose old slots are still provably best skip CP-SAT, leaving its time to
    the others; a piece whose warm start falls short of its known bound is searched."""
    searched: list[int] = []
    real = solve.solve_day_model

    def recording(m: object, **kwargs: object) -> object:
        searched.append(len(m.problem.children))  # type: ignore[attr-defined]
        return real(m, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve, "solve_day_model", recording)
    easy = group_problem(job("C001"))
    short = short_piece()
    warm = [warm_start(p, day_flow(p)).objective() for p in (easy, short)]
    assert warm[1] < day_flow(short).bound
    outcomes = solve_pieces(
        [easy, short], time_limit=2, workers=1, known_bounds=[warm[0], warm[1] + 1]
    )
    assert searched == [3]
    assert outcomes[0].status == "OPTIMAL" and outcomes[0].bound == warm[0]
    assert outcomes[1].bound <= warm[1] + 1


def test_time_a_piece_took_beyond_its_limit_is_kept_back_from_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A piece's search limit does not cover building its model or laying out its days; what
    the first piece took beyond its limit (9 s here, faked) is kept back from the next one's,
    so the solve as a whole ends on time."""
    limits: list[float] = []

    def slow(problem: GroupProblem, time_limit: float, *args: object, **kwargs: object) -> object:
        limits.append(time_limit)
        outcome = solve_piece(problem, 0.0, use_model=False)
        return replace(outcome, seconds=time_limit + 9.0)

    monkeypatch.setattr(solve, "solve_piece", slow)
    solve_pieces(pieces_of_two(), time_limit=10, workers=1)
    assert len(limits) == 2
    assert limits[0] >= 3 and limits[1] <= 1.0


def test_a_what_if_reports_a_whole_first_answer_before_any_search_ends() -> None:
    """With known bounds (a what-if) every piece's warm start is an answer at once: the first
    progress report books every child of every piece, before any piece is done; a solve
    without them reports pieces only as they finish."""
    pieces = [short_piece()]
    warm = warm_start(pieces[0], day_flow(pieces[0]))
    seen: list[Progress] = []
    solve_pieces(
        pieces,
        time_limit=2,
        workers=1,
        known_bounds=[warm.objective() + 1],
        progress=seen.append,
    )
    assert seen[0].whole and seen[0].done == 0
    assert seen[0].booked == set(warm.choice)
    plain: list[Progress] = []
    solve_pieces(pieces, time_limit=2, workers=1, progress=plain.append)
    assert [p.done for p in plain] == [1]  # no answer before the piece is done


def test_a_what_if_without_known_bounds_still_answers_first() -> None:
    """A what-if from a plan read back from the store has no proven pieces: with
    ``answer_first`` the warm starts are still a whole first answer before any search ends
    (the lead must not watch children counted up from nought)."""
    pieces = [short_piece()]
    seen: list[Progress] = []
    solve_pieces(pieces, time_limit=2, workers=1, answer_first=True, progress=seen.append)
    assert seen[0].whole and seen[0].done == 0
    assert seen[0].booked == set(priority_greedy(pieces[0]).choice)


# --- time left over: further searches of the pieces that ran out of time ----------------------


class _Searches:
    """A fake ``solve_piece``: a first search of P002's piece runs out of time short of its
    bound (``first_gap`` points), P001's is proven best at once; a search from an earlier
    outcome (``start``) reaches the bound. Records (practitioner, limit, start) per call."""

    def __init__(
        self,
        ended_by_itself: bool = False,
        stalls: bool = False,
        objective: int = 400,
        bound: int = 500,
    ) -> None:
        self.calls: list[tuple[str, float, PieceOutcome | None]] = []
        self.ended_by_itself = ended_by_itself
        self.stalls = stalls
        self.objective = objective
        self.bound = bound

    def __call__(
        self,
        problem: GroupProblem,
        time_limit: float,
        *args: object,
        start: PieceOutcome | None = None,
        **kwargs: object,
    ) -> PieceOutcome:
        pid = problem.practitioners[0].practitioner_id
        self.calls.append((pid, time_limit, start))
        if pid == "P001":
            return PieceOutcome(pid, {}, 100, 100, "OPTIMAL", 0.01)
        if start is None:
            seconds = 0.1 * time_limit if self.ended_by_itself else time_limit
            first = PieceOutcome(
                pid, {"C002": ("joint", 0)}, self.objective, self.bound, "FEASIBLE", 0.0
            )
            return replace(first, seconds=seconds)
        if self.stalls:  # ran out of time again, with no better rota (only a lower bound)
            return replace(start, bound=start.bound - 1, seconds=time_limit)
        return PieceOutcome(pid, {"C002": ("joint", 0), "C003": ("joint", 1)}, 480, 480, "X", 0.2)


class _InlinePool:
    """Pieces solved as they are submitted, by ``solve``, with what they were submitted with."""

    def __init__(self, solve_one: _Searches) -> None:
        self.solve_one = solve_one
        self.done: list[tuple[int, PieceOutcome]] = []

    def submit(
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        self.done.append((key, self.solve_one(problem, time_limit, start=start)))

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        out, self.done = self.done, []
        return out

    def stop(self) -> None:
        pass


@pytest.mark.parametrize("workers", [1, 2])
def test_time_left_over_goes_to_a_piece_that_ran_out_from_its_best_so_far(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """P001's piece is proven best at once, so once both have been searched most of the time
    is left: P002's piece, which ran out of its share short of its bound, is searched again
    from its best so far, for no longer than the solve so far (here instant: the shortest
    round), and keeps the better rota, the lower bound and the time of both searches."""
    searches = _Searches()
    monkeypatch.setattr(solve, "solve_piece", searches)
    pool = _InlinePool(searches) if workers > 1 else None
    outcomes = solve_pieces(pieces_of_two(), time_limit=10, workers=workers, pool=pool)
    first, again = [c for c in searches.calls if c[0] == "P002"]
    assert first[2] is None and again[2] is not None
    assert again[2].objective == 400 and again[2].bound == 500
    assert 0.8 * ROUND_MIN_SECONDS * workers <= again[1] < first[1]
    assert [c[0] for c in searches.calls].count("P001") == 1  # proven: not searched again
    assert outcomes[1].objective == 480 and outcomes[1].bound == 480
    assert outcomes[1].status == "OPTIMAL" and len(outcomes[1].choice) == 2
    assert outcomes[1].seconds == pytest.approx(first[1] + 0.2)


def test_progress_says_when_pieces_are_searched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """While P002's piece is searched again every piece is done, and progress says the search
    goes on; before that round and after it, it does not."""
    monkeypatch.setattr(solve, "solve_piece", _Searches())
    seen: list[Progress] = []
    solve_pieces(pieces_of_two(), time_limit=10, workers=1, progress=seen.append)
    assert [(p.done, p.improving) for p in seen] == [(1, False), (2, False), (2, True), (2, False)]


def test_a_piece_whose_search_ended_by_itself_is_not_searched_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search that ended well before its limit short of its bound (CP-SAT proved its model,
    the layout fell short) would end so again: no further search."""
    searches = _Searches(ended_by_itself=True)
    monkeypatch.setattr(solve, "solve_piece", searches)
    outcomes = solve_pieces(pieces_of_two(), time_limit=10, workers=1)
    assert [c[2] for c in searches.calls] == [None, None]
    assert outcomes[1].objective == 400 and outcomes[1].status == "FEASIBLE"


def test_a_piece_a_further_search_did_not_improve_is_not_searched_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rounds go on only while they pay: P002's second search runs out of time again with
    the same rota (a bound 1 point lower), so there is no third, however much time is left;
    the lower bound is kept."""
    searches = _Searches(stalls=True)
    monkeypatch.setattr(solve, "solve_piece", searches)
    outcomes = solve_pieces(pieces_of_two(), time_limit=10, workers=1)
    assert [start is not None for pid, _limit, start in searches.calls if pid == "P002"] == [
        False,
        True,
    ]
    assert outcomes[1].objective == 400 and outcomes[1].bound == 499


def test_no_further_search_once_the_pieces_are_within_the_round_gap_of_their_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P002's piece ran out of time 2 points short of its bound; with P001's that is within
    ROUND_GAP of the pieces' bound together, so the time left is not spent on it."""
    assert 2 <= ROUND_GAP * (2_002 + 100) < 20
    searches = _Searches(objective=2_000, bound=2_002)
    monkeypatch.setattr(solve, "solve_piece", searches)
    solve_pieces(pieces_of_two(), time_limit=10, workers=1)
    assert all(start is None for _pid, _limit, start in searches.calls)
    far = _Searches(objective=2_000, bound=2_020)
    monkeypatch.setattr(solve, "solve_piece", far)
    solve_pieces(pieces_of_two(), time_limit=10, workers=1)
    assert any(start is not None for _pid, _limit, start in far.calls)


def test_no_further_search_when_deterministic_or_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic limits do not depend on the clock, so there is no time "left over"; a
    stopped solve ends."""
    for options in ({"deterministic": True}, {"stop": threading.Event()}):
        if "stop" in options:
            options["stop"].set()  # type: ignore[union-attr]
        searches = _Searches()
        monkeypatch.setattr(solve, "solve_piece", searches)
        solve_pieces(pieces_of_two(), time_limit=10, workers=1, **options)  # type: ignore[arg-type]
        assert all(start is None for _pid, _limit, start in searches.calls)


def test_two_searches_of_a_piece_keep_the_better_rota_and_the_lower_bound() -> None:
    old = PieceOutcome("P001", {"C001": ("joint", 0)}, 400, 500, "FEASIBLE", 1.0)
    worse = PieceOutcome("P001", {}, 300, 450, "FEASIBLE", 2.0)
    kept = better(old, worse)
    assert (kept.choice, kept.objective, kept.bound) == (old.choice, 400, 450)
    assert kept.status == "FEASIBLE" and kept.seconds == 3.0
    best = better(old, PieceOutcome("P001", {"C002": ("joint", 1)}, 460, 460, "FEASIBLE", 1.0))
    assert best.objective == 460 and best.status == "OPTIMAL"
    assert better(old, replace(worse, bound=400)).status == "OPTIMAL"  # proven by the bound


def test_a_search_from_an_earlier_outcome_starts_from_its_rota_and_bound() -> None:
    """``start``: the earlier rota is the warm start and its bound the bound (no flow)."""
    problem = short_piece()
    earlier = solve_piece(problem, 0.0, use_model=False)
    again = solve_piece(problem, 0.0, use_model=False, start=earlier)
    assert again.choice == earlier.choice and again.objective == earlier.objective
    assert again.bound == earlier.bound
    tighter = replace(earlier, bound=earlier.objective)
    assert solve_piece(problem, 0.0, use_model=False, start=tighter).status == "OPTIMAL"
