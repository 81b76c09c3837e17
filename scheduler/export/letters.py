"""What people read about a review: the family's appointment letter, and how children are named.

One set of facts (:class:`LetterFacts`) feeds the invitation's description, the email body and
the printable HTML letter, so the three never disagree. The letters themselves are Jinja2
templates (``scheduler/templates/letters/``, package data), rendered in a sandbox with every
value escaped; a service can replace any of them, or add a translation, from the folder named
by ``[letters] templates`` (docs/calendars.md). The plain text of an invitation or email is the
same HTML letter turned back into text, so there is one wording to maintain.

The family's letter names their own child; everything else names children as
``[privacy] calendar_names`` says. No letter mentions date of birth, funded places, SEND,
earlier worries or the home language (the interpreter offer does not name it): a letter is
forwarded, printed and left on kitchen tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from scheduler.config import ConfigError, ReviewModel
from scheduler.deadlines import (
    PREPARATION_LEAD_WORKING_DAYS,
    SUMMARY_LEAD_WORKING_DAYS,
    SummaryDeadlines,
    summary_needed,
)
from scheduler.domain import Authority, format_time
from scheduler.plan import Appointment, Plan

NameStyle = Literal["initials", "full", "id"]

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Unicode's control characters (category ``Cc``: exactly these 65)."""
_WORD_SPLIT = re.compile(r"[\s\-]+")

ROLE_NAMES: dict[str, str] = {
    "health_visitor": "health visitor",
    "community_nursery_nurse": "community nursery nurse",
    "nursery_nurse": "nursery nurse",
    "school_nurse": "school nurse",
}


def clean(text: str | None) -> str:
    """One line of text: newlines, tabs and runs of spaces become single spaces, and other
    control characters (not allowed in iCalendar text) are dropped.

    Names and addresses come from spreadsheets; a stray line break must not end up splitting
    a calendar property or an email header.
    """
    return _CONTROL.sub("", _SPACE.sub(" ", text or "")).strip()


def initials(name: str) -> str:
    """``Amelia-Rose O'Brien`` → ``A.R.O.``: the first letter of each part of the name."""
    parts = [p for p in _WORD_SPLIT.split(clean(name)) if p]
    letters = []
    for part in parts:
        first = next((ch for ch in part if ch.isalnum()), "")
        if first:
            letters.append(first.upper() + ".")
    return "".join(letters) or "?"


def child_label(child_id: str, name: str | None, style: NameStyle) -> str:
    """How a child appears in setting and practitioner calendars, e.g. ``A.B. (C0123)``."""
    if style == "id" or not clean(name):
        return child_id
    shown = clean(name) if style == "full" else initials(name or "")
    return f"{shown} ({child_id})"


def first_name(name: str) -> str:
    """The first word of a name, for a letter's friendlier sentences."""
    words = clean(name).split(" ")
    return words[0] if words and words[0] else "your child"


def role_name(role: str | None) -> str:
    """``health_visitor`` → ``health visitor``; unknown roles read as the words they are."""
    if not role:
        return "health practitioner"
    return ROLE_NAMES.get(role, clean(role.replace("_", " ")))


