"""``scheduler remind`` (scheduler/commands/remind.py): texts through a local Notify that checks
every request as Notify does, e-mails through a real local SMTP server; quiet hours, declined
replies, a dry run, a run that fails half-way resumed without a duplicate, a busy ledger."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from builders import appointment_for, hm, make_plan
from command_helpers import help_text, usage_error
from notify_server import API_KEY, NotifyStub, notify_server
from test_reminders import TUE, WED, authority

from scheduler.cli import main
from scheduler.commands import remind
from scheduler.domain import Authority
from scheduler.io.plan_files import write_plan
from scheduler.io.write_data import write_authority
from scheduler.ledger import LEDGER_FILE, MessageLedger
from scheduler.replies import ReplyRecord, ReplyState
from scheduler.reply_file import write_replies

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
    plan = replace(plan, summary=replace(plan.summary, data_path=str(data_dir)))
    write_plan(plan, folder)
    return folder


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--days", "7,x"], "not a list of whole days"),  # not numbers
        (["--days", "7,0"], "days must be 1 or more"),  # a stage on the day itself
        (["--days", ","], "days must be 1 or more"),  # no stage at all
        (["--now", "tomorrow"], "not a local date and time"),  # not a moment
        (["--today", "14/09/2026"], "--today"),  # not an ISO date
    ],
)
def test_help_and_bad_arguments(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--help`` names the stages and the dry run; a bad value is a usage error (exit 2)."""
    text = help_text(remind, "remind", capsys)
    assert "--days" in text and "--dry-run" in text
    assert says in usage_error(["remind", "plan", *argv], capsys)


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
    """``--dry-run`` lists what is due (not the opted-out child) and writes no ledger."""
    folder = plan_folder(tmp_path, authority())
    assert (
        main(["remind", str(folder), "--days", "2", "--dry-run", "--now", "2026-09-14T10:00"]) == 0
    )
    out = capsys.readouterr().out
    assert "would send C1 2-day sms" in out and "C3" not in out
    assert not (folder / "messages.sqlite").exists()


def test_a_declined_reply_on_record_is_not_reminded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A parent who declined (PLAN/replies.csv) hears nothing; the others still do."""
    folder = plan_folder(tmp_path, authority())
    declined = ReplyRecord("C1", ReplyState.DECLINED, 0, datetime(2026, 9, 2, tzinfo=UTC), "k1")
    write_replies(folder, {"C1": declined})
    args = ["remind", str(folder), "--days", "2", "--dry-run", "--now", "2026-09-14T10:00"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "C1" not in out and "would send C4 2-day sms" in out
    assert out.startswith("2 reminder(s) due on 2026-09-14")


def test_the_stages_default_to_the_config_and_today_to_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--days`` the ``[reminders] days`` apply; ``--today`` overrides the date of
    ``--now`` (a week ahead of Tuesday's reviews: the 7-day stage)."""
    folder = plan_folder(tmp_path, authority())
    args = ["remind", str(folder), "--dry-run", "--now", "2026-09-14T10:00"]
    assert main([*args, "--today", "2026-09-08"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 reminder(s) due on 2026-09-08 (stages 7,2 days)")
    assert "would send C1 7-day sms" in out and "2-day" not in out


def test_a_run_already_sending_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While another run holds the ledger: exit 2 with one line, nothing sent or recorded."""
    folder = plan_folder(tmp_path, authority())
    with MessageLedger.open(folder / LEDGER_FILE) as ledger, ledger.exclusive():
        code = main(["remind", str(folder), "--days", "2", "--now", "2026-09-14T10:00"])
        assert ledger.deliveries() == []
    assert code == 2
    assert "another run is sending" in capsys.readouterr().err
