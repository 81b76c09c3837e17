"""Tiny assignment problems from (item, agent, cost, load) rows, and their optimum by brute
force, for the unit tests of the stage-1 core's modules."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from scheduler.matching.problem import AssignmentProblem, Compiled, IntArray

Row = tuple[str, str, float, int]


def make_problem(rows: list[Row], caps: Mapping[str, int], **options: Any) -> AssignmentProblem:
    """The problem of these candidate pairs and agent capacities."""
    pairs = pl.DataFrame(
        rows,
        schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64},
        orient="row",
    )
    capacities = pl.DataFrame(
        {"agent": list(caps), "capacity": list(caps.values())},
        schema={"agent": pl.String, "capacity": pl.Int64},
    )
    return AssignmentProblem(pairs, capacities, **options)


def choices(compiled: Compiled) -> list[IntArray]:
    """Every complete choice (one pair per item), feasible or not."""
    return [np.array(c, dtype=np.int64) for c in itertools.product(*compiled.item_pairs)]


def optimum(compiled: Compiled) -> float:
    """The best objective over every feasible choice (``inf`` when there is none)."""
    feasible = [compiled.objective(c) for c in choices(compiled) if not compiled.violations(c)]
    return min(feasible, default=math.inf)


def agents_of(compiled: Compiled, choice: IntArray) -> list[str]:
    """Each item's agent under ``choice``, in item order."""
    return [compiled.agents[int(compiled.pair_agent[k])] for k in choice]
