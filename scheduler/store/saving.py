"""Saving a plan for the families: its calendar numbers counted against what they last received.

A saved version is what gets published, and its calendars (feeds, invitations) carry the
``SEQUENCE`` numbers stored with it. Clients accept an update only when its number is higher
than the one they hold, so every saved version is numbered against the plan families last
received: the published version, read with the data it was made from (a family's new home or a
task's new due day is a change too). The dashboard and ``plan --db``/``replan --db`` both save
through here, so neither decides the numbering itself.
"""

from __future__ import annotations

from scheduler.domain import Authority
from scheduler.export.ics import numbered
from scheduler.plan import Plan
from scheduler.store.db import Store
from scheduler.store.records import VersionInfo
from scheduler.store.versions import open_published, save_plan


def save_for_families(
    store: Store,
    plan: Plan,
    authority: Authority,
    *,
    actor: str,
    note: str = "",
    previous_version: int | None = None,
) -> VersionInfo:
    """Save ``plan`` (made from ``authority``) as the next version, numbered against the
    published version (:func:`scheduler.export.ics.numbered`); audited as ``save_plan`` is.
    ``previous_version``: the version it was re-planned from, when it was a re-plan."""
    published = open_published(store)
    prepared = numbered(
        authority,
        plan,
        published.plan if published is not None else None,
        last_received_authority=published.authority if published is not None else None,
    )
    return save_plan(
        store, prepared, authority, actor=actor, note=note, previous_version=previous_version
    )
