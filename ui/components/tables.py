"""Polars frames the pages show: pure functions of the data and the plan, no Streamlit.

Children appear as initials and id (``A.B. (C0001)``) everywhere but the Data page: enough
to act on, and the least a screen shared in an office gives away.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl

from scheduler.domain import Authority, format_time
from scheduler.errors import Problem
from scheduler.export.letters import child_label, role_name
from scheduler.plan import Appointment, Pin, Plan

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


def problems_frame(problems: Iterable[Problem]) -> pl.DataFrame:
    """The validation report: one row per problem, in the contract's terms."""
    rows = [(p.file, str(p.line), p.column, p.value, p.message) for p in problems]
    return pl.DataFrame(rows, schema=list(PROBLEM_COLUMNS), orient="row")


def appointments_frame(authority: Authority, appointments: Sequence[Appointment]) -> pl.DataFrame:
    """Every review with readable names, in date and time order."""
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
            "setting": setting_name(authority, a.setting_id),
            "practitioner": practitioner_name(authority, a.practitioner_id),
            "key_person": _key_person(authority, a.key_person_id),
            "location": a.location,
            "age_months": a.age_months,
            "in_window": "yes" if a.in_window else "no (overdue)",
        }
        for a in sorted(appointments, key=lambda a: (a.date, a.start, a.practitioner_id))
    ]
    return _frame(rows, _APPOINTMENT_SCHEMA)


_APPOINTMENT_SCHEMA: dict[str, Any] = {
    "date": pl.Date,
    "day": pl.String,
    "pre_meeting": pl.String,
    "start": pl.String,
    "end": pl.String,
    "child": pl.String,
    "setting": pl.String,
    "practitioner": pl.String,
    "key_person": pl.String,
    "location": pl.String,
    "age_months": pl.Float64,
    "in_window": pl.String,
}


def _frame(rows: list[dict[str, Any]], schema: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(schema)) if rows else pl.DataFrame(schema=dict(schema))


def _key_person(authority: Authority, key_person_id: str) -> str:
    person = authority.key_persons.get(key_person_id)
    return person.name if person else key_person_id


def unscheduled_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Due children without a slot, with the reason a coordinator can act on."""
    rows = []
    for u in plan.unscheduled:
        child = authority.children.get(u.child_id)
        rows.append(
            {
                "child": child_name(authority, u.child_id),
                "setting": setting_name(authority, u.setting_id),
                "setting_id": u.setting_id,
                "funded_two": "yes" if child is not None and child.funded_two else "no",
                "reason_code": u.reason_code.value,
                "reason": u.reason,
            }
        )
    schema = dict.fromkeys(
        ("child", "setting", "setting_id", "funded_two", "reason_code", "reason"), pl.String
    )
    return _frame(rows, schema)


def links_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Each setting's link practitioner, its load and distance, and why it was chosen."""
    rows = [
        {
            "setting": setting_name(authority, link.setting_id),
            "type": authority.settings[link.setting_id].type
            if link.setting_id in authority.settings
            else "",
            "practitioner": practitioner_name(authority, link.practitioner_id),
            "children_due": link.children_due,
            "workload_hours": round(link.workload_minutes / 60, 1),
            "distance_km": link.distance_km,
            "kept_existing_link": "yes" if link.kept_existing_link else "no",
            "why": link.explanation,
        }
        for link in plan.links
    ]
    schema = {
        "setting": pl.String,
        "type": pl.String,
        "practitioner": pl.String,
        "children_due": pl.Int64,
        "workload_hours": pl.Float64,
        "distance_km": pl.Float64,
        "kept_existing_link": pl.String,
        "why": pl.String,
    }
    return _frame(rows, schema)


def visits_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """One row per practitioner visit (practitioner, setting or clinic, day): the timeline."""
    groups: dict[tuple[str, date, str], list[Appointment]] = defaultdict(list)
    for a in plan.appointments:
        groups[(a.practitioner_id, a.date, a.setting_id)].append(a)
    rows = []
    order: Counter[tuple[str, date]] = Counter()
    for (pid, day, sid), items in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], min(a.block_start for a in kv[1]))
    ):
        order[(pid, day)] += 1
        first = min(a.block_start for a in items)
        last = max(a.end for a in items)
        rows.append(
            {
                "practitioner": practitioner_name(authority, pid),
                "date": day,
                "visit": order[(pid, day)],
                "setting": setting_name(authority, sid),
                "reviews": len(items),
                "from": format_time(first),
                "to": format_time(last),
            }
        )
    schema = {
        "practitioner": pl.String,
        "date": pl.Date,
        "visit": pl.Int64,
        "setting": pl.String,
        "reviews": pl.Int64,
        "from": pl.String,
        "to": pl.String,
    }
    return _frame(rows, schema)


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
            "setting": setting_name(authority, a.setting_id),
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
            "setting": s.name,
            "setting_id": s.setting_id,
            "type": s.type,
            "lat": s.lat,
            "lon": s.lon,
            "link_practitioner": practitioner_name(authority, link[s.setting_id].practitioner_id)
            if s.setting_id in link
            else "no link practitioner",
            "children_due": link[s.setting_id].children_due if s.setting_id in link else 0,
            "distance_km": link[s.setting_id].distance_km if s.setting_id in link else None,
        }
        for s in authority.settings.values()
    ]
    bases = [
        {
            "practitioner": practitioner_name(authority, p.practitioner_id),
            "base": p.base_name or "base",
            "lat": p.base_lat,
            "lon": p.base_lon,
            "settings_linked": sum(1 for lk in plan.links if lk.practitioner_id == pid),
        }
        for pid, p in authority.practitioners.items()
    ]
    setting_schema = {
        "setting": pl.String,
        "setting_id": pl.String,
        "type": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "link_practitioner": pl.String,
        "children_due": pl.Int64,
        "distance_km": pl.Float64,
    }
    base_schema = {
        "practitioner": pl.String,
        "base": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "settings_linked": pl.Int64,
    }
    return _frame(settings, setting_schema), _frame(bases, base_schema)


