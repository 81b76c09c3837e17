"""Roles and scoping: who may do what, and a setting user sees only its own setting's rows.

Pure rules (no database): the dashboard's pages and the feed route call these before they
render anything, so these tests are the contract that a setting cannot reach another's data.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import (
    appointment_for,
    make_absence,
    make_authority,
    make_child,
    make_closure,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)

from scheduler.domain import Authority
from scheduler.export.ics import setting_feed
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Plan
from scheduler.store.access import (
    PERMISSIONS,
    AccessDenied,
    Action,
    Identity,
    Role,
    can,
    can_see_setting,
    local_coordinator,
    require,
    scope_for,
    scope_plan,
    scope_to_practitioner,
    scope_to_setting,
    visible_settings,
)
from scheduler.summary import PractitionerUse

SETTINGS = ("S001", "S002", "S003")
COORDINATOR = Identity("boss@example.org", Role.COORDINATOR)
LEAD = Identity("lead@example.org", Role.SERVICE_LEAD)
NURSERY = Identity("nursery@example.org", Role.SETTING, setting_id="S002")


def authority() -> Authority:
    """Three settings, each with its own key person, child and practitioner."""
    return make_authority(
        practitioners=[make_practitioner(f"P00{i}") for i in (1, 2, 3)],
        settings=[make_setting(f"S00{i}", link_practitioner_id=f"P00{i}") for i in (1, 2, 3)],
        key_persons=[make_key_person(f"K00{i}", setting_id=f"S00{i}") for i in (1, 2, 3)],
        children=[
            make_child(f"C00{i}", setting_id=f"S00{i}", key_person_id=f"K00{i}", name=f"Kid {i}")
            for i in (1, 2, 3)
        ]
        + [make_child("C004", setting_id="S002", key_person_id="K002", name="Kid 4")],
        absences=[make_absence("P001"), make_absence("K002"), make_absence("K003")],
        closures=[make_closure("S001"), make_closure("S002"), make_closure("*")],
    )


def plan(data: Authority) -> Plan:
    term = data.config.term.name
    appointments = [appointment_for(data, f"C00{i}") for i in (1, 2, 3)]
    sequences = {event_uid(term, f"C00{i}", kind): i for i in (1, 2, 3, 4) for kind in EventKind}
    return make_plan(
        data,
        appointments,
        [make_unscheduled("C004", "S002")],
        sequences=sequences,
    )


# --------------------------------------------------------------------------- permissions


def test_a_coordinator_may_do_everything() -> None:
    """Every action is allowed to a coordinator, including the local one."""
    assert all(can(COORDINATOR, action) for action in Action)
    assert all(can(local_coordinator(), action) for action in Action)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (Action.CHANGE_PRIORITIES, True),
        (Action.EDIT_PINS, True),
        (Action.GENERATE_PLAN, True),
        (Action.VIEW_ALL_SETTINGS, True),
        (Action.VIEW_VERSIONS, True),
        (Action.DOWNLOAD_PLAN, True),
        (Action.PUBLISH_PLAN, False),  # publishing is the coordinator's call
        (Action.UPLOAD_DATA, False),
        (Action.MANAGE_IDENTITIES, False),
        (Action.MANAGE_FEED_TOKENS, False),
        (Action.PURGE_DATA, False),
        (Action.VIEW_REPORT, True),
        (Action.EXPORT_OUTCOMES, True),
        (Action.RECORD_OUTCOMES, False),  # coordinators and settings record what happened
        (Action.VIEW_RAW_DATA, False),  # the uploaded tables: the coordinators who keep them
    ],
)
def test_a_service_lead_sets_priorities_pins_replans_and_reads(
    action: Action, allowed: bool
) -> None:
    """Priorities, pins, re-plan and reading everything; not publishing or administration."""
    assert can(LEAD, action) is allowed


def test_a_setting_user_gets_slots_calendars_letters_report_and_outcomes_only() -> None:
    """A setting user may view its setting, download its calendars and letters, see its
    report figures and record outcomes (of its own joint reviews: test_outcome_recording.py),
    nothing else."""
    allowed = {a for a in Action if can(NURSERY, a)}
    assert allowed == {
        Action.VIEW_SETTING,
        Action.DOWNLOAD_CALENDARS,
        Action.DOWNLOAD_LETTERS,
        Action.VIEW_REPORT,
        Action.RECORD_OUTCOMES,
    }


def test_nobody_may_do_anything() -> None:
    """Without an identity every check fails and scoping refuses."""
    assert not any(can(None, a) for a in Action)
    with pytest.raises(AccessDenied):
        require(None, Action.VIEW_SETTING)
    with pytest.raises(AccessDenied):
        scope_for(None, authority(), None)


def test_the_policy_covers_every_role() -> None:
    """Each role has an entry, and only the coordinator manages people, tokens and retention."""
    assert set(PERMISSIONS) == set(Role)
    only_coordinators = (
        Action.MANAGE_IDENTITIES,
        Action.MANAGE_FEED_TOKENS,
        Action.PURGE_DATA,
        Action.VIEW_RAW_DATA,
    )
    for action in only_coordinators:
        assert [r for r in Role if action in PERMISSIONS[r]] == [Role.COORDINATOR]


def test_require_checks_the_setting_too() -> None:
    """A setting user is refused another setting's download even though the action is allowed."""
    assert require(NURSERY, Action.DOWNLOAD_CALENDARS, setting_id="S002") is NURSERY
    with pytest.raises(AccessDenied, match="another setting"):
        require(NURSERY, Action.DOWNLOAD_CALENDARS, setting_id="S001")
    with pytest.raises(AccessDenied):
        require(NURSERY, Action.DOWNLOAD_PLAN)
    assert require(LEAD, Action.DOWNLOAD_LETTERS, setting_id="S001") is LEAD


