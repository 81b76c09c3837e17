"""What every version of the planner gives alike, for benchmarks run across commits."""

from __future__ import annotations

from typing import Any


def summary_document(summary: Any) -> dict[str, Any]:
    """summary.json's figures, from a typed summary or (older versions) the dict itself."""
    return summary.as_document() if hasattr(summary, "as_document") else dict(summary)
