"""The dashboard, headless: every page loads, bad uploads are reported, plans and re-plans run.

Uses Streamlit's AppTest on a small generated authority (``SCHEDULER_UI_DATA`` points the
session at it) with short time limits. The solve runs in a background thread, so a test reruns
the script until the session has collected the plan, as the page's polling fragment would.
"""

from __future__ import annotations

import ast
import io
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from icalendar import Calendar
from streamlit.testing.v1 import AppTest

from scheduler.generate import generate_authority
from scheduler.io.write_data import write_authority
from scheduler.pipeline import PlanOptions
from scheduler.plan import Pin

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``ui`` is not an installed package; the app runs from the root
    sys.path.insert(0, str(ROOT))

from ui import state  # noqa: E402
from ui.background import describe_progress, start_solve  # noqa: E402
from ui.components.downloads import letters_document, plan_csv_zip  # noqa: E402
from ui.components.kpis import comparison_frame, plan_kpis  # noqa: E402
from ui.components.pins import pins_from_frame  # noqa: E402
from ui.components.tables import (  # noqa: E402
    PIN_SCHEMA,
    changed_frame,
    pins_frame,
    problems_frame,
)

APP = str(ROOT / "streamlit_app.py")
PAGES = {
    "Data": "ui/pages/data.py",
    "Termly rota": "ui/pages/plan.py",
    "Priorities": "ui/pages/priorities.py",
    "Capacity": "ui/pages/capacity.py",
    "My setting": "ui/pages/setting.py",
    "Service report": "ui/pages/report.py",
    "Outcomes": "ui/pages/outcomes.py",
}
SOLVE_TIMEOUT = 90.0

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fictional authority on disk (40 children due, 3 practitioners)."""
    folder = tmp_path_factory.mktemp("ui-data") / "authority"
    write_authority(generate_authority(40, 1), folder)
    return folder


@pytest.fixture
def app(small_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard, started on the small authority, first page rendered."""
    monkeypatch.setenv(state.DATA_ENV, str(small_data))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    yield at
    job = at.session_state[state.JOB] if state.JOB in at.session_state else None  # noqa: SIM401
    if job is not None:
        job.request_stop()
        job.wait(30)


def open_page(at: AppTest, title: str) -> AppTest:
    at.switch_page(PAGES[title])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def wait_for_solve(at: AppTest) -> None:
    """Rerun until the background solve has finished and the page has collected it."""
    deadline = time.monotonic() + SOLVE_TIMEOUT
    while at.session_state[state.JOB] is not None:
        assert time.monotonic() < deadline, "the solve did not finish in time"
        time.sleep(0.3)
        at.run()
    assert not at.exception, [e.message for e in at.exception]


def make_plan_in_app(at: AppTest) -> AppTest:
    open_page(at, "Termly rota")
    at.slider(key="ir_time_limit").set_value(5)
    at.number_input(key="ir_link_limit").set_value(2)
    at.button(key="ir_generate").click()
    at.run()
    wait_for_solve(at)
    return at


def metric_labels(at: AppTest) -> list[str]:
    return [m.label for m in at.metric]


# --- pages ----------------------------------------------------------------------------------


def test_every_page_loads_before_any_plan(app: AppTest) -> None:
    """Each page renders its title without an exception on fresh data."""
    for title in PAGES:
        open_page(app, title)
        assert app.title[0].value == title


def test_data_page_starts_on_the_configured_data(app: AppTest) -> None:
    """The Data page shows the session's authority and its counts."""
    assert app.title[0].value == "Data"
    assert "Due this term" in metric_labels(app)
    due = next(m for m in app.metric if m.label == "Due this term")
    assert due.value == "40"


