"""The service report (contract v2): every figure equals an independent recomputation.

:func:`reference` below is a deliberately plain re-reading of the contract (its own month
arithmetic, one loop per figure, no code shared with :mod:`scheduler.report`); the tests compare
the report with it on hand-built cases, the edge cases the contract's dates invite, and random
small authorities (hypothesis).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

import pytest
from builders import (
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Authority, Child, Outcome
from scheduler.plan import Appointment, Plan, ReasonCode, Unscheduled
from scheduler.report import Period, service_report

# --------------------------------------------------------------------------- the reference


def months_later(day: date, months: int) -> date:
    """The contract's ``add_months``, written again: same day of month, clipped."""
    year = day.year + (day.month - 1 + months) // 12
    month = (day.month - 1 + months) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference(
    authority: Authority, start: date, end: date, plan: Plan | None = None
) -> dict[str, Any]:
    """The report's figures recomputed from the contract's wording, one figure at a time."""
    lo, hi = authority.config.review.window_months
    outcomes = authority.outcomes
    out: dict[str, Any] = {}

    def reviewed_in_window(child: Child) -> bool:
        dates = [
            o.date for o in outcomes if o.child_id == child.child_id and o.outcome == "attended"
        ]
        if child.reviewed_on is not None:
            dates.append(child.reviewed_on)
        first = months_later(child.date_of_birth, lo)
        last = months_later(child.date_of_birth, hi)
        return any(first <= d <= last for d in dates)

    cohort = [
        c for c in authority.children.values() if start <= months_later(c.date_of_birth, hi) <= end
    ]
    funded = [c for c in cohort if c.funded_two]
    out["children_turning_30_months"] = len(cohort)
    out["reviewed_by_30_months"] = len([c for c in cohort if reviewed_in_window(c)])
    out["funded_two_turning_30_months"] = len(funded)
    out["funded_two_reviewed_by_30_months"] = len([c for c in funded if reviewed_in_window(c)])
    today = authority.config.term.today
    out["not_yet_30_months"] = len(
        [
            c
            for c in cohort
            if today is not None
            and months_later(c.date_of_birth, hi) > today
            and not reviewed_in_window(c)
        ]
    )

    held = []  # (venue, role, asq3, from an outcome)
    for o in outcomes:
        if o.outcome == "attended" and start <= o.date <= end:
            p = authority.practitioners.get(o.practitioner_id) if o.practitioner_id else None
            role = p.role if p is not None and p.role else "unknown"
            held.append((o.venue or "unknown", role, o.asq3, True))
    for c in authority.children.values():
        if c.reviewed_on is not None and start <= c.reviewed_on <= end:
            same_day = [
                o
                for o in outcomes
                if o.child_id == c.child_id and o.date == c.reviewed_on and o.outcome == "attended"
            ]
            if not same_day:
                held.append(("unknown", "unknown", None, False))
    out["attended"] = len(held)
    out["attended_without_outcome"] = len([h for h in held if not h[3]])
    out["asq3_completed"] = len([h for h in held if h[2] is True])
    out["asq3_not_recorded"] = len([h for h in held if h[2] is None])
    for kind in ("was_not_brought", "cancelled_by_parent", "cancelled_by_service", "declined"):
        out[kind] = len([o for o in outcomes if o.outcome == kind and start <= o.date <= end])
    venues: dict[str, int] = {}
    roles: dict[str, int] = {}
    for venue, role, _, _ in held:
        venues[venue] = venues.get(venue, 0) + 1
        roles[role] = roles.get(role, 0) + 1
    out["venue"] = venues
    out["practitioner_role"] = roles

    def pct(a: int, b: int) -> float | None:
        return None if b == 0 else round(a * 100 / b, 1)

    out["reviewed_by_30_months_pct"] = pct(
        out["reviewed_by_30_months"], out["children_turning_30_months"]
    )
    out["funded_two_reviewed_by_30_months_pct"] = pct(
        out["funded_two_reviewed_by_30_months"], out["funded_two_turning_30_months"]
    )
    out["asq3_completed_pct"] = pct(out["asq3_completed"], out["attended"])
    expected_at = out["attended"] - out["attended_without_outcome"] + out["was_not_brought"]
    out["was_not_brought_pct"] = pct(out["was_not_brought"], expected_at)

    if plan is not None:
        booked_in_time = set()
        at_risk = set()
        for c in cohort:
            if reviewed_in_window(c):
                continue
            booking = [a for a in plan.appointments if a.child_id == c.child_id]
            day = booking[0].date if booking else None
            not_held = [
                o
                for o in outcomes
                if o.child_id == c.child_id and o.date == day and o.outcome != "attended"
            ]
            first = months_later(c.date_of_birth, lo)
            last = months_later(c.date_of_birth, hi)
            seen_on = [
                o.date for o in outcomes if o.child_id == c.child_id and o.outcome == "attended"
            ]
            if c.reviewed_on is not None:
                seen_on.append(c.reviewed_on)
            late = any(d > last for d in seen_on)  # reviewed, too late: nothing left to book
            if day is not None and not not_held and first <= day <= last and not late:
                booked_in_time.add(c.child_id)
            else:
                at_risk.add(c.child_id)
        out["forecast_reviewed_by_30_months"] = out["reviewed_by_30_months"] + len(booked_in_time)
        out["at_risk"] = at_risk
    return out