def test_visible_settings() -> None:
    """Coordinators and leads pick any setting; a setting user only its own."""
    assert visible_settings(COORDINATOR, SETTINGS) == list(SETTINGS)
    assert visible_settings(LEAD, SETTINGS) == list(SETTINGS)
    assert visible_settings(NURSERY, SETTINGS) == ["S002"]
    assert visible_settings(None, SETTINGS) == []
    assert not can_see_setting(NURSERY, "S003")


def test_identities_are_checked_when_made() -> None:
    """A setting user needs a setting; other roles must not have one; e-mails are normalised."""
    with pytest.raises(ValueError):
        Identity("a@example.org", Role.SETTING)
    with pytest.raises(ValueError):
        Identity("a@example.org", Role.SERVICE_LEAD, setting_id="S001")
    with pytest.raises(ValueError):
        Identity("  ", Role.COORDINATOR)
    assert Identity(" A@Example.ORG ", "coordinator").subject == "a@example.org"  # type: ignore[arg-type]


# --------------------------------------------------------------------------- scoping


def test_a_setting_plan_holds_only_its_own_rows() -> None:
    """Links, appointments, unscheduled children and sequences of other settings are gone."""
    data = authority()
    scoped = scope_plan(plan(data), "S002", term_name=data.config.term.name)
    assert {link.setting_id for link in scoped.links} == {"S002"}
    assert [a.child_id for a in scoped.appointments] == ["C002"]
    assert [u.child_id for u in scoped.unscheduled] == ["C004"]
    wanted = {event_uid(data.config.term.name, c, k) for c in ("C002", "C004") for k in EventKind}
    assert set(scoped.sequences) == wanted


def test_a_setting_summary_says_nothing_about_other_settings() -> None:
    """Plan-wide figures (travel, utilisation, other settings' counts) are dropped or recounted."""
    data = authority()
    full = plan(data)
    use = PractitionerUse(1, 60, 120, 60, utilisation=0.5)
    full = replace(full, summary=replace(full.summary, practitioners={"P001": use}))
    scoped = scope_plan(full, "S002")
    assert scoped.summary.children_due == 2 and scoped.summary.scheduled == 1
    assert scoped.summary.practitioners is None and scoped.summary.travel_km is None
    assert set(scoped.summary.present()) == {
        "children_due",
        "scheduled",
        "in_window",
        "term_name",
        "model",
        "status",
    } - {k for k in ("term_name", "model") if getattr(full.summary, k) is None}


