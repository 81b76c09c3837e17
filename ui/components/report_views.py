"""What the Service report and Outcomes pages show: pure functions of a report, a plan and the
stored outcomes (polars frames, KPI cards, one chart); no Streamlit, no policy.

Children are named only where the page passes ``names=True`` (coordinators acting on a list);
elsewhere they are counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt
import polars as pl

from scheduler.domain import Authority, format_time
from scheduler.plan import Appointment
from scheduler.report import Figures, Forecast, ServiceReport
from scheduler.store.outcomes import OutcomeRecord
from scheduler.wording import review_kind
from ui.components.charts import Chart
from ui.components.kpis import Kpi
from ui.components.tables import child_name, practitioner_name, setting_name

OUTCOME_LABELS: dict[str, str] = {
    "attended": "Attended",
    "was_not_brought": "Was not brought",
    "cancelled_by_parent": "Cancelled by the parent",
    "cancelled_by_service": "Cancelled by the service",
    "declined": "Declined",
}
VENUE_LABELS: dict[str, str] = {"setting": "Setting", "clinic": "Clinic", "home": "Home"}


def percent_text(value: float | None) -> str:
    """A share as text; an undefined one (nobody in the denominator) as a dash, never 0%."""
    return "–" if value is None else f"{value:.1f}%"


def report_kpis(report: ServiceReport) -> list[Kpi]:
    """The headline cards: the national metric (all, funded), reviews held, ASQ-3, not brought,
    and with a plan the forecast."""
    t = report.totals
    hi = report.window_months[1]
    cards = [
        Kpi(
            f"Reviewed by {hi} months",
            percent_text(t.reviewed_by_30_months_pct),
            None,
            f"{t.reviewed_by_30_months} of the {t.children_turning_30_months} children who "
            f"turned {hi} months in the period had their review by then (the national metric)."
            + (
                f" {t.not_yet_30_months} of the others turn {hi} months after today and may "
                "still be seen in time: the weekly trend shows the figure so far."
                if t.not_yet_30_months
                else ""
            ),
        ),
        Kpi(
            "Funded two-year-olds",
            percent_text(t.funded_two_reviewed_by_30_months_pct),
            None,
            f"{t.funded_two_reviewed_by_30_months} of {t.funded_two_turning_30_months} funded "
            f"two-year-olds reviewed by {hi} months.",
        ),
        Kpi(
            "Reviews held",
            f"{t.attended:,}",
            None,
            "Reviews that took place in the period"
            + (
                f", {t.attended_without_outcome} of them known only from a review date"
                if t.attended_without_outcome
                else ""
            )
            + ".",
        ),
        Kpi(
            "ASQ-3 completed",
            percent_text(t.asq3_completed_pct),
            None,
            f"At {t.asq3_completed} of {t.attended} reviews held"
            + (f"; not recorded for {t.asq3_not_recorded}" if t.asq3_not_recorded else "")
            + ".",
        ),
        Kpi(
            "Not brought",
            f"{t.was_not_brought:,}",
            None,
            f"Booked reviews a child was not brought to ({percent_text(t.was_not_brought_pct)} "
            "of the reviews children were expected at). Cancelled by parents "
            f"{t.cancelled_by_parent}, by the service {t.cancelled_by_service}; declined "
            f"{t.declined}.",
        ),
    ]
    f = report.forecast
    if f is not None:
        cards.append(
            Kpi(
                "Forecast",
                percent_text(f.forecast_reviewed_by_30_months_pct),
                None,
                "If every booked review happens: "
                f"{f.forecast_reviewed_by_30_months} of {f.children_turning_30_months} "
                f"reviewed by {hi} months: reviewed already ({f.reviewed_by_30_months}) or "
                f"booked by {hi} months ({f.booked_by_30_months}).",
            )
        )
        cards.append(
            Kpi(
                "Will miss the metric",
                f"{sum(1 for r in f.at_risk if not r.passed):,}",
                None,
                "Children turning "
                f"{hi} months in the period, not reviewed and not booked in time: unless "
                f"something changes they will pass {hi} months unreviewed"
                + (
                    f" ({sum(1 for r in f.at_risk if r.passed)} more already have)."
                    if any(r.passed for r in f.at_risk)
                    else "."
                ),
            )
        )
    return cards


_FIGURE_COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("children_turning_30_months", "Turned 30 months", pl.Int64),
    ("reviewed_by_30_months", "Reviewed by 30 months", pl.Int64),
    ("reviewed_by_30_months_pct", "Reviewed (%)", pl.Float64),
    ("funded_two_turning_30_months", "Funded: turned 30 months", pl.Int64),
    ("funded_two_reviewed_by_30_months", "Funded: reviewed", pl.Int64),
    ("funded_two_reviewed_by_30_months_pct", "Funded: reviewed (%)", pl.Float64),
    ("not_yet_30_months", "Not reviewed, 30 months to come", pl.Int64),
    ("attended", "Reviews held", pl.Int64),
    ("asq3_completed_pct", "ASQ-3 (%)", pl.Float64),
    ("was_not_brought", "Not brought", pl.Int64),
)
"""``report.json`` key, column heading and type of each column of the breakdown tables."""


def figures_frame(groups: Mapping[str, Figures], group: str) -> pl.DataFrame:
    """One row per group (setting type, team, setting) with the main figures; undefined shares
    stay empty (null), not 0."""
    rows = []
    for key, figures in groups.items():
        values = figures.as_json()
        row: dict[str, Any] = {group: key.replace("_", " ")}
        row.update({name: values[source] for source, name, _ in _FIGURE_COLUMNS})
        rows.append(row)
    schema: dict[str, Any] = {group: pl.String}
    schema.update({name: kind for _, name, kind in _FIGURE_COLUMNS})
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def settings_frame(authority: Authority, report: ServiceReport) -> pl.DataFrame:
    """By setting, with names (and the children at risk when there is a forecast)."""
    named = {setting_name(authority, sid): f for sid, f in report.by_setting.items()}
    frame = figures_frame(named, "Setting")
    if report.forecast is not None:
        counts = report.forecast.at_risk_by_setting()
        frame = frame.with_columns(
            pl.Series(
                "Will miss the metric", [counts.get(sid, 0) for sid in report.by_setting], pl.Int64
            )
        )
    return frame


def trend_frame(report: ServiceReport) -> pl.DataFrame:
    """The weekly trend as a table."""
    rows = [
        {
            "week_ending": p.week_ending,
            "turned_30_months": p.turned_30_months,
            "reviewed_by_30_months": p.reviewed_by_30_months,
            "reviewed_pct": p.reviewed_by_30_months_pct,
            "funded_reviewed_pct": p.funded_two_reviewed_by_30_months_pct,
        }
        for p in report.weekly
    ]
    schema = {
        "week_ending": pl.Date,
        "turned_30_months": pl.Int64,
        "reviewed_by_30_months": pl.Int64,
        "reviewed_pct": pl.Float64,
        "funded_reviewed_pct": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def trend_chart(trend: pl.DataFrame, hi: int) -> tuple[Chart, str]:
    """Cumulative share reviewed by 30 months, week by week (all and funded), and a sentence."""
    long = trend.unpivot(
        index="week_ending",
        on=["reviewed_pct", "funded_reviewed_pct"],
        variable_name="who",
        value_name="pct",
    ).with_columns(
        pl.col("who").replace(
            {"reviewed_pct": "All children", "funded_reviewed_pct": "Funded two-year-olds"}
        )
    )
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("week_ending:T", title="Week ending", axis=alt.Axis(format="%d %b")),
            y=alt.Y(
                "pct:Q", title=f"Reviewed by {hi} months (%)", scale=alt.Scale(domain=[0, 100])
            ),
            color=alt.Color("who:N", title=None),
            strokeDash=alt.StrokeDash("who:N", title=None),
            tooltip=[
                alt.Tooltip("week_ending:T", title="Week ending", format="%a %d %b %Y"),
                alt.Tooltip("who:N", title="Children"),
                alt.Tooltip("pct:Q", title="Reviewed by 30 months (%)"),
            ],
        )
        .properties(height=260)
    )
    last = trend.tail(1).to_dicts()[0] if trend.height else None
    text = (
        f"Week by week, the share of children whose {hi}-month date has passed in the period "
        "who were reviewed by then; a solid line for all children, dashed for funded "
        "two-year-olds. The table beside lists the same figures."
    )
    if last is not None and last["reviewed_pct"] is not None:
        text += f" Latest: {last['reviewed_pct']}% by {last['week_ending']:%d %b %Y}."
    return chart, text


def at_risk_children_frame(authority: Authority, forecast: Forecast) -> pl.DataFrame:
    """The children who will pass 30 months unreviewed, by name (coordinators only)."""
    rows = [
        {
            "Child": _full_name(authority, r.child_id),
            "Setting": setting_name(authority, r.setting_id) if r.setting_id else "(no setting)",
            "Funded": "yes" if r.funded_two else "no",
            "30 months on": r.thirty_months_on,
            "Booked for": r.booked_on,
            "Already passed": "yes" if r.passed else "no",
            "Why": r.why,
        }
        for r in forecast.at_risk
    ]
    schema = {
        "Child": pl.String,
        "Setting": pl.String,
        "Funded": pl.String,
        "30 months on": pl.Date,
        "Booked for": pl.Date,
        "Already passed": pl.String,
        "Why": pl.String,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def _full_name(authority: Authority, child_id: str) -> str:
    child = authority.children.get(child_id)
    return f"{child.name} ({child_id})" if child else child_id


def at_risk_counts_frame(authority: Authority, forecast: Forecast) -> pl.DataFrame:
    """How many children will pass 30 months unreviewed, per setting (no names)."""
    counts = forecast.at_risk_by_setting()
    rows = [
        {
            "Setting": setting_name(authority, sid) if sid else "(no setting)",
            "Children": n,
        }
        for sid, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    ]
    schema = {"Setting": pl.String, "Children": pl.Int64}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------- outcomes page


def review_label(authority: Authority, appointment: Appointment) -> str:
    """How a past review reads in the picker: day, time, child (initials), setting."""
    where = setting_name(authority, appointment.setting_id) if appointment.setting_id else "clinic"
    return (
        f"{appointment.date:%a %d %b} {format_time(appointment.start)} · "
        f"{child_name(authority, appointment.child_id)} · {where}"
    )


def past_reviews_frame(
    authority: Authority,
    appointments: Sequence[Appointment],
    recorded: Mapping[tuple[str, date], OutcomeRecord],
    in_file: Mapping[tuple[str, date], str],
) -> pl.DataFrame:
    """Past reviews and what is recorded for each (in the dashboard, or in outcomes.csv)."""
    rows = []
    for a in appointments:
        stored = recorded.get((a.child_id, a.date))
        from_file = in_file.get((a.child_id, a.date))
        if stored is not None:
            status = OUTCOME_LABELS[stored.outcome.outcome]
        elif from_file is not None:
            status = f"{OUTCOME_LABELS[from_file]} (outcomes.csv)"
        else:
            status = "not recorded yet"
        rows.append(
            {
                "Date": a.date,
                "Start": format_time(a.start),
                "Child": child_name(authority, a.child_id),
                "Setting": setting_name(authority, a.setting_id) if a.setting_id else "",
                "Kind of review": review_kind(a.model),
                "Outcome": status,
            }
        )
    schema = {
        "Date": pl.Date,
        "Start": pl.String,
        "Child": pl.String,
        "Setting": pl.String,
        "Kind of review": pl.String,
        "Outcome": pl.String,
    }
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


OUTCOME_COLUMNS = (
    "Child",
    "Setting",
    "Outcome",
    "ASQ-3 completed",
    "Consent to share",
    "Where",
    "Who saw the child",
    "Recorded by",
    "Recorded at",
)
"""The recorded outcomes' columns after the date, named as the Outcomes form asks."""


def outcomes_frame(authority: Authority, records: Sequence[OutcomeRecord]) -> pl.DataFrame:
    """The stored outcomes with who recorded them and when."""

    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("yes" if value else "no")

    rows = [
        {
            "Date": r.outcome.date,
            "Child": child_name(authority, r.outcome.child_id),
            "Setting": setting_name(authority, r.setting_id) if r.setting_id else "",
            "Outcome": OUTCOME_LABELS[r.outcome.outcome],
            "ASQ-3 completed": yes_no(r.outcome.asq3),
            "Consent to share": yes_no(r.outcome.consent_to_share),
            "Where": VENUE_LABELS.get(r.outcome.venue or "", ""),
            "Who saw the child": practitioner_name(authority, r.outcome.practitioner_id)
            if r.outcome.practitioner_id
            else "",
            "Recorded by": r.recorded_by,
            "Recorded at": r.recorded_at.strftime("%d %b %Y %H:%M UTC"),
        }
        for r in records
    ]
    schema: dict[str, Any] = {"Date": pl.Date}
    schema |= dict.fromkeys(OUTCOME_COLUMNS, pl.String)
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
