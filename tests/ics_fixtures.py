"""A small authority with awkward names and sensitive fields, and helpers to read calendars back.

Names carry commas, semicolons, quotes, accents and a line break; children are funded, have
SEND, prior concerns and a home language, so tests can prove none of it leaks into a calendar.
Reviews fall on both sides of the clock change of Sunday 25 October 2026.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import vobject
from builders import (
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
)
from icalendar import Calendar

from scheduler.config import Config
from scheduler.domain import Authority
from scheduler.plan import Appointment, Plan

BEFORE_CHANGE = date(2026, 10, 20)
"""Tuesday before the clock change: 10:00 BST is 09:00 UTC."""
AFTER_CHANGE = date(2026, 11, 3)
"""Tuesday after it: 10:00 GMT is 10:00 UTC."""
JUST_AFTER_CHANGE = date(2026, 10, 27)
"""The Tuesday right after the change (half term by default, but calendars do not care)."""

DOBS = {"C001": date(2024, 6, 15), "C002": date(2024, 5, 3), "C003": date(2024, 4, 20)}
LANGUAGES = ("Polish", "Portuguese")
COORDINATOR = "reviews@council.example.gov.uk"


def config(model: str = "joint", names: str = "initials", **sections: Any) -> Config:
    """The contract's defaults with this review model, naming style, a coordinator whose name
    needs escaping, and any other sections given (``smtp={...}``)."""
    document: dict[str, Any] = {
        "review": {"model": model},
        "organiser": {"name": "Islington IR Team, Families; Health", "email": COORDINATOR},
        "privacy": {"calendar_names": names},
    }
    document.update(sections)
    return Config.model_validate(document)


def authority(model: str = "joint", names: str = "initials", **sections: Any) -> Authority:
    """Two practitioners, two settings, three children with everything sensitive set."""
    cfg = config(model, names, **sections)
    return make_authority(
        practitioners=[
            make_practitioner(
                "P001",
                name="Siân O'Neill, RGN; HV",
                role="health_visitor",
                base_name="Highbury Grove Clinic",
                base_lat=51.5460,
                base_lon=-0.0980,
            ),
            make_practitioner(
                "P002",
                name='Zoë "Zee" Ängström',
                role="community_nursery_nurse",
                base_name="Finsbury Health Centre",
                base_lat=51.5270,
                base_lon=-0.1080,
            ),
        ],
        settings=[
            make_setting(
                "S001",
                name="Little Acorns; Nursery, Ltd",
                address="1 High Street,\nIslington N1 1AA",
                lat=51.5500,
                lon=-0.1000,
                link_practitioner_id="P001",
            ),
            make_setting(
                "S002",
                name="Busy Bees Childminding",
                type="childminder",
                address="22 Canonbury Road, London N1 2DF",
                lat=51.5420,
                lon=-0.1010,
                link_practitioner_id="P002",
            ),
        ],
        key_persons=[
            make_key_person("K001", name="Ana-María López, Jr", email="ana@acorns.example.org"),
            make_key_person("K002", setting_id="S002", name="Bea Bee"),
        ],
        children=[
            make_child(
                "C001",
                dob=DOBS["C001"],
                name="Zoë Ann O'Brien",
                funded=True,
                send=True,
                prior_concerns=True,
                home_language=LANGUAGES[0],
                parent_name="Mary O'Brien, Sr; Jr",
                parent_email="mary.obrien@example.com",
            ),
            make_child(
                "C002",
                dob=DOBS["C002"],
                name="Oliver\nSmith",
                funded=True,
                send=True,
                parent_name="Sam Smith",
            ),
            make_child(
                "C003",
                dob=DOBS["C003"],
                name="Łucja Nowak",
                setting_id="S002",
                key_person_id="K002",
                funded=False,
                prior_concerns=True,
                home_language=LANGUAGES[1],
                parent_email="nowak@example.com",
            ),
        ],
        config=cfg,
    )


def appointments(data: Authority) -> list[Appointment]:
    """C001 before the clock change, C002 just after, C003 a week later."""
    return [
        appointment_for(data, "C001", BEFORE_CHANGE, hm("10:00")),
        appointment_for(data, "C002", JUST_AFTER_CHANGE, hm("10:00")),
        appointment_for(data, "C003", AFTER_CHANGE, hm("10:00")),
    ]


def plan(data: Authority, **kwargs: Any) -> Plan:
    """The three reviews as one plan (``created_at`` fixed by the builders)."""
    return make_plan(data, appointments(data), **kwargs)


def events(ics: bytes) -> list[Any]:
    """The VEVENTs of a calendar, parsed by icalendar."""
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def by_uid(ics: bytes) -> dict[str, Any]:
    """icalendar components (events and to-dos) by UID."""
    cal = Calendar.from_ical(ics)
    return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def vobject_calendar(ics: bytes) -> Any:
    """The calendar as the independent parser reads it."""
    return vobject.readOne(ics.decode("utf-8"))


def ics_files(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every ``.ics`` under ``folder``, including those inside zips, as (name, bytes)."""
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".ics":
            yield str(path.relative_to(folder)), path.read_bytes()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
                for name in archive.namelist():
                    if name.endswith(".ics"):
                        yield f"{path.name}:{name}", archive.read(name)
