"""Amazon SES v2: `POST /v2/email/outbound-emails` with raw MIME, signed with SigV4.

Events arrive through SNS over HTTPS. Every message's SNS signature is checked (sns.py), and
since any AWS account's topic can be signed by SNS, the message must also come from one of
`LETTERS_SES_SNS_TOPIC_ARNS` or carry the subscription URL's shared secret (`?secret=…`,
compared in constant time), whichever are set. A subscription confirmation that passes
both is confirmed by visiting its `SubscribeURL` (an SNS host's, or it is refused).
"""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from app.delivery.mime import to_mime
from app.delivery.provider import (
    DeliveryEvent,
    InvalidSignature,
    MalformedWebhook,
    OutgoingEmail,
    ProviderNotConfigured,
    TransientSendError,
    WebhookRequest,
)
from app.delivery.providers.common import (
    as_dict,
    as_list,
    display,
    load_json,
    parse_time,
    same_secret,
    tag_value,
    text,
)
from app.delivery.providers.sigv4 import AwsCredentials, signed_headers
from app.delivery.providers.sns import SnsCertificates, subscribe_url
from app.delivery.providers.transport import (
    HttpProvider,
    RequestOptions,
    first_text,
    json_body,
    parse_retry_after,
    raise_for_status,
)
from app.delivery.redact import redact
from app.settings import Settings

NAME = "ses"
log = structlog.get_logger(__name__)
# Error types that mean "slow down", whatever status they come with.
THROTTLED = ("TooManyRequests", "Throttling", "LimitExceeded")


@dataclass(frozen=True, slots=True)
class SesConfig:
    credentials: AwsCredentials
    base_url: str
    timeout: float
    configuration_set: str | None = None


class SesProvider(HttpProvider[SesConfig]):
    name = NAME
    id_key = "MessageId"

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        url = self.url("/v2/email/outbound-emails")
        body = json.dumps(self.payload(email)).encode()
        headers = signed_headers(
            "POST",
            url,
            body,
            self.config.credentials,
            datetime.now(UTC),
            {"Content-Type": "application/json"},
        )
        return url, {"content": body, "headers": headers}

    def check(self, response: httpx.Response) -> None:
        kind = response.headers.get("x-amzn-errortype", "").partition(":")[0]
        detail = " ".join(p for p in (kind, first_text(json_body(response), ("message",))) if p)
        if kind.startswith(THROTTLED) and response.status_code < 500:
            # Quota and rate errors may come as a 400; AWS advises waiting, then retrying.
            wait = parse_retry_after(response.headers.get("retry-after"))
            raise TransientSendError(f"{NAME} {response.status_code}: {redact(detail)}", wait)
        raise_for_status(NAME, response, detail)

    def payload(self, email: OutgoingEmail) -> dict[str, Any]:
        raw = base64.b64encode(to_mime(email).as_bytes()).decode("ascii")
        destination: dict[str, list[str]] = {"ToAddresses": [display(a) for a in email.to]}
        if email.cc:
            destination["CcAddresses"] = [display(a) for a in email.cc]
        body: dict[str, Any] = {
            "FromEmailAddress": display(email.sender),
            "Destination": destination,
            "Content": {"Raw": {"Data": raw}},
        }
        if email.reference is not None:
            body["EmailTags"] = [{"Name": "reference", "Value": tag_value(email.reference)}]
        if self.config.configuration_set:
            body["ConfigurationSetName"] = self.config.configuration_set
        return body


def make(settings: Settings, http: httpx.AsyncClient) -> SesProvider:
    if not settings.ses_access_key_id or settings.ses_secret_access_key is None:
        raise ProviderNotConfigured("LETTERS_SES_ACCESS_KEY_ID and _SECRET_ACCESS_KEY are needed")
    credentials = AwsCredentials(
        settings.ses_access_key_id,
        settings.ses_secret_access_key.get_secret_value(),
        settings.ses_region,
        "ses",
    )
    base_url = settings.ses_base_url or f"https://email.{settings.ses_region}.amazonaws.com"
    config = SesConfig(
        credentials, base_url, settings.provider_timeout, settings.ses_configuration_set
    )
    return SesProvider(config, http)


