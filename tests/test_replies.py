"""Parents' replies (scheduler/replies.py): every client shape read, matched by UID and
attendee, hostile and malformed messages refused cleanly (and logged without personal data),
answers kept once. (The ``replies`` command: test_commands_replies.py; where answers are kept:
test_reply_file.py, test_store_replies.py.)"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from builders import (
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_plan,
    make_practitioner,
    make_unscheduled,
)
from reply_fixtures import CLIENTS, gmail, outlook, thunderbird, with_attachment

from scheduler.domain import Authority
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Plan
from scheduler.replies import (
    MAX_MESSAGE_BYTES,
    Refusal,
    ReplyMatcher,
    ReplyState,
    ingest,
    read_messages,
)

THREE_DAYS = {"start": "2026-09-08", "end": "2026-09-10", "exclude": [], "bank_holidays": "none"}
ONE = "one.parent@example.org"
TWO = "two.parent@example.org"
TUE = date(2026, 9, 8)


def authority() -> Authority:
    return make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=2)],
        children=[
            make_child("C1", parent_email=ONE),
            make_child("C2", parent_email=TWO),
            make_child("C3", parent_email="three@example.org"),
        ],
        config=make_config(term=THREE_DAYS),
    )


def plan_of(data: Authority) -> Plan:
    plan = make_plan(
        data,
        [
            appointment_for(data, "C1", TUE, hm("10:00")),
            appointment_for(data, "C2", TUE, hm("11:00")),
        ],
        [make_unscheduled("C3")],
    )
    plan = replace(plan, summary=replace(plan.summary, unscheduled_by_reason={"CAPACITY": 1}))
    return plan


def uid(child: str) -> str:
    return event_uid("Autumn 2026", child, EventKind.INVITE)


def read(messages: dict[str, bytes], plan: Plan | None = None):  # type: ignore[no-untyped-def]
    data = authority()
    matcher = ReplyMatcher(data, plan or plan_of(data))
    return ingest(iter(messages.items()), matcher, {})


@pytest.mark.parametrize("client", sorted(CLIENTS))
@pytest.mark.parametrize(
    ("partstat", "state"),
    [
        ("ACCEPTED", ReplyState.CONFIRMED),
        ("DECLINED", ReplyState.DECLINED),
        ("TENTATIVE", ReplyState.TENTATIVE),
    ],
)
def test_each_client_shape(client: str, partstat: str, state: ReplyState) -> None:
    """Outlook, Gmail and Thunderbird replies all read as the parent's answer for C1."""
    report = read({"m.eml": CLIENTS[client](uid("C1"), ONE, partstat)})
    assert report.refused == []
    (record,) = report.recorded
    assert (record.child_id, record.state, record.sequence) == ("C1", state, 0)
    assert record.replied_at == datetime.fromisoformat("2026-09-02T10:15:00+00:00")


@pytest.mark.parametrize("client", ["outlook", "thunderbird"])
def test_counter_proposals(client: str) -> None:
    """A proposed new time comes back as local date and minutes (Windows and Olson zones)."""
    build = outlook if client == "outlook" else thunderbird
    message = build(uid("C2"), TWO, "TENTATIVE", datetime(2026, 9, 9, 13, 30), method="COUNTER")
    (record,) = read({"c.eml": message}).recorded
    assert record.state is ReplyState.COUNTER_PROPOSED
    assert (record.proposed_date, record.proposed_start, record.proposed_end) == (
        date(2026, 9, 9),
        hm("13:30"),
        hm("14:15"),
    )


