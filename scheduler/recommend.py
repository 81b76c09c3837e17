"""Find a slot: the best contract-valid slots for one child, given the plan as it stands.

Between termly plans a coordinator answers one child at a time (a family moves in, a parent
rings to rearrange, a child was not brought). This module answers with a short ranked list,
built on the planner's own structures so that "valid" means the same thing here as in the
plan: :class:`~scheduler.availability.Availability` for who can be where, the problem's
options and values (:func:`~scheduler.scheduling.problem.build_problem`) for what each day is
worth, and :meth:`Rota.fits <scheduler.scheduling.rota.Rota.fits>` for whether the child can
be added to a day, laid out exactly (travel, the day from base, the parent's other meetings,
every window), without moving anyone.

The plan's appointments are put back into a rota as pins at their exact block starts, so
adding the child never re-times anyone else. Only the practitioners who could see the child
are rebuilt (with every child they see, and every booked brother or sister of those
children, whose meetings keep a parent busy), so one child's answer costs a few dozen day
layouts, not the whole authority. A :class:`SlotFinder` keeps those rotas for its plan;
:class:`FinderCache` hands out one finder per (data, plan) and builds a new one whenever
either changed (a booking makes a new plan, so the next answer sees it).

Free slots (nobody moves) are ranked by the child's value on that day
(:mod:`scheduler.priority`: priority, in window, earlier in the span of their possible days,
own kind of review), then by date. Only when no free slot exists are "someone moves"
alternatives offered: a lower-priority child booked that day gives up their place and takes
another free slot of their own, named with the reason.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from scheduler.availability import Availability
from scheduler.calendar import age_months
from scheduler.domain import Authority, Child, format_time
from scheduler.outcomes import Standing
from scheduler.plan import LOCATION_OF_MODEL, Appointment, Plan
from scheduler.priority import SCALE
from scheduler.scheduling.problem import ChildJob, GroupProblem, build_problem, with_pins
from scheduler.scheduling.rota import Rota, Slot

DEFAULT_TOP = 3
"""Slots offered for one child unless asked for more."""


@dataclass(frozen=True, slots=True)
class Move:
    """Another child who would have to move for a recommendation, where to, and why."""

    child_id: str
    from_date: date
    from_start: int
    to: Appointment
    reason: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One slot for the child: the appointment it would be and what it costs."""

    rank: int
    appointment: Appointment
    points: float
    """The child's value on that day (:func:`scheduler.priority.day_points`, in points)."""
    see_by: date
    """The child's 30-month date (end of the target window)."""
    moves: tuple[Move, ...] = ()
    """Who else would move (empty: nobody)."""

    @property
    def child_id(self) -> str:
        return self.appointment.child_id

    @property
    def days_before_see_by(self) -> int:
        """Days from the slot to the 30-month date (negative: after it)."""
        return (self.see_by - self.appointment.date).days

    @property
    def cost(self) -> str:
        """What booking it costs, in a sentence a coordinator reads."""
        if not self.moves:
            return "nobody else moves"
        return "; ".join(
            f"{m.child_id} moves from {m.from_date:%a %d %b} {format_time(m.from_start)} to "
            f"{m.to.date:%a %d %b} {format_time(m.to.start)} ({m.reason})"
            for m in self.moves
        )


@dataclass(frozen=True, slots=True)
class SlotCheck:
    """A proposed slot judged: the appointment it would be, or why it cannot be."""

    appointment: Appointment | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.appointment is not None


Status = Literal["ok", "moves_needed", "no_slot", "not_bookable"]


@dataclass(frozen=True, slots=True)
class Recommendations:
    """The answer for one child: ranked slots, or why there are none."""

    child_id: str
    status: Status
    """``ok`` (free slots), ``moves_needed`` (only if someone moves), ``no_slot`` or
    ``not_bookable`` (not due, declined, to follow up, unknown)."""
    slots: tuple[Recommendation, ...]
    reason: str
    """Why there is no slot (empty when there are slots)."""
    see_by: date | None = None
    current: Appointment | None = None
    """The child's appointment in the plan, when they have one (it is offered elsewhere)."""


def plan_digest(plan: Plan) -> str:
    """A digest of what a finder depends on in the plan: links and appointments."""
    h = hashlib.sha256()
    for link in sorted(plan.links, key=lambda k: k.setting_id):
        h.update(f"L{link.setting_id}\0{link.practitioner_id}\n".encode())
    for a in sorted(plan.appointments, key=lambda a: a.child_id):
        h.update(
            f"A{a.child_id}\0{a.practitioner_id}\0{a.model}\0{a.date}\0{a.block_start}\0"
            f"{a.start}\0{a.end}\n".encode()
        )
    return h.hexdigest()


