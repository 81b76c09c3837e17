"""Text from the data is never markup in the dashboard.

An authority whose names carry Markdown (bold, links, images, headings, Streamlit's colour
directives and maths) is published and opened on the pages that show names. Every piece of
Markdown the app sends is rendered with markdown-it-py (CommonMark, independent of our code):
no link, image, heading or emphasis comes from the data, and each name reads exactly as typed.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import (
    appointment_for,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
)
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``ui`` is not an installed package; the app runs from the root
    sys.path.insert(0, str(ROOT))

from scheduler.io.write_data import write_authority  # noqa: E402
from scheduler.store import repository as repo  # noqa: E402
from scheduler.store.db import DB_URL_ENV  # noqa: E402
from ui import state, storage  # noqa: E402
from ui.markup import md  # noqa: E402

SETTING = "**Acorn** [pay here](https://evil.example/s) :red[alarm] $x^2$ <b>bold</b>"
ADDRESS = "1 High St\n# Heading ![x](https://evil.example/i.png)"
PRACTITIONER = "_Ann_ [Lee](javascript:alert(1)) :material/warning:"
TEAM = "[North team](https://evil.example/t)"
TERM = "Autumn **2026** [x](https://evil.example/term)"
HOSTILE = (SETTING, ADDRESS.replace("\n", " "), PRACTITIONER, TEAM, TERM)

pytestmark = pytest.mark.timeout(120)
PARSER = MarkdownIt("commonmark")
WORD_JOINER = "\u2060"
"""U+2060, invisible: what ``md`` puts inside a bare address so that it is not linked."""


@dataclass
class Published:
    url: str


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Published]:
    """A store with the hostile authority's plan published, and the session's data the same."""
    data = make_authority(
        practitioners=[make_practitioner(name=PRACTITIONER, team=TEAM)],
        settings=[make_setting(name=SETTING, address=ADDRESS)],
        key_persons=[make_key_person()],
        children=[make_child("C001")],
        config=make_config(term={"name": TERM}),
    )
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    folder = tmp_path / "data"
    write_authority(data, folder)
    monkeypatch.setenv(state.DATA_ENV, str(folder))
    store = repo.open_store(url)
    repo.save_plan(store, make_plan(data, [appointment_for(data, "C001")]), data, actor="test")
    repo.publish(store, 1, actor="test")
    store.dispose()
    yield Published(url)
    storage._open.cache_clear()


def open_page(page: str) -> AppTest:
    """The dashboard (provider-less: the local coordinator) switched to ``ui/pages/<page>``."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"ui/pages/{page}")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown_sources(at: AppTest) -> list[str]:
    """Every Markdown string the run sent: text, captions, headings, alerts, main and sidebar."""
    sources: list[str] = []
    for area in (at.main, at.sidebar):
        for kind in ("markdown", "caption", "title", "header", "subheader"):
            sources += [str(e.value) for e in getattr(area, kind)]
        for kind in ("info", "success", "warning", "error"):
            sources += [str(e.value) for e in getattr(area, kind)]
    return sources


def visible_text(rendered: str) -> str:
    """What a reader sees (the invisible word joiners that stop autolinks read as nothing)."""
    return (
        html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\n", " ").replace(WORD_JOINER, "")
    )


GFM_AUTOLINKS = re.compile(
    r"(?:^|(?<=[\s*_~(]))www\.[\w-]+|https?://[\w-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
"""GitHub-flavoured Markdown's extended autolinks (www., http(s):// and e-mail; GFM spec 6.9),
which Streamlit applies to the rendered text, after CommonMark has undone every escape."""


def assert_data_is_text(sources: list[str]) -> str:
    """No markup from the data in any source; returns all their visible text."""
    texts = []
    for source in sources:
        rendered = PARSER.render(source)
        targets = " ".join(re.findall(r'(?:href|src)="([^"]*)"', rendered))
        assert "evil.example" not in targets and "javascript" not in targets
        assert "<img" not in rendered and "<h1" not in rendered and "<em>Ann</em>" not in rendered
        assert "<strong>Acorn</strong>" not in rendered and "<strong>2026</strong>" not in rendered
        texts.append(visible_text(rendered))
    return "  ".join(texts)


def test_md_keeps_any_text_literal() -> None:
    """The escape itself: CommonMark renders exactly the characters given, on one line."""
    for text in (*HOSTILE, "a\\b", "`code`", "1. item", "- item", "> quote", "| a | b |"):
        rendered = PARSER.render(md(text)).strip()
        assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
        assert visible_text(rendered).strip() == text.replace("\n", " ").strip()


def test_bare_addresses_in_the_data_never_become_links() -> None:
    """A bare web or e-mail address in a name stays text: after CommonMark undoes the escapes,
    nothing is left that GitHub-flavoured Markdown (Streamlit's) would turn into a link, and
    the text still reads as typed."""
    for text in (
        "Acorn http://evil.example/pay",
        "Acorn HTTPS://evil.example",
        "see www.evil.example now",
        "(www.evil.example)",
        "pay@evil.example",
        SETTING,
    ):
        rendered = PARSER.render(md(text))
        shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
        assert not GFM_AUTOLINKS.search(shown), shown
        assert shown.replace(WORD_JOINER, "") == text


def test_the_setting_page_shows_names_as_text(published: Published) -> None:
    """My setting, as the local coordinator on the published plan: names, address, team and
    term read as typed; no bold, link, image or heading comes from them."""
    at = open_page("setting.py")
    text = assert_data_is_text(markdown_sources(at))
    for hostile in (SETTING, ADDRESS.replace("\n", " "), PRACTITIONER, TEAM, TERM):
        assert hostile in text, hostile
    mailto = [s for s in markdown_sources(at) if "mailto:" in s]
    assert mailto and all("](mailto:p001@health.example.org)" in s for s in mailto)


@pytest.mark.parametrize("page", ["data.py", "plan.py", "versions.py"])
def test_other_pages_show_names_and_terms_as_text(published: Published, page: str) -> None:
    """The Data, Plan and Versions pages: the term name (and anything else from the data)
    is text wherever it meets Markdown."""
    at = open_page(page)
    text = assert_data_is_text(markdown_sources(at))
    if page != "versions.py":
        assert TERM in text


def test_no_page_renders_raw_html() -> None:
    """Streamlit escapes HTML in Markdown unless told otherwise: nothing in ui/ tells it to."""
    for path in (ROOT / "ui").rglob("*.py"):
        source = path.read_text()
        for risky in ("unsafe_allow_html=True", "st.html(", "components.html("):
            assert risky not in source, f"{path.relative_to(ROOT)} uses {risky}"
