"""Figures any version of the planner can give, for before/after comparisons across commits:
children seen, funded, travel, existing links changed.

Run against another checkout with its package first on the path:
``PYTHONPATH=OTHER python bench/bench_compat.py SIZE SEED LIMIT`` (prints one JSON line).
"""

from __future__ import annotations

import json
import sys
import time

from compat import summary_document


def run(size: str, seed: int, limit: float) -> dict[str, object]:
    from scheduler.generate import SIZES, generate_authority
    from scheduler.pipeline import PlanOptions, make_plan

    authority = generate_authority(SIZES[size], seed)
    began = time.perf_counter()
    result = make_plan(
        authority, PlanOptions(time_limit=limit, link_time_limit=5, workers=2, seed=seed)
    )
    s = summary_document(result.plan.summary)
    existing = [
        link
        for link in result.plan.links
        if authority.settings[link.setting_id].link_practitioner_id
    ]
    changed = sum(not link.kept_existing_link for link in existing)
    return {
        "size": size,
        "seed": seed,
        "seconds": round(time.perf_counter() - began, 1),
        "due": s["children_due"],
        "seen": s["scheduled"],
        "funded": s["funded_two_scheduled"],
        "funded_due": s["funded_two_due"],
        "travel_km": s["travel_km"],
        "links_changed_pct": round(100 * changed / max(1, len(existing)), 1),
        "valid": result.check.ok,
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))))
