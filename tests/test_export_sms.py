"""Text messages through GOV.UK Notify (scheduler/export/sms.py): the key from the environment
only, each text sent once (the ledger), a permanent refusal recorded and never retried, a
refused key stopping the run, temporary failures retried with growing waits and then left for
the next run. Notify's own client talks to a local stand-in (tests/notify_server.py) where the
real answers matter; a scripted client stands in where only the failures' order does."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import requests
from notifications_python_client.errors import APIError
from notify_server import API_KEY, TEMPLATE_ID, notify_server

from scheduler.config import NotifyConfig
from scheduler.export.email import Retry, SendError, recipient_key
from scheduler.export.sms import SMS, TextMessage, deliver_sms, notify_client
from scheduler.ledger import MessageLedger

KEY_ENV = "SCHEDULER_NOTIFY_API_KEY"
FIELDS = {"child": "Amy", "date": "Tuesday 15 September", "time": "10:00", "place": "Acorn"}
FIELDS |= {"rearrange": "To rearrange, call 020 7946 0000."}


def text(n: int, phone: str = "") -> TextMessage:
    """Text number ``n`` to ``+4477009000n`` (or ``phone``)."""
    return TextMessage(
        f"remind:sms:2:C{n}", f"C{n} 2-day sms", phone or f"+44770090000{n}", FIELDS, f"ir-{n}"
    )


def config(url: str = "http://127.0.0.1:9") -> NotifyConfig:
    return NotifyConfig(sms_template_id=TEMPLATE_ID, base_url=url)


@pytest.fixture
def ledger() -> Iterator[MessageLedger]:
    with MessageLedger.open(None) as opened:
        yield opened


def api_error(status: int, message: str = "try later") -> APIError:
    """What Notify's client raises for an HTTP answer ``status`` with Notify's error shape."""
    response = requests.Response()
    response.status_code = status
    body = {"status_code": status, "errors": [{"error": "X", "message": message}]}
    response._content = json.dumps(body).encode()
    return APIError(response)


class Scripted:
    """A client that answers each send with the next of ``answers`` (an exception is raised,
    anything else accepts) and remembers the numbers it was asked to text."""

    def __init__(self, *answers: BaseException | None) -> None:
        self.answers = list(answers)
        self.numbers: list[str] = []

    def send_sms_notification(
        self,
        phone_number: str,
        template_id: str,
        personalisation: Mapping[str, str] | None = None,
        reference: str | None = None,
    ) -> Any:
        self.numbers.append(phone_number)
        answer = self.answers.pop(0) if self.answers else None
        if answer is not None:
            raise answer
        return {"id": "accepted"}


def test_the_key_comes_from_the_environment_and_must_look_like_one() -> None:
    """No key, or a key too short to be Notify's: a SendError naming the variable (never the
    value); a key of Notify's shape: a client for the configured address."""
    with pytest.raises(SendError, match=f"set {KEY_ENV}"):
        notify_client(config(), {})
    with pytest.raises(SendError, match=f"{KEY_ENV} does not look like") as caught:
        notify_client(config(), {KEY_ENV: "secret-but-short"})
    assert "secret-but-short" not in str(caught.value)
    client: Any = notify_client(config("http://127.0.0.1:8123"), {KEY_ENV: f" {API_KEY}\n"})
    assert client.base_url == "http://127.0.0.1:8123"


def test_without_a_template_nothing_is_sent(ledger: MessageLedger) -> None:
    """No ``[notify] sms_template_id``: a SendError before any text goes."""
    client = Scripted()
    with pytest.raises(SendError, match="sms_template_id"):
        deliver_sms([text(1)], NotifyConfig(), client, ledger)
    assert client.numbers == []


def test_each_text_goes_once_and_the_ledger_holds_no_number() -> None:
    """Through Notify's own client: both texts accepted and recorded under a digest of the
    number; a second run sends nothing and says they went before."""
    with notify_server() as notify, MessageLedger.open(None) as ledger:
        client = notify_client(config(notify.url), {KEY_ENV: API_KEY})
        messages = [text(1), text(2)]
        first = deliver_sms(messages, config(notify.url), client, ledger)
        assert first.sent == ["C1 2-day sms", "C2 2-day sms"] and not first.failed
        assert [b["phone_number"] for b in notify.accepted] == ["+447700900001", "+447700900002"]
        assert notify.accepted[0]["reference"] == "ir-1"
        recorded = ledger.deliveries()
        assert {(d.channel, d.outcome) for d in recorded} == {(SMS, "accepted")}
        assert {d.recipient for d in recorded} == {
            recipient_key(m.message_id, m.phone) for m in messages
        }
        assert not any("7700" in d.recipient for d in recorded)
        again = deliver_sms(messages, config(notify.url), client, ledger)
        assert again.already == ["C1 2-day sms", "C2 2-day sms"] and again.sent == []
        assert len(notify.accepted) == 2


