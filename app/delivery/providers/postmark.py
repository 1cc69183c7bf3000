"""Postmark: `POST /email` with the server token; webhooks protected by HTTP Basic auth.

A message is looked up by the Message-ID it carries in its metadata (`find`), so a retry
after an unanswered attempt records it rather than sending it twice.

Postmark signs nothing, so the webhook URL carries a username and password that only
Postmark knows (https://user:pass@host/v1/webhooks/postmark), compared in constant time.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import httpx

from app.delivery.provider import (
    Accepted,
    DeliveryEvent,
    InvalidSignature,
    OutgoingEmail,
    WebhookRequest,
)
from app.delivery.providers.common import (
    as_dict,
    as_list,
    display,
    load_json,
    parse_time,
    same_secret,
    text,
)
from app.delivery.providers.transport import (
    HttpProvider,
    RequestOptions,
    get,
    json_body,
    required,
)
from app.delivery.redact import redact
from app.settings import Settings

NAME = "postmark"
# Bounce types that say the address itself is bad; policy blocks (Blocked, DMARCPolicy)
# and soft ones (SoftBounce, Transient, DnsError) are bounces that do not condemn it.
HARD_BOUNCES = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated"})
# Records filed under Bounce that are not a failed delivery at all.
NOT_BOUNCES = frozenset(
    {"AutoResponder", "Subscribe", "Unsubscribe", "AddressChange", "OpenRelayTest"}
    | {"ChallengeVerification"}
)


@dataclass(frozen=True, slots=True)
class PostmarkConfig:
    server_token: str
    base_url: str
    timeout: float
    message_stream: str = "outbound"


class PostmarkProvider(HttpProvider[PostmarkConfig]):
    name = NAME
    error_keys = ("ErrorCode", "Message")
    id_key = "MessageID"

    def request(self, email: OutgoingEmail) -> tuple[str, RequestOptions]:
        return self.url("/email"), {"json": self.payload(email), "headers": self.headers()}

    async def find(self, email: OutgoingEmail) -> Accepted | None:
        """The message sent with this Message-ID in its metadata, by Postmark's outbound
        message search (`metadata_<key>=<value>`; `count` and `offset` are required)."""
        params: dict[str, str | int] = {
            "count": 1, "offset": 0, "metadata_message_id": email.message_id,
        }
        response = await get(self.http, self.name, self.url("/messages/outbound"),
                             self.config.timeout, params, self.headers())
        self.check(response)
        for message in as_list(json_body(response).get("Messages")):
            found = text(as_dict(message).get("MessageID"))
            if found:
                return Accepted(found)
        return None

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "X-Postmark-Server-Token": self.config.server_token}

    def payload(self, email: OutgoingEmail) -> dict[str, Any]:
        headers = [{"Name": "Message-ID", "Value": email.message_id}]
        headers += [{"Name": name, "Value": value} for name, value in email.headers]
        payload: dict[str, Any] = {
            "From": display(email.sender),
            "To": ", ".join(display(a) for a in email.to),
            "Subject": email.subject,
            "TextBody": email.text,
            "Headers": headers,
            "MessageStream": self.config.message_stream,
            "Metadata": {"message_id": email.message_id},
        }
        if email.cc:
            payload["Cc"] = ", ".join(display(a) for a in email.cc)
        if email.reply_to is not None:
            payload["ReplyTo"] = display(email.reply_to)
        if email.html is not None:
            payload["HtmlBody"] = email.html
        if email.reference is not None:
            payload["Metadata"]["reference"] = email.reference
        return payload


def make(settings: Settings, http: httpx.AsyncClient) -> PostmarkProvider:
    token = required(settings.postmark_server_token, "LETTERS_POSTMARK_SERVER_TOKEN")
    config = PostmarkConfig(token, settings.postmark_base_url, settings.provider_timeout)
    return PostmarkProvider(config, http)


def parse_webhook(settings: Settings, request: WebhookRequest) -> list[DeliveryEvent]:
    """One Postmark record (Delivery, Bounce, SpamComplaint) after the Basic auth check."""
    check_basic_auth(settings, request)
    record = as_dict(load_json(request.body))
    event = _event(record)
    return [event] if event is not None else []


def check_basic_auth(settings: Settings, request: WebhookRequest) -> None:
    username, password = settings.postmark_webhook_username, settings.postmark_webhook_password
    if not username or password is None or not password.get_secret_value():
        raise InvalidSignature("postmark webhook credentials are not configured")
    given_user, given_password = _basic_credentials(request.header("authorization"))
    # Both compared, always, so the timing does not reveal which one was wrong.
    user_ok = same_secret(given_user, username)
    password_ok = same_secret(given_password, password.get_secret_value())
    if not (user_ok and password_ok):
        raise InvalidSignature("postmark webhook credentials do not match")


def _basic_credentials(header: str | None) -> tuple[str, str]:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        raise InvalidSignature("postmark webhook without Basic auth")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise InvalidSignature("postmark webhook with malformed Basic auth") from error
    user, _, password = decoded.partition(":")
    return user, password


def _event(record: dict[str, Any]) -> DeliveryEvent | None:
    kind = record.get("RecordType")
    common: dict[str, Any] = {
        "provider_message_id": text(record.get("MessageID")),
        "reference": text(as_dict(record.get("Metadata")).get("reference")),
    }
    if kind == "Delivery":
        return DeliveryEvent(
            status="delivered",
            recipient=text(record.get("Recipient")),
            reason=None,
            at=parse_time(record.get("DeliveredAt")),
            **common,
        )
    if kind == "SpamComplaint":
        return DeliveryEvent(
            status="complained",
            recipient=text(record.get("Email")),
            reason="spam complaint",
            at=parse_time(record.get("BouncedAt")),
            **common,
        )
    if kind == "Bounce" and text(record.get("Type")) not in NOT_BOUNCES:
        return _bounce(record, common)
    return None


def _bounce(record: dict[str, Any], common: dict[str, Any]) -> DeliveryEvent:
    bounce_type = text(record.get("Type")) or "Unknown"
    description = text(record.get("Description")) or ""
    return DeliveryEvent(
        status="bounced",
        recipient=text(record.get("Email")),
        reason=redact(f"{bounce_type}: {description}".rstrip(": ")),
        at=parse_time(record.get("BouncedAt")),
        permanent=bounce_type in HARD_BOUNCES,
        **common,
    )
