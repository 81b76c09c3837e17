"""The dashboard and its calendar feeds in one process: ``streamlit run app.py``.

Streamlit finds the ``app`` object below and serves ``streamlit_app.py`` (the dashboard) with
one extra route, ``/feeds/<token>.ics``, for calendar subscriptions (see ``ui/feeds.py``), behind
one middleware: without a sign-in provider, requests whose ``Host`` or ``Origin`` is not this
computer are refused before any page or websocket (see ``ui/local_only.py``).
``streamlit run streamlit_app.py`` still runs the dashboard alone, without feeds and without
that middleware (its pages still refuse a foreign ``Host``, but the websocket is opened).
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from ui import feeds
from ui.local_only import LocalHostsOnly

feeds.install_log_redaction()

app = st.App(
    "streamlit_app.py",
    routes=feeds.routes(str(config.get_option("server.baseUrlPath") or "")),
    middleware=[Middleware(LocalHostsOnly)],
)
