"""Service report: the national metric for a chosen period, its weekly trend, and the children
who will pass 30 months unreviewed unless something changes.

Coordinators and service leads see the whole authority (the session's data, with the outcomes
recorded in the dashboard merged in) and the forecast from the session's plan, or else the
published one; coordinators see the children at risk by name, service leads per setting. A
setting user sees its own setting's figures only, from the published plan, as counts. The
figures are :mod:`scheduler.report`'s, exactly as ``scheduler report`` writes them.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from scheduler.domain import Authority
from scheduler.export.report_workbook import report_workbook, summary_sentences
from scheduler.outcome_recording import MergedOutcomes, recording_date
from scheduler.plan import Plan
from scheduler.report import Period, ServiceReport, service_report
from scheduler.store.access import Action, Identity, Role, can
from scheduler.store.records import AuditAction
from ui import auth, state, storage
from ui.components import downloads, tables
from ui.components.kpis import show_kpis
from ui.components.report_views import (
    at_risk_children_frame,
    at_risk_counts_frame,
    figures_frame,
    report_kpis,
    settings_frame,
    trend_chart,
    trend_frame,
)
from ui.markup import md


def reading_day(authority: Authority) -> date:
    """The day the figures are read on: the data's ``[term] today``, else the calendar's."""
    return recording_date(authority.config, date.today())


def period_picker(authority: Authority) -> Period | None:
    """From and to, the term by default; ``None`` (with a message) when to is before from."""
    term = authority.config.term
    left, right = st.columns(2)
    start = left.date_input("From", value=term.start, key="ir_report_from", format="DD/MM/YYYY")
    end = right.date_input("To", value=term.end, key="ir_report_to", format="DD/MM/YYYY")
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    if end < start:
        st.error(
            "The period ends before it starts: choose a later 'To' date.", icon=":material/error:"
        )
        return None
    return Period(start, end)


def merge_note(merged: MergedOutcomes) -> None:
    """Say where the outcomes came from, and any disagreement with outcomes.csv."""
    st.caption(
        f"Outcomes: {len(merged.outcomes)} in all, {merged.from_store} of them recorded in the "
        "dashboard (not in the data's outcomes.csv, or recorded differently there)."
    )
    if merged.disagreements:
        st.warning(
            f"{len(merged.disagreements)} outcome(s) recorded in the dashboard differ from the "
            "data's outcomes.csv; the dashboard's are used. Download outcomes.csv below to bring "
            "the file up to date.",
            icon=":material/sync_problem:",
        )


def figures(report: ServiceReport) -> None:
    """The cards, the sentences and the weekly trend (shared by every role)."""
    show_kpis(report_kpis(report), per_row=4)
    with st.expander("The figures in words"):
        for sentence in summary_sentences(report):
            st.markdown(md(sentence))
    st.header("Week by week")
    trend = trend_frame(report)
    if trend.height:
        chart, text = trend_chart(trend, report.window_months[1])
        st.altair_chart(chart, width="stretch")
        st.caption(text)
        st.dataframe(
            trend,
            hide_index=True,
            column_config={
                "week_ending": st.column_config.DateColumn(
                    "Week ending", format=tables.DATE_FORMAT
                ),
                "turned_30_months": st.column_config.NumberColumn("Turned 30 months so far"),
                "reviewed_by_30_months": st.column_config.NumberColumn("Reviewed by 30 months"),
                "reviewed_pct": st.column_config.NumberColumn("Reviewed (%)", format="%.1f"),
                "funded_reviewed_pct": st.column_config.NumberColumn(
                    "Funded reviewed (%)", format="%.1f"
                ),
            },
        )


def whole_authority(identity: Identity) -> None:
    """Coordinators and service leads."""
    state.prepare()
    data = state.authority()
    if data is None:
        st.error("There is no valid data yet: see the Data page.", icon=":material/error:")
        return
    merged_data, merged = storage.with_stored_outcomes(data, identity)
    period = period_picker(merged_data)
    if period is None:
        return
    current = state.working()
    plan: Plan | None = current.plan if current is not None else None
    source = f"the plan you are working on ({current.describe()})" if current else ""
    if plan is None:
        published = storage.published_for(identity)
        if published is not None and set(published[0].children) == set(data.children):
            plan, source = published[1], f"the published plan (version {published[2]})"
    merge_note(merged)
    st.caption(
        f"Forecast from {source}."
        if plan is not None
        else "No plan yet: make one on the Plan page to see the forecast."
    )
    report = service_report(merged_data, period, plan, today=reading_day(merged_data))
    figures(report)

    st.header("Breakdowns")
    by_type, by_team, by_setting = st.tabs(["By setting type", "By team", "By setting"])
    by_type.dataframe(figures_frame(report.by_setting_type, "Setting type"), hide_index=True)
    by_team.dataframe(figures_frame(report.by_team, "Team"), hide_index=True)
    by_setting.dataframe(settings_frame(merged_data, report), hide_index=True)

    forecast = report.forecast
    if forecast is not None:
        hi = report.window_months[1]
        st.header(f"Children who will pass {hi} months unreviewed unless something changes")
        if not forecast.at_risk:
            st.success(
                f"Every child turning {hi} months in the period is reviewed or booked in time.",
                icon=":material/check_circle:",
            )
        elif identity.role is Role.COORDINATOR:
            st.dataframe(
                at_risk_children_frame(merged_data, forecast),
                hide_index=True,
                column_config={
                    "30 months on": st.column_config.DateColumn(format=tables.DATE_FORMAT),
                    "Booked for": st.column_config.DateColumn(format=tables.DATE_FORMAT),
                },
            )
        else:
            st.caption("Per setting; coordinators see the children by name.")
            st.dataframe(at_risk_counts_frame(merged_data, forecast), hide_index=True)
    report_downloads(identity, merged_data, plan, period)


def report_downloads(
    identity: Identity, data: Authority, plan: Plan | None, period: Period
) -> None:
    """The commissioner's workbook and outcomes.csv; each checked again and audited on click."""
    st.header("Downloads")
    left, right = st.columns(2)
    left.download_button(
        "Commissioner's workbook (.xlsx)",
        storage.audited(
            lambda: report_workbook(
                data, service_report(data, period, plan, today=reading_day(data))
            ),
            identity,
            Action.VIEW_ALL_SETTINGS,
            AuditAction.REPORT_EXPORTED,
            target="report",
            details={"from": period.start.isoformat(), "to": period.end.isoformat()},
        ),
        file_name=f"service-report-{period.start}-{period.end}.xlsx",
        mime=downloads.XLSX,
        icon=":material/table_view:",
        on_click="ignore",
        key="ir_report_xlsx",
        help="Counts only, no child named: a summary in words and filterable tables.",
    )
    if can(identity, Action.EXPORT_OUTCOMES):
        right.download_button(
            "Outcomes recorded in the dashboard (outcomes.csv)",
            storage.outcomes_download(identity),
            file_name="outcomes.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="ir_report_outcomes_csv",
            help="Put it in the data folder: the planner and scheduler report read it.",
        )


def own_setting(identity: Identity) -> None:
    """A setting user: its own setting's figures, from the published plan; counts only."""
    published = storage.published_for(identity)
    if published is None:
        st.info(
            "Your figures appear here once the coordinator has published this term's plan.",
            icon=":material/info:",
        )
        return
    data, plan, version = published
    if identity.setting_id not in data.settings:
        st.info("Your setting is not in the published plan.", icon=":material/info:")
        return
    merged_data, _ = storage.with_stored_outcomes(data, identity)
    st.caption(f"Your setting's children only, from the published plan (version {version}).")
    period = period_picker(merged_data)
    if period is None:
        return
    figures(service_report(merged_data, period, plan, today=reading_day(merged_data)))


def main() -> None:
    identity = auth.guard(Action.VIEW_REPORT, page="report")
    st.title("Service report")
    if can(identity, Action.VIEW_ALL_SETTINGS):
        whole_authority(identity)
    else:
        own_setting(identity)


main()
