"""DNS rebinding: the provider-less dashboard answers only requests addressed to this computer.

``streamlit run app.py`` on a free 127.0.0.1 port, no sign-in provider: raw HTTP requests and
websocket handshakes over a real socket, carrying ``Host: evil.example`` (what a browser sends
for a page on a name rebound to 127.0.0.1) or a foreign ``Origin``, are refused with 403 before
any page runs or the websocket upgrades; the same requests for ``localhost:PORT`` get the page
and a ``101 Switching Protocols``.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect
from streamlit_server import free_port, published_two_settings, running_streamlit

from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV
from ui.local_only import LocalHostsOnly

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(120),
    # Starlette's TestClient nags about its httpx backend: not ours to fix
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@dataclass
class Server:
    port: int
    feed_token: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` on 127.0.0.1 without a provider, against a published store."""
    folder = tmp_path_factory.mktemp("local-only")
    url = f"sqlite+pysqlite:///{folder / 'store.db'}"
    store = published_two_settings(url)
    token = repo.issue_feed_token(store, "setting", "S001", actor="test").token
    store.dispose()
    port = free_port()
    env = {**os.environ, DB_URL_ENV: url}
    with running_streamlit("app.py", port=port, log_path=folder / "server.log", env=env):
        yield Server(port, token)


def exchange(port: int, request: str) -> tuple[int, bytes]:
    """Send a raw request to 127.0.0.1:port; the status code and what came back (headers and
    whatever of the body arrived before the server paused)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(request.encode("latin-1"))
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        connection.settimeout(1)
        try:
            while chunk := connection.recv(65536):
                received += chunk
                if b"</html>" in received or len(received) > 1_000_000:
                    break
        except TimeoutError:
            pass
    status_line = received.split(b"\r\n", 1)[0].decode("latin-1")
    return int(status_line.split()[1]), received


def get(port: int, path: str, host: str, origin: str | None = None) -> tuple[int, bytes]:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    return exchange(port, "\r\n".join(lines) + "\r\n\r\n")


def websocket_handshake(port: int, host: str, origin: str | None = None) -> int:
    """Open Streamlit's websocket (``/_stcore/stream``) as a browser would; the status code."""
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    status, _ = exchange(port, "\r\n".join(lines) + "\r\n\r\n")
    return status


def test_a_page_for_a_foreign_host_is_refused(server: Server) -> None:
    """``Host: evil.example`` gets a plain 403 and none of the app; localhost gets the app."""
    status, body = get(server.port, "/", "evil.example")
    assert status == 403 and b"only on this computer" in body and b"<html" not in body
    status, body = get(server.port, "/", f"evil.example:{server.port}")
    assert status == 403
    status, body = get(server.port, "/", f"localhost:{server.port}")
    assert status == 200 and b"<html" in body
    assert get(server.port, "/", f"127.0.0.1:{server.port}")[0] == 200


def test_the_websocket_for_a_foreign_host_or_origin_never_upgrades(server: Server) -> None:
    """The handshake is refused (403) for a rebound host name or another site's page, and
    upgrades (101) for this computer's own page."""
    local = f"localhost:{server.port}"
    assert websocket_handshake(server.port, f"evil.example:{server.port}") == 403
    assert websocket_handshake(server.port, "evil.example", "http://evil.example") == 403
    assert websocket_handshake(server.port, local, f"http://evil.example:{server.port}") == 403
    assert websocket_handshake(server.port, local, "null") == 403
    assert websocket_handshake(server.port, local, f"http://{local}") == 101
    assert websocket_handshake(server.port, f"127.0.0.1:{server.port}") == 101


def test_static_files_health_and_feeds_are_behind_the_same_check(server: Server) -> None:
    """Every route of the process, not only the page, refuses a foreign host."""
    token_path = f"/feeds/{server.feed_token}.ics"
    for path in ("/_stcore/health", "/static/", token_path, "/_stcore/host-config"):
        assert get(server.port, path, "evil.example")[0] == 403, path
    status, body = get(server.port, token_path, f"localhost:{server.port}")
    assert status == 200 and b"BEGIN:VCALENDAR" in body


# --------------------------------------------------------------------------- the middleware


def _app(local: bool) -> Starlette:
    async def page(request: object) -> PlainTextResponse:
        return PlainTextResponse("the dashboard")

    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return Starlette(
        routes=[Route("/", page), WebSocketRoute("/ws", stream)],
        middleware=[Middleware(LocalHostsOnly, local_mode=lambda: local)],
    )


def test_with_a_provider_the_middleware_steps_aside() -> None:
    """Signed-in mode relies on host-bound sign-in cookies, not on the Host header."""
    with TestClient(_app(local=False), base_url="http://ir.example.org") as client:
        assert client.get("/").text == "the dashboard"
        with client.websocket_connect("/ws") as websocket:
            assert websocket.receive_text() == "hello"


def test_in_local_mode_the_middleware_refuses_before_the_app() -> None:
    """The same app in local mode: a foreign host never reaches the page or the websocket."""
    with TestClient(_app(local=True), base_url="http://evil.example") as client:
        refused = client.get("/")
        assert refused.status_code == 403 and "the dashboard" not in refused.text
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/ws"):
            pass
        assert closed.value.code == 1008
    with TestClient(_app(local=True), base_url="http://localhost:8501") as client:
        assert client.get("/").text == "the dashboard"
        assert urlsplit(str(client.base_url)).hostname == "localhost"


def test_the_shipped_config_binds_to_localhost() -> None:
    """Local mode also needs the server to listen on this computer only (as shipped)."""
    config = (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text()
    assert 'address = "localhost"' in config


@pytest.mark.parametrize(
    ("host", "origin", "address", "allowed"),
    [
        ("localhost:8501", None, "localhost", True),
        ("[::1]:8501", "http://[::1]:8501", "localhost", True),
        ("LOCALHOST.:8501", None, "localhost", True),  # case and a trailing dot change nothing
        ("ir-laptop:8501", None, "ir-laptop", True),  # the configured address
        ("ir-laptop:8501", None, "0.0.0.0", False),  # a wildcard names no host
        ("evil.example", None, "localhost", False),
        ("localhost:8501", "http://evil.example", "localhost", False),
        ("localhost:8501", "null", "localhost", False),
        (None, None, "localhost", False),
        ("localhost@evil.example", None, "localhost", False),
    ],
)
def test_which_hosts_are_this_computer(
    host: str | None, origin: str | None, address: str, allowed: bool
) -> None:
    """The rule the middleware and the pages share: loopback names and the configured address."""
    from scheduler.store.access import local_host_allowed

    assert local_host_allowed(host, origin, address) is allowed
