"""A stage-2 piece that waited in Ray's queue searches only what is left of its time
(scheduler/many/cluster.py): other authorities' pieces share the cluster, and a piece that
started late with its whole limit would end its authority's plan after the time asked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from scheduler.many import cluster
from scheduler.scheduling.solve import PIECE_MIN_SECONDS, PieceOutcome

HANDED_OVER = 1_000.0
"""The epoch second a piece was handed over in these tests (its limit worked out then)."""


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, bool]]:
    """The (time limit, deterministic) each search was given; the search itself is not run."""
    given: list[tuple[float, bool]] = []

    def search(problem: Any, time_limit: float, seed: int, **kwargs: Any) -> PieceOutcome:
        given.append((time_limit, kwargs["deterministic"]))
        return problem  # type: ignore[no-any-return]

    monkeypatch.setattr(cluster, "solve_piece", search)
    return given


@pytest.mark.parametrize(
    ("started_after", "searched_for"),
    [(0.0, 5.0), (0.5, 4.5), (3.0, 2.0), (4.99, PIECE_MIN_SECONDS), (60.0, PIECE_MIN_SECONDS)],
)
def test_a_piece_searches_what_is_left_of_its_limit(
    limits: list[tuple[float, bool]], started_after: float, searched_for: float
) -> None:
    problem: Any = object()
    out = cluster.solve_queued_piece(
        problem,
        5.0,
        0,
        False,
        None,
        due=HANDED_OVER + 5.0,
        clock=lambda: HANDED_OVER + started_after,
    )
    assert out is problem
    assert limits == [(pytest.approx(searched_for), False)]


def test_a_deterministic_limit_is_not_on_the_clock(limits: list[tuple[float, bool]]) -> None:
    """Deterministic time: the same pieces give the same answers, however long they queued."""
    cluster.solve_queued_piece(
        object(),  # type: ignore[arg-type]
        5.0,
        0,
        True,
        None,
        due=HANDED_OVER + 5.0,
        clock=lambda: HANDED_OVER + 60.0,
    )
    assert limits == [(5.0, True)]


def test_the_pool_hands_over_when_its_limit_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """``submit`` stamps each piece with the epoch second its limit ends."""
    sent: list[tuple[Any, ...]] = []

    class _Task:
        @staticmethod
        def remote(*args: Any) -> object:
            sent.append(args)
            return object()

    monkeypatch.setattr(cluster, "solve_piece_task", _Task)
    monkeypatch.setattr(cluster, "time", SimpleNamespace(time=lambda: HANDED_OVER))
    problem: Any = object()
    cluster.RayPiecePool().submit(7, problem, 2.5, 3, False)
    assert sent == [(problem, 2.5, 3, False, None, HANDED_OVER + 2.5)]
