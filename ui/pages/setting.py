"""Setting · My setting: a setting's own slots, its children not yet booked (and why), calendar
feed, invitations and letters.

A **setting user** sees the *published* plan only, cut down to their own setting
(``scope_for``) before anything is drawn, and there is no setting picker: whatever a widget,
a URL query parameter or a file name says, the other settings' rows are simply not there.
**Coordinators and service leads** can look at any setting, in the published plan (what the
setting sees, and the only one whose calendars and letters are offered) or in the working
draft. Children are named by initials; every
download is checked again and audited when it is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl
import streamlit as st

from scheduler.domain import Authority, describe_days, format_time
from scheduler.export.bundle import setting_zip
from scheduler.export.ics import family_invite, setting_feed
from scheduler.export.letters import family_letter_html, role_name
from scheduler.export.uids import file_stem
from scheduler.plan import Plan
from scheduler.store import repository as repo
from scheduler.store.access import Action, Identity, Role, require, scope_for, visible_settings
from scheduler.store.records import AuditAction, StoredVersion
from scheduler.unbooked import unbooked_children
from scheduler.wording import setting_type
from ui import auth, state, storage
from ui.components import downloads, tables
from ui.markup import mailto, md

SourceKind = Literal["session", "published"]


@dataclass(frozen=True)
class Shown:
    """The data the page draws from, already cut to what the user may see."""

    authority: Authority
    plan: Plan | None
    kind: SourceKind
    version: int | None

    def memo_key(self, key: str) -> str:
        """Memo keys for the published plan carry its version; the session's do not."""
        return key if self.kind == "session" else f"v{self.version}:{key}"


def published() -> StoredVersion | None:
    """The published version, or ``None`` (nothing published yet, or purged)."""
    return repo.open_published(storage.store())


def own_setting(identity: Identity) -> None:
    """A setting user: the published plan, their setting only, no picker."""
    if "setting" in st.query_params:  # a typed-in ?setting= is ignored, not reflected
        del st.query_params["setting"]
    setting_id = identity.setting_id
    assert setting_id is not None  # Identity guarantees it for the setting role
    stored = published()
    if stored is None:
        st.info(
            "Your review slots appear here once the coordinator has published this term's plan.",
            icon=":material/info:",
        )
        return
    authority, plan = scope_for(identity, stored.authority, stored.plan)
    if setting_id not in authority.settings:
        st.info("Your setting is not in the published plan.", icon=":material/info:")
        return
    show(identity, Shown(authority, plan, "published", stored.info.version), setting_id)


def any_setting(identity: Identity) -> None:
    """Coordinators and service leads: any setting, in the session's or the published plan."""
    state.prepare()
    working = state.working()
    session_data = state.authority()
    stored = published()
    kinds: list[SourceKind] = []
    if stored is not None:
        kinds.append("published")  # what the setting sees: first
    if session_data is not None and not (
        working is not None and stored is not None and working.version == stored.info.version
    ):
        kinds.append("session")
    if not kinds:
        st.error("There is no valid data yet.", icon=":material/error:")
        return
    labels = {
        "session": f"The plan you are working on ({working.describe()})"
        if working is not None
        else "The data you are working on (no plan yet)",
        "published": f"What the setting sees: the published plan (version {stored.info.version})"
        if stored
        else "",
    }
    kind: SourceKind = (
        st.radio(
            "Which plan",
            kinds,
            index=0,
            format_func=lambda k: labels[k],
            horizontal=True,
            key="ir_setting_source",
            help="Settings see the published plan. A draft is yours until it is published; "
            "its calendars and letters are not offered, so nothing unpublished reaches a "
            "family.",
        )
        if len(kinds) > 1
        else kinds[0]
    )
    if kind == "published" and stored is not None:
        authority, plan = scope_for(identity, stored.authority, stored.plan)
        shown = Shown(authority, plan, "published", stored.info.version)
    else:
        assert session_data is not None
        authority, plan = scope_for(
            identity, session_data, working.plan if working is not None else None
        )
        shown = Shown(authority, plan, "session", working.version if working else None)

    ids = sorted(authority.settings, key=lambda s: (authority.settings[s].name, s))
    ids = visible_settings(identity, ids)
    if not ids:
        st.info("There are no settings in this data.")
        return
    busy = {a.setting_id for a in plan.appointments} if plan is not None else set()
    asked = st.query_params.get("setting")
    first_busy = next((i for i, s in enumerate(ids) if s in busy), 0)
    setting_id = st.selectbox(
        "Setting",
        ids,
        index=ids.index(asked) if asked in ids else first_busy,
        format_func=lambda s: tables.setting_name(authority, s),
        key="ir_setting",
        help="Each setting's own staff see only their setting, in the published plan.",
    )
    if setting_id is None:
        return
    st.query_params["setting"] = str(setting_id)
    show(identity, shown, str(setting_id))


