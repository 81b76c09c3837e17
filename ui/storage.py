"""The dashboard's link to the plan store: one store per process, saving, pins, audited downloads.

The store (``SCHEDULER_DB_URL``, else the default SQLite file in the data folder) is opened
once per process and shared by every session and by the calendar feed route: it holds no
session's data in memory, only an engine. Everything personal is read from it per request.

Downloads are handed to ``st.download_button`` as callables from :func:`audited`, so the audit
entry ("who downloaded which calendar") is written when somebody actually clicks, on the
server, after the permission has been checked once more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from scheduler.domain import Authority, Outcome
from scheduler.io.write_data import outcomes_csv
from scheduler.outcome_recording import (
    MergedOutcomes,
    OutcomeRefused,
    check_outcome,
    merged_authority,
    recording_date,
)
from scheduler.plan import Pin, Plan
from scheduler.store import repository as repo
from scheduler.store.access import LOCAL_SUBJECT, Action, Identity, Role, require, scope_for
from scheduler.store.audit import local_actor

log = logging.getLogger(__name__)

T = TypeVar("T", bytes, str)


@lru_cache(maxsize=4)
def _open(url: str) -> repo.Store:
    return repo.open_store(url, create=False)


def store() -> repo.Store:
    """The store for this process (migrated on first use); the URL is read from the environment
    each time, so tests that point ``SCHEDULER_DB_URL`` at a fresh file get a fresh store.

    The dashboard never creates a store (``scheduler store init`` does): a mistyped
    ``SCHEDULER_DB_URL`` is a :class:`~scheduler.store.records.StoreUnavailable`, which
    :func:`ui.auth.gate` shows as a plain message, not an empty store that looks real.
    """
    return _open(repo.database_url())


def actor(identity: Identity) -> str:
    """Who the audit log names: the signed-in e-mail address, or, for the provider-less local
    coordinator, ``local-coordinator:<operating-system user running the dashboard>``."""
    return local_actor() if identity.subject == LOCAL_SUBJECT else identity.subject


# --- versions -------------------------------------------------------------------------------


def save_version(
    authority: Authority,
    plan: Plan,
    identity: Identity,
    *,
    note: str,
    previous_version: int | None = None,
) -> repo.VersionInfo:
    """Save a plan the dashboard made as the store's next version (audited as generated),
    numbered for the families as the CLI's ``--db`` is (:mod:`scheduler.store.saving`);
    ``previous_version``: the version it was re-planned from, when it was a re-plan."""
    require(identity, Action.GENERATE_PLAN)
    return repo.save_for_families(
        store(),
        plan,
        authority,
        actor=actor(identity),
        note=note,
        previous_version=previous_version,
    )


def published_stored() -> repo.StoredVersion | None:
    """The published version opened whole (the whole authority's: callers check the role)."""
    return repo.open_published(store())


# --- pins -----------------------------------------------------------------------------------


def stored_pins() -> list[Pin]:
    """Every pin in the store, oldest first."""
    return repo.current_pins(store())


def sync_pins(before: Sequence[Pin], after: Sequence[Pin], identity: Identity) -> None:
    """Write the change from ``before`` to ``after`` to the store, one audited pin at a time.

    Only the difference is written, so pins that belong to other data (not shown in this
    session) stay as they are.
    """
    require(identity, Action.EDIT_PINS)
    handle = store()
    removed = [p for p in before if p not in after]
    added = [p for p in after if p not in before]
    if removed:
        records = repo.list_pins(handle)
        for pin in removed:
            match = next((r for r in records if r.pin == pin), None)
            if match is not None:
                repo.remove_pin(handle, match.pin_id, actor=actor(identity))
                records.remove(match)
    for pin in added:
        repo.add_pin(handle, pin, actor=actor(identity))


# --- audit ----------------------------------------------------------------------------------


def audit(
    identity: Identity,
    action: repo.AuditAction,
    *,
    target: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record something that changed nothing in the store (a download, a sign-in, a refusal)."""
    repo.append_audit(store(), actor(identity), action, target=target, details=details)


def audited(
    build: Callable[[], T],
    identity: Identity,
    permission: Action,
    event: repo.AuditAction,
    *,
    target: str,
    setting_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> Callable[[], T]:
    """A deferred download: checks the permission again, builds the file, audits the download.

    The callable runs when the user clicks, outside the page's script (it must not touch
    session state): everything it needs is captured here. The permission is checked against
    the identity *as the store has it at the click* (:func:`current_identity`), so a button
    drawn before someone was removed, demoted or moved to another setting no longer works.
    """
    handle = store()
    subject = actor(identity)
    facts = dict(details or {})

    def download() -> T:
        require(current_identity(handle, identity), permission, setting_id=setting_id)
        content = build()
        repo.append_audit(handle, subject, event, target=target, details=facts)
        return content

    return download


def current_identity(handle: repo.Store, seen: Identity) -> Identity | None:
    """``seen`` as the store has it now: ``None`` once removed, the new role once changed. The
    provider-less local coordinator is not a stored identity (and no stored one can be called
    that), so it stays as it is."""
    if seen.subject == LOCAL_SUBJECT:
        return seen
    return repo.get_identity(handle, seen.subject)


# --- outcomes -------------------------------------------------------------------------------


def published_for(identity: Identity) -> tuple[Authority, Plan, int] | None:
    """The published plan and its data as ``identity`` may see them (a setting user: its own
    setting's share), with the version number; ``None`` when nothing is published."""
    stored = repo.open_published(store())
    if stored is None:
        return None
    data, plan = scope_for(identity, stored.authority, stored.plan)
    assert plan is not None
    return data, plan, stored.info.version


def visible_outcomes(identity: Identity) -> list[repo.OutcomeRecord]:
    """The stored outcomes ``identity`` may see: all, or a setting user's own setting's."""
    if identity.role is Role.SETTING:
        return repo.list_outcomes(store(), setting_id=identity.setting_id)
    require(identity, Action.VIEW_ALL_SETTINGS)
    return repo.list_outcomes(store())


def with_stored_outcomes(
    authority: Authority, identity: Identity
) -> tuple[Authority, MergedOutcomes]:
    """``authority`` (already scoped for ``identity``) with the stored outcomes it may see
    merged into its own ``outcomes.csv`` (stored wins; see :mod:`scheduler.outcome_recording`)."""
    return merged_authority(authority, [r.outcome for r in visible_outcomes(identity)])


def record_outcome(identity: Identity, outcome: Outcome, clock: date) -> repo.OutcomeRecord:
    """Record ``outcome`` against the *published* plan, checked here on the server: whatever the
    page offered, a setting user records only its own setting's joint reviews, and nobody
    records a review that is not booked or has not happened yet."""
    stored = repo.open_published(store())
    if stored is None:
        raise OutcomeRefused("no plan is published: outcomes are recorded against it")
    today = recording_date(stored.authority.config, clock)
    appointment = check_outcome(identity, stored.authority, stored.plan, outcome, today)
    return repo.record_outcome(
        store(), outcome, setting_id=appointment.setting_id, actor=actor(identity)
    )


def remove_outcome(identity: Identity, outcome_id: int, clock: date) -> bool:
    """Remove a recorded outcome: allowed exactly when recording it would be."""
    found = repo.get_outcome(store(), outcome_id)
    if found is None:
        return False
    stored = repo.open_published(store())
    if stored is None:
        raise OutcomeRefused("no plan is published: outcomes are recorded against it")
    today = recording_date(stored.authority.config, clock)
    check_outcome(identity, stored.authority, stored.plan, found.outcome, today)
    return repo.remove_outcome(store(), outcome_id, actor=actor(identity))


def outcomes_download(identity: Identity) -> Callable[[], str]:
    """Every stored outcome as ``outcomes.csv``, built and audited when clicked."""
    require(identity, Action.EXPORT_OUTCOMES)
    handle = store()
    subject = actor(identity)

    def download() -> str:
        require(current_identity(handle, identity), Action.EXPORT_OUTCOMES)
        outcomes = repo.stored_outcomes(handle)
        text = outcomes_csv(outcomes)
        repo.append_audit(
            handle,
            subject,
            repo.AuditAction.OUTCOMES_EXPORTED,
            target="outcomes.csv",
            details={"outcomes": len(outcomes)},
        )
        return text

    return download
