"""Re-planning from today (contract v2), through the files as a coordinator runs it: a plan,
outcomes for the first weeks, ``replan --today``, then ``check`` with the previous plan.

History before today is kept unless the review did not happen; attended children are not
booked again; children not brought or cancelled are re-booked after the notice period; a
second "not brought" is FOLLOW_UP, a decline DECLINED; everyone else stays where they was.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

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

from scheduler.availability import Availability
from scheduler.check import check_plan
from scheduler.cli import main
from scheduler.domain import Authority, Outcome
from scheduler.io.plan_files import read_plan
from scheduler.io.write_data import write_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.plan import Plan, ReasonCode

TERM = {"start": "2026-09-07", "end": "2026-10-16", "exclude": [], "bank_holidays": "none"}
TODAY = date(2026, 9, 21)


def authority() -> Authority:
    """Two practitioners, two settings, fourteen children: capacity to spare."""
    settings_ = [make_setting("S001"), make_setting("S002", lat=51.56, link_practitioner_id="P2")]
    key_persons = [make_key_person("K001"), make_key_person("K002", setting_id="S002")]
    children = [make_child(f"C{i:02d}", funded=i % 2 == 0) for i in range(7)] + [
        make_child(f"C{i:02d}", setting_id="S002", key_person_id="K002") for i in range(7, 14)
    ]
    return make_authority(
        practitioners=[
            make_practitioner("P001", max_reviews_per_day=1),
            make_practitioner("P2", max_reviews_per_day=1),
        ],
        settings=settings_,
        key_persons=key_persons,
        children=children,
        config=make_config(term=TERM),
    )


def cli(*args: str) -> int:
    return main([*args, "--quiet", "--time-limit", "5", "--workers", "1", "--no-ics"])


def write_outcomes(path: Path, rows: list[tuple[str, date, str]]) -> None:
    with (path / "outcomes.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["child_id", "date", "outcome", "asq3", "venue"])
        for child_id, day, outcome in rows:
            attended = outcome == "attended"
            writer.writerow(
                [child_id, day, outcome, "yes" if attended else "", "setting" if attended else ""]
            )


def test_replan_from_today_through_the_files(tmp_path: Path) -> None:
    """The whole loop from the CSV interface, checked by ``scheduler check``."""
    data, first, second = tmp_path / "data", tmp_path / "first", tmp_path / "second"
    write_authority(authority(), data)
    assert cli("plan", str(data), "--out", str(first)) == 0
    old = read_plan(first)
    before = sorted((a for a in old.appointments if a.date < TODAY), key=lambda a: a.date)
    assert len(before) >= 5, "the test needs reviews before today"
    attended, not_brought, declined, cancelled = before[0], before[1], before[2], before[3]
    no_outcome = before[4]
    write_outcomes(
        data,
        [
            (attended.child_id, attended.date, "attended"),
            (not_brought.child_id, not_brought.date, "was_not_brought"),
            (declined.child_id, declined.date, "declined"),
            (cancelled.child_id, cancelled.date, "cancelled_by_parent"),
        ],
    )
    today = ["--today", TODAY.isoformat()]
    assert cli("replan", str(data), "--previous", str(first), "--out", str(second), *today) == 0
    assert main(["check", str(data), str(second), "--previous", str(first), *today]) == 0
    new = read_plan(second)
    rows = {a.child_id: a for a in new.appointments}
    reasons = {u.child_id: u for u in new.unscheduled}
    # history kept exactly where the review happened or has no outcome yet
    assert rows[attended.child_id] == attended
    assert rows[no_outcome.child_id] == no_outcome
    # did not happen: re-booked after the notice period, or explained
    earliest = TODAY + timedelta(days=7)
    for child in (not_brought, cancelled):
        if child.child_id in rows:
            assert rows[child.child_id].date >= earliest
        else:
            assert reasons[child.child_id].reason_code == ReasonCode.CAPACITY
    assert declined.child_id not in rows
    assert reasons[declined.child_id].reason_code == ReasonCode.DECLINED
    # nothing new before today + notice
    old_slots = {(a.child_id, a.date, a.start) for a in old.appointments}
    for a in new.appointments:
        if (a.child_id, a.date, a.start) not in old_slots:
            assert a.date >= earliest


def replanned(base: Authority, outcomes: list[Outcome], old: Plan, today: date) -> Plan:
    config = base.config.model_copy(
        update={"term": base.config.term.model_copy(update={"today": today})}
    )
    data = base.with_config(config).with_outcomes(outcomes)
    result = make_plan(data, PlanOptions(time_limit=3, link_time_limit=1, workers=1), previous=old)
    report = check_plan(data, result.plan, previous=old, pins=())
    assert report.ok, report.violations
    availability = Availability(data)
    listed = [a.child_id for a in result.plan.appointments]
    listed += [u.child_id for u in result.plan.unscheduled]
    for child in availability.due:
        assert child.child_id in listed  # never lose a child
    return result.plan


OUTCOME = st.sampled_from(
    ["attended", "was_not_brought", "cancelled_by_parent", "cancelled_by_service", "declined"]
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_outcomes_never_lose_a_child_or_move_history(data: st.DataObject) -> None:
    """Any outcomes on any of the first plan's past reviews, any planning date: every due child
    is booked, reviewed or explained; history is kept unless it did not happen."""
    base = authority()
    old = make_plan(base, PlanOptions(time_limit=3, link_time_limit=1, workers=1)).plan
    today = data.draw(st.sampled_from([date(2026, 9, 14), TODAY, date(2026, 10, 5)]))
    past = [a for a in old.appointments if a.date < today]
    outcomes = []
    for a in past:
        kind = data.draw(st.one_of(st.none(), OUTCOME))
        if kind is not None:
            outcomes.append(Outcome(a.child_id, a.date, kind))
    new = replanned(base, outcomes, old, today)
    did_not_happen = {(o.child_id, o.date) for o in outcomes if o.outcome != "attended"}
    for a in past:
        if (a.child_id, a.date) not in did_not_happen:
            assert a in new.appointments
    assert all(
        (a.child_id, a.date) not in did_not_happen for a in new.appointments if a.date < today
    )


def test_a_review_today_that_did_not_happen_is_not_kept() -> None:
    """Outcomes may be recorded for today's reviews: a child not brought (or cancelled) today
    is booked afresh after the notice period, never kept in the slot they missed."""
    base = authority()
    old = make_plan(base, PlanOptions(time_limit=3, link_time_limit=1, workers=1)).plan
    by_day: dict[date, list[str]] = {}
    for a in old.appointments:
        by_day.setdefault(a.date, []).append(a.child_id)
    today = next(d for d in sorted(by_day) if d > min(by_day) and len(by_day[d]) >= 2)
    missed = by_day[today][:2]
    outcomes = [
        Outcome(missed[0], today, "was_not_brought"),
        Outcome(missed[1], today, "cancelled_by_parent"),
    ]
    new = replanned(base, outcomes, old, today)
    rows = {a.child_id: a for a in new.appointments}
    reasons = {u.child_id: u.reason_code for u in new.unscheduled}
    for child_id in missed:
        if child_id in rows:
            assert rows[child_id].date >= today + timedelta(days=7), rows[child_id]
        else:
            assert reasons[child_id] == ReasonCode.CAPACITY