def long_date(day: date) -> str:
    """``Tuesday 20 October 2026``: how a British letter writes a date."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """``Tue 20 Oct``: for calendar descriptions."""
    return f"{day:%a} {day.day} {day:%b}"


MODEL_OF_LOCATION: dict[str, ReviewModel] = {
    "setting": "joint",
    "clinic": "separate",
    "home": "home",
}
"""The review model an appointment's ``location`` means (older plan files have no ``model``)."""


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """Everything a letter or invitation about one review says, resolved from the data.

    Missing records (a previous plan may name a child no longer in the data) fall back to ids,
    so a cancellation can always be written. ``geo`` is the venue's position for everyone who
    may see the venue; a home visit has none here: the family's home is only in ``home_point``,
    which only the practitioner's own calendar uses.
    """

    child_id: str
    child_name: str
    parent_name: str | None
    parent_email: str | None
    model: ReviewModel
    day: date
    pre_meeting_start: int | None
    start: int
    end: int
    place_name: str
    place_address: str | None
    geo: tuple[float, float] | None
    setting_id: str
    """Empty for a child in no setting."""
    setting_name: str
    setting_address: str | None
    setting_email: str | None
    practitioner_id: str
    practitioner_name: str
    practitioner_role: str
    practitioner_email: str | None
    key_person_id: str
    key_person_name: str
    key_person_email: str | None
    organiser_name: str
    organiser_email: str
    summary_due: date | None
    """When the key person's progress summary must be ready (:mod:`scheduler.deadlines`):
    for the family to take to a clinic or home review, or for the joint meeting. ``None``: no
    child in a setting, or no day fits the rules."""

    childminder: bool = False
    """The setting is a childminder: the key person is the childminder themself."""
    home_point: tuple[float, float] | None = None
    """A home visit's coordinates: for the practitioner's own event only."""
    interpreter_language: str | None = None
    """The home language when it is not English: for the practitioner's own event only."""
    phone: str | None = None
    """``[contact] phone``: where families ring."""
    rearrange: str | None = None
    """``[contact] rearrange``: another simple way to rearrange, in the service's words."""
    templates: str | None = None
    """``[letters] templates``: the service's own letter templates, if any."""

    @property
    def first_name(self) -> str:
        return first_name(self.child_name)

    @property
    def in_setting(self) -> bool:
        """The child attends a setting (so has a key person and a progress summary)."""
        return bool(self.setting_id)

    @property
    def key_role(self) -> str:
        """``key person at Little Acorns``, or ``childminder`` when that is who they are."""
        return "childminder" if self.childminder else f"key person at {self.setting_name}"

    @property
    def place(self) -> str:
        """``Name, address`` on one line: a calendar's ``LOCATION`` (``your home`` for a home
        visit, which is what the family reads)."""
        return ", ".join(p for p in (self.place_name, self.place_address) if p)

    @property
    def staff_place(self) -> str:
        """The venue as staff read it: a home visit is ``the family's home``."""
        return "the family's home" if self.model == "home" else self.place

    @property
    def times(self) -> str:
        return f"{format_time(self.start)} to {format_time(self.end)}"