def test_refusals(caplog: pytest.LogCaptureFixture) -> None:
    """Each kind of bad message is refused with its own reason; the log names no one."""
    messages = {
        "another-childs-uid.eml": gmail(uid("C2"), ONE),
        "stranger.eml": gmail(uid("C1"), "stranger@example.org"),
        "unknown-uid.eml": gmail("ir+autumn-2026+C9@integrated-review.scheduler", ONE),
        "not-booked.eml": gmail(uid("C3"), "three@example.org"),
        "no-calendar.eml": b"From: a@example.org\r\nSubject: hello\r\n\r\nJust text.\r\n",
        "garbage.eml": b"\x00\xff\xfe not mime at all \x00",
        "cut-ics.eml": gmail(uid("C1"), ONE, tweak=lambda i: i[: len(i) // 2]),
        "bad-date.eml": outlook(
            uid("C1"), ONE, tweak=lambda i: i.replace(b"DTSTAMP:", b"DTSTAMP:x")
        ),
        "wrong-method.eml": thunderbird(
            uid("C1"), ONE, tweak=lambda i: i.replace(b"METHOD:REPLY", b"METHOD:REQUEST")
        ),
        "no-answer.eml": gmail(uid("C1"), ONE, "NEEDS-ACTION"),
        "two-events.eml": outlook(
            uid("C1"),
            ONE,
            tweak=lambda i: i.replace(
                b"END:VEVENT\r\n", b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"
            ),
        ),
        "huge-attachment.eml": with_attachment(gmail(uid("C1"), ONE), MAX_MESSAGE_BYTES),
    }
    with caplog.at_level(logging.WARNING):
        report = read(messages)
    reasons = {r.source: r.reason for r in report.refused}
    assert reasons == {
        "another-childs-uid.eml": Refusal.OTHER_CHILDS_UID,
        "stranger.eml": Refusal.NOT_THE_PARENT,
        "unknown-uid.eml": Refusal.UNKNOWN_UID,
        "not-booked.eml": Refusal.UNKNOWN_UID,
        "no-calendar.eml": Refusal.NO_CALENDAR,
        "garbage.eml": Refusal.UNREADABLE,
        "cut-ics.eml": Refusal.BAD_CALENDAR,
        "bad-date.eml": Refusal.BAD_CALENDAR,
        "wrong-method.eml": Refusal.WRONG_METHOD,
        "no-answer.eml": Refusal.NO_ANSWER,
        "two-events.eml": Refusal.NOT_ONE_EVENT,
        "huge-attachment.eml": Refusal.TOO_LARGE,
    }
    assert report.recorded == []
    logged = caplog.text
    assert len(caplog.records) == len(messages)
    for personal in (ONE, TWO, "stranger", "C1", "C2", "C3", "Jane"):
        assert personal not in logged


def test_stale_sequence_refused() -> None:
    """A reply to an older version of the invitation (lower SEQUENCE) is stale."""
    data = authority()
    plan = plan_of(data)
    plan.sequences[uid("C1")] = 2
    report = read({"old.eml": outlook(uid("C1"), ONE, sequence=1)}, plan)
    assert [r.reason for r in report.refused] == [Refusal.STALE]
    report = read({"new.eml": outlook(uid("C1"), ONE, sequence=2)}, plan)
    assert [r.state for r in report.recorded] == [ReplyState.CONFIRMED]


def test_latest_answer_wins_and_rereading_changes_nothing() -> None:
    """Declined after accepting: declined is kept; the same messages again: nothing new."""
    data = authority()
    matcher = ReplyMatcher(data, plan_of(data))
    first = gmail(uid("C1"), ONE, "ACCEPTED")
    later = gmail(uid("C1"), ONE, "DECLINED", stamp=datetime(2026, 9, 3, 9, 0).astimezone())
    report = ingest(iter({"b.eml": later, "a.eml": first}.items()), matcher, {})
    assert [r.state for r in report.recorded] == [ReplyState.DECLINED]
    assert [why for _, why in report.unchanged] == ["older"]
    again = ingest(iter({"b.eml": later}.items()), matcher, {"C1": report.recorded[0]})
    assert again.recorded == [] and again.unchanged == [("b.eml", "already on record")]


def test_huge_file_is_not_read(tmp_path: Path) -> None:
    """A file over the limit is refused from its size, never read into memory."""
    (tmp_path / "big.eml").write_bytes(b"x" * (MAX_MESSAGE_BYTES + 1))
    (tmp_path / "ok.eml").write_bytes(gmail(uid("C1"), ONE))
    (tmp_path / "notes.txt").write_text("not a message")
    assert [(n, raw is None) for n, raw in read_messages(tmp_path)] == [
        ("big.eml", True),
        ("ok.eml", False),
    ]
