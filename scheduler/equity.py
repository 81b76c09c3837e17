"""Who a plan leaves behind: the settings whose funded two-year-olds are not booked, and the
share of due children booked by type of setting.

Funded two-year-olds come first in the service's priorities, and children at private,
voluntary and independent settings and childminders are the ones most often missed: the
Capacity page shows these figures, and this module is their one definition (the page only
words and formats them). A due child is one the plan books or explains (``appointments`` plus
``unscheduled``), as in every figure of the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scheduler.domain import Authority
from scheduler.plan import Plan, ReasonCode


@dataclass(frozen=True, slots=True)
class SettingAtRisk:
    """A setting (``None``: children in no setting) with funded two-year-olds not booked."""

    setting_id: str | None
    setting_type: str | None
    """The setting's ``type`` code; ``None`` for no setting or a setting not in the data."""
    link_practitioner_id: str | None
    """The plan's link for the setting; ``None`` when it has none."""
    funded_unbooked: int
    all_unbooked: int
    reasons: tuple[tuple[ReasonCode, int], ...]
    """Why its children are not booked, most common first (then by code)."""


def settings_at_risk(authority: Authority, plan: Plan) -> list[SettingAtRisk]:
    """Every setting with at least one funded two-year-old unbooked, most funded unbooked
    first, then most unbooked, then by setting id."""
    link = {lk.setting_id: lk.practitioner_id for lk in plan.links}
    funded: Counter[str | None] = Counter()
    everyone: Counter[str | None] = Counter()
    reasons: dict[str | None, Counter[ReasonCode]] = {}
    for u in plan.unscheduled:
        everyone[u.setting_id] += 1
        reasons.setdefault(u.setting_id, Counter())[u.reason_code] += 1
        child = authority.children.get(u.child_id)
        if child is not None and child.funded_two:
            funded[u.setting_id] += 1
    rows = []
    for setting_id in funded:
        setting = authority.settings.get(setting_id) if setting_id is not None else None
        why = sorted(reasons[setting_id].items(), key=lambda kv: (-kv[1], kv[0].value))
        rows.append(
            SettingAtRisk(
                setting_id=setting_id,
                setting_type=setting.type if setting is not None else None,
                link_practitioner_id=link.get(setting_id) if setting_id is not None else None,
                funded_unbooked=funded[setting_id],
                all_unbooked=everyone[setting_id],
                reasons=tuple(why),
            )
        )
    return sorted(rows, key=lambda r: (-r.funded_unbooked, -r.all_unbooked, r.setting_id or ""))


@dataclass(frozen=True, slots=True)
class TypeReach:
    """Due and booked children at one type of setting (``None``: children in no setting)."""

    setting_type: str | None
    due: int
    booked: int


def by_setting_type(authority: Authority, plan: Plan) -> list[TypeReach]:
    """Due and booked children per type of setting, by type code (no setting last)."""
    due: Counter[str | None] = Counter()
    booked: Counter[str | None] = Counter()

    def kind(setting_id: str | None) -> str | None:
        setting = authority.settings.get(setting_id) if setting_id is not None else None
        return setting.type if setting is not None else None

    for a in plan.appointments:
        due[kind(a.setting_id)] += 1
        booked[kind(a.setting_id)] += 1
    for u in plan.unscheduled:
        due[kind(u.setting_id)] += 1
    order = sorted(due, key=lambda t: (t is None, t or ""))
    return [TypeReach(t, due[t], booked[t]) for t in order]
