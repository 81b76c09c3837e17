"""Calendars for every kind of review (contract v2): clinic and home appointments, children in
no setting, the interpreter, contacts both ways, the key person's task and its deadline.

Plans are made by hand (the planner does not yet book these): one child per kind at S001, and
one child in no setting, seen by their caseload practitioner P002.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date
from typing import Any

import ics_fixtures as fx
import pytest
from builders import (
    appointment_for,
    hm,
    make_absence,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
)
from icalendar import Calendar

from scheduler.domain import Authority
from scheduler.export.bundle import calendar_files, setting_bundle
from scheduler.export.ics import CalendarSet, build_calendars, calendar_sequences
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Plan

TERM = "Autumn 2026"
DAY = date(2026, 11, 17)  # Tuesday
HOME_LAT, HOME_LON = 51.52347, -0.13459
"""C003's home: these digits must appear only in the practitioner's own calendar."""
COORDINATES = re.compile(r"51[.,]?523|0[.,]?1345|-0\.13")


def authority() -> Authority:
    return make_authority(
        practitioners=[
            make_practitioner(
                "P001",
                name="Jo Smith",
                role="health_visitor",
                base_name="Elm Clinic",
                base_address="2 Elm Road, London N1 1AA",
                base_lat=51.546,
                base_lon=-0.098,
            ),
            make_practitioner("P002", name="Kay Brown", base_lat=51.53, base_lon=-0.11),
        ],
        settings=[
            make_setting("S001", name="Little Acorns", address="1 High Street, N1 2BB"),
            make_setting("S002", name="Busy Bees", lat=51.56),
        ],
        key_persons=[
            make_key_person("K001", name="Ana Lee", email="ana@acorns.example.org"),
            make_key_person("K002", setting_id="S002", name="Bea Bee"),
        ],
        children=[
            make_child("C001", name="Amy Jones", home_language="Polish"),
            make_child("C002", name="Ben Cole", review_model="separate", home_language="english"),
            make_child(
                "C003", name="Cat Dunn", review_model="home", home_lat=HOME_LAT, home_lon=HOME_LON
            ),
            make_child(
                "C004",
                name="Dan Ede",
                setting_id=None,
                key_person_id=None,
                practitioner_id="P002",
                review_model="home",
                home_lat=51.51,
                home_lon=-0.12,
                home_language="Urdu",
            ),
            make_child(
                "C005",
                name="Eve Fox",
                setting_id=None,
                key_person_id=None,
                practitioner_id="P002",
                review_model="separate",
            ),
        ],
    )


def plan(data: Authority, **moves: date) -> Plan:
    """C001 joint 10:00, C002 clinic 11:30, C003 home 14:00 (P001); C004 home 10:00 and C005
    clinic 13:00 (P002); ``moves`` puts a child on another day."""
    slots = {"C001": "10:00", "C002": "11:30", "C003": "14:00", "C004": "10:00", "C005": "13:00"}
    return make_plan(
        data,
        [
            appointment_for(data, child, moves.get(child, DAY), hm(start))
            for child, start in slots.items()
        ],
    )


@pytest.fixture(scope="module")
def calendars() -> CalendarSet:
    data = authority()
    return build_calendars(data, plan(data))


def by_uid(ics: bytes) -> dict[str, Any]:
    return fx.by_uid(ics)


def unfolded(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")


def uid(child: str, kind: EventKind) -> str:
    return event_uid(TERM, child, kind)


# --------------------------------------------------------------------------- home visits


def test_a_home_visit_leaves_no_trace_of_the_home_in_anything_a_setting_gets(
    calendars: CalendarSet,
) -> None:
    """The setting's feed, its zip (family copies, letters in both sizes) and the family's
    invitation carry no coordinates, no map link and no GEO for C003's home visit; the setting
    still sees that the review happens, "at the family's home"."""
    feed = calendars.settings["S001"]
    event = by_uid(feed)[uid("C003", EventKind.SETTING)]
    assert "GEO" not in event and "LOCATION" not in event
    assert "at the family's home" in str(event["DESCRIPTION"])
    with zipfile.ZipFile(io.BytesIO(setting_bundle(calendars, "S001"))) as archive:
        names = archive.namelist()
        assert "letters/C003.html" in names and "letters/large-type/C003.html" in names
        for name in names:
            text = archive.read(name).decode("utf-8")
            assert not COORDINATES.search(text), name
            assert "openstreetmap" not in text, name
    invite = unfolded(calendars.invites["C003"].ics)
    assert not COORDINATES.search(invite) and "GEO:" not in invite
    assert "LOCATION:your home" in invite


def test_the_practitioner_gets_the_homes_position_and_a_map_link(calendars: CalendarSet) -> None:
    """Only the practitioner's own event has GEO and an OpenStreetMap link to the home."""
    event = by_uid(calendars.practitioners["P001"])[uid("C003", EventKind.PRACTITIONER)]
    assert event["GEO"].latitude == pytest.approx(HOME_LAT)
    assert event["GEO"].longitude == pytest.approx(HOME_LON)
    assert str(event["LOCATION"]) == "Home visit (see the map link)"
    description = str(event["DESCRIPTION"])
    assert "https://www.openstreetmap.org/?mlat=51.52347&mlon=-0.13459" in description
    assert "Home visit." in description


