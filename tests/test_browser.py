"""The coordinator's journey end to end in a real browser, with an accessibility check of
every page and tab, no call outside this computer, and a visible keyboard focus.

Starts ``streamlit run app.py`` on a free localhost port with a fresh plan store, on a small
generated authority (``UPDATE_SCREENSHOTS=1``: on the bundled sample, and the pictures are
copied to ``docs/screenshots/`` for the README and the coordinator's guide). Drives Debian's
Chromium with Playwright through the coordinator's Monday morning: load → plan → pin →
re-plan → compare → publish → download, each step asserting what the coordinator sees. Every
request the pages make is routed through the test: anything not addressed to this computer is
refused and fails the test. Screenshots go to ``test-output/screenshots/``.

The service lead's and the setting's journeys need sign-in: ``tests/test_browser_oidc.py``.
Without Chromium the tests skip, unless ``REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from streamlit_server import free_port, require_browser, running_streamlit

from scheduler.generate import generate_authority
from scheduler.io.write_data import write_authority
from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "test-output" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"
VIEWPORT: Any = {"width": 1440, "height": 1100}
PLAN_SECONDS = 5
"""The plans' time limit: short; the plan is still complete and checked."""
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})

BLOCKING = ("serious", "critical")
STREAMLIT_OWN: dict[str, tuple[str, ...]] = {
    # rule id -> the Streamlit-rendered regions where it is Streamlit's markup, not ours
    # (each one is described in docs/accessibility.md)
    "list": ('[data-testid="stSidebarNav"]',),
    "listitem": ('[data-testid="stSidebarNav"]',),
}
PLAN_TABS = (
    "Summary",
    "Why not booked",
    "Appointments",
    "Timeline",
    "Week",
    "Links",
    "Map",
    "Pins",
    "Checks",
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on localhost with a fresh store, on a small authority."""
    require_browser()
    folder = tmp_path_factory.mktemp("streamlit")
    store_url = f"sqlite+pysqlite:///{folder / 'store.db'}"
    repo.open_store(store_url, create=True).dispose()
    env = {k: v for k, v in os.environ.items() if k != "SCHEDULER_UI_DATA"}
    env[DB_URL_ENV] = store_url
    if not UPDATE:
        data = folder / "data"
        write_authority(generate_authority(150, 4), data)
        env["SCHEDULER_UI_DATA"] = str(data)
    with running_streamlit(
        "app.py",
        port=free_port(),
        log_path=folder / "server.log",
        env=env,
        address="localhost",
        extra=("--server.fileWatcherType", "none"),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def outside() -> list[str]:
    """Requests the pages tried to send anywhere but this computer (refused)."""
    return []


@pytest.fixture(scope="module")
def page(server: str, outside: list[str]) -> Iterator[Any]:
    """One browser tab on the app (one Streamlit session for the whole module); every request
    goes through the route below, which refuses anything not addressed to this computer."""
    from playwright.sync_api import sync_playwright

    def guard(route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.route("**/*", guard)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        tab.goto(server)
        settle(tab)
        yield tab
        context.close()
        browser.close()


def settle(tab: Any, quiet_checks: int = 6) -> None:
    """Wait until the app's script has finished running (no "Running…" status widget)."""
    tab.wait_for_selector('[data-testid="stAppViewContainer"]')
    quiet = 0
    deadline = time.monotonic() + 120
    while quiet < quiet_checks:
        assert time.monotonic() < deadline, "the app kept running"
        running = tab.locator('[data-testid="stStatusWidget"]').count() > 0
        quiet = 0 if running else quiet + 1
        time.sleep(0.15)


HEADINGS = {"Plan": "Termly rota"}
"""A page's main heading, where it differs from its name in the navigation."""


def open_page(tab: Any, title: str) -> None:
    """Follow the sidebar link (same session) and wait for the page."""
    tab.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
    tab.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)",
        arg=HEADINGS.get(title, title),
    )
    settle(tab)


def open_tab(tab: Any, name: str) -> None:
    tab.get_by_role("tab", name=name, exact=True).first.click()
    settle(tab)


