"""SES v2: raw MIME over a SigV4-signed POST; events through SNS with a shared URL secret."""

import base64
import json
from collections.abc import Iterator
from email import message_from_bytes, policy

import httpx
import pytest

from app.delivery.provider import (
    InvalidSignature,
    MalformedWebhook,
    TransientSendError,
    WebhookRequest,
)
from app.delivery.providers.ses import SesConfig, SesProvider, make, parse_webhook
from app.delivery.providers.sigv4 import AwsCredentials
from app.settings import Settings
from tests.fakes.provider_servers import SesServer

from .factory import letter


@pytest.fixture(scope="module")
def fake() -> Iterator[SesServer]:
    with SesServer(access_key_id="AKIDTEST", secret_access_key="s3cr3t/KEY") as running:
        yield running


def adapter(fake: SesServer, http: httpx.AsyncClient, config_set: str | None) -> SesProvider:
    credentials = AwsCredentials("AKIDTEST", "s3cr3t/KEY", "eu-west-1", "ses")
    return SesProvider(SesConfig(credentials, fake.url, 10.0, config_set), http)


async def test_sends_raw_mime_signed(fake: SesServer, http: httpx.AsyncClient) -> None:
    accepted = await adapter(fake, http, "letters").send(letter())
    request = fake.accepted[-1]
    body = request.json()
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
    assert "/eu-west-1/ses/aws4_request" in request.headers["authorization"]
    assert accepted.provider_message_id.startswith("0102")
    assert body["ConfigurationSetName"] == "letters"
    assert body["EmailTags"] == [{"Name": "reference", "Value": "outbox-42"}]
    raw = message_from_bytes(
        base64.b64decode(body["Content"]["Raw"]["Data"]), policy=policy.default
    )
    assert raw["Message-ID"] == "<0f3a9c.letter@platform.example>"
    assert raw["Subject"] == "Обращение в защиту политзаключённого"


async def test_configuration_set_is_optional(fake: SesServer, http: httpx.AsyncClient) -> None:
    await adapter(fake, http, None).send(letter(reference=None))
    body = fake.accepted[-1].json()
    assert "ConfigurationSetName" not in body and "EmailTags" not in body


async def test_default_endpoint_is_regional() -> None:
    settings = Settings(
        email_provider="ses",
        ses_access_key_id="AKID",
        ses_secret_access_key="x",
        ses_region="eu-central-1",
    )
    async with httpx.AsyncClient() as http:
        provider = make(settings, http)
    assert provider.config.base_url == "https://email.eu-central-1.amazonaws.com"


# SNS webhooks

HOOK = Settings(ses_webhook_secret="sns-url-secret")


def sns(kind: str, message: dict[str, object] | None = None) -> bytes:
    envelope: dict[str, object] = {
        "Type": kind,
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:letters-events",
        "Timestamp": "2026-12-01T07:01:00.000Z",
        "SignatureVersion": "2",
    }
    if kind == "SubscriptionConfirmation":
        envelope["SubscribeURL"] = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
        envelope["Token"] = "2336412f37"
        envelope["Message"] = "You have chosen to subscribe to the topic"
    else:
        envelope["Message"] = json.dumps(message)
    return json.dumps(envelope).encode()


def call(body: bytes, secret: str | None = "sns-url-secret") -> WebhookRequest:
    query = {"secret": secret} if secret is not None else {}
    return WebhookRequest.of({"x-amz-sns-message-type": "Notification"}, query, body)


MAIL = {
    "timestamp": "2026-12-01T07:00:00.000Z",
    "messageId": "0102018f-ses-id-000000",
    "source": "letters@platform.example",
    "destination": ["consulate@embassy.example"],
    "tags": {"reference": ["outbox-42"]},
}


def test_bounce_notification_per_recipient() -> None:
    message = {
        "notificationType": "Bounce",
        "mail": MAIL,
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "timestamp": "2026-12-01T07:00:30.000Z",
            "bouncedRecipients": [
                {
                    "emailAddress": "consulate@embassy.example",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 <consulate@embassy.example> unknown",
                },
                {"emailAddress": "second@embassy.example"},
            ],
        },
    }
    first, second = parse_webhook(HOOK, call(sns("Notification", message)))
    assert first.status == "bounced" and first.permanent
    assert first.provider_message_id == "0102018f-ses-id-000000"
    assert first.reference == "outbox-42"
    assert first.recipient == "consulate@embassy.example"
    assert first.reason == "Permanent General smtp; 550 5.1.1 [address] unknown"
    assert second.recipient == "second@embassy.example"


def test_transient_bounce_delivery_and_complaint() -> None:
    transient = {
        "notificationType": "Bounce",
        "mail": MAIL,
        "bounce": {
            "bounceType": "Transient",
            "bounceSubType": "MailboxFull",
            "bouncedRecipients": [{"emailAddress": "consulate@embassy.example"}],
        },
    }
    (soft,) = parse_webhook(HOOK, call(sns("Notification", transient)))
    assert soft.status == "bounced" and not soft.permanent
    delivery = {
        "eventType": "Delivery",
        "mail": MAIL,
        "delivery": {
            "timestamp": "2026-12-01T07:00:05.000Z",
            "recipients": ["consulate@embassy.example"],
        },
    }
    (delivered,) = parse_webhook(HOOK, call(sns("Notification", delivery)))
    assert delivered.status == "delivered" and delivered.at is not None
    complaint = {
        "notificationType": "Complaint",
        "mail": MAIL,
        "complaint": {"complainedRecipients": [{"emailAddress": "consulate@embassy.example"}]},
    }
    (complained,) = parse_webhook(HOOK, call(sns("Notification", complaint)))
    assert complained.status == "complained"


def test_a_subscription_confirmation_carries_no_events() -> None:
    """Its confirming (after its signature) is tested with SNS's side in test_sns.py."""
    assert parse_webhook(HOOK, call(sns("SubscriptionConfirmation"))) == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_wrong_or_missing_secret_is_refused(secret: str | None) -> None:
    with pytest.raises(InvalidSignature):
        parse_webhook(HOOK, call(sns("SubscriptionConfirmation"), secret=secret))


def test_unconfigured_secret_refuses_everything() -> None:
    with pytest.raises(InvalidSignature, match="not configured"):
        parse_webhook(Settings(), call(sns("SubscriptionConfirmation"), secret=""))


def test_notification_with_a_message_that_is_not_json() -> None:
    body = json.dumps({"Type": "Notification", "Message": "not json"}).encode()
    with pytest.raises(MalformedWebhook):
        parse_webhook(HOOK, call(body))


async def test_throttling_sent_as_a_400_is_transient(
    fake: SesServer, http: httpx.AsyncClient
) -> None:
    fake.behaviour.answer = "rate_limited"
    fake.throttle_status = 400
    try:
        with pytest.raises(TransientSendError, match="ses 400: LimitExceededException"):
            await adapter(fake, http, None).send(letter())
    finally:
        fake.behaviour.answer, fake.throttle_status = "ok", 429
