"""The authority's settings (``config.toml``): the contract's defaults, validated strictly.

Unknown keys are errors, not silently ignored: a misspelt weight would otherwise leave a
service lead believing a priority had changed when it had not.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Nation = Literal["england", "wales", "scotland", "northern_ireland", "none"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermConfig(_Section):
    """The term being planned and the days inside it when no reviews happen."""

    name: str = "Autumn 2026"
    start: date = date(2026, 9, 7)
    end: date = date(2026, 12, 18)
    exclude: tuple[tuple[date, date], ...] = ((date(2026, 10, 26), date(2026, 10, 30)),)
    bank_holidays: Nation = "england"
    today: date | None = None
    """The planning date (contract v2): outcomes may not be after it, new appointments are at
    least ``[review] notice_days`` after it. ``--today`` on ``plan``/``replan`` overrides it."""

    @field_validator("exclude", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            out = []
            for item in value:
                if isinstance(item, str | date):  # a single day is a range of one
                    out.append((item, item))
                else:
                    out.append(item)
            return out
        return value

    @model_validator(mode="after")
    def _ordered(self) -> TermConfig:
        if self.end < self.start:
            raise ValueError(f"term end {self.end} is before term start {self.start}")
        for lo, hi in self.exclude:
            if hi < lo:
                raise ValueError(f"excluded range ends ({hi}) before it starts ({lo})")
        return self


ReviewModel = Literal["joint", "separate", "home"]
"""Where and with whom a review happens: at the setting with the key person (``joint``), at the
practitioner's clinic (``separate``) or at the family's home (``home``)."""
REVIEW_MODELS: tuple[ReviewModel, ...] = ("joint", "separate", "home")


class ReviewConfig(_Section):
    """How the review is run: model, durations, the age window, settling in and notice."""

    model: ReviewModel = "joint"
    meeting_minutes: int = Field(45, ge=5, le=480)
    pre_meeting_minutes: int = Field(15, ge=0, le=240)
    prior_concerns_extra_minutes: int = Field(15, ge=0, le=240)
    window_months: tuple[int, int] = (24, 30)
    overdue_until_months: int = Field(36, ge=0, le=120)
    settle_days: int = Field(28, ge=0, le=365)
    """With ``starts_on`` given, no review before ``starts_on + settle_days``."""
    notice_days: int = Field(7, ge=0, le=365)
    """With ``[term] today`` set, no new appointment before ``today + notice_days``."""
    fallback: tuple[ReviewModel, ...] = ()
    """Review models a child may have when their own model's review is impossible."""
    interpreter_extra_minutes: int = Field(0, ge=0, le=240)
    """Extra meeting time when the home language is not English (0: as the contract's v1)."""

    @model_validator(mode="after")
    def _window(self) -> ReviewConfig:
        lo, hi = self.window_months
        if not 0 <= lo <= hi:
            raise ValueError(f"window_months must be [low, high], 0 <= low <= high: {[lo, hi]}")
        if self.overdue_until_months < hi:
            raise ValueError(
                f"overdue_until_months ({self.overdue_until_months}) ends before the window ({hi})"
            )
        return self


class TravelConfig(_Section):
    """How straight-line distance becomes travel minutes."""

    speed_kmh: float = Field(20.0, gt=0, le=200)
    detour_factor: float = Field(1.3, ge=1.0, le=5.0)
    day_starts_at_base: bool = True
    """The working day starts and ends at the practitioner's base: the first visit is at least
    the journey from base after ``day_start``, the last ends the journey back before
    ``day_end`` (contract v2)."""


