"""Coordinator · Versions: every saved plan, one opened (and re-planned from), two compared,
one published; the audit log.

Every plan made on the Plan or Priorities page is saved as the next version. The *published*
version is the one settings see and their subscribed calendars show; only a coordinator
changes it. Coordinators and service leads read the versions and the audit log.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import streamlit as st

from scheduler.domain import format_time
from scheduler.pipeline import PlanOptions
from scheduler.plan import Appointment
from scheduler.store import repository as repo
from scheduler.store.access import Action, Identity, can, require
from scheduler.store.compare import KpiDelta, PlanComparison
from scheduler.store.datasets import authority_files, content_hash
from scheduler.store.records import AuditAction, PurgedData, StoredVersion, VersionInfo
from ui import auth, state, storage
from ui.components import downloads, tables
from ui.components.kpis import plan_kpis, show_kpis
from ui.markup import md

_OPENED = "ir_versions_opened"
_KEEP_OPEN = 3
"""How many opened versions a session keeps in memory (switching back is instant)."""


def opened(version: int) -> StoredVersion:
    """A version opened whole, kept in this session for the next few reruns."""
    cache: dict[int, StoredVersion] = st.session_state.setdefault(_OPENED, {})
    if version not in cache:
        if len(cache) >= _KEEP_OPEN:
            cache.pop(next(iter(cache)))
        cache[version] = repo.open_version(storage.store(), version)
    return cache[version]


def label(info: VersionInfo) -> str:
    mark = " · published" if info.published else ""
    purged = " · purged" if info.purged else ""
    return (
        f"Version {info.version} · {info.saved_at:%d %b %Y %H:%M} · {info.saved_by}{mark}{purged}"
    )


def versions_frame(versions: list[VersionInfo]) -> pl.DataFrame:
    """The list of versions, newest first, with their headline figures (text, not colour)."""
    rows = [
        {
            "version": v.version,
            "saved": v.saved_at.strftime("%Y-%m-%d %H:%M"),
            "by": v.saved_by,
            "note": v.note,
            "term": v.term_name,
            "children_due": v.kpis.get("children_due"),
            "scheduled": v.kpis.get("scheduled"),
            "in_window": v.kpis.get("in_window"),
            "status": str(v.kpis.get("status", "")),
            "published": "published" if v.published else "",
            "purged": "purged" if v.purged else "",
        }
        for v in versions
    ]
    schema: dict[str, Any] = {
        "version": pl.Int64,
        "saved": pl.String,
        "by": pl.String,
        "note": pl.String,
        "term": pl.String,
        "children_due": pl.Int64,
        "scheduled": pl.Int64,
        "in_window": pl.Int64,
        "status": pl.String,
        "published": pl.String,
        "purged": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _figure(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def kpi_frame(kpis: list[KpiDelta]) -> pl.DataFrame:
    """KPI before, after and the signed change, all as text."""
    rows = [
        {
            "measure": k.key.replace("_", " "),
            "before": _figure(k.before),
            "after": _figure(k.after),
            "change": "" if k.delta is None else f"{k.delta:+,.3f}".rstrip("0").rstrip("."),
        }
        for k in kpis
    ]
    return pl.DataFrame(
        rows, schema=dict.fromkeys(("measure", "before", "after", "change"), pl.String)
    )


def _slot(a: Appointment | None) -> str:
    return "" if a is None else f"{a.date:%a %d %b} {format_time(a.start)} ({a.practitioner_id})"


def changes_frame(comparison: PlanComparison, newer: StoredVersion | None) -> pl.DataFrame:
    """Children whose review was added, removed or moved (initials only)."""
    rows = []
    for change in comparison.appointments:
        child = tables.child_name(newer.authority, change.child_id) if newer else change.child_id
        rows.append(
            {
                "child": child,
                "setting": change.setting_id,
                "change": change.kind,
                "what_changed": ", ".join(
                    f.replace("_id", "").replace("_", " ") for f in change.fields
                ),
                "before": _slot(change.before),
                "after": _slot(change.after),
            }
        )
    columns = ("child", "setting", "change", "what_changed", "before", "after")
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))


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
        show_kpis(plan_kpis(info.kpis))
        return
    try:
        stored = opened(info.version)
    except PurgedData:
        st.info("The children's data of this version were deleted.", icon=":material/info:")
        return
    plan = stored.plan
    st.caption(
        f"{md(info.term_name)}; saved by {md(info.saved_by)}"
        + (f" ({md(info.note)})" if info.note else "")
        + f"; data {info.dataset_hash[:12]}."
        + (" This is the published plan." if info.published else "")
    )
    show_kpis(plan_kpis(plan.summary))
    with st.expander(f"The {len(plan.appointments):,} appointments"):
        st.dataframe(
            tables.appointments_frame(stored.authority, plan.appointments).drop("day"),
            hide_index=True,
            alt=f"Appointments of version {info.version}",
            column_config={"date": st.column_config.DateColumn("date", format=tables.DATE_FORMAT)},
        )
    columns = st.columns(3)
    if can(identity, Action.DOWNLOAD_PLAN):
        slug = downloads.term_slug(stored.authority)
        columns[0].download_button(
            "Rota workbook of this version (.xlsx)",
            storage.audited(
                downloads.deferred(downloads.rota_xlsx, stored.authority, plan),
                identity,
                Action.DOWNLOAD_PLAN,
                AuditAction.PLAN_EXPORTED,
                target=f"version:{info.version}",
                details={"version": info.version, "file": "rota.xlsx"},
            ),
            file_name=f"rota-{slug}-v{info.version}.xlsx",
            mime=downloads.XLSX,
            icon=":material/table:",
            on_click="ignore",
            key="ir_version_rota",
        )
    if can(identity, Action.PUBLISH_PLAN):
        if info.published:
            columns[1].success("Published: settings and calendar feeds show this version.")
        elif columns[1].button(
            f"Publish version {info.version}",
            type="primary",
            icon=":material/publish:",
            key="ir_version_publish",
            help="Settings' pages and subscribed calendars then show this version.",
        ):
            require(auth.current_identity(), Action.PUBLISH_PLAN)
            repo.publish(storage.store(), info.version, actor=storage.actor(identity))
            st.session_state.pop(_OPENED, None)
            st.rerun()
    if can(identity, Action.GENERATE_PLAN):
        replan_from(info, stored, columns[2])


def replan_from(info: VersionInfo, stored: StoredVersion, where: Any) -> None:
    """Make an opened version the working plan again: a re-plan that keeps its links and
    appointments wherever the session's data still allow (the version's own data when the
    session has none), saved as the next version and shown on the Plan page."""
    loaded = state.authority()
    if loaded is None:
        data, same = stored.authority, True
    else:
        data = loaded
        digest = state.memo("dataset_hash", lambda: content_hash(authority_files(loaded)))
        same = digest == info.dataset_hash
    if where.button(
        f"Re-plan from version {info.version}",
        icon=":material/restore:",
        key="ir_version_replan",
        disabled=state.job() is not None,
        help=(
            "Starts from this version and keeps its links and appointments where the rules "
            + ("allow." if same else "allow with the data now loaded (which differ from its own).")
        ),
    ):
        options = PlanOptions(
            time_limit=float(st.session_state.get("ir_time_limit", 60)),
            link_time_limit=10.0,
            workers=1,
        )
        state.start_job(
            "replan",
            data,
            options,
            previous=stored.plan,
            note=f"re-plan of version {info.version}",
        )
        st.switch_page("ui/pages/plan.py")


def compare_two(versions: list[VersionInfo]) -> None:
    st.header("Compare two versions")
    if len(versions) < 2:
        st.caption("Two saved versions are needed to compare.")
        return
    numbers = [v.version for v in versions]
    left, right = st.columns(2)
    before = left.selectbox("Older", numbers, index=1, key="ir_version_before")
    after = right.selectbox("Newer", numbers, index=0, key="ir_version_after")
    if before is None or after is None or before == after:
        st.caption("Choose two different versions.")
        return
    comparison = repo.compare_versions(storage.store(), int(before), int(after))
    newer = None
    try:
        newer = opened(int(after))
    except PurgedData:
        newer = None
    moved = sum(1 for c in comparison.appointments if c.kind == "moved")
    added = sum(1 for c in comparison.appointments if c.kind == "added")
    removed = sum(1 for c in comparison.appointments if c.kind == "removed")
    st.markdown(
        f"From version {before} to version {after}: **{moved}** moved, **{added}** added, "
        f"**{removed}** removed, {comparison.unchanged_appointments:,} unchanged; "
        f"**{len(comparison.links)}** link(s) changed."
    )
    st.dataframe(
        kpi_frame(comparison.kpis),
        hide_index=True,
        alt=f"Key figures of version {before} and version {after}",
    )
    if comparison.appointments:
        st.dataframe(
            changes_frame(comparison, newer),
            hide_index=True,
            alt="Children whose review changed",
        )
    if comparison.links:
        st.dataframe(
            pl.DataFrame(
                [
                    {"setting": c.setting_id, "before": c.before or "", "after": c.after or ""}
                    for c in comparison.links
                ],
                schema=dict.fromkeys(("setting", "before", "after"), pl.String),
            ),
            hide_index=True,
            alt="Settings whose link practitioner changed",
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
                "when": e.at.strftime("%Y-%m-%d %H:%M:%S"),
                "who": e.actor,
                "action": e.action.value.replace("_", " "),
                "target": e.target,
                "details": json.dumps(e.details, sort_keys=True),
            }
            for e in entries
        ],
        schema=dict.fromkeys(("when", "who", "action", "target", "details"), pl.String),
    )
    st.dataframe(frame, hide_index=True, alt="The audit log")


def main() -> None:
    identity = auth.guard(Action.VIEW_VERSIONS, page="versions")
    if can(identity, Action.VIEW_ALL_SETTINGS):
        state.prepare()  # the data a re-plan from a version starts with; a finished solve kept
    st.title("Versions")
    versions = repo.list_versions(storage.store())
    if not versions:
        st.info(
            "No plan has been saved yet: every plan made on the Plan page is saved here.",
            icon=":material/info:",
        )
    else:
        published = next((v for v in versions if v.published), None)
        st.markdown(
            f"**{len(versions)}** saved plan(s). "
            + (
                f"Settings see **version {published.version}**."
                if published
                else "None is published yet: settings see no plan."
            )
        )
        st.dataframe(
            versions_frame(versions),
            hide_index=True,
            alt="Every saved plan version",
            column_config={
                "version": st.column_config.NumberColumn("Version"),
                "saved": st.column_config.TextColumn("Saved"),
                "by": st.column_config.TextColumn("By"),
                "note": st.column_config.TextColumn("Note"),
                "term": st.column_config.TextColumn("Term"),
                "children_due": st.column_config.NumberColumn("Children due"),
                "scheduled": st.column_config.NumberColumn("Scheduled"),
                "in_window": st.column_config.NumberColumn("In the window"),
                "status": st.column_config.TextColumn("Solver status"),
                "published": st.column_config.TextColumn("Published"),
                "purged": st.column_config.TextColumn("Data deleted"),
            },
        )
        open_one(identity, versions)
        compare_two(versions)
    if can(identity, Action.VIEW_AUDIT):
        audit_log()


main()
