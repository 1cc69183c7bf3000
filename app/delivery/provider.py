"""The one small interface every e-mail provider adapter implements.

Adapters split failures into transient (the worker retries, honouring `retry_after`) and
permanent (the letter fails with the reason). Nothing else may escape `send`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from app.errors import AppError


@dataclass(frozen=True, slots=True)
class Address:
    email: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One message, provider-neutral. `message_id` is ours (RFC 5322 form, with <>)."""

    sender: Address
    to: tuple[Address, ...]
    subject: str
    text: str
    message_id: str
    date: datetime
    reply_to: Address | None = None
    cc: tuple[Address, ...] = ()
    html: str | None = None
    # Our own correlation id (the outbox entry), sent where a provider has metadata/tags,
    # so webhooks can be matched even before the provider's id is stored.
    reference: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Accepted:
    """The provider took the message; its id is how its webhooks will name it."""

    provider_message_id: str


class SendError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientSendError(SendError):
    """Try again later: 429, 5xx, 4xx SMTP replies, timeouts, resets."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Never try again: a rejected recipient, a malformed message, bad credentials."""


class Provider(Protocol):
    name: str

    async def send(self, email: OutgoingEmail) -> Accepted: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class SentLookup(Protocol):
    """A provider that can tell whether it already has a message, found by our Message-ID.

    An attempt whose answer never came (a timeout, a reset, a worker killed mid-send) may
    have reached the provider; the worker asks before any second attempt, and records what
    is found instead of sending it again. None: the provider has no such message."""

    async def find(self, email: OutgoingEmail) -> Accepted | None: ...


EventStatus = Literal["delivered", "bounced", "failed", "complained"]


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """What a provider's webhook tells about one message."""

    provider_message_id: str | None
    reference: str | None
    status: EventStatus
    recipient: str | None
    reason: str | None
    at: datetime | None
    permanent: bool = True


class InvalidSignature(Exception):
    """A webhook request whose signature does not verify: answered 401, never processed."""


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """A webhook call as the router received it; `headers` keys are lower-case.

    The body stays raw bytes because every signature is computed over the exact bytes sent.
    """

    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes

    @classmethod
    def of(
        cls, headers: Mapping[str, str], query: Mapping[str, str], body: bytes
    ) -> "WebhookRequest":
        """Build one from any header mapping, lower-casing the names."""
        return cls({k.lower(): v for k, v in headers.items()}, dict(query), body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class MalformedWebhook(AppError):
    """A webhook that verified but whose body is not the provider's documented shape."""

    status = 400
    type = "/problems/webhook-malformed"
    title = "The webhook body is not understood"


class ProviderNotConfigured(ValueError):
    """The chosen provider lacks a credential: refused at startup, not at the first letter."""
