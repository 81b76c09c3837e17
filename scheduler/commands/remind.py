"""``scheduler remind PLAN [--days 7,2] [--dry-run] [--today DATE]``: remind families.

Text messages through GOV.UK Notify (``[notify]``; never in ``[reminders]`` quiet hours: a run
then leaves them for the next) and e-mails through the SMTP server (``[smtp]``), each with the
way to rearrange (``[contact]``). Everything sent is recorded in the plan's message ledger
(``PLAN/messages.sqlite``), so running again (after a failure, or twice a day) sends only what
has not gone. Output names children by id and channels, never numbers or addresses.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.commands.arguments import iso_date
from scheduler.commands.export_ics import data_path
from scheduler.commands.send_invites import DEFAULT_RETRY, print_report
from scheduler.export.email import DeliveryReport, Retry, SendError, deliver
from scheduler.export.sms import TextMessage, deliver_sms, notify_client
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.ledger import LEDGER_FILE, LedgerBusy, MessageLedger
from scheduler.reminders import (
    declined_children,
    due_reminders,
    personalisation,
    reminder_email,
)
from scheduler.reply_file import read_replies

LONDON = ZoneInfo("Europe/London")


def _days(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole days like 7,2 ({text})") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"days must be 1 or more ({text})")
    return tuple(sorted(set(values), reverse=True))


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a local date and time like 2026-09-01T09:30 ({text})"
        ) from None


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "remind",
        help="remind families of their review by text message and e-mail",
        description="Send today's reminders (the nearest of --days before each review): texts "
        "through GOV.UK Notify, e-mails through SMTP, each with how to rearrange. A ledger in "
        "the plan folder makes a second run send only what the first did not.",
    )
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan folder")
    parser.add_argument("--data", type=Path, help="data folder (default: the plan's data_path)")
    parser.add_argument("--config", type=Path, help="config.toml instead of the data folder's")
    parser.add_argument(
        "--days",
        type=_days,
        default=None,
        help="days before the review, e.g. 7,2 (default: [reminders] days)",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="DATE",
        help="the date to remind from (default: [term] today, else the calendar's)",
    )
    parser.add_argument(
        "--now",
        type=_moment,
        default=None,
        metavar="DATETIME",
        help="the local date and time of the run (for quiet hours; default: now)",
    )
    parser.add_argument("--dry-run", action="store_true", help="list what would be sent")
    parser.add_argument(
        "--ledger",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the record of what was sent (default: PLAN/{LEDGER_FILE})",
    )
    parser.add_argument("--retries", type=int, default=DEFAULT_RETRY.attempts, metavar="N")
    parser.add_argument("--retry-wait", type=float, default=DEFAULT_RETRY.wait, metavar="SECONDS")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    plan = read_plan(args.plan)
    loaded = load_authority(data_path(plan, args.plan, args.data), args.config)
    for warning in loaded.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    authority = loaded.authority
    config = authority.config
    now = args.now or datetime.now(LONDON).replace(tzinfo=None)
    today: date = args.today or (now.date() if args.now else config.term.today or now.date())
    days = args.days or config.reminders.days
    reminders = due_reminders(
        authority, plan, today, days, declined=declined_children(read_replies(args.plan))
    )
    texts = [r for r in reminders if r.channel == "sms"]
    emails = [r for r in reminders if r.channel == "email"]
    quiet = config.reminders.quiet(now.hour * 60 + now.minute)
    print(
        f"{len(reminders)} reminder(s) due on {today} (stages {','.join(map(str, days))} days): "
        f"{len(texts)} text(s), {len(emails)} e-mail(s)"
        + (
            f"; quiet hours ({config.reminders.quiet_start}–{config.reminders.quiet_end}): "
            "texts wait for the next run"
            if quiet and texts
            else ""
        )
    )
    if args.dry_run:
        for r in reminders:
            held = " (held: quiet hours)" if quiet and r.channel == "sms" else ""
            print(f"  would send {r.label} for {r.appointment.date}{held}")
        return 0
    retry = Retry(attempts=max(0, args.retries), wait=max(0.0, args.retry_wait))
    ledger_path = args.ledger or args.plan / LEDGER_FILE
    total = DeliveryReport()
    try:
        with MessageLedger.open(ledger_path) as ledger, ledger.exclusive():
            if emails:
                sent_at = datetime.now(LONDON)
                report = deliver(
                    [reminder_email(authority, r, sent_at=sent_at) for r in emails],
                    config.smtp,
                    ledger,
                    retry=retry,
                )
                _add(total, report)
            if texts and not quiet:
                client = notify_client(config.notify, os.environ)
                messages = [
                    TextMessage(
                        r.message_id,
                        r.label,
                        authority.children[r.child_id].parent_phone or "",
                        personalisation(authority, r),
                        r.reference,
                    )
                    for r in texts
                ]
                _add(total, deliver_sms(messages, config.notify, client, ledger, retry=retry))
            elif texts:
                for r in texts:
                    total.left[r.label] = "quiet hours"
    except LedgerBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SendError as exc:
        _add(total, exc.report)
        print_report(total, len(reminders), "SMTP and Notify")
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print_report(total, len(reminders), "SMTP and Notify")
    return 1 if total.failed or total.left else 0


def _add(total: DeliveryReport, part: DeliveryReport) -> None:
    total.sent += part.sent
    total.already += part.already
    total.failed.update(part.failed)
    total.left.update(part.left)
