"""Coordinator · Access: who may sign in as what, calendar feed tokens, and deleting old data.

Least privilege by default: a new person starts as a setting's staff; nothing that takes access
away or deletes data is the page's main button, and each asks first. Coordinators only. A feed
token is shown once, when it is issued or rotated (the store keeps only its hash); after that
the page lists which feeds have a token, never the token itself.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from streamlit import config

from scheduler.domain import Authority
from scheduler.store import repository as repo
from scheduler.store.access import Action, Identity, Role, can, require
from scheduler.store.tokens import DEFAULT_TOKEN_DAYS, default_lifetime_days
from ui import auth, feeds, state, storage
from ui.auth import ROLE_LABELS
from ui.markup import md


def known_data() -> Authority | None:
    """Settings and practitioners to choose from: the published plan's data, else the session's."""
    published = repo.open_published(storage.store())
    if published is not None:
        return published.authority
    state.prepare()
    return state.authority()


def identities(identity: Identity, data: Authority | None) -> None:
    st.header("Who may sign in")
    if not auth.provider_configured():
        st.caption(
            "No sign-in provider is configured, so nobody signs in yet: this list is used once "
            "one is (see docs/store.md)."
        )
    people = repo.list_identities(storage.store())
    st.dataframe(
        pl.DataFrame(
            [
                {
                    "E-mail": p.subject,
                    "Name": p.display_name,
                    "Role": ROLE_LABELS[p.role],
                    "Setting": (
                        f"{data.settings[p.setting_id].name} ({p.setting_id})"
                        if data is not None and p.setting_id and p.setting_id in data.settings
                        else p.setting_id or ""
                    ),
                }
                for p in people
            ],
            schema=dict.fromkeys(("E-mail", "Name", "Role", "Setting"), pl.String),
        ),
        hide_index=True,
        alt="People who may sign in, with their role",
    )
    settings = sorted(data.settings) if data is not None else []
    with st.form("ir_identity_form"):
        st.subheader("Add someone or change their role")
        email = st.text_input("E-mail address they sign in with", key="ir_identity_email")
        name = st.text_input("Name (optional)", key="ir_identity_name")
        roles = [Role.SETTING, Role.SERVICE_LEAD, Role.COORDINATOR]  # least access first
        role = st.selectbox(
            "Role",
            roles,
            index=0,
            format_func=lambda r: ROLE_LABELS[Role(r)],
            key="ir_identity_role",
            help="Setting: their own setting's reviews only. Service lead: reads everything, "
            "tries priorities. Coordinator: everything, including publishing and this page.",
        )
        setting_id = st.selectbox(
            "Their setting (setting role only)",
            [None, *settings],
            format_func=lambda s: (
                "—" if s is None else f"{data.settings[s].name} ({s})" if data else str(s)
            ),
            key="ir_identity_setting",
        )
        if st.form_submit_button("Save", type="primary"):
            require(auth.current_identity(), Action.MANAGE_IDENTITIES)
            chosen = Role(role) if role is not None else Role.SETTING
            if chosen is Role.SETTING and setting_id is None:
                st.error("Choose their setting: a setting's staff see only their own.")
                return
            try:
                repo.set_identity(
                    storage.store(),
                    email,
                    chosen,
                    setting_id=setting_id if chosen is Role.SETTING else None,
                    display_name=name,
                    actor=storage.actor(identity),
                )
            except (ValueError, repo.StoreError) as exc:
                st.error(md(exc), icon=":material/error:")
            else:
                st.rerun()
    if people:
        with st.form("ir_identity_remove"):
            st.subheader("Take someone out")
            subject = st.selectbox(
                "E-mail address",
                [p.subject for p in people],
                index=None,
                placeholder="Choose who",
                key="ir_identity_remove_who",
            )
            sure = st.checkbox("Yes, they may no longer sign in", key="ir_identity_remove_sure")
            if st.form_submit_button("Remove") and subject is not None:
                if not sure:
                    st.warning("Tick the box to confirm.")
                    return
                require(auth.current_identity(), Action.MANAGE_IDENTITIES)
                try:
                    repo.remove_identity(storage.store(), subject, actor=storage.actor(identity))
                except repo.StoreError as exc:
                    st.error(md(exc), icon=":material/error:")
                else:
                    st.rerun()


def tokens(identity: Identity, data: Authority | None) -> None:
    st.header("Calendar subscriptions")
    st.caption(
        "Each setting or practitioner can subscribe to its published calendar with a secret "
        "address. Issue one and pass it on; rotating gives a new address and the old one "
        "stops working; revoking stops it. The addresses are served when the dashboard runs "
        "as streamlit run app.py (as scheduler demo does)."
    )
    active = repo.list_feed_tokens(storage.store())
    st.dataframe(
        pl.DataFrame(
            [
                {
                    "Address number": str(t.token_id),
                    "For a": t.kind,
                    "Which": t.target_id,
                    "Issued": t.created_at.strftime("%d %b %Y %H:%M"),
                    "By": t.created_by,
                    "Stops working": t.expires_at.strftime("%d %b %Y") if t.expires_at else "never",
                }
                for t in active
            ],
            schema=dict.fromkeys(
                ("Address number", "For a", "Which", "Issued", "By", "Stops working"), pl.String
            ),
        ),
        hide_index=True,
        alt="Feeds that have a working address (the addresses themselves are never shown again)",
    )
    kind = st.radio(
        "For a",
        ["setting", "practitioner"],
        horizontal=True,
        key="ir_token_kind",
    )
    names: dict[str, str] = {}
    if data is not None and kind == "setting":
        names = {k: f"{v.name} ({k})" for k, v in sorted(data.settings.items())}
    elif data is not None:
        names = {k: f"{v.name} ({k})" for k, v in sorted(data.practitioners.items())}
    target = st.selectbox(
        "Which one",
        list(names),
        format_func=lambda k: names.get(k, k),
        key="ir_token_target",
    )
    try:
        default_days = default_lifetime_days()
    except ValueError as exc:  # a mistyped SCHEDULER_FEED_TOKEN_DAYS: say so, use the default
        st.warning(md(exc), icon=":material/warning:")
        default_days = DEFAULT_TOKEN_DAYS
    lifetime = st.number_input(
        "Works for (days; 0: no end)",
        min_value=0,
        max_value=3650,
        value=default_days,
        step=30,
        key="ir_token_days",
        help="A new address stops working after this many days; rotate it before then.",
    )
    columns = st.columns(3)
    issue = columns[0].button(
        "Issue an address", type="primary", key="ir_token_issue", disabled=target is None
    )
    rotate = columns[1].button(
        "Rotate (new address)", key="ir_token_rotate", disabled=target is None
    )
    sure = columns[2].checkbox(
        "Stop the current address", key="ir_token_revoke_sure", disabled=target is None
    )
    revoke = columns[2].button("Revoke", key="ir_token_revoke", disabled=target is None or not sure)
    if target is None or not (issue or rotate or revoke):
        return
    require(auth.current_identity(), Action.MANAGE_FEED_TOKENS)
    handle, who = storage.store(), storage.actor(identity)
    if revoke:
        count = repo.revoke_feed_tokens(handle, kind, str(target), actor=who)
        st.success(f"Revoked {count} address(es) for {md(names.get(str(target), target))}.")
        return
    try:
        issued = (
            repo.rotate_feed_token(handle, kind, str(target), actor=who, lifetime_days=lifetime)
            if rotate
            else repo.issue_feed_token(handle, kind, str(target), actor=who, lifetime_days=lifetime)
        )
    except (ValueError, repo.StoreError) as exc:  # e.g. an id only in unsaved session data
        st.error(md(exc), icon=":material/error:")
        return
    url = feeds.feed_url(
        str(st.context.url or ""), issued.token, str(config.get_option("server.baseUrlPath") or "")
    )
    until = f"until {issued.expires_at:%d %b %Y}" if issued.expires_at else "with no end date"
    st.success(
        f"The subscription address for {md(names.get(str(target), target))}, working {until}. "
        "Copy it now: it is shown only this once.",
        icon=":material/key:",
    )
    st.code(url, language=None)


_PURGE_PREVIEW = "ir_purge_preview"


def retention(identity: Identity) -> None:
    st.header("Delete children's data of past terms")
    st.caption(
        "Deletes the children's, parents' and key persons' data and the appointments of every "
        "term that ended before the date. Figures and links stay for comparison; the audit log "
        "stays."
    )
    with st.form("ir_purge"):
        before = st.date_input(
            "Terms that ended before",
            value=None,
            max_value=date.today(),
            key="ir_purge_before",
            format="DD/MM/YYYY",
            help="No date is suggested: choose it yourself.",
        )
        preview = st.form_submit_button("Show what would go", type="primary")
    shown = st.session_state.get(_PURGE_PREVIEW)
    if preview:
        if not isinstance(before, date):
            st.warning("Choose the date first.")
            return
        require(auth.current_identity(), Action.PURGE_DATA)
        report = repo.purge_past_terms(
            storage.store(), before=before, actor=storage.actor(identity), dry_run=True
        )
        st.session_state[_PURGE_PREVIEW] = shown = (before, report)
    if not shown:
        return
    day, report = shown
    st.info(
        f"Terms that ended before {day:%d %b %Y}: would delete the children's data of "
        f"{len(report.datasets)} dataset(s) and {len(report.versions)} version(s), and "
        f"{report.appointment_pins} appointment pin(s)."
    )
    if not (report.datasets or report.versions or report.appointment_pins):
        return
    sure = st.checkbox(
        f"Yes, delete the children's data of terms that ended before {day:%d %b %Y} for good",
        key="ir_purge_confirm",
    )
    if st.button("Delete for good", key="ir_purge_delete", disabled=not sure):
        require(auth.current_identity(), Action.PURGE_DATA)
        done = repo.purge_past_terms(
            storage.store(), before=day, actor=storage.actor(identity), dry_run=False
        )
        st.session_state[_PURGE_PREVIEW] = None
        st.success(
            f"Deleted the children's data of {len(done.datasets)} dataset(s) and "
            f"{len(done.versions)} version(s), and {done.appointment_pins} appointment pin(s)."
        )
        if not done.reclaimed:
            st.warning(md(done.reclaim_note), icon=":material/warning:")


def main() -> None:
    identity = auth.guard(Action.MANAGE_IDENTITIES, page="access")
    st.title("Access")
    data = known_data()
    identities(identity, data)
    if can(identity, Action.MANAGE_FEED_TOKENS):
        tokens(identity, data)
    if can(identity, Action.PURGE_DATA):
        retention(identity)


main()
