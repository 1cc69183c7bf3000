"""Mailgun: `POST /v3/{domain}/messages` (form fields, Basic api:key); HMAC-signed webhooks.

The webhook signature is in the body: hex HMAC-SHA256 of timestamp + token with the
domain's webhook signing key.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.delivery.provider import (
    DeliveryEvent,
    InvalidSignature,
    OutgoingEmail,
    ProviderNotConfigured,
    WebhookRequest,
)
from app.delivery.providers.common import as_dict, display, fresh, load_json, parse_time, text
from app.delivery.providers.transport import HttpProvider, RequestOptions
from app.delivery.redact import redact
from app.settings import Settings

NAME = "mailgun"


@dataclass(frozen=True, slots=True)
class MailgunConfig:
    api_key: str
    domain: str
    base_url: str
    timeout: float


class MailgunProvider(HttpProvider[MailgunConfig]):
    name = NAME

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        url = self.url(f"/v3/{self.config.domain}/messages")
        return url, {"data": form(email), "auth": ("api", self.config.api_key)}

    def provider_id(self, response: httpx.Response) -> str | None:
        # Events name the message by this id without its angle brackets.
        provider_id = super().provider_id(response)
        return provider_id.strip("<>") if provider_id else None


def form(email: OutgoingEmail) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "from": display(email.sender),
        "to": [display(a) for a in email.to],
        "subject": email.subject,
        "text": email.text,
        "h:Message-Id": email.message_id,
        "v:message_id": email.message_id,
    }
    if email.cc:
        fields["cc"] = [display(a) for a in email.cc]
    if email.reply_to is not None:
        fields["h:Reply-To"] = display(email.reply_to)
    if email.html is not None:
        fields["html"] = email.html
    if email.reference is not None:
        fields["v:reference"] = email.reference
    for name, value in email.headers:
        fields[f"h:{name}"] = value
    return fields


def make(settings: Settings, http: httpx.AsyncClient) -> MailgunProvider:
    if settings.mailgun_api_key is None or not settings.mailgun_domain:
        raise ProviderNotConfigured("LETTERS_MAILGUN_API_KEY and LETTERS_MAILGUN_DOMAIN are needed")
    config = MailgunConfig(
        settings.mailgun_api_key.get_secret_value(),
        settings.mailgun_domain,
        settings.mailgun_base_url,
        settings.provider_timeout,
    )
    return MailgunProvider(config, http)


def parse_webhook(settings: Settings, request: WebhookRequest) -> list[DeliveryEvent]:
    """One Mailgun event (`{"signature": …, "event-data": …}`) after the HMAC check."""
    body = as_dict(load_json(request.body))
    key = settings.mailgun_webhook_signing_key
    verify(key.get_secret_value() if key else None, as_dict(body.get("signature")), time.time())
    event = _event(as_dict(body.get("event-data")))
    return [event] if event is not None else []


def verify(signing_key: str | None, signature: dict[str, Any], now: float) -> None:
    if not signing_key:
        raise InvalidSignature("mailgun webhook signing key is not configured")
    timestamp, token = text(signature.get("timestamp")), text(signature.get("token"))
    given = text(signature.get("signature"))
    if token is None or given is None:
        raise InvalidSignature("mailgun webhook without a signature")
    fresh(timestamp, now)
    expected = hmac.new(
        signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, given.lower()):
        raise InvalidSignature("mailgun signature does not verify")


def _event(data: dict[str, Any]) -> DeliveryEvent | None:
    kind = data.get("event")
    headers = as_dict(as_dict(data.get("message")).get("headers"))
    common: dict[str, Any] = {
        "provider_message_id": text(headers.get("message-id")),
        "reference": text(as_dict(data.get("user-variables")).get("reference")),
        "recipient": text(data.get("recipient")),
        "at": parse_time(data.get("timestamp")),
    }
    if kind == "delivered":
        return DeliveryEvent(status="delivered", reason=None, **common)
    if kind == "complained":
        return DeliveryEvent(status="complained", reason="spam complaint", **common)
    # A temporary failure is Mailgun still retrying: nothing final to record yet.
    if kind == "failed" and data.get("severity") == "permanent":
        return DeliveryEvent(status="bounced", reason=_reason(data), permanent=True, **common)
    return None


def _reason(data: dict[str, Any]) -> str:
    status = as_dict(data.get("delivery-status"))
    parts = [
        data.get("reason"),
        status.get("code"),
        status.get("description") or status.get("message"),
    ]
    return redact(" ".join(str(p) for p in parts if p)) or "failed"
