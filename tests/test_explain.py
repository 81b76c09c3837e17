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

from scheduler.availability import Availability
from scheduler.explain import plural, see_by, why_not_on
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


# --- the sentences' parts, unit by unit ---------------------------------------------------------


def test_plural_says_one_review_and_two_reviews() -> None:
    """Correct plurals, irregular ones given."""
    assert plural(1, "review") == "1 review"
    assert plural(2, "review") == "2 reviews"
    assert plural(0, "child", "children") == "0 children"


def test_see_by_is_the_30_month_date_or_how_long_an_overdue_child_may_wait() -> None:
    """A child in window: "See by <30 months>"; an overdue child: since when, and until when."""
    overdue = make_child("C002", dob=date(2023, 12, 1))
    authority = make_authority(children=[make_child(), overdue], config=make_config(term=TWO_WEEKS))
    availability = Availability(authority)
    assert see_by(availability, authority.children["C001"]) == "See by 15 Dec 2026 (30 months)."
    assert see_by(availability, overdue) == (
        "Overdue since 1 Jun 2026 (30 months); still possible until 1 Dec 2026."
    )


def test_why_not_on_names_the_first_rule_that_fails() -> None:
    """Each day refused for its own reason, in the order the rules are peeled."""
    config = make_config(term={**TWO_WEEKS, "today": "2026-09-07"})
    authority = make_authority(
        children=[make_child(parent_unavailable_days=days("Thu"))],
        practitioners=[make_practitioner(working_days=days("Mon", "Tue", "Wed", "Thu"))],
        key_persons=[make_key_person(working_days=days("Mon", "Tue", "Thu", "Fri"))],
        config=config,
    )
    availability = Availability(authority)
    child = authority.children["C001"]

    def why(day: date) -> str:
        return why_not_on(availability, child, "joint", "P001", day)

    assert "not a review day" in why(date(2026, 9, 19))
    assert "notice period" in why(date(2026, 9, 8))
    assert why(date(2026, 9, 17)) == "the parent cannot come that weekday"
    assert why(date(2026, 9, 18)) == "Practitioner P001 does not work that weekday"
    assert why(date(2026, 9, 16)) == "the key person is not at work that day"
    assert why(date(2026, 9, 15)) == "possible that day"
