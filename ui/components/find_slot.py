"""Find a slot: the best free slots for one child (or the week's not-brought list), parents'
replies to the saved version, and one-click "Book this" / "Accept".

All the deciding is :mod:`scheduler.recommend`, :mod:`scheduler.booking` and
:mod:`scheduler.replies`; this component only draws their answers. Booking pins the slot (kept
by every re-plan), saves the booked plan as the store's next version (with calendar SEQUENCE
numbers against the published plan, so subscribed calendars move the event) and makes it the
session's plan. A setting user never reaches it (the Plan page needs every setting's view);
booking needs the permission to edit pins and to make plans, checked again on click.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import streamlit as st

from scheduler.booking import book
from scheduler.domain import Authority, format_time
from scheduler.pipeline import PlanResult
from scheduler.plan import Appointment, Plan
from scheduler.recommend import (
    FinderCache,
    Recommendations,
    SlotFinder,
    not_brought_since,
)
from scheduler.replies import ReplyRecord, ReplyState
from scheduler.store import repository as repo
from scheduler.store.access import AccessDenied, Action, Identity, can, require
from scheduler.wording import review_kind
from ui import state, storage
from ui.components.tables import DATE_FORMAT, child_name, practitioner_name
from ui.markup import md

_CACHE = "ir_find_slot_finders"
_NOTICE = "ir_find_slot_notice"


def finder(authority: Authority, plan: Plan) -> SlotFinder:
    """This session's finder for the plan (rebuilt when the data or the plan change)."""
    cache = st.session_state.get(_CACHE)
    if not isinstance(cache, FinderCache):
        cache = FinderCache(size=2)
        st.session_state[_CACHE] = cache
    return cache.finder(authority, plan)


SLOT_COLUMNS: dict[str, pl.DataType] = {
    "Rank": pl.Int64(),
    "Date": pl.Date(),
    "Time": pl.String(),
    "Kind of review": pl.String(),
    "Practitioner": pl.String(),
    "Priority points": pl.Float64(),
    "Days before see-by date": pl.Int64(),
    "Who else moves": pl.String(),
}
"""The slots table's columns, named as the Appointments table names the same things."""


def slots_frame(authority: Authority, answer: Recommendations) -> pl.DataFrame:
    """The ranked slots as a table a coordinator reads: practitioners by name, dates as every
    other table shows them (with :data:`SLOT_COLUMN_CONFIG`)."""
    rows = [
        {
            "Rank": r.rank,
            "Date": r.appointment.date,
            "Time": f"{format_time(r.appointment.start)}–{format_time(r.appointment.end)}",
            "Kind of review": review_kind(r.appointment.model),
            "Practitioner": practitioner_name(authority, r.appointment.practitioner_id),
            "Priority points": round(r.points, 2),
            "Days before see-by date": r.days_before_see_by,
            "Who else moves": r.cost,
        }
        for r in answer.slots
    ]
    return pl.DataFrame(rows, schema=SLOT_COLUMNS)


SLOT_COLUMN_CONFIG = {
    "Date": st.column_config.DateColumn(format=DATE_FORMAT),
    "Priority points": st.column_config.NumberColumn(
        help="What booking the child on that day is worth under the service's priorities "
        "(the plan's own weighing: higher is better)."
    ),
    "Who else moves": st.column_config.TextColumn(width="large"),
}


def _book(
    authority: Authority,
    result: PlanResult,
    appointments: list[Appointment],
    identity: Identity,
    note: str,
) -> None:
    """Book, pin, save as the next version and make it the session's plan (or say why not)."""
    current = storage.current_identity(storage.store(), identity)  # as the store has it now
    require(current, Action.EDIT_PINS)
    require(current, Action.GENERATE_PLAN)
    booking = book(authority, result.plan, appointments, note=note)
    if not booking.check.ok:
        st.session_state[_NOTICE] = (
            "error",
            f"Not booked: the checker found {len(booking.check.violations)} broken rule(s).",
        )
        return
    changed = {a.child_id for a in appointments}
    pins = [p for p in state.pins() if not (p.kind == "appointment" and p.child_id in changed)]
    state.set_pins([*pins, *booking.pins])
    info = storage.save_version(authority, booking.plan, identity, note=note)
    state.adopt(authority, replace(result, plan=booking.plan, check=booking.check), info)
    first = appointments[0]
    st.session_state[_NOTICE] = (
        "success",
        f"Booked {first.child_id} on {first.date:%a %d %b} at {format_time(first.start)}, "
        f"pinned and saved as version {info.version}. Publish it on the Versions page to "
        "update the calendars.",
    )