def test_every_file_outside_practitioner_feeds_is_free_of_home_coordinates(
    calendars: CalendarSet,
) -> None:
    """All calendar files and letters, bar practitioners/, carry no home coordinates."""
    files = calendar_files(calendars)
    for name, data in files.items():
        if name.startswith("practitioners/") or name.endswith(".zip"):
            continue
        assert not COORDINATES.search(data.decode("utf-8").replace("\r\n ", "")), name
    assert COORDINATES.search(unfolded(files["practitioners/P001.ics"]))


# --------------------------------------------------------------------------- no setting


def test_children_in_no_setting_produce_no_setting_events(calendars: CalendarSet) -> None:
    """C004 and C005 appear in no setting's feed or zip, but have invitations, letters and
    their practitioner's events."""
    for setting_id, feed in calendars.settings.items():
        text = unfolded(feed)
        assert "C004" not in text and "C005" not in text, setting_id
        with zipfile.ZipFile(io.BytesIO(setting_bundle(calendars, setting_id))) as archive:
            assert not [n for n in archive.namelist() if "C004" in n or "C005" in n]
    assert {"C004", "C005"} <= set(calendars.invites) and {"C004", "C005"} <= set(calendars.letters)
    feed = by_uid(calendars.practitioners["P002"])
    for child in ("C004", "C005"):
        description = str(feed[uid(child, EventKind.PRACTITIONER)]["DESCRIPTION"])
        assert "The child attends no early years setting." in description
    files = calendar_files(calendars)
    assert "letters/C005.html" in files and "family/C004.ics" in files


# --------------------------------------------------------------------------- interpreter


def test_the_practitioners_event_names_the_interpreters_language(calendars: CalendarSet) -> None:
    """ "Interpreter: Polish." (joint) and "Interpreter: Urdu." (home, no setting); nothing for
    English; never in the setting's feed."""
    p1, p2 = by_uid(calendars.practitioners["P001"]), by_uid(calendars.practitioners["P002"])
    assert "Interpreter: Polish." in str(p1[uid("C001", EventKind.PRACTITIONER)]["DESCRIPTION"])
    assert "Interpreter: Urdu." in str(p2[uid("C004", EventKind.PRACTITIONER)]["DESCRIPTION"])
    assert "Interpreter" not in str(p1[uid("C002", EventKind.PRACTITIONER)]["DESCRIPTION"])
    assert "Polish" not in unfolded(calendars.settings["S001"])
    assert "Polish" not in calendars.invites["C001"].text


# --------------------------------------------------------------------------- contacts


def test_clinic_and_home_practitioner_events_carry_the_setting_and_key_persons_contact(
    calendars: CalendarSet,
) -> None:
    """For C002 (clinic) and C003 (home): the setting's name and e-mail, the key person's
    name and e-mail, and when the summary is due."""
    feed = by_uid(calendars.practitioners["P001"])
    for child in ("C002", "C003"):
        text = str(feed[uid(child, EventKind.PRACTITIONER)]["DESCRIPTION"])
        assert "Setting: Little Acorns (s001@nursery.example.org)." in text, child
        assert "Key person: Ana Lee (ana@acorns.example.org)." in text, child
        assert "EYFS progress summary from the key person, due Friday 13 November 2026." in text


