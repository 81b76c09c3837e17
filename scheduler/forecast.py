"""The national metric, forecast from a plan: what share of the children who turn 2½ this term
will have had their review by 2½ if the plan is carried out.

OHID's health visiting metric counts, of the children who turn 30 months in a period, those
reviewed by their 30-month date. A plan can forecast it for its own term before the term
starts, which is the figure a commissioner compares across authorities and what-ifs. It is a
*plan-level forecast*, not the service report (``scheduler report`` counts what happened):

- the cohort is every child in the data whose 30-month date (``add_months(dob,
  window_months[1])``, as the service report reads it) falls in ``[term.start, term.end]``;
- a child counts as reviewed by 30 months when a review that counts towards the metric
  (:func:`scheduler.report.counts_towards_metric`, the service report's own rule) is either
  already done (``reviewed_on``) or booked in the plan's ``appointments.csv``.

It assumes every booked review happens. About one child in ten is not brought to a booked
review (the domain notes), so the outturn is expected below the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import Authority
from scheduler.plan import Plan
from scheduler.report import counts_towards_metric, thirty_months_on


@dataclass(frozen=True, slots=True)
class MetricForecast:
    """The forecast for all children and for funded two-year-olds; counts, then shares."""

    turning_30_months: int
    reviewed_by_30_months: int
    """Of those: already reviewed by 30 months, or booked by the plan by then."""
    already_reviewed: int
    """Of ``reviewed_by_30_months``: reviewed before the plan (``reviewed_on``)."""
    funded_two_turning_30_months: int
    funded_two_reviewed_by_30_months: int

    @property
    def reviewed_by_30_months_pct(self) -> float | None:
        """Percentage, or ``None`` when nobody turns 30 months this term (not 0 or 100)."""
        return _pct(self.reviewed_by_30_months, self.turning_30_months)

    @property
    def funded_two_reviewed_by_30_months_pct(self) -> float | None:
        return _pct(self.funded_two_reviewed_by_30_months, self.funded_two_turning_30_months)


def plan_metric_forecast(authority: Authority, plan: Plan) -> MetricForecast:
    """The national metric for the plan's term if every booked review happens (module doc)."""
    term, review = authority.config.term, authority.config.review
    booked = {a.child_id: a.date for a in plan.appointments}
    cohort = [
        c
        for c in authority.children.values()
        if term.start <= thirty_months_on(c, review) <= term.end
    ]
    already = {
        c.child_id
        for c in cohort
        if c.reviewed_on is not None and counts_towards_metric(c, c.reviewed_on, review)
    }
    reviewed = already | {
        c.child_id
        for c in cohort
        if c.child_id in booked and counts_towards_metric(c, booked[c.child_id], review)
    }
    funded = [c for c in cohort if c.funded_two]
    return MetricForecast(
        turning_30_months=len(cohort),
        reviewed_by_30_months=len(reviewed),
        already_reviewed=len(already),
        funded_two_turning_30_months=len(funded),
        funded_two_reviewed_by_30_months=sum(1 for c in funded if c.child_id in reviewed),
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
