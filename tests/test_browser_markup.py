"""Names from the data stay text in Streamlit's real renderer (GitHub-flavoured Markdown),
in Chromium: no link from a bare web or e-mail address, no bold, no HTML, and the name reads
exactly as typed.

The CommonMark check in test_markup.py cannot see GFM's autolinks; this can. Without Chromium
the test skips, unless ``REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markup_page import NAMES
from streamlit_server import CHROMIUM, free_port, require_browser, running_streamlit

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """tests/markup_page.py served by ``streamlit run`` and opened in Chromium."""
    require_browser()
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("markup")
    with (
        running_streamlit(
            str(Path("tests") / "markup_page.py"),
            port=free_port(),
            log_path=folder / "server.log",
            env=dict(os.environ),
            address="localhost",
        ) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page()
            tab.goto(url)
            main = tab.locator('[data-testid="stMain"]')
            deadline = time.monotonic() + 60
            while main.count() == 0 or main.inner_text().replace("\u2060", "").count(NAMES[-1]) < 3:
                assert time.monotonic() < deadline, "the page did not render"
                time.sleep(0.2)
            yield tab
        finally:
            browser.close()


def test_names_with_addresses_and_markup_render_as_text(rendered: Any) -> None:
    """Every Markdown element on the page: no link, no emphasis but our own label, no HTML
    from the data; each name's characters are all there."""
    tab = rendered
    main = tab.locator('[data-testid="stMain"]')
    hrefs = [a.get_attribute("href") for a in main.locator("a").all()]
    assert hrefs == [], hrefs
    assert main.locator("strong").all_inner_texts() == ["Setting:"] * len(NAMES)
    assert main.locator("b, em, img, code").count() == 0
    text = main.inner_text().replace("\u2060", "")
    for name in NAMES:
        assert text.count(name) == 3, name
