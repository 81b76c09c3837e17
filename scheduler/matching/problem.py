"""The assignment problem as given by callers, checked and compiled once into arrays.

Callers speak in strings and data frames; the solvers want dense integer indices. Compiling
applies every rule that can be decided without search (forbidden pairs, pins, loads that can
never fit) so the solvers only see *allowed* pairs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID")


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """Assign each item to one agent among its candidate pairs, at least cost.

    ``pairs`` has columns item, agent, cost, load (candidate pairs only); ``capacities`` has
    agent, capacity. ``balance_weight`` is paid per percentage point of the most loaded
    agent's utilisation (agents with capacity 0 are left out of it). ``overload_penalty``
    ``None`` makes capacities hard (the classical GAP); a number makes them soft at that cost
    per unit of load above capacity. Checked on construction: errors raise ``ValueError``.
    """

    pairs: pl.DataFrame
    capacities: pl.DataFrame
    pinned: Mapping[str, str] = field(default_factory=dict)
    forbidden: frozenset[tuple[str, str]] = frozenset()
    max_items: int | Mapping[str, int] | None = None
    balance_weight: float = 0.0
    overload_penalty: float | None = None
    _compiled: Compiled | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", compile_problem(self))

    @property
    def compiled(self) -> Compiled:
        """The checked, indexed form the solvers work on."""
        assert self._compiled is not None
        return self._compiled


@dataclass(frozen=True)
class AssignmentResult:
    """What a solve found, in the problem's own names and cost units."""

    assignment: dict[str, str]
    status: str
    objective: float
    best_bound: float
    gap: float
    seconds: float
    overload: dict[str, int]
    unassignable: list[str]

    def is_feasible(self) -> bool:
        """True when ``assignment`` is a complete solution honouring every hard rule."""
        return self.status in ("OPTIMAL", "FEASIBLE")


@dataclass(frozen=True, eq=False)
class Compiled:
    """Dense form of a checked problem: only allowed pairs, indexed items and agents.

    A solution is an array ``choice`` of pair indices, one per item (``-1`` when unset).
    """

    items: tuple[str, ...]
    agents: tuple[str, ...]
    pair_item: IntArray
    pair_agent: IntArray
    pair_cost: FloatArray
    pair_load: IntArray
    capacity: IntArray
    max_items: IntArray | None
    item_pairs: tuple[IntArray, ...]
    unassignable: tuple[str, ...]
    soft: bool
    overload_penalty: float
    balance_weight: float

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_agents(self) -> int:
        return len(self.agents)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_item.shape[0])

    def agent_loads(self, choice: IntArray) -> IntArray:
        """Total load per agent of a (possibly partial) solution."""
        chosen = choice[choice >= 0]
        return np.bincount(
            self.pair_agent[chosen], weights=self.pair_load[chosen], minlength=self.n_agents
        ).astype(np.int64)

    def agent_counts(self, choice: IntArray) -> IntArray:
        """Number of items per agent of a (possibly partial) solution."""
        chosen = choice[choice >= 0]
        return np.bincount(self.pair_agent[chosen], minlength=self.n_agents).astype(np.int64)

    def max_utilisation(self, loads: IntArray) -> float:
        """Highest load/capacity in percent, over agents with positive capacity."""
        positive = self.capacity > 0
        if not positive.any():
            return 0.0
        return float((loads[positive] * 100.0 / self.capacity[positive]).max())

    def objective(self, choice: IntArray) -> float:
        """Exact objective of a complete solution: costs, overload penalty, balance term."""
        total = float(self.pair_cost[choice].sum())
        loads = self.agent_loads(choice)
        if self.soft:
            total += self.overload_penalty * float(np.maximum(loads - self.capacity, 0).sum())
        if self.balance_weight:
            total += self.balance_weight * self.max_utilisation(loads)
        return total

    def violations(self, choice: IntArray) -> list[str]:
        """Hard rules a solution breaks (empty when it is feasible)."""
        problems: list[str] = []
        if choice.shape[0] != self.n_items or (choice < 0).any():
            return ["not every item is assigned"]
        if (self.pair_item[choice] != np.arange(self.n_items)).any():
            return ["a chosen pair belongs to another item"]
        loads = self.agent_loads(choice)
        if not self.soft:
            problems += [
                f"capacity of {self.agents[a]}" for a in np.flatnonzero(loads > self.capacity)
            ]
        if self.max_items is not None:
            counts = self.agent_counts(choice)
            problems += [
                f"max items of {self.agents[a]}" for a in np.flatnonzero(counts > self.max_items)
            ]
        return problems


