"""Keep the provider-less local dashboard on this computer: refuse foreign ``Host``/``Origin``.

Without a sign-in provider the dashboard trusts a request from 127.0.0.1 as the one local
coordinator. A web page on ``evil.example`` whose name is made to resolve to 127.0.0.1 (DNS
rebinding) sends exactly such requests from the victim's own browser, with
``Host: evil.example``; a page anywhere may also open a websocket to ``localhost`` and sends its
own ``Origin``. :class:`LocalHostsOnly` is ASGI middleware that ``app.py`` puts in front of all
of Streamlit (pages, static files, the websocket, the feed route): in local mode a request whose
``Host`` or ``Origin`` is not a loopback name (or the configured ``server.address``) gets a
plain 403 before any page runs, and a websocket handshake is refused before the upgrade. The
rule itself is :func:`scheduler.store.access.local_host_allowed`.

With a provider the middleware steps aside: sign-in cookies are bound to the real host name,
so a rebound name gets nobody's session.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config

from scheduler.store.access import local_host_allowed

REFUSAL = (
    "This dashboard runs without sign-in and answers only on this computer: "
    "open it at http://localhost.\n"
)
POLICY_VIOLATION = 1008
"""WebSocket close code: refused by policy (the server answers the handshake with 403)."""


def _provider_configured() -> bool:
    from ui.auth import provider_configured  # the pages' own test of "is sign-in configured"

    return provider_configured()


class LocalHostsOnly:
    """ASGI middleware: in local mode, only requests addressed to this computer get through."""

    def __init__(self, app: ASGIApp, *, local_mode: Callable[[], bool] | None = None) -> None:
        self.app = app
        self.local_mode = local_mode or (lambda: not _provider_configured())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self.local_mode():
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        address = config.get_option("server.address")
        if local_host_allowed(headers.get("host"), headers.get("origin"), address):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            message = await receive()  # websocket.connect; closing before accept answers 403
            if message.get("type") == "websocket.connect":
                await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        response = PlainTextResponse(
            REFUSAL, status_code=403, headers={"Cache-Control": "no-store"}
        )
        await response(scope, receive, send)
