"""Resend: the /emails payload with an Idempotency-Key, and Svix-signed webhooks."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from app.delivery.provider import InvalidSignature, WebhookRequest
from app.delivery.providers.resend import ResendConfig, ResendProvider, parse_webhook
from app.settings import Settings
from tests.fakes.provider_servers import ResendServer

from .factory import letter


@pytest.fixture(scope="module")
def fake() -> Iterator[ResendServer]:
    with ResendServer(api_key="re_key") as running:
        yield running


async def test_sends_the_documented_payload(fake: ResendServer, http: httpx.AsyncClient) -> None:
    accepted = await ResendProvider(ResendConfig("re_key", fake.url, 10.0), http).send(letter())
    request = fake.accepted[-1]
    body = request.json()
    assert request.headers["idempotency-key"] == "letter/0f3a9c.letter@platform.example"
    assert body["from"] == '"Иван Петров via Embassy Letters" <letters@platform.example>'
    assert body["to"] == ['"Посольство России" <consulate@embassy.example>']
    assert body["reply_to"] == '"Иван Петров" <ivan.petrov@mail.example>'
    assert body["headers"]["Message-ID"] == "<0f3a9c.letter@platform.example>"
    assert {"name": "reference", "value": "outbox-42"} in body["tags"]
    assert accepted.provider_message_id == fake.idempotent[request.headers["idempotency-key"]]


async def test_a_retried_send_is_not_sent_twice(
    fake: ResendServer, http: httpx.AsyncClient
) -> None:
    adapter = ResendProvider(ResendConfig("re_key", fake.url, 10.0), http)
    email = letter(message_id="<retry-me@platform.example>")
    first = await adapter.send(email)
    before = len(fake.accepted)
    second = await adapter.send(email)
    assert second == first
    assert len(fake.accepted) == before


SECRET_BYTES = secrets.token_bytes(24)
SECRET = "whsec_" + base64.b64encode(SECRET_BYTES).decode()
HOOK = Settings(resend_webhook_secret=SECRET)


def signed(
    envelope: dict[str, object],
    key: bytes = SECRET_BYTES,
    at: int | None = None,
    extra_signatures: str = "",
) -> WebhookRequest:
    body = json.dumps(envelope).encode()
    msg_id, stamp = "msg_2Kb3LxX9", str(int(time.time()) if at is None else at)
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    signature = f"{extra_signatures} v1,{base64.b64encode(digest).decode()}".strip()
    headers = {"svix-id": msg_id, "svix-timestamp": stamp, "svix-signature": signature}
    return WebhookRequest.of(headers, {}, body)


def envelope(kind: str, **data: object) -> dict[str, object]:
    return {
        "type": kind,
        "created_at": "2026-12-01T07:00:10.000Z",
        "data": {
            "email_id": "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
            "from": "letters@platform.example",
            "to": ["consulate@embassy.example"],
            "subject": "Обращение",
            "tags": {"reference": "outbox-42"},
            **data,
        },
    }


def test_delivered_bounced_complained() -> None:
    (delivered,) = parse_webhook(HOOK, signed(envelope("email.delivered")))
    assert delivered.status == "delivered"
    assert delivered.provider_message_id == "4ef9a417-02e9-4d39-ad75-9611e0fcc33c"
    assert delivered.reference == "outbox-42"
    assert delivered.recipient == "consulate@embassy.example"
    hard = envelope(
        "email.bounced",
        bounce={
            "type": "Permanent",
            "subType": "General",
            "message": "550 <consulate@embassy.example>",
        },
    )
    (bounced,) = parse_webhook(HOOK, signed(hard))
    assert bounced.status == "bounced" and bounced.permanent
    assert bounced.reason == "Permanent 550 [address]"
    soft = envelope("email.bounced", bounce={"type": "Transient", "message": "mailbox full"})
    assert not parse_webhook(HOOK, signed(soft))[0].permanent
    (complained,) = parse_webhook(HOOK, signed(envelope("email.complained")))
    assert complained.status == "complained"
    assert parse_webhook(HOOK, signed(envelope("email.delivery_delayed"))) == []


def test_tags_as_a_list_are_read_too() -> None:
    listed = envelope("email.delivered", tags=[{"name": "reference", "value": "outbox-7"}])
    assert parse_webhook(HOOK, signed(listed))[0].reference == "outbox-7"


def test_one_matching_signature_among_several_is_enough() -> None:
    request = signed(envelope("email.delivered"), extra_signatures="v1,bm90LXRoaXMtb25l")
    assert len(parse_webhook(HOOK, request)) == 1


def test_wrong_stale_missing_signatures_are_refused() -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, signed(envelope("email.delivered"), key=b"other-key"))
    with pytest.raises(InvalidSignature, match="stale"):
        parse_webhook(HOOK, signed(envelope("email.delivered"), at=int(time.time()) - 301))
    request = signed(envelope("email.delivered"))
    forged = WebhookRequest(request.headers, {}, request.body.replace(b"delivered", b"bounced"))
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, forged)
    for header in ("svix-id", "svix-timestamp", "svix-signature"):
        partial = {k: v for k, v in request.headers.items() if k != header}
        with pytest.raises(InvalidSignature):
            parse_webhook(HOOK, WebhookRequest(partial, {}, request.body))


def test_unconfigured_secret_refuses_everything() -> None:
    with pytest.raises(InvalidSignature, match="not configured"):
        parse_webhook(Settings(), signed(envelope("email.delivered")))
