"""The live status of a running solve, in the coordinator's words, with a Stop button that keeps
the best plan so far.

The status redraws itself every half second (a fragment with ``run_every``) while the rest of
the page stays put; when the solve ends it reruns the page so the new plan appears. In its last
half second a redraw waits for the end, so the plan appears as soon as it is made rather than
at the next redraw; the page's own drawing of the status does not (rerunning the whole app
would drop a button pressed below it).
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.background import WHAT, SolveJob, describe_progress
from ui.components.tables import problems_frame

POLL_SECONDS = 0.5
"""How often the status redraws: a what-if's first answer is ready about 0.2 s after its
solve starts on data/sample (bench_whatif.py), and is on screen at the next redraw."""

END_WAIT = 0.8 * POLL_SECONDS
"""How long a redraw near the end waits for the solve to end: less than the time between
redraws, so a Stop clicked meanwhile is taken within it."""


PAGE_RUN = "ir_status_in_page_run"
"""Session key: set while a page draws the status (not a redraw of the status alone)."""


def ended_soon(current: SolveJob) -> bool:
    """Whether the solve ends while this redraw waits for it: only once its time is nearly
    up (or over), so the Stop button stays quick while it searches."""
    left = current.options.time_limit - current.elapsed
    return left < POLL_SECONDS and current.wait(END_WAIT)


def solve_panel() -> None:
    """Show the session's solve while it runs, and what stopped the last one if it failed."""
    current = state.job()
    if current is not None and current.running:
        st.session_state[PAGE_RUN] = True
        _live_status()
    problems = state.job_problems()
    if problems:
        st.error(
            "The plan was not made: some pins cannot be kept. Fix or remove them in the Pins "
            "tab of the Plan page, then try again.",
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
    # Drawn as part of the whole page, the status neither waits nor reruns the page: that run
    # may carry a button press below it, which a rerun of the whole app would drop.
    in_page_run = bool(st.session_state.pop(PAGE_RUN, False))
    current = state.job()
    if current is None or not current.running:
        if not in_page_run:  # else the next redraw (half a second on) reruns the page
            st.rerun(scope="app")
        return
    fraction, text = describe_progress(
        current.progress, current.elapsed, current.options.time_limit, current.funded
    )
    with st.container(border=True):
        st.markdown(
            f"**{WHAT[current.kind]}…** It will take at most about "
            f"{current.options.time_limit:.0f} seconds."
        )
        st.progress(fraction, text=text)
        if current.stop.is_set():
            st.caption("Stopping: finishing the rest with a quick first-fit rota.")
        elif st.button(
            "Stop and keep the best plan so far",
            key="ir_stop",
            icon=":material/stop_circle:",
            help="The search stops; practitioners not yet reached get a quick first-fit rota, "
            "so the plan is still complete and valid, and the page says what stopping cost.",
        ):
            current.request_stop()
            st.caption("Stopping: finishing the rest with a quick first-fit rota.")
    if not in_page_run and ended_soon(current):
        st.rerun(scope="app")