def _answer(
    authority: Authority, answer: Recommendations, result: PlanResult, identity: Identity
) -> None:
    name = md(child_name(authority, answer.child_id))
    head = f"**{name}**"
    if answer.see_by is not None:
        head += f" · see by {answer.see_by:%a %d %b %Y} (30 months)"
    if answer.current is not None:
        head += f" · booked now {answer.current.date:%a %d %b} {format_time(answer.current.start)}"
    st.markdown(head)
    if not answer.slots:
        st.info(f"No slot: {md(answer.reason)}", icon=":material/event_busy:")
        return
    if answer.status == "moves_needed":
        st.warning("No free slot: each of these needs another child to move.")
    st.dataframe(
        slots_frame(authority, answer),
        hide_index=True,
        alt=f"Slots for {answer.child_id}",
        column_config=SLOT_COLUMN_CONFIG,
    )
    allowed = can(identity, Action.EDIT_PINS) and can(identity, Action.GENERATE_PLAN)
    columns = st.columns(len(answer.slots))
    for column, r in zip(columns, answer.slots, strict=True):
        if column.button(
            f"Book slot {r.rank}",
            key=f"ir_book_{answer.child_id}_{r.rank}",
            disabled=not allowed,
            help=f"{r.appointment.date:%a %d %b} {format_time(r.appointment.start)}; " + r.cost,
        ):
            _book(
                authority,
                result,
                [r.appointment, *(m.to for m in r.moves)],
                identity,
                note=f"booked {answer.child_id}",
            )
            st.rerun()


def _replies(
    authority: Authority, result: PlanResult, identity: Identity, found: SlotFinder
) -> None:
    """Counter-proposals (with Accept when valid) and the declined children of the saved
    version."""
    current = state.working()
    version = current.version if current is not None else None
    if version is None:
        return
    try:
        replies: dict[str, ReplyRecord] = repo.list_replies(storage.store(), version)
    except Exception:  # the store is unreachable: the panel still finds slots
        storage.log.warning("could not read the replies")
        return
    if not replies:
        return
    st.subheader("Parents' replies")
    counts = {s: sum(r.state is s for r in replies.values()) for s in ReplyState}
    st.caption(
        f"Version {version}: {counts[ReplyState.CONFIRMED]} confirmed, "
        f"{counts[ReplyState.TENTATIVE]} tentative, {counts[ReplyState.DECLINED]} declined, "
        f"{counts[ReplyState.COUNTER_PROPOSED]} proposed another time."
    )
    allowed = can(identity, Action.EDIT_PINS) and can(identity, Action.GENERATE_PLAN)
    for cid, record in sorted(replies.items()):
        if record.state is ReplyState.COUNTER_PROPOSED:
            assert record.proposed_date is not None and record.proposed_start is not None
            child = authority.children.get(cid)
            if child is None:
                continue
            verdict = found.check_slot(child, record.proposed_date, record.proposed_start)
            when = f"{record.proposed_date:%a %d %b} {format_time(record.proposed_start)}"
            label = md(child_name(authority, cid))
            if verdict.appointment is not None:
                st.markdown(f"{label} proposes **{when}**: possible.")
                if st.button(f"Accept {when}", key=f"ir_accept_{cid}", disabled=not allowed):
                    _book(authority, result, [verdict.appointment], identity, f"accepted {cid}")
                    st.rerun()
            else:
                st.markdown(f"{label} proposes **{when}**: not possible ({md(verdict.reason)}).")
    declined = [cid for cid, r in sorted(replies.items()) if r.state is ReplyState.DECLINED]
    if declined:
        st.markdown("**Re-booking list** (declined the offered slot)")
        for answer in found.recommend_many(declined, top=1):
            _answer(authority, answer, result, identity)


def find_slot_panel(authority: Authority, result: PlanResult, identity: Identity) -> None:
    """The panel: pick a child (or the not-brought list), read the slots, book one."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice is not None:
        kind, text = notice
        (st.success if kind == "success" else st.error)(text)
    plan = result.plan
    found = finder(authority, plan)
    unscheduled = {u.child_id: u.reason_code.value for u in plan.unscheduled}
    booked = {a.child_id for a in plan.appointments}
    candidates = sorted(
        c.child_id
        for c in found.availability.due
        if c.child_id in booked or unscheduled.get(c.child_id) == "CAPACITY"
    )
    mode = st.radio(
        "Find slots for",
        ["One child", "Children not brought since a date"],
        horizontal=True,
        key="ir_find_mode",
    )
    if mode == "One child":
        child_id = st.selectbox(
            "Child (waiting for a slot, or booked and asking to move)",
            candidates,
            index=None,
            placeholder="Choose a child",
            format_func=lambda c: (
                f"{child_name(authority, c)} · " + ("booked" if c in booked else "waiting")
            ),
            key="ir_find_child",
        )
        top = st.number_input("How many slots", 1, 10, 3, key="ir_find_top")
        if child_id is not None:
            _answer(authority, found.recommend(str(child_id), top=int(top)), result, identity)
    else:
        today = authority.config.term.today or date.today()
        since = st.date_input("Not brought since", today - timedelta(days=7), key="ir_find_since")
        ids = not_brought_since(authority, since) if isinstance(since, date) else []
        if not ids:
            st.info("No child was not brought (or cancelled) since then.")
        for answer in found.recommend_many(ids, top=3):
            _answer(authority, answer, result, identity)
    try:
        _replies(authority, result, identity, found)
    except AccessDenied:
        st.error("Not allowed.")
