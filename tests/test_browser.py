"""The dashboard end to end in a real browser, with an accessibility check of every page.

Starts ``streamlit run streamlit_app.py`` on a free localhost port (on the bundled sample
authority), drives Debian's Chromium with Playwright, makes a plan with a short time limit,
opens a setting's page and downloads its calendar, and runs axe-core on each page. Screenshots
go to ``test-output/screenshots/``; with ``UPDATE_SCREENSHOTS=1`` the plan page's is also
copied to ``docs/screenshots/`` for the README.

Without Chromium the tests skip, unless ``REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from streamlit_server import free_port, require_browser, running_streamlit

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
README_SHOT = ROOT / "docs" / "screenshots" / "plan.png"
VIEWPORT: Any = {"width": 1440, "height": 1500}
PLAN_SECONDS = 10
"""The plan's time limit: short, the sample still gets a complete, checked plan."""

BLOCKING = ("serious", "critical")
STREAMLIT_OWN: dict[str, tuple[str, ...]] = {
    # rule id -> the Streamlit-rendered regions where it is Streamlit's markup, not ours
    # (each one is described in docs/accessibility.md)
    "list": ('[data-testid="stSidebarNav"]',),
    "listitem": ('[data-testid="stSidebarNav"]',),
}

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server on localhost, serving the app on the bundled sample data."""
    require_browser()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "SCHEDULER_UI_DATA"}
    extra = ("--server.fileWatcherType", "none")
    with running_streamlit(
        "streamlit_app.py", port=free_port(), log_path=log_path, env=env, extra=extra
    ) as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    """One browser tab on the app (one Streamlit session for the whole module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
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
    """Follow the sidebar link (same session: the plan stays) and wait for the page."""
    tab.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
    tab.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)",
        arg=HEADINGS.get(title, title),
    )
    settle(tab)


def shoot(tab: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


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
def planned(page: Any) -> Any:
    """The app after generating a plan on the sample data with a short time limit."""
    open_page(page, "Plan")
    assert page.get_by_role("heading", name="Termly rota").is_visible()
    slider = page.get_by_role("slider").first
    slider.focus()
    page.keyboard.press("Home")  # 5 s …
    page.keyboard.press("ArrowRight")  # … 10 s
    settle(page)
    assert "10" in page.locator('[data-testid="stSlider"]').first.inner_text()
    page.get_by_role("button", name="Generate the plan").click()
    page.get_by_text("Planning the term").wait_for(timeout=30_000)
    page.get_by_role("button", name="Stop and keep the best plan so far").wait_for()
    page.get_by_role("heading", name="Key figures").wait_for(timeout=240_000)
    settle(page)
    return page


def test_plan_then_setting_downloads_its_calendar(planned: Any) -> None:
    """A coordinator makes the plan; a setting downloads its own .ics, which parses."""
    tab = planned
    for label in ("Children due", "Scheduled", "Funded two-year-olds", "Gap to bound"):
        assert tab.locator('[data-testid="stMetricLabel"]', has_text=label).count() == 1
    assert tab.get_by_text("The independent check found no broken rule").is_visible()
    tab.locator('[data-testid="stTab"]', has_text="Timeline").first.click()
    tab.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    settle(tab)
    shot = shoot(tab, "plan")  # the top of the page: status, key figures, timeline
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":  # refresh the README's picture on demand
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SHOT)

    open_page(tab, "My setting")
    chosen = tab.get_by_role("combobox", name="Setting").input_value()
    setting_id = tab.url.split("setting=")[-1]
    assert chosen.strip().endswith(f"({setting_id})")
    setting_name = chosen.strip().removesuffix(f"({setting_id})").strip()
    assert tab.get_by_role("heading", name="Review slots", exact=False).is_visible()
    shoot(tab, "setting")
    tab.locator('[data-testid="stDataFrame"]').first.hover()  # its toolbar shows on hover
    tab.locator('[data-testid="stElementToolbar"]').first.wait_for()
    tab.get_by_role("button", name="Search").first.wait_for()
    assert tab.get_by_role("button", name="Download as CSV").count() == 0  # disableDataExport
    with tab.expect_download() as info:
        tab.get_by_role("button", name="Calendar feed for this setting (.ics)").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    assert setting_name in str(calendar.get("X-WR-CALNAME"))
    events = list(calendar.walk("VEVENT"))
    assert events, "the setting's feed has its reviews"
    assert all(e.get("DTSTART") is not None for e in events)


def test_every_page_passes_axe(planned: Any) -> None:
    """No serious or critical axe-core violation in what we render, on any page or plan tab."""
    tab = planned
    ours: list[str] = []
    theirs: list[str] = []

    def check(where: str) -> None:
        mine, streamlit = accessibility_problems(tab, where)
        ours.extend(mine)
        theirs.extend(streamlit)

    open_page(tab, "Plan")
    for name in ("Timeline", "Week", "Appointments", "Map", "Not scheduled", "Links", "Checks"):
        tab.locator('[data-testid="stTab"]', has_text=name).first.click()
        settle(tab)
        tab.locator('[data-testid="stTabs"]').first.scroll_into_view_if_needed()
        check(f"Plan/{name}")
        if name != "Timeline":
            shoot(tab, f"plan-{name.lower().replace(' ', '-')}")
    for title, shot in (
        ("Data", "data"),
        ("Priorities", "priorities"),
        ("Capacity", "capacity"),
        ("My setting", "setting"),
        ("Service report", "report"),
        ("Outcomes", "outcomes"),
    ):
        open_page(tab, title)
        shoot(tab, shot)
        check(title)
    (SHOTS / "axe-streamlit-own.txt").write_text("\n".join(theirs) + "\n")
    assert not ours, "\n".join(ours)