def utilisation_frame(authority: Authority, summary: Mapping[str, Any]) -> pl.DataFrame:
    """Per practitioner: reviews, hours used and available, and over-commitment from matching."""
    per = summary.get("practitioners") or {}
    over = summary.get("overcommitted_practitioners") or {}
    rows = []
    for pid, person in authority.practitioners.items():
        figures = per.get(pid, {})
        rows.append(
            {
                "practitioner": practitioner_name(authority, pid),
                "team": person.team or "",
                "role": role_name(person.role),
                "reviews": int(figures.get("reviews", 0)),
                "review_hours": round(figures.get("review_minutes", 0) / 60, 1),
                "capacity_hours": round(figures.get("capacity_minutes", 0) / 60, 1),
                "link_load_hours": round(figures.get("link_load_minutes", 0) / 60, 1),
                "utilisation": float(figures.get("utilisation", 0.0)),
                "overcommitted_hours": round(over.get(pid, 0) / 60, 1),
            }
        )
    schema = {
        "practitioner": pl.String,
        "team": pl.String,
        "role": pl.String,
        "reviews": pl.Int64,
        "review_hours": pl.Float64,
        "capacity_hours": pl.Float64,
        "link_load_hours": pl.Float64,
        "utilisation": pl.Float64,
        "overcommitted_hours": pl.Float64,
    }
    return _frame(rows, schema).sort("utilisation", descending=True)


def at_risk_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Settings with funded two-year-olds left unscheduled, most at risk first."""
    link = {lk.setting_id: lk.practitioner_id for lk in plan.links}
    funded: Counter[str] = Counter()
    everyone: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for u in plan.unscheduled:
        everyone[u.setting_id] += 1
        reasons[u.setting_id][u.reason_code.value] += 1
        child = authority.children.get(u.child_id)
        if child is not None and child.funded_two:
            funded[u.setting_id] += 1
    rows = [
        {
            "setting": setting_name(authority, sid),
            "type": authority.settings[sid].type if sid in authority.settings else "",
            "link_practitioner": practitioner_name(authority, link[sid]) if sid in link else "none",
            "funded_two_unscheduled": funded[sid],
            "all_unscheduled": everyone[sid],
            "reasons": ", ".join(f"{code} × {n}" for code, n in reasons[sid].most_common()),
        }
        for sid in funded
    ]
    schema = {
        "setting": pl.String,
        "type": pl.String,
        "link_practitioner": pl.String,
        "funded_two_unscheduled": pl.Int64,
        "all_unscheduled": pl.Int64,
        "reasons": pl.String,
    }
    return _frame(rows, schema).sort(["funded_two_unscheduled", "all_unscheduled"], descending=True)


def setting_type_frame(authority: Authority, plan: Plan) -> pl.DataFrame:
    """Due and scheduled children by type of setting: PVIs and childminders must not drop out."""
    due: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for a in plan.appointments:
        kind = authority.settings[a.setting_id].type if a.setting_id in authority.settings else ""
        due[kind] += 1
        seen[kind] += 1
    for u in plan.unscheduled:
        kind = authority.settings[u.setting_id].type if u.setting_id in authority.settings else ""
        due[kind] += 1
    rows = [
        {
            "setting_type": kind,
            "children_due": due[kind],
            "scheduled": seen[kind],
            "share_scheduled": seen[kind] / due[kind] if due[kind] else 1.0,
        }
        for kind in sorted(due)
    ]
    schema = {
        "setting_type": pl.String,
        "children_due": pl.Int64,
        "scheduled": pl.Int64,
        "share_scheduled": pl.Float64,
    }
    return _frame(rows, schema)


def _slot(a: Appointment | None) -> str:
    if a is None:
        return "not scheduled"
    return f"{a.date:%a %d %b} {format_time(a.start)} with {a.practitioner_id}"


def changed_frame(authority: Authority, before: Plan, after: Plan) -> pl.DataFrame:
    """Children whose appointment differs between two plans (moved, new, dropped)."""
    old = {a.child_id: a for a in before.appointments}
    new = {a.child_id: a for a in after.appointments}
    rows = []
    for child_id in sorted(old.keys() | new.keys()):
        was, now = old.get(child_id), new.get(child_id)
        if was is not None and now is not None:
            if (was.date, was.start, was.practitioner_id) == (
                now.date,
                now.start,
                now.practitioner_id,
            ):
                continue
            change = "moved"
        else:
            change = "newly scheduled" if now is not None else "no longer scheduled"
        either = now if now is not None else was
        setting_id = either.setting_id if either is not None else ""
        rows.append(
            {
                "child": child_name(authority, child_id),
                "setting": setting_name(authority, setting_id),
                "change": change,
                "before": _slot(was),
                "after": _slot(now),
            }
        )
    schema = dict.fromkeys(("child", "setting", "change", "before", "after"), pl.String)
    return _frame(rows, schema)


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
            "where": "at the setting" if a.location == "setting" else "at the clinic",
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
