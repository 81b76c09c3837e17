"""``replies.csv`` in a plan folder (scheduler/reply_file.py): each child's latest answer written
whole and atomically, read back exactly, and a damaged file refused with its line numbers."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from builders import hm

from scheduler.errors import InputError
from scheduler.replies import ReplyRecord, ReplyState
from scheduler.reply_file import COLUMNS, REPLIES, read_replies, write_replies

CONFIRMED = ReplyRecord(
    "C2", ReplyState.CONFIRMED, 1, datetime(2026, 9, 2, 10, 15, tzinfo=UTC), "k2"
)
COUNTER = ReplyRecord(
    "C1",
    ReplyState.COUNTER_PROPOSED,
    0,
    datetime(2026, 9, 3, 8, 0, tzinfo=timezone(timedelta(hours=1))),
    "k1",
    proposed_date=date(2026, 9, 9),
    proposed_start=hm("13:30"),
    proposed_end=hm("14:15"),
)


def test_what_is_written_is_read_back(tmp_path: Path) -> None:
    """Every field survives the file: state, sequence, the reply's time and zone, the
    proposed day and times, and an answer without a proposal keeps none."""
    write_replies(tmp_path, {"C2": CONFIRMED, "C1": COUNTER})
    assert read_replies(tmp_path) == {"C1": COUNTER, "C2": CONFIRMED}
    assert read_replies(tmp_path)["C1"].replied_at.utcoffset() == timedelta(hours=1)


def test_one_row_per_child_in_order(tmp_path: Path) -> None:
    """The header is the documented columns; rows are sorted by child id; times as HH:MM."""
    write_replies(tmp_path, {"C2": CONFIRMED, "C1": COUNTER})
    lines = (tmp_path / REPLIES).read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert [line.split(",")[0] for line in lines[1:]] == ["C1", "C2"]
    assert lines[1].split(",")[4:7] == ["2026-09-09", "13:30", "14:15"]
    assert lines[2].split(",")[4:7] == ["", "", ""]


def test_no_file_is_no_replies(tmp_path: Path) -> None:
    """A plan nobody has answered yet has no replies.csv: nothing on record."""
    assert read_replies(tmp_path) == {}


def test_writing_again_replaces_the_file_whole(tmp_path: Path) -> None:
    """The new records replace the old ones (no row is kept from before), and no temporary
    file is left beside it."""
    write_replies(tmp_path, {"C1": COUNTER, "C2": CONFIRMED})
    write_replies(tmp_path, {"C2": CONFIRMED})
    assert read_replies(tmp_path) == {"C2": CONFIRMED}
    assert [p.name for p in tmp_path.iterdir()] == [REPLIES]


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails while the new file is put in place: the old answers are still there."""
    write_replies(tmp_path, {"C1": COUNTER})

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_replies(tmp_path, {"C2": CONFIRMED})
    monkeypatch.undo()
    assert read_replies(tmp_path) == {"C1": COUNTER}
    assert [p.name for p in tmp_path.iterdir()] == [REPLIES]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("state", "maybe"),  # not a state
        ("sequence", "two"),  # not a number
        ("replied_at", "yesterday"),  # not a time
        ("proposed_date", "09/09/2026"),  # not an ISO date
        ("proposed_start", "half one"),  # not HH:MM
        ("child_id", " "),  # no child
    ],
)
def test_a_damaged_row_is_refused_with_its_line(tmp_path: Path, column: str, value: str) -> None:
    """A row that does not read is an InputError naming the file and its line (3: the second
    row), never a traceback and never a half-read answer."""
    write_replies(tmp_path, {"C1": COUNTER, "C2": CONFIRMED})
    path = tmp_path / REPLIES
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[COLUMNS.index(column)] = value
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_replies(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.message) == (str(path), 3, "malformed reply row")


def test_a_missing_column_refuses_every_row(tmp_path: Path) -> None:
    """A file without the ``message_key`` column: each row is reported."""
    (tmp_path / REPLIES).write_text(
        "child_id,state,sequence,replied_at,proposed_date,proposed_start,proposed_end\n"
        "C1,confirmed,0,2026-09-02T10:15:00+00:00,,,\n"
        "C2,declined,0,2026-09-02T10:15:00+00:00,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_replies(tmp_path)
    assert [p.line for p in caught.value.problems] == [2, 3]


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    """Bytes that are not UTF-8: one problem saying the file cannot be read."""
    (tmp_path / REPLIES).write_bytes(b"child_id,state\n\xff\xfe\n")
    with pytest.raises(InputError) as caught:
        read_replies(tmp_path)
    (problem,) = caught.value.problems
    assert problem.message == "cannot read file"
