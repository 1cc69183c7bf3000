"""SNS signatures on SES webhooks: verified against the certificate SNS serves, fetched over
real HTTP once, and only from an SNS host."""

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import structlog
from starlette.responses import Response

from app.delivery.provider import InvalidSignature, WebhookRequest
from app.delivery.providers.sns import SnsCertificates, string_to_sign
from app.delivery.registry import read_webhook
from app.errors import Unavailable
from app.settings import Settings
from tests.fakes.http_server import LoopbackHttpServer
from tests.fakes.sns import (
    CERT_PATH,
    TOPIC,
    SnsSigner,
    ToLoopback,
    certificate_server,
    notification,
    subscription_confirmation,
)

SIGNER = SnsSigner.new()


@pytest.fixture
def server() -> Iterator[LoopbackHttpServer]:
    with certificate_server(SIGNER) as running:
        yield running


@pytest.fixture
async def certificates(server: LoopbackHttpServer) -> AsyncIterator[SnsCertificates]:
    async with httpx.AsyncClient(transport=ToLoopback(server.url)) as http:
        yield SnsCertificates(http)


def delivery() -> dict[str, Any]:
    return notification(json.dumps({"notificationType": "Delivery", "mail": {
        "messageId": "0102018f-ses-id-000000", "tags": {"reference": ["outbox-42"]}},
        "delivery": {"timestamp": "2026-12-01T07:00:05.000Z",
                     "recipients": ["consulate@embassy.example"]}}))


def test_the_string_to_sign_is_the_documented_fields_in_order() -> None:
    envelope = {**notification("hello"), "Subject": "Re: x", "UnsignedField": "ignored"}
    assert string_to_sign(envelope) == (
        b"Message\nhello\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nRe: x\n"
        b"Timestamp\n2026-12-01T07:01:00.000Z\nTopicArn\n" + TOPIC.encode() +
        b"\nType\nNotification\n")
    assert b"Subject" not in string_to_sign(notification("hello"))


@pytest.mark.parametrize("version", ["1", "2"])
async def test_a_signed_message_verifies(certificates: SnsCertificates, version: str) -> None:
    await certificates.verify(SIGNER.sign(delivery(), version=version))


@pytest.mark.parametrize("field, value", [
    ("Message", "{}"), ("TopicArn", "arn:aws:sns:eu-west-1:999999999999:theirs"),
    ("Timestamp", "2026-12-02T07:01:00.000Z"), ("Type", "SubscriptionConfirmation"),
    ("SignatureVersion", "3"), ("Signature", "bm90IGEgc2lnbmF0dXJl"), ("Signature", "***"),
])
async def test_a_changed_field_does_not_verify(
    certificates: SnsCertificates, field: str, value: str
) -> None:
    with pytest.raises(InvalidSignature):
        await certificates.verify({**SIGNER.sign(delivery()), field: value})


async def test_a_key_of_someone_elses_does_not_verify(certificates: SnsCertificates) -> None:
    with pytest.raises(InvalidSignature):
        await certificates.verify(SnsSigner.new().sign(delivery()))


@pytest.mark.parametrize("url", [
    "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem",
    "https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem",
    "https://evil.example/sns.eu-west-1.amazonaws.com/x.pem",
    "https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem",
    "https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-1.pem",
    "https://sns.eu-west-1.amazonaws.com/not-a-certificate",
    "https://s3.amazonaws.com/SimpleNotificationService-1.pem",
])
async def test_a_certificate_is_fetched_only_from_an_sns_host(
    certificates: SnsCertificates, server: LoopbackHttpServer, url: str
) -> None:
    with pytest.raises(InvalidSignature):
        await certificates.verify(SIGNER.sign(delivery(), cert_url=url))
    assert server.received == []


async def test_the_certificate_is_fetched_once(
    certificates: SnsCertificates, server: LoopbackHttpServer
) -> None:
    for _ in range(3):
        await certificates.verify(SIGNER.sign(delivery()))
    assert [(r.method, r.path) for r in server.received] == [("GET", CERT_PATH)]


