"""Event identity across plans (scheduler/export/uids.py): UIDs from the term and the child
only, file-safe and never shared by two ids; SEQUENCE up exactly when something changed."""

from __future__ import annotations

import pytest

from scheduler.export.uids import (
    UID_DOMAIN,
    EventKind,
    calendar_uid,
    cancelled_sequence,
    event_uid,
    file_stem,
    next_sequence,
    term_slug,
)


def test_every_kind_of_event_has_its_own_uid() -> None:
    """One review's invitation, feed entries, pre-meetings and task never share a UID."""
    uids = {event_uid("Autumn 2026", "C001", kind) for kind in EventKind}
    assert len(uids) == len(EventKind)
    assert all(uid.endswith(f"@{UID_DOMAIN}") for uid in uids)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("C_2F", "C/"),  # an escape's spelling and the character it escapes
        ("C 1", "C_1"),
        ("Ä", "A"),
        ("C001+setting", "C001"),
    ],
)
def test_two_different_child_ids_never_share_a_uid(a: str, b: str) -> None:
    """The slug is injective: the underscore itself is escaped."""
    assert event_uid("Autumn 2026", a, EventKind.INVITE) != event_uid(
        "Autumn 2026", b, EventKind.INVITE
    )


def test_the_term_part_is_lower_case_with_hyphens() -> None:
    """``Autumn 2026`` → ``autumn-2026``; calendars of a feed have a stable UID of their own."""
    assert term_slug("  Autumn   2026 ") == "autumn-2026"
    assert (
        calendar_uid("Autumn 2026", "settings", "S001")
        == f"ir+autumn-2026+settings+S001@{UID_DOMAIN}"
    )


@pytest.mark.parametrize(
    ("identifier", "stem"),
    [("S001", "S001"), ("../etc", "_.._2Fetc"), (".hidden", "_.hidden"), ("a b", "a_20b")],
)
def test_file_stems_cannot_leave_their_folder_or_hide(identifier: str, stem: str) -> None:
    """No separator survives and no name starts with a dot."""
    assert file_stem(identifier) == stem
    assert "/" not in file_stem(identifier) and not file_stem(identifier).startswith(".")


def test_sequence_goes_up_only_when_something_changed() -> None:
    """Unchanged: the same number; changed: one more; new: 0; back after a cancellation: one
    above it; never below what the plan already remembers."""
    prev = {"u": 3, "gone": 5}
    assert next_sequence("u", previous=prev, stored={}, existed_before=True, changed=False) == 3
    assert next_sequence("u", previous=prev, stored={}, existed_before=True, changed=True) == 4
    assert next_sequence("new", previous=prev, stored={}, existed_before=False, changed=True) == 0
    assert next_sequence("gone", previous=prev, stored={}, existed_before=False, changed=False) == 6
    assert (
        next_sequence("u", previous=prev, stored={"u": 4}, existed_before=True, changed=True) == 4
    )
    assert (
        next_sequence("u", previous=prev, stored={"u": 9}, existed_before=True, changed=False) == 9
    )


def test_a_cancellation_outranks_the_last_version_sent() -> None:
    """One above what clients hold, or what the plan already stored if higher."""
    assert cancelled_sequence("u", previous={"u": 2}, stored={}) == 3
    assert cancelled_sequence("u", previous={}, stored={"u": 7}) == 7