def show(identity: Identity, shown: Shown, setting_id: str) -> None:
    """One setting's page, from data already scoped for ``identity``."""
    require(identity, Action.VIEW_SETTING, setting_id=setting_id)
    authority, plan = shown.authority, shown.plan
    setting = authority.settings[setting_id]
    st.markdown(  # names and addresses are data: escaped, never markup
        f"**{md(setting.name)}** · {md(setting_type(setting.type))}"
        f" · {md(setting.address or 'no address given')}"
        f" · open {describe_days(setting.open_days)} {format_time(setting.open_time)}–"
        f"{format_time(setting.close_time)}"
    )

    link = next((lk for lk in plan.links if lk.setting_id == setting_id), None) if plan else None
    link_id = link.practitioner_id if link is not None else setting.link_practitioner_id
    st.header("Your link health practitioner")
    practitioner = authority.practitioners.get(link_id) if link_id else None
    if practitioner is None:
        st.warning("No link practitioner is named for this setting yet.", icon=":material/warning:")
    else:
        st.markdown(
            f"**{md(practitioner.name)}**, {md(role_name(practitioner.role))}"
            + (f", {md(practitioner.team)}" if practitioner.team else "")
            + f"  \nEmail: {mailto(practitioner.email)}"
            + (f"  \nBase: {md(practitioner.base_name)}" if practitioner.base_name else "")
        )
        if plan is None:
            st.caption("From your current records; the plan may name someone else.")

    if plan is None:
        st.info(
            "The review slots appear here once the coordinator has made this term's plan.",
            icon=":material/info:",
        )
        return

    slots = tables.setting_slots_frame(authority, plan, setting_id)
    term = authority.config.term.name
    st.header(f"Review slots, {md(term)}")
    if shown.kind == "published":
        st.caption(f"From the published plan, version {shown.version}.")
    else:
        st.caption("From a draft: the setting does not see it until it is published.")
    if slots.height == 0:
        st.info("No reviews are scheduled at this setting this term.")
    else:
        st.caption(
            f"{slots.height} review(s). Children are shown by initials; the pre-meeting is the "
            "health practitioner and key person planning together before the family arrives."
        )
        st.dataframe(
            slots.drop("day"),
            hide_index=True,
            alt=f"Review slots at {setting.name}",
            column_config={
                "date": st.column_config.DateColumn("Date", format=tables.DATE_FORMAT),
                "pre_meeting": st.column_config.TextColumn("Pre-meeting"),
                "start": st.column_config.TextColumn("Start"),
                "end": st.column_config.TextColumn("End"),
                "child": st.column_config.TextColumn("Child"),
                "key_person": st.column_config.TextColumn("Key person"),
                "practitioner": st.column_config.TextColumn("Health practitioner"),
                "where": st.column_config.TextColumn("Where"),
            },
        )
    unbooked_section(authority, plan, setting_id)
    if shown.kind == "published":
        downloads_for(identity, shown, plan, setting_id)
    else:
        st.header("Calendars and letters")
        st.info(
            "Calendars and letters come from the published plan only, so nothing unpublished "
            "reaches a family. Publish this draft on the Versions page, or choose the published "
            "plan above.",
            icon=":material/info:",
        )


def unbooked_section(authority: Authority, plan: Plan, setting_id: str) -> None:
    """The setting's own children with no review booked: who, the see-by date, and why."""
    rows = unbooked_children(authority, plan, setting_id)
    st.header("Children not booked yet")
    if not rows:
        st.success(
            "Every child due for a review at this setting this term has one booked.",
            icon=":material/check_circle:",
        )
        return
    st.caption(
        f"{len(rows)} child(ren) due this term have no review booked, soonest see-by date "
        "first. The see-by date is when the child turns two and a half. Talk to your link "
        "health practitioner or the coordinator about any child you can help with."
    )
    frame = pl.DataFrame(
        [
            {
                "child": row.child,
                "see_by": row.see_by,
                "late": "already past" if row.past_see_by else "",
                "why": row.reason,
                "detail": row.detail,
            }
            for row in rows
        ],
        schema={
            "child": pl.String,
            "see_by": pl.Date,
            "late": pl.String,
            "why": pl.String,
            "detail": pl.String,
        },
    )
    st.dataframe(
        frame,
        hide_index=True,
        alt="Children at this setting with no review booked",
        column_config={
            "child": st.column_config.TextColumn("Child"),
            "see_by": st.column_config.DateColumn("See by", format=tables.DATE_FORMAT),
            "late": st.column_config.TextColumn("See-by date"),
            "why": st.column_config.TextColumn("Why not booked", width="large"),
            "detail": st.column_config.TextColumn("Details for the coordinator", width="large"),
        },
    )