async def test_an_unreachable_certificate_is_503_for_sns_to_retry() -> None:
    async def broken(_: object) -> Response:
        return Response(status_code=500)

    with LoopbackHttpServer(CERT_PATH, broken, methods=("GET",)) as server:
        async with httpx.AsyncClient(transport=ToLoopback(server.url)) as http:
            with pytest.raises(Unavailable):
                await SnsCertificates(http).verify(SIGNER.sign(delivery()))


def ses_call(envelope: dict[str, Any], secret: str | None = None) -> WebhookRequest:
    query = {"secret": secret} if secret else {}
    return WebhookRequest.of({}, query, json.dumps(envelope).encode())


async def test_an_ses_webhook_from_our_topic_and_signed_gives_its_events(
    certificates: SnsCertificates,
) -> None:
    settings = Settings(ses_sns_topic_arns=TOPIC)
    (event,) = await read_webhook("ses", settings, ses_call(SIGNER.sign(delivery())),
                                  certificates)
    assert (event.status, event.reference) == ("delivered", "outbox-42")


async def test_an_ses_webhook_with_the_secret_but_no_signature_is_refused(
    certificates: SnsCertificates,
) -> None:
    settings = Settings(ses_webhook_secret="s3cret")
    with pytest.raises(InvalidSignature):
        await read_webhook("ses", settings, ses_call(delivery(), "s3cret"), certificates)


async def test_a_signed_message_from_another_topic_is_refused_before_any_fetch(
    certificates: SnsCertificates, server: LoopbackHttpServer
) -> None:
    theirs = SIGNER.sign(notification("{}", topic="arn:aws:sns:eu-west-1:999999999999:x"))
    settings = Settings(ses_sns_topic_arns=f"{TOPIC}, arn:aws:sns:us-east-1:123456789012:y")
    with pytest.raises(InvalidSignature, match="topic"):
        await read_webhook("ses", settings, ses_call(theirs), certificates)
    assert server.received == []


async def test_a_signed_subscription_confirmation_from_our_topic_is_confirmed(
    certificates: SnsCertificates, server: LoopbackHttpServer
) -> None:
    settings = Settings(ses_sns_topic_arns=TOPIC)
    signed = SIGNER.sign(subscription_confirmation())
    with structlog.testing.capture_logs() as logs:
        assert await read_webhook("ses", settings, ses_call(signed), certificates) == []
    (line,) = logs
    assert (line["topic_arn"], line["confirmed"]) == (TOPIC, True)
    assert "2336412f37" not in repr(line)  # the token confirms: it is not logged
    (confirmation,) = [r for r in server.received if r.path == "/"]
    assert confirmation.query["Action"] == "ConfirmSubscription"
    assert confirmation.query["Token"] == "2336412f37"


async def test_an_unsigned_subscription_confirmation_is_refused_and_not_followed(
    certificates: SnsCertificates, server: LoopbackHttpServer
) -> None:
    settings = Settings(ses_sns_topic_arns=TOPIC)
    forged = SnsSigner.new().sign(subscription_confirmation())
    with pytest.raises(InvalidSignature):
        await read_webhook("ses", settings, ses_call(forged), certificates)
    assert [r.path for r in server.received] == [CERT_PATH]  # the certificate, nothing else


@pytest.mark.parametrize("url", [
    "https://evil.example/?Action=ConfirmSubscription&Token=x",
    "http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x",
    "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&Token=x",
    "https://sns.eu-west-1.amazonaws.com/elsewhere?Action=ConfirmSubscription",
])
async def test_a_subscribe_url_off_sns_is_refused_before_any_fetch(
    certificates: SnsCertificates, server: LoopbackHttpServer, url: str
) -> None:
    settings = Settings(ses_sns_topic_arns=TOPIC)
    signed = SIGNER.sign(subscription_confirmation(url))
    with pytest.raises(InvalidSignature, match="SubscribeURL"):
        await read_webhook("ses", settings, ses_call(signed), certificates)
    assert server.received == []
