"""Postmark: the adapter against a local server speaking Postmark's /email API."""

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from app.delivery.provider import (
    DeliveryEvent,
    InvalidSignature,
    MalformedWebhook,
    PermanentSendError,
    TransientSendError,
    WebhookRequest,
)
from app.delivery.providers.postmark import PostmarkConfig, PostmarkProvider, parse_webhook
from app.settings import Settings
from tests.fakes.provider_servers import PostmarkServer
from tests.fakes.smtp_relay import free_port

from . import http_cases
from .factory import EMBASSY, letter


@pytest.fixture(scope="module")
def server() -> Iterator[PostmarkServer]:
    with PostmarkServer(token="pm-token") as running:
        yield running


@pytest.fixture
def fake(server: PostmarkServer) -> PostmarkServer:
    server.behaviour.answer = "ok"
    server.behaviour.slow_seconds = 3.0
    server.received.clear()
    server.accepted.clear()
    server.messages.clear()
    server.searches.clear()
    server.search_lag = 0.0
    server.search_answer = "ok"
    return server


def adapter(
    fake: PostmarkServer, http: httpx.AsyncClient, token: str = "pm-token"
) -> PostmarkProvider:
    return PostmarkProvider(PostmarkConfig(token, fake.url, timeout=10.0), http)


async def test_sends_the_documented_payload(fake: PostmarkServer, http: httpx.AsyncClient) -> None:
    accepted = await adapter(fake, http).send(letter())
    (request,) = fake.accepted
    body = request.json()
    assert accepted.provider_message_id == fake.last_message_id
    assert body["From"] == '"Иван Петров via Embassy Letters" <letters@platform.example>'
    assert body["To"] == f'"Посольство России" <{EMBASSY.email}>'
    assert body["ReplyTo"] == '"Иван Петров" <ivan.petrov@mail.example>'
    assert body["Cc"] == '"Иван Петров" <ivan.petrov@mail.example>'
    assert body["TextBody"].startswith("Уважаемый посол")
    assert body["HtmlBody"].startswith("<p>")
    assert body["MessageStream"] == "outbound"
    assert {"Name": "Message-ID", "Value": "<0f3a9c.letter@platform.example>"} in body["Headers"]
    assert {"Name": "X-Letter-Reference", "Value": "outbox-42"} in body["Headers"]
    assert body["Metadata"] == {
        "reference": "outbox-42",
        "message_id": "<0f3a9c.letter@platform.example>",
    }


async def test_text_only_letter(fake: PostmarkServer, http: httpx.AsyncClient) -> None:
    await adapter(fake, http).send(letter(html=None, cc=(), reply_to=None, reference=None))
    body = fake.accepted[0].json()
    assert "HtmlBody" not in body and "Cc" not in body and "ReplyTo" not in body
    assert "reference" not in body["Metadata"]


async def test_inactive_recipient_is_permanent_without_the_address(
    fake: PostmarkServer, http: httpx.AsyncClient
) -> None:
    reason = await http_cases.check_rejected(fake, adapter(fake, http))
    assert reason.startswith("postmark 422: 406 You tried to send")


async def test_wrong_token_is_permanent(fake: PostmarkServer, http: httpx.AsyncClient) -> None:
    await http_cases.check_wrong_credentials(adapter(fake, http, token="wrong"))
    assert fake.accepted == []


# Looking a message up (before a second attempt) by the Message-ID in its metadata.


async def test_finds_a_sent_message_by_its_message_id(
    fake: PostmarkServer, http: httpx.AsyncClient
) -> None:
    provider = adapter(fake, http)
    await provider.send(letter(message_id="<other@platform.example>"))
    sent = await provider.send(letter())
    assert await provider.find(letter()) == sent
    (query,) = fake.searches
    assert query == {"count": "1", "offset": "0",
                     "metadata_message_id": "<0f3a9c.letter@platform.example>"}


async def test_a_message_never_sent_is_not_found(
    fake: PostmarkServer, http: httpx.AsyncClient
) -> None:
    provider = adapter(fake, http)
    await provider.send(letter(message_id="<other@platform.example>"))
    assert await provider.find(letter()) is None
    fake.search_lag = 60.0  # Postmark has it, its search not yet: found later, not now
    await provider.send(letter())
    assert await provider.find(letter()) is None


