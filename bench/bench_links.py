"""Benchmark the link stage (stage 1) on generated authorities.

Run: ``.venv/bin/python bench/bench_links.py medium large`` (env ``T`` = time limit in seconds,
default 10; ``K`` = candidate practitioners per setting, default 10). Prints one line per size:
settings, practitioners, status, objective, bound, gap, seconds, peak memory.
"""

import os
import resource
import sys
import time

from scheduler.generate import SIZES, generate_authority
from scheduler.matching.links import LinkOptions, choose_links
from scheduler.scheduling.availability import Availability


def main() -> None:
    limit = float(os.environ.get("T", "10"))
    k = int(os.environ.get("K", "10"))
    for size in sys.argv[1:] or ["medium", "large"]:
        authority = generate_authority(SIZES[size], 1)
        availability = Availability(authority)
        began = time.time()
        options = LinkOptions(time_limit=limit, workers=2, candidates_per_setting=k)
        r = choose_links(authority, availability, options=options)
        print(
            f"| {size} | {len(authority.settings)} | {len(authority.practitioners)} | {r.status} "
            f"| {r.objective:.2f} | {r.best_bound:.2f} | {100 * r.gap:.2f}% "
            f"| {time.time() - began:.1f} | "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
