"""Every unscheduled child gets the right reason code and a sentence naming what blocked it."""

from __future__ import annotations

from datetime import date

from builders import (
    days,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.pipeline import PlanOptions, make_plan
from scheduler.plan import ReasonCode, Unscheduled

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}


def only_unscheduled(authority) -> Unscheduled:  # type: ignore[no-untyped-def]
    result = make_plan(authority, PlanOptions(time_limit=5, link_time_limit=2, workers=1))
    assert result.check.ok, result.check.violations
    (row,) = result.plan.unscheduled
    return row


def test_no_link_practitioner_when_nobody_works_open_days() -> None:
    """A setting open only on Saturdays has no link: NO_LINK_PRACTITIONER naming its days."""
    setting = make_setting(open_days=days("Sat"), link_practitioner_id=None)
    row = only_unscheduled(make_authority(settings=[setting], config=make_config(term=TWO_WEEKS)))
    assert row.reason_code == ReasonCode.NO_LINK_PRACTITIONER
    assert "Sat" in row.reason


def test_no_common_day_names_both_parties() -> None:
    """Key person Mon/Tue, practitioner Wed–Fri: NO_COMMON_DAY saying exactly that."""
    kp = make_key_person(working_days=days("Mon", "Tue"))
    p = make_practitioner(working_days=days("Wed", "Thu", "Fri"))
    row = only_unscheduled(
        make_authority(key_persons=[kp], practitioners=[p], config=make_config(term=TWO_WEEKS))
    )
    assert row.reason_code == ReasonCode.NO_COMMON_DAY
    assert "Mon/Tue" in row.reason
    assert "Wed–Fri" in row.reason


def test_infeasible_data_when_starting_after_term() -> None:
    """A child starting after the term's last review day: INFEASIBLE_DATA with the date."""
    child = make_child(starts_on=date(2026, 10, 5))
    row = only_unscheduled(make_authority(children=[child], config=make_config(term=TWO_WEEKS)))
    assert row.reason_code == ReasonCode.INFEASIBLE_DATA
    assert "5 Oct 2026" in row.reason


def test_infeasible_data_when_hours_too_short() -> None:
    """Setting and practitioner hours overlap less than a review block: INFEASIBLE_DATA."""
    setting = make_setting(open_time=hm("08:00"), close_time=hm("09:15"))
    p = make_practitioner(day_start=hm("08:30"))
    config = make_config(term=TWO_WEEKS, travel={"day_starts_at_base": False})
    row = only_unscheduled(make_authority(settings=[setting], practitioners=[p], config=config))
    assert row.reason_code == ReasonCode.INFEASIBLE_DATA
    assert "45 minutes" in row.reason and "60 minutes" in row.reason


def test_capacity_when_time_went_to_higher_priority() -> None:
    """One slot, two children: the lower-priority child is CAPACITY, naming the practitioner."""
    one_day = {"start": "2026-09-08", "end": "2026-09-08", "exclude": [], "bank_holidays": "none"}
    p = make_practitioner(max_reviews_per_day=1, name="Ms Ada Smith")
    children = [make_child("C001", funded=False), make_child("C002", funded=True)]
    row = only_unscheduled(
        make_authority(practitioners=[p], children=children, config=make_config(term=one_day))
    )
    assert row.child_id == "C001"
    assert row.reason_code == ReasonCode.CAPACITY
    assert row.reason.startswith(
        "1 possible day with Ms Ada Smith: 1 already full (1 review a day). Everyone booked on "
        "those days has equal or higher priority. Next: "
    )
    assert row.reason.endswith("See by 15 Dec 2026 (30 months).")