def appointment_of(
    authority: Authority,
    availability: Availability,
    child: Child,
    rota: Rota,
    slot: Slot,
    block_start: int,
) -> Appointment:
    """The contract's appointment row for the child placed in ``slot`` at ``block_start``."""
    index, day = slot
    option = rota.option(child.child_id, index)
    on = availability.term.days[day]
    return Appointment(
        child_id=child.child_id,
        setting_id=child.setting_id,
        practitioner_id=option.practitioner_id,
        key_person_id=child.key_person_id,
        date=on,
        pre_meeting_start=block_start if option.model == "joint" else None,
        start=block_start + option.pre,
        end=block_start + option.duration,
        location=LOCATION_OF_MODEL[option.model],
        age_months=age_months(child.date_of_birth, on),
        in_window=on <= availability.windows[child.child_id].in_window_end,
        model=option.model,
    )


def copy_rota(rota: Rota, without: Iterable[str] = ()) -> Rota:
    """A rota with the same placements (less ``without``), to try changes on."""
    drop = set(without)
    out = Rota(rota.problem)
    out.jobs = dict(rota.jobs)
    out.choice = {c: s for c, s in rota.choice.items() if c not in drop}
    for key, ids in rota.by_day.items():
        kept = [c for c in ids if c not in drop]
        if kept:
            out.by_day[key] = kept
            out.placed[key] = [p for p in rota.placed[key] if p.job.child_id not in drop]
    for key, meetings in rota.meetings.items():
        kept_meetings = {c: m for c, m in meetings.items() if c not in drop}
        if kept_meetings:
            out.meetings[key] = kept_meetings
    return out


def _start_in(rota: Rota, child_id: str) -> int:
    """The block start the rota gave ``child_id``."""
    index, day = rota.choice[child_id]
    pid = rota.option(child_id, index).practitioner_id
    return next(p.start for p in rota.placed[(pid, day)] if p.job.child_id == child_id)


@dataclass
class _Scene:
    """A rota for some practitioners: complete for them (every child they see is in it at
    their booked start, with their booked siblings), so a slot with any of them is exact."""

    rota: Rota
    complete: frozenset[str]
    blocked: frozenset[tuple[str, int]]
    """(practitioner, day) whose booked reviews could not be put back as booked: never offered."""


