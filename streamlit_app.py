"""The dashboard's entry point: sign-in, then the pages the signed-in role may use.

Run with ``streamlit run app.py`` (the dashboard plus the calendar feed route) or
``streamlit run streamlit_app.py`` (the dashboard alone). The pages live in ``ui/pages/``, and
each checks the role again before drawing anything; all the scheduling logic lives in the
``scheduler`` package.

The app makes no call outside this computer: the favicon is a file served by the app itself
(a ``:material/...:`` page icon would be fetched from Google's font servers), and the keyboard
focus style is a local stylesheet.
"""

from pathlib import Path

import streamlit as st

from ui import auth
from ui.navigation import pages_for

STATIC = Path(__file__).resolve().parent / "ui" / "static"

st.set_page_config(
    page_title="Integrated Review scheduler",
    page_icon=str(STATIC / "favicon.png"),
    layout="wide",
)
st.html(STATIC / "focus.css")  # style only: applied to the page, takes no space

identity = auth.gate()  # a sign-in or "not allowed" page stops here
menu = pages_for(identity)
first = next(iter(menu.values()))[0]
pages = {
    group: [
        st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec is first)
        for spec in specs
    ]
    for group, specs in menu.items()
}
auth.sidebar(identity)
st.navigation(pages).run()
