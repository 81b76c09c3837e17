"""Who may do what, and what a setting user may see: pure rules, no database, no Streamlit.

The dashboard and the calendar feed route both call this module, so there is one place that
says "a setting sees only its own setting". Pages must not filter by a widget's value alone:
they call :func:`scope_for` (or :func:`scope_to_setting`) on the data *before* rendering, so
whatever a user picks, types into a URL or names a file, the rows of other settings are simply
not there to show.

Roles (issue 7): a **coordinator** does everything; a **service lead** sets priorities and
pins, re-plans and reads everything; a **setting** sees only its own setting's slots,
calendars, letters and report figures, and records outcomes of its own joint reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import urlsplit

from scheduler.domain import ALL_SETTINGS, Authority
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Appointment, Link, Plan, Unscheduled
from scheduler.summary import PlanSummary


class Role(StrEnum):
    COORDINATOR = "coordinator"
    SERVICE_LEAD = "service_lead"
    SETTING = "setting"


class Action(StrEnum):
    """Everything a page or download may need permission for."""

    VIEW_ALL_SETTINGS = "view_all_settings"
    """See every setting's rows: the plan, links, capacity, the data page's counts."""
    VIEW_RAW_DATA = "view_raw_data"
    """The uploaded tables themselves (every child's name, date of birth, needs and parents'
    contacts): the coordinators who keep the data, nobody else (least privilege)."""
    VIEW_SETTING = "view_setting"
    """The setting page: slots of the settings :func:`visible_settings` allows."""
    VIEW_VERSIONS = "view_versions"
    UPLOAD_DATA = "upload_data"
    GENERATE_PLAN = "generate_plan"
    """Plan and re-plan (and save the result as a new version)."""
    CHANGE_PRIORITIES = "change_priorities"
    EDIT_PINS = "edit_pins"
    PUBLISH_PLAN = "publish_plan"
    DOWNLOAD_PLAN = "download_plan"
    """Whole-authority downloads: rota workbook, CSVs, every calendar."""
    DOWNLOAD_CALENDARS = "download_calendars"
    DOWNLOAD_LETTERS = "download_letters"
    VIEW_AUDIT = "view_audit"
    MANAGE_IDENTITIES = "manage_identities"
    MANAGE_FEED_TOKENS = "manage_feed_tokens"
    PURGE_DATA = "purge_data"
    VIEW_REPORT = "view_report"
    """The service report: the whole authority's, or a setting user's own setting's counts."""
    RECORD_OUTCOMES = "record_outcomes"
    """Record what happened at past reviews: a setting only its own children's joint reviews
    (:func:`scheduler.outcome_recording.check_outcome`)."""
    EXPORT_OUTCOMES = "export_outcomes"
    """Download every stored outcome as ``outcomes.csv``."""


_SERVICE_LEAD: frozenset[Action] = frozenset(
    {
        Action.VIEW_ALL_SETTINGS,
        Action.VIEW_SETTING,
        Action.VIEW_VERSIONS,
        Action.GENERATE_PLAN,
        Action.CHANGE_PRIORITIES,
        Action.EDIT_PINS,
        Action.DOWNLOAD_PLAN,
        Action.DOWNLOAD_CALENDARS,
        Action.DOWNLOAD_LETTERS,
        Action.VIEW_AUDIT,
        Action.VIEW_REPORT,
        Action.EXPORT_OUTCOMES,
    }
)
_SETTING: frozenset[Action] = frozenset(
    {
        Action.VIEW_SETTING,
        Action.DOWNLOAD_CALENDARS,
        Action.DOWNLOAD_LETTERS,
        Action.VIEW_REPORT,
        Action.RECORD_OUTCOMES,
    }
)
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(Action),
    Role.SERVICE_LEAD: _SERVICE_LEAD,
    Role.SETTING: _SETTING,
}
"""The whole policy, as data: a role may do exactly the actions listed."""

