"""Mixed practice: which kind of review each child has, who holds the family's caseload, and
where the family lives when a home visit needs it.

What the generator writes (shares are of all children in the file; ``data/README.md`` says
which are public figures and which are assumptions):

* children at a setting have the authority's model (joint) unless the parent has not consented
  to health and the setting sharing information (about 4%) or prefers a clinic appointment to a
  joint meeting (about 3%): those are ``separate``, seen at clinic by the setting's link
  practitioner (no caseload practitioner is written for them);
* children in no setting (made in :mod:`scheduler.generate.children`) are seen at clinic
  (``separate``) or, for about a third, at home, by their caseload health visitor;
* children on a child protection plan are seen at home by the family's caseload health visitor;
* the caseload column is filled where the family's own health visitor matters: children in no
  setting, looked after, on a protection plan or a child in need plan. In England every family
  has a named health visitor, but for the others the review belongs to the setting's link
  practitioner, and the data stay minimal;
* home coordinates are written only for children who may be seen at home (in no setting, or on
  a protection plan): the minimum personal data.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from scheduler.config import ReviewModel
from scheduler.domain import Absence, Child, Practitioner, Setting
from scheduler.generate.children import GeneratedChild
from scheduler.generate.places import Town, offset, point_near
from scheduler.generate.workforce import HEALTH_VISITOR, team_name

NO_CONSENT_SHARE = 0.04
"""Parents who have said no to health and the setting sharing information."""
CONSENT_UNKNOWN_SHARE = 0.12
"""Parents not yet asked (the column is empty)."""
DECLINE_JOINT_SHARE = 0.03
"""Parents who consent but prefer a clinic appointment to a joint meeting at the setting."""
HOME_IF_NO_SETTING = 1 / 3
"""Children in no setting seen at home rather than at clinic."""
HOME_SPREAD_KM = 1.2
"""How far from their setting a family lives (one standard deviation each way)."""
LONG_LEAVE_DAYS = 20
"""A practitioner away longer than this in the term holds no caseload in the generated data."""


def assign_review_models(
    rng: random.Random,
    children: Sequence[GeneratedChild],
    settings: Mapping[str, Setting],
    towns: Sequence[Town],
    practitioners: Sequence[Practitioner],
    absences: Sequence[Absence],
    default_model: ReviewModel,
) -> list[Child]:
    """Each child with consent, their own review model (only where it differs from the
    authority's, or where the contract needs it), caseload practitioner and home location."""
    caseload = _caseload_holders(towns, practitioners, absences)
    out = []
    for generated in children:
        child = generated.child
        consent = _consent(rng)
        model: ReviewModel | None = None
        if child.setting_id is None:
            model = "home" if rng.random() < HOME_IF_NO_SETTING else "separate"
            consent = None  # nothing to share with a setting
        elif consent is False or rng.random() < DECLINE_JOINT_SHARE:
            model = "separate"
        if child.child_protection:
            model = "home"
        if model == default_model and child.setting_id is not None:
            model = None  # the authority's model: the column stays empty
        needs_caseload = (
            child.setting_id is None
            or child.child_protection
            or child.looked_after
            or child.child_in_need
        )
        holder = None
        if needs_caseload:
            team = caseload[generated.town]
            holder = rng.choices(team, [len(p.working_days) for p in team])[0].practitioner_id
        home: tuple[float, float] | None = None
        if child.setting_id is None:
            home = point_near(rng, towns[generated.town])
        elif child.child_protection:
            setting = settings[child.setting_id]
            north, east = (rng.gauss(0.0, HOME_SPREAD_KM) for _ in range(2))
            lat, lon = offset(setting.lat, setting.lon, north, east)
            home = (round(lat, 5), round(lon, 5))
        out.append(
            replace(
                child,
                review_model=model,
                consent_to_share=consent,
                practitioner_id=holder,
                home_lat=home[0] if home else None,
                home_lon=home[1] if home else None,
            )
        )
    return out


def _consent(rng: random.Random) -> bool | None:
    r = rng.random()
    if r < NO_CONSENT_SHARE:
        return False
    if r < NO_CONSENT_SHARE + CONSENT_UNKNOWN_SHARE:
        return None
    return True


def _caseload_holders(
    towns: Sequence[Town], practitioners: Sequence[Practitioner], absences: Sequence[Absence]
) -> list[list[Practitioner]]:
    """For each town, the health visitors of its team who can hold a caseload this term (every
    team has one: see :func:`scheduler.generate.workforce.make_practitioners`)."""
    away: dict[str, int] = {}
    for a in absences:
        away[a.person_id] = away.get(a.person_id, 0) + (a.end_date - a.start_date).days + 1
    out = []
    for town in towns:
        team = [p for p in practitioners if p.team == team_name(town)]
        visitors = [p for p in team if p.role == HEALTH_VISITOR]
        present = [p for p in visitors if away.get(p.practitioner_id, 0) <= LONG_LEAVE_DAYS]
        out.append(present or visitors or team)
    return out
