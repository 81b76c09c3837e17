"""Coordinator · Plan: make the termly rota, watch it being made, read and download it.

Coordinators and service leads: every plan made here is saved as the store's next version,
and every download is checked and audited when it is clicked.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, PlanResult
from scheduler.plan import Plan, ReasonCode
from scheduler.store.access import Action, Identity, can
from scheduler.store.records import AuditAction
from ui import auth, state, storage
from ui.components import charts, downloads, tables
from ui.components.find_slot import find_slot_panel
from ui.components.kpis import plan_kpis, show_kpis
from ui.components.progress import solve_panel
from ui.markup import md


def controls(authority: Authority, identity: Identity) -> None:
    """Time limit, solver options and the Generate button."""
    if not can(identity, Action.GENERATE_PLAN):
        return
    running = state.job()
    # Keep the chosen limit when the user visits another page and comes back.
    st.session_state["ir_time_limit"] = st.session_state.get("ir_time_limit", 60)
    with st.container(border=True):
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        time_limit = left.slider(
            "Time limit (seconds)",
            min_value=5,
            max_value=600,
            step=5,
            key="ir_time_limit",
            help="The solver stops searching then and keeps the best plan found. Longer can be "
            "better on large authorities; the Stop button ends it early too.",
        )
        with st.expander("Solver options"):
            link_limit = st.number_input(
                "Time for choosing link practitioners (seconds)", 1, 120, 10, key="ir_link_limit"
            )
            seed = st.number_input("Random seed", 0, 10_000, 0, key="ir_seed")
        if right.button(
            "Generate the plan",
            type="primary",
            icon=":material/play_arrow:",
            disabled=running is not None,
            key="ir_generate",
        ):
            options = PlanOptions(
                time_limit=float(time_limit),
                link_time_limit=float(min(link_limit, time_limit)),
                workers=1,
                seed=int(seed),
            )
            state.start_job("plan", authority, options)
            st.rerun()  # redraw with the button disabled and the live status showing
        pins_in_use = len(state.pins())
        if pins_in_use:
            st.caption(f"{pins_in_use} pin(s) from the Priorities page are kept.")


def overview(authority: Authority, result: PlanResult, identity: Identity) -> None:
    """Status line, KPI cards and downloads."""
    plan = result.plan
    summary = plan.summary
    status = summary.get("status", "?")
    stopped = (
        " It was stopped early: searches under way kept their best so far, and practitioners"
        " not yet reached got a quick rota."
        if summary.get("stopped_early")
        else ""
    )
    violations = len(result.check.violations)
    checked = (
        "The independent check found no broken rule."
        if violations == 0
        else f"The independent check found {violations} broken rule(s): see the Checks tab."
    )
    headline = (
        f"Plan for {md(summary.get('term_name', authority.config.term.name))} made in "
        f"{summary.get('solve_seconds', 0):.0f} s (solver status {status}).{stopped} {checked}"
    )
    if violations == 0:
        st.success(headline, icon=":material/check_circle:")
    else:
        st.warning(headline, icon=":material/warning:")
    saved = state.saved_version()
    if saved is not None:
        st.caption(
            f"Saved as version {saved}. Settings' calendars change only when a coordinator "
            "publishes a version on the Versions page."
        )
    elif state.save_failed():
        st.warning(
            "This plan could not be saved in the plan store; it stays in this session only.",
            icon=":material/warning:",
        )

    st.header("Key figures")
    st.caption(
        "Changes are against the hand-made rota (children by 30-month date, first day that fits)."
    )
    show_kpis(plan_kpis(summary, result.baseline))

    if not can(identity, Action.DOWNLOAD_PLAN):
        return
    st.header("Downloads")
    cols = st.columns(3)
    slug = downloads.term_slug(authority)
    facts = {"version": saved}
    target = f"version:{saved}" if saved is not None else "unsaved plan"
    cols[0].download_button(
        "Rota workbook (.xlsx)",
        storage.audited(
            downloads.deferred(downloads.rota_xlsx, authority, plan),
            identity,
            Action.DOWNLOAD_PLAN,
            AuditAction.PLAN_EXPORTED,
            target=target,
            details={**facts, "file": "rota.xlsx"},
        ),
        file_name=f"rota-{slug}.xlsx",
        mime=downloads.XLSX,
        icon=":material/table:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Plan files (CSV, zip)",
        storage.audited(
            lambda: downloads.plan_csv_zip(plan),
            identity,
            Action.DOWNLOAD_PLAN,
            AuditAction.PLAN_EXPORTED,
            target=target,
            details={**facts, "file": "plan.zip"},
        ),
        file_name=f"plan-{slug}.zip",
        mime=downloads.ZIP,
        icon=":material/folder_zip:",
        on_click="ignore",
        help="The plan folder's files for other tools, values exactly as planned: open the "
        "rota workbook in a spreadsheet instead.",
    )
    cols[2].download_button(
        "All calendars (.ics, zip)",
        storage.audited(
            downloads.deferred(downloads.all_calendars_zip, authority, plan),
            identity,
            Action.DOWNLOAD_PLAN,
            AuditAction.CALENDAR_EXPORTED,
            target="all",
            details={**facts, "file": "calendars.zip"},
        ),
        file_name=f"calendars-{slug}.zip",
        mime=downloads.ZIP,
        icon=":material/calendar_month:",
        on_click="ignore",
    )


def timeline(authority: Authority, plan: Plan) -> None:
    visits = state.memo("visits", lambda: tables.visits_frame(authority, plan))
    if visits.height == 0:
        st.info("No reviews are scheduled in this plan.")
    else:
        chart, text = charts.timeline_chart(visits)
        st.caption(md(text))  # the chart's summary names people
        st.altair_chart(chart, width="stretch", alt=text)
        with st.expander("The visits as a table"):
            st.dataframe(
                visits,
                hide_index=True,
                alt="Every practitioner visit",
                column_config={
                    "date": st.column_config.DateColumn("date", format=tables.DATE_FORMAT)
                },
            )


def week(authority: Authority, plan: Plan) -> None:
    weeks = tables.term_weeks(plan)
    if not weeks:
        st.info("No reviews are scheduled in this plan.")
    else:
        pick_week, pick_who = st.columns(2)
        monday = pick_week.selectbox(
            "Week beginning", weeks, format_func=lambda d: f"{d:%a %d %b %Y}", key="ir_week"
        )
        busy = sorted({a.practitioner_id for a in plan.appointments})
        who = pick_who.selectbox(
            "Practitioner",
            busy,
            format_func=lambda p: tables.practitioner_name(authority, p),
            key="ir_week_who",
        )
        if monday is not None and who is not None:
            week = tables.week_frame(authority, plan, monday, who)
            if week.height == 0:
                st.info("No reviews for this practitioner that week.")
            else:
                chart, text = charts.week_chart(
                    week, tables.practitioner_name(authority, who), monday
                )
                st.caption(md(text))  # the chart's summary names people
                st.altair_chart(chart, width="stretch", alt=text)
                st.dataframe(
                    week.select("day", "times", "child", "setting"),
                    hide_index=True,
                    alt="The week's reviews",
                )


def appointments(authority: Authority, plan: Plan) -> None:
    """Every review, filterable by practitioner and setting."""
    frame = state.memo(
        "appointments", lambda: tables.appointments_frame(authority, plan.appointments)
    )
    if frame.height == 0:
        st.info("No reviews are scheduled in this plan.")
        return
    by_who, by_where = st.columns(2)
    who = by_who.multiselect(
        "Practitioner",
        sorted(frame["practitioner"].unique().to_list()),
        placeholder="All practitioners",
        key="ir_appointments_who",
    )
    where = by_where.multiselect(
        "Setting",
        sorted(frame["setting"].unique().to_list()),
        placeholder="All settings",
        key="ir_appointments_where",
    )
    shown = frame
    if who:
        shown = shown.filter(pl.col("practitioner").is_in(who))
    if where:
        shown = shown.filter(pl.col("setting").is_in(where))
    st.caption(f"Showing {shown.height:,} of {frame.height:,} reviews.")
    st.dataframe(
        shown.drop("day"),
        hide_index=True,
        alt="Every scheduled review",
        column_config={"date": st.column_config.DateColumn("date", format=tables.DATE_FORMAT)},
    )


def places(authority: Authority, plan: Plan) -> None:
    settings_frame, bases_frame = state.memo("map", lambda: tables.map_frames(authority, plan))
    chart, text = charts.map_chart(settings_frame, bases_frame)
    st.caption(md(text))  # the chart's summary names people
    st.altair_chart(chart, width="stretch", alt=text)
    with st.expander("Settings and bases as tables"):
        st.dataframe(
            settings_frame.drop("lat", "lon"), hide_index=True, alt="Settings and their link"
        )
        st.dataframe(bases_frame.drop("lat", "lon"), hide_index=True, alt="Practitioners' bases")


def not_scheduled(authority: Authority, plan: Plan) -> None:
    summary = plan.summary
    unscheduled = state.memo("unscheduled", lambda: tables.unscheduled_frame(authority, plan))
    if unscheduled.height == 0:
        st.success("Every due child has an appointment.")
    else:
        by_reason = summary.get("unscheduled_by_reason", {})
        st.markdown(
            f"**{unscheduled.height:,}** due children have no appointment: "
            + ", ".join(f"{code} {n:,}" for code, n in by_reason.items())
            + "."
        )
        filter_reason, filter_setting = st.columns(2)
        reasons = filter_reason.multiselect(
            "Reason",
            [code.value for code in ReasonCode],
            default=[],
            placeholder="All reasons",
            key="ir_filter_reason",
        )
        setting_names = sorted(unscheduled["setting"].unique().to_list())
        chosen = filter_setting.multiselect(
            "Setting", setting_names, placeholder="All settings", key="ir_filter_setting"
        )
        funded_only = st.toggle("Only funded two-year-olds", key="ir_filter_funded")
        shown = unscheduled
        if reasons:
            shown = shown.filter(pl.col("reason_code").is_in(reasons))
        if chosen:
            shown = shown.filter(pl.col("setting").is_in(chosen))
        if funded_only:
            shown = shown.filter(pl.col("funded_two") == "yes")
        st.caption(f"Showing {shown.height:,} of {unscheduled.height:,}.")
        st.dataframe(
            shown.drop("setting_id"),
            hide_index=True,
            alt="Children not scheduled, with the reason",
            column_config={"reason": st.column_config.TextColumn("Reason", width="large")},
        )


def links(authority: Authority, plan: Plan) -> None:
    summary = plan.summary
    links = state.memo("links", lambda: tables.links_frame(authority, plan))
    stage = summary.get("link_stage", {})
    st.markdown(
        f"**{summary.get('settings_linked', links.height)}** of {summary.get('settings', '?')} "
        f"settings have a link practitioner; **{summary.get('links_kept', 0)}** kept their "
        f"existing one (link stage {stage.get('status', '?')}, gap "
        f"{100 * float(stage.get('gap', 0)):.1f}%)."
    )
    st.dataframe(
        links,
        hide_index=True,
        alt="Each setting's link practitioner",
        column_config={"why": st.column_config.TextColumn("Why", width="large")},
    )


def checks(result: PlanResult) -> None:
    if not result.check.violations:
        st.success("The independent checker re-tested every rule of the contract: all hold.")
    else:
        st.error(f"{len(result.check.violations)} rule(s) broken.")
        st.dataframe(
            pl.DataFrame({"violation": [str(v) for v in result.check.violations]}),
            hide_index=True,
            alt="Broken rules",
        )


def main() -> None:
    identity = auth.guard(Action.VIEW_ALL_SETTINGS, page="plan")
    state.prepare()
    st.title("Termly rota")
    authority = state.authority()
    if authority is None:
        st.error("There is no valid data to plan with yet.", icon=":material/error:")
        st.page_link("ui/pages/data.py", label="Go to the Data page", icon=":material/upload_file:")
        return
    controls(authority, identity)
    solve_panel()
    result = state.result()
    if result is None:
        if state.job() is not None:
            return  # the live status above says what is happening
        st.info(
            f"No plan yet in this session for {md(authority.config.term.name)}. Choose a time "
            "limit and press **Generate the plan**, or open a saved one on the Versions page.",
            icon=":material/info:",
        )
        return
    overview(authority, result, identity)
    plan = result.plan
    tabs = st.tabs(
        [
            "Timeline",
            "Week",
            "Appointments",
            "Map",
            "Not scheduled",
            "Links",
            "Checks",
            "Find a slot",
        ]
    )
    with tabs[0]:
        timeline(authority, plan)
    with tabs[1]:
        week(authority, plan)
    with tabs[2]:
        appointments(authority, plan)
    with tabs[3]:
        places(authority, plan)
    with tabs[4]:
        not_scheduled(authority, plan)
    with tabs[5]:
        links(authority, plan)
    with tabs[6]:
        checks(result)
    with tabs[7]:
        find_slot_panel(authority, result, identity)


main()
