"""Stage 1: the generic assignment core (a generalized assignment problem with extras).

Knows nothing of the domain: items and agents are strings, pairs carry a cost and a load.
"""

from scheduler.matching.core import solve_assignment
from scheduler.matching.greedy import greedy_assignment
from scheduler.matching.orlib import read_orlib_gap
from scheduler.matching.problem import AssignmentProblem, AssignmentResult

__all__ = [
    "AssignmentProblem",
    "AssignmentResult",
    "greedy_assignment",
    "read_orlib_gap",
    "solve_assignment",
]
