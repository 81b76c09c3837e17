"""UK mobile numbers: the one rule for ``parent_phone`` (loader) and the text messages.

A UK mobile number is 07 followed by nine digits, written with or without spaces, hyphens,
dots or brackets, and with the national 0 replaced by ``+44``, ``0044`` or ``44``. It is kept
as ``+447…`` (E.164), which GOV.UK Notify accepts.
"""

from __future__ import annotations

import re

UK_MOBILE_SEPARATORS = r"[\s\-().]"
"""Characters people write between digits, ignored."""
UK_MOBILE_PATTERN = r"^(?:\+44|0044|44|0)(7[0-9]{9})$"
"""With separators removed: the national number after the country code, in group 1. The
digits are ``0-9`` only: ``\\d`` would also take other scripts' digits (``٩``), which no
number in E.164 holds."""


def uk_mobile(text: str) -> str | None:
    """``text`` as ``+447…``, or ``None`` when it is not a UK mobile number."""
    match = re.fullmatch(UK_MOBILE_PATTERN, re.sub(UK_MOBILE_SEPARATORS, "", text.strip()))
    return f"+44{match.group(1)}" if match else None