def test_a_setting_authority_holds_only_its_own_people() -> None:
    """The scoped data hold one setting, its children and key persons, its practitioner only."""
    data = authority()
    scoped, scoped_plan = scope_to_setting(data, plan(data), "S002")
    assert list(scoped.settings) == ["S002"]
    assert sorted(scoped.children) == ["C002", "C004"]
    assert list(scoped.key_persons) == ["K002"]
    assert list(scoped.practitioners) == ["P002"]
    assert [a.person_id for a in scoped.absences] == ["K002"]
    assert {c.setting_id for c in scoped.closures} == {"S002", "*"}
    assert scoped_plan is not None and {a.setting_id for a in scoped_plan.appointments} == {"S002"}
    unplanned, none = scope_to_setting(data, None, "S003")
    assert none is None and list(unplanned.practitioners) == ["P003"]


def test_every_record_of_another_setting_is_absent_for_every_setting() -> None:
    """For each setting, no field anywhere in its scoped data names another setting's child."""
    data = authority()
    full = plan(data)
    for setting_id in SETTINGS:
        scoped, scoped_plan = scope_for(
            Identity(f"{setting_id}@example.org", Role.SETTING, setting_id=setting_id), data, full
        )
        assert scoped_plan is not None
        others = {c for c, child in data.children.items() if child.setting_id != setting_id}
        names = {data.children[c].name for c in others}
        text = repr(scoped) + repr(scoped_plan)
        assert not any(c in text for c in others) and not any(n in text for n in names)
        owners = [link.setting_id for link in scoped_plan.links]
        owners += [a.setting_id for a in scoped_plan.appointments]
        owners += [u.setting_id for u in scoped_plan.unscheduled]
        assert set(owners) == {setting_id}


def test_a_setting_calendar_from_scoped_data_shows_only_that_setting() -> None:
    """The setting's feed rendered from scoped data carries its own reviews only."""
    data = authority()
    scoped, scoped_plan = scope_to_setting(data, plan(data), "S002")
    assert scoped_plan is not None
    calendar = setting_feed(scoped, scoped_plan, "S002").decode()
    assert "C002" in calendar and "C001" not in calendar and "C003" not in calendar


def test_coordinators_and_leads_see_everything() -> None:
    """Scoping leaves the data and plan whole for the two planning roles."""
    data = authority()
    full = plan(data)
    for who in (COORDINATOR, LEAD):
        assert scope_for(who, data, full) == (data, full)


def test_a_setting_user_of_an_unknown_setting_sees_nothing() -> None:
    """A setting user whose setting is not in the data gets empty data and an empty plan."""
    data = authority()
    ghost = Identity("ghost@example.org", Role.SETTING, setting_id="S999")
    scoped, scoped_plan = scope_for(ghost, data, plan(data))
    assert not scoped.children and not scoped.settings and not scoped.practitioners
    assert scoped_plan is not None
    assert not scoped_plan.appointments and not scoped_plan.unscheduled and not scoped_plan.links


def test_a_practitioner_feed_holds_only_their_appointments() -> None:
    """A practitioner's scope keeps their own reviews and the records those need."""
    data = authority()
    scoped, scoped_plan = scope_to_practitioner(data, plan(data), "P002")
    assert [a.child_id for a in scoped_plan.appointments] == ["C002"]
    assert list(scoped.children) == ["C002"] and list(scoped.practitioners) == ["P002"]
    assert scoped_plan.unscheduled == []
    term = data.config.term.name
    assert set(scoped_plan.sequences) == {event_uid(term, "C002", k) for k in EventKind}
