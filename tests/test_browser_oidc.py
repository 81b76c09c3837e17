"""OpenID Connect sign-in end to end: Chromium, ``streamlit run app.py`` and a mock provider.

A local ``oidc-provider-mock`` server plays the authority's identity provider; the app gets an
``[auth]`` section through a temporary ``secrets.toml`` (``--secrets.files``). A setting's
member of staff signs in through the provider's form and lands on their own setting's page of
the published plan, with their own slots and their children not booked, and downloads their
calendar; a service lead changes a weight and sees the plan before and after; a stranger is
refused politely; signing out goes back to the sign-in page.

Without Chromium the test skips, unless ``REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from streamlit_server import (
    UNBOOKED_REASON,
    free_port,
    published_two_settings,
    require_browser,
    running_streamlit,
)

from scheduler.store import repository as repo
from scheduler.store.access import Role
from scheduler.store.db import DB_URL_ENV

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SHOTS = ROOT / "test-output" / "screenshots"
STAFF = "acorn@example.org"
STRANGER = "stranger@example.org"
COORDINATOR = "boss@example.org"
LEAD = "lead@example.org"
UNVERIFIED = "unverified@example.org"
"""In the store as a coordinator, but the provider does not say it verified the address."""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(180),
    # the mock provider uses Authlib APIs that Authlib itself now deprecates: not ours to fix
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def _store(url: str, data: Path) -> None:
    """A published plan for two settings (its data in ``data``, where the dashboard starts);
    S001's staff may sign in as a setting user, and a service lead."""
    store = published_two_settings(url, data)
    repo.set_identity(store, COORDINATOR, Role.COORDINATOR, actor="test")
    repo.set_identity(store, LEAD, Role.SERVICE_LEAD, display_name="The Lead", actor="test")
    repo.set_identity(store, UNVERIFIED, Role.COORDINATOR, actor="test")
    repo.set_identity(
        store, STAFF, Role.SETTING, setting_id="S001", display_name="Acorn staff", actor="test"
    )
    store.engine.dispose()


@dataclass
class Site:
    app: str
    store_url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The mock provider (claims for two people) and the app configured to sign in with it."""
    require_browser("oidc_provider_mock")
    import oidc_provider_mock  # type: ignore[import-untyped]

    folder = tmp_path_factory.mktemp("oidc")
    store_url = f"sqlite+pysqlite:///{folder / 'store.db'}"
    _store(store_url, folder / "data")
    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        people = (
            (STAFF, "Acorn staff", True),
            (STRANGER, "A Stranger", True),
            (COORDINATOR, "The Boss", True),
            (LEAD, "The Lead", True),
            (UNVERIFIED, "Not Verified", None),  # the claim is missing altogether
        )
        for email, name, verified in people:
            claims = {"email": email, "name": name}
            if verified is not None:
                claims["email_verified"] = verified
            request = urllib.request.Request(
                f"{issuer}/users/{quote(email)}",
                data=json.dumps(claims).encode(),
                headers={"Content-Type": "application/json"},
                method="PUT",
            )
            with urllib.request.urlopen(request, timeout=10) as reply:
                assert reply.status == 204
        port = free_port()
        app = f"http://localhost:{port}"
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{app}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            'client_id = "integrated-review-dashboard"\n'
            f'client_secret = "{secrets.token_urlsafe(16)}"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
        log_path = folder / "server.log"
        with running_streamlit(
            "app.py",
            port=port,
            log_path=log_path,
            env={**os.environ, DB_URL_ENV: store_url, "SCHEDULER_UI_DATA": str(folder / "data")},
            address="localhost",
            extra=("--secrets.files", str(secrets_file)),
        ):
            yield Site(app, store_url)


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def settle(tab: Any) -> None:
    """Wait until the app's script has finished running."""
    tab.wait_for_selector('[data-testid="stAppViewContainer"]')
    quiet, deadline = 0, time.monotonic() + 60
    while quiet < 6:
        assert time.monotonic() < deadline, "the app kept running"
        running = tab.locator('[data-testid="stStatusWidget"]').count() > 0
        quiet = 0 if running else quiet + 1
        time.sleep(0.15)


