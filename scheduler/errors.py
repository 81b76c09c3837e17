"""Input problems reported to people: one line each, ``file:line: column: problem (value)``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it.

    ``line`` is the CSV line (header = 1) or, for a workbook, ``sheet!row``; 0 when the
    problem concerns a whole file. ``column`` is ``-`` when it concerns a whole row or file.
    """

    file: str
    line: int | str
    column: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message} ({self.value})"


class InputError(Exception):
    """Raised when input cannot be used; carries *every* problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
