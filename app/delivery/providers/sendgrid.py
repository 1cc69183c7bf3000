"""SendGrid v3: `POST /v3/mail/send` (202, id in X-Message-Id); the signed Event Webhook.

The event webhook is signed with ECDSA P-256 over timestamp + raw body; the public key
(base64 DER) comes from SendGrid's settings page.
"""

import base64
import binascii
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.delivery.provider import (
    Address,
    DeliveryEvent,
    InvalidSignature,
    MalformedWebhook,
    OutgoingEmail,
    WebhookRequest,
)
from app.delivery.providers.common import as_dict, fresh, load_json, parse_time, text
from app.delivery.providers.transport import (
    HttpProvider,
    RequestOptions,
    bearer,
    json_body,
    raise_for_status,
    required,
)
from app.delivery.redact import redact
from app.settings import Settings

NAME = "sendgrid"
SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature"
TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp"


@dataclass(frozen=True, slots=True)
class SendGridConfig:
    api_key: str
    base_url: str
    timeout: float


class SendGridProvider(HttpProvider[SendGridConfig]):
    name = NAME

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        options: RequestOptions = {"json": payload(email), "headers": bearer(self.config.api_key)}
        return self.url("/v3/mail/send"), options

    def check(self, response: httpx.Response) -> None:
        raise_for_status(NAME, response, _error_text(response), _reset_wait(response))

    def provider_id(self, response: httpx.Response) -> str | None:
        return text(response.headers.get("x-message-id"))


def payload(email: OutgoingEmail) -> dict[str, Any]:
    personalization: dict[str, Any] = {"to": [_person(a) for a in email.to]}
    if email.cc:
        personalization["cc"] = [_person(a) for a in email.cc]
    # text/plain must come first or SendGrid answers 400.
    content = [{"type": "text/plain", "value": email.text}]
    if email.html is not None:
        content.append({"type": "text/html", "value": email.html})
    custom_args = {"message_id": email.message_id}
    if email.reference is not None:
        custom_args["reference"] = email.reference
    body: dict[str, Any] = {
        "personalizations": [personalization],
        "from": _person(email.sender),
        "subject": email.subject,
        "content": content,
        "headers": {"Message-ID": email.message_id, **dict(email.headers)},
        "custom_args": custom_args,
    }
    if email.reply_to is not None:
        body["reply_to"] = _person(email.reply_to)  # Reply-To is refused inside `headers`
    return body


def _person(address: Address) -> dict[str, str]:
    return (
        {"email": address.email, "name": address.name} if address.name else {"email": address.email}
    )


def _error_text(response: httpx.Response) -> str:
    errors = json_body(response).get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        field, message = errors[0].get("field"), errors[0].get("message")
        return " ".join(str(p) for p in (field, message) if p)
    return ""


def _reset_wait(response: httpx.Response) -> float | None:
    """SendGrid documents no Retry-After; X-RateLimit-Reset is the Unix time it lifts."""
    reset = response.headers.get("x-ratelimit-reset", "")
    return max(0.0, int(reset) - time.time()) if reset.isdigit() else None


def make(settings: Settings, http: httpx.AsyncClient) -> SendGridProvider:
    api_key = required(settings.sendgrid_api_key, "LETTERS_SENDGRID_API_KEY")
    config = SendGridConfig(api_key, settings.sendgrid_base_url, settings.provider_timeout)
    return SendGridProvider(config, http)


def parse_webhook(settings: Settings, request: WebhookRequest) -> list[DeliveryEvent]:
    """The delivery events in one signed batch; engagement and deferrals are skipped."""
    verify(settings.sendgrid_webhook_public_key, request, time.time())
    batch = load_json(request.body)
    if not isinstance(batch, list):
        raise MalformedWebhook("a SendGrid webhook body is a JSON array")
    return [e for e in (_event(as_dict(item)) for item in batch) if e is not None]


def verify(public_key: str | None, request: WebhookRequest, now: float) -> None:
    if not public_key:
        raise InvalidSignature("sendgrid webhook public key is not configured")
    timestamp = request.header(TIMESTAMP_HEADER)
    fresh(timestamp, now)
    # Imported here: `cryptography` is ~8 MiB resident, needed only where SendGrid's key is set.
    from cryptography.exceptions import InvalidSignature as BadEcdsaSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(base64.b64decode(public_key))
        signature = base64.b64decode(request.header(SIGNATURE_HEADER) or "", validate=True)
    except (ValueError, binascii.Error) as error:
        raise InvalidSignature("sendgrid signature or key is malformed") from error
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise InvalidSignature("sendgrid webhook key is not an EC key")
    try:
        key.verify(signature, f"{timestamp}".encode() + request.body, ec.ECDSA(hashes.SHA256()))
    except BadEcdsaSignature as error:
        raise InvalidSignature("sendgrid signature does not verify") from error


def _event(item: dict[str, Any]) -> DeliveryEvent | None:
    kind = item.get("event")
    sg_id = text(item.get("sg_message_id"))
    common: dict[str, Any] = {
        # Events name `<X-Message-Id>.filter…`; the part before the first dot is ours.
        "provider_message_id": sg_id.split(".", 1)[0] if sg_id else None,
        "reference": text(item.get("reference")),
        "recipient": text(item.get("email")),
        "at": parse_time(item.get("timestamp")),
    }
    if kind == "delivered":
        return DeliveryEvent(status="delivered", reason=None, **common)
    if kind == "bounce":
        # "blocked" rejects the sender (IP, content), not the address.
        permanent = item.get("type", "bounce") == "bounce"
        reason = " ".join(str(item[k]) for k in ("status", "reason") if item.get(k))
        return DeliveryEvent(
            status="bounced", reason=redact(reason) or "bounce", permanent=permanent, **common
        )
    if kind == "dropped":
        reason = redact(text(item.get("reason")) or "dropped")
        return DeliveryEvent(status="failed", reason=reason, **common)
    if kind == "spamreport":
        return DeliveryEvent(status="complained", reason="spam report", **common)
    return None