def _require_columns(frame: pl.DataFrame, name: str, columns: Mapping[str, str]) -> None:
    for column, kind in columns.items():
        if column not in frame.columns:
            raise ValueError(f"{name} lacks column {column!r} (has {frame.columns})")
        dtype = frame.schema[column]
        ok = {
            "str": dtype == pl.String,
            "int": dtype.is_integer(),
            "num": dtype.is_numeric(),
        }[kind]
        if not ok:
            raise ValueError(f"{name}.{column} must be {kind}, not {dtype}")
        if frame[column].null_count():
            raise ValueError(f"{name}.{column} has missing values")


def _per_agent_limit(problem: AssignmentProblem, agents: tuple[str, ...]) -> IntArray | None:
    limit = problem.max_items
    if limit is None:
        return None
    if isinstance(limit, int):
        if limit < 0:
            raise ValueError(f"max_items must be >= 0, not {limit}")
        return np.full(len(agents), limit, dtype=np.int64)
    unknown = sorted(set(limit) - set(agents))
    if unknown:
        raise ValueError(f"max_items names unknown agents: {unknown[:5]}")
    values = [int(limit.get(a, len(problem.pairs))) for a in agents]
    if any(v < 0 for v in values):
        raise ValueError("max_items must be >= 0 for every agent")
    return np.array(values, dtype=np.int64)


def _check_scalars(problem: AssignmentProblem) -> None:
    weight = problem.balance_weight
    if not math.isfinite(weight) or weight < 0:
        raise ValueError(f"balance_weight must be finite and >= 0, not {weight}")
    penalty = problem.overload_penalty
    if penalty is not None and (not math.isfinite(penalty) or penalty < 0):
        raise ValueError(f"overload_penalty must be finite and >= 0 or None, not {penalty}")


def compile_problem(problem: AssignmentProblem) -> Compiled:
    """Check a problem and index it; raise ``ValueError`` naming the first programmer error."""
    _check_scalars(problem)
    pairs, caps = problem.pairs, problem.capacities
    _require_columns(pairs, "pairs", {"item": "str", "agent": "str", "cost": "num", "load": "int"})
    _require_columns(caps, "capacities", {"agent": "str", "capacity": "int"})
    if caps["agent"].n_unique() != caps.height:
        raise ValueError("capacities lists an agent twice")
    if (caps["capacity"] < 0).any():
        raise ValueError("capacities has a negative capacity")
    agents = tuple(caps["agent"].to_list())
    agent_index = {a: i for i, a in enumerate(agents)}
    unknown_agents = sorted(set(pairs["agent"].unique().to_list()) - set(agents))
    if unknown_agents:
        raise ValueError(f"pairs names agents without a capacity: {unknown_agents[:5]}")
    if (pairs["load"] < 0).any():
        raise ValueError("pairs has a negative load")
    costs = pairs["cost"].cast(pl.Float64).to_numpy()
    if not np.isfinite(costs).all():
        raise ValueError("pairs has a cost that is not a finite number")
    if pairs.select(pl.struct("item", "agent").is_duplicated().any()).item():
        raise ValueError("pairs lists an (item, agent) pair twice")

    item_names = pairs["item"].to_list()
    agent_names = pairs["agent"].to_list()
    all_items = tuple(dict.fromkeys(item_names))
    candidates = set(zip(item_names, agent_names, strict=True))
    for item, agent in problem.pinned.items():
        if (item, agent) not in candidates:
            raise ValueError(f"pinned pair ({item!r}, {agent!r}) is not a candidate pair")
        if (item, agent) in problem.forbidden:
            raise ValueError(f"pinned pair ({item!r}, {agent!r}) is also forbidden")

    capacity = caps["capacity"].to_numpy().astype(np.int64)
    max_items = _per_agent_limit(problem, agents)
    loads = pairs["load"].to_numpy().astype(np.int64)
    agent_idx = np.array([agent_index[a] for a in agent_names], dtype=np.int64)
    allowed = np.ones(len(item_names), dtype=bool)
    soft = problem.overload_penalty is not None
    for k, (item, agent) in enumerate(zip(item_names, agent_names, strict=True)):
        pin = problem.pinned.get(item)
        if pin is not None:
            allowed[k] = pin == agent  # a pin is kept even if it cannot fit: that is infeasible
        elif (item, agent) in problem.forbidden:
            allowed[k] = False
    pin_free = np.array([item not in problem.pinned for item in item_names], dtype=bool)
    if not soft:
        allowed &= ~(pin_free & (loads > capacity[agent_idx]))
    if max_items is not None:
        allowed &= ~(pin_free & (max_items[agent_idx] == 0))

    kept_items = {item_names[k] for k in np.flatnonzero(allowed)}
    items = tuple(i for i in all_items if i in kept_items)
    unassignable = tuple(i for i in all_items if i not in kept_items)
    item_index = {name: j for j, name in enumerate(items)}
    keep = np.flatnonzero(allowed)
    pair_item = np.array([item_index[item_names[k]] for k in keep], dtype=np.int64)
    order = np.argsort(pair_item, kind="stable")
    keep, pair_item = keep[order], pair_item[order]
    bounds = np.searchsorted(pair_item, np.arange(len(items) + 1))
    item_pairs = tuple(np.arange(bounds[j], bounds[j + 1]) for j in range(len(items)))
    return Compiled(
        items=items,
        agents=agents,
        pair_item=pair_item,
        pair_agent=agent_idx[keep],
        pair_cost=costs[keep].astype(np.float64),
        pair_load=loads[keep],
        capacity=capacity,
        max_items=max_items,
        item_pairs=item_pairs,
        unassignable=unassignable,
        soft=soft,
        overload_penalty=float(problem.overload_penalty or 0.0),
        balance_weight=float(problem.balance_weight),
    )


