"""``replies.csv`` in a plan folder: each child's latest answer to their invitation.

The command-line path keeps parents' replies beside the plan they answer (the plan store keeps
them per version instead, :mod:`scheduler.store.replies`). One row per child; written whole
and atomically (a temporary file renamed over the old one), read strictly.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from scheduler.domain import format_time
from scheduler.errors import InputError, Problem
from scheduler.io.atomic import atomic_file
from scheduler.replies import ReplyRecord, ReplyState

REPLIES = "replies.csv"
COLUMNS = (
    "child_id",
    "state",
    "sequence",
    "replied_at",
    "proposed_date",
    "proposed_start",
    "proposed_end",
    "message_key",
)


def _time(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def read_replies(folder: Path) -> dict[str, ReplyRecord]:
    """The replies on record for the plan in ``folder`` (none when there is no file)."""
    path = folder / REPLIES
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), 0, "-", "cannot read file", str(exc))]) from None
    records: dict[str, ReplyRecord] = {}
    problems = []
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        try:
            cid = row["child_id"].strip()
            if not cid:
                raise ValueError("child_id")
            records[cid] = ReplyRecord(
                child_id=cid,
                state=ReplyState(row["state"]),
                sequence=int(row["sequence"]),
                replied_at=datetime.fromisoformat(row["replied_at"]),
                message_key=row["message_key"],
                proposed_date=date.fromisoformat(row["proposed_date"])
                if row["proposed_date"]
                else None,
                proposed_start=_time(row["proposed_start"]) if row["proposed_start"] else None,
                proposed_end=_time(row["proposed_end"]) if row["proposed_end"] else None,
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            problems.append(Problem(str(path), line, "-", "malformed reply row", str(exc)[:60]))
    if problems:
        raise InputError(problems)
    return records


def write_replies(folder: Path, records: dict[str, ReplyRecord]) -> None:
    """Replace ``replies.csv`` with ``records`` (by child id), atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for cid in sorted(records):
        r = records[cid]
        writer.writerow(
            [
                r.child_id,
                r.state.value,
                r.sequence,
                r.replied_at.isoformat(),
                r.proposed_date.isoformat() if r.proposed_date else "",
                format_time(r.proposed_start) if r.proposed_start is not None else "",
                format_time(r.proposed_end) if r.proposed_end is not None else "",
                r.message_key,
            ]
        )
    text = buffer.getvalue()
    atomic_file(folder / REPLIES, lambda path: path.write_text(text, encoding="utf-8"))