def letter_facts(
    authority: Authority, appointment: Appointment, deadlines: SummaryDeadlines | None = None
) -> LetterFacts:
    """Resolve an appointment's ids into the names, places and times a reader needs.

    ``deadlines`` (one per authority) saves recomputing the key persons' days for every review.
    """
    config = authority.config
    child = authority.children.get(appointment.child_id)
    setting = authority.settings.get(appointment.setting_id or "")
    practitioner = authority.practitioners.get(appointment.practitioner_id)
    key_person = authority.key_persons.get(appointment.key_person_id or "")
    setting_name = clean(setting.name) if setting else (appointment.setting_id or "")
    setting_address = (clean(setting.address) or None) if setting else None
    model = MODEL_OF_LOCATION.get(appointment.location, appointment.model)
    home_point: tuple[float, float] | None = None
    if model == "joint":
        place_name, place_address = setting_name, setting_address
        geo = (setting.lat, setting.lon) if setting else None
    elif model == "home":
        place_name, place_address, geo = "your home", None, None
        home_point = child.home if child else None
    else:
        base = clean(practitioner.base_name) if practitioner else ""
        place_name = base or "the health clinic"
        place_address = (clean(practitioner.base_address) or None) if practitioner else None
        geo = (practitioner.base_lat, practitioner.base_lon) if practitioner else None
    due: date | None = None
    if child is not None and summary_needed(child) and child.key_person_id in authority.key_persons:
        deadlines = deadlines or SummaryDeadlines(authority)
        lead = PREPARATION_LEAD_WORKING_DAYS if model == "joint" else SUMMARY_LEAD_WORKING_DAYS
        due = deadlines.due_date(child, appointment.date, lead_working_days=lead)
    return LetterFacts(
        child_id=appointment.child_id,
        child_name=(clean(child.name) if child else "") or appointment.child_id,
        parent_name=(clean(child.parent_name) or None) if child else None,
        parent_email=(clean(child.parent_email) or None) if child else None,
        model=model,
        day=appointment.date,
        pre_meeting_start=appointment.pre_meeting_start,
        start=appointment.start,
        end=appointment.end,
        place_name=place_name,
        place_address=place_address,
        geo=geo,
        setting_id=appointment.setting_id or "",
        setting_name=setting_name,
        setting_address=setting_address,
        setting_email=(clean(setting.email) or None) if setting else None,
        practitioner_id=appointment.practitioner_id,
        practitioner_name=clean(practitioner.name) if practitioner else appointment.practitioner_id,
        practitioner_role=role_name(practitioner.role if practitioner else None),
        practitioner_email=(clean(practitioner.email) or None) if practitioner else None,
        key_person_id=appointment.key_person_id or "",
        key_person_name=clean(key_person.name) if key_person else (appointment.key_person_id or ""),
        key_person_email=(clean(key_person.email) or None) if key_person else None,
        organiser_name=clean(config.organiser.name),
        organiser_email=clean(config.organiser.email),
        summary_due=due,
        childminder=setting is not None and setting.type == "childminder",
        home_point=home_point,
        interpreter_language=child.interpreter_language if child else None,
        phone=config.contact.phone,
        rearrange=config.contact.rearrange,
        templates=config.letters.templates,
    )


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class PageStyle:
    """What the letter's print CSS is made from (``page`` in the templates)."""

    font_pt: int
    line_height: float = 1.35
    margin_mm: int = 15


STANDARD = PageStyle(font_pt=12)
LARGE = PageStyle(font_pt=16)
"""Large type: 16 point, the smallest size RNIB's clear print guidance calls large print."""

TEMPLATE_PACKAGE = ("scheduler", "templates/letters")
"""Where the built-in letter templates live (package data)."""

_LANGUAGE_SLUG = re.compile(r"[^a-z0-9]+")


def language_folder(language: str | None) -> str | None:
    """``Polish`` → ``polish``, ``Brazilian Portuguese`` → ``brazilian_portuguese``: the folder
    a translated letter lives in. Only letters, digits and ``_``: a language is data, never a
    path."""
    if not language:
        return None
    slug = _LANGUAGE_SLUG.sub("_", language.lower()).strip("_")
    return slug or None


class _LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with a short way to the letter's own values.

    ``l.child_name`` is the commonest thing a template does, and the sandbox checks every
    attribute it reads (a third of a letter's rendering time). The letter's namespace
    (:func:`_context`) holds only plain values the code put there, so reading one of those by
    a public name gives exactly what the full check would; anything else (another object, a
    name starting with ``_``, a name it does not hold) goes through the full check.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is SimpleNamespace and not attribute.startswith("_"):
            values = obj.__dict__
            if attribute in values:
                return values[attribute]
        return super().getattr(obj, attribute)


@lru_cache(maxsize=8)
def _environment(folder: str | None) -> ImmutableSandboxedEnvironment:
    """The template environment: the service's folder first (when set), then the built-in
    templates. Sandboxed (a template cannot reach Python internals), every value escaped, and
    an unknown variable is an error rather than a silent blank in a letter."""
    package = jinja2.PackageLoader(*TEMPLATE_PACKAGE)
    loader: jinja2.BaseLoader = (
        jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder), package]) if folder else package
    )
    return _LetterEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # a service's folder may be edited while the dashboard runs: look for changes then;
        # the built-in templates change only with an upgrade (a restart), so are not checked
        # on every letter (two file lookups per letter, thousands of letters per plan)
        auto_reload=folder is not None,
    )