class Priorities(_Section):
    """Relative weights of the objective's terms; service leads change these."""

    funded_two: float = Field(3.0, ge=0, le=100)
    urgency: float = Field(2.0, ge=0, le=100)
    send: float = Field(1.0, ge=0, le=100)
    earlier_in_window: float = Field(0.5, ge=0, le=100)
    continuity: float = Field(1.0, ge=0, le=100)
    travel: float = Field(1.0, ge=0, le=100)
    balance: float = Field(1.0, ge=0, le=100)
    looked_after: float = Field(4.0, ge=0, le=100)
    child_protection: float = Field(4.0, ge=0, le=100)
    child_in_need: float = Field(2.0, ge=0, le=100)
    deprivation: float = Field(1.0, ge=0, le=100)
    """Full weight for the most deprived decile (1), none for the least (10)."""
    was_not_brought: float = Field(1.0, ge=0, le=100)
    """Per earlier review the child was not brought to (a safeguarding signal)."""
    own_model: float = Field(0.5, ge=0, le=100)
    """Preference for the child's own review model over a fallback one."""


class Organiser(_Section):
    """Who sends the invitations (the ``ORGANIZER`` of every invitation)."""

    name: str = "Integrated Review Coordinator"
    email: str = "coordinator@example.org"


class Privacy(_Section):
    """How children are named where other people read them (setting and practitioner calendars)."""

    calendar_names: Literal["initials", "full", "id"] = "initials"


_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")


