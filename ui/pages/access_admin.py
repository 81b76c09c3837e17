"""Coordinator · Access: who may sign in as what, calendar feed tokens, and deleting old data.

Coordinators only. A feed token is shown once, when it is issued or rotated (the store keeps
only its hash); after that the page lists which feeds have a token, never the token itself.
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
                    "email": p.subject,
                    "name": p.display_name,
                    "role": ROLE_LABELS[p.role],
                    "setting": p.setting_id or "",
                }
                for p in people
            ],
            schema=dict.fromkeys(("email", "name", "role", "setting"), pl.String),
        ),
        hide_index=True,
        alt="People who may sign in, with their role",
    )
    settings = sorted(data.settings) if data is not None else []
    with st.form("ir_identity_form"):
        st.subheader("Add someone or change their role")
        email = st.text_input("E-mail address they sign in with", key="ir_identity_email")
        name = st.text_input("Name (optional)", key="ir_identity_name")
        role = st.selectbox(
            "Role", list(Role), format_func=lambda r: ROLE_LABELS[Role(r)], key="ir_identity_role"
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
                "E-mail address", [p.subject for p in people], key="ir_identity_remove_who"
            )
            if st.form_submit_button("Remove") and subject is not None:
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
        "stops working; revoking stops it. Run the app with `streamlit run app.py` so that the "
        "addresses are served."
    )
    active = repo.list_feed_tokens(storage.store())
    st.dataframe(
        pl.DataFrame(
            [
                {
                    "token": str(t.token_id),
                    "kind": t.kind,
                    "for": t.target_id,
                    "issued": t.created_at.strftime("%Y-%m-%d %H:%M"),
                    "by": t.created_by,
                    "expires": t.expires_at.strftime("%Y-%m-%d") if t.expires_at else "never",
                }
                for t in active
            ],
            schema=dict.fromkeys(("token", "kind", "for", "issued", "by", "expires"), pl.String),
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
    issue = columns[0].button("Issue an address", key="ir_token_issue", disabled=target is None)
    rotate = columns[1].button(
        "Rotate (new address)", key="ir_token_rotate", disabled=target is None
    )
    revoke = columns[2].button("Revoke", key="ir_token_revoke", disabled=target is None)
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


def retention(identity: Identity) -> None:
    st.header("Delete children's data of past terms")
    st.caption(
        "Deletes the children's, parents' and key persons' data and the appointments of every "
        "term that ended before the date. Figures and links stay for comparison; the audit log "
        "stays."
    )
    with st.form("ir_purge"):
        before = st.date_input("Terms that ended before", value=date.today(), key="ir_purge_before")
        confirmed = st.checkbox("Yes, delete it for good", key="ir_purge_confirm")
        preview = st.form_submit_button("Show what would go")
        purge = st.form_submit_button("Delete", type="primary")
    if not (preview or purge) or not isinstance(before, date):
        return
    require(auth.current_identity(), Action.PURGE_DATA)
    dry_run = not (purge and confirmed)
    if purge and not confirmed:
        st.warning("Tick the box to confirm; here is what would go.")
    report = repo.purge_past_terms(
        storage.store(), before=before, actor=storage.actor(identity), dry_run=dry_run
    )
    verb = "Would delete" if report.dry_run else "Deleted"
    st.info(
        f"{verb} the data of {len(report.datasets)} dataset(s) and {len(report.versions)} "
        f"version(s), and {report.appointment_pins} appointment pin(s)."
    )
    if not report.reclaimed:
        st.warning(md(report.reclaim_note), icon=":material/warning:")


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
