"""Polars frames the pages show: pure functions of the data and the plan, no Streamlit.

Columns are headed and codes written in plain words (:mod:`scheduler.wording`). Children
appear as initials and id (``A.B. (C0001)``) everywhere but the Data page: enough to act on,
and the least a screen shared in an office gives away.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from scheduler.capacity import PractitionerLoad
from scheduler.diff import CHANGE_FIELDS
from scheduler.domain import Authority, format_time
from scheduler.equity import by_setting_type, settings_at_risk
from scheduler.errors import Problem
from scheduler.export.letters import child_label, role_name
from scheduler.plan import Appointment, Link, Pin, Plan
from scheduler.store.compare import PlanComparison
from scheduler.why_unbooked import UnbookedRow
from scheduler.wording import (
    FIGURES,
    REASONS,
    figure,
    hours,
    review_kind,
    setting_type,
    share,
    signed,
    venue,
)

PROBLEM_COLUMNS = ("file", "line", "column", "value", "problem")

DATE_FORMAT = "ddd D MMM YYYY"
"""How dates read in tables (``Tue 2 Feb 2027``); pass to ``st.column_config.DateColumn``."""


def child_name(authority: Authority, child_id: str) -> str:
    """Initials and id: how a child is shown outside the Data page."""
    child = authority.children.get(child_id)
    return child_label(child_id, child.name if child else None, "initials")


def setting_name(authority: Authority, setting_id: str) -> str:
    setting = authority.settings.get(setting_id)
    return f"{setting.name} ({setting_id})" if setting else setting_id


def practitioner_name(authority: Authority, practitioner_id: str) -> str:
    person = authority.practitioners.get(practitioner_id)
    return f"{person.name} ({practitioner_id})" if person else practitioner_id


def as_read(frame: pl.DataFrame) -> pl.DataFrame:
    """A data table as a person reads it: every value as text, an empty cell where the file
    had none (a table shows a missing value as "None", which reads like a value)."""
    return frame.with_columns(pl.all().cast(pl.String).fill_null(""))


def problems_frame(problems: Iterable[Problem]) -> pl.DataFrame:
    """The validation report: one row per problem, in the contract's terms."""
    rows = [(p.file, str(p.line), p.column, p.value, p.message) for p in problems]
    return pl.DataFrame(rows, schema=list(PROBLEM_COLUMNS), orient="row")


def appointments_frame(authority: Authority, appointments: Sequence[Appointment]) -> pl.DataFrame:
    """Every review with readable names and words, in date and time order."""
    rows = [
        {
            "Date": a.date,
            "Pre-meeting": format_time(a.pre_meeting_start)
            if a.pre_meeting_start is not None
            else "",
            "Start": format_time(a.start),
            "End": format_time(a.end),
            "Child": child_name(authority, a.child_id),
            "Setting": setting_name(authority, a.setting_id) if a.setting_id else "no setting",
            "Practitioner": practitioner_name(authority, a.practitioner_id),
            "Key person": _key_person(authority, a.key_person_id),
            "Kind of review": review_kind(a.model),
            "Where": venue(a.location),
            "Age (months)": a.age_months,
            "In the window": "yes" if a.in_window else "no: past 30 months",
        }
        for a in sorted(appointments, key=lambda a: (a.date, a.start, a.practitioner_id))
    ]
    return _frame(rows, _APPOINTMENT_SCHEMA)


_APPOINTMENT_SCHEMA: dict[str, Any] = {
    "Date": pl.Date,
    "Pre-meeting": pl.String,
    "Start": pl.String,
    "End": pl.String,
    "Child": pl.String,
    "Setting": pl.String,
    "Practitioner": pl.String,
    "Key person": pl.String,
    "Kind of review": pl.String,
    "Where": pl.String,
    "Age (months)": pl.Float64,
    "In the window": pl.String,
}