def gap_of(objective: float, bound: float) -> float:
    """Relative distance between objective and bound, ``inf`` when either is unknown.

    ``bound`` must be a lower bound of ``objective`` (see :func:`vouched_bound`): a negative
    gap is never rounded up to zero here.
    """
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    return (objective - bound) / max(1.0, abs(objective))


BOUND_TOLERANCE = 1e-9
"""Relative difference below which a bound above the cost is the same number, rounded."""

STRICT_BOUNDS = "SCHEDULER_STRICT_BOUNDS"
"""Set (the test suite does) to raise on a bound above a cost it claims to bound."""


def vouched_bound(bound: float, objective: float) -> float:
    """The lower bound the link stage may report for a plan costing ``objective``.

    A lower bound above a feasible cost is not a bound: it is a bug in the search. It is not
    clamped to look right: within rounding it is the cost itself; beyond, no bound is claimed
    (``-inf``, so the gap is unknown), and under :data:`STRICT_BOUNDS` it raises.
    """
    if bound <= objective:
        return bound
    if bound - objective <= BOUND_TOLERANCE * max(1.0, abs(objective)):
        return objective
    if os.environ.get(STRICT_BOUNDS):
        raise AssertionError(f"link stage: bound {bound} above the cost {objective} it bounds")
    return -math.inf


def to_result(
    compiled: Compiled,
    choice: IntArray | None,
    status: str,
    bound: float,
    seconds: float,
) -> AssignmentResult:
    """Name a solution in the caller's terms; ``choice=None`` means no solution."""
    if choice is None or status in ("INFEASIBLE", "MODEL_INVALID"):
        return AssignmentResult(
            assignment={},
            status=status,
            objective=math.inf,
            best_bound=bound,
            gap=math.inf,
            seconds=seconds,
            overload={},
            unassignable=list(compiled.unassignable),
        )
    objective = compiled.objective(choice)
    bound = vouched_bound(bound, objective)
    if status == "OPTIMAL" and bound == -math.inf:
        status = "FEASIBLE"  # optimality rested on the bound that did not hold
    loads = compiled.agent_loads(choice)
    over = np.maximum(loads - compiled.capacity, 0)
    return AssignmentResult(
        assignment={
            compiled.items[j]: compiled.agents[int(compiled.pair_agent[k])]
            for j, k in enumerate(choice)
        },
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap_of(objective, bound),
        seconds=seconds,
        overload={compiled.agents[a]: int(over[a]) for a in np.flatnonzero(over)},
        unassignable=list(compiled.unassignable),
    )