def _without_zeros(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def assert_matches_reference(
    authority: Authority, start: date, end: date, plan: Plan | None = None
) -> None:
    report = service_report(authority, Period(start, end), plan)
    got = report.as_json()
    want = reference(authority, start, end, plan)
    for key, value in want.items():
        if key in ("venue", "practitioner_role"):
            assert _without_zeros(got[key]) == value, key
        elif key == "forecast_reviewed_by_30_months":
            assert got["forecast"][key] == value
        elif key == "at_risk":
            assert {r["child_id"] for r in got["forecast"]["at_risk"]} == value
        else:
            assert got[key] == value, key


# --------------------------------------------------------------------------- a hand-built case

START, END = date(2026, 9, 1), date(2026, 12, 31)


def attended(
    child_id: str,
    day: date,
    *,
    venue: Any = None,
    practitioner_id: str | None = None,
    asq3: bool | None = None,
) -> Outcome:
    return Outcome(
        child_id, day, "attended", asq3=asq3, venue=venue, practitioner_id=practitioner_id
    )


def hand_built() -> Authority:
    """Seven children; the expected figures are worked out by hand in the test below."""
    children = [
        # 30 months on 10 Sep (in); reviewed at 27 months (reviewed_on): counts
        make_child("C1", dob=date(2024, 3, 10), reviewed_on=date(2026, 6, 1)),
        # 30 months on 15 Oct (in); attended on 16 Oct, a day late: not by 30 months
        make_child("C3", dob=date(2024, 4, 15), funded=False),
        # 30 months on 20 Nov (in); not brought, then attended at 28 months: counts
        make_child("C4", dob=date(2024, 5, 20)),
        # 30 months on 1 Dec (in); declined
        make_child("C5", dob=date(2024, 6, 1)),
        # 30 months on 31 Jan 2027 (out); attended in the period with nothing recorded
        make_child("C6", dob=date(2024, 7, 31), setting_id="S002", key_person_id="K002"),
        # 30 months on 30 Jun (out); reviewed_on in the period, no outcome
        make_child("C7", dob=date(2023, 12, 31), reviewed_on=date(2026, 9, 2)),
    ]
    authority = make_authority(
        practitioners=[
            make_practitioner("P001", role="health_visitor", team="North"),
            make_practitioner("P002", role="community_nursery_nurse", team="South"),
        ],
        settings=[
            make_setting("S001", type="pvi"),
            make_setting("S002", type="childminder", link_practitioner_id="P002"),
        ],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=children,
    )
    outcomes = (
        attended("C3", date(2026, 10, 16), venue="clinic", practitioner_id="P001", asq3=True),
        Outcome("C4", date(2026, 9, 15), "was_not_brought"),
        attended("C4", date(2026, 10, 1), venue="setting", practitioner_id="P002", asq3=False),
        Outcome("C5", date(2026, 9, 20), "declined"),
        attended("C6", date(2026, 9, 5)),
    )
    return authority.with_outcomes(outcomes)


def test_hand_built_figures() -> None:
    """The figures worked out by hand (see :func:`hand_built`), and the reference agrees."""
    report = service_report(hand_built(), Period(START, END)).as_json()
    assert report["children_turning_30_months"] == 4  # C1 C3 C4 C5
    assert report["reviewed_by_30_months"] == 2  # C1 C4
    assert report["reviewed_by_30_months_pct"] == 50.0
    assert report["funded_two_turning_30_months"] == 3  # C1 C4 C5
    assert report["funded_two_reviewed_by_30_months"] == 2
    assert report["funded_two_reviewed_by_30_months_pct"] == 66.7
    assert report["attended"] == 4  # C3 C4 C6 (outcomes) + C7 (reviewed_on only)
    assert report["attended_without_outcome"] == 1
    assert report["asq3_completed"] == 1
    assert report["asq3_not_recorded"] == 2  # C6, C7
    assert report["asq3_completed_pct"] == 25.0
    assert report["was_not_brought"] == 1
    assert report["was_not_brought_pct"] == 25.0  # 1 of 3 attended outcomes + 1 not brought
    assert report["declined"] == 1
    assert report["venue"] == {"setting": 1, "clinic": 1, "home": 0, "unknown": 2}
    assert report["practitioner_role"] == {
        "community_nursery_nurse": 1,
        "health_visitor": 1,
        "unknown": 2,
    }
    assert_matches_reference(hand_built(), START, END)


def test_breakdowns_add_up_and_group_by_child() -> None:
    """Setting type, team: each child in exactly one group, so the groups add up to the total;
    the team is the setting's link practitioner's (S002 -> P002 -> South)."""
    report = service_report(hand_built(), Period(START, END))
    by_type = report.by_setting_type
    assert by_type["childminder"].attended == 1  # C6
    assert by_type["pvi"].children_turning_30_months == 4
    assert by_type["no_setting"].children_turning_30_months == 0
    assert report.by_team["South"].attended == 1
    assert report.by_team["North"].children_turning_30_months == 4
    for groups in (report.by_setting_type, report.by_team, report.by_setting):
        for key in ("children_turning_30_months", "reviewed_by_30_months", "attended"):
            total = getattr(report.totals, key)
            assert sum(getattr(f, key) for f in groups.values()) == total, key


def test_children_still_to_turn_30_months_are_counted_apart() -> None:
    """With [term] today set, unreviewed cohort children whose 30-month date is still to come
    are counted (they are not reviewed yet, but may be in time)."""
    base = hand_built()
    replayed = Authority(
        base.practitioners,
        base.settings,
        base.key_persons,
        base.children,
        config=make_config(term={"today": "2026-10-20"}),
        outcomes=base.outcomes,
    )
    report = service_report(replayed, Period(START, END)).as_json()
    assert report["not_yet_30_months"] == 1  # C5 (1 Dec); C3's (15 Oct) has passed, C4 reviewed
    assert service_report(base, Period(START, END)).totals.not_yet_30_months == 0
    assert_matches_reference(replayed, START, END)


def test_no_one_in_a_denominator_gives_null_not_zero_or_hundred() -> None:
    """A period in which nobody turns 30 months and nothing happened: counts 0, shares null."""
    report = service_report(hand_built(), Period(date(2030, 1, 1), date(2030, 1, 31))).as_json()
    assert report["children_turning_30_months"] == 0
    for key in (
        "reviewed_by_30_months_pct",
        "funded_two_reviewed_by_30_months_pct",
        "asq3_completed_pct",
        "was_not_brought_pct",
    ):
        assert report[key] is None, key


# --------------------------------------------------------------------------- edge cases


def _one(child: Child, *outcomes: Outcome) -> Authority:
    return make_authority(children=[child]).with_outcomes(outcomes)


def _figures(authority: Authority, start: date, end: date) -> dict[str, Any]:
    return service_report(authority, Period(start, end)).as_json()


def test_leap_day_birthday() -> None:
    """Born 29 Feb 2024: 24 months on 28 Feb 2026 (clipped), 30 months on 29 Aug 2026."""
    born = date(2024, 2, 29)
    on_the_day = _one(make_child(dob=born, reviewed_on=date(2026, 2, 28)))
    a_day_early = _one(make_child(dob=born, reviewed_on=date(2026, 2, 27)))
    on_thirty = _one(make_child(dob=born, reviewed_on=date(2026, 8, 29)))
    a_day_late = _one(make_child(dob=born, reviewed_on=date(2026, 8, 30)))
    day = date(2026, 8, 29)
    assert _figures(on_the_day, day, day)["reviewed_by_30_months"] == 1
    assert _figures(a_day_early, day, day)["reviewed_by_30_months"] == 0
    assert _figures(on_thirty, day, day)["reviewed_by_30_months"] == 1
    assert _figures(a_day_late, day, day)["reviewed_by_30_months"] == 0
    assert _figures(on_thirty, day + timedelta(days=1), END)["children_turning_30_months"] == 0
    for authority in (on_the_day, a_day_early, on_thirty, a_day_late):
        assert_matches_reference(authority, day, day)


def test_end_of_month_birthday_clips_to_february() -> None:
    """Born 31 Aug 2024: 30 months on 28 Feb 2027, and a review on 1 Mar 2027 is too late."""
    born = date(2024, 8, 31)
    in_time = _one(make_child(dob=born), attended("C001", date(2027, 2, 28)))
    late = _one(make_child(dob=born), attended("C001", date(2027, 3, 1)))
    feb = (date(2027, 2, 1), date(2027, 2, 28))
    assert _figures(in_time, *feb)["reviewed_by_30_months"] == 1
    assert _figures(late, *feb)["reviewed_by_30_months"] == 0
    assert _figures(late, *feb)["children_turning_30_months"] == 1


@pytest.mark.parametrize(
    ("start", "end", "in_cohort"),
    [
        (date(2026, 9, 10), date(2026, 9, 30), True),  # 30-month date is the first day
        (date(2026, 9, 1), date(2026, 9, 10), True),  # ... the last day
        (date(2026, 9, 10), date(2026, 9, 10), True),  # ... the only day
        (date(2026, 9, 11), date(2026, 9, 30), False),  # the day before the period
        (date(2026, 9, 1), date(2026, 9, 9), False),  # the day after
    ],
)
def test_thirty_month_date_on_the_period_boundaries(
    start: date, end: date, in_cohort: bool
) -> None:
    """Both ends of the period are included."""
    authority = _one(make_child(dob=date(2024, 3, 10)))
    assert _figures(authority, start, end)["children_turning_30_months"] == int(in_cohort)


def test_review_after_thirty_months_is_not_by_thirty_months() -> None:
    """Attended the day after the 30-month date: held in the period, not by 30 months."""
    authority = _one(make_child(dob=date(2024, 3, 10)), attended("C001", date(2026, 9, 11)))
    figures = _figures(authority, START, END)
    assert figures["children_turning_30_months"] == 1
    assert figures["reviewed_by_30_months"] == 0
    assert figures["attended"] == 1


def test_attended_outside_the_period() -> None:
    """A review before the period counts towards the metric but is not a review held in it."""
    authority = _one(make_child(dob=date(2024, 3, 10)), attended("C001", date(2026, 8, 3)))
    figures = _figures(authority, START, END)
    assert figures["reviewed_by_30_months"] == 1
    assert figures["attended"] == 0
    assert figures["venue"] == {"setting": 0, "clinic": 0, "home": 0, "unknown": 0}


def test_several_outcomes_for_one_child() -> None:
    """Not brought twice, cancelled, then attended twice: each outcome counts once; the child
    counts once in the cohort; a reviewed_on equal to an attended date is the same review."""
    child = make_child(dob=date(2024, 5, 20), reviewed_on=date(2026, 10, 1))
    authority = _one(
        child,
        Outcome("C001", date(2026, 9, 8), "was_not_brought"),
        Outcome("C001", date(2026, 9, 15), "cancelled_by_service"),
        Outcome("C001", date(2026, 9, 22), "was_not_brought"),
        attended("C001", date(2026, 10, 1), venue="home", asq3=True),
        attended("C001", date(2026, 11, 2), venue="clinic", asq3=True),
    )
    figures = _figures(authority, START, END)
    assert figures["children_turning_30_months"] == 1
    assert figures["reviewed_by_30_months"] == 1
    assert figures["attended"] == 2
    assert figures["attended_without_outcome"] == 0
    assert figures["was_not_brought"] == 2
    assert figures["cancelled_by_service"] == 1
    assert figures["was_not_brought_pct"] == 50.0
    assert figures["venue"]["home"] == 1 and figures["venue"]["clinic"] == 1
    assert_matches_reference(authority, START, END)


def test_weekly_trend_is_cumulative_and_stops_at_today() -> None:
    """Week by week: children whose 30-month date has passed, and of them those reviewed by it;
    no point after the planning date."""
    children = [
        make_child("A", dob=date(2024, 3, 2), reviewed_on=date(2026, 5, 1)),  # 30m 2 Sep
        make_child("B", dob=date(2024, 3, 9)),  # 30m 9 Sep, never reviewed
        make_child("C", dob=date(2024, 3, 20), reviewed_on=date(2026, 9, 1)),  # 30m 20 Sep
    ]
    config = make_config(term={"today": "2026-09-16"})
    authority = make_authority(children=children, config=config)
    weekly = service_report(authority, Period(date(2026, 9, 1), date(2026, 9, 30))).weekly
    assert [(p.week_ending, p.turned_30_months, p.reviewed_by_30_months) for p in weekly] == [
        (date(2026, 9, 7), 1, 1),
        (date(2026, 9, 14), 2, 1),
        (date(2026, 9, 21), 3, 2),
    ]
    assert weekly[1].reviewed_by_30_months_pct == 50.0


# --------------------------------------------------------------------------- forecast


def _appointment(child_id: str, day: date) -> Appointment:
    return Appointment(child_id, "S001", "P001", "K001", day, 585, 600, 645, "setting", 28.0, True)


def test_forecast_reasons() -> None:
    """Booked in time counts; booked late, a booking not held, unscheduled and not in the plan
    are the children who will pass 30 months unreviewed."""
    children = [
        make_child("IN", dob=date(2024, 4, 1)),  # 30m 1 Oct, booked 20 Sep
        make_child("LATE", dob=date(2024, 4, 1)),  # booked 5 Oct
        make_child("WNB", dob=date(2024, 4, 1)),  # booked 9 Sep, not brought
        make_child("CAP", dob=date(2024, 4, 1)),  # unscheduled
        make_child("OUT", dob=date(2024, 4, 1)),  # not in the plan
        make_child("DONE", dob=date(2024, 4, 1), reviewed_on=date(2026, 7, 1)),
        make_child("TOOLATE", dob=date(2024, 4, 1)),  # attended after 30 months
    ]
    authority = (
        make_authority(children=children, config=make_config(term={"today": "2026-10-10"}))
    ).with_outcomes(
        (
            Outcome("WNB", date(2026, 9, 9), "was_not_brought"),
            attended("TOOLATE", date(2026, 10, 2)),
        )
    )
    plan = Plan(
        links=[],
        appointments=[
            _appointment("IN", date(2026, 9, 20)),
            _appointment("LATE", date(2026, 10, 5)),
            _appointment("WNB", date(2026, 9, 9)),
            _appointment("TOOLATE", date(2026, 10, 2)),
        ],
        unscheduled=[Unscheduled("CAP", "S001", ReasonCode.CAPACITY, "No time was left.")],
    )
    forecast = service_report(authority, Period(START, END), plan).forecast
    assert forecast is not None
    assert forecast.children_turning_30_months == 7
    assert forecast.reviewed_by_30_months == 1
    assert forecast.booked_by_30_months == 1
    assert forecast.forecast_reviewed_by_30_months_pct == round(200 / 7, 1)
    why = {r.child_id: r.why for r in forecast.at_risk}
    assert set(why) == {"LATE", "WNB", "CAP", "OUT", "TOOLATE"}
    assert "after the 30-month date" in why["LATE"]
    assert "did not happen (was not brought)" in why["WNB"]
    assert why["CAP"].startswith("Not booked (CAPACITY)")
    assert why["OUT"].startswith("Not in the plan")
    assert why["TOOLATE"].startswith("Reviewed on 2026-10-02")
    assert {r.child_id: r.booked_on for r in forecast.at_risk}["LATE"] == date(2026, 10, 5)
    assert all(r.passed for r in forecast.at_risk)  # 30m 1 Oct, today 10 Oct
    assert_matches_reference(authority, START, END, plan)


# --------------------------------------------------------------------------- random cases

DAY0 = date(2023, 9, 1)


@st.composite
def random_cases(draw: st.DrawFn) -> tuple[Authority, date, date, Plan]:
    """A few children born over a year, random reviews, outcomes, bookings and period."""
    n = draw(st.integers(1, 8))
    practitioners = [
        make_practitioner("P001", role="health_visitor", team="T1"),
        make_practitioner("P002", role=None, team=None),
    ]
    settings_ = [
        make_setting("S001", type="pvi"),
        make_setting("S002", type="childminder", link_practitioner_id=None),
    ]
    key_persons = [make_key_person("K001"), make_key_person("K002", setting_id="S002")]
    children = []
    outcomes: list[Outcome] = []
    appointments = []
    unscheduled = []
    for i in range(n):
        cid = f"C{i}"
        dob = DAY0 + timedelta(days=draw(st.integers(0, 400)))
        reviewed = draw(st.one_of(st.none(), st.integers(600, 1000)))
        place = draw(st.sampled_from(["S001", "S002", None]))
        children.append(
            make_child(
                cid,
                dob=dob,
                funded=draw(st.booleans()),
                setting_id=place,
                key_person_id={"S001": "K001", "S002": "K002", None: None}[place],
                reviewed_on=dob + timedelta(days=reviewed) if reviewed is not None else None,
                practitioner_id=draw(st.sampled_from([None, "P001", "P002"])),
            )
        )
        used: set[date] = set()
        for _ in range(draw(st.integers(0, 3))):
            day = dob + timedelta(days=draw(st.integers(650, 1000)))
            if day in used:
                continue
            used.add(day)
            kind = draw(
                st.sampled_from(
                    [
                        "attended",
                        "was_not_brought",
                        "cancelled_by_parent",
                        "cancelled_by_service",
                        "declined",
                    ]
                )
            )
            if kind == "attended":
                outcomes.append(
                    attended(
                        cid,
                        day,
                        venue=draw(st.sampled_from([None, "setting", "clinic", "home"])),
                        practitioner_id=draw(st.sampled_from([None, "P001", "P002"])),
                        asq3=draw(st.sampled_from([None, True, False])),
                    )
                )
            else:
                outcomes.append(Outcome(cid, day, kind))  # type: ignore[arg-type]
        booking = draw(st.sampled_from(["none", "booked", "unscheduled"]))
        if booking == "booked":
            day = sorted(used)[0] if used and draw(st.booleans()) else None
            day = day or dob + timedelta(days=draw(st.integers(700, 1000)))
            appointments.append(_appointment(cid, day))
        elif booking == "unscheduled":
            unscheduled.append(Unscheduled(cid, place, ReasonCode.CAPACITY, "No time was left."))
    today = draw(st.one_of(st.none(), st.integers(700, 1500)))
    config = make_config(
        term={"today": (DAY0 + timedelta(days=today)).isoformat()} if today is not None else None
    )
    authority = (
        make_authority(
            practitioners=practitioners,
            settings=settings_,
            key_persons=key_persons,
            children=children,
            config=config,
        )
    ).with_outcomes(tuple(outcomes))
    start = DAY0 + timedelta(days=draw(st.integers(700, 1300)))
    end = start + timedelta(days=draw(st.integers(0, 200)))
    return authority, start, end, Plan([], appointments, unscheduled)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_cases())