def _frame(rows: list[dict[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(schema)) if rows else pl.DataFrame(schema=dict(schema))


def _key_person(authority: Authority, key_person_id: str | None) -> str:
    if not key_person_id:
        return ""
    person = authority.key_persons.get(key_person_id)
    return person.name if person else key_person_id


def kinds_of_review(plan: Plan) -> list[tuple[str, int]]:
    """How many reviews of each kind (joint, clinic, home), most first."""
    counts = Counter(review_kind(a.model) for a in plan.appointments)
    return counts.most_common()


def unbooked_frame(rows: Sequence[UnbookedRow]) -> pl.DataFrame:
    """Unbooked children: who, where, see-by date, the reason in words and the plan's sentence."""
    data = [
        {
            "Child": r.child,
            "Setting": r.setting,
            "Funded": "yes" if r.funded_two else "no",
            "See by": r.see_by,
            "Reason": r.reason,
            "What the plan found": r.sentence,
        }
        for r in rows
    ]
    schema = {
        "Child": pl.String,
        "Setting": pl.String,
        "Funded": pl.String,
        "See by": pl.Date,
        "Reason": pl.String,
        "What the plan found": pl.String,
    }
    return _frame(data, schema)


def link_state(authority: Authority, link: Link) -> str:
    """``kept``, ``changed`` (from another practitioner) or ``new`` (the setting had none)."""
    if link.kept_existing_link:
        return "kept"
    setting = authority.settings.get(link.setting_id)
    return "changed" if setting is not None and setting.link_practitioner_id else "new"


def links_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Each setting's link practitioner: kept, changed or new, and why, in words."""
    rows = []
    for link in plan.links:
        setting = authority.settings.get(link.setting_id)
        before = setting.link_practitioner_id if setting is not None else None
        rows.append(
            {
                "Setting": setting_name(authority, link.setting_id),
                "Type": setting_type(setting.type) if setting is not None else "",
                "Link practitioner": practitioner_name(authority, link.practitioner_id),
                "Link": link_state(authority, link),
                "Was": practitioner_name(authority, before)
                if before and before != link.practitioner_id
                else "",
                "Why": link.reason or link.explanation,
                "Children due": link.children_due,
                "Hours needed": round(link.workload_minutes / 60),
                "Distance (km)": round(link.distance_km, 1),
            }
        )
    schema = {
        "Setting": pl.String,
        "Type": pl.String,
        "Link practitioner": pl.String,
        "Link": pl.String,
        "Was": pl.String,
        "Why": pl.String,
        "Children due": pl.Int64,
        "Hours needed": pl.Int64,
        "Distance (km)": pl.Float64,
    }
    return _frame(rows, schema)


def day_load_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """One row per practitioner and review day: how full the day is (reviews against their
    most a day), the settings visited, the first and last times. The timeline's cells."""
    days: dict[tuple[str, date], list[Appointment]] = defaultdict(list)
    for a in plan.appointments:
        days[(a.practitioner_id, a.date)].append(a)
    rows = []
    for (pid, day), items in sorted(days.items()):
        person = authority.practitioners.get(pid)
        most = person.max_reviews_per_day if person is not None else 0
        places = sorted(
            {setting_name(authority, a.setting_id) if a.setting_id else venue(a.location)
             for a in items}
        )  # fmt: skip
        rows.append(
            {
                "practitioner": practitioner_name(authority, pid),
                "practitioner_id": pid,
                "date": day,
                "reviews": len(items),
                "room": max(0, most - len(items)),
                "places": "; ".join(places),
                "setting_ids": sorted({a.setting_id for a in items if a.setting_id}),
                "funded": sum(
                    1
                    for a in items
                    if (c := authority.children.get(a.child_id)) is not None and c.funded_two
                ),
                "from": format_time(min(a.block_start for a in items)),
                "to": format_time(max(a.end for a in items)),
            }
        )
    schema = {
        "practitioner": pl.String,
        "practitioner_id": pl.String,
        "date": pl.Date,
        "reviews": pl.Int64,
        "room": pl.Int64,
        "places": pl.String,
        "setting_ids": pl.List(pl.String),
        "funded": pl.Int64,
        "from": pl.String,
        "to": pl.String,
    }
    frame = _frame(rows, schema)
    return frame.with_columns(
        (pl.col("funded") / pl.col("reviews")).alias("funded_share")
        if frame.height
        else pl.lit(0.0).alias("funded_share")
    )


def week_frame(
    authority: Authority, plan: Plan, monday: date, practitioner_id: str
) -> pl.DataFrame:
    """One practitioner's reviews in the week starting ``monday``, for the calendar view."""
    end = monday + timedelta(days=7)
    rows = [
        {
            "date": a.date,
            "day": f"{a.date:%a %d %b}",
            "block_start": a.block_start,
            "end": a.end,
            "times": f"{format_time(a.block_start)}–{format_time(a.end)}",
            "child": child_name(authority, a.child_id),
            "setting": setting_name(authority, a.setting_id) if a.setting_id else venue(a.location),
        }
        for a in plan.appointments
        if a.practitioner_id == practitioner_id and monday <= a.date < end
    ]
    schema = {
        "date": pl.Date,
        "day": pl.String,
        "block_start": pl.Int64,
        "end": pl.Int64,
        "times": pl.String,
        "child": pl.String,
        "setting": pl.String,
    }
    return _frame(rows, schema).sort("date", "block_start")


def term_weeks(plan: Plan) -> list[date]:
    """The Mondays of the weeks that hold reviews."""
    return sorted({a.date - timedelta(days=a.date.weekday()) for a in plan.appointments})


def map_frames(authority: Authority, plan: Plan) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Settings (with their link practitioner) and practitioners' bases, for the map."""
    link = {lk.setting_id: lk for lk in plan.links}
    settings = [
        {
            "Setting": s.name,
            "setting_id": s.setting_id,
            "Type": setting_type(s.type),
            "lat": s.lat,
            "lon": s.lon,
            "Link practitioner": practitioner_name(authority, link[s.setting_id].practitioner_id)
            if s.setting_id in link
            else "no link practitioner",
            "Children due": link[s.setting_id].children_due if s.setting_id in link else 0,
            "Distance from base (km)": round(link[s.setting_id].distance_km, 1)
            if s.setting_id in link
            else None,
        }
        for s in authority.settings.values()
    ]
    bases = [
        {
            "Practitioner": practitioner_name(authority, p.practitioner_id),
            "Base": p.base_name or "base",
            "lat": p.base_lat,
            "lon": p.base_lon,
            "Settings linked": sum(1 for lk in plan.links if lk.practitioner_id == pid),
        }
        for pid, p in authority.practitioners.items()
    ]
    setting_schema = {
        "Setting": pl.String,
        "setting_id": pl.String,
        "Type": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "Link practitioner": pl.String,
        "Children due": pl.Int64,
        "Distance from base (km)": pl.Float64,
    }
    base_schema = {
        "Practitioner": pl.String,
        "Base": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "Settings linked": pl.Int64,
    }
    return _frame(settings, setting_schema), _frame(bases, base_schema)


def capacity_frame(authority: Authority, loads: Sequence[PractitionerLoad]) -> pl.DataFrame:
    """Per practitioner, most committed first: hours needed, available and booked, the shortfall
    and why (:mod:`scheduler.capacity`'s one definition)."""
    rows = []
    for load in loads:
        person = authority.practitioners.get(load.practitioner_id)
        rows.append(
            {
                "Practitioner": practitioner_name(authority, load.practitioner_id),
                "Team": (person.team or "") if person else "",
                "Role": role_name(person.role) if person else "",
                "Over-committed": "yes" if load.overcommitted else "no",
                "Hours needed": round(load.needed_minutes / 60),
                "Hours available": round(load.available_minutes / 60),
                "Short by": hours(load.over_minutes) if load.overcommitted else "",
                "Reviews booked": load.reviews,
                "Hours booked": round(load.booked_minutes / 60),
                "Why": load.reason,
            }
        )
    schema = {
        "Practitioner": pl.String,
        "Team": pl.String,
        "Role": pl.String,
        "Over-committed": pl.String,
        "Hours needed": pl.Int64,
        "Hours available": pl.Int64,
        "Short by": pl.String,
        "Reviews booked": pl.Int64,
        "Hours booked": pl.Int64,
        "Why": pl.String,
    }
    return _frame(rows, schema)


def at_risk_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Settings with funded two-year-olds left unbooked, most at risk first, reasons in words
    (:func:`scheduler.equity.settings_at_risk`)."""
    rows = [
        {
            "Setting": setting_name(authority, r.setting_id) if r.setting_id else "no setting",
            "Type": setting_type(r.setting_type) if r.setting_type else "",
            "Link practitioner": practitioner_name(authority, r.link_practitioner_id)
            if r.link_practitioner_id
            else "none",
            "Funded not booked": r.funded_unbooked,
            "All not booked": r.all_unbooked,
            "Why": "; ".join(f"{REASONS.get(code, code.value)} ({n})" for code, n in r.reasons),
        }
        for r in settings_at_risk(authority, plan)
    ]
    schema = {
        "Setting": pl.String,
        "Type": pl.String,
        "Link practitioner": pl.String,
        "Funded not booked": pl.Int64,
        "All not booked": pl.Int64,
        "Why": pl.String,
    }
    return _frame(rows, schema)


def setting_type_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Due and booked children by type of setting: PVIs and childminders must not drop out
    (:func:`scheduler.equity.by_setting_type`)."""
    rows = [
        {
            "Type of setting": setting_type(r.setting_type) if r.setting_type else "No setting",
            "Children due": r.due,
            "Booked": r.booked,
            "Share booked": share(r.booked, r.due),
        }
        for r in by_setting_type(authority, plan)
    ]
    schema = {
        "Type of setting": pl.String,
        "Children due": pl.Int64,
        "Booked": pl.Int64,
        "Share booked": pl.String,
    }
    return _frame(rows, schema).sort("Type of setting")


def _slot(authority: Authority, a: Appointment | None) -> str:
    if a is None:
        return "not booked"
    return (
        f"{a.date:%a %d %b} {format_time(a.start)}, "
        f"{practitioner_name(authority, a.practitioner_id)}, {venue(a.location).lower()}"
    )


CHANGE_WORDS = {"added": "newly booked", "moved": "moved", "removed": "no longer booked"}


def changes_frame(authority: Authority, comparison: PlanComparison) -> pl.DataFrame:
    """The children whose review changed between two plans (the store's one diff), in words."""
    rows = []
    for change in comparison.appointments:
        what = sorted({CHANGE_FIELDS[f] for f in change.fields})
        rows.append(
            {
                "Child": child_name(authority, change.child_id),
                "Setting": setting_name(authority, change.setting_id)
                if change.setting_id
                else "no setting",
                "Change": CHANGE_WORDS[change.kind] + (f" ({', '.join(what)})" if what else ""),
                "Before": _slot(authority, change.before),
                "After": _slot(authority, change.after),
            }
        )
    schema = dict.fromkeys(("Child", "Setting", "Change", "Before", "After"), pl.String)
    return _frame(rows, schema)


def link_changes_frame(authority: Authority, comparison: PlanComparison) -> pl.DataFrame:
    rows = [
        {
            "Setting": setting_name(authority, c.setting_id),
            "Before": practitioner_name(authority, c.before) if c.before else "none",
            "After": practitioner_name(authority, c.after) if c.after else "none",
        }
        for c in comparison.links
    ]
    return _frame(rows, dict.fromkeys(("Setting", "Before", "After"), pl.String))


def figures_frame(comparison: PlanComparison) -> pl.DataFrame:
    """The key figures before and after, in words (only those a person reads)."""
    by_key = {k.key: k for k in comparison.kpis}
    rows = []
    for key, label in FIGURES.items():
        k = by_key.get(key)
        if k is None:
            continue
        rows.append(
            {
                "Figure": label,
                "Before": figure(key, k.before) if k.before is not None else "—",
                "After": figure(key, k.after) if k.after is not None else "—",
                "Change": signed(k.delta, " km" if key == "travel_km" else "")
                if k.delta is not None
                else "",
            }
        )
    return _frame(rows, dict.fromkeys(("Figure", "Before", "After", "Change"), pl.String))


def setting_slots_frame(authority: Authority, plan: Plan, setting_id: str) -> pl.DataFrame:
    """A setting's own slots: child initials only, key person and practitioner."""
    rows = [
        {
            "date": a.date,
            "day": f"{a.date:%a}",
            "pre_meeting": format_time(a.pre_meeting_start)
            if a.pre_meeting_start is not None
            else "",
            "start": format_time(a.start),
            "end": format_time(a.end),
            "child": child_name(authority, a.child_id),
            "key_person": _key_person(authority, a.key_person_id),
            "practitioner": authority.practitioners[a.practitioner_id].name
            if a.practitioner_id in authority.practitioners
            else a.practitioner_id,
            "where": venue(a.location),
        }
        for a in sorted(plan.appointments, key=lambda a: (a.date, a.start))
        if a.setting_id == setting_id
    ]
    schema: dict[str, Any] = {
        "date": pl.Date,
        "day": pl.String,
        "pre_meeting": pl.String,
        "start": pl.String,
        "end": pl.String,
        "child": pl.String,
        "key_person": pl.String,
        "practitioner": pl.String,
        "where": pl.String,
    }
    return _frame(rows, schema)


PIN_SCHEMA: dict[str, Any] = {
    "kind": pl.String,
    "setting_id": pl.String,
    "practitioner_id": pl.String,
    "child_id": pl.String,
    "date": pl.Date,
    "start": pl.String,
}


def pins_frame(pins: Sequence[Pin]) -> pl.DataFrame:
    """Pins as an editable table (``start`` as ``HH:MM`` text)."""
    rows = [
        {
            "kind": p.kind,
            "setting_id": p.setting_id,
            "practitioner_id": p.practitioner_id,
            "child_id": p.child_id,
            "date": p.date,
            "start": format_time(p.start) if p.start is not None else None,
        }
        for p in pins
    ]
    return _frame(rows, PIN_SCHEMA)
