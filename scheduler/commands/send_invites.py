"""``scheduler send-invites PLAN [--previous OLDPLAN] [--dry-run --out DIR]``: email invitations.

Each invitation goes out as an iTIP message to everyone on it (practitioner, key person in the
joint model, parent where an email is known). With ``--previous`` only new and changed
invitations are sent, plus cancellations of dropped reviews and notices to people taken off a
review. ``--dry-run`` writes the messages as ``.eml`` files instead of sending them.

Sending is recorded in a message ledger (``PLAN/messages.sqlite`` unless ``--ledger``), one
committed entry per recipient as the server accepts it. A dropped connection or a ``4xx``
answer is retried with growing waits; if the server stays away, the command stops, says how
many were sent, failed and left, and a second run sends only what is left. Nothing in its
output pairs a child with a parent's address: messages are named by child id, people by their
part in the review.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from scheduler.commands.export_ics import add_input_options, load_inputs, remember_sequences
from scheduler.domain import Authority
from scheduler.export.email import (
    DeliveryReport,
    Outgoing,
    Recipient,
    Retry,
    SendError,
    deliver,
    invitation_email,
    message_id,
    message_label,
    recipient_key,
    write_eml,
)
from scheduler.export.ics import Invitation, build_calendars
from scheduler.io.plan_files import SEQUENCES
from scheduler.ledger import LEDGER_FILE, LedgerBusy, MessageLedger

EXIT_NOT_ALL_SENT = 1
EXIT_REFUSED = 2
DEFAULT_RETRY = Retry()


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "send-invites",
        help="email the plan's invitations (and, after a re-plan, updates and cancellations)",
        description=(
            "Email each review's invitation as a calendar invitation (text/calendar; "
            "method=REQUEST) through the SMTP server in [smtp] of config.toml; credentials "
            "come from the environment variables it names. With --previous OLDPLAN only new "
            "or changed invitations and cancellations are sent. --dry-run --out DIR writes "
            ".eml files instead."
        ),
    )
    add_input_options(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="write .eml files to --out instead of sending"
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="folder for --dry-run's .eml files"
    )
    parser.add_argument(
        "--ledger",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"the record of what was sent (default: PLAN/{LEDGER_FILE}); a re-run sends only "
        "what it does not record",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=DEFAULT_RETRY.attempts,
        metavar="N",
        help=f"retries in a row after a dropped connection or a 4xx answer "
        f"(default {DEFAULT_RETRY.attempts})",
    )
    parser.add_argument(
        "--retry-wait",
        type=float,
        default=DEFAULT_RETRY.wait,
        metavar="SECONDS",
        help=f"first wait before retrying, doubling each time (default {DEFAULT_RETRY.wait:g})",
    )
    parser.set_defaults(func=run)


def who(authority: Authority, invitation: Invitation, address: str) -> str:
    """The recipient's part in the review, which reports show instead of the address."""
    wanted = address.strip().lower()
    child = authority.children.get(invitation.child_id)
    if child is not None and (child.parent_email or "").strip().lower() == wanted:
        return "parent"
    if any(p.email.strip().lower() == wanted for p in authority.practitioners.values()):
        return "practitioner"
    if any((k.email or "").strip().lower() == wanted for k in authority.key_persons.values()):
        return "key person"
    return "recipient"


def outgoing(authority: Authority, invitation: Invitation, message: EmailMessage) -> Outgoing:
    """The message with its stable id and its people, keyed for the ledger."""
    ident = message_id(invitation)
    people = tuple(
        Recipient(recipient_key(ident, p.email), p.email, who(authority, invitation, p.email))
        for p in invitation.recipients
    )
    return Outgoing(ident, message_label(invitation), message, people)


def print_report(report: DeliveryReport, total: int, where: str) -> None:
    """The counts on stdout; each failed or left message on stderr (ids and parts only)."""
    for label, why in report.failed.items():
        print(f"failed {label}: {why}", file=sys.stderr)
    for label, why in report.left.items():
        print(f"left {label}: {why}", file=sys.stderr)
    earlier = f" ({len(report.already)} in an earlier run)" if report.already else ""
    print(
        f"Sent {len(report.sent) + len(report.already)} of {total} message(s){earlier}, "
        f"failed {len(report.failed)}, left {len(report.left)}, through {where}"
    )
    if report.left:
        print(
            f"Run the same command again to send the {len(report.left)} left: "
            "nothing already sent goes twice."
        )


def run(args: argparse.Namespace) -> int:
    if args.dry_run and args.out is None:
        print("error: --dry-run needs --out DIR for the .eml files", file=sys.stderr)
        return 2
    inputs = load_inputs(args)
    authority = inputs.authority
    calendars = build_calendars(authority, inputs.plan, previous=inputs.previous)
    invitations: list[Invitation] = [
        *(calendars.changed_invites.values()),
        *calendars.cancellations.values(),
    ]
    skipped = [i for i in invitations if not i.recipients]
    for invitation in skipped:
        print(f"skipped {message_label(invitation)}: nobody on it has an email", file=sys.stderr)
    now = datetime.now(UTC)
    organiser = authority.config.organiser
    messages: list[tuple[Invitation, EmailMessage]] = [
        (i, invitation_email(i, organiser, sent_at=now)) for i in invitations if i.recipients
    ]
    if args.dry_run:
        paths = write_eml(messages, args.out)
        print(f"Wrote {len(paths)} message(s) to {args.out} (nothing sent)")
        return 0
    if not messages:
        print("Nothing to send")
        return 0
    smtp = authority.config.smtp
    where = f"{smtp.host}:{smtp.port}"
    retry = Retry(attempts=max(0, args.retries), wait=max(0.0, args.retry_wait))
    ledger_path = args.ledger or args.plan / LEDGER_FILE
    queue = [outgoing(authority, i, m) for i, m in messages]
    try:
        with MessageLedger.open(ledger_path) as ledger, ledger.exclusive():
            report = deliver(queue, smtp, ledger, retry=retry)
    except LedgerBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except SendError as exc:
        print_report(exc.report, len(queue), where)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_ALL_SENT
    print_report(report, len(queue), where)
    if inputs.previous is not None and remember_sequences(args.plan, inputs.plan, calendars):
        print(f"Updated {args.plan / SEQUENCES} with the new SEQUENCE numbers")
    return EXIT_NOT_ALL_SENT if report.failed or report.left or skipped else 0
