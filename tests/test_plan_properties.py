"""Property: on small random authorities, including awkward ones, every plan checks clean."""

from __future__ import annotations

from datetime import date, timedelta

from builders import (
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.calendar import is_due
from scheduler.check import check_plan
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, make_plan

TERM = {
    "start": "2026-09-07",
    "end": "2026-09-25",
    "exclude": [["2026-09-16", "2026-09-16"]],
    "bank_holidays": "none",
}
weekday_sets = st.frozensets(st.integers(0, 4), min_size=1, max_size=5)


@st.composite
def authorities(draw: st.DrawFn) -> Authority:
    """1–3 practitioners, 1–4 settings (some childminders), 1–10 children, random days."""
    n_p = draw(st.integers(1, 3))
    practitioners = [
        make_practitioner(
            f"P{i}",
            working_days=draw(weekday_sets),
            day_start=hm(draw(st.sampled_from(["08:00", "09:00", "12:00"]))),
            day_end=hm(draw(st.sampled_from(["13:00", "16:00", "17:30"]))),
            max_reviews_per_day=draw(st.integers(0, 4)),
            base_lat=51.5 + draw(st.floats(-0.05, 0.05)),
            base_lon=-0.1 + draw(st.floats(-0.05, 0.05)),
        )
        for i in range(n_p)
    ]
    settings_, key_persons = [], []
    for s in range(draw(st.integers(1, 4))):
        childminder = draw(st.booleans())
        settings_.append(
            make_setting(
                f"S{s}",
                type="childminder" if childminder else "pvi",
                open_days=draw(weekday_sets),
                open_time=hm(draw(st.sampled_from(["07:30", "08:00", "13:00"]))),
                close_time=hm(draw(st.sampled_from(["12:00", "15:00", "18:00"]))),
                lat=51.5 + draw(st.floats(-0.08, 0.08)),
                lon=-0.1 + draw(st.floats(-0.08, 0.08)),
                link_practitioner_id=draw(
                    st.sampled_from([None, *[p.practitioner_id for p in practitioners]])
                ),
            )
        )
        for k in range(1 if childminder else draw(st.integers(1, 2))):
            key_persons.append(
                make_key_person(f"K{s}{k}", setting_id=f"S{s}", working_days=draw(weekday_sets))
            )
    children = []
    pids = [p.practitioner_id for p in practitioners]
    for c in range(draw(st.integers(1, 10))):
        kp = draw(st.sampled_from(key_persons))
        age_days = draw(st.integers(700, 1100))
        extra: dict[str, object] = {}
        kind = draw(st.sampled_from(["plain", "plain", "separate", "home", "no consent", "none"]))
        home = {"home_lat": 51.5 + draw(st.floats(-0.05, 0.05)), "home_lon": -0.1}
        if kind == "separate":
            extra["review_model"] = "separate"
        elif kind == "home":
            extra.update(review_model="home", practitioner_id=draw(st.sampled_from(pids)), **home)
        elif kind == "no consent":
            extra["consent_to_share"] = False
        elif kind == "none":  # in no setting: a caseload practitioner, at a clinic or at home
            extra.update(
                setting_id=None,
                key_person_id=None,
                practitioner_id=draw(st.sampled_from(pids)),
                review_model=draw(st.sampled_from(["separate", "home"])),
                **home,
            )
        children.append(
            make_child(
                f"C{c:02d}",
                dob=date(2026, 9, 7) - timedelta(days=age_days),
                funded=draw(st.booleans()),
                **{"setting_id": kp.setting_id, "key_person_id": kp.key_person_id} | extra,
                prior_concerns=draw(st.booleans()),
                looked_after=draw(st.integers(0, 9)) == 0,
                imd_decile=draw(st.one_of(st.none(), st.integers(1, 10))),
                starts_on=draw(st.sampled_from([None, None, date(2026, 8, 20)])),
                home_language=draw(st.sampled_from([None, "English", "Polish"])),
                parent_name=draw(st.sampled_from([None, "Sam Jones"])),
                parent_email=draw(st.sampled_from([None, "a@example.org", "b@example.org"])),
                parent_unavailable_days=draw(st.frozensets(st.integers(0, 4), max_size=2)),
            )
        )
    model = draw(st.sampled_from(["joint", "separate"]))
    review = {
        "model": model,
        "fallback": draw(st.sampled_from([[], ["separate"], ["home", "separate"]])),
        "interpreter_extra_minutes": draw(st.sampled_from([0, 15])),
        "settle_days": draw(st.sampled_from([0, 28])),
    }
    travel = {"day_starts_at_base": draw(st.booleans())}
    return make_authority(
        practitioners=practitioners,
        settings=settings_,
        key_persons=key_persons,
        children=children,
        config=make_config(term=TERM, review=review, travel=travel),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(authorities())
def test_every_plan_passes_the_checker(authority: Authority) -> None:
    """The independent checker finds nothing wrong, and every due child is accounted for."""
    result = make_plan(authority, PlanOptions(time_limit=2, link_time_limit=1, workers=1))
    assert result.check.ok, result.check.violations
    report = check_plan(authority, result.plan)  # the checker again, from the outside
    assert report.ok, report.violations
    due = {
        c.child_id
        for c in authority.children.values()
        if is_due(c, authority.config.term, authority.config.review)
    }
    accounted = [a.child_id for a in result.plan.appointments] + [
        u.child_id for u in result.plan.unscheduled
    ]
    assert sorted(accounted) == sorted(due)
    assert result.plan.summary.objective <= result.plan.summary.best_bound + 1e-6
