"""A rota under construction: which children each practitioner sees on each day, in which kind
of review, always kept laid out in exact times, and the objective it scores.

The greedy baselines, the repair after CP-SAT and the merge of the pieces all add children
through :meth:`Rota.try_add`, so every rota this module holds obeys every time rule —
including a parent's meetings for two children never overlapping, across practitioners.
"""

from __future__ import annotations

from collections import defaultdict

from scheduler.scheduling.layout import Job, Placed, lay_out_day
from scheduler.scheduling.problem import ChildJob, GroupProblem, Option

Slot = tuple[int, int]
"""(option index, day index)."""


class Rota:
    """Children placed per (practitioner, day), with their exact block starts."""

    def __init__(self, problem: GroupProblem) -> None:
        self.problem = problem
        self.jobs = {c.child_id: c for c in problem.children}
        self.limits = {p.practitioner_id: p for p in problem.practitioners}
        self.choice: dict[str, Slot] = {}
        self.by_day: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.placed: dict[tuple[str, int], list[Placed]] = {}
        self.meetings: dict[tuple[str, int], dict[str, tuple[int, int]]] = defaultdict(dict)
        """(parent, day) -> child -> their meeting, for a parent's other children."""

    # --- reading --------------------------------------------------------------------------

    def option(self, child_id: str, index: int) -> Option:
        return self.jobs[child_id].options[index]

    def value(self, child_id: str, slot: Slot) -> int:
        """Points for seeing the child in this option on this day (stability included)."""
        index, day = slot
        job = self.jobs[child_id]
        value = job.options[index].value_on(day)
        if job.previous is not None and job.previous[:2] == slot:
            value += self.problem.stability_bonus
        return value

    def slots(self, child_id: str) -> list[Slot]:
        """Every (option, day) the child could have, most valuable first."""
        job = self.jobs[child_id]
        out = [(i, d) for i, o in enumerate(job.options) for d in o.days]
        return sorted(out, key=lambda s: (-self.value(child_id, s), s[1], s[0]))

    def objective(self) -> int:
        """The model's objective for this rota, scaled: values − visits − busiest weeks."""
        return sum(self.objective_terms().values())

    def objective_terms(self) -> dict[str, int]:
        """The objective term by term (scaled), as :mod:`scheduler.scheduling.model` names
        them: what the children seen are worth (with any bonus for kept slots), what the
        visits cost and what the busiest weeks cost."""
        kept = sum(
            self.problem.stability_bonus
            for cid, slot in self.choice.items()
            if (job := self.jobs[cid]).previous is not None and job.previous[:2] == slot
        )
        seen = sum(self.value(cid, slot) for cid, slot in self.choice.items()) - kept
        visits = 0
        for (pid, _day), ids in self.by_day.items():
            places = {self.option(c, self.choice[c][0]).place for c in ids}
            visits += sum(self.limits[pid].visit_cost[p] for p in places)
        weeks: dict[tuple[str, int], int] = defaultdict(int)
        for (pid, day), ids in self.by_day.items():
            weeks[(pid, self.problem.week_of_day[day])] += len(ids)
        busiest = 0
        for pid in self.limits:
            peak = max((n for (p, _), n in weeks.items() if p == pid), default=0)
            busiest += self.problem.week_peak_cost * peak
        return {
            "coverage_gain": seen,
            "kept_slots": kept,
            "visit_cost": -visits,
            "busiest_week": -busiest,
        }

    def starts(self) -> dict[str, tuple[int, int, int]]:
        """child -> (option index, day index, block start minute)."""
        out = {}
        for (_pid, day), placed in self.placed.items():
            for p in placed:
                out[p.job.child_id] = (self.choice[p.job.child_id][0], day, p.start)
        return out

    # --- changing -------------------------------------------------------------------------

    def _fixed_start(self, job: ChildJob, slot: Slot) -> int | None:
        index, day = slot
        if job.pinned is not None and job.pinned[:2] == slot and job.pinned[2] is not None:
            return job.pinned[2]
        option = job.options[index]
        if option.locked_day == day:
            return option.locked_start
        return None

    def _job(self, child_id: str, slot: Slot, together: set[str]) -> Job:
        job = self.jobs[child_id]
        index, day = slot
        option = job.options[index]
        busy: tuple[tuple[int, int], ...] = ()
        if job.parent is not None:
            others = self.meetings.get((job.parent, day), {})
            busy = tuple(m for c, m in others.items() if c not in together)
        preferred = None
        if job.previous is not None and job.previous[:2] == slot:
            preferred = job.previous[2]
        return Job(
            child_id=child_id,
            place=option.place,
            window_start=option.window_start,
            window_end=option.window_end,
            duration=option.duration,
            fixed_start=self._fixed_start(job, slot),
            preferred_start=preferred,
            pre=option.pre,
            busy=busy,
        )

    def _layout_with(self, child_id: str, slot: Slot) -> list[Placed] | None:
        """The day laid out with the child added in this slot, or ``None`` if a rule fails."""
        job = self.jobs[child_id]
        index, day = slot
        if child_id in self.choice or index >= len(job.options):
            return None
        option = job.options[index]
        if day not in option.days:
            return None
        pid = option.practitioner_id
        current = self.by_day.get((pid, day), [])
        if len(current) + 1 > self.limits[pid].max_per_day:
            return None
        together = {*current, child_id}
        slots = {c: self.choice[c] for c in current}
        slots[child_id] = slot
        return lay_out_day(
            [self._job(c, slots[c], together) for c in [*current, child_id]],
            self.limits[pid].travel_between,
        )

    def fits(self, child_id: str, slot: Slot) -> bool:
        """Whether the child could be added in this slot now (nothing changes)."""
        return self._layout_with(child_id, slot) is not None

    def try_add(self, child_id: str, slot: Slot) -> bool:
        """Add the child in this option on this day if every rule still holds."""
        layout = self._layout_with(child_id, slot)
        if layout is None:
            return False
        index, day = slot
        key = (self.jobs[child_id].options[index].practitioner_id, day)
        current = self.by_day[key]
        current.append(child_id)
        self.placed[key] = layout
        self.choice[child_id] = slot
        for placed in layout:
            cid = placed.job.child_id
            parent = self.jobs[cid].parent
            if parent is not None:
                self.meetings[(parent, day)][cid] = (placed.start + placed.job.pre, placed.end)
        return True

    def set_choices(self, choices: dict[str, Slot]) -> list[str]:
        """Take a slot for each child (from the model); children that cannot be laid out are
        dropped, pinned first and then most valuable kept, and returned."""
        order = sorted(
            choices,
            key=lambda c: (self.jobs[c].pinned is None, -self.value(c, choices[c]), c),
        )
        return [cid for cid in order if not self.try_add(cid, choices[cid])]

    def insert_by_priority(self) -> None:
        """Fit whoever is left: most valuable children first, in their best slot with room."""
        waiting = [c for c in self.problem.children if c.child_id not in self.choice]
        waiting.sort(key=lambda c: (-c.priority, c.child_id))
        for job in waiting:
            for slot in self.slots(job.child_id):
                if self.try_add(job.child_id, slot):
                    break

    def add_pins(self) -> None:
        for job in self.problem.children:
            if job.pinned is not None:
                self.try_add(job.child_id, job.pinned[:2])


