"""The dashboard's entry point: page setup and navigation by role, nothing else.

Run with ``streamlit run streamlit_app.py``. The pages live in ``ui/pages/``; all the
scheduling logic lives in the ``scheduler`` package.
"""

import streamlit as st

st.set_page_config(
    page_title="Integrated Review scheduler",
    page_icon=":material/calendar_month:",
    layout="wide",
)

pages = {
    "Coordinator": [
        st.Page("ui/pages/data.py", title="Data", icon=":material/upload_file:", default=True),
        st.Page("ui/pages/plan.py", title="Plan", icon=":material/event_note:"),
    ],
    "Service lead": [
        st.Page("ui/pages/priorities.py", title="Priorities", icon=":material/tune:"),
        st.Page("ui/pages/capacity.py", title="Capacity", icon=":material/groups:"),
    ],
    "Setting": [
        st.Page("ui/pages/setting.py", title="My setting", icon=":material/school:"),
    ],
}

st.navigation(pages).run()
