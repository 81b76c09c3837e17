"""Vega-Lite charts (Altair) for the plan, each with a one-sentence text alternative.

Every builder returns the chart and a sentence saying what it shows; pages pass the sentence
as the chart's accessible name and show the same figures as a table beside it. Colour always
has a second signal: text labels, tooltips, shapes, or the table.
"""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import polars as pl

Chart = alt.Chart | alt.LayerChart | alt.FacetChart
"""What the builders return: anything ``st.altair_chart`` draws."""

LEGEND_LIMIT = 20
"""Above this many colours a legend is noise: the tooltip and the table name them instead."""

TIME_LABEL = (
    "floor(datum.value / 60) + ':' + (datum.value % 60 < 10 ? '0' : '') + (datum.value % 60)"
)


def _colour(field: str, title: str, count: int) -> alt.Color:
    legend = (
        alt.Legend(title=title, columns=2, symbolLimit=LEGEND_LIMIT)
        if count <= LEGEND_LIMIT
        else None
    )
    return alt.Color(f"{field}:N", title=title, legend=legend, scale=alt.Scale(scheme="tableau20"))


def timeline_chart(visits: pl.DataFrame) -> tuple[Chart, str]:
    """Practitioner × review day; each visit a cell coloured by setting (split when several)."""
    practitioners = visits["practitioner"].n_unique()
    settings = visits["setting"].n_unique()
    days = visits["date"].n_unique()
    chart = (
        alt.Chart(visits)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "yearmonthdate(date):O",
                title="Review day",
                axis=alt.Axis(format="%a %d %b", labelAngle=-60, labelOverlap=True),
            ),
            y=alt.Y("practitioner:N", title=None, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("visit:O"),
            color=_colour("setting", "Setting", settings),
            tooltip=[
                alt.Tooltip("practitioner:N", title="Practitioner"),
                alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
                alt.Tooltip("setting:N", title="Setting"),
                alt.Tooltip("reviews:Q", title="Reviews"),
                alt.Tooltip("from:N", title="From"),
                alt.Tooltip("to:N", title="To"),
            ],
        )
        .properties(height=max(200, 22 * practitioners))
    )
    text = (
        f"Timeline of {visits.height:,} visits by {practitioners} practitioners to "
        f"{settings} settings over {days} review days; each cell is one visit, coloured by "
        "setting. The table below lists the same visits."
    )
    return chart, text


def week_chart(week: pl.DataFrame, who: str, monday: date) -> tuple[Chart, str]:
    """One practitioner's week as a calendar: days across, time of day down, labelled slots."""
    days = [f"{monday + timedelta(days=i):%a %d %b}" for i in range(7)]
    worked = set(week["day"].to_list())
    shown = days[:5] + [d for d in days[5:] if d in worked]  # weekends only when used
    starts: list[int] = week["block_start"].to_list()
    ends: list[int] = week["end"].to_list()
    first = min(starts, default=0) // 60 * 60
    last = -(-max(ends, default=60) // 60) * 60
    y = alt.Y(
        "block_start:Q",
        title="Time",
        scale=alt.Scale(domain=[first, last], reverse=True, nice=False),
        axis=alt.Axis(labelExpr=TIME_LABEL, values=list(range(first, last + 1, 30))),
    )
    base = alt.Chart(week).encode(
        x=alt.X("day:O", title=None, scale=alt.Scale(domain=shown), axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(opacity=0.85, stroke="#0b0c0c", strokeWidth=0.5).encode(
        y=y,
        y2="end:Q",
        color=_colour("setting", "Setting", week["setting"].n_unique()),
        tooltip=[
            alt.Tooltip("day:N", title="Day"),
            alt.Tooltip("times:N", title="Time"),
            alt.Tooltip("child:N", title="Child"),
            alt.Tooltip("setting:N", title="Setting"),
        ],
    )
    labels = base.mark_text(align="center", baseline="top", dy=3, fontSize=11).encode(
        y=y, text="child:N", color=alt.value("#0b0c0c")
    )
    chart = alt.layer(bars, labels).properties(height=max(300, (last - first) * 2))
    text = (
        f"Week beginning {monday:%d %B %Y} for {who}: {week.height} reviews on "
        f"{week['date'].n_unique()} days, each block labelled with the child's initials."
    )
    return chart, text


def map_chart(settings: pl.DataFrame, bases: pl.DataFrame) -> tuple[Chart, str]:
    """Settings coloured by link practitioner (circles) and the practitioners' bases (squares)."""
    practitioners = settings["link_practitioner"].n_unique()
    points = (
        alt.Chart(settings)
        .mark_circle(size=60, opacity=0.85, stroke="#0b0c0c", strokeWidth=0.4)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=_colour("link_practitioner", "Link practitioner", practitioners),
            tooltip=[
                alt.Tooltip("setting:N", title="Setting"),
                alt.Tooltip("type:N", title="Type"),
                alt.Tooltip("link_practitioner:N", title="Link practitioner"),
                alt.Tooltip("children_due:Q", title="Children due"),
                alt.Tooltip("distance_km:Q", title="Distance from base (km)", format=".1f"),
            ],
        )
    )
    homes = (
        alt.Chart(bases)
        .mark_square(size=140, color="#0b0c0c", stroke="white", strokeWidth=1.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            tooltip=[
                alt.Tooltip("base:N", title="Base"),
                alt.Tooltip("practitioner:N", title="Practitioner"),
                alt.Tooltip("settings_linked:Q", title="Settings linked"),
            ],
        )
    )
    chart = alt.layer(points, homes).project(type="mercator").properties(height=560)
    text = (
        f"Map of {settings.height} settings (circles, coloured by their link practitioner, "
        f"{practitioners} in all) and {bases.height} practitioners' bases (black squares). "
        "The tables below list every setting and base."
    )
    return chart, text


def utilisation_chart(frame: pl.DataFrame) -> tuple[Chart, str]:
    """Each practitioner's share of available time used, labelled; 100% marked with a rule."""
    data = frame.with_columns(
        pl.when(pl.col("utilisation") > 1.0)
        .then(pl.lit("over capacity"))
        .otherwise(pl.lit("within capacity"))
        .alias("state"),
        (pl.col("utilisation") * 100).round(0).cast(pl.Int64).cast(pl.String).alias("label"),
    ).with_columns((pl.col("label") + "%").alias("label"))
    y = alt.Y("practitioner:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "utilisation:Q", title="Share of available time used", axis=alt.Axis(format="%")
            ),
            y=y,
            color=alt.Color(
                "state:N",
                title="",
                scale=alt.Scale(
                    domain=["within capacity", "over capacity"], range=["#1d70b8", "#d4351c"]
                ),
            ),
            tooltip=[
                alt.Tooltip("practitioner:N", title="Practitioner"),
                alt.Tooltip("utilisation:Q", title="Utilisation", format=".0%"),
                alt.Tooltip("reviews:Q", title="Reviews"),
                alt.Tooltip("overcommitted_hours:Q", title="Over-committed (h)"),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, fontSize=11)
        .encode(x="utilisation:Q", y=y, text="label:N", color=alt.value("#0b0c0c"))
    )
    rule = alt.Chart(pl.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = alt.layer(bars, labels, rule).properties(height=max(200, 22 * frame.height))
    over = int((frame["utilisation"] > 1.0).sum()) if frame.height else 0
    busiest = frame.row(0, named=True) if frame.height else None
    text = f"Utilisation of {frame.height} practitioners; {over} over capacity." + (
        f" Busiest: {busiest['practitioner']} at {100 * busiest['utilisation']:.0f}%."
        if busiest
        else ""
    )
    return chart, text
