"""Reminders: texts through a local Notify that checks every request as Notify does, e-mails
through a real local SMTP server; stages, quiet hours, opt-out, declined replies, and a run
that fails half-way resumed without a duplicate."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
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
from notify_server import API_KEY, TEMPLATE_ID, NotifyStub, notify_server

from scheduler.cli import main
from scheduler.config import RemindersConfig
from scheduler.domain import Authority
from scheduler.io.plan_files import write_plan
from scheduler.io.write_data import write_authority
from scheduler.phones import uk_mobile
from scheduler.reminders import due_reminders, stage

TERM = {"start": "2026-09-07", "end": "2026-09-25", "exclude": [], "bank_holidays": "none"}
MON, TUE, WED = date(2026, 9, 14), date(2026, 9, 15), date(2026, 9, 16)
KEY_ENV = "SCHEDULER_NOTIFY_API_KEY"


@dataclass
class Mailbox:
    arrivals: list[EmailMessage] = field(default_factory=list)
    rcpts: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        self.arrivals.append(message)
        self.rcpts.extend(envelope.rcpt_tos)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


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


def plan_folder(tmp_path: Path, data: Authority) -> Path:
    data_dir, folder = tmp_path / "data", tmp_path / "plan"
    write_authority(data, data_dir)
    plan = make_plan(
        data,
        [
            appointment_for(data, "C1", TUE, hm("10:00")),
            appointment_for(data, "C2", WED, hm("10:00")),
            appointment_for(data, "C3", TUE, hm("11:00")),
            appointment_for(data, "C4", TUE, hm("14:00")),
        ],
    )
    plan.summary["data_path"] = str(data_dir)
    write_plan(plan, folder)
    return folder


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


def test_uk_mobile_numbers() -> None:
    assert uk_mobile("07700 900123") == "+447700900123"
    assert uk_mobile("+44 (0)7700-900123") is None  # the (0) is not part of the number
    assert uk_mobile("0044 7700 900123") == "+447700900123"
    assert uk_mobile("020 7946 0000") is None


def test_remind_sends_texts_and_emails_once(
    tmp_path: Path,
    smtp: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Texts pass Notify's checks (JWT, body, number); e-mails say how to rearrange; a second
    run sends nothing; the output names no number or address."""
    mailbox, port = smtp
    monkeypatch.setenv(KEY_ENV, API_KEY)
    with notify_server() as notify:
        folder = plan_folder(tmp_path, authority(port, notify.url))
        args = ["remind", str(folder), "--days", "7,2", "--now", "2026-09-14T09:30"]
        assert main(args) == 0
        out = capsys.readouterr().out
        assert notify.refused == []
        assert sorted(b["phone_number"] for b in notify.accepted) == [
            "+447700900001",
            "+447700900004",
        ]
        first = next(b for b in notify.accepted if b["phone_number"].endswith("01"))
        assert first["personalisation"] == {
            "child": "Amy",
            "date": "Tuesday 15 September",
            "time": "10:00",
            "place": "Acorn Nursery",
            "rearrange": "To rearrange, call 020 7946 0000.",
        }
        assert first["reference"].startswith("ir-") and "C1" not in first["reference"]
        assert sorted(mailbox.rcpts) == ["amy.parent@example.org", "ben.parent@example.org"]
        body = mailbox.arrivals[0].get_content()
        assert "To rearrange, call 020 7946 0000." in body
        for secret in ("+4477", "@example.org", "Amy"):
            assert secret not in out

        assert main(args) == 0
        assert len(notify.accepted) == 2 and len(mailbox.arrivals) == 2
        assert "(4 in an earlier run)" in capsys.readouterr().out


def test_quiet_hours_hold_texts_but_not_emails(
    tmp_path: Path, smtp: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 21:00 on Sunday the e-mail goes (Tuesday's review) and the texts wait; Monday
    morning's run sends them (and Wednesday's e-mail, now two days ahead)."""
    mailbox, port = smtp
    monkeypatch.setenv(KEY_ENV, API_KEY)
    with notify_server() as notify:
        folder = plan_folder(tmp_path, authority(port, notify.url))
        base = ["remind", str(folder), "--days", "2"]
        assert main([*base, "--now", "2026-09-13T21:00"]) == 1  # texts left
        assert notify.accepted == [] and mailbox.rcpts == ["amy.parent@example.org"]
        assert main([*base, "--now", "2026-09-14T08:05"]) == 0
        assert len(notify.accepted) == 2 and len(mailbox.arrivals) == 2


def test_a_failing_notify_run_is_resumed_without_duplicates(
    tmp_path: Path, smtp: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notify falls over after the first text: the run stops with one left; the next run sends
    only that one."""
    _, port = smtp
    monkeypatch.setenv(KEY_ENV, API_KEY)
    stub = NotifyStub(fail_after=1)
    with notify_server(stub) as notify:
        folder = plan_folder(tmp_path, authority(port, notify.url))
        args = ["remind", str(folder), "--days", "2", "--now", "2026-09-14T10:00"]
        args += ["--retries", "1", "--retry-wait", "0"]
        assert main(args) == 1
        assert len(notify.accepted) == 1 and notify.failed == 2  # first try and one retry
        notify.fail_after = None
        assert main(args) == 0
    numbers = [b["phone_number"] for b in notify.accepted]
    assert sorted(numbers) == ["+447700900001", "+447700900004"]  # each exactly once


def test_wrong_key_stops_the_run(
    tmp_path: Path, smtp: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key Notify refuses (403) stops the run; nothing is recorded as sent."""
    _, port = smtp
    wrong = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
    monkeypatch.setenv(KEY_ENV, wrong)
    with notify_server() as notify:
        folder = plan_folder(tmp_path, authority(port, notify.url))
        args = ["remind", str(folder), "--days", "2", "--now", "2026-09-14T10:00"]
        assert main(args) == 1
        assert notify.accepted == [] and notify.refused[0][0] == 403


def test_dry_run_sends_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = plan_folder(tmp_path, authority())
    assert (
        main(["remind", str(folder), "--days", "2", "--dry-run", "--now", "2026-09-14T10:00"]) == 0
    )
    out = capsys.readouterr().out
    assert "would send C1 2-day sms" in out and "C3" not in out
    assert not (folder / "messages.sqlite").exists()


def test_bad_phone_number_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """parent_phone must be a UK mobile number: file:line: column: problem (value), exit 2."""
    data = authority()
    data_dir = tmp_path / "data"
    write_authority(data, data_dir)
    text = (data_dir / "children.csv").read_text().replace("+447700900004", "020 7946 0000")
    (data_dir / "children.csv").write_text(text)
    assert main(["validate", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "children.csv:5: parent_phone: not a UK mobile number" in err
    assert "(020 7946 0000)" in err
