"""Service lead · Capacity: who is over-committed, and which funded two-year-olds are at risk."""

from __future__ import annotations

import streamlit as st

from scheduler.store.access import Action
from ui import auth, state
from ui.components import charts, tables
from ui.components.progress import solve_panel
from ui.markup import md

auth.guard(Action.VIEW_ALL_SETTINGS, page="capacity")
state.prepare()
st.title("Capacity")

authority = state.authority()
result = state.result()
solve_panel()
if authority is None or result is None:
    st.info(
        "Capacity is read from a plan: make one on the Plan page first.", icon=":material/info:"
    )
    st.page_link("ui/pages/plan.py", label="Go to the Plan page", icon=":material/event_note:")
    st.stop()

plan = result.plan
summary = plan.summary
utilisation = tables.utilisation_frame(authority, summary)
over = utilisation.filter(utilisation["overcommitted_hours"] > 0)
at_risk = tables.at_risk_frame(authority, plan)
funded_due = int(summary.get("funded_two_due", 0))
funded_seen = int(summary.get("funded_two_scheduled", 0))

cards = st.columns(3)
cards[0].metric(
    "Practitioners over-committed",
    f"{over.height} of {utilisation.height}",
    help="Their linked settings hold more review time than they have this term "
    "(from the link stage).",
    border=True,
)
cards[1].metric(
    "Funded two-year-olds at risk",
    f"{funded_due - funded_seen:,} of {funded_due:,}",
    help="Funded two-year-olds due this term who have no appointment in the plan.",
    border=True,
)
cards[2].metric(
    "Settings with funded children at risk",
    f"{at_risk.height:,}",
    border=True,
)

st.header("Practitioners")
chart, text = charts.utilisation_chart(utilisation)
st.caption(md(text) + " The dashed line marks 100%; the table below gives every figure.")
st.altair_chart(chart, width="stretch", alt=text)
st.dataframe(
    utilisation,
    hide_index=True,
    alt="Practitioners' utilisation and over-commitment",
    column_config={
        "utilisation": st.column_config.ProgressColumn(
            "Utilisation", min_value=0.0, max_value=1.0, format="percent"
        ),
        "overcommitted_hours": st.column_config.NumberColumn(
            "Over-committed (h)",
            help="Review hours the link stage gave beyond the practitioner's capacity.",
        ),
    },
)

st.header("Funded two-year-olds at risk, by setting")
if at_risk.height == 0:
    st.success("Every due funded two-year-old has an appointment.")
else:
    st.dataframe(
        at_risk,
        hide_index=True,
        alt="Settings with funded two-year-olds not scheduled",
        column_config={"reasons": st.column_config.TextColumn("Reasons", width="large")},
    )

st.header("By type of setting")
st.caption("Private, voluntary and independent settings and childminders must not drop out.")
st.dataframe(
    tables.setting_type_frame(authority, plan),
    hide_index=True,
    alt="Children due and scheduled by type of setting",
    column_config={
        "share_scheduled": st.column_config.ProgressColumn(
            "Share scheduled", min_value=0.0, max_value=1.0, format="percent"
        )
    },
)
