"""Reader for OR-Library generalized-assignment files, so the core can be measured on them.

Format: ``m n``, then ``m`` rows of ``n`` costs, ``m`` rows of ``n`` loads, ``m`` capacities.
Numbers may wrap across lines freely; line numbers in errors point at the offending token.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from scheduler.errors import InputError, Problem


def _tokens(path: Path) -> list[tuple[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), 0, "-", "cannot read GAP file", str(exc))]) from exc
    return [(tok, no) for no, line in enumerate(text.splitlines(), 1) for tok in line.split()]


def read_orlib_gap(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read an OR-Library GAP instance as (pairs, capacities); every item-agent pair is a candidate.

    Items and agents are named ``"1".."n"`` and ``"1".."m"`` in file order.
    """
    path = Path(path)
    tokens = _tokens(path)
    name = str(path)
    last_line = tokens[-1][1] if tokens else 0

    def number(pos: int, what: str) -> int:
        if pos >= len(tokens):
            raise InputError([Problem(name, last_line, "-", f"file ends before {what}", "")])
        tok, line = tokens[pos]
        try:
            value = int(tok)
        except ValueError:
            raise InputError([Problem(name, line, "-", f"{what} is not an integer", tok)]) from None
        if value < 0:
            raise InputError([Problem(name, line, "-", f"{what} is negative", tok)])
        return value

    m = number(0, "number of agents")
    n = number(1, "number of items")
    if m == 0 or n == 0:
        raise InputError([Problem(name, tokens[0][1], "-", "no agents or no items", f"{m} {n}")])
    expected = 2 + 2 * m * n + m
    if len(tokens) > expected:
        tok, line = tokens[expected]
        raise InputError([Problem(name, line, "-", "unexpected data after the capacities", tok)])
    costs = [number(2 + k, "a cost") for k in range(m * n)]
    loads = [number(2 + m * n + k, "a load") for k in range(m * n)]
    caps = [number(2 + 2 * m * n + k, "a capacity") for k in range(m)]
    agents = [str(a + 1) for a in range(m)]
    items = [str(j + 1) for j in range(n)]
    pairs = pl.DataFrame(
        {
            "item": [items[j] for _ in range(m) for j in range(n)],
            "agent": [agents[a] for a in range(m) for _ in range(n)],
            "cost": [float(c) for c in costs],
            "load": loads,
        },
        schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64},
    )
    capacities = pl.DataFrame(
        {"agent": agents, "capacity": caps}, schema={"agent": pl.String, "capacity": pl.Int64}
    )
    return pairs, capacities
