"""Calendar subscription feeds served by the running app: ``streamlit run app.py``.

Starts the real server on a free localhost port against a temporary store holding a published
plan for two settings and some feed tokens, then asks for feeds over HTTP: a setting's token
gets that setting's calendar only; a wrong, malformed, revoked or rotated-out token gets the
same bare 404; no token ever appears in the server's output.
"""

from __future__ import annotations

import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from icalendar import Calendar
from streamlit_server import free_port, published_two_settings, running_streamlit

from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@dataclass
class Server:
    url: str
    log: Path
    tokens: dict[str, str]
    """name → clear token: ``S001``, ``S002``, ``P001``, ``revoked``, ``rotated_out``."""


def _store_with_feeds(url: str) -> dict[str, str]:
    """Version 1 published for S001 (Zara) and S002 (Yusuf); tokens issued, one revoked."""
    store = published_two_settings(url)
    tokens = {
        "S002": repo.issue_feed_token(store, "setting", "S002", actor="test").token,
        "P001": repo.issue_feed_token(store, "practitioner", "P001", actor="test").token,
        "revoked": repo.issue_feed_token(store, "setting", "S001", actor="test").token,
    }
    repo.revoke_feed_tokens(store, "setting", "S001", actor="test")
    tokens["rotated_out"] = repo.issue_feed_token(store, "setting", "S001", actor="test").token
    tokens["S001"] = repo.rotate_feed_token(store, "setting", "S001", actor="test").token
    store.engine.dispose()
    return tokens


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` on localhost against the temporary store."""
    folder = tmp_path_factory.mktemp("feeds")
    url = f"sqlite+pysqlite:///{folder / 'store.db'}"
    tokens = _store_with_feeds(url)
    log_path = folder / "server.log"
    env = {**os.environ, DB_URL_ENV: url}
    with running_streamlit("app.py", port=free_port(), log_path=log_path, env=env) as base:
        yield Server(base, log_path, tokens)


def fetch(server: Server, path: str, method: str = "GET") -> tuple[int, str, bytes]:
    """Status, content type and body of ``path`` (errors included, not raised)."""
    request = urllib.request.Request(f"{server.url}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def events(body: bytes) -> list[str]:
    """The summaries of the feed's events."""
    return [str(e.get("SUMMARY")) for e in Calendar.from_ical(body).walk("VEVENT")]


def test_a_settings_token_gets_its_own_calendar_only(server: Server) -> None:
    """S001's token serves S001's reviews as text/calendar, and nothing of S002."""
    status, kind, body = fetch(server, f"/feeds/{server.tokens['S001']}.ics")
    assert status == 200
    assert kind.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    assert "Acorn Nursery" in str(calendar.get("X-WR-CALNAME"))
    summaries = events(body)
    assert summaries and all("Z.Q. (C001)" in s for s in summaries)  # pre-meeting and review
    text = body.decode("utf-8")
    for other in ("Birch", "C002", "Yusuf", "Y.R."):
        assert other not in text

    status, _, body = fetch(server, f"/feeds/{server.tokens['S002']}.ics?setting=S001")
    assert status == 200
    text = body.decode("utf-8")
    assert "Birch Pre-school" in text and "Acorn" not in text and "C001" not in text


def test_a_practitioners_token_gets_their_calendar(server: Server) -> None:
    """A practitioner's token serves their own reviews at both settings."""
    status, kind, body = fetch(server, f"/feeds/{server.tokens['P001']}.ics")
    assert status == 200 and kind.startswith("text/calendar")
    summaries = " ".join(events(body))
    assert "Z.Q. (C001)" in summaries and "Y.R. (C002)" in summaries


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/{revoked}.ics",
        "/feeds/{rotated_out}.ics",
        "/feeds/{wrong}.ics",
        "/feeds/short.ics",
        "/feeds/{S001}x.ics",
        "/feeds/{S001}.ics.ics",
        "/feeds/%20{S001}.ics",
    ],
)
def test_wrong_revoked_or_malformed_tokens_get_a_bare_404(server: Server, path: str) -> None:
    """Every bad token gets the same 404 and no calendar at all."""
    wanted = path.format(wrong=secrets.token_urlsafe(32), **server.tokens)
    status, kind, body = fetch(server, wanted)
    assert (status, kind, body) == (404, "text/plain; charset=utf-8", b"Not found\n")


@pytest.mark.parametrize("path", ["/feeds/{S001}", "/feeds/..%2F{S001}.ics", "/{S001}.ics"])
def test_other_paths_never_serve_a_calendar(server: Server, path: str) -> None:
    """Paths beside the feed route (the app's pages, traversal tricks) carry no calendar data."""
    status, _, body = fetch(server, path.format(**server.tokens))
    assert b"BEGIN:VCALENDAR" not in body and b"C001" not in body
    assert status in (200, 400, 404)  # the dashboard's page shell, or a refusal


def test_head_and_headers_keep_the_feed_out_of_caches(server: Server) -> None:
    """Calendar clients may probe with HEAD; responses are never stored by shared caches."""
    request = urllib.request.Request(
        f"{server.url}/feeds/{server.tokens['S001']}.ics", method="HEAD"
    )
    with urllib.request.urlopen(request, timeout=20) as reply:
        assert reply.status == 200
        assert reply.headers["Cache-Control"] == "no-store"
        assert reply.read() == b""


def test_the_dashboard_is_served_by_the_same_process(server: Server) -> None:
    """``app.py`` still serves the dashboard itself."""
    status, kind, body = fetch(server, "/")
    assert status == 200 and kind.startswith("text/html")
    assert b'<div id="root">' in body or b"root" in body


def test_tokens_never_reach_the_servers_output(server: Server) -> None:
    """After all the requests above, the log shows feed requests redacted and no token."""
    fetch(server, f"/feeds/{server.tokens['S001']}.ics")  # at least one, whatever ran before
    deadline = time.monotonic() + 5
    log = server.log.read_text(errors="replace")
    while "[redacted]" not in log and time.monotonic() < deadline:
        time.sleep(0.2)
        log = server.log.read_text(errors="replace")
    assert "feed GET /feeds/[redacted].ics 200" in log
    for token in server.tokens.values():
        assert token not in log
