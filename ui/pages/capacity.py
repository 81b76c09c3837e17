"""Service lead · Capacity: who is over-committed and why, and which funded two-year-olds are
not booked.

"Over-committed" has one meaning everywhere (:mod:`scheduler.capacity`): the reviews a
practitioner's linked settings need this term take more hours than the practitioner has. The
cards, the chart and the table all read that one figure.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from scheduler.capacity import practitioner_loads
from scheduler.store.access import Action
from scheduler.wording import count, hours, of, percent
from ui import auth, state
from ui.components import charts, tables
from ui.components.progress import solve_panel
from ui.markup import md


def main() -> None:
    auth.guard(Action.VIEW_ALL_SETTINGS, page="capacity")
    state.prepare()
    st.title("Capacity")
    solve_panel()
    working = state.working()
    if working is None:
        st.info(
            "Capacity is read from a plan: make one on the Plan page first.",
            icon=":material/info:",
        )
        st.page_link("ui/pages/plan.py", label="Go to the Plan page", icon=":material/event_note:")
        return
    authority, plan = working.authority, working.plan
    summary = plan.summary
    st.caption(f"From {working.describe()}.")
    loads = practitioner_loads(authority, summary)
    over = [load for load in loads if load.overcommitted]
    at_risk = tables.at_risk_frame(authority, plan)
    funded_due = summary.funded_two_due or 0
    funded_seen = summary.funded_two_scheduled or 0

    cards = st.columns(3)
    cards[0].metric(
        "Over-committed practitioners",
        f"{count(len(over))} of {count(len(loads))}",
        help="Their linked settings need more hours of reviews and journeys this term than "
        "they have.",
        border=True,
    )
    cards[1].metric(
        "Funded two-year-olds not booked",
        of(funded_due - funded_seen, funded_due),
        help="Funded two-year-olds due this term who have no review in the plan.",
        border=True,
    )
    cards[2].metric(
        "Settings concerned",
        count(at_risk.height),
        help="Settings with funded two-year-olds not booked (listed below, most at risk first).",
        border=True,
    )
    if over:
        short = sum(load.over_minutes for load in over)
        st.markdown(
            f"Together the over-committed practitioners are **{hours(short)} short**. Moving a "
            "setting to a practitioner with room (pin the link on the Plan page, then re-plan) "
            "or adding sessions closes the gap."
        )

    st.header("Practitioners")
    chart_data = pl.DataFrame(
        {
            "practitioner": [tables.practitioner_name(authority, x.practitioner_id) for x in loads],
            "needed_share": [x.needed_share for x in loads],
            "booked_share": [x.booked_share for x in loads],
            "overcommitted": [x.overcommitted for x in loads],
            "reason": [x.reason for x in loads],
            "share_text": [percent(x.needed_share) for x in loads],
            "short_text": [hours(x.over_minutes) for x in loads],
        },
        schema={
            "practitioner": pl.String,
            "needed_share": pl.Float64,
            "booked_share": pl.Float64,
            "overcommitted": pl.Boolean,
            "reason": pl.String,
            "share_text": pl.String,
            "short_text": pl.String,
        },
    )
    chart, text = charts.capacity_chart(chart_data)
    st.caption(md(text) + " The table below gives every figure and the reason.")
    st.altair_chart(chart, width="stretch", alt=text)
    st.dataframe(
        tables.capacity_frame(authority, loads),
        hide_index=True,
        alt="Practitioners: hours needed, available and booked, and why",
        column_config={"Why": st.column_config.TextColumn(width="large")},
    )

    st.header("Funded two-year-olds not booked, by setting")
    if at_risk.height == 0:
        st.success("Every funded two-year-old due this term has a review booked.")
    else:
        st.dataframe(
            at_risk,
            hide_index=True,
            alt="Settings with funded two-year-olds not booked",
            column_config={"Why": st.column_config.TextColumn(width="large")},
        )

    st.header("By type of setting")
    st.caption("Private, voluntary and independent nurseries and childminders must not drop out.")
    st.dataframe(
        tables.setting_type_frame(authority, plan),
        hide_index=True,
        alt="Children due and booked by type of setting",
    )


main()
