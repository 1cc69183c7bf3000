"""Resend: `POST /emails` (Bearer key, Idempotency-Key); webhooks signed the Svix way.

Resend is the one provider with send idempotency: a retry after a lost answer carries the
same key, so the letter is not sent twice within 24 hours.
"""

import base64
import binascii
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.delivery.provider import DeliveryEvent, InvalidSignature, OutgoingEmail, WebhookRequest
from app.delivery.providers.common import (
    as_dict,
    display,
    fresh,
    load_json,
    parse_time,
    tag_value,
    text,
)
from app.delivery.providers.transport import HttpProvider, RequestOptions, bearer, required
from app.delivery.redact import redact
from app.settings import Settings

NAME = "resend"


@dataclass(frozen=True, slots=True)
class ResendConfig:
    api_key: str
    base_url: str
    timeout: float


class ResendProvider(HttpProvider[ResendConfig]):
    name = NAME
    error_keys = ("name", "message")

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        headers = {
            **bearer(self.config.api_key),
            "Idempotency-Key": f"letter/{email.message_id.strip('<>')}"[:256],
        }
        return self.url("/emails"), {"json": payload(email), "headers": headers}


def payload(email: OutgoingEmail) -> dict[str, Any]:
    tags = [{"name": "message_id", "value": tag_value(email.message_id.strip("<>"))}]
    if email.reference is not None:
        tags.append({"name": "reference", "value": tag_value(email.reference)})
    body: dict[str, Any] = {
        "from": display(email.sender),
        "to": [display(a) for a in email.to],
        "subject": email.subject,
        "text": email.text,
        "headers": {"Message-ID": email.message_id, **dict(email.headers)},
        "tags": tags,
    }
    if email.cc:
        body["cc"] = [display(a) for a in email.cc]
    if email.reply_to is not None:
        body["reply_to"] = display(email.reply_to)
    if email.html is not None:
        body["html"] = email.html
    return body


def make(settings: Settings, http: httpx.AsyncClient) -> ResendProvider:
    api_key = required(settings.resend_api_key, "LETTERS_RESEND_API_KEY")
    config = ResendConfig(api_key, settings.resend_base_url, settings.provider_timeout)
    return ResendProvider(config, http)


def parse_webhook(settings: Settings, request: WebhookRequest) -> list[DeliveryEvent]:
    """One Resend event after the Svix signature check."""
    secret = settings.resend_webhook_secret
    verify(secret.get_secret_value() if secret else None, request, time.time())
    event = _event(as_dict(load_json(request.body)))
    return [event] if event is not None else []


def verify(secret: str | None, request: WebhookRequest, now: float) -> None:
    """Svix: v1 = base64 HMAC-SHA256 of `id.timestamp.body`, key = base64 after `whsec_`."""
    if not secret:
        raise InvalidSignature("resend webhook secret is not configured")
    message_id, timestamp = request.header("svix-id"), request.header("svix-timestamp")
    if not message_id:
        raise InvalidSignature("resend webhook without svix-id")
    fresh(timestamp, now)
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error as error:
        raise InvalidSignature("resend webhook secret is not base64") from error
    signed = f"{message_id}.{timestamp}.".encode() + request.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # Several signatures may be sent while a secret is being rotated; one match is enough.
    given = [part.partition(",") for part in (request.header("svix-signature") or "").split()]
    if not any(v == "v1" and hmac.compare_digest(sig, expected) for v, _, sig in given):
        raise InvalidSignature("resend signature does not verify")


def _event(envelope: dict[str, Any]) -> DeliveryEvent | None:
    kind = envelope.get("type")
    data = as_dict(envelope.get("data"))
    recipients = data.get("to")
    common: dict[str, Any] = {
        "provider_message_id": text(data.get("email_id")),
        "reference": _tag(data.get("tags"), "reference"),
        "recipient": text(recipients[0]) if isinstance(recipients, list) and recipients else None,
        "at": parse_time(envelope.get("created_at")),
    }
    if kind == "email.delivered":
        return DeliveryEvent(status="delivered", reason=None, **common)
    if kind == "email.bounced":
        bounce = as_dict(data.get("bounce"))
        bounce_type = text(bounce.get("type")) or "Undetermined"
        reason = redact(f"{bounce_type} {text(bounce.get('message')) or ''}")
        return DeliveryEvent(
            status="bounced", reason=reason, permanent=bounce_type == "Permanent", **common
        )
    if kind == "email.complained":
        return DeliveryEvent(status="complained", reason="spam complaint", **common)
    if kind == "email.failed":
        reason = redact(text(as_dict(data.get("failed")).get("reason")) or "failed")
        return DeliveryEvent(status="failed", reason=reason, **common)
    return None


def _tag(tags: Any, name: str) -> str | None:
    """Tags arrive as an object or as a list of {name, value}; both are read."""
    if isinstance(tags, dict):
        return text(tags.get(name))
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, dict) and tag.get("name") == name:
                return text(tag.get("value"))
    return None
