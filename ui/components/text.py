"""Data shown inside Streamlit markdown: always as the words it is, never as formatting.

Names and addresses come from spreadsheets; ``**Jo**``, ``[x](http://…)``, ``:red[…]`` or
``$x$`` in one must print as typed, not become bold text, a link, colour or a formula.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
"""Every ASCII punctuation character: CommonMark lets a backslash escape any of them."""


def md(text: object) -> str:
    """``text`` escaped for ``st.markdown``: each ASCII punctuation mark backslash-escaped and
    line breaks made spaces, so no markdown, HTML, Streamlit directive or LaTeX survives."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def mailto(email: str) -> str:
    """A markdown ``mailto:`` link whose text and address are both safe."""
    return f"[{md(email)}](mailto:{quote(email.strip(), safe='@.+-_')})"