def downloads_for(identity: Identity, shown: Shown, plan: Plan, setting_id: str) -> None:
    """The setting's calendar, bundle, letters and per-review files; each audited on click."""
    require(identity, Action.DOWNLOAD_CALENDARS, setting_id=setting_id)
    authority = shown.authority
    setting = authority.settings[setting_id]
    target = f"setting:{setting_id}"
    facts = {"version": shown.version, "plan": shown.kind}

    def calendar(build: Callable[[], bytes], file: str) -> Callable[[], bytes]:
        return storage.audited(
            build,
            identity,
            Action.DOWNLOAD_CALENDARS,
            AuditAction.CALENDAR_EXPORTED,
            target=target,
            setting_id=setting_id,
            details={**facts, "file": file},
        )

    def letters(build: Callable[[], str], file: str) -> Callable[[], str]:
        return storage.audited(
            build,
            identity,
            Action.DOWNLOAD_LETTERS,
            AuditAction.LETTERS_EXPORTED,
            target=target,
            setting_id=setting_id,
            details={**facts, "file": file},
        )

    st.header("Calendars and letters")
    stem = file_stem(setting_id)
    feed = state.memo(
        shown.memo_key(f"feed:{setting_id}"), lambda: setting_feed(authority, plan, setting_id)
    )
    columns = st.columns(2)
    columns[0].download_button(
        "Calendar feed for this setting (.ics)",
        calendar(lambda: feed, "feed.ics"),
        file_name=f"{stem}.ics",
        mime=downloads.ICS,
        icon=":material/calendar_month:",
        on_click="ignore",
        key="ir_setting_feed",
        help="Import into Outlook or Google Calendar: every review slot at this setting.",
    )
    columns[1].download_button(
        "Everything for this setting (.zip)",
        calendar(lambda: setting_zip(authority, plan, setting_id), "bundle.zip"),
        file_name=f"{stem}.zip",
        mime=downloads.ZIP,
        icon=":material/folder_zip:",
        on_click="ignore",
        key="ir_setting_zip",
        help="One zip: the calendar feed, every family's invitation and every letter.",
    )
    children = [a for a in plan.appointments if a.setting_id == setting_id]
    if not children:
        return
    title = f"Appointment letters, {setting.name}"
    st.download_button(
        "Printable appointment letters for every family (HTML, one per page)",
        letters(
            lambda: downloads.letters_document(
                [family_letter_html(authority, plan, a.child_id) for a in children], title
            ),
            "letters.html",
        ),
        file_name=f"letters-{stem}.html",
        mime=downloads.HTML,
        icon=":material/print:",
        on_click="ignore",
        key="ir_setting_letters",
    )
    chosen = st.selectbox(
        "One review",
        [a.child_id for a in children],
        format_func=lambda c: next(
            f"{tables.child_name(authority, c)}: {a.date:%a %d %b} {format_time(a.start)}"
            for a in children
            if a.child_id == c
        ),
        key="ir_setting_child",
    )
    if chosen is None:
        return
    child_id = str(chosen)
    one = st.columns(2)
    one[0].download_button(
        "The family's invitation (.ics)",
        calendar(lambda: family_invite(authority, plan, child_id), "invitation.ics"),
        file_name=f"{file_stem(child_id)}.ics",
        mime=downloads.ICS,
        icon=":material/event:",
        on_click="ignore",
        key="ir_setting_invite",
    )
    one[1].download_button(
        "The family's letter (HTML)",
        letters(lambda: family_letter_html(authority, plan, child_id), "letter.html"),
        file_name=f"letter-{file_stem(child_id)}.html",
        mime=downloads.HTML,
        icon=":material/mail:",
        on_click="ignore",
        key="ir_setting_letter",
    )


def main() -> None:
    identity = auth.guard(Action.VIEW_SETTING, page="setting")
    st.title("My setting")
    if identity.role is Role.SETTING:
        own_setting(identity)
    else:
        any_setting(identity)


main()
