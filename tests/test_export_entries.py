"""The calendar entries a plan implies (scheduler/export/entries.py), as plain data: who is
invited, which feeds get what, and what counts as a change clients must hear about."""

from __future__ import annotations

from datetime import date, timedelta

from builders import (
    REVIEW_DAY,
    appointment_for,
    child_in_no_setting,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
)

from scheduler.domain import Authority
from scheduler.export.entries import local_time, plan_entries
from scheduler.export.uids import EventKind
from scheduler.plan import Plan


def kinds(authority: Authority, plan: Plan) -> list[str]:
    """The kinds of entry a plan implies, sorted."""
    return sorted(e.kind.value for e in plan_entries(authority, plan).values())


def test_local_times_follow_british_summer_time() -> None:
    """10:00 in September is 09:00 UTC; in December it is 10:00 UTC."""
    assert local_time(date(2026, 9, 8), hm("10:00")).utcoffset() == timedelta(hours=1)
    assert local_time(date(2026, 12, 8), hm("10:00")).utcoffset() == timedelta(0)


def test_a_joint_review_is_an_invitation_two_feeds_two_pre_meetings_and_a_task() -> None:
    """The family's invitation, the setting's and practitioner's entries, the pre-meeting in
    both feeds, and the key person's preparation."""
    authority = make_authority(
        children=[make_child(parent_email="parent@example.org")],
        key_persons=[make_key_person(email="k001@nursery.example.org")],
    )
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    assert kinds(authority, plan) == sorted(
        k.value
        for k in (
            EventKind.INVITE,
            EventKind.SETTING,
            EventKind.PRACTITIONER,
            EventKind.SETTING_PRE,
            EventKind.PRACTITIONER_PRE,
            EventKind.SUMMARY_TODO,
        )
    )
    (invite,) = [e for e in plan_entries(authority, plan).values() if e.kind is EventKind.INVITE]
    assert [a.email for a in invite.attendees] == [
        "p001@health.example.org",
        "k001@nursery.example.org",
        "parent@example.org",
    ]


def test_a_clinic_review_invites_no_key_person_and_has_no_pre_meeting() -> None:
    """Separate model: the key person is not there; their task (the summary) remains."""
    authority = make_authority(
        children=[make_child(review_model="separate", practitioner_id="P001")],
        key_persons=[make_key_person(email="k001@nursery.example.org")],
    )
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    entries = plan_entries(authority, plan).values()
    assert EventKind.SETTING_PRE.value not in kinds(authority, plan)
    (invite,) = [e for e in entries if e.kind is EventKind.INVITE]
    assert [a.email for a in invite.attendees] == ["p001@health.example.org"]


def test_a_child_in_no_setting_has_no_setting_entry_and_no_task() -> None:
    """Only the invitation and the practitioner's entry."""
    authority = make_authority(children=[child_in_no_setting()])
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    assert kinds(authority, plan) == ["invite", "practitioner"]


def test_one_person_in_two_roles_is_invited_once() -> None:
    """A childminder whose own address is both the key person's and the parent's."""
    authority = make_authority(
        children=[make_child(parent_email="Minder@Example.org")],
        key_persons=[make_key_person(email="minder@example.org")],
    )
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    (invite,) = [e for e in plan_entries(authority, plan).values() if e.kind is EventKind.INVITE]
    assert len(invite.attendees) == 2
