"""Which pins are kept, and why the others are not (scheduler/pins.py): unknown ids are input
errors, conflicting link pins keep the first, and every appointment pin not kept is listed with
a sentence saying why — never moved silently."""

from __future__ import annotations

from datetime import date

import pytest
from builders import (
    REVIEW_DAY,
    appointment_pin,
    child_in_no_setting,
    hm,
    link_pin,
    make_authority,
    make_child,
    make_config,
    make_link,
    make_outcome,
    make_practitioner,
)

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.errors import InputError
from scheduler.pins import (
    PinDecision,
    PinDecisions,
    check_link_pins,
    check_pin_ids,
    link_pins,
    pins_that_fit,
    resolve_pins,
)
from scheduler.plan import Pin
from scheduler.scheduling.problem import build_problem
from scheduler.summary import PlanSummary, UnhonouredPin

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}
LINKS = {"S001": "P001"}


def resolve(
    authority: Authority, pins: list[Pin], history: dict[str, date] | None = None
) -> PinDecisions:
    availability = Availability(authority)
    to_book = [c for c in availability.due if availability.to_book(c)]
    problem = build_problem(authority, availability, LINKS, children=to_book)
    return resolve_pins(pins, authority, availability, problem, LINKS, history=history)


def reasons(decisions: PinDecisions) -> dict[str, str]:
    return {d.child_id: d.reason for d in decisions.unhonoured}


def test_unknown_ids_are_input_errors_with_the_pins_file_and_line() -> None:
    """Every unknown setting, practitioner or child, and a pin with no date, reported at once."""
    authority = make_authority()
    pins = [
        Pin("link", setting_id="S999", practitioner_id="P001", source="pins.csv", line=2),
        Pin("link", setting_id="S001", practitioner_id="P999", source="pins.csv", line=3),
        Pin("appointment", child_id="C999", date=REVIEW_DAY, source="pins.csv", line=4),
        Pin("appointment", child_id="C001", source="pins.csv", line=5),
    ]
    with pytest.raises(InputError) as caught:
        check_pin_ids(pins, authority)
    assert [str(p) for p in caught.value.problems] == [
        "pins.csv:2: setting_id: unknown setting (S999)",
        "pins.csv:3: practitioner_id: unknown practitioner (P999)",
        "pins.csv:4: child_id: unknown child (C999)",
        "pins.csv:5: date: an appointment pin needs a date ()",
    ]
    check_pin_ids([link_pin(), appointment_pin()], authority)  # known ids: no error


def test_the_first_link_pin_of_a_setting_wins_and_a_conflicting_one_is_refused() -> None:
    """Two pins linking S001 to different practitioners: the first is kept, the second listed
    with the line of the first; repeating the same pin is no conflict."""
    pins = [link_pin("S001", "P001"), link_pin("S001", "P001"), link_pin("S001", "P002")]
    kept, refused = link_pins(pins)
    assert kept == {"S001": "P001"}
    (decision,) = refused
    assert decision.kind == "link" and decision.child_id == "" and decision.line == 4
    assert decision.reason == "another pin (line 2) already links S001 to P001"
    assert decision.as_unhonoured() == UnhonouredPin(
        child_id="",
        setting_id="S001",
        kind="link",
        reason="another pin (line 2) already links S001 to P001",
    )


def test_a_link_pin_the_links_do_not_keep_is_listed() -> None:
    """The link stage forces pins; should a link differ, the pin is reported, not dropped."""
    assert check_link_pins({"S001": "P001"}, [make_link("S001", "P001")]) == []
    (decision,) = check_link_pins({"S001": "P002"}, [make_link("S001", "P001")])
    assert decision.reason == "S001 could not be linked to P002"


def test_a_possible_appointment_pin_is_accepted_with_its_block_start() -> None:
    """A pin at 10:00 for a joint review is accepted as a block from 09:45 (pre-meeting)."""
    authority = make_authority(config=make_config(term=TWO_WEEKS))
    decisions = resolve(authority, [appointment_pin("C001", REVIEW_DAY, hm("10:00"))])
    day = Availability(authority).term.index[REVIEW_DAY]
    assert decisions.accepted == {"C001": (0, day, hm("09:45"))}
    assert decisions.unhonoured == []


