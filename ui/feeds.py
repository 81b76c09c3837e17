"""Calendar subscription feeds, served by the dashboard's own process at ``/feeds/<token>.ics``.

Outlook and Google subscribe to the URL and poll it, so settings see re-plans without anyone
re-downloading. Everything but HTTP is :func:`scheduler.store.repository.feed_calendar`: the
token is resolved against its stored hash, the published plan is cut to that one setting (or
practitioner) and rendered. Anything wrong (unknown, revoked or malformed token, nothing
published, data purged) is the same plain 404, so guessing teaches nothing.

The token is the secret, and it is in the URL path: :func:`install_log_redaction` puts
:class:`~scheduler.store.tokens.TokenRedactingFilter` on the web server's loggers, and this
route's own access line goes through the same filter, so no log holds a token.

Rendered feeds come from a :class:`~scheduler.store.feeds.FeedCache` (per published version),
and each token may be asked for ``FEED_BURST`` times at once, then once every
``FEED_PER_SECONDS / FEED_BURST`` seconds (:class:`~scheduler.store.feeds.RateLimiter`); more
gets ``429 Too Many Requests`` with ``Retry-After``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.store import repository as repo
from scheduler.store.feeds import FEED_CONTENT_TYPE
from ui import storage

FEED_BURST = 10
FEED_PER_SECONDS = 60.0
"""Per token: 10 requests at once, then 10 a minute (calendar programs poll hourly at most)."""

FEED_PREFIX = "feeds"
"""The first path segment of every feed URL (after ``server.baseUrlPath``)."""

SERVER_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error", "tornado.access")
"""The web servers' loggers that could see a request path."""

access_log = logging.getLogger("ui.feeds.access")
_HEADERS = {
    "Cache-Control": "no-store",  # personal data: no shared or proxy caches
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


def _base_path(base_url_path: str) -> str:
    cleaned = base_url_path.strip("/")
    return f"/{cleaned}" if cleaned else ""


def route_path(base_url_path: str = "") -> str:
    """The route's path template, under the app's ``server.baseUrlPath``."""
    return f"{_base_path(base_url_path)}/{FEED_PREFIX}/{{token}}.ics"


def feed_url(app_url: str, token: str, base_url_path: str = "") -> str:
    """The subscription URL for ``token``, on the same origin as the dashboard page."""
    parts = urlsplit(app_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return f"{origin}{_base_path(base_url_path)}/{FEED_PREFIX}/{token}.ics"


def not_found() -> Response:
    return Response(b"Not found\n", status_code=404, media_type="text/plain", headers=_HEADERS)


def too_many(retry_after: int) -> Response:
    headers = {**_HEADERS, "Retry-After": str(retry_after)}
    return Response(
        b"Too many requests\n", status_code=429, media_type="text/plain", headers=headers
    )


def feed_endpoint(
    cache: repo.FeedCache, limiter: repo.RateLimiter
) -> Callable[[Request], Awaitable[Response]]:
    """``GET``/``HEAD /feeds/<token>.ics``: the calendar, 404 for anything wrong, 429 when the
    token asks too often, 503 when the store is down."""

    async def serve_feed(request: Request) -> Response:
        token = request.path_params.get("token")
        if not limiter.allow(str(token)):
            response = too_many(limiter.retry_after())
        else:
            try:
                body = await run_in_threadpool(cache.calendar, storage.store(), token)
            except Exception as exc:  # the store is down: say so, without the token or any data
                access_log.error(
                    "feed %s %s failed: %s", request.method, request.url.path, type(exc).__name__
                )
                return Response(b"Unavailable\n", status_code=503, media_type="text/plain")
            response = (
                not_found()
                if body is None
                else Response(body, media_type=FEED_CONTENT_TYPE, headers=_HEADERS)
            )
        access_log.info("feed %s %s %d", request.method, request.url.path, response.status_code)
        return response

    return serve_feed


def routes(
    base_url_path: str = "",
    *,
    cache: repo.FeedCache | None = None,
    limiter: repo.RateLimiter | None = None,
) -> list[Route]:
    """The routes to add to Streamlit's app (``st.App(..., routes=routes())``), each with its
    own feed cache and rate limiter unless given."""
    endpoint = feed_endpoint(
        cache or repo.FeedCache(),
        limiter or repo.RateLimiter(burst=FEED_BURST, per_seconds=FEED_PER_SECONDS),
    )
    return [Route(route_path(base_url_path), endpoint, methods=["GET", "HEAD"])]


def install_log_redaction() -> None:
    """Scrub tokens from every log line the web server or this route writes.

    The filter goes on the loggers and on their handlers (a logger's filter does not see
    records that only pass through it from a child logger). The route's access logger gets a
    stderr handler of its own if it has none, so operators see feed traffic, redacted.
    """
    redacting = repo.TokenRedactingFilter()
    for name in (*SERVER_LOGGERS, access_log.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, repo.TokenRedactingFilter) for f in logger.filters):
            logger.addFilter(redacting)
        for handler in logger.handlers:
            if not any(isinstance(f, repo.TokenRedactingFilter) for f in handler.filters):
                handler.addFilter(redacting)
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.addFilter(redacting)
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
