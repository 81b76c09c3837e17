"""Continuity of links, on and off: what keeping existing links costs in children seen.

For each seed, a generated authority planned twice in one run, with the default continuity
weight and with ``continuity = 0``: existing links changed (and how many of those were forced:
the old link could never see a child, works none of the setting's days, or does no reviews),
children seen, funded two-year-olds seen and travel.

    .venv/bin/python bench/bench_continuity.py [--size medium] [--seeds 1 2 3] [--time-limit 30]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

FORCED = ("could never see", "works none of", "does no reviews")
"""Words of links.csv's reason when the old link could not serve the setting's children."""


def run(size: str, seed: int, continuity: float | None, limit: float) -> dict[str, object]:
    from scheduler.generate import SIZES, generate_authority
    from scheduler.pipeline import PlanOptions, make_plan

    authority = generate_authority(SIZES[size], seed)
    if continuity is not None:
        weights = authority.config.priorities.model_copy(update={"continuity": continuity})
        config = authority.config.model_copy(update={"priorities": weights})
        authority = replace(authority, config=config)
    options = PlanOptions(time_limit=limit, link_time_limit=limit / 3, workers=2, seed=seed)
    result = make_plan(authority, options)
    s = result.plan.summary
    existing = [
        link
        for link in result.plan.links
        if authority.settings[link.setting_id].link_practitioner_id
    ]
    changed = [link for link in existing if not link.kept_existing_link]
    forced = [link for link in changed if any(word in link.reason for word in FORCED)]
    return {
        "seed": seed,
        "continuity": "default" if continuity is None else f"{continuity:g}",
        "existing": len(existing),
        "changed": len(changed),
        "changed %": round(100 * len(changed) / max(1, len(existing)), 1),
        "not forced %": round(100 * (len(changed) - len(forced)) / max(1, len(existing)), 1),
        "seen": s.scheduled,
        "funded": s.funded_two_scheduled,
        "travel km": s.travel_km,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    rows = [
        run(args.size, seed, continuity, args.time_limit)
        for seed in args.seeds
        for continuity in (None, 0.0)
    ]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
