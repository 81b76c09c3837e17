"""Who is using the dashboard and what they may do: sign-in, the local coordinator, page guards.

Two ways to run:

- **With a sign-in provider** (an ``[auth]`` section in ``.streamlit/secrets.toml``): Streamlit's
  OpenID Connect sign-in (``st.login``). The claims go to
  :func:`scheduler.store.identities.sign_in`: only an address the provider verified (a literal
  ``email_verified: true``) is looked up in the store's identities, and the first sign-in ties
  the identity to the provider account (issuer + ``sub``), which is the key from then on.
  Anyone else gets a polite "not allowed" page and nothing else.
- **Without one**: a single local coordinator, and only while the server listens on this
  computer alone (``server.address = "localhost"``, as shipped); a notice says so.

The identity is worked out afresh on every run of every page (from ``st.user`` and the store),
never kept in session state, so no widget or URL can change it. Every page starts with
:func:`guard`, which re-checks the role server-side: a page reached by typing its URL renders
"not allowed" and stops.

Tests fake a signed-in user the supported way: ``AppTest.secrets = {"auth": {...}}`` makes the
provider "configured" and ``AppTest.user = {"is_logged_in": True, "email": ...}`` is the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st
from streamlit import config
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scheduler.store import repository as repo
from scheduler.store.access import (
    AccessDenied,
    Action,
    Identity,
    Role,
    local_coordinator,
    local_host_allowed,
    require,
)
from ui import storage
from ui.markup import md

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "::ffff:127.0.0.1"})
"""Addresses that only this computer can reach."""

PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
"""Headers a reverse proxy adds: a relayed request is not a local one."""

ROLE_LABELS: dict[Role, str] = {
    Role.COORDINATOR: "Coordinator",
    Role.SERVICE_LEAD: "Service lead",
    Role.SETTING: "Setting",
}

Refusal = Literal[
    "",
    "not_signed_in",
    "unknown",
    "no_email",
    "unverified",
    "no_account",
    "other_account",
    "not_local",
    "store",
]

CLAIMS = ("email", "email_verified", "iss", "sub")
"""The ID token claims sign-in uses."""

_SIGNED_IN = "ir_auth_signed_in"
_DENIED = "ir_auth_denied"


@dataclass(frozen=True)
class Visitor:
    """The outcome of sign-in for this run: an identity, or why there is none."""

    identity: Identity | None
    mode: Literal["local", "provider"]
    email: str = ""
    refusal: Refusal = ""


# --- configuration --------------------------------------------------------------------------


def auth_section() -> Mapping[str, Any]:
    """The ``[auth]`` section of the secrets (empty when no provider is configured)."""
    secrets = st.secrets  # looked up at call time: AppTest swaps ``st.secrets``
    try:
        if not secrets.load_if_toml_exists():
            return {}
        section = secrets.get("auth")
    except Exception:  # an unreadable secrets file: no provider, never a crash
        return {}
    return section if isinstance(section, Mapping) else {}


def provider_configured() -> bool:
    """Whether sign-in goes through an OpenID Connect provider."""
    return bool(auth_section())


def provider_names() -> list[str]:
    """Named providers (``[auth.<name>]``); empty when ``[auth]`` itself is the provider."""
    section = auth_section()
    if "client_id" in section:
        return []
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def served_locally() -> bool:
    """Whether only this computer can reach the app: the server listens on a loopback address,
    this request came from one, no proxy relayed it, and its ``Host`` and ``Origin`` name this
    computer (a DNS-rebinding page names its own host; ``app.py`` refuses those even earlier, in
    ``ui.local_only``). AppTest has no network server."""
    if config.get_option("global.appTest"):
        return True
    if get_script_run_ctx(suppress_warning=True) is None:
        return True  # bare mode (the script imported by plain Python): no request, no server
    address = config.get_option("server.address")
    if not isinstance(address, str) or address.strip().lower() not in LOOPBACK:
        return False
    try:
        headers = st.context.headers
        forwarded = any(name in headers for name in PROXY_HEADERS)
        host, origin = headers.get("Host"), headers.get("Origin")
    except Exception:  # no request headers (bare mode)
        return False
    if forwarded:  # a proxy relayed this request: it may come from anywhere
        return False
    if not local_host_allowed(host, origin, address):
        return False
    remote = st.context.ip_address
    return not isinstance(remote, str) or remote in LOOPBACK


# --- who is this? ---------------------------------------------------------------------------


def _claim(name: str) -> Any:
    try:
        return st.user.get(name)
    except Exception:  # no script context (bare mode)
        return None


def visitor() -> Visitor:
    """Work out who is using this session, from the provider's claims and the store."""
    if not provider_configured():
        if not served_locally():
            return Visitor(None, "local", refusal="not_local")
        return Visitor(local_coordinator(), "local")
    if _claim("is_logged_in") is not True:
        return Visitor(None, "provider", refusal="not_signed_in")
    claims = {name: _claim(name) for name in CLAIMS}
    email = claims["email"].strip() if isinstance(claims["email"], str) else ""
    try:
        result = repo.sign_in(storage.store(), claims)
    except Exception:
        return Visitor(None, "provider", email, "store")
    return Visitor(result.identity, "provider", result.email, result.refusal)


def current_identity() -> Identity | None:
    """The signed-in identity for this run, or ``None``."""
    return visitor().identity


