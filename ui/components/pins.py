"""Pins: links and appointments a coordinator or lead fixed by hand, kept by every re-plan.

The editable table's rows are read back through :func:`scheduler.io.pins.parse_pins`, so the
dashboard and ``pins.csv`` accept exactly the same things.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import streamlit as st

from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.io.pins import PIN_COLUMNS, parse_pins, pins_csv
from scheduler.plan import Pin, Plan
from ui import state
from ui.components.tables import pins_frame, problems_frame


def _cell(value: Any) -> str:
    """A table cell as ``pins.csv`` text. The editor hands dates back as datetimes (midnight),
    whose ``isoformat`` is ``2027-01-05T00:00:00``: the day alone is the pin's date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return "" if text in ("nan", "NaT", "None") else text.replace(",", " ")


def pins_from_frame(frame: pl.DataFrame) -> tuple[list[Pin], list[Problem]]:
    """Pins from the edited table (blank rows ignored), or the problems that stop them."""
    lines = [",".join(PIN_COLUMNS)]
    for row in frame.iter_rows(named=True):
        cells = [_cell(row.get(column)) for column in PIN_COLUMNS]
        if any(cells):
            lines.append(",".join(cells))
    try:
        return parse_pins("\n".join(lines) + "\n", "pins table"), []
    except InputError as exc:
        return [], list(exc.problems)


def pins_editor(authority: Authority, plan: Plan | None) -> None:
    """The editable pins table and quick ways to pin what the current plan has."""
    current = state.pins()
    st.caption(
        "A **link** pin keeps a setting with a practitioner; an **appointment** pin keeps a "
        "child's day (and start time, if given). Every new plan and re-plan keeps them, or says "
        "plainly why it could not."
    )
    edited = st.data_editor(
        pins_frame(current),
        key=f"ir_pins_editor_{state.pins_version()}",
        num_rows="dynamic",
        hide_index=True,
        alt="Pinned links and appointments",
        column_config={
            "kind": st.column_config.SelectboxColumn(
                "Kind", options=["link", "appointment"], required=True
            ),
            "setting_id": st.column_config.TextColumn("Setting id"),
            "practitioner_id": st.column_config.TextColumn("Practitioner id (links)"),
            "child_id": st.column_config.TextColumn("Child id (appointments)"),
            "date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            "start": st.column_config.TextColumn(
                "Start (HH:MM)", validate=r"^([01]?\d|2[0-3]):[0-5]\d$"
            ),
        },
    )
    parsed, problems = pins_from_frame(edited)
    if problems:
        st.warning("These pins cannot be read yet; they are not used until fixed.")
        st.dataframe(problems_frame(problems), hide_index=True, alt="Problems with the pins")
    elif parsed != current:
        state.set_pins(parsed, from_editor=True)
        current = parsed
    st.caption(f"{len(current)} pin(s) in use.")

    columns = st.columns(3)
    if plan is not None and columns[0].button(
        "Pin every current link", help="Keep each setting with its present link practitioner."
    ):
        kept = [p for p in current if p.kind != "link"]
        links = [
            Pin("link", setting_id=lk.setting_id, practitioner_id=lk.practitioner_id)
            for lk in plan.links
        ]
        state.set_pins(kept + links)
        st.rerun()
    _remove_all(columns[1], current)
    columns[2].download_button(
        "Download pins.csv",
        pins_csv(current),
        file_name="pins.csv",
        mime="text/csv",
        on_click="ignore",
    )
    st.caption("To pin a child's review where it is, use the Appointments tab.")
    uploaded = st.file_uploader(
        "Replace the pins with a pins.csv", type=["csv"], key="ir_pins_upload"
    )
    if uploaded is not None and st.button("Use this pins.csv"):
        try:
            state.set_pins(parse_pins(uploaded.getvalue().decode("utf-8-sig"), uploaded.name))
        except (InputError, UnicodeDecodeError) as exc:
            shown = (
                exc.problems
                if isinstance(exc, InputError)
                else [Problem(uploaded.name, 0, "-", "not UTF-8 text", "")]
            )
            st.dataframe(problems_frame(shown), hide_index=True, alt="Problems with pins.csv")
        else:
            st.rerun()


_CONFIRM_REMOVE = "ir_pins_confirm_remove"


def _remove_all(where: Any, current: list[Pin]) -> None:
    """Removing every pin asks once first (it cannot be undone in one click)."""
    if not st.session_state.get(_CONFIRM_REMOVE):
        if where.button("Remove all pins…", disabled=not current, key="ir_pins_remove"):
            st.session_state[_CONFIRM_REMOVE] = True
            st.rerun()
        return
    where.warning(f"Remove all {len(current)} pin(s)? Plans will no longer keep them.")
    yes, no = where.columns(2)
    if yes.button("Yes, remove them", key="ir_pins_remove_yes"):
        st.session_state[_CONFIRM_REMOVE] = False
        state.set_pins([])
        st.rerun()
    if no.button("Keep them", type="primary", key="ir_pins_remove_no"):
        st.session_state[_CONFIRM_REMOVE] = False
        st.rerun()
