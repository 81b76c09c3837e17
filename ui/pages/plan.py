"""Coordinator · Plan: the working plan (the store's, for these data), making and re-making it,
and reading it.

The page opens on the working plan (:mod:`ui.state`): the published plan of these data, else
their newest draft. Every plan made here is saved as the next draft with a note saying what it
was; settings see a plan only once it is published on the Versions page. Every download is
checked and audited when it is clicked.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from scheduler.domain import Authority, format_time
from scheduler.pipeline import PlanOptions, PlanResult
from scheduler.plan import Pin, Plan
from scheduler.store import repository as repo
from scheduler.store.access import Action, Identity, can
from scheduler.store.compare import compare_plans
from scheduler.store.records import AuditAction
from scheduler.why_unbooked import UnbookedRow, grouped, search, unbooked_rows
from scheduler.wording import (
    count,
    more_children_text,
    of,
    plural,
    room_text,
)
from scheduler.working import (
    data_for_today,
    default_replan_day,
    earliest_replan_day,
    plan_options,
    result_of_version,
)
from ui import auth, state, storage
from ui.components import charts, downloads, tables
from ui.components.find_slot import find_slot_panel
from ui.components.kpis import plan_kpis, show_kpis, venue_mix
from ui.components.pins import pins_editor
from ui.components.progress import solve_panel
from ui.markup import md

TABS = (
    "Summary",
    "Why not booked",
    "Appointments",
    "Timeline",
    "Week",
    "Links",
    "Map",
    "Pins",
    "Checks",
    "Find a slot",
)


# --- which plan, and making plans ------------------------------------------------------------


def which_plan(working: state.Working | None) -> None:
    """One line: the plan on screen, and what settings see."""
    published = repo.published_version(storage.store())
    seen = (
        f"Settings see version {published.version}."
        if published is not None
        else "Nothing is published yet: settings see no plan."
    )
    if working is None:
        st.caption(seen)
        return
    info = working.info
    if info is None:
        st.warning(
            "This plan could not be saved in the plan store; it stays in this session only.",
            icon=":material/warning:",
        )
        return
    note = f" ({md(info.note)})" if info.note else ""
    st.caption(
        f"You are looking at **{working.describe()}**{note}, saved {info.saved_at:%d %b %Y %H:%M} "
        f"by {md(info.saved_by)}. {seen}"
        + (" Publish it on the Versions page when it is ready." if not info.published else "")
    )


def controls(authority: Authority, identity: Identity, working: state.Working | None) -> None:
    """Make a new plan, re-plan from the working one, continue, or re-plan from today."""
    if not can(identity, Action.GENERATE_PLAN):
        return
    busy = state.job() is not None
    st.session_state.setdefault("ir_time_limit", 60)
    with st.container(border=True):
        time_limit = st.slider(
            "Time limit (seconds)",
            min_value=5,
            max_value=600,
            step=5,
            key="ir_time_limit",
            help="The whole plan, from choosing links to the final check, ends within about "
            "this time; the best plan found by then is kept. Longer can be better on large "
            "authorities.",
        )
        with st.expander("More options"):
            link_limit = st.number_input(
                "At most this long for choosing link practitioners (seconds)",
                1,
                120,
                10,
                key="ir_link_limit",
                help="Never more than 40% of the time limit.",
            )
            seed = st.number_input("Random seed", 0, 10_000, 0, key="ir_seed")
            reproducible = st.checkbox(
                "The same plan on any computer",
                key="ir_deterministic",
                help="Counts the solver's work instead of the clock, so the same data and "
                "options always give the same plan. It may end a little before or after the "
                "time limit.",
            )
            relink = st.checkbox(
                "When re-planning, choose link practitioners again",
                key="ir_relink",
                help="Off: a re-plan keeps every setting's link practitioner.",
            )
        options = plan_options(
            time_limit,
            link_time_limit=float(link_limit),
            seed=int(seed),
            deterministic=bool(reproducible),
            saved_for=len(authority.children),
        )
        columns = st.columns([1, 1.5, 1])  # the re-plan's label is long: whole at 1280 px
        if columns[0].button(
            "Make a new plan",
            type="primary" if working is None else "secondary",
            icon=":material/play_arrow:",
            disabled=busy,
            key="ir_generate",
            help="Plans the term from the data, keeping pins. Saved as a new draft.",
        ):
            state.start_job("plan", authority, options, note="new plan")
            st.rerun()
        if working is None:
            return
        if columns[1].button(
            "Re-plan, keeping links, slots and pins",
            type="primary",
            icon=":material/refresh:",
            disabled=busy,
            key="ir_replan",
            help="Starts from the plan on screen: children keep their day and time wherever the "
            "rules still allow, and pins hold. Use it after pinning or changing the data.",
        ):
            replan = plan_options(
                time_limit,
                link_time_limit=float(link_limit),
                seed=int(seed),
                deterministic=bool(reproducible),
                relink=bool(relink),
                saved_for=len(authority.children),
            )
            state.start_job(
                "replan",
                authority,
                replan,
                previous=working.plan,
                note=f"re-plan of {working.describe()}",
            )
            st.rerun()
        if columns[2].button(
            "Continue improving",
            icon=":material/fast_forward:",
            disabled=busy,
            key="ir_continue",
            help="Searches on from the plan on screen (its slots are the first answer) for "
            "the time limit; nothing it has is lost.",
        ):
            continue_from(authority, working, options)
        replan_from_today(authority, identity, working, time_limit)


def continue_from(authority: Authority, working: state.Working, options: PlanOptions) -> None:
    """More search from the working plan (``warm=``)."""
    state.start_job(
        "continue",
        authority,
        options,
        warm=working.result,
        note=f"continued from {working.describe()}",
    )
    st.rerun()


def replan_from_today(
    authority: Authority, identity: Identity, working: state.Working, time_limit: float
) -> None:
    """Keep what happened, re-book who was not seen, move nobody else if possible."""
    with st.expander("Re-plan from today"):
        st.markdown(
            "Reviews before the day you choose stay as they were, unless an outcome says they "
            "did not happen. Children not brought or cancelled are booked again after the "
            "notice period; a child not brought twice goes to follow-up; a family that declined "
            "is not booked. Everybody else keeps their slot wherever the data still allow. "
            "Outcomes recorded on the Outcomes page are used."
        )
        published = storage.published_stored()
        start = published.plan if published is not None else working.plan
        st.caption(
            f"Starts from the published plan (version {published.info.version})."
            if published is not None
            else f"Nothing is published yet: starts from {working.describe()}."
        )
        earliest = earliest_replan_day(authority)
        term_end = authority.config.term.end
        day = st.date_input(
            "Today is",
            value=default_replan_day(authority, date.today()),
            min_value=earliest,
            max_value=term_end,
            key="ir_today",
            format="DD/MM/YYYY",
        )
        if not isinstance(day, date):
            return
        if st.button(
            f"Re-plan from {day:%d %b %Y}",
            icon=":material/today:",
            disabled=state.job() is not None,
            key="ir_replan_today",
        ):
            stored = [record.outcome for record in storage.visible_outcomes(identity)]
            try:
                todays = data_for_today(authority, stored, day)
            except ValueError as exc:
                st.error(md(exc), icon=":material/error:")
                return
            before = (
                working
                if published is None or published.info.version == working.version
                else state.Working(
                    published.authority,
                    result_of_version(storage.store(), published),
                    published.info,
                )
            )
            state.start_job(
                "today",
                todays.authority,
                plan_options(time_limit, saved_for=len(todays.authority.children)),
                previous=start,
                note=f"re-plan from {day:%d %b %Y}"
                + (f" (from version {published.info.version})" if published else ""),
                compare_with=before,
            )
            st.rerun()


# --- what the plan is worth, honestly --------------------------------------------------------


def verdict(authority: Authority, working: state.Working) -> None:
    """How good the plan is, in words; stopping early said plainly, with a way to go on."""
    result = working.result
    summary = result.plan.summary
    h = summary.headline()
    if h is None:
        st.info("This plan's summary does not have its figures.", icon=":material/info:")
        return
    booked = of(h.scheduled, h.children_due)
    funded = of(h.funded_two_scheduled, h.funded_two_due)
    more_or_none = summary.more_children()
    more = more_children_text(more_or_none) if more_or_none is not None else ""
    violations = len(result.check.violations)
    term = md(summary.term_name or authority.config.term.name)
    if violations:
        st.error(
            f"The independent check found {plural(violations, 'broken rule')} in this plan: see "
            "the Checks tab. Do not publish it.",
            icon=":material/error:",
        )
        return
    stopped = bool(summary.stopped_early)
    quick = summary.status == "GREEDY"
    if stopped or quick:
        hand = result.baseline.scheduled if result.baseline else None
        compared = (
            f" The simple hand-made rota (children by 30-month date, first day that fits) "
            f"would book {count(hand)}."
            if hand is not None
            else ""
        )
        st.warning(
            f"**{'Stopped early' if stopped else 'Only a quick rota'}.** "
            + (
                "The search was stopped before its time was up; practitioners it had not "
                "reached got a quick first-fit rota. "
                if stopped
                else "The search did not improve on a quick first-fit rota in the time it had. "
            )
            + f"This plan books {booked} children due and {funded} funded two-year-olds."
            + compared
            + f" {more} Press **Continue improving** to search on from here.",
            icon=":material/warning:",
        )
        return
    st.success(
        f"**{term}: {booked} children booked**, {funded} funded two-year-olds. "
        f"{room_text(summary.gap if summary.gap is not None else 0.0)} {more} The independent "
        "check found no "
        "broken rule.",
        icon=":material/check_circle:",
    )


def pins_not_kept(authority: Authority, plan: Plan) -> None:
    """Every pin the plan could not keep, with the reason (never moved silently)."""
    rows = plan.summary.pins_unhonoured or ()
    if not rows:
        return
    lines = []
    for row in rows:
        who = (
            tables.child_name(authority, row.child_id)
            if row.child_id
            else tables.setting_name(authority, row.setting_id)
        )
        kind = "appointment pin" if row.kind == "appointment" else "link pin"
        lines.append(f"- {md(who)}, {kind}: {md(row.reason)}")
    st.warning(
        f"**{plural(len(rows), 'pin')} could not be kept.**\n\n" + "\n".join(lines),
        icon=":material/push_pin:",
    )


# --- the tabs --------------------------------------------------------------------------------


def summary_tab(authority: Authority, working: state.Working, identity: Identity) -> None:
    plan = working.plan
    change = state.last_change()
    if change is not None and change.after is working:
        what_changed(authority, change)
    st.caption("Changes are against the simple hand-made rota (children by 30-month date).")
    show_kpis(plan_kpis(plan.summary, working.result.baseline))
    kinds = tables.kinds_of_review(plan)
    if kinds:
        st.markdown(f"**Kinds of review.** {md(venue_mix(kinds))}")
    made = plan.summary.solve_seconds
    if made is not None:
        st.caption(f"Made in {float(made):.0f} seconds.")
    downloads_section(authority, working, identity)


def what_changed(authority: Authority, change: state.Change) -> None:
    """What the last re-plan changed (the store's one diff)."""
    comparison = compare_plans(change.before.plan, change.after.plan)
    st.markdown(
        f"**Compared with {change.before.describe()}:** "
        f"{plural(comparison.count('moved'), 'child', 'children')} moved, "
        f"{count(comparison.count('added'))} newly booked, "
        f"{count(comparison.count('removed'))} no longer booked, "
        f"{count(comparison.unchanged_appointments)} unchanged; "
        f"{plural(len(comparison.links), 'link')} changed."
    )
    if not comparison.unchanged:
        with st.expander("Who changed"):
            st.dataframe(
                tables.changes_frame(authority, comparison),
                hide_index=True,
                alt="Children whose review changed",
                column_config={"Change": st.column_config.TextColumn(width="medium")},
            )
            if comparison.links:
                st.dataframe(
                    tables.link_changes_frame(authority, comparison),
                    hide_index=True,
                    alt="Settings whose link practitioner changed",
                )


def downloads_section(authority: Authority, working: state.Working, identity: Identity) -> None:
    if not can(identity, Action.DOWNLOAD_PLAN):
        return
    plan = working.plan
    st.subheader("Downloads")
    st.caption(f"Of {working.describe()}.")
    cols = st.columns(3)
    slug = downloads.term_slug(authority)
    facts = {"version": working.version}
    target = f"version:{working.version}" if working.version is not None else "unsaved plan"
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
        help="A summary, every appointment on one sheet you can filter, links, children not "
        "booked, and a sheet per practitioner and per setting.",
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


def why_tab(authority: Authority, plan: Plan) -> None:
    """Why wasn't this child booked: search, whole sentences, grouped by what to do."""
    rows = state.memo("unbooked", lambda: unbooked_rows(authority, plan))
    if not rows:
        st.success("Every child due this term has a review booked.", icon=":material/check:")
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    query = left.text_input(
        "Find a child by name or id, or a setting",
        key="ir_why_query",
        placeholder="e.g. C0123, Amelia Jones or Acorn Nursery",
    )
    funded_only = right.toggle("Only funded two-year-olds", key="ir_why_funded")
    found = search(authority, rows, query)
    if funded_only:
        found = [r for r in found if r.funded_two]
    st.caption(
        f"{plural(len(rows), 'child', 'children')} due this term have no review booked; "
        f"showing {count(len(found))}, grouped by what you can do about it, soonest see-by "
        "date first."
    )
    if not found:
        st.info("No child not booked matches.", icon=":material/search_off:")
        return
    if len(found) <= 3:
        for row in found:
            child_reason(row)
    for group in grouped(found):
        with st.expander(
            f"{group.title}: {plural(len(group.rows), 'child', 'children')}",
            expanded=len(found) <= 20,
        ):
            st.markdown(md(group.what_to_do))
            st.dataframe(
                tables.unbooked_frame(group.rows),
                hide_index=True,
                alt=f"Children not booked: {group.title}",
                column_config={
                    "See by": st.column_config.DateColumn(format=tables.DATE_FORMAT),
                    "What the plan found": st.column_config.TextColumn(width="large"),
                },
            )


def child_reason(row: UnbookedRow) -> None:
    """One child's reason in full (the place a "find a slot" panel sits beside)."""
    with st.container(border=True):
        see_by = f" · see by {row.see_by:%d %b %Y}" if row.see_by else ""
        st.markdown(f"**{md(row.child)}** · {md(row.setting)}{see_by} · {md(row.reason)}")
        st.markdown(md(row.sentence))


def appointments_tab(authority: Authority, plan: Plan, identity: Identity) -> None:
    """Every review, filterable by practitioner, setting and kind of review."""
    frame = state.memo(
        "appointments", lambda: tables.appointments_frame(authority, plan.appointments)
    )
    if frame.height == 0:
        st.info("No reviews are booked in this plan.")
        return
    by_who, by_where, by_kind = st.columns(3)
    who = by_who.multiselect(
        "Practitioner",
        sorted(frame["Practitioner"].unique().to_list()),
        placeholder="All practitioners",
        key="ir_appointments_who",
    )
    where = by_where.multiselect(
        "Setting",
        sorted(frame["Setting"].unique().to_list()),
        placeholder="All settings",
        key="ir_appointments_where",
    )
    kind = by_kind.multiselect(
        "Kind of review",
        sorted(frame["Kind of review"].unique().to_list()),
        placeholder="Every kind",
        key="ir_appointments_kind",
    )
    shown = frame
    if who:
        shown = shown.filter(pl.col("Practitioner").is_in(who))
    if where:
        shown = shown.filter(pl.col("Setting").is_in(where))
    if kind:
        shown = shown.filter(pl.col("Kind of review").is_in(kind))
    st.caption(f"Showing {count(shown.height)} of {count(frame.height)} reviews.")
    st.dataframe(
        shown,
        hide_index=True,
        alt="Every booked review",
        column_config={"Date": st.column_config.DateColumn(format=tables.DATE_FORMAT)},
    )
    if can(identity, Action.EDIT_PINS):
        pin_an_appointment(authority, plan)


PIN_NOTICE = "ir_pin_notice"
"""Session key: what the last "Pin this review" did, said once after the page reruns (the
button otherwise only swaps the child in the list, which reads as nothing happening)."""


def pin_an_appointment(authority: Authority, plan: Plan) -> None:
    """Pin a child's current slot: the next re-plan keeps it."""
    current = state.pins()
    if (notice := st.session_state.pop(PIN_NOTICE, None)) is not None:
        st.success(md(notice), icon=":material/push_pin:")
    pinned = {p.child_id for p in current if p.kind == "appointment"}
    choices = {a.child_id: a for a in plan.appointments if a.child_id not in pinned}
    if not choices:
        return
    with st.form("ir_pin_appointment"):
        child_id = st.selectbox(
            "Pin a child's review where it is",
            list(choices),
            format_func=lambda c: (
                f"{tables.child_name(authority, c)}: "
                f"{choices[c].date:%a %d %b} {format_time(choices[c].start)}"
            ),
            key="ir_pin_child",
            help="Re-plans then keep this child's day and time (or say why they could not).",
        )
        if st.form_submit_button("Pin this review", icon=":material/push_pin:") and child_id:
            a = choices[str(child_id)]
            pin = Pin("appointment", setting_id=a.setting_id, child_id=a.child_id,
                      date=a.date, start=a.start)  # fmt: skip
            state.set_pins([*current, pin])
            st.session_state[PIN_NOTICE] = (
                f"Pinned {tables.child_name(authority, a.child_id)} on {a.date:%a %d %b} at "
                f"{format_time(a.start)}: the next re-plan keeps it. "
                f"{plural(len(current) + 1, 'pin')} in use (the Pins tab lists them)."
            )
            st.rerun()


def timeline_tab(authority: Authority, plan: Plan) -> None:
    days = state.memo("days", lambda: tables.day_load_frame(authority, plan))
    if days.height == 0:
        st.info("No reviews are booked in this plan.")
        return
    by_who, by_where = st.columns(2)
    who = by_who.multiselect(
        "Practitioner",
        sorted(days["practitioner"].unique().to_list()),
        placeholder="All practitioners",
        key="ir_timeline_who",
    )
    settings = sorted({sid for ids in days["setting_ids"].to_list() for sid in ids})
    where = by_where.multiselect(
        "Days at a setting",
        settings,
        format_func=lambda s: tables.setting_name(authority, s),
        placeholder="Every setting",
        key="ir_timeline_where",
    )
    shown = days
    if who:
        shown = shown.filter(pl.col("practitioner").is_in(who))
    if where:
        shown = shown.filter(pl.col("setting_ids").list.eval(pl.element().is_in(where)).list.any())
    if shown.height == 0:
        st.info("No review days match.")
        return
    colour_by = st.radio(
        "Colour the days by",
        ["room", "funded"],
        format_func=lambda k: {"room": "places left", "funded": "funded two-year-olds"}[k],
        horizontal=True,
        key="ir_timeline_colour",
    )
    chart, text = charts.timeline_chart(shown, str(colour_by))
    st.caption(md(text))  # the chart's summary names people
    st.altair_chart(chart, width="stretch", alt=text)
    with st.expander("The same days as a table"):
        st.dataframe(
            shown.select(
                pl.col("practitioner").alias("Practitioner"),
                pl.col("date").alias("Day"),
                pl.col("reviews").alias("Reviews"),
                pl.col("room").alias("Places left"),
                pl.col("funded").alias("Funded"),
                pl.col("places").alias("Where"),
                pl.col("from").alias("From"),
                pl.col("to").alias("To"),
            ),
            hide_index=True,
            alt="Every practitioner's review days",
            column_config={"Day": st.column_config.DateColumn(format=tables.DATE_FORMAT)},
        )


def week_tab(authority: Authority, plan: Plan) -> None:
    weeks = tables.term_weeks(plan)
    if not weeks:
        st.info("No reviews are booked in this plan.")
        return
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
    if monday is None or who is None:
        return
    week = tables.week_frame(authority, plan, monday, who)
    if week.height == 0:
        st.info("No reviews for this practitioner that week.")
        return
    chart, text = charts.week_chart(week, tables.practitioner_name(authority, who), monday)
    st.caption(md(text))  # the chart's summary names people
    st.altair_chart(chart, width="stretch", alt=text)
    st.dataframe(
        week.select(
            pl.col("day").alias("Day"),
            pl.col("times").alias("Time"),
            pl.col("child").alias("Child"),
            pl.col("setting").alias("Where"),
        ),
        hide_index=True,
        alt="The week's reviews",
    )


def links_tab(authority: Authority, plan: Plan) -> None:
    links = state.memo("links", lambda: tables.links_frame(authority, plan))
    states = links["Link"].value_counts().to_dicts() if links.height else []
    by_state = {row["Link"]: row["count"] for row in states}
    unlinked = len(authority.settings) - links.height
    st.markdown(
        f"**{count(links.height)}** of {count(len(authority.settings))} settings have a link "
        f"practitioner: **{count(by_state.get('kept', 0))}** kept their existing one, "
        f"**{count(by_state.get('changed', 0))}** changed and "
        f"**{count(by_state.get('new', 0))}** are new."
        + (f" {plural(unlinked, 'setting')} could not be given one." if unlinked else "")
    )
    only = st.toggle("Only changed and new links", key="ir_links_changed")
    shown = links.filter(pl.col("Link") != "kept") if only else links
    st.dataframe(
        shown,
        hide_index=True,
        alt="Each setting's link practitioner, kept, changed or new, and why",
        column_config={"Why": st.column_config.TextColumn(width="large")},
    )


def map_tab(authority: Authority, plan: Plan) -> None:
    settings_frame, bases_frame = state.memo("map", lambda: tables.map_frames(authority, plan))
    chart, text = charts.map_chart(settings_frame, bases_frame)
    st.caption(md(text))  # the chart's summary names people
    st.altair_chart(chart, width="stretch", alt=text)
    with st.expander("Settings and bases as tables"):
        st.dataframe(
            settings_frame.drop("lat", "lon", "setting_id"),
            hide_index=True,
            alt="Settings and their link practitioner",
        )
        st.dataframe(bases_frame.drop("lat", "lon"), hide_index=True, alt="Practitioners' bases")


def checks_tab(result: PlanResult) -> None:
    if not result.check.violations:
        st.success(
            "The independent checker re-tested every rule of the contract on this plan: all hold.",
            icon=":material/verified:",
        )
        return
    st.error(f"{plural(len(result.check.violations), 'rule')} broken.")
    st.dataframe(
        pl.DataFrame({"Broken rule": [str(v) for v in result.check.violations]}),
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
    working = state.working()
    which_plan(working)
    controls(authority, identity, working)
    solve_panel()
    if working is None:
        if state.job() is None:
            st.info(
                f"No plan yet for these data ({md(authority.config.term.name)}). Choose a time "
                "limit and press **Make a new plan**.",
                icon=":material/info:",
            )
        return
    authority = working.authority
    verdict(authority, working)
    pins_not_kept(authority, working.plan)
    plan = working.plan
    tabs = st.tabs(list(TABS))
    with tabs[0]:
        summary_tab(authority, working, identity)
    with tabs[1]:
        why_tab(authority, plan)
    with tabs[2]:
        appointments_tab(authority, plan, identity)
    with tabs[3]:
        timeline_tab(authority, plan)
    with tabs[4]:
        week_tab(authority, plan)
    with tabs[5]:
        links_tab(authority, plan)
    with tabs[6]:
        map_tab(authority, plan)
    with tabs[7]:
        if can(identity, Action.EDIT_PINS):
            pins_editor(authority, plan)
        else:
            st.caption("Coordinators and service leads pin links and reviews.")
    with tabs[8]:
        checks_tab(working.result)
    with tabs[9]:
        find_slot_panel(authority, working.result, identity)


main()