def describe(identity: Identity) -> str:
    """How the sidebar names the user: name or address, and role."""
    who = identity.display_name or identity.subject
    role = ROLE_LABELS[identity.role]
    if identity.role is Role.SETTING:
        role = f"{role} {identity.setting_id}"
    return f"{who} · {role}"


# --- pages ----------------------------------------------------------------------------------


def store_problem() -> str | None:
    """Why the plan store cannot be used (one line), or ``None`` when it opens."""
    try:
        storage.store()
    except repo.StoreError as exc:
        return str(exc)
    return None


def gate() -> Identity:
    """Run first on every page view: return the identity, or show sign-in / refusal and stop."""
    problem = store_problem()
    if problem is not None:
        st.title("Integrated Review scheduler")
        storage.log.warning("the plan store cannot be opened: %s", problem)
        detail = f" ({md(problem)})" if not provider_configured() else ""
        st.error(
            f"The plan store cannot be opened{detail}. Create it with `scheduler store init`, or "
            "point SCHEDULER_DB_URL at the right one (see docs/store.md).",
            icon=":material/database:",
        )
        st.stop()
    seen = visitor()
    if seen.identity is not None:
        if seen.mode == "provider" and st.session_state.get(_SIGNED_IN) != seen.identity.subject:
            st.session_state[_SIGNED_IN] = seen.identity.subject
            _audit_quietly(seen.identity.subject, repo.AuditAction.SIGNED_IN, "dashboard")
        return seen.identity
    st.title("Integrated Review scheduler")
    if seen.refusal == "not_signed_in":
        _sign_in()
    elif seen.refusal == "not_local":
        st.error(
            "No sign-in is configured, so this dashboard only works on the computer it runs on "
            "(open it at http://localhost). To let other people in, configure a sign-in provider: "
            "see docs/store.md.",
            icon=":material/lock:",
        )
    else:
        _not_allowed(seen)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _sign_in() -> None:
    st.markdown("Sign in with your work account to plan or see your setting's reviews.")
    names = provider_names()
    if not names:
        if st.button("Sign in", type="primary", icon=":material/login:", key="ir_sign_in"):
            st.login()
        return
    for name in names:
        if st.button(
            f"Sign in with {name}", type="primary", icon=":material/login:", key=f"ir_in_{name}"
        ):
            st.login(name)


def _not_allowed(seen: Visitor) -> None:
    messages = {
        "unknown": f"Sorry, the account {md(seen.email)} is not allowed to use this dashboard. "
        "If you should have access, ask your Integrated Review coordinator to add you.",
        "no_email": "Sorry, your sign-in provider did not tell us your e-mail address, so we "
        "cannot check whether you may use this dashboard.",
        "unverified": "Sorry, your sign-in provider has not verified your e-mail address, so we "
        "cannot let you in.",
        "no_account": "Sorry, your sign-in provider did not say which account you signed in "
        "with, so we cannot let you in.",
        "other_account": f"Sorry, the address {md(seen.email)} belongs to a different account "
        "here. If your account was replaced, ask your Integrated Review coordinator to reset "
        "it.",
        "store": "Sorry, the dashboard cannot check who may use it just now. Please try again "
        "later.",
    }
    st.warning(
        messages.get(seen.refusal, "Sorry, you are not allowed in."), icon=":material/block:"
    )
    if seen.refusal in ("unknown", "other_account") and st.session_state.get(_DENIED) != seen.email:
        st.session_state[_DENIED] = seen.email
        _audit_quietly(seen.email, repo.AuditAction.ACCESS_DENIED, "dashboard")
    if seen.mode == "provider" and st.button("Sign out", key="ir_sign_out_refused"):
        st.logout()


def guard(action: Action, *, page: str, setting_id: str | None = None) -> Identity:
    """At the top of every page: the identity if it may do ``action``; otherwise a plain
    "not allowed" (audited once per session) and the page stops, with nothing else drawn."""
    identity = gate()
    try:
        return require(identity, action, setting_id=setting_id)
    except AccessDenied:
        pass
    denied: set[str] = st.session_state.setdefault(_DENIED + "_pages", set())
    if page not in denied:
        denied.add(page)
        _audit_quietly(identity.subject, repo.AuditAction.ACCESS_DENIED, f"page:{page}")
    st.title("Not allowed")
    st.warning(
        "Your account does not give access to this page. Use the pages in the menu.",
        icon=":material/block:",
    )
    st.stop()
    raise AssertionError("unreachable")


def sidebar(identity: Identity) -> None:
    """Who is signed in (and a way out), or the notice that there is no sign-in."""
    with st.sidebar:
        if not provider_configured():
            st.info(
                "**No sign-in is configured.** This dashboard runs for one local coordinator and "
                "only answers on this computer (localhost).",
                icon=":material/computer:",
            )
            return
        st.caption(f"Signed in: {md(describe(identity))}")
        if st.button("Sign out", icon=":material/logout:", key="ir_sign_out"):
            st.logout()


def _audit_quietly(actor: str, action: repo.AuditAction, target: str) -> None:
    """Audit a sign-in or refusal; a store hiccup must not lock people out or in."""
    try:
        repo.append_audit(storage.store(), actor[:200], action, target=target)
    except Exception:
        storage.log.warning("could not write a %s audit entry", action.value)