def _context(facts: LetterFacts, *, update: bool) -> SimpleNamespace:
    """The letter's variables (``l`` in the templates; listed in docs/calendars.md).

    A namespace, not a dict: ``l.update`` must be the flag, not ``dict.update``.
    """
    values: dict[str, Any] = {
        "kind": facts.model,
        "update": update,
        "child_name": facts.child_name,
        "first_name": facts.first_name,
        "parent_name": facts.parent_name or "",
        "date": long_date(facts.day),
        "day": facts.day,
        "start": format_time(facts.start),
        "end": format_time(facts.end),
        "minutes": facts.end - facts.start,
        "place_name": facts.place_name,
        "place_address": facts.place_address or "",
        "place": facts.place,
        "staff_place": facts.staff_place,
        "in_setting": facts.in_setting,
        "setting_name": facts.setting_name,
        "childminder": facts.childminder,
        "key_person_name": facts.key_person_name,
        "practitioner_name": facts.practitioner_name,
        "practitioner_role": facts.practitioner_role,
        "summary_due": long_date(facts.summary_due) if facts.summary_due else "",
        "interpreter": facts.interpreter_language is not None,
        "phone": facts.phone or "",
        "rearrange": facts.rearrange or "",
        "organiser_name": facts.organiser_name,
        "organiser_email": facts.organiser_email,
    }
    return SimpleNamespace(**values)


def render_page(
    name: str, facts: LetterFacts, *, update: bool = False, style: PageStyle = STANDARD
) -> str:
    """Render template ``name`` (``letter.html``, ``cancellation.html``, ``removed.html``) for a
    review: the family's language version (``<language>/name``) when the service has one.

    A broken template of the service's is reported as a :class:`ConfigError` on
    ``letters.templates`` (the command line prints it and exits with status 2).
    """
    environment = _environment(facts.templates)
    names = [name]
    folder = language_folder(facts.interpreter_language)
    if folder is not None and facts.templates:
        names.insert(0, f"{folder}/{name}")
    try:
        template = environment.select_template(names)
        page = template.render(l=_context(facts, update=update), page=style)
    except jinja2.TemplateError as exc:
        if not facts.templates:
            raise  # the built-in templates are tested: this is a bug, not bad input
        message = getattr(exc, "message", None) or str(exc)
        raise ConfigError(
            "config.toml", [("letters.templates", f"{name}: {message}", facts.templates)]
        ) from None
    return page if page.endswith("\n") else page + "\n"


# --------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "address", "blockquote"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "dl", "hr"}
)
_LINE_TAGS = frozenset({"li", "tr", "dt"})
_SKIP_TAGS = frozenset({"head", "title", "style", "script", "template"})
_SPACES = re.compile(r"\s+")


