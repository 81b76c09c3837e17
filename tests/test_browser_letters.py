"""The appointment letter printed by a real browser: Chromium's own A4 PDF, page by page.

Backs the page-height proxy of test_export_letters.py with the real thing. Without Chromium the test
skips, unless ``REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import test_export_letters as letters
from streamlit_server import CHROMIUM, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
"""A page object in a PDF (``/Type /Pages`` is the page tree, not a page)."""


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def printed_pages(page: Any, html: str) -> int:
    """How many sheets Chromium prints the page on, with the letter's own @page size (A4)."""
    page.set_content(html)
    pdf: bytes = page.pdf(prefer_css_page_size=True)
    return len(_PAGE.findall(pdf))


def test_every_kind_of_letter_prints_on_one_a4_page(browser_page: Any) -> None:
    """Each kind of review's letter, and the wordiest letter there is, print on one sheet; the
    large-type version of the wordiest takes two."""
    for name in letters.VARIANTS:
        assert printed_pages(browser_page, letters.letter_html(letters.variant(name))) == 1, name
    assert printed_pages(browser_page, letters.longest_letter(large=False)) == 1
    assert printed_pages(browser_page, letters.longest_letter(large=True)) == 2


def test_the_page_count_can_see_a_second_page(browser_page: Any) -> None:
    """The counting is real: a letter with its body twice over prints on more than one page."""
    html = letters.longest_letter(large=False)
    head, body = html.split("<body>")
    assert printed_pages(browser_page, head + "<body>" + body.replace("</body>", "") * 2) > 1