class SlotFinder:
    """The plan's rotas, rebuilt practitioner by practitioner as questions need them."""

    def __init__(
        self, authority: Authority, plan: Plan, availability: Availability | None = None
    ) -> None:
        self.authority = authority
        self.plan = plan
        self.digest = plan_digest(plan)
        self.availability = availability or Availability(authority)
        self.link_of = {link.setting_id: link.practitioner_id for link in plan.links}
        first = self.availability.first_new_day
        self.booked: dict[str, Appointment] = {a.child_id: a for a in plan.appointments}
        """Every appointment in the plan, by child."""
        self._live = {cid: a for cid, a in self.booked.items() if first is None or a.date >= first}
        """Appointments on days a new booking could use (before them nothing can clash)."""
        self._by_practitioner: dict[str, list[str]] = defaultdict(list)
        self._by_parent: dict[str, list[str]] = defaultdict(list)
        for cid, a in self._live.items():
            self._by_practitioner[a.practitioner_id].append(cid)
            child = authority.children.get(cid)
            if child is not None and child.parent_key is not None:
                self._by_parent[child.parent_key].append(cid)
        self._due = {c.child_id: c for c in self.availability.due}
        self._pinned = {p.child_id for p in plan.pins if p.kind == "appointment"}
        """Children a coordinator pinned: never moved to make room."""
        self._scenes: dict[tuple[frozenset[str], str], _Scene] = {}

    # --- building -------------------------------------------------------------------------

    def _children_for(self, practitioners: frozenset[str], extra: Child | None) -> list[str]:
        ids = {cid for pid in practitioners for cid in self._by_practitioner.get(pid, [])}
        for cid in [*ids, *([extra.child_id] if extra else [])]:
            child = self.authority.children.get(cid)
            if child is not None and child.parent_key is not None:
                ids.update(self._by_parent.get(child.parent_key, []))
        return sorted(ids)

    def _problem(self, ids: Sequence[str], target: Child | None) -> GroupProblem:
        children = [self._due[c] for c in ids if c in self._due]
        if target is not None and target.child_id not in ids:
            children.append(target)
        previous = {c: self._live[c] for c in ids if c in self._live}
        return build_problem(
            self.authority, self.availability, self.link_of, children=children, previous=previous
        )

    def _scene(self, practitioners: frozenset[str], target: Child) -> _Scene:
        """Every booked child of ``practitioners`` (and their booked siblings) pinned at their
        booked starts, the target child left out (their own booking, if any, is free time)."""
        key = (practitioners, target.child_id)
        if key in self._scenes:
            return self._scenes[key]
        ids = [c for c in self._children_for(practitioners, target) if c != target.child_id]
        problem = self._problem(ids, target)
        pins: dict[str, tuple[int, int, int | None]] = {}
        blocked: set[tuple[str, int]] = set()
        jobs = {j.child_id: j for j in problem.children}
        term = self.availability.term
        for cid in ids:
            a = self._live[cid]
            day = term.index.get(a.date)
            job = jobs.get(cid)
            index = _option_index(job, a) if job is not None else None
            if day is None or job is None or index is None or day not in job.options[index].days:
                if day is not None:
                    blocked.add((a.practitioner_id, day))
                continue
            pins[cid] = (index, day, a.block_start)
        rota = Rota(with_pins(problem, pins))
        for cid in sorted(pins, key=lambda c: (pins[c][1], pins[c][2] or 0, c)):
            if not rota.try_add(cid, pins[cid][:2]):
                blocked.add((self._live[cid].practitioner_id, pins[cid][1]))
        scene = _Scene(rota, practitioners, frozenset(blocked))
        self._scenes[key] = scene
        return scene

    # --- questions ------------------------------------------------------------------------

    def not_bookable(self, child_id: str) -> str | None:
        """Why the child cannot be booked at all, or ``None``."""
        child = self.authority.children.get(child_id)
        if child is None:
            return "no child with this id in the data"
        if child_id not in self._due:
            return "not due a review this term (already reviewed, or not of age)"
        standing = self.availability.standing(child)
        if standing is Standing.DECLINED:
            return "the parent declined the review"
        if standing is Standing.FOLLOW_UP:
            return "not brought twice: the named practitioner follows up instead of a booking"
        current = self.booked.get(child_id)
        first = self.availability.first_new_day
        if current is not None and first is not None and current.date < first:
            return (
                f"booked on {current.date}, inside the notice period (or before today): "
                "too late to move from here"
            )
        return None

    def target_job(self, child: Child) -> ChildJob | None:
        """The child's options under the plan's links (``None``: no option at all)."""
        problem = build_problem(self.authority, self.availability, self.link_of, children=[child])
        return problem.children[0] if problem.children else None

    def scene_for(self, child: Child) -> tuple[_Scene, ChildJob] | None:
        """The rota in which the child's slots are judged, and the child's job in it."""
        job = self.target_job(child)
        if job is None:
            return None
        practitioners = frozenset(o.practitioner_id for o in job.options)
        scene = self._scene(practitioners, child)
        return scene, scene.rota.jobs[child.child_id]

    def free_slots(
        self,
        child: Child,
        *,
        exclude_dates: Iterable[date] = (),
        rota: Rota | None = None,
        limit: int | None = None,
    ) -> list[tuple[Slot, int]]:
        """The (option, day) where the child fits with nobody moving, most valuable first (at
        most ``limit``), with the block start the layout gives them."""
        found = self.scene_for(child)
        if found is None:
            return []
        scene, job = found
        base = rota or scene.rota
        index_of = self.availability.term.index
        skip = {index_of[d] for d in exclude_dates if d in index_of}
        out = []
        for slot in base.slots(child.child_id):
            index, day = slot
            pid = job.options[index].practitioner_id
            if day in skip or (pid, day) in scene.blocked or pid not in scene.complete:
                continue
            if base.fits(child.child_id, slot):
                trial = copy_rota(base)
                trial.try_add(child.child_id, slot)
                out.append((slot, _start_in(trial, child.child_id)))
                if limit is not None and len(out) >= limit:
                    break
        return out

    def check_slot(self, child: Child, on: date, start: int) -> SlotCheck:
        """Whether the child can have the meeting starting ``start`` on ``on`` with nobody
        moving (a counter-proposal's test): the appointment it would be, or why not."""
        why = self.not_bookable(child.child_id)
        if why is not None:
            return SlotCheck(None, why)
        found = self.scene_for(child)
        if found is None:
            return SlotCheck(None, "no kind of review is open to this child under the plan's links")
        scene, job = found
        day = self.availability.term.index.get(on)
        if day is None:
            return SlotCheck(None, f"{on} is not a review day of the term")
        choices = [i for i, o in enumerate(job.options) if day in o.days]
        if not choices:
            return SlotCheck(
                None, f"the child cannot be reviewed on {on} (someone needed is not available)"
            )
        reasons = []
        for index in choices:
            option = job.options[index]
            if (option.practitioner_id, day) in scene.blocked:
                reasons.append(f"{option.model}: that day's rota does not match the data")
                continue
            trial = copy_rota(scene.rota)
            block = start - option.pre
            trial.jobs[child.child_id] = replace(job, pinned=(index, day, block))
            if trial.try_add(child.child_id, (index, day)):
                appointment = appointment_of(
                    self.authority, self.availability, child, trial, (index, day), block
                )
                return SlotCheck(appointment, "")
            reasons.append(
                f"{option.model}: {format_time(start)} does not fit around the other reviews "
                "that day (or the hours, travel or the parent's other meetings)"
            )
        return SlotCheck(
            None, f"not possible on {on} at {format_time(start)}: " + "; ".join(reasons)
        )

    def recommend(
        self,
        child_id: str,
        *,
        top: int = DEFAULT_TOP,
        exclude_dates: Iterable[date] = (),
        rota: Rota | None = None,
    ) -> Recommendations:
        """The best ``top`` slots for the child (see the module notes)."""
        current = self.booked.get(child_id)
        why = self.not_bookable(child_id)
        if why is not None:
            return Recommendations(child_id, "not_bookable", (), why, current=current)
        child = self.authority.children[child_id]
        see_by = self.availability.windows[child_id].in_window_end
        excluded = set(exclude_dates)
        if current is not None:
            excluded.add(current.date)  # asked to move (or declined it): another day
        found = self.scene_for(child)
        if found is None:
            return Recommendations(
                child_id,
                "no_slot",
                (),
                "no kind of review is open to this child under the plan's links (see the "
                "plan's unscheduled reason)",
                see_by,
                current,
            )
        scene, job = found
        base = rota or scene.rota
        free = self.free_slots(child, exclude_dates=excluded, rota=base, limit=top)
        slots = [
            Recommendation(
                rank=n,
                appointment=appointment_of(
                    self.authority, self.availability, child, base, slot, block
                ),
                points=job.options[slot[0]].value_on(slot[1]) / SCALE,
                see_by=see_by,
            )
            for n, (slot, block) in enumerate(free[:top], start=1)
        ]
        if slots:
            return Recommendations(child_id, "ok", tuple(slots), "", see_by, current)
        moved = self._with_moves(child, job, scene, base, excluded, top, see_by)
        if moved:
            return Recommendations(child_id, "moves_needed", tuple(moved), "", see_by, current)
        return Recommendations(
            child_id,
            "no_slot",
            (),
            "every day on which everyone needed is available is full with children of the "
            "same or higher priority, and nobody of lower priority could move to another "
            "free day",
            see_by,
            current,
        )

    def _with_moves(
        self,
        child: Child,
        job: ChildJob,
        scene: _Scene,
        base: Rota,
        excluded: set[date],
        top: int,
        see_by: date,
    ) -> list[Recommendation]:
        """Slots the child gets if a lower-priority child booked that day moves to another
        free slot of their own (one move each)."""
        term = self.availability.term
        skip = {term.index[d] for d in excluded if d in term.index}
        out: list[Recommendation] = []
        for slot in base.slots(child.child_id):
            index, day = slot
            pid = job.options[index].practitioner_id
            if day in skip or (pid, day) in scene.blocked or pid not in scene.complete:
                continue
            others = sorted(
                base.by_day.get((pid, day), []),
                key=lambda c: (base.jobs[c].priority, c),
            )
            for other in others:
                other_job = base.jobs[other]
                if (
                    other_job.priority >= job.priority
                    or other not in self._live
                    or other in self._pinned
                ):
                    continue  # never someone as or more urgent, in the notice period or pinned
                trial = copy_rota(base, without=[other])
                trial.jobs[other] = replace(other_job, pinned=None, previous=None)
                if not trial.try_add(child.child_id, slot):
                    continue
                move = self._move(trial, other, exclude_day=day, complete=scene.complete)
                if move is None:
                    continue
                other_slot, other_block = move
                trial.try_add(other, other_slot)
                moved_to = appointment_of(
                    self.authority,
                    self.availability,
                    self.authority.children[other],
                    trial,
                    other_slot,
                    other_block,
                )
                old = self._live[other]
                reason = (
                    f"lower priority ({other_job.priority / SCALE:.1f} points against "
                    f"{job.priority / SCALE:.1f}) and free on {moved_to.date:%a %d %b}"
                )
                out.append(
                    Recommendation(
                        rank=len(out) + 1,
                        appointment=appointment_of(
                            self.authority,
                            self.availability,
                            child,
                            trial,
                            slot,
                            _start_in(trial, child.child_id),
                        ),
                        points=job.options[index].value_on(day) / SCALE,
                        see_by=see_by,
                        moves=(Move(other, old.date, old.start, moved_to, reason),),
                    )
                )
                break
            if len(out) >= top:
                break
        return out

    def _move(
        self, rota: Rota, child_id: str, *, exclude_day: int, complete: frozenset[str]
    ) -> tuple[Slot, int] | None:
        """The moved child's best other free slot with a practitioner the rota is complete
        for, and its block start."""
        for slot in rota.slots(child_id):
            index, day = slot
            if day == exclude_day or rota.option(child_id, index).practitioner_id not in complete:
                continue
            if rota.fits(child_id, slot):
                trial = copy_rota(rota)
                trial.try_add(child_id, slot)
                return slot, _start_in(trial, child_id)
        return None

    def recommend_many(
        self, child_ids: Sequence[str], *, top: int = DEFAULT_TOP
    ) -> list[Recommendations]:
        """Several children at once (e.g. everyone not brought this week): highest priority
        first, each child's first slot held while the next is answered, so no two children
        are offered the same first choice."""
        order = sorted(
            dict.fromkeys(child_ids),
            key=lambda c: (-self._priority(c), c),
        )
        held: dict[str, Appointment] = {}
        out = []
        for cid in order:
            answer = self._recommend_with(cid, held, top)
            out.append(answer)
            if answer.status == "ok" and answer.slots:
                held[cid] = answer.slots[0].appointment
        return out

    def _priority(self, child_id: str) -> float:
        child = self._due.get(child_id)
        if child is None:
            return float("-inf")
        job = self.target_job(child)
        return job.priority if job is not None else float("-inf")

    def _recommend_with(
        self, child_id: str, held: Mapping[str, Appointment], top: int
    ) -> Recommendations:
        if not held:
            return self.recommend(child_id, top=top)
        plan = replace(
            self.plan,
            appointments=[
                *[a for a in self.plan.appointments if a.child_id not in held],
                *held.values(),
            ],
        )
        return SlotFinder(self.authority, plan, self.availability).recommend(child_id, top=top)