def shoot(tab: Any, name: str, *, full: bool = False, doc: bool = False) -> Path:
    """A screenshot in test-output/; with UPDATE_SCREENSHOTS=1, a ``doc`` one also in
    docs/screenshots/ (the README's and the coordinator's guide's pictures)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full)
    if UPDATE and doc:
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SHOTS / path.name)
    return path


def caption_text(tab: Any) -> str:
    return " ".join(tab.locator('[data-testid="stCaptionContainer"]').all_inner_texts())


def wait_for_plan(tab: Any, version: int) -> None:
    """Wait until the Plan page shows draft ``version`` (the solve ended and was saved)."""
    tab.get_by_text(f"draft version {version}", exact=False).first.wait_for(timeout=180_000)
    tab.get_by_role("tab", name="Summary").first.wait_for()
    settle(tab)


def set_slider(tab: Any, label: str, steps_right: int) -> None:
    """Move a slider with the keyboard, from its lowest value, ``steps_right`` steps."""
    slider = tab.get_by_role("slider", name=label)
    slider.focus()
    tab.keyboard.press("Home")
    for _ in range(steps_right):
        tab.keyboard.press("ArrowRight")
    settle(tab)


def accessibility_problems(tab: Any, where: str) -> tuple[list[str], list[str]]:
    """axe-core on the page: (our serious/critical violations, Streamlit's own)."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(tab)
    ours: list[str] = []
    theirs: list[str] = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        rule = violation["id"]
        for node in violation["nodes"]:
            selector = node["target"][0] if node["target"] else ""
            regions = STREAMLIT_OWN.get(rule, ())
            inside = bool(regions) and tab.evaluate(
                "([sel, regions]) => { const el = document.querySelector(sel);"
                " return !!el && regions.some(r => el.closest(r) || el.querySelector(r)); }",
                [selector, list(regions)],
            )
            line = f"{where}: {rule} ({violation['impact']}) at {selector}: {violation['help']}"
            (theirs if inside else ours).append(line)
    return ours, theirs


@pytest.fixture(scope="module")
def journey(page: Any) -> Any:
    """The coordinator's Monday morning, step by step; each step asserts what they see."""
    tab = page
    # load: the data are there, and no plan yet
    tab.get_by_role("heading", name="Data", exact=True).wait_for()
    shoot(tab, "guide-0-data")
    tab.locator('[data-testid="stMetricLabel"]', has_text="Due this term").wait_for()
    open_page(tab, "Plan")
    tab.get_by_text("No plan yet for these data").wait_for()
    shoot(tab, "guide-1-no-plan", doc=True)

    # plan: a short limit, progress in words, then the verdict and draft version 1
    set_slider(tab, "Time limit (seconds)", (PLAN_SECONDS - 5) // 5)
    tab.get_by_role("button", name="Make a new plan").click()
    tab.get_by_text("Making a new plan…").wait_for()
    status = tab.locator('[data-testid="stProgress"]').first
    status.wait_for()
    assert "left" in status.inner_text() or "Starting" in status.inner_text()
    assert "objective" not in tab.locator("body").inner_text()
    shoot(tab, "guide-2-planning", doc=True)
    wait_for_plan(tab, 1)
    verdict = tab.locator(
        '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]'
    ).first
    assert "children booked" in verdict.inner_text() or "books" in verdict.inner_text()
    shoot(tab, "plan", doc=True)  # the README's picture: which plan, verdict, tabs and cards

    # the plan is not only in the tab: a reload shows the same draft
    tab.reload()
    settle(tab)
    tab.get_by_role("heading", name="Termly rota").wait_for()
    assert "draft version 1" in caption_text(tab)

    # why not booked: search a child, read the whole sentence
    open_tab(tab, "Why not booked")
    tab.get_by_text("grouped by what you can do about it", exact=False).wait_for()
    shoot(tab, "guide-3-why-not-booked", doc=True)

    # pin: keep a child's review where it is
    open_tab(tab, "Appointments")
    tab.get_by_role("button", name="Pin this review").click()
    settle(tab)
    open_tab(tab, "Pins")
    tab.get_by_text("1 pin(s) in use.").wait_for()

    # re-plan: keeps the pin; says what changed against version 1 (the reload was a new
    # session: the time limit is back at its default)
    set_slider(tab, "Time limit (seconds)", (PLAN_SECONDS - 5) // 5)
    tab.get_by_role("button", name="Re-plan, keeping links, slots and pins").click()
    wait_for_plan(tab, 2)
    open_tab(tab, "Summary")
    tab.get_by_text("Compared with draft version 1:", exact=False).wait_for()
    shoot(tab, "guide-4-replan", doc=True)

    # compare and publish: what changes for whom, asked once
    open_page(tab, "Versions")
    tab.get_by_text("From version 1 to version 2", exact=False).wait_for()
    tab.get_by_text("Nothing is published yet", exact=False).first.wait_for()
    tab.get_by_role("button", name="Publish version 2…").click()
    settle(tab)
    tab.get_by_text("Publish version 2?", exact=False).wait_for()
    shoot(tab, "guide-5-publish", doc=True)
    tab.get_by_role("button", name="Yes, publish version 2").click()
    settle(tab)
    tab.get_by_text("Settings see version 2", exact=False).first.wait_for()

    # download: the rota workbook of the published plan
    open_page(tab, "Plan")
    assert "version 2 (published)" in caption_text(tab)
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Rota workbook (.xlsx)").click()
    workbook = Path(info.value.path()).read_bytes()
    return tab, workbook


def test_the_coordinators_journey(journey: Any) -> None:
    """Load → plan → pin → re-plan → compare → publish → download: the workbook opens on a
    summary in words and has every appointment on one filterable sheet."""
    from openpyxl import load_workbook

    _, workbook = journey
    book = load_workbook(io.BytesIO(workbook))
    assert book.sheetnames[:2] == ["Summary", "All appointments"]
    summary = " ".join(str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row)
    assert "Children booked" in summary and "best_bound" not in summary
    sheet = book["All appointments"]
    assert sheet.auto_filter.ref and sheet.max_row > 1


def test_no_page_calls_outside_this_computer(journey: Any, outside: list[str]) -> None:
    """Every request of every page the journey opened went to this computer (fonts, icons and
    the favicon included)."""
    tab, _ = journey
    for title in ("Data", "Priorities", "Capacity", "Service report"):
        open_page(tab, title)
    assert outside == []


def test_keyboard_focus_is_visible_in_the_sidebar(journey: Any) -> None:
    """Tabbing reaches a sidebar link, and it shows a 3 px yellow outline with a dark edge."""
    tab, _ = journey
    tab.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(60):
        tab.keyboard.press("Tab")
        if tab.evaluate(
            "() => !!document.activeElement?.closest('[data-testid=\"stSidebarNav\"]')"
        ):
            break
    else:
        raise AssertionError("Tab never reached the sidebar's links")
    style = tab.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }"
    )
    assert style[0] == "solid" and style[1] == "3px", style
    assert style[2] == "rgb(255, 221, 0)", style
    assert "rgb(11, 12, 12)" in style[3], style


CUT_SHORT = """() => [...document.querySelectorAll('button, [role=tab]')]
  .filter(b => b.offsetParent)
  .filter(b => [b, ...b.querySelectorAll('*')].some(e =>
      e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow === 'ellipsis'))
  .map(b => b.innerText.trim())"""
"""The visible buttons and tabs whose label the browser cuts short with an ellipsis."""


def test_no_button_is_cut_short_at_1280_by_800(journey: Any) -> None:
    """On a 1280 x 800 screen every button and tab on the Plan and My setting pages reads in
    full (the re-plan button was "Re-plan, keeping links, slots and…")."""
    tab, _ = journey
    tab.set_viewport_size({"width": 1280, "height": 800})
    try:
        cut: list[str] = []
        for title in ("Plan", "My setting"):
            open_page(tab, title)
            cut += [f"{title}: {label}" for label in tab.evaluate(CUT_SHORT)]
        shoot(tab, "setting-1280")
    finally:
        tab.set_viewport_size(VIEWPORT)
    assert not cut, cut


def test_every_page_and_tab_passes_axe(journey: Any) -> None:
    """No serious or critical axe-core violation in what we render, on any page or plan tab."""
    tab, _ = journey
    ours: list[str] = []
    theirs: list[str] = []

    def check(where: str) -> None:
        mine, streamlit = accessibility_problems(tab, where)
        ours.extend(mine)
        theirs.extend(streamlit)

    open_page(tab, "Plan")
    for name in PLAN_TABS:
        open_tab(tab, name)
        tab.locator('[data-testid="stTabs"]').first.scroll_into_view_if_needed()
        check(f"Plan/{name}")
        if name in ("Timeline", "Links"):
            shoot(tab, f"plan-{name.lower()}", doc=name == "Timeline")
    for title, shot in (
        ("Data", "data"),
        ("Versions", "versions"),
        ("Access", "access"),
        ("Priorities", "priorities"),
        ("Capacity", "capacity"),
        ("My setting", "setting"),
        ("Service report", "report"),
        ("Outcomes", "outcomes"),
    ):
        open_page(tab, title)
        shoot(tab, shot, doc=title == "Capacity")
        check(title)
    (SHOTS / "axe-streamlit-own.txt").write_text("\n".join(theirs) + "\n")
    assert not ours, "\n".join(ours)