LOCAL_SUBJECT = "local-coordinator"
"""The identity of the app when no sign-in provider is configured (localhost only)."""

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Host names that only ever mean this computer."""

_WILDCARD_ADDRESSES = frozenset({"", "0.0.0.0", "::"})


def _host_of(authority: str) -> str | None:
    """The host name in a ``Host`` header value (``name``, ``name:port``, ``[::1]:port``)."""
    try:
        host = urlsplit(f"//{authority.strip()}").hostname
    except ValueError:  # a malformed port or bracket
        return None
    return host.rstrip(".") if host else None


def local_host_allowed(host: str | None, origin: str | None, server_address: object) -> bool:
    """Whether a request may reach the provider-less local dashboard: its ``Host`` names this
    computer (a loopback name, or the address the server was configured with) and so does its
    ``Origin`` when it has one. A page on ``evil.example`` that resolves to 127.0.0.1 (DNS
    rebinding) sends ``Host: evil.example``; a page elsewhere opening a websocket to localhost
    sends its own ``Origin``: both are refused."""
    allowed = set(LOOPBACK_HOSTS)
    if isinstance(server_address, str) and server_address.strip() not in _WILDCARD_ADDRESSES:
        configured = _host_of(server_address)
        if configured:
            allowed.add(configured)
    if host is None or _host_of(host) not in allowed:
        return False
    if origin is None:
        return True  # not a browser's cross-site request (browsers always send Origin then)
    try:
        origin_host = urlsplit(origin.strip()).hostname
    except ValueError:
        return False
    return origin_host is not None and origin_host.rstrip(".") in allowed


SUMMARY_FOR_SETTING: tuple[str, ...] = PlanSummary.PLAN_WIDE_KEYS
"""Plan-wide summary keys a setting may see (with the plan's ``created_at``, which is the
plan's own); every figure about other settings is dropped."""


class AccessDenied(PermissionError):
    """Raised by :func:`require`; its message names the action, never any data."""


def normalise_subject(subject: str) -> str:
    """An identity's key: the sign-in e-mail address, trimmed and lower-cased."""
    return subject.strip().lower()


@dataclass(frozen=True, slots=True)
class Identity:
    """A signed-in person: role, and for a setting user the one setting they belong to."""

    subject: str
    role: Role
    setting_id: str | None = None
    display_name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", normalise_subject(self.subject))
        object.__setattr__(self, "role", Role(self.role))
        if not self.subject:
            raise ValueError("an identity needs a subject (the sign-in e-mail address)")
        if self.role is Role.SETTING and not self.setting_id:
            raise ValueError("a setting user must be bound to a setting_id")
        if self.role is not Role.SETTING and self.setting_id is not None:
            raise ValueError(f"a {self.role.value} is not bound to one setting")


def local_coordinator() -> Identity:
    """The single local user when the app runs without sign-in (bound to localhost)."""
    return Identity(LOCAL_SUBJECT, Role.COORDINATOR, display_name="Local coordinator")


def can(who: Identity | Role | None, action: Action) -> bool:
    """Whether the role (or the identity's role) may do ``action``; nobody (``None``) may not."""
    if who is None:
        return False
    role = who.role if isinstance(who, Identity) else Role(who)
    return action in PERMISSIONS[role]


def can_see_setting(who: Identity | None, setting_id: str) -> bool:
    """Whether ``who`` may see this setting's rows."""
    if who is None or not can(who, Action.VIEW_SETTING):
        return False
    return who.role is not Role.SETTING or who.setting_id == setting_id


def require(who: Identity | None, action: Action, *, setting_id: str | None = None) -> Identity:
    """Return ``who`` when allowed (for ``setting_id``, when given), else raise AccessDenied."""
    if who is None or not can(who, action):
        raise AccessDenied(f"not allowed: {action.value}")
    if setting_id is not None and not can_see_setting(who, setting_id):
        raise AccessDenied(f"not allowed: {action.value} for another setting")
    return who


def visible_settings(who: Identity | None, setting_ids: Iterable[str]) -> list[str]:
    """The settings ``who`` may pick, in the given order (a setting user: at most their own)."""
    return [sid for sid in setting_ids if can_see_setting(who, sid)]


# --------------------------------------------------------------------------- scoping data


def scope_plan(plan: Plan, setting_id: str, *, term_name: str | None = None) -> Plan:
    """Only ``setting_id``'s links, appointments and unscheduled children, a summary without
    other settings' figures, and only those children's calendar sequence numbers."""
    links = [link for link in plan.links if link.setting_id == setting_id]
    appointments = [a for a in plan.appointments if a.setting_id == setting_id]
    unscheduled = [u for u in plan.unscheduled if u.setting_id == setting_id]
    return Plan(
        links=links,
        appointments=appointments,
        unscheduled=unscheduled,
        summary=_setting_summary(plan.summary, appointments, unscheduled),
        created_at=plan.created_at,
        sequences=_sequences_of(
            plan, {a.child_id for a in appointments} | {u.child_id for u in unscheduled}, term_name
        ),
    )


def _setting_summary(
    summary: PlanSummary, appointments: list[Appointment], unscheduled: list[Unscheduled]
) -> PlanSummary:
    """The plan-wide words (term, model, status) and the setting's own counts."""
    return replace(
        summary.plan_wide(),
        children_due=len(appointments) + len(unscheduled),
        scheduled=len(appointments),
        in_window=sum(1 for a in appointments if a.in_window),
    )


def _sequences_of(plan: Plan, child_ids: set[str], term_name: str | None) -> dict[str, int]:
    term = term_name or plan.summary.term_name
    if term is None:
        return {}
    wanted = {event_uid(term, child_id, kind) for child_id in child_ids for kind in EventKind}
    return {uid: seq for uid, seq in plan.sequences.items() if uid in wanted}


def scope_to_setting(
    authority: Authority, plan: Plan | None, setting_id: str
) -> tuple[Authority, Plan | None]:
    """The authority and plan as one setting may see them.

    The authority keeps the setting, its key persons and children (and their outcomes), the
    practitioners the plan links to it or books there (else its current link practitioner),
    their absences and the closures that apply; everything else is gone. ``KeyError`` for an
    unknown setting.
    """
    setting = authority.settings[setting_id]
    scoped = scope_plan(plan, setting_id, term_name=authority.config.term.name) if plan else None
    practitioner_ids = _practitioners_of(scoped) if scoped else set()
    if scoped is None and setting.link_practitioner_id:
        practitioner_ids.add(setting.link_practitioner_id)
    key_persons = {k: v for k, v in authority.key_persons.items() if v.setting_id == setting_id}
    people = practitioner_ids | set(key_persons)
    return (
        Authority(
            practitioners={
                pid: p for pid, p in authority.practitioners.items() if pid in practitioner_ids
            },
            settings={setting_id: setting},
            key_persons=key_persons,
            children={
                cid: c for cid, c in authority.children.items() if c.setting_id == setting_id
            },
            absences=tuple(a for a in authority.absences if a.person_id in people),
            closures=tuple(
                c for c in authority.closures if c.setting_id in (setting_id, ALL_SETTINGS)
            ),
            config=authority.config,
            outcomes=tuple(
                o
                for o in authority.outcomes
                if (child := authority.children.get(o.child_id)) is not None
                and child.setting_id == setting_id
            ),
        ),
        scoped,
    )


def scope_to_practitioner(
    authority: Authority, plan: Plan, practitioner_id: str
) -> tuple[Authority, Plan]:
    """A practitioner's own links and appointments, and only the records those need."""
    links: list[Link] = [link for link in plan.links if link.practitioner_id == practitioner_id]
    appointments = [a for a in plan.appointments if a.practitioner_id == practitioner_id]
    scoped = Plan(
        links=links,
        appointments=appointments,
        unscheduled=[],
        summary=plan.summary.plan_wide(),
        created_at=plan.created_at,
        sequences=_sequences_of(
            plan, {a.child_id for a in appointments}, authority.config.term.name
        ),
    )
    child_ids = {a.child_id for a in appointments}
    setting_ids = {a.setting_id for a in appointments} | {link.setting_id for link in links}
    key_person_ids = {a.key_person_id for a in appointments}
    people = key_person_ids | {practitioner_id}
    return (
        Authority(
            practitioners={practitioner_id: authority.practitioners[practitioner_id]},
            settings={s: v for s, v in authority.settings.items() if s in setting_ids},
            key_persons={k: v for k, v in authority.key_persons.items() if k in key_person_ids},
            children={c: v for c, v in authority.children.items() if c in child_ids},
            absences=tuple(a for a in authority.absences if a.person_id in people),
            closures=tuple(
                c for c in authority.closures if c.setting_id in setting_ids | {ALL_SETTINGS}
            ),
            config=authority.config,
        ),
        scoped,
    )


def scope_for(
    who: Identity | None, authority: Authority, plan: Plan | None
) -> tuple[Authority, Plan | None]:
    """What ``who`` may see of the data and plan: everything for a coordinator or service lead,
    one setting's share for a setting user. ``AccessDenied`` for nobody."""
    if who is None or not can(who, Action.VIEW_SETTING):
        raise AccessDenied("not signed in")
    if can(who, Action.VIEW_ALL_SETTINGS):
        return authority, plan
    assert who.setting_id is not None  # Identity guarantees it for the setting role
    if who.setting_id not in authority.settings:
        empty = Authority({}, {}, {}, {}, config=authority.config)
        return empty, (scope_plan(plan, who.setting_id) if plan else None)
    return scope_to_setting(authority, plan, who.setting_id)


def _practitioners_of(plan: Plan) -> set[str]:
    return {link.practitioner_id for link in plan.links} | {
        a.practitioner_id for a in plan.appointments
    }


__all__ = [
    "PERMISSIONS",
    "AccessDenied",
    "Action",
    "Identity",
    "Role",
    "can",
    "can_see_setting",
    "local_coordinator",
    "local_host_allowed",
    "normalise_subject",
    "require",
    "scope_for",
    "scope_plan",
    "scope_to_practitioner",
    "scope_to_setting",
    "visible_settings",
]
