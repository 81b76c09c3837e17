"""``scheduler recommend``: ranked slots on the terminal, ``--book`` writes a checked new plan
whose calendars move only the booked child's invitation."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from builders import (
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_outcome,
    make_plan,
    make_practitioner,
    make_unscheduled,
)

from scheduler.cli import main
from scheduler.commands.recommend import render
from scheduler.export.uids import EventKind, event_uid
from scheduler.io.plan_files import read_plan, write_plan
from scheduler.io.write_data import write_authority
from scheduler.recommend import Move, Recommendation, Recommendations

THREE_DAYS = {"start": "2026-09-08", "end": "2026-09-10", "exclude": [], "bank_holidays": "none"}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """Data with three children (P001 sees one a day); a plan with C1 on Tue and C3 waiting
    after a was-not-brought outcome; calendars written."""
    authority = make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=1)],
        children=[
            make_child("C1", parent_email="one@example.org"),
            make_child("C2", parent_email="two@example.org"),
            make_child("C3", parent_email="three@example.org"),
        ],
        outcomes=[make_outcome("C3", date(2026, 9, 1), "was_not_brought")],
        config=make_config(term={**THREE_DAYS, "today": "2026-09-01"}, review={"notice_days": 0}),
    )
    data, plan_dir = tmp_path / "data", tmp_path / "plan"
    write_authority(authority, data)
    plan = make_plan(
        authority,
        [appointment_for(authority, "C1", date(2026, 9, 8), hm("10:00"))],
        [make_unscheduled("C2"), make_unscheduled("C3")],
    )
    plan = replace(plan, summary=replace(plan.summary, data_path=str(data)))
    plan = replace(plan, summary=replace(plan.summary, unscheduled_by_reason={"CAPACITY": 2}))
    write_plan(plan, plan_dir)
    assert main(["check", str(data), str(plan_dir)]) == 0
    assert main(["export-ics", str(plan_dir), "--out", str(tmp_path / "ics0")]) == 0
    return data, plan_dir


def test_lists_ranked_slots(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """One child: the free days, best first, with see-by and cost; no names printed."""
    data, plan = folders
    assert main(["recommend", str(data), "--plan", str(plan), "--child", "C2"]) == 0
    out = capsys.readouterr().out
    assert "C2: see by" in out
    assert "1. Wed 09 Sep 2026" in out and "2. Thu 10 Sep 2026" in out
    assert "nobody else moves" in out
    assert "Tue 08 Sep 2026" not in out


def test_list_mode_not_brought(
    folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--not-brought-since lists the week's re-booking children with their slots."""
    data, plan = folders
    assert (
        main(["recommend", str(data), "--plan", str(plan), "--not-brought-since", "2026-08-31"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("C3: see by")


def test_book_writes_a_checked_plan(folders: tuple[Path, Path], tmp_path: Path) -> None:
    """--book 1: C2 booked and pinned, C1 unchanged, the checker agrees, and the calendar
    update is C2's invitation only."""
    data, plan = folders
    new = tmp_path / "new"
    args = ["recommend", str(data), "--plan", str(plan), "--child", "C2", "--book", "1"]
    assert main([*args, "--out", str(new)]) == 0
    before, after = read_plan(plan), read_plan(new)
    assert [a for a in after.appointments if a.child_id == "C1"] == before.appointments
    c2 = next(a for a in after.appointments if a.child_id == "C2")
    assert (c2.date, c2.start) == (date(2026, 9, 9), c2.start)
    assert [(p.child_id, p.date, p.start) for p in after.pins] == [("C2", c2.date, c2.start)]
    assert json.loads((new / "summary.json").read_text())["scheduled"] == 2
    assert (
        main(
            ["check", str(data), str(new), "--previous", str(plan), "--pins", str(new / "pins.csv")]
        )
        == 0
    )
    update = tmp_path / "update"
    assert main(["export-ics", str(new), "--previous", str(plan), "--out", str(update)]) == 0
    invites = sorted(p.name for p in (update / "invites").iterdir())
    assert len(invites) == 1 and invites[0].startswith("C2")  # C1's invitation is not re-sent


def test_moving_a_child_updates_their_invitation(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    """C1 asks to move: the new plan moves C1 only, and C1's invitation goes out again as an
    update of the same event (same UID, SEQUENCE one higher)."""
    data, plan = folders
    new = tmp_path / "moved"
    args = ["recommend", str(data), "--plan", str(plan), "--child", "C1", "--book", "1"]
    assert main([*args, "--out", str(new)]) == 0
    moved = next(a for a in read_plan(new).appointments if a.child_id == "C1")
    assert moved.date == date(2026, 9, 9)
    update = tmp_path / "update"
    assert main(["export-ics", str(new), "--previous", str(plan), "--out", str(update)]) == 0
    (invite,) = list((update / "invites").iterdir())
    text = invite.read_text()
    uid = event_uid("Autumn 2026", "C1", EventKind.INVITE)
    assert f"UID:{uid}" in text.replace("\r\n ", "")
    assert "SEQUENCE:1" in text
    assert json.loads((new / "sequences.json").read_text())[uid] == 1


def test_refusals(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--book without --out, into the plan itself, or a slot that is not there: exit 2,
    nothing written."""
    data, plan = folders
    base = ["recommend", str(data), "--plan", str(plan), "--child", "C2"]
    assert main([*base, "--book", "1"]) == 2
    assert main([*base, "--book", "1", "--out", str(plan)]) == 2
    assert main([*base, "--book", "9", "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()
    with (plan / "appointments.csv").open() as f:
        assert len(list(csv.reader(f))) == 2
    assert main(["recommend", str(data), "--plan", str(plan), "--child", "NOPE"]) == 0
    assert "no child with this id" in capsys.readouterr().out


def test_render_says_the_see_by_date_each_slot_and_its_cost() -> None:
    """A coordinator's lines: ids, dates and times, the see-by date, who else would move."""
    authority = make_authority(children=[make_child("C001"), make_child("C002")])
    slot = appointment_for(authority, "C001", date(2026, 9, 8), start=hm("10:00"))
    moved_to = appointment_for(authority, "C002", date(2026, 9, 9), start=hm("11:00"))
    move = Move("C002", date(2026, 9, 8), hm("10:00"), moved_to, "frees the 10:00 slot")
    answer = Recommendations(
        "C001",
        "moves_needed",
        (Recommendation(1, slot, 3.5, date(2026, 9, 8) + timedelta(days=5), (move,)),),
        "",
        see_by=date(2026, 9, 13),
    )
    lines = render(answer)
    assert lines[0] == "C001: see by Sun 13 Sep 2026 (30 months)"
    assert lines[1] == "  no free slot; these need someone else to move:"
    assert lines[2].startswith("  1. Tue 08 Sep 2026 10:00")
    assert "Joint review at the setting with P001" in lines[2]  # scheduler.wording's words
    assert "3.50 points, 5 days before see-by" in lines[2]
    assert "C002 moves from Tue 08 Sep 10:00 to Wed 09 Sep 11:00 (frees the 10:00 slot)" in lines[2]
    assert all(authority.children["C001"].name not in line for line in lines)


def test_render_says_why_there_is_no_slot() -> None:
    answer = Recommendations("C009", "not_bookable", (), "declined the review")
    assert render(answer) == ["C009", "  no slot: declined the review"]
