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
    return alt.Color(
        field=field,
        type="nominal",
        title=title,
        legend=legend,
        scale=alt.Scale(scheme="tableau20"),
    )


FULL = "#a7b3bf"
"""A full day: grey (nothing to act on)."""
ROOM = ("#f9a36a", "#f47738", "#d4501e", "#b4420e", "#942514", "#6b1a0e")
"""One place left, two, … : ever stronger orange."""


def timeline_chart(days: pl.DataFrame, colour_by: str = "room") -> tuple[Chart, str]:
    """Practitioner × review day; each cell one day's reviews, coloured by what a coordinator
    acts on: the places left that day (where another child could go: full days grey), or the
    share of funded two-year-olds. Weekly date labels; every practitioner named."""
    practitioners = days["practitioner"].n_unique()
    order = sorted(days["practitioner"].unique().to_list())
    if colour_by == "funded":
        title = "Share of funded two-year-olds"
        color = alt.Color(
            "funded_share:Q",
            title=title,
            scale=alt.Scale(domain=[0, 1], range=["#dbe4ee", "#4c2c92"]),
            legend=alt.Legend(format=".0%", orient="top", gradientLength=220),
        )
    else:
        title = "Places left that day"
        most = int(days.select(pl.col("room").max()).item() or 0) if days.height else 0
        values = list(range(most + 1))
        colours = [FULL, *(ROOM[min(i, len(ROOM) - 1)] for i in range(most))]
        color = alt.Color(
            "room:O",
            title=title,
            scale=alt.Scale(domain=values, range=colours),
            legend=alt.Legend(orient="top", direction="horizontal", labelExpr=FULL_LABEL),
        )
    chart = (
        alt.Chart(days)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "yearmonthdate(date):T",
                title="Review day",
                axis=alt.Axis(format="%d %b", tickCount="week", labelAngle=0, grid=False),
            ),
            y=alt.Y(
                "practitioner:N",
                title=None,
                sort=order,
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            color=color,
            tooltip=[
                alt.Tooltip("practitioner:N", title="Practitioner"),
                alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
                alt.Tooltip("reviews:Q", title="Reviews"),
                alt.Tooltip("room:Q", title="Places left"),
                alt.Tooltip("funded:Q", title="Funded two-year-olds"),
                alt.Tooltip("places:N", title="Where"),
                alt.Tooltip("from:N", title="From"),
                alt.Tooltip("to:N", title="To"),
            ],
        )
        .properties(height=max(120, 24 * practitioners))
    )
    roomy = int((days["room"] > 0).sum()) if days.height else 0
    text = (
        f"Timeline of {days.height:,} practitioner-days by {practitioners} practitioners over "
        f"{days['date'].n_unique()} review days; each cell is one day's reviews, coloured by "
        f"{title.lower()} ({roomy:,} days have a place left). The table below lists the same "
        "days."
    )
    return chart, text


FULL_LABEL = "datum.label == '0' ? '0 (full)' : datum.label"


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
    practitioners = settings["Link practitioner"].n_unique()
    points = (
        alt.Chart(settings)
        .mark_circle(size=60, opacity=0.85, stroke="#0b0c0c", strokeWidth=0.4)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=_colour("Link practitioner", "Link practitioner", practitioners),
            tooltip=[
                alt.Tooltip(field="Setting", type="nominal"),
                alt.Tooltip(field="Type", type="nominal"),
                alt.Tooltip(field="Link practitioner", type="nominal"),
                alt.Tooltip(field="Children due", type="quantitative"),
                alt.Tooltip(field="Distance from base (km)", type="quantitative", format=".1f"),
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
                alt.Tooltip(field="Base", type="nominal"),
                alt.Tooltip(field="Practitioner", type="nominal"),
                alt.Tooltip(field="Settings linked", type="quantitative"),
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


def capacity_chart(frame: pl.DataFrame) -> tuple[Chart, str]:
    """Time needed by each practitioner's linked settings as a share of the time they have,
    most committed first, every name shown; over 100% (over-committed) in red and labelled;
    a black tick marks the share already booked. One definition: :mod:`scheduler.capacity`."""
    order = frame["practitioner"].to_list()
    data = frame.with_columns(
        pl.when(pl.col("overcommitted"))
        .then(pl.lit("over-committed"))
        .otherwise(pl.lit("within their time"))
        .alias("state"),
        (
            pl.col("share_text")
            + pl.when(pl.col("overcommitted"))
            .then(pl.lit(" · ") + pl.col("short_text") + pl.lit(" short"))
            .otherwise(pl.lit(""))
        ).alias("label"),
    )
    y = alt.Y(
        "practitioner:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=260, labelOverlap=False, labelFontSize=12),
    )
    x = alt.X(
        "needed_share:Q",
        title="Time their linked settings need, as a share of the time they have",
        axis=alt.Axis(format="%"),
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(
                    domain=["within their time", "over-committed"], range=["#1d70b8", "#d4351c"]
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("practitioner:N", title="Practitioner"),
                alt.Tooltip("needed_share:Q", title="Needed", format=".0%"),
                alt.Tooltip("booked_share:Q", title="Booked", format=".0%"),
                alt.Tooltip("reason:N", title="Why"),
            ],
        )
    )
    booked = (
        alt.Chart(data)
        .mark_tick(color="#0b0c0c", thickness=2, size=16)
        .encode(x="booked_share:Q", y=y)
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=12, color="#0b0c0c")
        .encode(x="needed_share:Q", y=y, text="label:N")
    )
    rule = alt.Chart(pl.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    chart = alt.layer(bars, booked, labels, rule).properties(height=max(160, 26 * frame.height))
    over = int(frame["overcommitted"].sum()) if frame.height else 0
    text = (
        f"{over} of {frame.height} practitioners are over-committed: their linked settings "
        "need more time than they have. Bars show the time needed as a share of the time "
        "available, most committed first; the dashed line marks 100% and the black tick the "
        "share already booked."
    )
    return chart, text