def test_setting_events_carry_the_practitioners_name_and_email(calendars: CalendarSet) -> None:
    """Every review and task in S001's feed says who the practitioner is and how to reach them."""
    feed = by_uid(calendars.settings["S001"])
    for child in ("C001", "C002", "C003"):
        for kind in (EventKind.SETTING, EventKind.SUMMARY_TODO):
            text = str(feed[uid(child, kind)]["DESCRIPTION"])
            assert "Jo Smith (p001@health.example.org)" in text, (child, kind)


def test_a_clinic_review_in_the_setting_feed_is_at_the_clinics_address(
    calendars: CalendarSet,
) -> None:
    """The separate review's setting event says where the family goes, with the address."""
    event = by_uid(calendars.settings["S001"])[uid("C002", EventKind.SETTING)]
    assert str(event["LOCATION"]) == "Elm Clinic, 2 Elm Road, London N1 1AA"


# --------------------------------------------------------------------------- the key person's task


def test_joint_reviews_get_a_preparation_task(calendars: CalendarSet) -> None:
    """A VTODO for C001's joint review: the progress check summary and the parent's ASQ-3,
    due the working day before."""
    todo = by_uid(calendars.settings["S001"])[uid("C001", EventKind.SUMMARY_TODO)]
    assert todo.name == "VTODO"
    assert str(todo["SUMMARY"]) == "Prepare for the review — A.J. (C001)"
    description = str(todo["DESCRIPTION"])
    assert "EYFS progress check summary" in description and "ASQ-3" in description
    assert todo.decoded("DUE") == date(2026, 11, 16)


def test_clinic_and_home_tasks_are_due_two_working_days_before(calendars: CalendarSet) -> None:
    """C002 and C003 (Tue 17 Nov): the summary is due Fri 13 Nov."""
    feed = by_uid(calendars.settings["S001"])
    for child in ("C002", "C003"):
        todo = feed[uid(child, EventKind.SUMMARY_TODO)]
        assert str(todo["SUMMARY"]).startswith("Prepare the EYFS progress summary")
        assert todo.decoded("DUE") == date(2026, 11, 13)


def test_the_summary_task_moves_to_a_day_the_key_person_works() -> None:
    """The key person works Mon/Wed only: due Wednesday 11 Nov, not Friday 13 (and the
    family's letter says so)."""
    data = authority()
    data = make_authority(
        practitioners=list(data.practitioners.values()),
        settings=list(data.settings.values()),
        key_persons=[
            make_key_person("K001", name="Ana Lee", working_days=frozenset({0, 2})),
            data.key_persons["K002"],
        ],
        children=list(data.children.values()),
    )
    calendars = build_calendars(data, plan(data))
    todo = by_uid(calendars.settings["S001"])[uid("C002", EventKind.SUMMARY_TODO)]
    assert todo.decoded("DUE") == date(2026, 11, 11)
    assert "It will be ready by Wednesday 11 November 2026." in calendars.invites["C002"].text


def test_no_made_up_deadline_when_no_day_fits() -> None:
    """The key person away all term before the review: the task has no DUE and says to agree
    it with the family; the setting event and the letter say the same plainly."""
    data = authority()
    data = make_authority(
        practitioners=list(data.practitioners.values()),
        settings=list(data.settings.values()),
        key_persons=list(data.key_persons.values()),
        children=list(data.children.values()),
        absences=[make_absence("K001", date(2026, 9, 1), DAY)],
    )
    calendars = build_calendars(data, plan(data))
    feed = by_uid(calendars.settings["S001"])
    todo = feed[uid("C002", EventKind.SUMMARY_TODO)]
    assert "DUE" not in todo
    assert "please agree with the family how it reaches them" in str(todo["DESCRIPTION"])
    assert "no day you work fits" in str(feed[uid("C002", EventKind.SETTING)]["DESCRIPTION"])
    assert "It will be ready by" not in calendars.invites["C002"].text
    assert "Please ask for it." in calendars.invites["C002"].text
    Calendar.from_ical(calendars.settings["S001"])  # still a valid calendar
    fx.vobject_calendar(calendars.settings["S001"])


