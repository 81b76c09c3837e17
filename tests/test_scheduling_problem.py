"""Stage 2's input (scheduler/scheduling/problem.py): the options open to each child per kind
of review, their values, practitioners' limits and journeys, the pieces, pins and kept slots.
"""

from __future__ import annotations

from datetime import date

from builders import (
    HOME,
    REVIEW_DAY,
    appointment_for,
    child_in_no_setting,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from problem_builders import clinic, group_problem, job, option, practitioner

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.places import Place, base_place
from scheduler.plan import Appointment
from scheduler.priority import KM_POINTS, SCALE, VISIT_POINTS, WEEK_PEAK_POINTS, day_points
from scheduler.scheduling.problem import (
    KEEP_POINTS,
    STABILITY_POINTS,
    ChildJob,
    GroupProblem,
    build_problem,
    stability_points,
    with_pins,
)
from scheduler.travel import haversine_km

TWO_WEEKS = {"start": "2026-09-07", "end": "2026-09-18", "exclude": [], "bank_holidays": "none"}


def problem_of(
    authority: Authority, previous: dict[str, Appointment] | None = None, stability: float = 0.6
) -> tuple[GroupProblem, Availability]:
    """The problem of every due child under the settings' current links."""
    availability = Availability(authority)
    links = {
        s.setting_id: s.link_practitioner_id
        for s in authority.settings.values()
        if s.link_practitioner_id is not None
    }
    problem = build_problem(
        authority,
        availability,
        links,
        children=availability.due,
        previous=previous,
        stability=stability,
    )
    return problem, availability


def the_job(problem: GroupProblem, child_id: str = "C001") -> ChildJob:
    (found,) = [j for j in problem.children if j.child_id == child_id]
    return found


def authority_with(*children: object, **kw: object) -> Authority:
    config = kw.pop("config", None) or make_config(term=TWO_WEEKS)
    return make_authority(children=list(children), config=config, **kw)  # type: ignore[arg-type]


def test_each_kind_of_review_is_an_option_with_its_practitioner_place_and_length() -> None:
    """Own kind first, then the fallbacks: joint by the link at the setting (pre-meeting +
    meeting), clinic and home by the caseload practitioner (meeting only)."""
    authority = authority_with(
        make_child(practitioner_id="P002", **HOME),
        practitioners=[make_practitioner(), make_practitioner("P002")],
        config=make_config(term=TWO_WEEKS, review={"fallback": ["separate", "home"]}),
    )
    problem, _ = problem_of(authority)
    options = the_job(problem).options
    assert [(o.model, o.practitioner_id, o.place, o.duration, o.pre) for o in options] == [
        ("joint", "P001", "setting:S001", 60, 15),
        ("separate", "P002", "clinic:P002", 45, 0),
        ("home", "P002", "home:C001", 45, 0),
    ]


def test_kinds_the_data_rule_out_are_not_offered() -> None:
    """No joint review without consent or a setting; no home visit without a home."""
    config = make_config(term=TWO_WEEKS, review={"fallback": ["separate", "home"]})
    authority = authority_with(
        make_child("C001", consent_to_share=False),
        child_in_no_setting("C002"),
        make_child("C003", practitioner_id="P001"),
        config=config,
    )
    problem, _ = problem_of(authority)
    assert [o.model for o in the_job(problem, "C001").options] == ["separate"]
    assert [o.model for o in the_job(problem, "C002").options] == ["separate"]
    assert [o.model for o in the_job(problem, "C003").options] == ["joint", "separate"]


def test_a_longer_meeting_for_prior_concerns_and_an_interpreter() -> None:
    """Prior concerns add 15 minutes; a home language other than English adds the
    configured interpreter minutes."""
    authority = authority_with(
        make_child("C001"),
        make_child("C002", prior_concerns=True),
        make_child("C003", home_language="Polish"),
        make_child("C004", home_language=" English "),
        config=make_config(term=TWO_WEEKS, review={"interpreter_extra_minutes": 20}),
    )
    problem, _ = problem_of(authority)
    durations = {j.child_id: j.options[0].duration for j in problem.children}
    assert durations == {"C001": 60, "C002": 75, "C003": 80, "C004": 60}


def test_children_with_no_option_and_practitioners_with_no_child_are_left_out() -> None:
    """A child whose setting has no link has no option (explained later, not booked); a
    practitioner nobody needs is not in the problem."""
    authority = authority_with(
        make_child("C001"),
        make_child("C002", setting_id="S002", key_person_id="K002"),
        settings=[make_setting(), make_setting("S002", link_practitioner_id=None)],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        practitioners=[make_practitioner(), make_practitioner("P002")],
    )
    problem, _ = problem_of(authority)
    assert [j.child_id for j in problem.children] == ["C001"]
    assert [p.practitioner_id for p in problem.practitioners] == ["P001"]


def test_values_are_the_priority_functions_points_scaled() -> None:
    """Each day's value is ``SCALE`` × :func:`day_points`: earlier days worth more, a fallback
    kind worth ``own_model`` less than the child's own."""
    config = make_config(term=TWO_WEEKS, review={"fallback": ["separate"]})
    authority = authority_with(child_in_no_setting("C001", review_model="home"), config=config)
    problem, availability = problem_of(authority)
    home, separate = the_job(problem).options
    assert (home.model, separate.model) == ("home", "separate")
    child = authority.children["C001"]
    window = availability.windows["C001"]
    priority = availability.priority(child)
    term = availability.term.days
    first, last = term[home.days[0]], term[home.days[-1]]
    w = config.priorities
    assert home.values == tuple(
        round(SCALE * day_points(priority, window, term[d], first, last, w, True))
        for d in home.days
    )
    assert list(home.values) == sorted(home.values, reverse=True)
    assert [h - s for h, s in zip(home.values, separate.values, strict=True)] == [
        round(SCALE * w.own_model)
    ] * len(home.days)
    assert the_job(problem).priority == round(SCALE * priority)


def test_visit_costs_and_journeys_into_each_place() -> None:
    """A visit to a setting costs travel × (0.05 + 2 × km × 0.01) points, the clinic nothing;
    with the day starting at base the shortest journey in counts the one from base."""
    p = make_practitioner(base_lat=51.5000)
    setting = make_setting(lat=51.5500)
    authority = authority_with(
        make_child("C001"),
        make_child("C002", review_model="separate", practitioner_id="P001"),
        practitioners=[p],
        settings=[setting],
    )
    problem, availability = problem_of(authority)
    (info,) = problem.practitioners
    km = haversine_km(p.base_lat, p.base_lon, setting.lat, setting.lon)
    assert info.visit_cost == {
        "setting:S001": round(SCALE * (VISIT_POINTS + 2 * km * KM_POINTS)),
        "clinic:P001": 0,
    }
    leg = availability.travel(base_place(p), Place("setting:S001", setting.lat, setting.lon))
    assert leg > 0
    assert info.travel == {
        ("clinic:P001", "setting:S001"): leg,
        ("setting:S001", "clinic:P001"): leg,
    }
    assert info.min_incoming == {"setting:S001": leg, "clinic:P001": 0}
    assert info.from_base and info.travel_between("setting:S001", "setting:S001") == 0

    away = authority.with_config(make_config(term=TWO_WEEKS, travel={"day_starts_at_base": False}))
    problem, _ = problem_of(away)
    (info,) = problem.practitioners
    assert not info.from_base
    assert info.min_incoming == {"setting:S001": leg, "clinic:P001": leg}


def test_weeks_and_the_busiest_week_cost() -> None:
    """Days are numbered into weeks from the term's first day; the busiest week costs
    ``balance`` × 0.02 points."""
    authority = authority_with(
        make_child(),
        config=make_config(term=TWO_WEEKS, priorities={"balance": 2.0}),
    )
    problem, availability = problem_of(authority)
    days = availability.term.days
    assert days[0] == date(2026, 9, 7) and date(2026, 9, 14) in days
    assert problem.week_of_day == tuple(0 if d < date(2026, 9, 14) else 1 for d in days)
    assert problem.week_peak_cost == round(SCALE * 2.0 * WEEK_PEAK_POINTS)


def test_stability_is_worth_nothing_a_little_or_more_than_a_child() -> None:
    """A what-if keeps nothing, a re-plan keeps slots a little, a re-plan from today keeps
    booked families more than any child is worth."""
    assert stability_points(replan=False, from_today=True) == 0.0
    assert stability_points(replan=True, from_today=False) == STABILITY_POINTS < 1
    assert stability_points(replan=True, from_today=True) == KEEP_POINTS
    authority = authority_with(make_child())
    without, _ = problem_of(authority)
    assert without.stability_bonus == 0
    slot = appointment_for(authority, "C001", REVIEW_DAY)
    kept, availability = problem_of(authority, {"C001": slot}, stability=STABILITY_POINTS)
    assert kept.stability_bonus == round(SCALE * STABILITY_POINTS)
    day = availability.term.index[REVIEW_DAY]
    assert the_job(kept).previous == (0, day, slot.block_start)


def test_a_previous_slot_inside_the_notice_period_is_locked_at_its_time() -> None:
    """Re-planning from today: a kept slot inside the notice period is offered on that day
    only at its old start; new bookings stay after the notice period."""
    today = date(2026, 9, 7)
    config = make_config(term={**TWO_WEEKS, "today": today.isoformat()})
    authority = authority_with(make_child(), config=config)
    inside = appointment_for(authority, "C001", date(2026, 9, 9), hm("10:00"))
    problem, availability = problem_of(authority, {"C001": inside})
    (opt,) = the_job(problem).options
    index = availability.term.index
    assert opt.locked_day == index[date(2026, 9, 9)]
    assert opt.locked_start == inside.block_start
    first_new = index[date(2026, 9, 14)]  # today + 7 days' notice
    assert opt.days == (opt.locked_day, *range(first_new, len(availability.term.days)))

    after = appointment_for(authority, "C001", date(2026, 9, 15), hm("10:00"))
    problem, _ = problem_of(authority, {"C001": after})
    (opt,) = the_job(problem).options
    assert opt.locked_day is None and opt.locked_start is None
    assert index[date(2026, 9, 9)] not in opt.days


def test_a_piece_holds_one_practitioners_options_renumbered() -> None:
    """A child offered to two practitioners is in both pieces with only that practitioner's
    options; pins and previous slots follow the renumbering or are dropped."""
    both = job(
        "C001",
        option((0, 1)),
        clinic((1,), practitioner_id="P002"),
        previous=(1, 1, hm("09:00")),
    )
    pinned_p1 = job("C002", option((0,)), clinic((0,), practitioner_id="P002"), pinned=(0, 0, None))
    problem = group_problem(both, pinned_p1)
    p1, p2 = problem.piece("P001"), problem.piece("P002")
    assert [p.practitioner_id for p in p1.practitioners] == ["P001"]
    assert [(j.child_id, [o.practitioner_id for o in j.options]) for j in p1.children] == [
        ("C001", ["P001"]),
        ("C002", ["P001"]),
    ]
    assert the_job(p1).previous is None  # the previous slot was P002's
    assert the_job(p2).previous == (0, 1, hm("09:00"))  # renumbered: option 1 -> 0
    assert [j.child_id for j in p2.children] == ["C001"]  # C002 is pinned to P001
    assert [p.practitioners[0].practitioner_id for p in problem.pieces()] == ["P001", "P002"]


def test_pieces_leave_out_practitioners_with_nobody_to_see() -> None:
    """A practitioner with no children is no piece."""
    problem = group_problem(job("C001"), practitioners=[practitioner(), practitioner("P009")])
    assert [p.practitioner_id for p in problem.practitioners] == ["P001", "P009"]
    assert [p.practitioners[0].practitioner_id for p in problem.pieces()] == ["P001"]


def test_with_pins_marks_the_pinned_children_only() -> None:
    """Accepted pins are set on their children; no pins leaves the problem as it was."""
    problem = group_problem(job("C001", option((0, 1))), job("C002"))
    assert with_pins(problem, {}) is problem
    pinned = with_pins(problem, {"C001": (0, 1, hm("10:00"))})
    assert the_job(pinned).pinned == (0, 1, hm("10:00"))
    assert the_job(pinned, "C002").pinned is None
