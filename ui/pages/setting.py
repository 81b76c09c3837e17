"""Setting · My setting: a setting's own slots, calendar feed, invitations and letters.

A setting sees only its own children, named by initials. (Signing in, which will fix the
setting to the user's own, comes with a later issue; until then it is picked from the list.)
"""

from __future__ import annotations

import streamlit as st

from scheduler.domain import Authority, describe_days, format_time
from scheduler.export.ics import family_invite, setting_feed, setting_zip
from scheduler.export.letters import family_letter_html, role_name
from scheduler.export.uids import file_stem
from ui import state
from ui.components import downloads, tables


def main(authority: Authority) -> None:
    ids = sorted(authority.settings, key=lambda s: (authority.settings[s].name, s))
    current = state.result()
    busy = {a.setting_id for a in current.plan.appointments} if current is not None else set()
    asked = st.query_params.get("setting")
    first_busy = next((i for i, s in enumerate(ids) if s in busy), 0)
    setting_id = st.selectbox(
        "Setting",
        ids,
        index=ids.index(asked) if asked in ids else first_busy,
        format_func=lambda s: tables.setting_name(authority, s),
        key="ir_setting",
        help="Later, signing in will show your own setting only.",
    )
    if setting_id is None:
        return
    setting_id = str(setting_id)
    setting = authority.settings[setting_id]
    st.query_params["setting"] = setting_id

    st.markdown(
        f"**{setting.name}** · {setting.type.replace('_', ' ')}"
        f" · {setting.address or 'no address given'}"
        f" · open {describe_days(setting.open_days)} {format_time(setting.open_time)}–"
        f"{format_time(setting.close_time)}"
    )

    result = state.result()
    plan = result.plan if result is not None else None
    link = next((lk for lk in plan.links if lk.setting_id == setting_id), None) if plan else None
    link_id = link.practitioner_id if link is not None else setting.link_practitioner_id
    st.header("Your link health practitioner")
    practitioner = authority.practitioners.get(link_id) if link_id else None
    if practitioner is None:
        st.warning("No link practitioner is named for this setting yet.", icon=":material/warning:")
    else:
        st.markdown(
            f"**{practitioner.name}**, {role_name(practitioner.role)}"
            + (f", {practitioner.team}" if practitioner.team else "")
            + f"  \nEmail: [{practitioner.email}](mailto:{practitioner.email})"
            + (f"  \nBase: {practitioner.base_name}" if practitioner.base_name else "")
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
    st.header(f"Review slots, {term}")
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

    st.header("Calendars and letters")
    stem = file_stem(setting_id)
    feed = state.memo(f"feed:{setting_id}", lambda: setting_feed(authority, plan, setting_id))
    columns = st.columns(2)
    columns[0].download_button(
        "Calendar feed for this setting (.ics)",
        feed,
        file_name=f"{stem}.ics",
        mime=downloads.ICS,
        icon=":material/calendar_month:",
        on_click="ignore",
        key="ir_setting_feed",
        help="Import into Outlook or Google Calendar: every review slot at this setting.",
    )
    columns[1].download_button(
        "Everything for this setting (zip: feed, families' invitations, letters)",
        state.memo(f"zip:{setting_id}", lambda: setting_zip(authority, plan, setting_id)),
        file_name=f"{stem}.zip",
        mime=downloads.ZIP,
        icon=":material/folder_zip:",
        on_click="ignore",
        key="ir_setting_zip",
    )
    children = [a for a in plan.appointments if a.setting_id == setting_id]
    if children:
        letters = state.memo(
            f"letters:{setting_id}",
            lambda: downloads.letters_document(
                [family_letter_html(authority, plan, a.child_id) for a in children],
                f"Appointment letters, {setting.name}",
            ),
        )
        st.download_button(
            "Printable appointment letters for every family (HTML, one per page)",
            letters,
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
        if chosen is not None:
            child_id = str(chosen)
            one = st.columns(2)
            one[0].download_button(
                "The family's invitation (.ics)",
                state.memo(f"invite:{child_id}", lambda: family_invite(authority, plan, child_id)),
                file_name=f"{file_stem(child_id)}.ics",
                mime=downloads.ICS,
                icon=":material/event:",
                on_click="ignore",
                key="ir_setting_invite",
            )
            one[1].download_button(
                "The family's letter (HTML)",
                state.memo(
                    f"letter:{child_id}", lambda: family_letter_html(authority, plan, child_id)
                ),
                file_name=f"letter-{file_stem(child_id)}.html",
                mime=downloads.HTML,
                icon=":material/mail:",
                on_click="ignore",
                key="ir_setting_letter",
            )


state.prepare()
st.title("My setting")
data = state.authority()
if data is None:
    st.error("There is no valid data yet.", icon=":material/error:")
else:
    main(data)