def test_plan_runs_and_kpis_appear(app: AppTest) -> None:
    """Generating a plan shows every KPI card, with deltas against the hand-made rota."""
    make_plan_in_app(app)
    labels = metric_labels(app)
    for expected in (
        "Children due",
        "Scheduled",
        "Funded two-year-olds",
        "In the window",
        "Overdue seen",
        "Travel",
        "Gap to bound",
    ):
        assert expected in labels
    scheduled = next(m for m in app.metric if m.label == "Scheduled")
    assert scheduled.delta  # a signed change against the hand-made rota
    result = app.session_state[state.RESULT]
    assert result.check.ok
    assert any("no broken rule" in s.value for s in app.success)
    assert [d.label for d in app.download_button] == [
        "Rota workbook (.xlsx)",
        "Plan files (CSV, zip)",
        "All calendars (.ics, zip)",
    ]


def test_every_page_loads_with_a_plan(app: AppTest) -> None:
    """With a plan in the session, every page renders without an exception."""
    make_plan_in_app(app)
    for title in PAGES:
        open_page(app, title)
        assert app.title[0].value == title
    open_page(app, "Capacity")
    assert "Funded two-year-olds at risk" in metric_labels(app)
    open_page(app, "Service report")
    assert "Forecast" in metric_labels(app)