async def test_a_failed_search_is_transient_and_a_wrong_token_permanent(
    fake: PostmarkServer, http: httpx.AsyncClient
) -> None:
    await adapter(fake, http).send(letter())
    fake.search_answer = "server_error"
    with pytest.raises(TransientSendError, match="postmark 500"):
        await adapter(fake, http).find(letter())
    with pytest.raises(PermanentSendError, match="postmark 401"):
        await adapter(fake, http, token="wrong").find(letter())


async def test_a_search_nobody_answers_is_transient(http: httpx.AsyncClient) -> None:
    config = PostmarkConfig("pm-token", f"http://127.0.0.1:{free_port()}", timeout=2.0)
    with pytest.raises(TransientSendError, match="postmark connection"):
        await PostmarkProvider(config, http).find(letter())


# Webhooks: HTTP Basic auth on the webhook URL, one record per call.

HOOK = Settings(postmark_webhook_username="postmark", postmark_webhook_password="hook-secret")


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def hook(record: dict[str, object], headers: dict[str, str] | None = None) -> WebhookRequest:
    auth = basic("postmark", "hook-secret") if headers is None else headers
    body = json.dumps(record).encode()
    return WebhookRequest.of({"Content-Type": "application/json", **auth}, {}, body)


DELIVERY = {
    "RecordType": "Delivery",
    "ServerID": 23,
    "MessageStream": "outbound",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Recipient": "consulate@embassy.example",
    "Tag": "",
    "DeliveredAt": "2026-12-01T16:33:54.9070259Z",
    "Details": "Test delivery webhook details",
    "Metadata": {"reference": "outbox-42"},
}


def bounce(kind: str) -> dict[str, object]:
    return {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": "consulate@embassy.example",
        "BouncedAt": "2026-12-01T16:35:00Z",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 <consulate@embassy.example> unknown",
        "Inactive": True,
        "MessageStream": "outbound",
        "Metadata": {"reference": "outbox-42"},
    }


def test_delivery_record() -> None:
    (event,) = parse_webhook(HOOK, hook(DELIVERY))
    assert event == DeliveryEvent(
        provider_message_id="883953f4-6105-42a2-a16a-77a8eac79483",
        reference="outbox-42",
        status="delivered",
        recipient="consulate@embassy.example",
        reason=None,
        at=datetime(2026, 12, 1, 16, 33, 54, 907025, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("kind", "permanent"),
    [
        ("HardBounce", True),
        ("BadEmailAddress", True),
        ("SoftBounce", False),
        ("Transient", False),
        ("Blocked", False),
        ("DMARCPolicy", False),
    ],
)
def test_bounce_records(kind: str, permanent: bool) -> None:
    (event,) = parse_webhook(HOOK, hook(bounce(kind)))
    assert event.status == "bounced" and event.permanent is permanent
    assert event.reason is not None and event.reason.startswith(kind)
    assert event.reference == "outbox-42"


def test_spam_complaint_and_ignored_records() -> None:
    complaint = {**bounce("SpamComplaint"), "RecordType": "SpamComplaint"}
    (event,) = parse_webhook(HOOK, hook(complaint))
    assert event.status == "complained"
    assert parse_webhook(HOOK, hook(bounce("AutoResponder"))) == []
    assert parse_webhook(HOOK, hook({"RecordType": "Open", "MessageID": "x"})) == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic("postmark", "wrong"),
        basic("someone", "hook-secret"),
        {"Authorization": "Bearer hook-secret"},
        {"Authorization": "Basic not-base64!"},
    ],
    ids=["missing", "wrong-password", "wrong-user", "not-basic", "malformed"],
)
def test_bad_credentials_are_refused(headers: dict[str, str]) -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, hook(DELIVERY, headers))


def test_unconfigured_webhook_refuses_everything() -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(Settings(), hook(DELIVERY, basic("", "")))
    only_user = Settings(postmark_webhook_username="postmark")
    with pytest.raises(InvalidSignature):
        parse_webhook(only_user, hook(DELIVERY, basic("postmark", "")))


def test_signed_but_not_json_is_malformed() -> None:
    request = WebhookRequest.of(basic("postmark", "hook-secret"), {}, b"<xml/>")
    with pytest.raises(MalformedWebhook):
        parse_webhook(HOOK, request)
