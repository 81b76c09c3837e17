"""Text from the data is data: escaping it wherever it meets Streamlit's Markdown.

``st.markdown``, ``st.caption``, titles, headers, alerts (``st.info`` …), tab, expander and
button labels and radio options all render Markdown, and Streamlit's flavour adds more: colour
directives (``:red[…]``), icons (``:material/…:``), emoji shortcodes and ``$…$`` maths. A
setting called ``**Acorn** [pay here](https://evil.example)`` must show exactly those
characters, not bold text and a link. :func:`md` makes any string literal Markdown.

GitHub-flavoured autolinks need one more step: Streamlit links a bare ``http://…``, ``www.…``
or ``name@host.tld`` in the *rendered* text, after escapes are undone, so escaping cannot stop
them. :func:`md` puts an invisible U+2060 WORD JOINER inside each (``http⁠://``, ``www⁠.``,
``name@⁠host``): the text reads the same and no link is made from the data.

HTML needs no help from here: Streamlit does not render HTML in Markdown unless a page passes
``unsafe_allow_html``, which none does; letters and other HTML files escape with
``html.escape`` where they are built.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote

_PUNCTUATION = frozenset(string.punctuation)
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
WORD_JOINER = "\u2060"
_AUTOLINK_STARTS = re.compile(r"(?=://)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
"""Where GitHub-flavoured Markdown's extended autolinks are recognised (a scheme's ``://``,
``www.``, an e-mail's ``@``): a word joiner there keeps the text a text."""


def md(text: object) -> str:
    """``text`` as literal Markdown: every ASCII punctuation character backslash-escaped (which
    CommonMark allows for all of them, and which also defeats Streamlit's directives, icons,
    shortcodes and maths), line breaks turned into spaces so the text stays one inline run
    (no headings, lists, rules or tables can start inside it), and a word joiner where a bare
    address would become a link."""
    flat = _AUTOLINK_STARTS.sub(WORD_JOINER, _LINE_BREAKS.sub(" ", str(text)))
    return "".join(f"\\{char}" if char in _PUNCTUATION else char for char in flat)


def mailto(email: str) -> str:
    """A Markdown ``mailto:`` link whose text and address are both safe."""
    return f"[{md(email)}](mailto:{quote(email.strip(), safe='@.+-_')})"
