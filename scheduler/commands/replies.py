"""``scheduler replies PLAN FOLDER``: read parents' answers to the plan's invitations.

FOLDER is a folder of ``.eml`` files or a Maildir. Each message's iTIP ``REPLY`` (accepted,
declined, tentative) or ``COUNTER`` (a proposed time) is matched to the plan by UID and
attendee (:mod:`scheduler.replies`); anything else is refused, by reason, with no personal data
in the output. Answers are kept in ``PLAN/replies.csv`` (or, with ``--db --version N``, in the
plan store for that version); reading the same messages again changes nothing.

Then the coordinator sees who confirmed, who is tentative, the re-booking list (declined, each
with the best free slot ready) and the counter-proposals (with whether the proposed time is
valid). ``--accept CHILD --out NEWPLAN`` books a valid counter-proposal: a new plan folder with
the child at the proposed time, pinned and checked, calendars updated.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from scheduler.booking import book
from scheduler.commands.export_ics import add_input_options, load_inputs
from scheduler.commands.store import default_actor, open_for_command, refused
from scheduler.domain import format_time
from scheduler.export.plan_folder import write_plan_folder
from scheduler.recommend import SlotFinder
from scheduler.replies import (
    REFUSAL_TEXT,
    ReplyMatcher,
    ReplyRecord,
    ReplyState,
    ingest,
    read_messages,
)
from scheduler.reply_file import REPLIES, read_replies, write_replies
from scheduler.store import repository as repo
from scheduler.store.records import StoreError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "replies",
        help="read parents' replies (accepted, declined, tentative, new time proposed)",
        description="Read iTIP replies from a folder of .eml files or a Maildir, match them to "
        "the plan's invitations by UID and attendee, keep each child's latest answer, and list "
        "confirmations, the re-booking list and counter-proposals.",
    )
    add_input_options(parser)
    parser.add_argument("folder", type=Path, metavar="FOLDER", help=".eml folder or Maildir")
    parser.add_argument(
        "--db",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="keep the replies in the plan store (with --version) instead of PLAN/replies.csv",
    )
    parser.add_argument("--version", type=int, metavar="N", help="the store's plan version")
    parser.add_argument(
        "--accept", metavar="CHILD", help="book this child's counter-proposal (needs --out)"
    )
    parser.add_argument("--out", type=Path, metavar="NEWPLAN", help="plan folder for --accept")
    parser.set_defaults(func=run)


def describe(records: dict[str, ReplyRecord], finder: SlotFinder) -> list[str]:
    """What a coordinator does next, by state (ids, dates and times only)."""
    lines = []
    by_state: dict[ReplyState, list[ReplyRecord]] = {s: [] for s in ReplyState}
    for cid in sorted(records):
        by_state[records[cid].state].append(records[cid])
    confirmed = by_state[ReplyState.CONFIRMED]
    tentative = by_state[ReplyState.TENTATIVE]
    lines.append(
        f"Confirmed {len(confirmed)}: " + (", ".join(r.child_id for r in confirmed) or "none")
    )
    lines.append(
        f"Tentative {len(tentative)}: " + (", ".join(r.child_id for r in tentative) or "none")
    )
    declined = by_state[ReplyState.DECLINED]
    lines.append(f"Re-booking list (declined) {len(declined)}:")
    for r in declined:
        answer = finder.recommend(r.child_id, top=1)
        if answer.slots:
            best = answer.slots[0]
            a = best.appointment
            lines.append(
                f"  {r.child_id}: best slot {a.date:%a %d %b} {format_time(a.start)} "
                f"({best.cost}); book with: scheduler recommend DATA --plan PLAN "
                f"--child {r.child_id} --book 1 --out NEWPLAN"
            )
        else:
            lines.append(f"  {r.child_id}: no slot ({answer.reason})")
    counters = by_state[ReplyState.COUNTER_PROPOSED]
    lines.append(f"Counter-proposals {len(counters)}:")
    for r in counters:
        assert r.proposed_date is not None and r.proposed_start is not None
        when = f"{r.proposed_date:%a %d %b} {format_time(r.proposed_start)}"
        verdict = finder.check_slot(
            finder.authority.children[r.child_id], r.proposed_date, r.proposed_start
        )
        if verdict.ok:
            lines.append(
                f"  {r.child_id}: proposes {when}: valid; accept with --accept {r.child_id}"
            )
        else:
            lines.append(f"  {r.child_id}: proposes {when}: not possible ({verdict.reason})")
    return lines


def run(args: argparse.Namespace) -> int:
    if (args.db is None) != (args.version is None):
        print("error: --db and --version go together", file=sys.stderr)
        return 2
    if args.accept is not None and args.out is None:
        print("error: --accept needs --out NEWPLAN", file=sys.stderr)
        return 2
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    inputs = load_inputs(args)
    authority, plan = inputs.authority, inputs.plan
    store = None
    try:
        if args.db is not None:
            store = open_for_command(args.db)
            on_record = repo.list_replies(store, args.version)
        else:
            on_record = read_replies(args.plan)
        report = ingest(read_messages(args.folder), ReplyMatcher(authority, plan), on_record)
        if store is not None:
            repo.record_replies(store, args.version, report.recorded, actor=default_actor())
        elif report.recorded:
            write_replies(args.plan, {**on_record, **{r.child_id: r for r in report.recorded}})
    except (StoreError, SQLAlchemyError) as exc:
        return refused(exc)
    finally:
        if store is not None:
            store.dispose()
    records = {**on_record, **{r.child_id: r for r in report.recorded}}
    for item in report.refused:
        print(f"refused {item.source}: {item.reason.value} ({REFUSAL_TEXT[item.reason]})")
    where = f"store version {args.version}" if store is not None else str(args.plan / REPLIES)
    print(
        f"Read {len(report.recorded) + len(report.unchanged) + len(report.refused)} message(s): "
        f"{len(report.recorded)} new answer(s) kept in {where}, {len(report.unchanged)} "
        f"already known or older, {len(report.refused)} refused"
    )
    finder = SlotFinder(authority, plan)
    print("\n".join(describe(records, finder)))
    if args.accept is None:
        return 0
    return accept(args, finder, records)


def accept(args: argparse.Namespace, finder: SlotFinder, records: dict[str, ReplyRecord]) -> int:
    """Book ``--accept CHILD``'s counter-proposal into ``--out`` when it is valid."""
    record = records.get(args.accept)
    if record is None or record.state is not ReplyState.COUNTER_PROPOSED:
        print(f"error: {args.accept} has no counter-proposal on record", file=sys.stderr)
        return 2
    assert record.proposed_date is not None and record.proposed_start is not None
    child = finder.authority.children[record.child_id]
    verdict = finder.check_slot(child, record.proposed_date, record.proposed_start)
    if verdict.appointment is None:
        print(f"error: the proposed time is not possible: {verdict.reason}", file=sys.stderr)
        return 1
    booking = book(
        finder.authority,
        finder.plan,
        [verdict.appointment],
        availability=finder.availability,
        created_at=datetime.now(UTC).replace(microsecond=0),
        note="counter-proposal accepted",
    )
    if not booking.check.ok:
        for v in booking.check.violations:
            print(f"check: {v}", file=sys.stderr)
        return 1
    write_plan_folder(
        finder.authority, booking.plan, args.out, previous=finder.plan, calendars=True
    )
    a = verdict.appointment
    print(
        f"Accepted {a.child_id}'s proposal: {a.date:%a %d %b %Y} {format_time(a.start)} "
        f"(pinned; check valid). New plan written to {args.out}; send the update with: "
        f"scheduler send-invites {args.out} --previous {args.plan}"
    )
    return 0