def sign_in(browser: Any, site: Site, email: str) -> Any:
    """A fresh browser context signed in through the provider's form as ``email``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(site.app)
    settle(tab)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/oauth2/authorize**")
    tab.locator('input[name="sub"]').fill(email)
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url(f"{site.app}/**")
    settle(tab)
    return tab


def test_a_setting_user_signs_in_and_sees_only_its_setting(browser: Any, site: Site) -> None:
    """Signed in through the provider, S001's staff land on their page of the published plan."""
    tab = sign_in(browser, site, STAFF)
    tab.get_by_role("heading", name="My setting").wait_for()
    tab.get_by_text("From the published plan, version 1.").wait_for()
    tab.get_by_role("button", name="Calendar feed for this setting (.ics)").wait_for()
    body = tab.locator("body").inner_text()
    assert "Acorn Nursery" in body and "Birch" not in body and "C002" not in body
    tab.get_by_role("heading", name="Children not booked yet").wait_for()
    tab.get_by_text("1 child(ren) due this term have no review booked", exact=False).wait_for()
    links = tab.locator('[data-testid="stSidebarNavLink"]')
    menu = [text.split("\n")[-1] for text in links.all_inner_texts()]  # after the icon's name
    assert menu == ["My setting", "Service report", "Outcomes"]
    assert "Signed in: Acorn staff · Setting S001" in tab.locator("section").first.inner_text()
    feed_button = tab.get_by_role("button", name="Calendar feed for this setting (.ics)")
    feed_button.wait_for()
    grids = tab.locator('[data-testid="stDataFrame"]')
    grids.first.wait_for()
    assert grids.count() == 2  # their own slots, and their children not booked
    tab.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stDataFrame\"]')]"
        ".every(grid => grid.textContent.includes('(C00'))"
    )
    slots, unbooked = (grid.text_content() or "" for grid in grids.all())
    assert "Z.Q. (C001)" in slots and "C002" not in slots
    assert "W.A. (C003)" in unbooked and UNBOOKED_REASON in unbooked  # whole, as the plan said
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "oidc-setting.png"), full_page=True)
    with tab.expect_download() as info:
        feed_button.click()
    feed = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == "S001.ics"
    assert b"Acorn Nursery" in feed and b"C002" not in feed and b"Birch" not in feed

    tab.get_by_role("button", name="Sign out").click()
    tab.wait_for_url("**/oauth2/end_session**")  # the provider ends its session too
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(f"{site.app}/**")
    settle(tab)
    tab.get_by_role("button", name="Sign in").wait_for()
    assert "Acorn" not in tab.locator("body").inner_text()
    tab.context.close()

    store = repo.open_store(site.store_url)
    signed = repo.list_audit(store, action=repo.AuditAction.SIGNED_IN)
    assert [e.actor for e in signed] == [STAFF]
    exported = repo.list_audit(store, action=repo.AuditAction.CALENDAR_EXPORTED)
    assert [(e.actor, e.target) for e in exported] == [(STAFF, "setting:S001")]


def test_a_service_lead_changes_a_weight_and_sees_before_and_after(
    browser: Any, site: Site
) -> None:
    """The lead opens Priorities on the published plan, raises a weight, tries it, and reads the
    before and after (figures and who would move); nothing is saved until kept."""
    tab = sign_in(browser, site, LEAD)
    tab.locator('[data-testid="stSidebarNavLink"]', has_text="Priorities").first.click()
    tab.get_by_role("heading", name="Priorities", exact=True).wait_for()
    settle(tab)
    assert "version 1 (published)" in tab.locator("body").inner_text()
    slider = tab.get_by_role("slider", name="Funded two-year-olds")
    slider.focus()
    for _ in range(4):  # 3.0 -> 5.0
        tab.keyboard.press("ArrowRight")
    answer = tab.get_by_role("slider", name="Answer within (seconds)")
    answer.focus()
    tab.keyboard.press("Home")  # 2 s
    tab.get_by_role("button", name="Try these priorities").click()
    tab.get_by_role("heading", name="Before and after").wait_for(timeout=120_000)
    settle(tab)
    text = tab.locator("body").inner_text()
    assert "Funded two-year-olds 3 → 5" in text
    assert "vs the plan you have" in text and "would move" in text
    assert tab.get_by_role("button", name="Keep as a new draft").is_visible()
    tab.screenshot(path=str(SHOTS / "priorities-what-if.png"), full_page=True)
    tab.context.close()
    store = repo.open_store(site.store_url)
    try:
        assert repo.count_versions(store) == 1  # a what-if is not saved until kept
    finally:
        store.dispose()


def test_a_stranger_is_refused_politely(browser: Any, site: Site) -> None:
    """Someone the provider knows but the store does not gets the refusal page and no data."""
    tab = sign_in(browser, site, STRANGER)
    tab.get_by_text("is not allowed to use this dashboard").wait_for()
    body = tab.locator("body").inner_text()
    assert "Acorn" not in body and "My setting" not in body
    tab.context.close()


def test_an_address_the_provider_did_not_verify_is_refused(browser: Any, site: Site) -> None:
    """A real provider's ID token without ``email_verified``: even a coordinator's address in
    the store gets the refusal page, and nothing is tied to that account."""
    tab = sign_in(browser, site, UNVERIFIED)
    tab.get_by_text("has not verified your e-mail address").wait_for()
    body = tab.locator("body").inner_text()
    assert "Acorn" not in body and "Versions" not in body
    tab.context.close()
    store = repo.open_store(site.store_url)
    try:
        assert UNVERIFIED not in repo.bound_identities(store)
    finally:
        store.dispose()


def test_a_coordinator_gets_every_page_and_the_new_ones_pass_axe(browser: Any, site: Site) -> None:
    """The coordinator's menu has every page; Versions and Access have no serious or critical
    axe-core violation in what we render."""
    from test_browser import accessibility_problems

    tab = sign_in(browser, site, COORDINATOR)
    links = tab.locator('[data-testid="stSidebarNavLink"]')
    links.first.wait_for()
    names = [links.nth(i).inner_text().strip() for i in range(links.count())]
    for page in ("Data", "Plan", "Versions", "Access", "Priorities", "Capacity", "My setting"):
        assert any(page in name for name in names), names
    ours: list[str] = []
    for page, heading in (("Versions", "Versions"), ("Access", "Access")):
        links.filter(has_text=page).first.click()
        tab.get_by_role("heading", name=heading, exact=True).wait_for()
        settle(tab)
        tab.screenshot(path=str(SHOTS / f"{page.lower()}.png"), full_page=True)
        mine, _streamlit = accessibility_problems(tab, page)
        ours.extend(mine)
    tab.context.close()
    assert not ours, "\n".join(ours)
