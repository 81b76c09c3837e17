"""The dashboard, headless: every page loads, the working plan lives in the store, bad uploads
are reported, plans, re-plans and what-ifs run, and the figures read in words.

Uses Streamlit's AppTest on a small generated authority (``SCHEDULER_UI_DATA`` points the
session at it) with a fresh plan store per test and short time limits. The solve runs in a
background thread, so a test reruns the script until the session has collected the plan, as
the page's polling fragment would.
"""

from __future__ import annotations

import ast
import io
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from scheduler.domain import Outcome
from scheduler.generate import generate_authority
from scheduler.io.write_data import write_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.plan import Pin
from scheduler.scheduling.solve import Progress
from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV
from scheduler.summary import Baseline, PlanSummary

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``ui`` is not an installed package; the app runs from the root
    sys.path.insert(0, str(ROOT))

from scheduler.working import SHOW_SECONDS  # noqa: E402
from ui import background, state  # noqa: E402
from ui.background import describe_progress, start_solve  # noqa: E402
from ui.components import progress as progress_module  # noqa: E402
from ui.components.downloads import letters_document, plan_csv_zip  # noqa: E402
from ui.components.kpis import plan_kpis  # noqa: E402
from ui.components.pins import pins_from_frame  # noqa: E402
from ui.components.progress import END_WAIT, POLL_SECONDS, ended_soon  # noqa: E402
from ui.components.tables import PIN_SCHEMA, as_read, pins_frame, problems_frame  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
PAGES = {
    "Data": "ui/pages/data.py",
    "Termly rota": "ui/pages/plan.py",
    "Versions": "ui/pages/versions.py",
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
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh plan store for each test: what one test saves, the next does not open."""
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    repo.open_store(url, create=True).dispose()
    return url


def new_session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


@pytest.fixture
def app(small_data: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard, started on the small authority, first page rendered."""
    monkeypatch.setenv(state.DATA_ENV, str(small_data))
    at = new_session()
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


def metric(at: AppTest, starts: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(starts))


def working(at: AppTest) -> state.Working:
    value = at.session_state[state.WORKING]
    assert isinstance(value, state.Working)
    return value


# --- pages ----------------------------------------------------------------------------------


def test_every_page_loads_before_any_plan(app: AppTest) -> None:
    """Each page renders its title without an exception on fresh data; no plan is made up."""
    for title in PAGES:
        open_page(app, title)
        assert app.title[0].value == title
    open_page(app, "Termly rota")
    assert any("No plan yet for these data" in i.value for i in app.info)


def test_data_page_starts_on_the_configured_data(app: AppTest) -> None:
    """The Data page shows the session's authority and its counts."""
    assert app.title[0].value == "Data"
    due = next(m for m in app.metric if m.label == "Due this term")
    assert due.value == "40"


def test_a_plan_is_a_saved_draft_with_figures_in_words(app: AppTest, store_url: str) -> None:
    """A new plan is saved as draft version 1, says how good it is in words, and shows cards
    without internal names."""
    make_plan_in_app(app)
    plan = working(app)
    assert plan.version == 1 and plan.result.check.ok
    store = repo.open_store(store_url)
    try:
        assert repo.version_info(store, 1).note == "new plan"
        assert repo.published_version(store) is None
    finally:
        store.dispose()
    labels = [m.label for m in app.metric]
    assert labels[0] == "Children booked"  # short enough for a card at 1280 px
    assert app.metric[0].value.split(" (")[0].endswith(" of 40")
    assert any(label.startswith("Funded two-year-olds booked") for label in labels)
    assert "Could more be booked?" in labels
    assert not [label for label in labels if "Gap" in label or "bound" in label]
    booked = metric(app, "Children booked")
    assert booked.endswith("%)") and booked.split()[0] == str(plan.plan.summary.scheduled)
    verdict = next(s.value for s in app.success if "children booked" in s.value)
    assert "no broken rule" in verdict and "objective" not in verdict
    assert [d.label for d in app.download_button][:3] == [
        "Rota workbook (.xlsx)",
        "Plan files (CSV, zip)",
        "All calendars (.ics, zip)",
    ]
    assert [t.label for t in app.tabs][:3] == ["Summary", "Why not booked", "Appointments"]


def test_a_new_session_opens_on_the_stored_plan(app: AppTest) -> None:
    """Reload, a new tab or signing in again: the plan is the store's, not lost with the tab;
    the published plan of these data is preferred to a newer draft."""
    make_plan_in_app(app)
    first = working(app)
    again = open_page(new_session(), "Termly rota")
    assert working(again).version == first.version
    assert working(again).plan.appointments == first.plan.appointments
    assert not any("No plan yet" in i.value for i in again.info)

    app.button(key="ir_continue").click()  # a second draft, newer than the first
    app.run()
    wait_for_solve(app)
    assert working(app).version == 2
    store = repo.open_store(repo.database_url())
    try:
        repo.publish(store, 1, actor="test")
    finally:
        store.dispose()
    assert working(open_page(new_session(), "Termly rota")).version == 1


def test_stopping_early_is_said_plainly_and_continue_searches_on(app: AppTest) -> None:
    """A plan stopped at once is a warning (never a green box) that says what was booked and
    what the hand-made rota books; "Continue improving" starts from it (``warm``)."""
    open_page(app, "Termly rota")
    app.slider(key="ir_time_limit").set_value(30)
    app.button(key="ir_generate").click()
    app.run()
    app.session_state[state.JOB].request_stop()
    wait_for_solve(app)
    stopped = working(app)
    assert stopped.plan.summary.stopped_early is True
    assert not [s for s in app.success if "children booked" in s.value]
    warning = next(w.value for w in app.warning if "Stopped early" in w.value)
    assert "hand-made rota" in warning and "Continue improving" in warning

    app.slider(key="ir_time_limit").set_value(5)
    app.button(key="ir_continue").click()
    app.run()
    assert app.session_state[state.JOB].warm is stopped.result
    wait_for_solve(app)
    assert working(app).info is not None
    assert "continued from draft version 1" in working(app).info.note  # type: ignore[union-attr]
    assert working(app).plan.summary.scheduled >= stopped.plan.summary.scheduled


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
    before = app.session_state[state.DATA]

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
    assert app.session_state[state.DATA] is before


def test_good_zip_upload_replaces_the_data(app: AppTest, small_data: Path) -> None:
    """A valid zip of the CSVs becomes the session's data, and the old plan no longer applies."""
    make_plan_in_app(app)
    open_page(app, "Data")
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
    assert app.session_state[state.WORKING] is None  # other data: no stored plan of them
    assert "your upload" in app.session_state[state.SOURCE].label


def test_a_what_if_is_not_saved_until_kept(
    app: AppTest, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A weight change on the Priorities page starts from the working plan (``warm``), shows
    before and after in words, saves nothing; "Keep as a new draft" saves it with the change
    in words and makes it the working plan."""
    make_plan_in_app(app)
    first = working(app)
    started_from: list[object] = []
    limits: list[float] = []
    solving = background.make_plan

    def recording(*args: object, **kwargs: object) -> object:
        started_from.append(kwargs.get("warm"))
        limits.append(args[1].time_limit)  # type: ignore[attr-defined]
        return solving(*args, **kwargs)  # type: ignore[arg-type]

    # The what-if may be answered (every piece proven from the working plan's bounds) before
    # the page's run ends, so what it started from is recorded where it is solved.
    monkeypatch.setattr(background, "make_plan", recording)
    open_page(app, "Priorities")
    app.slider(key="ir_weight_funded_two").set_value(9.0)
    app.slider(key="ir_whatif_limit").set_value(3)
    next(b for b in app.button if b.label == "Try these priorities").click()
    app.run()
    wait_for_solve(app)
    assert started_from == [first.result]
    assert limits == [pytest.approx(3 - SHOW_SECONDS)]  # drawing the answer is in the 3 s

    what = app.session_state[state.WHAT_IF]
    assert what.before is first and what.authority.config.priorities.funded_two == 9.0
    assert what.changed == {"funded_two": (3.0, 9.0)}
    assert working(app) is first  # the working plan is untouched
    store = repo.open_store(store_url)
    try:
        assert repo.count_versions(store) == 1  # nothing saved
        assert any(h.value == "Before and after" for h in app.header)
        figures = app.dataframe[0].value
        assert list(figures.columns) == ["Figure", "Before", "After", "Change"]
        assert "Children booked" in list(figures["Figure"])
        assert any("would move" in m.value for m in app.markdown)

        app.button(key="ir_whatif_keep").click()
        app.run()
        assert repo.count_versions(store) == 2
        note = repo.version_info(store, 2).note
        assert note == "what-if kept: Funded two-year-olds 3 → 9"
    finally:
        store.dispose()
    assert working(app).version == 2 and app.session_state[state.WHAT_IF] is None
    assert working(app).authority.config.priorities.funded_two == 9.0


def test_a_second_what_if_is_bounded_by_the_first_when_the_plan_was_read_back(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next day the working plan is read back from the store, without its pieces' proven
    bounds; the first what-if proves its own, and the second what-if's pieces are bounded
    by them (``bounds_from``) as well as starting from the working plan (issue 21)."""
    make_plan_in_app(app)
    next_day = new_session()  # the same store: the working plan is read back
    assert working(next_day).result.piece_bounds == ()
    passed: list[tuple[object, tuple[object, ...]]] = []
    solving = background.make_plan

    def recording(*args: object, **kwargs: object) -> object:
        passed.append((kwargs.get("warm"), tuple(kwargs.get("bounds_from", ()))))  # type: ignore[arg-type]
        return solving(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(background, "make_plan", recording)
    open_page(next_day, "Priorities")
    proven = []
    for value in (9.0, 7.0):
        next_day.slider(key="ir_weight_funded_two").set_value(value)
        next(b for b in next_day.button if b.label == "Try these priorities").click()
        next_day.run()
        wait_for_solve(next_day)
        proven.append(next_day.session_state[state.PROVEN])
    read_back = working(next_day).result
    assert [warm for warm, _ in passed] == [read_back, read_back]
    assert passed[0][1] == ()
    assert proven[0] and passed[1][1] == proven[0]  # the first what-if's pieces


def test_a_new_what_if_takes_the_last_one_off_the_page_while_it_runs(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a second what-if runs, the first one's before and after (other weights) is not
    shown and cannot be kept as a draft by mistake (the dashboard walk saved a stale one)."""
    make_plan_in_app(app)
    open_page(app, "Priorities")
    app.slider(key="ir_weight_funded_two").set_value(9.0)
    next(b for b in app.button if b.label == "Try these priorities").click()
    app.run()
    wait_for_solve(app)
    assert app.session_state[state.WHAT_IF] is not None
    release = threading.Event()
    solving = background.make_plan

    def held(*args: object, **kwargs: object) -> object:
        release.wait(30)
        return solving(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(background, "make_plan", held)
    app.slider(key="ir_weight_funded_two").set_value(7.0)
    next(b for b in app.button if b.label == "Try these priorities").click()
    app.run()
    try:
        assert app.session_state[state.JOB].running
        assert app.session_state[state.WHAT_IF] is None
        assert "ir_whatif_keep" not in [b.key for b in app.button]
        assert not any(h.value == "Before and after" for h in app.header)
    finally:
        release.set()
    wait_for_solve(app)
    assert app.session_state[state.WHAT_IF].changed == {"funded_two": (3.0, 7.0)}


def test_a_run_interrupted_while_opening_the_stored_plan_opens_it_on_the_next(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lead clicking a page before the first one has drawn interrupts that run; the next
    run must still open the stored plan (the walk found a session stuck with "no plan yet"
    although draft 1 existed)."""
    make_plan_in_app(app)  # draft 1 in the store
    calls: list[int] = []
    real = state.opening_version

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the run was interrupted")  # as a new run does
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "opening_version", interrupted)
    later = AppTest.from_file(APP, default_timeout=30)
    later.run()
    assert later.exception  # the interrupted run
    later.run()
    assert working(later).version == 1


def test_pins_hold_in_a_replan_and_the_change_is_shown(app: AppTest) -> None:
    """Pinned links stay and hold in the re-plan; the Plan page says what changed against the
    plan before (the store's one diff)."""
    make_plan_in_app(app)
    before = working(app)
    next(b for b in app.button if b.label == "Pin every current link").click()
    app.run()
    pins = app.session_state[state.PINS]
    assert pins and all(p.kind == "link" for p in pins)
    app.button(key="ir_replan").click()
    app.run()
    wait_for_solve(app)

    after = working(app)
    assert after.version == 2 and app.session_state[state.PINS] == pins
    links = {lk.setting_id: lk.practitioner_id for lk in after.plan.links}
    assert all(links[p.setting_id] == p.practitioner_id for p in pins)
    change = app.session_state[state.LAST_CHANGE]
    assert change.before is before and change.after is after
    assert any(m.value.startswith("**Compared with draft version 1:**") for m in app.markdown)


def test_pinning_a_review_says_what_it_did(app: AppTest) -> None:
    """The "Pin this review" button says which child is pinned, when, and how many pins are
    in use: the list only swapping to another child read as a button that did nothing."""
    make_plan_in_app(app)
    child = app.selectbox(key="ir_pin_child").value
    booked = next(a for a in working(app).plan.appointments if a.child_id == child)
    next(b for b in app.button if b.label == "Pin this review").click()
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert [p.child_id for p in app.session_state[state.PINS]] == [child]
    said = [s.value for s in app.success if "Pinned" in s.value]
    assert len(said) == 1, [s.value for s in app.success]
    assert child in said[0] and f"{booked.date:%a %d %b}" in said[0]
    assert "1 pin in use" in said[0]
    app.run()  # said once
    assert not [s.value for s in app.success if "Pinned" in s.value]


def test_a_click_in_a_solve_s_last_moments_is_not_lost(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A button pressed below the status while a solve is in its last half second: the page
    run it starts carries the click out. (The status waited for the solve's end and reran the
    whole app, which drops a button's press: here the pin was never made.)"""
    made: list[object] = []
    solving = background.make_plan

    def recorded(*args: object, **kwargs: object) -> object:
        made.append(solving(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(background, "make_plan", recorded)
    make_plan_in_app(app)
    release = threading.Event()

    def held(*args: object, **kwargs: object) -> object:
        release.wait(30)
        return made[0]

    monkeypatch.setattr(background, "make_plan", held)
    app.button(key="ir_generate").click()
    app.run()
    job = app.session_state[state.JOB]
    assert job is not None and job.running
    job.started = time.monotonic() - job.options.time_limit + 0.2  # its last moments
    shown = progress_module.describe_progress

    def ends_while_drawn(*args: object, **kwargs: object) -> object:
        release.set()  # the solve ends while the status is drawn
        return shown(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(progress_module, "describe_progress", ends_while_drawn)
    child = app.selectbox(key="ir_pin_child").value
    next(b for b in app.button if b.label == "Pin this review").click()
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert [p.child_id for p in app.session_state[state.PINS]] == [child]


def test_why_not_booked_finds_a_child_by_name_with_the_whole_sentence(app: AppTest) -> None:
    """Searching a not-booked child's full name shows their whole reason, grouped by what to do,
    the reason in words (no code)."""
    make_plan_in_app(app)
    plan = working(app).plan
    authority = working(app).authority
    assert plan.unscheduled, "the small authority leaves someone out"
    child = plan.unscheduled[0]
    name = authority.children[child.child_id].name
    app.text_input(key="ir_why_query").set_value(name.upper())
    app.run()
    shown = " ".join(m.value for m in app.markdown)
    assert child.child_id in shown
    sentence = " ".join(child.reason.split())
    assert sentence[:40].replace(".", "\\.") in shown or sentence[:20] in shown
    assert child.reason_code.value not in shown  # the code is in words
    assert any(e.label.split(":")[0] for e in app.expander if "child" in e.label)


def test_capacity_says_over_committed_one_way(app: AppTest) -> None:
    """The card's count of over-committed practitioners is the table's "yes" rows and the link
    stage's own list."""
    make_plan_in_app(app)
    open_page(app, "Capacity")
    card = next(m.value for m in app.metric if m.label == "Over-committed practitioners")
    table = next(d.value for d in app.dataframe if "Over-committed" in d.value.columns)
    over = int((table["Over-committed"] == "yes").sum())
    summary = working(app).plan.summary
    assert card == f"{over} of {len(table)}"
    assert over == len(summary.overcommitted_practitioners or {})
    assert list(table["Practitioner"])  # most committed first (scheduler.capacity's order)


def test_the_setting_page_offers_downloads_from_the_published_plan_only(app: AppTest) -> None:
    """A coordinator looking at a draft on "My setting" gets no letters or calendars (nothing
    unpublished reaches a family); once published, the setting's calendar is offered."""
    make_plan_in_app(app)
    open_page(app, "My setting")
    assert not app.download_button
    assert any("come from the published plan only" in i.value for i in app.info)
    store = repo.open_store(repo.database_url())
    try:
        repo.publish(store, 1, actor="test")
    finally:
        store.dispose()
    open_page(app, "My setting")
    labels = [d.label for d in app.download_button]
    assert "Calendar feed for this setting (.ics)" in labels


def test_replan_from_today_keeps_history_and_rebooks_who_was_not_brought(
    app: AppTest, store_url: str
) -> None:
    """With the plan published and an outcome recorded in the store (C not brought), "Re-plan
    from today" keeps every review before today, re-books C after the notice period (or says
    why not) and compares with the published version."""
    make_plan_in_app(app)
    published = working(app).plan
    days = sorted({a.date for a in published.appointments})
    today = days[len(days) // 2]
    missed = next(a for a in published.appointments if a.date < today)
    store = repo.open_store(store_url)
    try:
        repo.publish(store, 1, actor="test")
        repo.record_outcome(
            store,
            Outcome(missed.child_id, missed.date, "was_not_brought"),
            setting_id=missed.setting_id,
            actor="test",
        )
    finally:
        store.dispose()
    open_page(app, "Termly rota")
    app.date_input(key="ir_today").set_value(today)
    app.run()
    app.button(key="ir_replan_today").click()
    app.run()
    wait_for_solve(app)

    after = working(app)
    assert after.version == 2 and after.info is not None
    assert after.info.note == f"re-plan from {today:%d %b %Y} (from version 1)"
    assert after.authority.config.term.today == today
    history = {
        a for a in published.appointments if a.date < today and a.child_id != missed.child_id
    }
    assert history <= set(after.plan.appointments)  # kept unchanged
    notice = today + timedelta(days=after.authority.config.review.notice_days)
    rebooked = [a for a in after.plan.appointments if a.child_id == missed.child_id]
    assert all(a.date >= notice for a in rebooked)
    assert rebooked or any(u.child_id == missed.child_id for u in after.plan.unscheduled)
    assert after.result.check.ok
    change = app.session_state[state.LAST_CHANGE]
    assert change.before.version == 1 and change.kind == "today"


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
    assert result.plan.summary.stopped_early is True
    assert result.check.ok
    placed = len(result.plan.appointments) + len(result.plan.unscheduled)
    assert placed == result.plan.summary.children_due
    assert result.plan.appointments


def test_a_what_if_s_first_answer_can_be_waited_for() -> None:
    """The page that starts a what-if waits for its first answer (the plan asked about, as
    soon as the data are read) and draws it in the same run; the wait ends when the solve
    does, answer or not."""
    authority = generate_authority(40, 5)
    base = make_plan(authority, PlanOptions(time_limit=3, link_time_limit=1, workers=1))
    weights = authority.config.priorities.model_copy(update={"travel": 2.0})
    changed = authority.with_config(authority.config.model_copy(update={"priorities": weights}))
    options = PlanOptions(time_limit=30, link_time_limit=2, workers=1)
    job = start_solve(changed, options, kind="what_if", warm=base)
    assert job.wait_for_answer(30)
    answer = job.progress
    assert answer is not None and answer.whole and answer.booked
    job.request_stop()
    assert job.wait(60)
    began = time.monotonic()
    refused = start_solve(
        changed, options, warm=base, pins=[Pin("link", setting_id="NOPE", practitioner_id="P001")]
    )
    assert not refused.wait_for_answer(60)  # the solve ended (a bad pin) before any answer
    assert time.monotonic() - began < 30 and refused.problems


class _Job:
    """A solve that ends when ``finish`` is set, ``elapsed`` seconds into ``time_limit``."""

    def __init__(self, time_limit: float, elapsed: float) -> None:
        self.options = PlanOptions(time_limit=time_limit)
        self.elapsed = elapsed
        self.finish = threading.Event()
        self.waited: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waited.append(timeout)
        return self.finish.wait(0)


def test_the_status_waits_for_the_end_only_in_the_solve_s_last_moments() -> None:
    """In its last half second the status waits for the solve to end (so the answer is drawn
    at once, not at the next redraw), for less than the time between redraws; earlier it
    does not wait, so Stop stays quick."""
    early = _Job(time_limit=10.0, elapsed=2.0)
    early.finish.set()
    assert not ended_soon(early) and early.waited == []
    last = _Job(time_limit=2.0, elapsed=1.7)
    assert not ended_soon(last)
    assert last.waited == [END_WAIT] and END_WAIT < POLL_SECONDS
    last.finish.set()
    assert ended_soon(last)
    over = _Job(time_limit=2.0, elapsed=2.6)  # ran over its time: still waited for
    over.finish.set()
    assert ended_soon(over)


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


def test_progress_is_said_in_children_and_time_left() -> None:
    """While booking: children booked so far, how many funded, and the time left; never the
    solver's objective or bound."""
    booked = frozenset({"C1", "C2", "C3"})
    progress = Progress("scheduling", 3, 12, 120.5, 130.0, 4.2, booked)
    fraction, text = describe_progress(progress, 9.6, 30.0, frozenset({"C2", "C9"}))
    assert fraction == pytest.approx(0.32)
    assert text == (
        "Booking reviews: 3 children booked so far, 1 of them funded two-year-olds "
        "(3 of 12 parts of the rota done) · about 20 s left"
    )
    assert "objective" not in text and "bound" not in text
    whole = replace(progress, whole=True)
    assert describe_progress(whole, 0.6, 2.0, frozenset({"C2", "C9"}))[1] == (
        "First answer: 3 children booked, 1 of them funded two-year-olds; improving it "
        "(3 of 12 parts of the rota done) · about 1 s left"
    )
    asked = Progress("matching", 0, 0, 0.0, 0.0, 0.1, booked, whole=True)  # a what-if's plan
    assert describe_progress(asked, 0.3, 2.0, frozenset({"C2"}))[1] == (
        "First answer: 3 children booked, 1 of them funded two-year-olds, as the plan stands; "
        "improving it · about 2 s left"
    )
    assert describe_progress(replace(asked, whole=False), 0.3, 2.0)[1].startswith(
        "Choosing each setting's link practitioner"
    )
    booking = replace(asked, stage="scheduling")  # links kept or chosen, pieces not yet begun
    assert describe_progress(booking, 0.3, 2.0, frozenset({"C2"}))[1].startswith(
        "First answer: 3 children booked, 1 of them funded two-year-olds, as the plan stands"
    )
    done = replace(whole, done=12)  # nothing left to improve: not "improving it"
    assert describe_progress(done, 1.6, 2.0, frozenset({"C2"}))[1].startswith(
        "Booking reviews: 3 children booked so far, 1 of them funded two-year-olds (12 of 12"
    )
    again = replace(done, improving=True)  # time left over: pieces searched again
    assert describe_progress(again, 1.6, 2.0, frozenset({"C2"}))[1] == (
        "Booking reviews: 3 children booked so far, 1 of them funded two-year-olds (all 12 "
        "parts of the rota done; improving those not yet proven best) · finishing"
    )
    assert describe_progress(None, 0.0, 10.0) == (0.0, "Starting · about 10 s left")
    assert describe_progress(Progress("checking", 0, 0, 0, 0, 0), 12.0, 10.0)[1].endswith(
        "finishing"
    )


# --- pure helpers ---------------------------------------------------------------------------


def test_kpi_deltas_are_signed_text_not_just_colour() -> None:
    """KPI deltas carry a sign and a unit, so colour is never the only signal."""
    summary = PlanSummary(
        children_due=100,
        scheduled=80,
        funded_two_due=40,
        funded_two_scheduled=36,
        overdue_due=5,
        overdue_scheduled=4,
        in_window=70,
        travel_km=500.0,
        children_bound_any_links=83,
    )
    baseline = Baseline(
        scheduled=78,
        funded_two_scheduled=30,
        overdue_scheduled=4,
        priority_coverage=0.5,
        objective=1,
    )
    kpis = {k.label: k for k in plan_kpis(summary, baseline)}
    booked = kpis["Children booked"]
    assert (booked.value, booked.delta, booked.against) == (
        "80 of 100 (80%)",
        "+2",
        "vs hand-made rota",
    )
    assert kpis["Funded two-year-olds booked"].delta == "+6"
    assert kpis["Past 30 months, booked"].delta == 0  # the same: grey, no arrow
    assert kpis["Travel"].delta is None  # the baseline has no travel figure: no made-up delta
    assert kpis["Could more be booked?"].value == "at most 3 more"
    earlier = replace(summary, scheduled=80, in_window=60, travel_km=512.4)
    same = {k.label: k for k in plan_kpis(summary, earlier, against="vs the plan you have")}
    assert same["Children booked"].delta == 0  # no change: grey, no arrow
    assert same["Inside the 24–30 month window"].delta == "+10"
    assert same["Travel"].delta == "-12 km"  # a previous plan has travel: a signed delta
    assert plan_kpis(PlanSummary(scheduled=3)) == []  # no headline figures: no cards of zeros


def test_pins_round_trip_through_the_table() -> None:
    """Pins shown in the editor read back to the same pins; blank rows are ignored."""
    pins = [
        Pin("link", setting_id="S1", practitioner_id="P1"),
        Pin("appointment", setting_id="S1", child_id="C1", date=date(2027, 1, 12), start=600),
    ]
    blank = pl.DataFrame([dict.fromkeys(PIN_SCHEMA)], schema=PIN_SCHEMA)  # a row added, left empty
    frame = pl.concat([pins_frame(pins), blank])
    parsed, problems = pins_from_frame(frame)
    assert problems == []
    assert parsed == pins


def test_the_editor_hands_dates_back_as_datetimes_and_they_still_read() -> None:
    """The data editor returns a date cell as a datetime at midnight: the pin still reads
    (it was refused as "2027-01-05T00:00:00 — not a date"), so edits are not ignored."""
    frame = pl.DataFrame(
        {
            "kind": ["appointment", "link"],
            "setting_id": ["S1", "S2"],
            "practitioner_id": [None, "P2"],
            "child_id": ["C1", None],
            "date": [datetime(2027, 1, 5), None],
            "start": ["10:00", None],
        }
    )
    parsed, problems = pins_from_frame(frame)
    assert problems == []
    assert parsed == [
        Pin("appointment", setting_id="S1", child_id="C1", date=date(2027, 1, 5), start=600),
        Pin("link", setting_id="S2", practitioner_id="P2"),
    ]


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


def test_downloads_are_built_in_memory() -> None:
    """The CSV zip holds the plan files; combined letters keep one section per letter."""
    from builders import make_authority, make_plan

    names = zipfile.ZipFile(io.BytesIO(plan_csv_zip(make_plan(make_authority())))).namelist()
    assert {"plan/links.csv", "plan/appointments.csv", "plan/unscheduled.csv"} <= set(names)
    page = "<html><head><title>x</title></head><body><h1>{}</h1></body></html>"
    combined = letters_document([page.format("A"), page.format("B")], "Letters")
    assert combined.count("<section") == 2 and "<title>Letters</title>" in combined


def test_the_ui_has_one_diff() -> None:
    """No page or component compares two plans itself, or lists which fields make a move:
    scheduler/diff.py is the one diff."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if any(
            word in text
            for word in (
                "def changed_frame",
                "def compare_appointments",
                "def diff_",
                "FIELD_WORDS",
            )
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


def test_the_ui_numbers_no_calendar_sequences() -> None:
    """Which plan calendar numbers count against is the scheduler's policy
    (scheduler/store/saving.py): no page or component computes sequences itself."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if any(word in text for word in ("calendar_sequences", "numbered(", "sequences=")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


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


def test_raw_data_tables_show_a_missing_value_as_an_empty_cell() -> None:
    """The coordinator's "Look at the data" tables: no "None" that reads like a value."""
    frame = pl.DataFrame({"setting_id": ["S001", None], "funded_two": [True, None], "n": [3, None]})
    shown = as_read(frame)
    assert shown.rows() == [("S001", "true", "3"), ("", "", "")]
