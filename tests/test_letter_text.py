"""A letter's plain text is the same whether the page is read by the plain-HTML reader or by
:class:`html.parser.HTMLParser` (issue 21: the fast path must never change an invitation)."""

from __future__ import annotations

from dataclasses import replace

import ics_fixtures as fx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scheduler.export import letters
from scheduler.export.letters import html_to_text, letter_facts, letter_html, render_page


def parser_text(page: str) -> str:
    """The text as the general parser gives it (the way every letter was read before)."""
    writer = letters._TextWriter()
    writer.feed(page)
    writer.close()
    return writer.text()


def plain(page: str) -> bool:
    """Whether the plain-HTML reader takes the page (rather than handing it to the parser)."""
    return letters._feed_plain(letters._TextWriter(), page)


TAGS = ["p", "h1", "h2", "ul", "li", "table", "tr", "th", "td", "br", "b", "span", "div"]
TAGS += ["title", "style", "script", "head", "body", "html", "meta", "dl", "dt", "dd", "P", "LI"]
PIECES = [*"ab ,.'\n\t", "&amp;", "&lt;", "&#39;", "&eacute;", "& ", "&x", "é"]
words = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
attributes = st.lists(
    st.tuples(
        st.sampled_from(["class", "scope", "lang", "data-x", "content"]),
        st.sampled_from(['="row"', "='a b'", '="x&amp;y"', "", '=""', '="a\nb"']),
    ),
    max_size=2,
).map(lambda pairs: "".join(f" {name}{value}" for name, value in pairs))
start_tags = st.builds(
    lambda tag, attrs, closed, space: f"<{tag}{attrs}{space}{closed}>",
    st.sampled_from(TAGS),
    attributes,
    st.sampled_from(["", "/", " /"]),
    st.sampled_from(["", " ", "\n"]),
)
end_tags = st.builds(lambda tag, space: f"</{tag}{space}>", st.sampled_from(TAGS), st.just(""))
oddities = st.sampled_from(
    ["<!DOCTYPE html>", "<!-- note -->", "a < b", "<![CDATA[x]]>", "<?pi?>", "<p class=x>"]
)
pieces = st.one_of(words, start_tags, end_tags, words, start_tags, end_tags, oddities)
pages = st.lists(pieces, max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(page=pages)
@example(page="a</P>b<LI>c")
@example(page="x<style><p>a</p></style>y<p>z")
@example(page="<title>T &amp; t</title><p>a &amp; b</p><script>1 < 2</script>c")
def test_random_pages_read_the_same_both_ways(page: str) -> None:
    """Any mixture of tags, attributes, entities, raw text and constructs the reader leaves
    to the parser gives the parser's text."""
    assert html_to_text(page) == parser_text(page)


@pytest.mark.parametrize("model", ["joint", "separate", "home"])
@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("name", ["letter.html", "cancellation.html", "removed.html"])
def test_built_in_letters_take_the_fast_way_and_read_the_same(
    model: str, large: bool, name: str
) -> None:
    """Every built-in page is plain HTML, and its text is the parser's."""
    data = fx.authority(model)
    for appointment in fx.plan(data).appointments:
        facts = letter_facts(data, appointment)
        page = (
            letter_html(facts, large=large, update=True)
            if name == "letter.html"
            else render_page(name, facts)
        )
        assert plain(page)
        assert html_to_text(page) == parser_text(page)


def test_a_service_page_the_reader_does_not_take_still_reads_right() -> None:
    """A page with a comment (say, a service's own template) goes to the parser."""
    data = fx.authority()
    facts = letter_facts(data, fx.plan(data).appointments[0])
    page = letter_html(replace(facts, child_name="Ada")).replace("<body>", "<body><!-- x -->")
    assert not plain(page)
    assert html_to_text(page) == parser_text(page)
    assert "Ada" in html_to_text(page)