def test_pins_for_children_not_to_book_say_why() -> None:
    """Not due, declined, not brought twice, kept as history, a second pin: each its reason."""
    config = make_config(term={**TWO_WEEKS, "today": "2026-09-07"})
    authority = make_authority(
        children=[
            make_child("C001", reviewed_on=date(2026, 6, 1)),
            make_child("C002"),
            make_child("C003", was_not_brought_before=1),
            make_child("C004"),
            make_child("C005"),
        ],
        outcomes=[
            make_outcome("C002", date(2026, 9, 7), "declined"),
            make_outcome("C003", date(2026, 9, 7), "was_not_brought"),
        ],
        config=config,
    )
    day = date(2026, 9, 15)
    pins = [appointment_pin(f"C00{i}", day) for i in range(1, 6)] + [appointment_pin("C005", day)]
    got = reasons(resolve(authority, pins, history={"C004": date(2026, 9, 7)}))
    assert "not due" in got["C001"]
    assert got["C002"] == "the parent declined the review"
    assert got["C003"].startswith("not brought twice")
    assert got["C004"] == "the review on 2026-09-07 is kept as history (before today)"
    assert got["C005"] == "a second pin for this child; the pin on line 6 is used"


def test_a_pin_on_an_impossible_day_names_the_rule() -> None:
    """Outside the term, or on a day the practitioner does not work: the first rule that
    fails, per kind of review."""
    authority = make_authority(
        practitioners=[make_practitioner(working_days=frozenset({0, 2, 3, 4}))],
        config=make_config(term=TWO_WEEKS),
    )
    got = reasons(resolve(authority, [appointment_pin("C001", date(2026, 10, 1))]))
    assert got["C001"] == "2026-10-01 is not a review day of the term"
    got = reasons(resolve(authority, [appointment_pin("C001", REVIEW_DAY)]))
    assert got["C001"] == (
        "cannot be reviewed on 2026-09-08: joint: Practitioner P001 does not work that weekday"
    )


def test_pins_that_cannot_all_be_laid_out_keep_the_first_and_say_why() -> None:
    """Outside the hours; a full day; two pins at one time: the later pin is listed."""
    authority = make_authority(
        children=[make_child(f"C00{i}") for i in range(1, 5)],
        practitioners=[make_practitioner(max_reviews_per_day=2)],
        config=make_config(term=TWO_WEEKS),
    )
    pins = [
        appointment_pin("C001", REVIEW_DAY, hm("08:00")),  # before the day starts
        appointment_pin("C002", REVIEW_DAY, hm("10:00")),
        appointment_pin("C003", REVIEW_DAY, hm("10:30")),  # overlaps C002
        appointment_pin("C004", REVIEW_DAY.replace(day=9), hm("10:00")),
    ]
    decisions = resolve(authority, pins)
    got = reasons(decisions)
    assert set(decisions.accepted) == {"C002", "C004"}
    assert got["C001"].startswith("08:00 is outside the hours available that day")
    assert got["C003"] == "it cannot be fitted around the other pinned reviews that day (C002)"
    full = resolve(
        authority,
        [appointment_pin(f"C00{i}", REVIEW_DAY, hm(f"{9 + i}:15")) for i in range(1, 4)],
    )
    assert reasons(full)["C003"] == "P001 already has 2 pinned reviews that day (at most 2)"


def test_a_decision_reads_as_summary_json_lists_it() -> None:
    """``pins_unhonoured`` entries have exactly the contract's four keys."""
    decision = PinDecision("appointment", "C001", "S001", "why", line=3)
    assert PlanSummary(pins_unhonoured=(decision.as_unhonoured(),)).as_document() == {
        "pins_unhonoured": [
            {"child_id": "C001", "setting_id": "S001", "kind": "appointment", "reason": "why"}
        ]
    }


def test_the_stored_pins_that_fit_the_data_are_taken_and_others_left() -> None:
    """A link pin needs its setting and practitioner, an appointment pin its child at the pin's
    setting and a day in term; a child in no setting keeps a pin of its own (the dashboard used
    to drop it silently on the next session)."""
    data = make_authority(
        children=[make_child("C001"), make_child("C002"), child_in_no_setting("C003")]
    )
    mine = Pin("link", setting_id="S001", practitioner_id="P001")
    moved = Pin("appointment", setting_id="S001", child_id="C001", date=REVIEW_DAY, start=600)
    no_setting = Pin("appointment", setting_id=None, child_id="C003", date=REVIEW_DAY)
    foreign = [
        Pin("link", setting_id="S001", practitioner_id="P999"),  # unknown practitioner
        Pin("appointment", setting_id="S002", child_id="C002", date=REVIEW_DAY),  # not at S002
        Pin("appointment", setting_id="S001", child_id="C001", date=date(2025, 1, 7)),  # term
        Pin("appointment", setting_id="S001", child_id="C009", date=REVIEW_DAY),  # no child
        Pin("link", setting_id="S999", practitioner_id="P001"),  # unknown setting
    ]
    assert pins_that_fit(data, [mine, moved, no_setting, *foreign]) == [mine, moved, no_setting]
