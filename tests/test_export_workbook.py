"""The coordinator's rota workbook (scheduler/export/workbook.py): a summary, links and
unscheduled children, then a sheet per practitioner and per setting with every review; names,
but no date of birth, funded status, SEND or concerns; sheet names always valid."""

from __future__ import annotations

import io

from builders import (
    REVIEW_DAY,
    appointment_for,
    child_in_no_setting,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from scheduler.domain import Authority
from scheduler.export.workbook import APPOINTMENT_HEADER, rota_workbook
from scheduler.plan import Plan


def two_practitioners() -> tuple[Authority, Plan]:
    """P001 at S001 (two reviews), P002 at S002 (one), a clinic review of a child in no
    setting, one child unscheduled."""
    authority = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002", base_lat=52.0)],
        settings=[
            make_setting("S001"),
            make_setting("S002", lat=52.0, link_practitioner_id="P002"),
        ],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C10", send=True, prior_concerns=True),
            make_child("C11"),
            make_child("C12"),
            make_child("C20", setting_id="S002", key_person_id="K002"),
            child_in_no_setting("C30"),
        ],
    )
    appointments = [
        appointment_for(authority, "C10", REVIEW_DAY, hm("10:00")),
        appointment_for(authority, "C11", REVIEW_DAY, hm("11:30")),
        appointment_for(authority, "C20", REVIEW_DAY, hm("10:00")),
        appointment_for(authority, "C30", REVIEW_DAY, hm("14:00")),
    ]
    return authority, make_plan(authority, appointments, [make_unscheduled("C12")])


def book_of(authority: Authority, plan: Plan) -> Workbook:
    return load_workbook(io.BytesIO(rota_workbook(authority, plan)))


def rows(book: Workbook, sheet: str) -> list[tuple[object, ...]]:
    return list(book[sheet].iter_rows(min_row=2, values_only=True))


def test_the_sheets_are_summary_links_unscheduled_then_people_and_settings() -> None:
    """Fixed sheets first (the summary in words, every appointment in one filterable sheet);
    one per practitioner and per setting with reviews."""
    book = book_of(*two_practitioners())
    assert book.sheetnames == [
        "Summary",
        "All appointments",
        "Links",
        "Unscheduled",
        "P001 Practitioner P001",
        "P002 Practitioner P002",
        "S001 Setting S001",
        "S002 Setting S002",
    ]
    assert [r[1] for r in rows(book, "Unscheduled")] == ["C12"]
    assert ("Children booked", "4 of 5 (80%)") in rows(book, "Summary")


def test_every_review_is_on_its_practitioners_sheet_in_time_order() -> None:
    """Each practitioner's reviews, by date and time; a clinic review says where and whose
    summary the key person writes."""
    authority, plan = two_practitioners()
    book = book_of(authority, plan)
    header = next(book["P001 Practitioner P001"].iter_rows(max_row=1, values_only=True))
    assert list(header) == APPOINTMENT_HEADER
    p1 = rows(book, "P001 Practitioner P001")
    assert [r[6] for r in p1] == ["C10", "C11", "C30"]
    clinic = p1[2]
    assert clinic[7] == "(no setting)" and clinic[10] == "clinic" and clinic[2] == ""
    assert [r[6] for r in rows(book, "S001 Setting S001")] == ["C10", "C11"]


def test_no_date_of_birth_funded_status_send_or_concerns() -> None:
    """Coordinators contact families, so names appear; nothing more sensitive does."""
    book = book_of(*two_practitioners())
    text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    assert "2024-06-15" not in text and "Child C10" in text
    headers = " ".join(
        str(c) for ws in book for c in next(ws.iter_rows(max_row=1, values_only=True))
    )
    for word in ("birth", "funded", "send", "concern"):
        assert word not in headers.lower()


def test_sheet_names_are_valid_and_unique_whatever_the_names() -> None:
    """Brackets, colons, slashes, apostrophes and great length make valid, distinct sheets."""
    long_id = "SETTING-WITH-A-VERY-LONG-ID-000"  # ids alike in their first 31 characters
    ids = ["S001", f"{long_id}1", f"{long_id}2"]
    authority = make_authority(
        settings=[
            make_setting(ids[0], name="St. Mary's [Annexe]: Room 1/2?"),
            make_setting(ids[1], name="Twin"),
            make_setting(ids[2], name="Twin"),
        ],
        key_persons=[make_key_person(f"K{i}", setting_id=sid) for i, sid in enumerate(ids)],
        children=[
            make_child(f"C{i}", setting_id=sid, key_person_id=f"K{i}") for i, sid in enumerate(ids)
        ],
    )
    plan = make_plan(
        authority,
        [appointment_for(authority, f"C{i}", REVIEW_DAY, hm(f"{10 + i}:00")) for i in range(3)],
    )
    names = book_of(authority, plan).sheetnames
    assert len(names) == len({n.lower() for n in names})
    for name in names:
        assert len(name) <= 31 and not any(ch in name for ch in "[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert any(name.endswith(" (2)") for name in names)
