"""SendGrid: the v3 mail/send payload, and the ECDSA-signed event webhook."""

import base64
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.delivery.provider import (
    InvalidSignature,
    MalformedWebhook,
    TransientSendError,
    WebhookRequest,
)
from app.delivery.providers.sendgrid import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SendGridConfig,
    SendGridProvider,
    parse_webhook,
)
from app.settings import Settings
from tests.fakes.provider_servers import SendGridServer

from .factory import EMBASSY, PERSON, letter


@pytest.fixture(scope="module")
def fake() -> Iterator[SendGridServer]:
    with SendGridServer(api_key="SG.key") as running:
        yield running


async def test_sends_the_documented_payload(fake: SendGridServer, http: httpx.AsyncClient) -> None:
    adapter = SendGridProvider(SendGridConfig("SG.key", fake.url, 10.0), http)
    accepted = await adapter.send(letter())
    request = fake.accepted[-1]
    body = request.json()
    assert request.headers["authorization"] == "Bearer SG.key"
    assert accepted.provider_message_id  # from X-Message-Id of the 202
    assert body["personalizations"] == [
        {
            "to": [{"email": EMBASSY.email, "name": EMBASSY.name}],
            "cc": [{"email": PERSON.email, "name": PERSON.name}],
        }
    ]
    assert body["from"] == {
        "email": "letters@platform.example",
        "name": "Иван Петров via Embassy Letters",
    }
    assert body["reply_to"] == {"email": PERSON.email, "name": PERSON.name}
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["headers"]["Message-ID"] == "<0f3a9c.letter@platform.example>"
    assert body["custom_args"] == {
        "reference": "outbox-42",
        "message_id": "<0f3a9c.letter@platform.example>",
    }


async def test_rate_limit_waits_until_the_reset_time(
    fake: SendGridServer, http: httpx.AsyncClient
) -> None:
    fake.behaviour.answer, fake.behaviour.retry_after = "rate_limited", None
    try:
        with pytest.raises(TransientSendError) as caught:
            await SendGridProvider(SendGridConfig("SG.key", fake.url, 10.0), http).send(letter())
    finally:
        fake.behaviour.answer = "ok"
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= fake.reset_in


# The signed event webhook

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC = base64.b64encode(
    KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()
HOOK = Settings(sendgrid_webhook_public_key=PUBLIC)


def signed(
    events: list[dict[str, object]],
    key: ec.EllipticCurvePrivateKey = KEY,
    timestamp: int | None = None,
) -> WebhookRequest:
    body = json.dumps(events).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    headers = {
        SIGNATURE_HEADER: base64.b64encode(signature).decode(),
        TIMESTAMP_HEADER: stamp,
    }
    return WebhookRequest.of(headers, {}, body)


def event(kind: str, **fields: object) -> dict[str, object]:
    return {
        "email": "consulate@embassy.example",
        "timestamp": 1796140800,
        "event": kind,
        "sg_event_id": f"evt-{kind}",
        "sg_message_id": "W86EgYT6SQKk0lRflfLRsA.filter0425p1las1-16816-5A023E36-1.0",
        "smtp-id": "<0f3a9c.letter@platform.example>",
        "reference": "outbox-42",
        **fields,
    }


def test_a_signed_batch_becomes_events() -> None:
    batch = [
        event("processed"),
        event("delivered", response="250 OK"),
        event("bounce", type="bounce", status="5.1.1", reason="550 5.1.1 <a@b.example> unknown"),
        event("bounce", type="blocked", status="5.7.1", reason="550 5.7.1 blocked"),
        event("dropped", reason="Bounced Address"),
        event("spamreport"),
        event("deferred", response="400 try again later", attempt="1"),
        event("open"),
    ]
    events = parse_webhook(HOOK, signed(batch))
    assert [(e.status, e.permanent) for e in events] == [
        ("delivered", True),
        ("bounced", True),
        ("bounced", False),
        ("failed", True),
        ("complained", True),
    ]
    assert {e.provider_message_id for e in events} == {"W86EgYT6SQKk0lRflfLRsA"}
    assert {e.reference for e in events} == {"outbox-42"}
    assert events[1].reason == "5.1.1 550 5.1.1 [address] unknown"
    assert events[0].at is not None and events[0].at.year == 2026


def test_other_key_is_refused() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, signed([event("delivered")], key=other))


def test_tampered_body_is_refused() -> None:
    request = signed([event("delivered")])
    forged = WebhookRequest(request.headers, {}, request.body.replace(b"delivered", b"bounce"))
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, forged)


def test_missing_and_stale_signatures_are_refused() -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, WebhookRequest.of({}, {}, b"[]"))
    with pytest.raises(InvalidSignature, match="stale"):
        parse_webhook(HOOK, signed([event("delivered")], timestamp=int(time.time()) - 3600))
    request = signed([event("delivered")])
    no_signature = {k: v for k, v in request.headers.items() if k != SIGNATURE_HEADER}
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, WebhookRequest(no_signature, {}, request.body))


def test_unconfigured_key_refuses_everything() -> None:
    with pytest.raises(InvalidSignature, match="not configured"):
        parse_webhook(Settings(), signed([event("delivered")]))


def test_signed_object_instead_of_array_is_malformed() -> None:
    with pytest.raises(MalformedWebhook):
        parse_webhook(HOOK, signed({"event": "delivered"}))  # type: ignore[arg-type]
