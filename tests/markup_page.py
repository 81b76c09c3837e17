"""A one-page Streamlit script for tests/test_browser_markup.py: hostile names through ``md``
in the elements that render Markdown (text, caption, alert), exactly as the pages use it."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.markup import md  # noqa: E402

NAMES = (
    "Acorn http://evil.example/pay",
    "Birch HTTPS://evil.example",
    "see www.evil.example now",
    "pay@evil.example",
    "**Conker** [Tree](http://evil.example) <b>Nursery</b> :red[x] $x^2$",
)

for name in NAMES:
    st.markdown(f"**Setting:** {md(name)}")
    st.caption(md(name))
    st.info(md(name))
