"""Progress reports say which children the pieces solved so far have booked."""

from __future__ import annotations

from scheduler.generate import generate_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.scheduling.solve import Progress


def test_progress_counts_the_children_booked_so_far() -> None:
    """Each scheduling report holds the children booked by the pieces done; the count grows
    piece by piece and, here (no child offered to two practitioners), ends at the plan's."""
    authority = generate_authority(60, 3)
    seen: list[Progress] = []
    result = make_plan(
        authority, PlanOptions(time_limit=3, link_time_limit=1, workers=1), progress=seen.append
    )
    scheduling = [p for p in seen if p.stage == "scheduling" and p.total]
    assert [p.done for p in scheduling] == list(range(1, scheduling[-1].total + 1))
    sizes = [len(p.booked) for p in scheduling]
    assert sizes == sorted(sizes) and sizes[0] > 0
    assert scheduling[-1].booked == {a.child_id for a in result.plan.appointments}
