"""Coordinator · Versions: what settings see, publishing a draft (showing first what changes
for whom, asking once), comparing two versions, opening one to work on, and the audit log.

Every plan made on the Plan page is saved as a draft; a service lead's what-if only when kept.
The *published* version is the one settings see and their subscribed calendars show; only a
coordinator changes it. Coordinators and service leads read the versions and the audit log.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import streamlit as st

from scheduler.store import repository as repo
from scheduler.store.access import Action, Identity, can, require
from scheduler.store.compare import PlanComparison, audience
from scheduler.store.records import AuditAction, PurgedData, StoredVersion, VersionInfo
from scheduler.summary import PlanSummary
from scheduler.wording import count, of, plural, status
from scheduler.working import drafts_to_publish
from ui import auth, state, storage
from ui.components import tables
from ui.components.kpis import plan_kpis, show_kpis
from ui.markup import md

_OPENED = "ir_versions_opened"
_KEEP_OPEN = 3
"""How many opened versions a session keeps in memory (switching back is instant)."""
_CONFIRM = "ir_publish_confirm"


def opened(version: int) -> StoredVersion:
    """A version opened whole, kept in this session for the next few reruns."""
    cache: dict[int, StoredVersion] = st.session_state.setdefault(_OPENED, {})
    if version not in cache:
        if len(cache) >= _KEEP_OPEN:
            cache.pop(next(iter(cache)))
        cache[version] = repo.open_version(storage.store(), version)
    return cache[version]


def label(info: VersionInfo) -> str:
    mark = " · published" if info.published else " · draft"
    purged = " · children's data deleted" if info.purged else ""
    note = f" · {info.note}" if info.note else ""
    return f"Version {info.version}{mark} · {info.saved_at:%d %b %Y %H:%M}{note}{purged}"


def versions_frame(versions: list[VersionInfo]) -> pl.DataFrame:
    """The list of versions, newest first, with their headline figures in words."""
    rows = [
        {
            "Version": v.version,
            "State": "published" if v.published else "draft",
            "Saved": v.saved_at.strftime("%d %b %Y %H:%M"),
            "By": v.saved_by,
            "What it was": v.note,
            "Term": v.term_name,
            "Children booked": of(
                int(v.kpis.get("scheduled", 0)), int(v.kpis.get("children_due", 0))
            )
            if "children_due" in v.kpis
            else "",
            "Funded booked": of(
                int(v.kpis.get("funded_two_scheduled", 0)), int(v.kpis.get("funded_two_due", 0))
            )
            if "funded_two_due" in v.kpis
            else "",
            "How good": status(str(v.kpis.get("status", ""))),
            "Children's data": "deleted" if v.purged else "kept",
        }
        for v in versions
    ]
    schema: dict[str, Any] = {
        "Version": pl.Int64,
        "State": pl.String,
        "Saved": pl.String,
        "By": pl.String,
        "What it was": pl.String,
        "Term": pl.String,
        "Children booked": pl.String,
        "Funded booked": pl.String,
        "How good": pl.String,
        "Children's data": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def changes_summary(comparison: PlanComparison) -> str:
    """``12 children move, 3 are newly booked, 1 loses their review; 2 links change.``"""
    return (
        f"{plural(comparison.count('moved'), 'child moves', 'children move')}, "
        f"{count(comparison.count('added'))} newly booked, "
        f"{count(comparison.count('removed'))} no longer booked, "
        f"{count(comparison.unchanged_appointments)} unchanged; "
        f"{plural(len(comparison.links), 'link practitioner change', 'link practitioner changes')}."
    )


def show_comparison(comparison: PlanComparison, newer: StoredVersion | None) -> None:
    """Figures before and after, then the children and links that changed (in words)."""
    st.dataframe(tables.figures_frame(comparison), hide_index=True, alt="Key figures compared")
    if newer is None:
        return
    if comparison.appointments:
        st.dataframe(
            tables.changes_frame(newer.authority, comparison),
            hide_index=True,
            alt="Children whose review changed",
        )
    if comparison.links:
        st.dataframe(
            tables.link_changes_frame(newer.authority, comparison),
            hide_index=True,
            alt="Settings whose link practitioner changed",
        )


def publish_section(identity: Identity, versions: list[VersionInfo]) -> None:
    """Choose a draft, see what publishing it changes for whom, confirm once."""
    st.header("Publish a draft")
    published = next((v for v in versions if v.published), None)
    older_too = published is not None and st.checkbox(
        f"Also offer versions older than the published version {published.version}",
        key="ir_publish_older",
        help="To go back to an earlier plan. Drafts saved after the published one are offered "
        "by default.",
    )
    drafts = drafts_to_publish(versions, older_too=older_too)
    if not drafts:
        st.caption(
            "No draft saved after the published version: make a plan on the Plan page first."
            if published is not None
            else "Every version is deleted: make a plan on the Plan page first."
        )
        return
    working = state.working() if can(identity, Action.VIEW_ALL_SETTINGS) else None
    numbers = [v.version for v in drafts]
    default = numbers.index(working.version) if working and working.version in numbers else 0
    by_number = {v.version: v for v in drafts}
    chosen = st.selectbox(
        "Draft to publish",
        numbers,
        index=default,
        format_func=lambda n: label(by_number[n]),
        key="ir_publish_which",
        help="The plan on the Plan page is chosen first.",
    )
    if chosen is None:
        return
    info = by_number[int(chosen)]
    try:
        draft = opened(info.version)
    except PurgedData:
        st.info("The children's data of this version were deleted.", icon=":material/info:")
        return
    if published is None:
        families = len(draft.plan.appointments)
        settings = len({a.setting_id for a in draft.plan.appointments if a.setting_id})
        st.markdown(
            f"Nothing is published yet. Publishing version {info.version} gives settings their "
            f"review slots: **{plural(families, 'family', 'families')}** and "
            f"**{plural(settings, 'setting')}** get invitations and letters."
        )
    else:
        comparison = repo.compare_versions(storage.store(), published.version, info.version)
        who = audience(comparison)
        if comparison.unchanged:
            st.markdown(
                f"Version {info.version} books every child exactly as the published version "
                f"{published.version} does: nobody would hear of a change."
            )
        else:
            st.markdown(
                f"Against the published version {published.version}: {changes_summary(comparison)}"
                f" **{plural(who.families, 'family', 'families')}** would get an updated "
                f"invitation or letter ({count(len(who.new))} new, {count(len(who.moved))} "
                f"moved, {count(len(who.cancelled))} cancelled), and the calendars of "
                f"**{plural(len(who.settings), 'setting')}** and "
                f"**{plural(len(who.practitioners), 'practitioner')}** change."
            )
        with st.expander("What changes, child by child"):
            show_comparison(comparison, draft)
    if not can(identity, Action.PUBLISH_PLAN):
        st.caption("Coordinators publish.")
        return
    if st.session_state.get(_CONFIRM) != info.version:
        if st.button(
            f"Publish version {info.version}…",
            icon=":material/publish:",
            key="ir_version_publish",
            help="You are asked once more before anything changes.",
        ):
            st.session_state[_CONFIRM] = info.version
            st.rerun()
        return
    with st.container(border=True):
        st.markdown(
            f"**Publish version {info.version}?** Settings' pages and subscribed calendars "
            "will show it straight away."
        )
        yes, no = st.columns(2)
        if yes.button(
            f"Yes, publish version {info.version}",
            type="primary",
            key="ir_version_publish_yes",
        ):
            require(auth.current_identity(), Action.PUBLISH_PLAN)
            repo.publish(storage.store(), info.version, actor=storage.actor(identity))
            st.session_state[_CONFIRM] = None
            st.session_state.pop(_OPENED, None)
            if working is not None and working.version == info.version:
                state.open_version(info.version)  # the working plan is now the published one
            st.toast(f"Version {info.version} is published.", icon=":material/publish:")
            st.rerun()
        if no.button("Not now", key="ir_version_publish_no"):
            st.session_state[_CONFIRM] = None
            st.rerun()


def compare_two(identity: Identity, versions: list[VersionInfo]) -> None:
    st.header("Compare two versions")
    if len(versions) < 2:
        st.caption("Two saved versions are needed to compare.")
        return
    numbers = [v.version for v in versions]
    by_number = {v.version: v for v in versions}
    published = next((v.version for v in versions if v.published), None)
    working = state.working() if can(identity, Action.VIEW_ALL_SETTINGS) else None
    # newer: the plan being worked on, unless it is the published one (then the newest other);
    # older: the published one; never the same version twice
    newer_default = (
        working.version
        if working and working.version in numbers and working.version != published
        else next(n for n in numbers if n != published)
    )
    older_default = (
        published
        if published is not None and published != newer_default
        else next(n for n in numbers if n != newer_default)
    )
    left, right = st.columns(2)
    before = left.selectbox(
        "Older",
        numbers,
        index=numbers.index(older_default),
        format_func=lambda n: label(by_number[n]),
        key="ir_version_before",
    )
    after = right.selectbox(
        "Newer",
        numbers,
        index=numbers.index(newer_default),
        format_func=lambda n: label(by_number[n]),
        key="ir_version_after",
    )
    if before is None or after is None or before == after:
        st.caption("Choose two different versions.")
        return
    comparison = repo.compare_versions(storage.store(), int(before), int(after))
    try:
        newer: StoredVersion | None = opened(int(after))
    except PurgedData:
        newer = None
    st.markdown(f"From version {before} to version {after}: {changes_summary(comparison)}")
    show_comparison(comparison, newer)


def open_one(identity: Identity, versions: list[VersionInfo]) -> None:
    st.header("Open a version")
    numbers = [v.version for v in versions]
    by_number = {v.version: v for v in versions}
    chosen = st.selectbox(
        "Version", numbers, format_func=lambda n: label(by_number[n]), key="ir_version_open"
    )
    if chosen is None:
        return
    info = by_number[int(chosen)]
    if info.purged:
        st.info(
            "The children's data of this version were deleted by the retention rule; its "
            "figures stay for comparison.",
            icon=":material/info:",
        )
        show_kpis(plan_kpis(PlanSummary.from_document(info.kpis)))
        return
    try:
        stored = opened(info.version)
    except PurgedData:
        st.info("The children's data of this version were deleted.", icon=":material/info:")
        return
    st.caption(
        f"{md(info.term_name)}; saved by {md(info.saved_by)}"
        + (f" ({md(info.note)})" if info.note else "")
        + (". This is the published plan." if info.published else ". A draft.")
    )
    show_kpis(plan_kpis(stored.plan.summary))
    if can(identity, Action.GENERATE_PLAN) and st.button(
        f"Work on version {info.version}",
        icon=":material/edit_note:",
        key="ir_version_work",
        help="Makes it the plan on the Plan page, to read, pin, re-plan or download.",
    ):
        state.open_version(info.version)
        st.switch_page("ui/pages/plan.py")


def details_text(details: dict[str, Any]) -> str:
    """An audit entry's ids and figures as ``version 3, previous 2`` (keys in words)."""
    return ", ".join(
        f"{key.replace('_', ' ')} {json.dumps(value) if isinstance(value, dict | list) else value}"
        for key, value in sorted(details.items())
    )