def test_a_number_notify_refuses_is_recorded_and_never_retried() -> None:
    """Notify's 400 for a number it will not text: that text failed for good (recorded), the
    next one still goes; a later run does not ask Notify again."""
    with notify_server() as notify, MessageLedger.open(None) as ledger:
        client = notify_client(config(notify.url), {KEY_ENV: API_KEY})
        messages = [text(1, phone="020 7946 0000"), text(2)]
        sleeps: list[float] = []
        report = deliver_sms(messages, config(notify.url), client, ledger, sleep=sleeps.append)
        assert list(report.failed) == ["C1 2-day sms"]
        assert report.failed["C1 2-day sms"].startswith("refused by Notify (400")
        assert report.sent == ["C2 2-day sms"] and sleeps == []
        assert [d.outcome for d in ledger.deliveries() if d.message_id.endswith("C1")] == [
            "refused"
        ]
        asked = len(notify.refused)
        again = deliver_sms(messages, config(notify.url), client, ledger)
        assert again.failed == {"C1 2-day sms": "refused in an earlier run"}
        assert len(notify.refused) == asked


def test_a_refused_key_stops_the_run_at_once(ledger: MessageLedger) -> None:
    """A 403 (wrong or revoked key): SendError carrying what was sent by then; nothing is
    recorded for the refused text and nothing after it is tried."""
    client = Scripted(None, api_error(403, "Invalid token"))
    with pytest.raises(SendError, match="Notify refused the API key") as caught:
        deliver_sms([text(1), text(2), text(3)], config(), client, ledger)
    assert caught.value.report.sent == ["C1 2-day sms"]
    assert client.numbers == ["+447700900001", "+447700900002"]
    assert [d.message_id for d in ledger.deliveries()] == ["remind:sms:2:C1"]


def test_temporary_failures_are_retried_with_growing_waits(ledger: MessageLedger) -> None:
    """429 (too many requests), a 5xx and a dropped connection are retried after 5, 10 and 20
    seconds; the text then goes, once."""
    client = Scripted(api_error(429), api_error(500), requests.ConnectionError("reset"))
    sleeps: list[float] = []
    report = deliver_sms([text(1)], config(), client, ledger, sleep=sleeps.append)
    assert report.sent == ["C1 2-day sms"] and not report.left
    assert sleeps == [5.0, 10.0, 20.0]
    assert len(client.numbers) == 4
    assert [d.outcome for d in ledger.deliveries()] == ["accepted"]


def test_a_failure_that_persists_leaves_the_rest_for_the_next_run(ledger: MessageLedger) -> None:
    """Past ``attempts`` failures in a row the run stops: this text and every one after it are
    left (with why), none recorded, so the next run sends them."""
    client = Scripted(None, *[api_error(503, "down")] * 3)
    retry = Retry(attempts=2, wait=1.0)
    sleeps: list[float] = []
    report = deliver_sms(
        [text(1), text(2), text(3)], config(), client, ledger, retry=retry, sleep=sleeps.append
    )
    assert report.sent == ["C1 2-day sms"]
    assert list(report.left) == ["C2 2-day sms", "C3 2-day sms"]
    assert report.left["C3 2-day sms"].startswith("Notify did not take it (503")
    assert sleeps == [1.0, 2.0]
    assert client.numbers.count("+447700900003") == 0
    assert [d.message_id for d in ledger.deliveries()] == ["remind:sms:2:C1"]


def test_a_success_resets_the_count_of_failures(ledger: MessageLedger) -> None:
    """With one retry allowed, texts that each fail once still all go: the count of failures
    in a row starts again after every acceptance."""
    client = Scripted(api_error(502), None, api_error(502), None, api_error(502), None)
    report = deliver_sms(
        [text(1), text(2), text(3)], config(), client, ledger, retry=Retry(attempts=1, wait=0.0)
    )
    assert report.sent == ["C1 2-day sms", "C2 2-day sms", "C3 2-day sms"] and not report.left


def test_the_reason_shown_for_a_refusal_holds_no_address(ledger: MessageLedger) -> None:
    """Notify's message is shown scrubbed: an e-mail address in it is blanked out."""
    client = Scripted(api_error(400, "cannot send to parent@example.org"))
    report = deliver_sms([text(1)], config(), client, ledger)
    (why,) = report.failed.values()
    assert "parent@example.org" not in why and "[address]" in why
