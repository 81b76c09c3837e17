"""The live status of a running solve, with a Stop button that keeps the best plan so far.

The status redraws itself every second (a fragment with ``run_every``) while the rest of the
page stays put; when the solve ends it reruns the page so the new plan appears.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.background import describe_progress
from ui.components.tables import problems_frame

POLL_SECONDS = 1.0


def solve_panel() -> None:
    """Show the session's solve while it runs, and what stopped the last one if it failed."""
    current = state.job()
    if current is not None and current.running:
        _live_status()
    problems = state.job_problems()
    if problems:
        st.error(
            "The plan was not made: some pins cannot be kept. Fix or remove them on the "
            "Priorities page, then try again.",
            icon=":material/error:",
        )
        st.dataframe(problems_frame(problems), hide_index=True, alt="Problems with the pins")
    elif state.job_failed():
        st.error(
            "Planning failed unexpectedly. The details were logged for the support team; "
            "please try again, perhaps with other settings.",
            icon=":material/error:",
        )


@st.fragment(run_every=POLL_SECONDS)
def _live_status() -> None:
    current = state.job()
    if current is None or not current.running:
        st.rerun(scope="app")
        return
    fraction, text = describe_progress(current.progress, current.elapsed)
    what = "Re-planning" if current.kind == "replan" else "Planning the term"
    with st.container(border=True):
        st.markdown(f"**{what}…**")
        st.progress(fraction, text=text)
        if current.stop.is_set():
            st.caption("Stopping: finishing the remaining work with a quick rota.")
        elif st.button(
            "Stop and keep the best plan so far",
            key="ir_stop",
            icon=":material/stop_circle:",
            help="The solver stops searching; practitioners not yet scheduled get a "
            "quick first-fit rota, so the plan is still complete and valid.",
        ):
            current.request_stop()
            st.caption("Stopping: finishing the remaining work with a quick rota.")