def parse_webhook(settings: Settings, request: WebhookRequest) -> list[DeliveryEvent]:
    """One SNS message from our topic: a confirmation is acknowledged, a notification parsed
    for its events. Its SNS signature is for `verify_signature` (it needs a fetch)."""
    _check_secret(settings, request)  # before the body is read, as every provider's check
    envelope = as_dict(load_json(request.body))
    _check_topic(settings, envelope)
    kind = envelope.get("Type")
    if kind == "SubscriptionConfirmation":
        subscribe_url(envelope)  # refused now, before its signature costs a fetch
        return []
    if kind != "Notification":
        return []
    message = text(envelope.get("Message"))
    if message is None:
        raise MalformedWebhook("an SNS notification without a Message")
    return list(_events(as_dict(load_json(message.encode()))))


async def verify_signature(request: WebhookRequest, certificates: SnsCertificates) -> None:
    """InvalidSignature unless SNS signed the message (after `parse_webhook` took it); a
    subscription confirmation that verifies is then confirmed."""
    envelope = as_dict(load_json(request.body))
    await certificates.verify(envelope)
    if envelope.get("Type") == "SubscriptionConfirmation":
        confirmed = await certificates.confirm(envelope)
        log.info("ses_sns_subscription", topic_arn=text(envelope.get("TopicArn")),
                 confirmed=confirmed)


def _check_secret(settings: Settings, request: WebhookRequest) -> None:
    secret = settings.ses_webhook_secret.get_secret_value() if settings.ses_webhook_secret \
        else ""
    if not secret and not settings.ses_sns_topic_arns:
        raise InvalidSignature("ses webhook secret or SNS topics are not configured")
    if secret and not same_secret(request.query.get("secret", ""), secret):
        raise InvalidSignature("ses webhook secret does not match")


def _check_topic(settings: Settings, envelope: dict[str, Any]) -> None:
    topics = settings.ses_sns_topic_arns
    if topics and envelope.get("TopicArn") not in topics:
        raise InvalidSignature("the SNS message is not from a configured topic")


def _events(notification: dict[str, Any]) -> Iterator[DeliveryEvent]:
    kind = notification.get("notificationType") or notification.get("eventType")
    mail = as_dict(notification.get("mail"))
    tags = as_dict(mail.get("tags")).get("reference")
    common: dict[str, Any] = {
        "provider_message_id": text(mail.get("messageId")),
        "reference": text(tags[0]) if isinstance(tags, list) and tags else None,
    }
    if kind == "Delivery":
        delivery = as_dict(notification.get("delivery"))
        at = parse_time(delivery.get("timestamp"))
        for recipient in as_list(delivery.get("recipients")):
            yield DeliveryEvent(
                status="delivered", recipient=text(recipient), reason=None, at=at, **common
            )
    elif kind == "Bounce":
        yield from _bounces(as_dict(notification.get("bounce")), common)
    elif kind == "Complaint":
        complaint = as_dict(notification.get("complaint"))
        at = parse_time(complaint.get("timestamp"))
        for recipient in as_list(complaint.get("complainedRecipients")):
            address = text(as_dict(recipient).get("emailAddress"))
            yield DeliveryEvent(
                status="complained", recipient=address, reason="complaint", at=at, **common
            )
    elif kind == "Reject":
        reason = redact(text(as_dict(notification.get("reject")).get("reason")) or "rejected")
        yield DeliveryEvent(status="failed", recipient=None, reason=reason, at=None, **common)


def _bounces(bounce: dict[str, Any], common: dict[str, Any]) -> Iterator[DeliveryEvent]:
    bounce_type = text(bounce.get("bounceType")) or "Undetermined"
    subtype = text(bounce.get("bounceSubType")) or ""
    at = parse_time(bounce.get("timestamp"))
    for recipient in as_list(bounce.get("bouncedRecipients")):
        item = as_dict(recipient)
        diagnostic = text(item.get("diagnosticCode")) or ""
        yield DeliveryEvent(
            status="bounced",
            recipient=text(item.get("emailAddress")),
            reason=redact(f"{bounce_type} {subtype} {diagnostic}"),
            at=at,
            permanent=bounce_type == "Permanent",
            **common,
        )