def hand_greedy(problem: GroupProblem) -> Rota:
    """What a coordinator does by hand: children by 30-month date, first day that fits (own
    kind of review first)."""
    rota = Rota(problem)
    rota.add_pins()
    rest = sorted(
        (c for c in problem.children if c.pinned is None),
        key=lambda c: (c.window_end_day if c.window_end_day >= 0 else -1, c.child_id),
    )
    for job in rest:
        done = False
        for index, option in enumerate(job.options):
            for day in option.days:
                if rota.try_add(job.child_id, (index, day)):
                    done = True
                    break
            if done:
                break
    return rota


def priority_greedy(problem: GroupProblem) -> Rota:
    """Pins first, then previous slots, then the most valuable children in their best slot:
    the warm start."""
    rota = Rota(problem)
    rota.add_pins()
    for job in problem.children:
        if job.previous is not None and job.pinned is None:
            rota.try_add(job.child_id, job.previous[:2])
    rota.insert_by_priority()
    return rota


def seeded_greedy(problem: GroupProblem, seed: dict[str, Slot]) -> Rota:
    """Pins first, then the ``seed``'s slots (most valuable first; a child whose slot no longer
    fits is left for later), then the most valuable children left in their best slot."""
    rota = Rota(problem)
    rota.add_pins()
    rota.set_choices({c: slot for c, slot in seed.items() if rota.jobs[c].pinned is None})
    rota.insert_by_priority()
    return rota
