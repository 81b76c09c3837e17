""" "Why wasn't this child booked?" for coordinators: every unbooked child, findable by id or
name, with the plan's whole sentence, grouped by what the coordinator can do about it.

The sentence is the plan's own (:mod:`scheduler.explain`); this module only finds, orders and
groups. Names are matched in full but shown as the dashboard shows children (initials and id),
so a search by name works without the page printing anyone's full name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scheduler.calendar import add_months
from scheduler.domain import Authority
from scheduler.export.letters import child_label
from scheduler.plan import Plan, ReasonCode
from scheduler.wording import ACTION_OF, ACTIONS, REASONS, Action


@dataclass(frozen=True, slots=True)
class UnbookedRow:
    """One due child the plan did not book."""

    child_id: str
    child: str
    """Initials and id, as the dashboard names children."""
    setting_id: str | None
    setting: str
    funded_two: bool
    see_by: date | None
    """The 30-month date (``None`` when the child is no longer in the data)."""
    reason_code: ReasonCode
    reason: str
    """The reason as a short phrase."""
    sentence: str
    """The plan's whole sentence: what binds and the next step."""
    action: Action


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """The children one kind of action would help, soonest see-by date first."""

    action: Action
    title: str
    what_to_do: str
    rows: tuple[UnbookedRow, ...]


def _fold(text: str) -> str:
    """Lower case without accents or extra spaces, for matching what people type."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def unbooked_rows(authority: Authority, plan: Plan) -> list[UnbookedRow]:
    """Every unscheduled child of ``plan``, soonest see-by date first."""
    hi = authority.config.review.window_months[1]
    rows = []
    for u in plan.unscheduled:
        child = authority.children.get(u.child_id)
        setting = authority.settings.get(u.setting_id or "")
        rows.append(
            UnbookedRow(
                child_id=u.child_id,
                child=child_label(u.child_id, child.name if child else None, "initials"),
                setting_id=u.setting_id,
                setting=f"{setting.name} ({setting.setting_id})" if setting else "no setting",
                funded_two=bool(child and child.funded_two),
                see_by=add_months(child.date_of_birth, hi) if child else None,
                reason_code=u.reason_code,
                reason=REASONS.get(u.reason_code, u.reason_code.value),
                sentence=" ".join(u.reason.split()),
                action=ACTION_OF.get(u.reason_code, Action.FIX_RECORDS),
            )
        )
    rows.sort(key=lambda r: (r.see_by or date.max, r.child_id))
    return rows


def search(authority: Authority, rows: Iterable[UnbookedRow], query: str) -> list[UnbookedRow]:
    """The rows whose child id, full name or setting matches ``query`` (every word of it,
    in any order, ignoring case and accents); all rows for an empty query."""
    words = _fold(query).split()
    found = []
    for row in rows:
        if not words:
            found.append(row)
            continue
        child = authority.children.get(row.child_id)
        haystack = _fold(" ".join((row.child_id, child.name if child else "", row.setting)))
        if all(word in haystack for word in words):
            found.append(row)
    return found


def grouped(rows: Iterable[UnbookedRow]) -> list[ActionGroup]:
    """``rows`` in groups by what the coordinator can do, in :class:`Action` order; empty
    groups are left out."""
    by_action: dict[Action, list[UnbookedRow]] = {action: [] for action in Action}
    for row in rows:
        by_action[row.action].append(row)
    return [
        ActionGroup(action, ACTIONS[action].title, ACTIONS[action].what_to_do, tuple(members))
        for action, members in by_action.items()
        if members
    ]
