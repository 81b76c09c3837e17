"""Event identity across plans: stable ``UID``s and the ``SEQUENCE`` rules calendar clients obey.

A calendar client matches an update to the event it already holds by ``UID`` and accepts it
only when its ``SEQUENCE`` is higher than the one it has. So a UID must not depend on anything a
re-plan can change (date, time, practitioner): it is derived from the term's name and the
child's id alone, plus the kind of event. And a sequence must go up exactly when something a
reader relies on (date, time, place, people) changes, never down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache

UID_DOMAIN = "integrated-review.scheduler"
"""Right-hand side of every UID (RFC 5545 suggests a domain-like suffix for uniqueness)."""

_SAFE = re.compile(r"[A-Za-z0-9.\-]")
_ALL_SAFE = re.compile(r"[A-Za-z0-9.\-]*")
_SPACES = re.compile(r"\s+")
SEPARATOR = "+"
"""Between a UID's parts; never produced by :func:`_slug`, so parts cannot run together."""


class EventKind(StrEnum):
    """The kinds of calendar entry one review produces; each has its own UID.

    Feeds and invitations use different UIDs on purpose: a practitioner may both subscribe to
    their feed and receive the invitation, and Google Calendar refuses to import an event whose
    UID already lives in another calendar of the same account.
    """

    INVITE = "invite"
    """The iTIP invitation (REQUEST/CANCEL) and the family's downloadable copy of it."""
    SETTING = "setting"
    SETTING_PRE = "setting-pre"
    PRACTITIONER = "practitioner"
    PRACTITIONER_PRE = "practitioner-pre"
    SUMMARY_TODO = "summary-todo"
    """The key person's task: the EYFS progress summary for a clinic or home review, or the
    preparation (summary, the parent's ASQ-3) for a joint one. One per review whatever its kind,
    so a review that changes kind updates its task rather than leaving a stale one."""


def _slug(text: str) -> str:
    """Letters, digits, dots and hyphens kept; anything else spelled as ``_XX`` hex bytes.

    Injective (``_`` itself is escaped), so two different ids never share a UID.
    """
    if _ALL_SAFE.fullmatch(text):
        return text  # the usual id: nothing to spell out
    out = []
    for ch in text:
        if _SAFE.fullmatch(ch):
            out.append(ch)
        else:
            out.extend(f"_{byte:02X}" for byte in ch.encode("utf-8"))
    return "".join(out)


@lru_cache(maxsize=16)
def term_slug(term_name: str) -> str:
    """``Autumn 2026`` → ``autumn-2026``: the term part of every UID."""
    return _slug(_SPACES.sub("-", term_name.strip().lower()))


def event_uid(term_name: str, child_id: str, kind: EventKind) -> str:
    """The UID of one kind of event for a child's review in a term; never uses date or time."""
    suffix = "" if kind is EventKind.INVITE else f"{SEPARATOR}{kind.value}"
    return f"ir{SEPARATOR}{term_slug(term_name)}{SEPARATOR}{_slug(child_id)}{suffix}@{UID_DOMAIN}"


def next_sequence(
    uid: str,
    *,
    previous: Mapping[str, int],
    stored: Mapping[str, int],
    existed_before: bool,
    changed: bool,
) -> int:
    """The ``SEQUENCE`` an event gets when a plan is compared with the previous one.

    ``existed_before``: the previous plan had this event live. ``changed``: its date, time,
    place or people differ. An event the previous plan did not have but whose UID was seen
    before (cancelled earlier, now back) must outrank the cancellation, so it also goes up.
    ``stored`` is what the new plan already remembers (when it was compared once already);
    the result never falls below it, so comparing twice gives the same answer.
    """
    if existed_before:
        computed = previous.get(uid, 0) + (1 if changed else 0)
    elif uid in previous:
        computed = previous[uid] + 1
    else:
        computed = 0
    return max(computed, stored.get(uid, 0))


def calendar_uid(term_name: str, feed: str, owner_id: str) -> str:
    """The UID of a whole feed (RFC 7986 calendar ``UID``), stable across re-plans."""
    parts = ("ir", term_slug(term_name), feed, _slug(owner_id))
    return f"{SEPARATOR.join(parts)}@{UID_DOMAIN}"


def file_stem(identifier: str) -> str:
    """An id made safe as a file name (no separators, no dots at the start)."""
    stem = _slug(identifier)
    return "_" + stem if stem.startswith(".") else stem


def cancelled_sequence(uid: str, *, previous: Mapping[str, int], stored: Mapping[str, int]) -> int:
    """The ``SEQUENCE`` of a cancellation: one above the last version clients received."""
    return max(previous.get(uid, 0) + 1, stored.get(uid, 0))
