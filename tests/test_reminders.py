"""Reminders (scheduler/reminders.py): the stage reached on a day, who is reminded by which
channel, and quiet hours. (The ``remind`` command, sending through a local Notify and a real
SMTP server: test_commands_remind.py; delivering texts: test_export_sms.py.)"""

from __future__ import annotations

from datetime import date

from builders import (
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_plan,
    make_practitioner,
    make_setting,
)
from notify_server import TEMPLATE_ID

from scheduler.config import RemindersConfig
from scheduler.domain import Authority
from scheduler.reminders import due_reminders, stage

TERM = {"start": "2026-09-07", "end": "2026-09-25", "exclude": [], "bank_holidays": "none"}
MON, TUE, WED = date(2026, 9, 14), date(2026, 9, 15), date(2026, 9, 16)


def authority(smtp_port: int = 25, notify_url: str = "http://127.0.0.1:9") -> Authority:
    """Four children booked Mon–Wed; C1 text and e-mail, C2 e-mail only, C3 opted out, C4
    text only."""
    return make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=4)],
        settings=[make_setting("S001", name="Acorn Nursery")],
        children=[
            make_child(
                "C1",
                name="Amy Smith",
                parent_email="amy.parent@example.org",
                parent_phone="+447700900001",
            ),
            make_child("C2", name="Ben Jones", parent_email="ben.parent@example.org"),
            make_child(
                "C3",
                name="Cal Brown",
                parent_email="cal.parent@example.org",
                parent_phone="+447700900003",
                reminders_opt_out=True,
            ),
            make_child("C4", name="Dan Green", parent_phone="+447700900004"),
        ],
        config=make_config(
            term=TERM,
            smtp={"host": "127.0.0.1", "port": smtp_port},
            notify={"sms_template_id": TEMPLATE_ID, "base_url": notify_url},
            contact={"phone": "020 7946 0000"},
        ),
    )


def test_stages() -> None:
    """The nearest stage reached; nothing too early, on the day or after."""
    data = authority()
    a = appointment_for(data, "C1", TUE, hm("10:00"))
    assert [stage(a, d, (7, 2)) for d in (date(2026, 9, 7), date(2026, 9, 8), MON, TUE)] == [
        None,
        7,
        2,
        None,
    ]
    assert stage(a, date(2026, 9, 10), (7, 2)) == 7  # a run missed on day 7 still reminds
    assert stage(a, date(2026, 9, 13), (7, 2)) == 2


def test_who_is_reminded() -> None:
    """Opted-out and declined families are not reminded; channels follow the contact details."""
    data = authority()
    plan = make_plan(
        data,
        [
            appointment_for(data, "C1", TUE, hm("10:00")),
            appointment_for(data, "C2", WED, hm("10:00")),
            appointment_for(data, "C3", TUE, hm("11:00")),
            appointment_for(data, "C4", TUE, hm("14:00")),
        ],
    )
    due = due_reminders(data, plan, MON, (7, 2))
    assert [r.label for r in due] == [
        "C1 2-day sms",
        "C1 2-day email",
        "C4 2-day sms",
        "C2 2-day email",
    ]
    assert [r.label for r in due_reminders(data, plan, MON, (7, 2), declined={"C1"})] == [
        "C4 2-day sms",
        "C2 2-day email",
    ]


def test_quiet_hours_span_midnight() -> None:
    """20:00–08:00 is quiet; 08:00 and 19:59 are not."""
    quiet = RemindersConfig().quiet
    assert [quiet(hm(t)) for t in ("07:59", "08:00", "19:59", "20:00", "23:30", "00:10")] == [
        True,
        False,
        False,
        True,
        True,
        True,
    ]
