"""A local stand-in for GOV.UK Notify's API that checks each request as Notify does.

``POST /v2/notifications/sms`` must carry ``Authorization: Bearer <JWT>``: HS256, signed with
the key's secret, ``iss`` the service id, ``iat`` within 30 seconds of now (Notify's documented
rules); a JSON body with ``phone_number`` (a UK mobile number), ``template_id`` (a known
template), ``personalisation`` with every field the template uses, and an optional
``reference``. It answers ``201`` with the shape Notify returns, or Notify's error shape:
``403`` for a bad token, ``400`` for a bad body. ``fail_after`` makes it answer ``500`` to
every request after the first N it accepted (a server falling over mid-run).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"reminders_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEMPLATE_FIELDS = frozenset({"child", "date", "time", "place", "rearrange"})
_MOBILE = re.compile(r"^(?:\+44|0044|44|0)7\d{9}$")


@dataclass
class NotifyStub:
    """What the stub received and how it behaves."""

    fail_after: int | None = None
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    failed: int = 0
    url: str = ""


def _error(handler: BaseHTTPRequestHandler, status: int, kind: str, message: str) -> None:
    body = json.dumps(
        {"status_code": status, "errors": [{"error": kind, "message": message}]}
    ).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _handler(stub: NotifyStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path != "/v2/notifications/sms":
                _error(self, 404, "NotFound", "no such endpoint")
                return
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                stub.refused.append((403, "no bearer token"))
                _error(
                    self, 403, "AuthError", "Unauthorized: authentication token must be provided"
                )
                return
            try:
                claims = jwt.decode(
                    auth[len("Bearer ") :],
                    SECRET,
                    algorithms=["HS256"],
                    options={"require": ["iss", "iat"], "verify_iat": True},
                )
            except jwt.PyJWTError as exc:
                stub.refused.append((403, f"token: {exc}"))
                _error(self, 403, "AuthError", "Invalid token: signature")
                return
            if claims["iss"] != SERVICE_ID or abs(time.time() - int(claims["iat"])) > 30:
                stub.refused.append((403, "iss or iat"))
                _error(self, 403, "AuthError", "Invalid token: iss or iat")
                return
            if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                _error(self, 400, "BadRequestError", "Content-Type must be application/json")
                return
            try:
                body = json.loads(raw)
            except ValueError:
                _error(self, 400, "BadRequestError", "Invalid JSON")
                return
            problems = []
            if not isinstance(body, dict):
                problems.append("body is not an object")
                body = {}
            number = re.sub(r"[\s\-().]", "", str(body.get("phone_number", "")))
            if not _MOBILE.fullmatch(number):
                problems.append("phone_number Not a UK mobile number")
            if body.get("template_id") != TEMPLATE_ID:
                problems.append("template_id is not a valid UUID or not found")
            fields = body.get("personalisation") or {}
            missing = TEMPLATE_FIELDS - set(fields)
            if missing:
                problems.append(f"Missing personalisation: {', '.join(sorted(missing))}")
            if not all(isinstance(v, str) for v in fields.values()):
                problems.append("personalisation values must be text")
            if set(body) - {"phone_number", "template_id", "personalisation", "reference"}:
                problems.append("Additional properties are not allowed")
            if problems:
                stub.refused.append((400, "; ".join(problems)))
                _error(self, 400, "ValidationError", "; ".join(problems))
                return
            if stub.fail_after is not None and len(stub.accepted) >= stub.fail_after:
                stub.failed += 1
                _error(self, 500, "Exception", "Internal server error")
                return
            stub.accepted.append(body)
            notification = str(uuid.uuid4())
            reply = json.dumps(
                {
                    "id": notification,
                    "reference": body.get("reference"),
                    "content": {"body": "Reminder", "from_number": "GOVUK"},
                    "uri": f"{stub.url}/v2/notifications/{notification}",
                    "template": {
                        "id": TEMPLATE_ID,
                        "version": 1,
                        "uri": f"{stub.url}/v2/templates/{TEMPLATE_ID}",
                    },
                    "scheduled_for": None,
                }
            ).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    return Handler


@contextmanager
def notify_server(stub: NotifyStub | None = None) -> Iterator[NotifyStub]:
    """The stub serving on 127.0.0.1 (a free port) for the ``with`` block."""
    stub = stub or NotifyStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
