"""Calendar files of one plan: parse back with two parsers, times, people, privacy, format."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import ics_fixtures as fx
import pytest
from builders import appointment_for, hm, make_authority, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from scheduler.deadlines import working_days_before
from scheduler.export.bundle import MARKER, calendar_files, setting_zip, write_calendars
from scheduler.export.components import london_vtimezone
from scheduler.export.entries import LONDON
from scheduler.export.ics import (
    build_calendars,
    family_invite,
    numbered,
    practitioner_feed,
    setting_feed,
)
from scheduler.export.letters import (
    child_label,
    clean,
    family_letter_html,
    first_name,
    initials,
)
from scheduler.export.uids import EventKind, event_uid, file_stem


@pytest.fixture(scope="module", params=["joint", "separate"])
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole ``ics/`` folder of the fixture plan, in each review model."""
    data = fx.authority(request.param)
    out = tmp_path_factory.mktemp(request.param) / "ics"
    write_calendars(build_calendars(data, fx.plan(data)), out)
    return out


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# --------------------------------------------------------------------------- parsing


def test_every_file_parses_with_icalendar_and_vobject(written: Path) -> None:
    """Every .ics (also inside the zips) reads back in both parsers with the same events."""
    names = []
    for name, data in fx.ics_files(written):
        names.append(name)
        cal = Calendar.from_ical(data)
        ours = sorted(str(c["UID"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO"))
        theirs = fx.vobject_calendar(data)
        components = [*theirs.contents.get("vevent", []), *theirs.contents.get("vtodo", [])]
        assert sorted(c.uid.value for c in components) == ours, name
        assert theirs.version.value == "2.0"
        assert cal["METHOD"] in ("PUBLISH", "REQUEST", "CANCEL")
    assert any(n.startswith("settings/") for n in names)
    assert any(n.startswith("practitioners/") for n in names)
    assert any(n.startswith("invites/") for n in names)
    assert any(n.startswith("all.zip:") for n in names)


def test_times_are_right_on_both_sides_of_the_clock_change() -> None:
    """10:00 local is 09:00Z on 20 Oct (BST) and 10:00Z on 27 Oct (GMT), in both parsers."""
    data = fx.authority()
    calendars = build_calendars(data, fx.plan(data))
    expected = {  # C001 has the longer meeting
        "C001": (datetime(2026, 10, 20, 9, 0, tzinfo=UTC), timedelta(minutes=60)),
        "C002": (datetime(2026, 10, 27, 10, 0, tzinfo=UTC), timedelta(minutes=45)),
    }
    for child_id, (start, length) in expected.items():
        ics = calendars.invites[child_id].ics
        local = start.astimezone(LONDON).strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Europe/London:{local}".encode() in ics
        assert local.endswith("T100000")
        event = fx.events(ics)[0]
        assert _utc(event.decoded("DTSTART")) == start
        assert _utc(event.decoded("DTEND")) == start + length
        independent = fx.vobject_calendar(ics).vevent
        assert _utc(independent.dtstart.value) == start
        assert _utc(independent.dtend.value) == start + length


def test_vtimezone_agrees_with_the_tz_database_for_years_around_the_term() -> None:
    """Our VTIMEZONE (read by icalendar without lookup, and by vobject) matches zoneinfo."""
    cal = Calendar.new(prodid="-//t//t//EN", uid="t", subcomponents=[london_vtimezone()])
    ours = london_vtimezone().to_tz(lookup_tzid=False)
    theirs = fx.vobject_calendar(cal.to_ical()).vtimezone.gettzinfo()
    zone = ZoneInfo("Europe/London")
    moments = [datetime(2025, 1, 1, 12, tzinfo=UTC) + timedelta(days=d) for d in range(6 * 365)]
    for year in range(2025, 2031):  # every 10 minutes for two days around each change
        for month in (3, 10):
            last_sunday = max(
                date(year, month, d) for d in range(25, 32) if date(year, month, d).weekday() == 6
            )
            around = datetime(last_sunday.year, month, last_sunday.day, tzinfo=UTC)
            moments += [around + timedelta(minutes=10 * k) for k in range(-144, 144)]
    for moment in moments:
        truth = moment.astimezone(zone).utcoffset()
        assert moment.astimezone(ours).utcoffset() == truth, moment
        assert moment.astimezone(theirs).utcoffset() == truth, moment


def test_vtimezone_uses_yearly_rules_not_date_lists() -> None:
    """Outlook reads only RRULE transitions, so the zone has no RDATE and one rule each way."""
    text = Calendar.new(prodid="-//t//t//EN", uid="t", subcomponents=[london_vtimezone()])
    raw = text.to_ical().decode()
    assert "RDATE" not in raw
    assert raw.count("RRULE:FREQ=YEARLY") == 2
    assert "TZID:Europe/London" in raw


# --------------------------------------------------------------------------- invitations


def test_invitation_has_organiser_and_attendees_with_rsvp() -> None:
    """REQUEST with the [organiser] as ORGANIZER; practitioner, key person and parent invited."""
    data = fx.authority()
    invitation = build_calendars(data, fx.plan(data)).invites["C001"]
    cal = Calendar.from_ical(invitation.ics)
    assert cal["METHOD"] == "REQUEST"
    event = fx.events(invitation.ics)[0]
    assert str(event["ORGANIZER"]) == f"mailto:{fx.COORDINATOR}"
    assert event["ORGANIZER"].params["CN"] == "Islington IR Team, Families; Health"
    attendees = {str(a).removeprefix("mailto:"): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {
        "p001@health.example.org",
        "ana@acorns.example.org",
        "mary.obrien@example.com",
    }
    for params in attendees.values():
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["RSVP"] == "TRUE"
    assert attendees["p001@health.example.org"]["CN"] == "Siân O'Neill, RGN; HV"
    assert attendees["mary.obrien@example.com"]["CN"] == "Mary O'Brien, Sr; Jr"
    independent = fx.vobject_calendar(invitation.ics).vevent
    assert independent.organizer.value == f"mailto:{fx.COORDINATOR}"
    assert len(independent.contents["attendee"]) == 3
    assert {r.email for r in invitation.recipients} == set(attendees)


def test_invitation_leaves_out_people_without_email_and_the_key_person_when_separate() -> None:
    """No parent email, no parent attendee; in the separate model the key person is not there."""
    joint = fx.authority()
    no_parent = fx.events(build_calendars(joint, fx.plan(joint)).invites["C002"].ics)[0]
    assert {str(a) for a in no_parent["ATTENDEE"]} == {
        "mailto:p001@health.example.org",
        "mailto:ana@acorns.example.org",
    }
    separate = fx.authority("separate")
    event = fx.events(build_calendars(separate, fx.plan(separate)).invites["C001"].ics)[0]
    assert {str(a) for a in event["ATTENDEE"]} == {
        "mailto:p001@health.example.org",
        "mailto:mary.obrien@example.com",
    }
    assert "Highbury Grove Clinic" in str(event["LOCATION"])


def test_family_invitation_reads_like_an_appointment_letter() -> None:
    """Names the child, says when/where/who, the red book, ASQ-3 and how to rearrange."""
    data = fx.authority()
    event = fx.events(build_calendars(data, fx.plan(data)).invites["C001"].ics)[0]
    assert str(event["SUMMARY"]) == "Integrated review for Zoë Ann O'Brien"
    text = str(event["DESCRIPTION"])
    for phrase in (
        "Dear Mary O'Brien, Sr; Jr,",
        "Tuesday 20 October 2026, 10:00 to 11:00",
        "Little Acorns; Nursery, Ltd, 1 High Street, Islington N1 1AA",
        "Siân O'Neill, RGN; HV (health visitor)",
        "Ana-María López, Jr, Zoë's key person",
        "red book (personal child health record)",
        "The ASQ-3 form, if we sent you one",
        "Can't come?",
        fx.COORDINATOR,
    ):
        assert phrase in text, phrase


def test_letter_calls_a_childminder_a_childminder() -> None:
    """At a childminder the key person is the childminder, and the letter says so."""
    data = fx.authority()
    text = build_calendars(data, fx.plan(data)).invites["C003"].text
    assert "Bea Bee, Łucja's childminder," in text
    assert "key person at Busy Bees" not in text


def test_separate_model_letter_asks_for_the_progress_summary() -> None:
    """In the separate model the family brings the key person's report, ready by its due date."""
    data = fx.authority("separate")
    text = build_calendars(data, fx.plan(data)).invites["C001"].text
    assert (
        "A short report on Zoë from Ana-María López, Jr at Little Acorns; Nursery, Ltd. "
        "Please ask for it. It will be ready by Friday 16 October 2026." in text
    )
    assert "Please come to Highbury Grove Clinic." in text


def test_family_reminder_the_day_before() -> None:
    """The family's invitation and download carry a display alarm one day before."""
    data = fx.authority()
    calendars = build_calendars(data, fx.plan(data))
    for ics in (calendars.invites["C001"].ics, calendars.family["C001"]):
        alarms = list(Calendar.from_ical(ics).walk("VALARM"))
        assert len(alarms) == 1
        assert alarms[0]["ACTION"] == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(days=-1)
        assert fx.vobject_calendar(ics).vevent.valarm.trigger.value == timedelta(days=-1)


# --------------------------------------------------------------------------- feeds


def test_setting_feed_publishes_its_reviews_pre_meetings_and_tasks_only() -> None:
    """S001's feed is PUBLISH with its two reviews, their pre-meetings and the key person's
    preparation tasks, nothing of S002."""
    data = fx.authority()
    feed = build_calendars(data, fx.plan(data)).settings["S001"]
    assert Calendar.from_ical(feed)["METHOD"] == "PUBLISH"
    term = data.config.term.name
    expected = {
        event_uid(term, child, kind)
        for child in ("C001", "C002")
        for kind in (EventKind.SETTING, EventKind.SETTING_PRE, EventKind.SUMMARY_TODO)
    }
    assert set(fx.by_uid(feed)) == expected
    pre = fx.by_uid(feed)[event_uid(term, "C001", EventKind.SETTING_PRE)]
    assert pre.decoded("DTSTART") == datetime(2026, 10, 20, 9, 45, tzinfo=LONDON)
    assert pre.decoded("DTEND") == datetime(2026, 10, 20, 10, 0, tzinfo=LONDON)
    assert "ATTENDEE" not in feed.decode()


def test_practitioner_feed_has_address_geo_and_travel_in_day_order() -> None:
    """LOCATION is the setting's address, GEO its position, and travel follows the day."""
    data = fx.authority()
    day = fx.BEFORE_CHANGE
    plan = make_plan(
        data,
        [
            appointment_for(data, "C002", day, hm("14:00")),
            appointment_for(data, "C001", day, hm("10:00")),
        ],
    )
    feed = build_calendars(data, plan).practitioners["P001"]
    reviews = [e for e in fx.events(feed) if str(e["UID"]).endswith("+practitioner@" + _domain())]
    assert [e.decoded("DTSTART").hour for e in reviews] == [10, 14]
    first, second = reviews
    assert str(first["LOCATION"]) == "Little Acorns; Nursery, Ltd, 1 High Street, Islington N1 1AA"
    assert first["GEO"].latitude == pytest.approx(51.55)
    assert first["GEO"].longitude == pytest.approx(-0.1)
    assert "from Highbury Grove Clinic" in str(first["DESCRIPTION"])
    assert "No travel: already at Little Acorns" in str(second["DESCRIPTION"])
    assert fx.vobject_calendar(feed).vevent.geo.value == "51.55;-0.1"


def _domain() -> str:
    from scheduler.export.uids import UID_DOMAIN

    return UID_DOMAIN


def test_separate_model_practitioner_feed_is_at_the_clinic() -> None:
    """In the separate model the venue is the practitioner's clinic (base_name, base GEO)."""
    data = fx.authority("separate")
    feed = build_calendars(data, fx.plan(data)).practitioners["P002"]
    (event,) = fx.events(feed)
    assert str(event["LOCATION"]) == "Finsbury Health Centre"
    assert event["GEO"].latitude == pytest.approx(51.527)
    assert "Pre-meeting" not in feed.decode()


def test_separate_model_key_person_todo_due_on_a_working_day_in_term() -> None:
    """VTODO "prepare the EYFS progress summary" two working days before the review, and never
    in half term: for Monday 2 November (after half term) it is due Friday 23 October."""
    data = fx.authority("separate")
    for day, due in (
        (date(2026, 11, 5), date(2026, 11, 3)),
        (date(2026, 11, 2), date(2026, 10, 23)),
    ):
        plan = make_plan(data, [appointment_for(data, "C001", day, hm("10:00"))])
        feed = build_calendars(data, plan).settings["S001"]
        (todo,) = Calendar.from_ical(feed).walk("VTODO")
        assert "Prepare the EYFS progress summary" in str(todo["SUMMARY"])
        assert todo.decoded("DUE") == due
        assert todo["STATUS"] == "NEEDS-ACTION"
        assert fx.vobject_calendar(feed).vtodo.due.value == due


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    """Two working days before Wed 6 May 2026 is Fri 1 May (Mon 4 May is a bank holiday)."""
    assert working_days_before(date(2026, 5, 6), 2, "england") == date(2026, 5, 1)
    assert working_days_before(date(2026, 5, 6), 2, "none") == date(2026, 5, 4)
    assert working_days_before(date(2026, 12, 30), 2, "england") == date(2026, 12, 24)


def test_downloads_offered_to_settings_are_publish() -> None:
    """Feed, family copy and every calendar in the setting's zip use METHOD:PUBLISH."""
    data = fx.authority()
    plan = fx.plan(data)
    assert Calendar.from_ical(setting_feed(data, plan, "S001"))["METHOD"] == "PUBLISH"
    assert Calendar.from_ical(practitioner_feed(data, plan, "P001"))["METHOD"] == "PUBLISH"
    family = family_invite(data, plan, "C001")
    assert Calendar.from_ical(family)["METHOD"] == "PUBLISH"
    assert b"ATTENDEE" not in family and b"RSVP" not in family
    with zipfile.ZipFile(io.BytesIO(setting_zip(data, plan, "S001"))) as archive:
        names = archive.namelist()
        assert "S001.ics" in names and "family/C001.ics" in names and "letters/C001.html" in names
        assert not any("C003" in n for n in names)  # another setting's child
        for name in names:
            if name.endswith(".ics"):
                assert Calendar.from_ical(archive.read(name))["METHOD"] == "PUBLISH"


def test_dashboard_feed_matches_the_full_build() -> None:
    """setting_feed gives the same bytes as the setting's file in the full set."""
    data = fx.authority()
    plan = fx.plan(data)
    assert setting_feed(data, plan, "S001") == build_calendars(data, plan).settings["S001"]
    with pytest.raises(KeyError):
        family_invite(data, plan, "C999")


# --------------------------------------------------------------------------- privacy


def _forbidden(data_dobs: dict[str, date]) -> list[re.Pattern[str]]:
    patterns = [
        re.compile(r"funded", re.I),
        re.compile(r"\bSEND\b"),
        re.compile(r"special educational", re.I),
        re.compile(r"disabilit", re.I),
        re.compile(r"concern", re.I),
        re.compile(r"home.?language", re.I),
        re.compile(r"date of birth|born", re.I),
        *(re.compile(language, re.I) for language in fx.LANGUAGES),
    ]
    for dob in data_dobs.values():
        for text in (
            dob.isoformat(),
            dob.strftime("%Y%m%d"),
            dob.strftime("%d/%m/%Y"),
            dob.strftime("%d/%m/%y"),
            f"{dob.day} {dob:%B %Y}",
            f"{dob.day} {dob:%b %Y}",
            f"{dob:%B} {dob.day}, {dob.year}",
            dob.strftime("%d.%m.%Y"),
        ):
            patterns.append(re.compile(re.escape(text), re.I))
    return patterns


@pytest.mark.parametrize("names", ["initials", "full", "id"])
@pytest.mark.parametrize("model", ["joint", "separate"])
def test_no_forbidden_personal_field_in_any_calendar(
    names: str, model: str, tmp_path: Path
) -> None:
    """No DOB (any format), funded, SEND or concerns in any file written; the home language
    only in the practitioner's own feed ("Interpreter: Polish"), never a setting's or family's."""
    data = fx.authority(model, names)
    write_calendars(build_calendars(data, fx.plan(data)), tmp_path / "ics")
    patterns = _forbidden(fx.DOBS)
    languages = [re.compile(language, re.I) for language in fx.LANGUAGES]
    checked = 0
    interpreters = set()
    for name, ics in fx.ics_files(tmp_path / "ics"):
        text = ics.decode("utf-8")
        unfolded = text.replace("\r\n ", "")
        own = name.split(":")[-1].startswith("practitioners/")
        for pattern in patterns:
            if own and pattern in languages:  # only the practitioner books the interpreter
                continue
            assert not pattern.search(unfolded), (name, pattern.pattern)
        interpreters.update(re.findall(r"Interpreter: (\w+)", unfolded) if own else [])
        checked += 1
    letters = list((tmp_path / "ics" / "letters").rglob("*.html"))
    for letter in letters:
        for pattern in patterns:
            assert not pattern.search(letter.read_text(encoding="utf-8")), letter.name
    assert checked >= 8 and len(letters) == 6
    assert interpreters == set(fx.LANGUAGES)


def test_calendar_names_decide_how_children_appear_in_feeds() -> None:
    """initials (default) "A.B. (C0123)", full name, or id only; families always see the name."""
    term = "Autumn 2026"
    uid = event_uid(term, "C001", EventKind.SETTING)
    summaries = {}
    for style in ("initials", "full", "id"):
        data = fx.authority(names=style)
        calendars = build_calendars(data, fx.plan(data))
        summaries[style] = str(fx.by_uid(calendars.settings["S001"])[uid]["SUMMARY"])
        practitioner = calendars.practitioners["P001"].decode().replace("\r\n ", "")
        invite = fx.events(calendars.invites["C001"].ics)[0]
        assert str(invite["SUMMARY"]) == "Integrated review for Zoë Ann O'Brien"
        if style != "full":
            assert "O'Brien" not in practitioner and "Zoë" not in practitioner
            assert "O'Brien" not in calendars.settings["S001"].decode()
    assert summaries == {
        "initials": "Integrated review — Z.A.O. (C001)",
        "full": "Integrated review — Zoë Ann O'Brien (C001)",
        "id": "Integrated review — C001",
    }


def test_initials_and_labels() -> None:
    """Initials take every part of a name, hyphenated ones too; a missing name shows the id."""
    assert initials("Amelia-Rose  van Dijk") == "A.R.V.D."
    assert child_label("C0123", "Amelia Brown", "initials") == "A.B. (C0123)"
    assert child_label("C0123", "", "full") == "C0123"


# --------------------------------------------------------------------------- format


def test_lines_folded_to_75_octets_with_crlf(written: Path) -> None:
    """Every content line is at most 75 octets and ends with CRLF (multi-byte names too)."""
    for name, ics in fx.ics_files(written):
        assert ics.endswith(b"\r\n"), name
        assert b"\n" not in ics.replace(b"\r\n", b""), name
        for line in ics.split(b"\r\n"):
            assert len(line) <= 75, (name, line)
            line.decode("utf-8")  # folding never splits a character


def test_escaping_round_trips_commas_semicolons_accents_and_newlines() -> None:
    """Names with , ; " accents and a line break come back intact (the break as a space)."""
    data = fx.authority(names="full")
    calendars = build_calendars(data, fx.plan(data))
    term = data.config.term.name
    feed = calendars.settings["S001"]
    raw = feed.decode()
    assert "Little Acorns\\; Nursery\\, Ltd" in raw
    parsed = fx.by_uid(feed)
    independent = {e.uid.value: e for e in fx.vobject_calendar(feed).contents["vevent"]}
    oliver = event_uid(term, "C002", EventKind.SETTING)
    assert str(parsed[oliver]["SUMMARY"]) == "Integrated review — Oliver Smith (C002)"
    assert independent[oliver].summary.value == "Integrated review — Oliver Smith (C002)"
    location = "Little Acorns; Nursery, Ltd, 1 High Street, Islington N1 1AA"
    assert str(parsed[oliver]["LOCATION"]) == location
    assert independent[oliver].location.value == location
    invite = calendars.invites["C001"].ics
    description = fx.vobject_calendar(invite).vevent.description.value
    assert description == str(fx.events(invite)[0]["DESCRIPTION"])
    assert "\n\nPlease bring\n\n- Zoë's red book" in description
    p002 = fx.vobject_calendar(calendars.invites["C003"].ics).vevent.contents["attendee"][0]
    assert p002.params["CN"] == ["Zoë 'Zee' Ängström"]


ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
"""Any Unicode a spreadsheet cell can hold (lone surrogates cannot be UTF-8)."""


@settings(max_examples=40, deadline=None)
@given(
    child=ANY_TEXT,
    parent=ANY_TEXT | st.sampled_from(["^", "a ^ b", '"Mum"', "Zoë, Jr;\n\tSr"]),
)
def test_any_name_round_trips_through_both_parsers(child: str, parent: str) -> None:
    """Whatever a spreadsheet holds in a name, both parsers read back the cleaned name."""
    data = fx.authority()
    children = dict(data.children)
    children["C001"] = replace(children["C001"], name=child, parent_name=parent)
    data = replace(data, children=children)
    ics = build_calendars(data, fx.plan(data)).invites["C001"].ics
    for line in ics.split(b"\r\n"):
        assert len(line) <= 75
    shown_child = clean(child) or "C001"
    shown_parent = (
        clean(
            (clean(parent) or f"Parent or carer of {first_name(shown_child)}")
            .replace('"', "'")
            .replace("^", "")
        )
        or "mary.obrien@example.com"
    )
    event = fx.events(ics)[0]
    assert str(event["SUMMARY"]) == f"Integrated review for {shown_child}"
    independent = fx.vobject_calendar(ics).vevent
    assert independent.summary.value == f"Integrated review for {shown_child}"
    cns = [a.params["CN"][0] for a in independent.contents["attendee"]]
    assert shown_parent in cns


def test_output_is_deterministic_for_the_same_plan(tmp_path: Path) -> None:
    """Same plan, same bytes: DTSTAMP is the plan's creation time, zips have fixed dates."""
    data = fx.authority()
    first = calendar_files(build_calendars(data, fx.plan(data)))
    second = calendar_files(build_calendars(data, fx.plan(data)))
    assert first == second
    assert b"DTSTAMP:20260901T080000Z" in first["invites/C001.ics"]
    assert b"UID:" in first["settings/S001.ics"]


def test_write_calendars_layout_and_safety(tmp_path: Path) -> None:
    """The folder has each part and zip; it replaces its own output but not a foreign folder."""
    data = fx.authority()
    calendars = build_calendars(data, fx.plan(data))
    out = tmp_path / "ics"
    write_calendars(calendars, out)
    for part in (
        "settings/S001.ics",
        "settings/S002.ics",
        "practitioners/P001.ics",
        "invites/C001.ics",
        "family/C001.ics",
        "letters/C001.html",
        "zips/S001.zip",
        MARKER,
    ):
        assert (out / part).is_file(), part
    assert not (out / "cancellations").exists()
    write_calendars(calendars, out)  # its own output is replaced
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(ValueError):
        write_calendars(calendars, foreign)
    assert (foreign / "keep.txt").read_text() == "mine"
    assert not list(tmp_path.glob(".ics.*"))  # no staging left behind


def test_file_names_are_safe_for_any_id() -> None:
    """Ids with separators cannot escape the folder; different ids never share a file name."""
    assert "/" not in file_stem("../S/1") and not file_stem("..").startswith(".")
    assert file_stem("a b") != file_stem("a_20b")


def test_uid_depends_on_term_and_child_only() -> None:
    """The UID is built from term and child: stable whatever the date, time or practitioner."""
    uid = event_uid("Autumn 2026", "C001", EventKind.INVITE)
    assert uid == "ir+autumn-2026+C001@integrated-review.scheduler"
    assert event_uid("Spring 2027", "C001", EventKind.INVITE) != uid
    assert event_uid("Autumn 2026", "C001", EventKind.SETTING) != uid
    assert event_uid("Autumn 2026", "C001+setting", EventKind.INVITE) != event_uid(
        "Autumn 2026", "C001", EventKind.SETTING
    )


def test_printable_letter_is_escaped_html_with_the_essentials() -> None:
    """The HTML letter escapes names and carries the appointment, what to bring and contact."""
    data = fx.authority()
    page = family_letter_html(data, fx.plan(data), "C001")
    assert page.startswith("<!DOCTYPE html>")
    assert "Zoë Ann O&#39;Brien" in page
    assert "Little Acorns; Nursery, Ltd" in page
    assert "red book" in page and "ASQ-3" in page and fx.COORDINATOR in page
    assert "<script" not in page


def test_numbering_counts_against_the_plan_families_last_received() -> None:
    """``numbered`` gives the SEQUENCE numbers ``build_calendars`` gives against the same plan
    (a moved review one up); with nothing received yet the plan is returned as it is."""
    data = make_authority()
    first = make_plan(data, [appointment_for(data, "C001")])
    moved = make_plan(data, [appointment_for(data, "C001", start=hm("13:00"))])
    assert numbered(data, moved, None) is moved
    counted = numbered(data, moved, first).sequences
    assert counted == build_calendars(data, moved, previous=first).sequences
    assert max(counted.values()) == 1
