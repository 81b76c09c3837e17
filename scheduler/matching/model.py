"""The CP-SAT model of the assignment problem, for all items or a neighbourhood of them.

One builder serves the full solve and the large-neighbourhood sub-solves: it takes the pairs
that may be chosen (their items are the *free* items) and a current solution that fixes every
other item, whose loads then count as constants against the agents' capacities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduler.matching.problem import Compiled, IntArray

MAX_SCALE_DIGITS = 6
MAX_COEFFICIENT = 10**9
MAX_UTIL_STEPS = 10_000


@dataclass(frozen=True, eq=False)
class Scaling:
    """Integer objective coefficients for CP-SAT: ``model objective ~= factor * true objective``.

    ``exact`` when no coefficient was rounded; then the model's bound, divided by ``factor``
    and less ``slack`` (the balance term's rounding up), is a valid bound on the true objective.
    The most-used utilisation is counted in steps of ``1/util_steps`` percentage points.
    """

    factor: int
    pair_cost: IntArray
    penalty: int
    util_steps: int
    util_coefficient: int
    exact: bool

    @property
    def slack(self) -> float:
        return self.util_coefficient / self.factor if self.util_steps else 0.0


def _integral(values: list[float], factor: int) -> bool:
    return all(
        abs(v * factor - round(v * factor)) <= 1e-9 * max(1.0, abs(v * factor)) for v in values
    )


def choose_scaling(compiled: Compiled) -> Scaling:
    """Smallest power of ten making every cost, the penalty and the balance weight integral.

    When none up to ``10**MAX_SCALE_DIGITS`` does, costs are rounded at a resolution of about
    one millionth of the largest cost and the model's bound is not trusted.
    """
    costs = compiled.pair_cost
    weight = compiled.balance_weight
    distinct = [float(v) for v in np.unique(costs)] + [compiled.overload_penalty, weight]
    largest = max([1.0, *(abs(v) for v in distinct)])
    factor, exact = 1, False
    for digits in range(MAX_SCALE_DIGITS + 1):
        factor = 10**digits
        if largest * factor > MAX_COEFFICIENT:
            factor = max(1, factor // 10)
            break
        if _integral(distinct, factor):
            exact = True
            break
    while (
        weight > 0 and exact and weight * factor < 100 and largest * factor * 10 <= MAX_COEFFICIENT
    ):
        # Steps of at most 1/100 of the cost unit, so rounding up utilisation rarely decides.
        factor *= 10
    pair_cost = np.rint(costs * factor).astype(np.int64)
    penalty = round(compiled.overload_penalty * factor)
    steps, coefficient = 0, 0
    if weight > 0:
        # coefficient * steps == weight * factor: a step of 1/steps percentage points of the
        # highest utilisation costs `coefficient` model units.
        scaled = weight * factor
        steps = max(1, min(MAX_UTIL_STEPS, round(scaled)))
        coefficient = max(1, round(scaled / steps))
        exact = exact and coefficient * steps == round(scaled)
    return Scaling(factor, pair_cost, penalty, steps, coefficient, exact)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(eq=False)
class SubModel:
    """A built model: which pair each Boolean stands for, to read a solution back."""

    model: cp_model.CpModel
    pairs: IntArray
    x: list[cp_model.IntVar]
    free_items: IntArray
    pair_item: IntArray

    def read(self, solver: cp_model.CpSolver, choice: IntArray) -> IntArray:
        """``choice`` with the free items set from the solver's solution."""
        values = np.array([solver.boolean_value(v) for v in self.x], dtype=bool)
        out = choice.copy()
        chosen = self.pairs[values]
        out[self.free_items] = -1
        out[self.pair_item[values]] = chosen
        return out


def build_model(
    compiled: Compiled,
    scaling: Scaling,
    pairs: IntArray,
    choice: IntArray,
    hint: bool = True,
) -> SubModel:
    """Model choosing one of ``pairs`` for each of their items, all other items as in ``choice``.

    With ``hint``, the current choice of the free items is given to CP-SAT as a solution hint.
    """
    c = compiled
    model = cp_model.CpModel()
    pair_item = c.pair_item[pairs]
    free_items = np.unique(pair_item)
    fixed = choice.copy()
    fixed[free_items] = -1
    fixed_loads = c.agent_loads(fixed)
    fixed_counts = c.agent_counts(fixed)
    x = [
        model.new_bool_var(f"x[{c.items[int(c.pair_item[k])]},{c.agents[int(c.pair_agent[k])]}]")
        for k in pairs
    ]
    by_item: dict[int, list[cp_model.IntVar]] = {}
    by_agent: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    for var, k in zip(x, pairs, strict=True):
        by_item.setdefault(int(c.pair_item[k]), []).append(var)
        by_agent.setdefault(int(c.pair_agent[k]), []).append((int(c.pair_load[k]), var))
    for vars_ in by_item.values():
        model.add_exactly_one(vars_)

    terms: list[cp_model.LinearExprT] = [
        cp_model.LinearExpr.weighted_sum(x, [int(v) for v in scaling.pair_cost[pairs]])
    ]
    util_var = None
    hint_util = 0
    if scaling.util_steps:
        # U counts steps of the highest utilisation; agents outside the model only bound it.
        outside = [
            ceil_div(100 * scaling.util_steps * int(fixed_loads[a]), int(c.capacity[a]))
            for a in range(c.n_agents)
            if a not in by_agent and c.capacity[a] > 0
        ]
        top = [
            ceil_div(
                100 * scaling.util_steps * (int(fixed_loads[a]) + sum(w for w, _ in vs)),
                int(c.capacity[a]),
            )
            for a, vs in by_agent.items()
            if c.capacity[a] > 0
        ]
        util_var = model.new_int_var(max(outside, default=0), max([0, *outside, *top]), "max_util")
        terms.append(scaling.util_coefficient * util_var)
    current_loads = c.agent_loads(choice)
    for a, load_vars in by_agent.items():
        cap, base = int(c.capacity[a]), int(fixed_loads[a])
        weights = [w for w, _ in load_vars]
        expr = cp_model.LinearExpr.weighted_sum([v for _, v in load_vars], weights)
        most = base + sum(weights)
        if c.max_items is not None and len(load_vars) > c.max_items[a] - fixed_counts[a]:
            model.add(sum(v for _, v in load_vars) <= int(c.max_items[a] - fixed_counts[a]))
        if not c.soft:
            if most > cap:
                model.add(expr <= cap - base)
        elif most > cap and scaling.penalty > 0:
            over = model.new_int_var(0, most - cap, f"overload[{c.agents[a]}]")
            model.add(over >= expr + base - cap)
            terms.append(scaling.penalty * over)
            if hint:
                model.add_hint(over, max(0, int(current_loads[a]) - cap))
        if util_var is not None and cap > 0:
            model.add(100 * scaling.util_steps * (expr + base) <= cap * util_var)
            hint_util = max(
                hint_util, ceil_div(100 * scaling.util_steps * int(current_loads[a]), cap)
            )
    if util_var is not None and hint:
        model.add_hint(util_var, max(hint_util, util_var.proto.domain[0]))
    model.minimize(cp_model.LinearExpr.sum(terms))
    if hint:
        chosen = set(int(k) for k in choice[free_items] if k >= 0)
        for var, k in zip(x, pairs, strict=True):
            model.add_hint(var, int(k) in chosen)
    return SubModel(model, pairs, x, free_items, pair_item)
