"""A piece's rota under construction: which children each practitioner sees on each day,
always kept laid out in exact times, and the objective it scores.

Both the greedy baselines and the repair after CP-SAT add children through
:meth:`GroupRota.try_add`, so every rota this module holds obeys every time rule.
"""

from __future__ import annotations

from collections import defaultdict

from scheduler.scheduling.layout import Job, Placed, lay_out_day
from scheduler.scheduling.problem import ChildJob, GroupProblem


class GroupRota:
    """Children placed per (practitioner, day), with their exact block starts."""

    def __init__(self, problem: GroupProblem) -> None:
        self.problem = problem
        self.jobs = {c.child_id: c for c in problem.children}
        self.limits = {p.practitioner_id: p for p in problem.practitioners}
        self.day_of: dict[str, int] = {}
        self.by_day: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.placed: dict[tuple[str, int], list[Placed]] = {}
        self.sibling_of: dict[str, list[str]] = defaultdict(list)
        for a, b in problem.siblings:
            self.sibling_of[a].append(b)
            self.sibling_of[b].append(a)

    def _job(self, c: ChildJob) -> Job:
        return Job(
            child_id=c.child_id,
            place=c.place,
            window_start=c.window_start,
            window_end=c.window_end,
            duration=c.duration,
            fixed_start=c.pinned_start,
            preferred_start=c.previous_start,
        )

    def _sibling_clash(self, child: ChildJob, day: int) -> bool:
        for other in self.sibling_of.get(child.child_id, ()):
            if self.day_of.get(other) == day and (
                self.jobs[other].practitioner_id != child.practitioner_id
            ):
                return True
        return False

    def try_add(self, child_id: str, day: int) -> bool:
        """Add the child on the day if every rule still holds; True when added."""
        child = self.jobs[child_id]
        if child_id in self.day_of or day not in child.days:
            return False
        key = (child.practitioner_id, day)
        current = self.by_day[key]
        if len(current) + 1 > self.limits[child.practitioner_id].max_per_day:
            return False
        if self._sibling_clash(child, day):
            return False
        layout = lay_out_day(
            [self._job(self.jobs[c]) for c in [*current, child_id]],
            self.problem.travel_between,
        )
        if layout is None:
            return False
        current.append(child_id)
        self.placed[key] = layout
        self.day_of[child_id] = day
        return True

    def set_day(self, day_choice: dict[str, int]) -> list[str]:
        """Take a day for each child (from the model); children that cannot be laid out are
        dropped, lowest value first, and returned."""
        wanted: dict[tuple[str, int], list[str]] = defaultdict(list)
        for cid, day in day_choice.items():
            wanted[(self.jobs[cid].practitioner_id, day)].append(cid)
        dropped: list[str] = []
        for key in sorted(wanted):
            ids = sorted(
                wanted[key],
                key=lambda c: (
                    self.jobs[c].pinned_day is None,
                    -self.value(c, key[1]),
                    c,
                ),
            )
            for cid in ids:
                if not self.try_add(cid, key[1]):
                    dropped.append(cid)
        return dropped

    def value(self, child_id: str, day: int) -> int:
        child = self.jobs[child_id]
        value = child.values[child.days.index(day)]
        if child.previous_day == day:
            value += self.problem.stability_bonus
        return value

    def insert_by_priority(self) -> None:
        """Fit whoever is left: most valuable children first, on their best day with room."""
        waiting = [c for c in self.problem.children if c.child_id not in self.day_of]
        waiting.sort(key=lambda c: (-c.priority, c.child_id))
        for child in waiting:
            order = sorted(
                range(len(child.days)),
                key=lambda i: (-self.value(child.child_id, child.days[i]), child.days[i]),
            )
            for i in order:
                if self.try_add(child.child_id, child.days[i]):
                    break

    def objective(self) -> int:
        """The model's objective for this rota, scaled: values − visits − busiest weeks."""
        total = sum(self.value(cid, day) for cid, day in self.day_of.items())
        for (pid, _day), ids in self.by_day.items():
            places = {self.jobs[c].place for c in ids}
            total -= sum(self.limits[pid].visit_cost[p] for p in places)
        weeks: dict[tuple[str, int], int] = defaultdict(int)
        for (pid, day), ids in self.by_day.items():
            weeks[(pid, self.problem.week_of_day[day])] += len(ids)
        for pid in self.limits:
            peak = max((n for (p, _), n in weeks.items() if p == pid), default=0)
            total -= self.problem.week_peak_cost * peak
        return total

    def starts(self) -> dict[str, tuple[int, int]]:
        """child -> (day index, block start minute)."""
        out = {}
        for (_pid, day), placed in self.placed.items():
            for p in placed:
                out[p.job.child_id] = (day, p.start)
        return out


def hand_greedy(problem: GroupProblem) -> GroupRota:
    """What a coordinator does by hand: children by 30-month date, first day that fits."""
    rota = GroupRota(problem)
    pinned = [c for c in problem.children if c.pinned_day is not None]
    for child in pinned:
        rota.try_add(child.child_id, child.pinned_day)  # type: ignore[arg-type]
    rest = sorted(
        (c for c in problem.children if c.pinned_day is None),
        key=lambda c: (c.window_end_day if c.window_end_day >= 0 else -1, c.child_id),
    )
    for child in rest:
        for day in child.days:
            if rota.try_add(child.child_id, day):
                break
    return rota


def priority_greedy(problem: GroupProblem) -> GroupRota:
    """Pins first, then the most valuable children on their best day: the warm start."""
    rota = GroupRota(problem)
    for child in problem.children:
        if child.pinned_day is not None:
            rota.try_add(child.child_id, child.pinned_day)
    for child in problem.children:
        if child.previous_day is not None and child.pinned_day is None:
            rota.try_add(child.child_id, child.previous_day)
    rota.insert_by_priority()
    return rota
