"""The dashboard and its calendar feeds in one process: ``streamlit run app.py``.

Streamlit finds the ``app`` object below and serves ``streamlit_app.py`` (the dashboard) with
one extra route, ``/feeds/<token>.ics``, for calendar subscriptions (see ``ui/feeds.py``).
``streamlit run streamlit_app.py`` still runs the dashboard alone, without feeds.
"""

import streamlit as st
from streamlit import config

from ui import feeds

feeds.install_log_redaction()

app = st.App(
    "streamlit_app.py",
    routes=feeds.routes(str(config.get_option("server.baseUrlPath") or "")),
)
