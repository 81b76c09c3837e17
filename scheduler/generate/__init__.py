"""Seeded synthetic authorities, graded by size, for demos, tests and benchmarks.

Everything generated is fictional: invented towns, people and settings, e-mail addresses only
at the reserved ``example.org``/``.com``/``.net`` domains.
"""

from __future__ import annotations

from scheduler.generate.authority import SIZES, SPRING_2027, GenerateError, generate_authority
from scheduler.generate.capacity import practitioner_capacity, review_capacity

__all__ = [
    "SIZES",
    "SPRING_2027",
    "GenerateError",
    "generate_authority",
    "practitioner_capacity",
    "review_capacity",
]
