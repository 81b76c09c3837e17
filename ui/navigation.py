"""Which pages each role sees in the menu (the pages check the role again themselves).

Kept apart from ``streamlit_app.py`` so the rule is plain data that tests can read.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.store.access import Action, Identity, can


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard and the permission that opens it."""

    group: str
    path: str
    title: str
    icon: str
    needs: Action


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "Coordinator",
        "ui/pages/data.py",
        "Data",
        ":material/upload_file:",
        Action.VIEW_ALL_SETTINGS,
    ),
    PageSpec(
        "Coordinator", "ui/pages/plan.py", "Plan", ":material/event_note:", Action.VIEW_ALL_SETTINGS
    ),
    PageSpec(
        "Coordinator",
        "ui/pages/versions.py",
        "Versions",
        ":material/history:",
        Action.VIEW_VERSIONS,
    ),
    PageSpec(
        "Coordinator",
        "ui/pages/access_admin.py",
        "Access",
        ":material/admin_panel_settings:",
        Action.MANAGE_IDENTITIES,
    ),
    PageSpec(
        "Service lead",
        "ui/pages/priorities.py",
        "Priorities",
        ":material/tune:",
        Action.CHANGE_PRIORITIES,
    ),
    PageSpec(
        "Service lead",
        "ui/pages/capacity.py",
        "Capacity",
        ":material/groups:",
        Action.VIEW_ALL_SETTINGS,
    ),
    PageSpec(
        "Setting", "ui/pages/setting.py", "My setting", ":material/school:", Action.VIEW_SETTING
    ),
    PageSpec(
        "The term",
        "ui/pages/report.py",
        "Service report",
        ":material/monitoring:",
        Action.VIEW_REPORT,
    ),
    PageSpec(
        "The term",
        "ui/pages/outcomes.py",
        "Outcomes",
        ":material/fact_check:",
        Action.RECORD_OUTCOMES,
    ),
)


def pages_for(identity: Identity) -> dict[str, list[PageSpec]]:
    """The menu for ``identity``: only the pages its role may open, grouped, in order."""
    menu: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if can(identity, spec.needs):
            menu.setdefault(spec.group, []).append(spec)
    return menu