class ContactConfig(_Section):
    """How families reach the service, printed in every appointment letter.

    Without a phone number the letter asks families to e-mail ``[organiser] email``; a letter
    that only says "reply to this invitation" is no use on paper.
    """

    phone: str | None = None
    """The number families ring to ask about or rearrange a review, e.g. ``020 7946 0000``."""
    rearrange: str | None = None
    """One short sentence with another simple way to rearrange, in the service's own words,
    e.g. ``You can also text CHANGE to 07700 900123.``"""

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = " ".join(value.split())
        digits = sum(ch.isdigit() for ch in text)
        if not _PHONE.fullmatch(text) or not 7 <= digits <= 15:
            raise ValueError(
                "must be a phone number: digits, spaces, brackets, hyphens and a leading +, "
                "7 to 15 digits"
            )
        return text

    @field_validator("rearrange")
    @classmethod
    def _sentence(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = " ".join(value.split())
        if not text:
            raise ValueError("must not be empty (leave the key out instead)")
        if len(text) > 200:
            raise ValueError("must be one short sentence (at most 200 characters)")
        return text


class LettersConfig(_Section):
    """Where a service keeps its own letter templates (wording, layout, other languages)."""

    templates: str | None = None
    """A folder of templates that replace the built-in ones by name (see docs/calendars.md).
    A relative path is read from the folder holding ``config.toml``."""

    @field_validator("templates")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a folder (leave the key out for the built-in letters)")
        return value

    def resolved(self, base: Path | None) -> LettersConfig:
        """With ``templates`` made absolute against ``base`` (the config file's folder).

        ``ValueError`` when it is relative and there is no ``base`` (an uploaded config), or
        when the folder does not exist.
        """
        if self.templates is None:
            return self
        folder = Path(self.templates).expanduser()
        if not folder.is_absolute():
            if base is None:
                raise ValueError(
                    "a relative folder needs a config.toml on disk; give an absolute path"
                )
            folder = base / folder
        if not folder.is_dir():
            raise ValueError("no such folder")
        _check_templates(folder)
        return self.model_copy(update={"templates": str(folder.resolve())})


TEMPLATE_SUFFIXES = (".jinja", ".html", ".txt")
"""Files in a letter templates folder that are templates (others are ignored)."""


def _check_templates(folder: Path) -> None:
    """Every template in a service's folder must at least parse: a typo is reported when the
    data are loaded, not half-way through writing a plan's letters."""
    parser = jinja2.Environment()
    for path in sorted(folder.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        try:
            parser.parse(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ValueError(f"{name} is not UTF-8 text") from None
        except OSError as exc:
            raise ValueError(f"cannot read {name}: {exc.strerror}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ValueError(f"{name} line {exc.lineno}: {exc.message}") from None


class SmtpConfig(_Section):
    """Mail server for sending invitations; credentials come from the environment only."""

    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    starttls: bool = False
    username_env: str = "SCHEDULER_SMTP_USERNAME"
    password_env: str = "SCHEDULER_SMTP_PASSWORD"


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class RemindersConfig(_Section):
    """When families are reminded of their review (``scheduler remind``)."""

    days: tuple[int, ...] = (7, 2)
    """Days before the review on which a reminder goes (``--days`` overrides)."""
    quiet_start: str = "20:00"
    """No text message from this time (local) ..."""
    quiet_end: str = "08:00"
    """... until this time; a run in quiet hours leaves its texts for the next run."""

    @field_validator("days")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(d < 1 or d > 60 for d in value):
            raise ValueError("must be whole days from 1 to 60, at least one")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("quiet_start", "quiet_end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.fullmatch(value):
            raise ValueError("must be a 24-hour time HH:MM")
        return value

    def quiet(self, minute: int) -> bool:
        """Whether ``minute`` (since local midnight) is in the quiet hours (which may span
        midnight)."""
        start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (self.quiet_start, self.quiet_end))
        if start == end:
            return False
        return start <= minute < end if start < end else minute >= start or minute < end


class NotifyConfig(_Section):
    """GOV.UK Notify for text-message reminders; the API key comes from the environment only."""

    api_key_env: str = "SCHEDULER_NOTIFY_API_KEY"
    """The environment variable holding the key (never the key itself in this file)."""
    sms_template_id: str | None = None
    """The reminder template's id in Notify; without it no text message is sent."""
    base_url: str = "https://api.notifications.service.gov.uk"

    @field_validator("sms_template_id")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None and not _UUID.fullmatch(value):
            raise ValueError("must be the template's id as Notify shows it (a UUID)")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise ValueError("must be an https:// address (http only on this computer)")
        return value


class Config(_Section):
    """All of ``config.toml``; every section optional, defaults as in the contract."""

    term: TermConfig = TermConfig()
    review: ReviewConfig = ReviewConfig()
    travel: TravelConfig = TravelConfig()
    priorities: Priorities = Priorities()
    organiser: Organiser = Organiser()
    privacy: Privacy = Privacy()
    smtp: SmtpConfig = SmtpConfig()
    contact: ContactConfig = ContactConfig()
    letters: LettersConfig = LettersConfig()
    reminders: RemindersConfig = RemindersConfig()
    notify: NotifyConfig = NotifyConfig()


def only_weights_changed(old: Config | None, new: Config) -> bool:
    """Whether ``new`` differs from ``old`` at most in its weights: every plan made under
    ``old`` then keeps every rule under ``new`` (other review minutes or windows would not)."""
    return old is not None and old.model_copy(update={"priorities": new.priorities}) == new


class ConfigError(Exception):
    """A config file that cannot be used; ``problems`` are ``(key, message, value)`` triples."""

    def __init__(self, path: str, problems: list[tuple[str, str, str]]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("; ".join(f"{k}: {m} ({v})" for k, m, v in problems))


def parse_config(
    data: dict[str, Any], path: str = "config.toml", *, base: Path | None = None
) -> Config:
    """Validate a parsed TOML document; raises :class:`ConfigError` listing every problem.

    ``base`` is the folder holding the file: relative folders in it (``[letters] templates``)
    are read from there.
    """
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(file)"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key"
            problems.append((key, message, _short(err.get("input"))))
        raise ConfigError(path, problems) from None
    try:
        letters = config.letters.resolved(base)
    except ValueError as exc:
        value = str(config.letters.templates)
        raise ConfigError(path, [("letters.templates", str(exc), value)]) from None
    return config.model_copy(update={"letters": letters})


def load_config(path: Path) -> Config:
    """Read and validate a ``config.toml``; raises :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [("(file)", "cannot read file", exc.strerror or "")]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [("(file)", "not UTF-8 text", "")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [("(file)", f"not valid TOML: {exc}", "")]) from None
    return parse_config(data, str(path), base=path.parent)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