def _data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _upload(at: AppTest, files: dict[str, bytes]) -> None:
    at.file_uploader(key="ir_data_files").set_value(
        [(name, content, "application/octet-stream") for name, content in files.items()]
    )
    submit = next(b for b in at.button if b.label == "Check and load")
    submit.click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_bad_upload_shows_every_problem_and_keeps_the_data(app: AppTest, small_data: Path) -> None:
    """A broken upload lists each problem (file, line, column, value, problem); data unchanged."""
    files = _data_files(small_data)
    lines = files["children.csv"].decode("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("date_of_birth")] = "31/02/2025"
    lines[1] = ",".join(cells)
    files["children.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    before = app.session_state[state.AUTHORITY]

    _upload(app, files)

    assert any("The upload was not used" in e.value for e in app.error)
    table = app.dataframe[0].value
    assert list(table.columns) == ["file", "line", "column", "value", "problem"]
    row = table.iloc[0]
    assert (row["file"], row["line"], row["column"], row["value"]) == (
        "children.csv",
        "2",
        "date_of_birth",
        "31/02/2025",
    )
    assert app.session_state[state.AUTHORITY] is before


def test_good_zip_upload_replaces_the_data(app: AppTest, small_data: Path) -> None:
    """A valid zip of the CSVs becomes the session's data, and the old plan is dropped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in _data_files(small_data).items():
            if name != "children.csv":
                archive.writestr(name, content)
        kept = _data_files(small_data)["children.csv"].decode("utf-8").splitlines()[:11]
        archive.writestr("children.csv", "\n".join(kept) + "\n")
    _upload(app, {"authority.zip": buffer.getvalue()})

    assert not app.error
    children = next(m for m in app.metric if m.label == "Children")
    assert children.value == "10"
    assert app.session_state[state.RESULT] is None
    assert "your upload" in app.session_state[state.SOURCE].label


def test_slider_change_replans_with_before_and_after(app: AppTest) -> None:
    """Moving a priority slider and re-planning applies the weight and compares the plans."""
    make_plan_in_app(app)
    first = app.session_state[state.RESULT]
    open_page(app, "Priorities")
    app.slider(key="ir_weight_funded_two").set_value(9.0)
    app.slider(key="ir_replan_limit").set_value(5)
    next(b for b in app.button if b.label == "Re-plan").click()
    app.run()
    wait_for_solve(app)

    assert app.session_state[state.AUTHORITY].config.priorities.funded_two == 9.0
    assert app.session_state[state.BEFORE] is first
    assert app.session_state[state.RESULT] is not first
    assert any(h.value == "Before and after the re-plan" for h in app.header)
    comparison = app.dataframe[0].value
    assert list(comparison.columns) == ["measure", "before", "after", "change"]
    assert any("appointments changed" in m.value for m in app.markdown)


def test_pins_survive_a_replan(app: AppTest) -> None:
    """Pinned links stay in the session and hold in the re-plan."""
    make_plan_in_app(app)
    open_page(app, "Priorities")
    next(b for b in app.button if b.label == "Pin every current link").click()
    app.run()
    pins = app.session_state[state.PINS]
    assert pins and all(p.kind == "link" for p in pins)
    next(b for b in app.button if b.label == "Re-plan").click()
    app.run()
    wait_for_solve(app)

    assert app.session_state[state.PINS] == pins
    links = {lk.setting_id: lk.practitioner_id for lk in app.session_state[state.RESULT].plan.links}
    assert all(links[p.setting_id] == p.practitioner_id for p in pins)


def test_setting_page_offers_its_own_ics(app: AppTest) -> None:
    """The setting page's feed is that setting's calendar, with only its own reviews."""
    make_plan_in_app(app)
    plan = app.session_state[state.RESULT].plan
    authority = app.session_state[state.AUTHORITY]
    setting_id = plan.appointments[-1].setting_id
    open_page(app, "My setting")
    app.selectbox(key="ir_setting").set_value(setting_id)
    app.run()
    assert not app.exception

    labels = [d.label for d in app.download_button]
    assert "Calendar feed for this setting (.ics)" in labels
    memo = app.session_state[state.MEMO]
    feed = next(v for (_, key), v in memo.items() if key == f"feed:{setting_id}")
    calendar = Calendar.from_ical(feed)
    assert authority.settings[setting_id].name in str(calendar.get("X-WR-CALNAME"))
    events = [c for c in calendar.walk("VEVENT")]
    ours = [a for a in plan.appointments if a.setting_id == setting_id]
    assert len(events) >= len(ours) > 0
    slots = app.dataframe[0].value
    assert len(slots) == len(ours)
    names = {authority.children[a.child_id].name for a in ours}
    assert not any(name in feed.decode("utf-8") for name in names)  # initials only


# --- the background runner ------------------------------------------------------------------


def test_stop_keeps_the_best_plan_so_far() -> None:
    """Stopping a solve ends it long before its time limit with a complete, valid plan."""
    authority = generate_authority(120, 3)
    began = time.monotonic()
    job = start_solve(authority, PlanOptions(time_limit=120, link_time_limit=2, workers=1))
    job.request_stop()  # before scheduling starts: every piece gets the quick rota
    assert job.wait(60)
    assert time.monotonic() - began < 60
    result = job.result
    assert result is not None
    assert result.plan.summary["stopped_early"] is True
    assert result.check.ok
    placed = len(result.plan.appointments) + len(result.plan.unscheduled)
    assert placed == result.plan.summary["children_due"]
    assert result.plan.appointments


def test_bad_pins_are_reported_not_raised() -> None:
    """A pin naming an unknown setting ends the job with problems, not an exception."""
    authority = generate_authority(20, 2)
    job = start_solve(
        authority,
        PlanOptions(time_limit=5, link_time_limit=1, workers=1),
        pins=[Pin("link", setting_id="NOPE", practitioner_id="P001")],
    )
    assert job.wait(60)
    assert job.result is None
    assert job.problems and job.problems[0].column == "setting_id"


def test_progress_text_names_stage_and_figures() -> None:
    """The status line says what is happening, with objective and bound while scheduling."""
    from scheduler.scheduling.solve import Progress

    fraction, text = describe_progress(Progress("scheduling", 3, 12, 120.5, 130.0, 4.2), 9.6)
    assert 0.15 < fraction < 0.85
    assert "3 of 12" in text and "objective 120.5" in text and "bound 130.0" in text
    assert text.endswith("(10 s)")
    assert describe_progress(None, 0.0)[0] == 0.0


# --- pure helpers ---------------------------------------------------------------------------


def test_kpi_deltas_are_signed_text_not_just_colour() -> None:
    """KPI deltas carry a sign and a unit, so colour is never the only signal."""
    summary = {
        "children_due": 100,
        "scheduled": 80,
        "funded_two_due": 40,
        "funded_two_scheduled": 36,
        "overdue_due": 5,
        "overdue_scheduled": 4,
        "in_window": 70,
        "travel_km": 500.0,
        "gap": 0.02,
        "status": "FEASIBLE",
    }
    kpis = {k.label: k for k in plan_kpis(summary, {"scheduled": 78, "funded_two_scheduled": 30})}
    assert (kpis["Scheduled"].delta, kpis["Scheduled"].against) == ("+2", "vs hand-made rota")
    assert kpis["Funded two-year-olds"].delta == "+15.0 pts"
    assert kpis["Overdue seen"].delta is None  # not in this reference
    same = {k.label: k for k in plan_kpis(summary, {"scheduled": 80})}
    assert same["Scheduled"].delta == 0  # no change: grey, no arrow
    assert kpis["Travel"].delta is None  # the baseline has no travel figure: no made-up delta
    assert kpis["Gap to bound"].value == "2.0%"


def test_comparison_frame_lists_before_after_and_change() -> None:
    """The before/after table spells out each change with its sign."""
    frame = comparison_frame(
        {"scheduled": 10, "travel_km": 50.0}, {"scheduled": 12, "travel_km": 40.0}
    )
    rows = {r["measure"]: r for r in frame.iter_rows(named=True)}
    assert rows["Scheduled"]["change"] == "+2"
    assert rows["Travel (km)"]["change"] == "-10.0"


def test_pins_round_trip_through_the_table() -> None:
    """Pins shown in the editor read back to the same pins; blank rows are ignored."""
    from datetime import date

    pins = [
        Pin("link", setting_id="S1", practitioner_id="P1"),
        Pin("appointment", setting_id="S1", child_id="C1", date=date(2027, 1, 12), start=600),
    ]
    blank = pl.DataFrame([dict.fromkeys(PIN_SCHEMA)], schema=PIN_SCHEMA)  # a row added, left empty
    frame = pl.concat([pins_frame(pins), blank])
    parsed, problems = pins_from_frame(frame)
    assert problems == []
    assert parsed == pins


def test_bad_pin_rows_are_problems() -> None:
    """A link pin without a practitioner is reported with its line and column."""
    frame = pins_frame([Pin("link", setting_id="S1", practitioner_id="")])
    parsed, problems = pins_from_frame(frame)
    assert parsed == []
    assert (problems[0].line, problems[0].column) == (2, "practitioner_id")


def test_problems_frame_has_the_contract_columns() -> None:
    """The validation report's columns are file, line, column, value, problem."""
    from scheduler.errors import Problem

    frame = problems_frame([Problem("children.csv", 7, "date_of_birth", "not a date", "x")])
    assert frame.columns == ["file", "line", "column", "value", "problem"]
    assert frame.row(0) == ("children.csv", "7", "date_of_birth", "x", "not a date")


def test_changed_frame_names_moves_new_and_dropped() -> None:
    """Children whose slot moved, appeared or disappeared are listed; unchanged ones are not."""
    from builders import appointment_for, make_authority, make_child, make_plan

    authority = make_authority(children=[make_child("C1"), make_child("C2"), make_child("C3")])
    a1, a2, a3 = (appointment_for(authority, c) for c in ("C1", "C2", "C3"))
    before = make_plan(authority, [a1, a2])
    moved = replace(a2, start=a2.start + 60, end=a2.end + 60)
    after = make_plan(authority, [a1, moved, a3])
    frame = changed_frame(authority, before, after)
    changes = dict(zip(frame["child"].to_list(), frame["change"].to_list(), strict=True))
    assert sorted(changes.values()) == ["moved", "newly scheduled"]


def test_downloads_are_built_in_memory() -> None:
    """The CSV zip holds the plan files; combined letters keep one section per letter."""
    from builders import make_authority, make_plan

    names = zipfile.ZipFile(io.BytesIO(plan_csv_zip(make_plan(make_authority())))).namelist()
    assert {"plan/links.csv", "plan/appointments.csv", "plan/unscheduled.csv"} <= set(names)
    page = "<html><head><title>x</title></head><body><h1>{}</h1></body></html>"
    combined = letters_document([page.format("A"), page.format("B")], "Letters")
    assert combined.count("<section") == 2 and "<title>Letters</title>" in combined


def test_scheduler_never_imports_streamlit() -> None:
    """The package stays UI-free: no module under scheduler/ imports Streamlit or ui."""
    offenders = []
    for path in sorted((ROOT / "scheduler").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                if name.split(".")[0] in ("streamlit", "ui"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not offenders, offenders