# --------------------------------------------------------------------------- re-plans


def _replanned(data: Authority, new_data: Authority, **moves: date) -> CalendarSet:
    """Re-plan with the previous version's data known (as the plan store keeps it)."""
    old = plan(data)
    old = replace(old, sequences=dict(build_calendars(data, old).sequences))
    return build_calendars(new_data, plan(new_data, **moves), previous=old, previous_authority=data)


def test_a_moved_deadline_is_sent_again_without_touching_the_review() -> None:
    """An absence that moves C002's summary deadline bumps the task's SEQUENCE only."""
    data = authority()
    absent = make_authority(
        practitioners=list(data.practitioners.values()),
        settings=list(data.settings.values()),
        key_persons=list(data.key_persons.values()),
        children=list(data.children.values()),
        absences=[make_absence("K001", date(2026, 11, 13))],
    )
    calendars = _replanned(data, absent)
    assert calendars.sequences[uid("C002", EventKind.SUMMARY_TODO)] == 1
    assert calendars.sequences[uid("C002", EventKind.SETTING)] == 0
    assert calendars.sequences[uid("C002", EventKind.INVITE)] == 0
    assert "C002" not in calendars.changed_invites
    assert calendars.changed_settings == {"S001"}
    todo = by_uid(calendars.settings["S001"])[uid("C002", EventKind.SUMMARY_TODO)]
    assert todo.decoded("DUE") == date(2026, 11, 12) and todo["SEQUENCE"] == 1
    old = plan(data)
    old = replace(old, sequences=dict(build_calendars(data, old).sequences))
    assert (
        calendar_sequences(absent, plan(absent), old, previous_authority=data)
        == calendars.sequences
    )


def test_a_family_that_moved_gets_an_update_to_the_home_visit() -> None:
    """New home coordinates: the visit's place changed, so its events go to SEQUENCE 1."""
    data = authority()
    children = dict(data.children)
    children["C003"] = make_child(
        "C003", name="Cat Dunn", review_model="home", home_lat=51.50, home_lon=-0.14
    )
    moved = make_authority(
        practitioners=list(data.practitioners.values()),
        settings=list(data.settings.values()),
        key_persons=list(data.key_persons.values()),
        children=list(children.values()),
    )
    calendars = _replanned(data, moved)
    assert calendars.sequences[uid("C003", EventKind.PRACTITIONER)] == 1
    assert calendars.sequences[uid("C003", EventKind.INVITE)] == 1
    assert calendars.sequences[uid("C001", EventKind.INVITE)] == 0
    assert set(calendars.changed_invites) == {"C003"}


def test_a_review_that_changes_kind_updates_its_task_and_cancels_its_pre_meeting() -> None:
    """C001 joint → clinic: the same task UID is updated (not a second task), the
    pre-meetings are cancelled in both feeds, and the key person is told they are off it."""
    data = authority()
    children = dict(data.children)
    children["C001"] = make_child("C001", name="Amy Jones", review_model="separate")
    separate = make_authority(
        practitioners=list(data.practitioners.values()),
        settings=list(data.settings.values()),
        key_persons=list(data.key_persons.values()),
        children=list(children.values()),
    )
    calendars = _replanned(data, separate)
    feed = by_uid(calendars.settings["S001"])
    todo = feed[uid("C001", EventKind.SUMMARY_TODO)]
    assert str(todo["SUMMARY"]).startswith("Prepare the EYFS progress summary")
    assert todo["SEQUENCE"] == 1 and todo["STATUS"] == "NEEDS-ACTION"
    assert len([c for c in feed.values() if c.name == "VTODO" and "C001" in str(c["UID"])]) == 1
    pre = feed[uid("C001", EventKind.SETTING_PRE)]
    assert pre["STATUS"] == "CANCELLED"
    practitioner_pre = by_uid(calendars.practitioners["P001"])[
        uid("C001", EventKind.PRACTITIONER_PRE)
    ]
    assert practitioner_pre["STATUS"] == "CANCELLED"
    removed = calendars.cancellations["C001"]
    assert {r.email for r in removed.recipients} == {"ana@acorns.example.org"}