def test_random_reports_match_the_reference(case: tuple[Authority, date, date, Plan]) -> None:
    """On random small authorities every figure and the forecast equal the reference, and the
    breakdowns add up to the totals."""
    authority, start, end, plan = case
    assert_matches_reference(authority, start, end, plan)
    report = service_report(authority, Period(start, end), plan)
    for groups in (report.by_setting_type, report.by_team):
        for key in ("children_turning_30_months", "reviewed_by_30_months", "attended"):
            assert sum(getattr(f, key) for f in groups.values()) == getattr(report.totals, key)


def test_period_must_not_end_before_it_starts() -> None:
    """--from after --to is an error, not an empty report."""
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2026, 9, 2), date(2026, 9, 1))


def test_team_is_the_caseload_practitioners_then_the_links() -> None:
    """A child with a caseload practitioner is in that practitioner's team; a child in no
    setting is ``no_setting`` by type and in no setting's row; no team known: ``unknown``."""
    authority = make_authority(
        practitioners=[
            make_practitioner("P001", team="North"),
            make_practitioner("P002", team="South"),
        ],
        settings=[make_setting("S001"), make_setting("S002", link_practitioner_id=None)],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("LINKED", dob=date(2024, 3, 10)),
            make_child("CASELOAD", dob=date(2024, 3, 10), practitioner_id="P002"),
            make_child(
                "HOME",
                dob=date(2024, 3, 10),
                setting_id=None,
                key_person_id=None,
                practitioner_id="P002",
            ),
            make_child("NOBODY", dob=date(2024, 3, 10), setting_id="S002", key_person_id="K002"),
        ],
    )
    report = service_report(authority, Period(START, END))
    teams = {k: f.children_turning_30_months for k, f in report.by_team.items()}
    assert teams == {"North": 1, "South": 2, "unknown": 1}
    assert report.by_setting_type["no_setting"].children_turning_30_months == 1
    assert sum(f.children_turning_30_months for f in report.by_setting.values()) == 3


def test_no_trend_for_a_period_still_to_come_and_today_overrides_the_config() -> None:
    """Read before the period starts: no weekly point (nothing has happened); ``today`` given
    to the report wins over ``[term] today``."""
    authority = make_authority(
        children=[make_child(dob=date(2024, 3, 10))],
        config=make_config(term={"today": "2026-12-01"}),
    )
    period = Period(date(2026, 9, 1), date(2026, 9, 30))
    assert len(service_report(authority, period).weekly) == 5
    assert service_report(authority, period, today=date(2026, 8, 1)).weekly == ()
    early = service_report(authority, period, today=date(2026, 9, 8))
    assert [p.week_ending for p in early.weekly] == [date(2026, 9, 7), date(2026, 9, 14)]
    assert early.totals.not_yet_30_months == 1  # 30 months on 10 Sep, after 8 Sep