class _TextWriter(HTMLParser):
    """A letter's HTML as plain text: paragraphs, ``- `` list items, ``Label: value`` rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str | int] = []
        """Text, or a break: 1 = new line, 2 = blank line."""
        self.skipping = 0
        self.cell = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.tokens.append(2)
        elif tag in _LINE_TAGS:
            self.tokens.append(1)
            self.cell = 0
            if tag == "li":
                self.tokens.append("- ")
        elif tag in ("th", "td", "dd"):
            if self.cell or tag == "dd":
                self.tokens.append(": ")
            self.cell += 1
        elif tag == "br":
            self.tokens.append(1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS:
            self.skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.tokens.append(2)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.tokens.append(_SPACES.sub(" ", data))

    def text(self) -> str:
        lines: list[str] = []
        line = ""
        pending = 0
        for token in self.tokens:
            if isinstance(token, int):
                pending = max(pending, token)
                continue
            if pending and line.strip():
                lines.append(line.strip())
                if pending == 2:
                    lines.append("")
                line = ""
            elif pending == 2 and lines and lines[-1] != "" and not line.strip():
                lines.append("")
            pending = 0
            line += token.lstrip() if not line.strip() else token
        if line.strip():
            lines.append(line.strip())
        text = "\n".join(lines).strip()
        return re.sub(r"\n{3,}", "\n\n", text) + "\n"


_PLAIN_TOKEN = re.compile(
    r"""(?P<text>[^<]+)
    |<!(?i:doctype)[^<>]*>
    |<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)
        (?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))?)*
        \s*(?P<closed>/)?>
    |</(?P<end>[a-zA-Z][a-zA-Z0-9]*)\s*>""",
    re.VERBOSE,
)
"""One piece of plain HTML: text, the doctype, a start tag with quoted attributes, an end tag."""
_RAW_TEXT = frozenset({"script", "style"})
assert _RAW_TEXT <= _SKIP_TAGS  # their raw text is never written


def _feed_plain(writer: _TextWriter, page: str) -> bool:
    """Hand ``writer`` the events :class:`HTMLParser` would for ``page``, when the page is
    plain HTML (only the pieces of :data:`_PLAIN_TOKEN`, nothing but text inside ``script``
    and ``style``, which is what letters are); ``False`` as soon as it is not.

    A letter is parsed for every invitation, and the parser's generality (comments, CDATA,
    unquoted and broken attributes) made it the slowest part of writing a plan's calendars;
    anything but plain HTML still goes to the parser (``tests/test_letter_text.py`` holds the two
    to the same text on random pages).
    """
    position = 0
    for match in _PLAIN_TOKEN.finditer(page):
        if match.start() != position:
            return False  # something between two pieces is not plain HTML
        position = match.end()
        kind = match.lastgroup  # text, tag, closed (a tag ending "/>"), end; None: doctype
        if kind == "text":
            writer.handle_data(unescape(match[0]))
        elif kind == "end":
            writer.handle_endtag(match["end"].lower())
        elif kind == "closed":
            writer.handle_startendtag(match["tag"].lower(), [])
        elif kind == "tag":
            tag = match["tag"].lower()
            writer.handle_starttag(tag, [])
            if tag in _RAW_TEXT:
                # The parser reads everything up to </script> or </style> as raw text, which
                # the writer skips (both are among the tags it skips): plain only when that
                # end tag is the next thing that looks like a tag.
                close = page.find("<", position)
                closing = _PLAIN_TOKEN.match(page, close) if close >= 0 else None
                if closing is None or (closing["end"] or "").lower() != tag:
                    return False
    return position == len(page)


def html_to_text(page: str) -> str:
    """The plain text of an HTML letter, for invitations and e-mails (entities unescaped: the
    calendar and mail libraries escape for their own formats)."""
    writer = _TextWriter()
    if not _feed_plain(writer, page):
        writer = _TextWriter()
        writer.feed(page)
        writer.close()
    return writer.text()


# --------------------------------------------------------------------------- the letters


def letter_html(facts: LetterFacts, *, large: bool = False, update: bool = False) -> str:
    """The printable appointment letter (a complete HTML page, one A4 sheet) for one review;
    ``large`` for large type."""
    return render_page("letter.html", facts, update=update, style=LARGE if large else STANDARD)


def family_letter_text(facts: LetterFacts, *, update: bool = False) -> str:
    """The plain-English appointment letter: the invitation's description and email body."""
    return html_to_text(letter_html(facts, update=update))


def cancellation_text(facts: LetterFacts) -> str:
    """The email body and description of a cancelled review."""
    return html_to_text(render_page("cancellation.html", facts))


def removed_attendee_text(facts: LetterFacts) -> str:
    """For someone taken off a review that still goes ahead (e.g. a new practitioner)."""
    return html_to_text(render_page("removed.html", facts))


def family_letter_html(
    authority: Authority, plan: Plan, child_id: str, *, large: bool = False
) -> str:
    """The printable letter a setting hands to a family; ``KeyError`` if the child has no slot."""
    for appointment in plan.appointments:
        if appointment.child_id == child_id:
            return letter_html(letter_facts(authority, appointment), large=large)
    raise KeyError(f"no appointment for child {child_id} in this plan")
