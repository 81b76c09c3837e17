"""Text messages through GOV.UK Notify (``notifications-python-client``), once each.

Each message is a Notify template (``[notify] sms_template_id``) with its personalisation; the
API key is read from the environment variable ``[notify] api_key_env`` names, never from a
file. Sending goes through the message ledger (:mod:`scheduler.ledger`, channel ``sms``): an
acceptance (Notify's ``201``) is committed as it comes; a ``4xx`` other than ``429`` is a
permanent refusal (e.g. a number Notify will not text), recorded; ``429``, a ``5xx`` or no
answer at all is retried with growing waits and, if it persists, left for the next run, which
sends only what is left. A ``401``/``403`` (a wrong or revoked key) stops the run at once.

The recipient key in the ledger is a digest of the number, and Notify's ``reference`` a
digest of the message id: neither holds personal data. Reports name messages by child id.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from scheduler.config import NotifyConfig
from scheduler.export.email import DeliveryReport, Retry, SendError, recipient_key, scrub
from scheduler.ledger import MessageLedger

SMS = "sms"
"""The ledger channel of text messages."""
DEFAULT_RETRY = Retry()


class SmsClient(Protocol):
    """What this module needs of Notify's client (the real one, or a test's)."""

    def send_sms_notification(
        self,
        phone_number: str,
        template_id: str,
        personalisation: Mapping[str, str] | None = None,
        reference: str | None = None,
    ) -> Any: ...


@dataclass(frozen=True, slots=True)
class TextMessage:
    """One text to send: stable id, label for reports (ids only), number and template fields."""

    message_id: str
    label: str
    phone: str
    personalisation: Mapping[str, str]
    reference: str


def notify_client(notify: NotifyConfig, environ: Mapping[str, str]) -> SmsClient:
    """Notify's client with the key from the environment; ``SendError`` when it is not set."""
    key = environ.get(notify.api_key_env, "").strip()
    if not key:
        raise SendError(f"set {notify.api_key_env} to the GOV.UK Notify API key to send texts")
    if len(key) < 74:
        raise SendError(f"{notify.api_key_env} does not look like a Notify API key")
    client: SmsClient = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        key, base_url=notify.base_url, timeout=30
    )
    return client


def _status(exc: BaseException) -> int | None:
    return exc.status_code if isinstance(exc, APIError) else None


def deliver_sms(
    messages: Sequence[TextMessage],
    notify: NotifyConfig,
    client: SmsClient,
    ledger: MessageLedger,
    *,
    retry: Retry = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Send each text the ledger does not already record (see the module notes)."""
    template = notify.sms_template_id
    if template is None:
        raise SendError("no [notify] sms_template_id: text messages are not configured")
    report = DeliveryReport()
    streak = 0
    queue = list(messages)
    while queue:
        item = queue.pop(0)
        key = recipient_key(item.message_id, item.phone)
        done = ledger.outcomes(item.message_id).get(key)
        if done == "accepted":
            report.already.append(item.label)
            continue
        if done == "refused":
            report.failed[item.label] = "refused in an earlier run"
            continue
        try:
            client.send_sms_notification(
                phone_number=item.phone,
                template_id=template,
                personalisation=dict(item.personalisation),
                reference=item.reference,
            )
        except Exception as exc:  # classified below; never a traceback
            status = _status(exc)
            detail = f"{status} {scrub(getattr(exc, 'message', '') or exc)}".strip()
            if status in (401, 403):
                raise SendError(f"Notify refused the API key ({detail})", report) from exc
            if status is not None and 400 <= status < 500 and status != 429:
                ledger.record(item.message_id, SMS, refused={key: detail})
                report.failed[item.label] = f"refused by Notify ({detail})"
                continue
            streak += 1
            if streak > retry.attempts:
                why = f"Notify did not take it ({detail or type(exc).__name__})"
                report.left[item.label] = why
                for rest in queue:
                    report.left[rest.label] = why
                break
            sleep(retry.delay(streak))
            queue.insert(0, item)
            continue
        streak = 0
        ledger.record(item.message_id, SMS, accepted=[key])
        report.sent.append(item.label)
    return report
