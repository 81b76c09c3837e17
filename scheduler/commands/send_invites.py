"""``scheduler send-invites PLAN [--previous OLDPLAN] [--dry-run --out DIR]``: email invitations.

Each invitation goes out as an iTIP message to everyone on it (practitioner, key person in the
joint model, parent where an email is known). With ``--previous`` only new and changed
invitations are sent, plus cancellations of dropped reviews and notices to people taken off a
review. ``--dry-run`` writes the messages as ``.eml`` files instead of sending them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from scheduler.commands.export_ics import add_input_options, load_inputs, remember_sequences
from scheduler.export.email import (
    SendError,
    invitation_email,
    message_label,
    send_emails,
    write_eml,
)
from scheduler.export.ics import Invitation, build_calendars
from scheduler.io.plan_files import SEQUENCES

EXIT_NOT_ALL_SENT = 1


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
    parser.set_defaults(func=run)


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
    try:
        report = send_emails([(message_label(i), m) for i, m in messages], smtp)
    except SendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_ALL_SENT
    for label, why in report.refused.items():
        print(f"refused {label}: {why}", file=sys.stderr)
    print(f"Sent {len(report.sent)} of {len(messages)} message(s) through {smtp.host}:{smtp.port}")
    if inputs.previous is not None and remember_sequences(args.plan, inputs.plan, calendars):
        print(f"Updated {args.plan / SEQUENCES} with the new SEQUENCE numbers")
    return EXIT_NOT_ALL_SENT if report.refused or skipped else 0