def _option_index(job: ChildJob, appointment: Appointment) -> int | None:
    """The option of ``job`` that ``appointment`` is (same kind of review and practitioner)."""
    for i, option in enumerate(job.options):
        if (
            option.model == appointment.model
            and option.practitioner_id == appointment.practitioner_id
        ):
            return i
    return None


class FinderCache:
    """One :class:`SlotFinder` per (data, plan), the few most recent kept.

    Keyed by the authority object itself (frozen; a changed config or upload is a new object)
    and the plan's digest (links and appointments), so a booking, a re-plan or new data each
    get a fresh finder; the availability of unchanged data is reused.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._finders: OrderedDict[tuple[int, str], SlotFinder] = OrderedDict()
        self.built = 0
        """How many finders were built (for tests of the invalidation)."""

    def finder(self, authority: Authority, plan: Plan) -> SlotFinder:
        key = (id(authority), plan_digest(plan))
        found = self._finders.get(key)
        if found is not None and found.authority is authority:
            self._finders.move_to_end(key)
            found.plan = plan
            return found
        availability = next(
            (f.availability for f in self._finders.values() if f.authority is authority), None
        )
        finder = SlotFinder(authority, plan, availability)
        self.built += 1
        self._finders[key] = finder
        while len(self._finders) > self.size:
            self._finders.popitem(last=False)
        return finder


def not_brought_since(authority: Authority, since: date) -> list[str]:
    """Children with a ``was_not_brought`` or ``cancelled_*`` outcome on or after ``since``:
    the week's re-booking list."""
    kinds = {"was_not_brought", "cancelled_by_parent", "cancelled_by_service"}
    return sorted(
        {o.child_id for o in authority.outcomes if o.outcome in kinds and o.date >= since}
    )
