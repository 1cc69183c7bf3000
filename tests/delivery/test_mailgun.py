"""Mailgun: the messages form, and webhooks signed with HMAC-SHA256 in the body."""

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest

from app.delivery.provider import InvalidSignature, WebhookRequest
from app.delivery.providers.mailgun import MailgunConfig, MailgunProvider, parse_webhook
from app.settings import Settings
from tests.fakes.provider_servers import MailgunServer

from .factory import letter


@pytest.fixture(scope="module")
def fake() -> Iterator[MailgunServer]:
    with MailgunServer(api_key="key-1", domain="mg.platform.example") as running:
        yield running


async def test_sends_the_documented_form(fake: MailgunServer, http: httpx.AsyncClient) -> None:
    config = MailgunConfig("key-1", "mg.platform.example", fake.url, 10.0)
    accepted = await MailgunProvider(config, http).send(letter())
    request = fake.accepted[-1]
    fields = parse_qs(request.body.decode())
    assert request.path == "/v3/mg.platform.example/messages"
    assert fields["from"] == ['"Иван Петров via Embassy Letters" <letters@platform.example>']
    assert fields["to"] == ['"Посольство России" <consulate@embassy.example>']
    assert fields["cc"] == ['"Иван Петров" <ivan.petrov@mail.example>']
    assert fields["h:Reply-To"] == ['"Иван Петров" <ivan.petrov@mail.example>']
    assert fields["h:Message-Id"] == ["<0f3a9c.letter@platform.example>"]
    assert fields["h:X-Letter-Reference"] == ["outbox-42"]
    assert fields["v:reference"] == ["outbox-42"]
    assert fields["html"][0].startswith("<p>")
    # Mailgun's id without brackets is what its events carry as message-id.
    assert accepted.provider_message_id.endswith("@mg.platform.example")
    assert not accepted.provider_message_id.startswith("<")


KEY = "mailgun-signing-key"
HOOK = Settings(mailgun_webhook_signing_key=KEY)


def signed(data: dict[str, object], key: str = KEY, at: int | None = None) -> WebhookRequest:
    timestamp, token = str(int(time.time()) if at is None else at), secrets.token_hex(25)
    digest = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": digest},
        "event-data": data,
    }
    return WebhookRequest.of({"Content-Type": "application/json"}, {}, json.dumps(body).encode())


def event(kind: str, **fields: object) -> dict[str, object]:
    return {
        "event": kind,
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": 1796140800.123,
        "recipient": "consulate@embassy.example",
        "message": {"headers": {"message-id": "20261201070000.1a2b3c@mg.platform.example"}},
        "user-variables": {"reference": "outbox-42"},
        **fields,
    }


def test_delivered_and_complained() -> None:
    (delivered,) = parse_webhook(HOOK, signed(event("delivered")))
    assert delivered.status == "delivered"
    assert delivered.provider_message_id == "20261201070000.1a2b3c@mg.platform.example"
    assert delivered.reference == "outbox-42"
    assert delivered.recipient == "consulate@embassy.example"
    (complained,) = parse_webhook(HOOK, signed(event("complained")))
    assert complained.status == "complained"


def test_permanent_failure_is_a_hard_bounce_and_temporary_is_not_final() -> None:
    status = {"code": 550, "description": "", "message": "5.1.1 <consulate@embassy.example> no"}
    failed = event("failed", severity="permanent", reason="bounce", **{"delivery-status": status})
    (bounced,) = parse_webhook(HOOK, signed(failed))
    assert bounced.status == "bounced" and bounced.permanent
    assert bounced.reason == "bounce 550 5.1.1 [address] no"
    temporary = event("failed", severity="temporary", reason="generic")
    assert parse_webhook(HOOK, signed(temporary)) == []
    assert parse_webhook(HOOK, signed(event("opened"))) == []


def test_wrong_key_stale_and_missing_signatures_are_refused() -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, signed(event("delivered"), key="other-key"))
    with pytest.raises(InvalidSignature, match="stale"):
        parse_webhook(HOOK, signed(event("delivered"), at=int(time.time()) - 3600))
    body = json.dumps({"event-data": event("delivered")}).encode()
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, WebhookRequest.of({}, {}, body))


def test_changed_token_is_refused() -> None:
    # Mailgun signs timestamp+token, not the body: the freshness window and a secret key are
    # what stop forgeries, so a changed token must fail.
    request = signed(event("delivered"))
    body = json.loads(request.body)
    body["signature"]["token"] = secrets.token_hex(25)
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, WebhookRequest({}, {}, json.dumps(body).encode()))


def test_unconfigured_key_refuses_everything() -> None:
    with pytest.raises(InvalidSignature, match="not configured"):
        parse_webhook(Settings(), signed(event("delivered")))