def audit_log() -> None:
    st.header("Audit log")
    st.caption("Who did what, newest first. It holds ids and figures, never children's details.")
    actions = [a.value for a in AuditAction]
    only = st.selectbox(
        "Only this action",
        [None, *actions],
        format_func=lambda a: "Every action" if a is None else str(a).replace("_", " "),
        key="ir_audit_action",
    )
    entries = repo.list_audit(
        storage.store(), limit=300, action=AuditAction(only) if only else None
    )
    frame = pl.DataFrame(
        [
            {
                "When": e.at.strftime("%d %b %Y %H:%M:%S"),
                "Who": e.actor,
                "What": e.action.value.replace("_", " "),
                "Of": e.target,
                "Details": details_text(e.details),
            }
            for e in entries
        ],
        schema=dict.fromkeys(("When", "Who", "What", "Of", "Details"), pl.String),
    )
    st.dataframe(frame, hide_index=True, alt="The audit log")


def main() -> None:
    identity = auth.guard(Action.VIEW_VERSIONS, page="versions")
    if can(identity, Action.VIEW_ALL_SETTINGS):
        state.prepare()  # the working plan (chosen first to publish); a finished solve kept
    st.title("Versions")
    versions = repo.list_versions(storage.store())
    if not versions:
        st.info(
            "No plan has been saved yet: every plan made on the Plan page is saved here as a "
            "draft.",
            icon=":material/info:",
        )
    else:
        published = next((v for v in versions if v.published), None)
        drafts = sum(1 for v in versions if not v.published)
        st.markdown(
            (
                f"Settings see **version {published.version}**"
                f" (saved {published.saved_at:%d %b %Y %H:%M}). "
                if published
                else "**Nothing is published yet**: settings see no plan. "
            )
            + f"{plural(drafts, 'draft')} saved."
        )
        publish_section(identity, versions)
        compare_two(identity, versions)
        open_one(identity, versions)
        with st.expander(f"All {count(len(versions))} versions"):
            st.dataframe(versions_frame(versions), hide_index=True, alt="Every saved version")
    if can(identity, Action.VIEW_AUDIT):
        audit_log()


main()
