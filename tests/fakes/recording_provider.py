"""An honest in-test provider: implements the Provider protocol, keeps every e-mail it
accepted, and fails on demand the way real adapters do (Transient / Permanent)."""

import asyncio
from dataclasses import dataclass, field

from app.delivery.provider import Accepted, OutgoingEmail, SendError


@dataclass
class RecordingProvider:
    name: str = "recording"
    sent: list[OutgoingEmail] = field(default_factory=list)
    failures: list[SendError] = field(default_factory=list)  # raised in order, then accepts
    delay: float = 0.0
    closed: bool = False

    async def send(self, email: OutgoingEmail) -> Accepted:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(email)
        return Accepted(provider_message_id=f"rec-{len(self.sent)}-{email.reference}")

    async def aclose(self) -> None:
        self.closed = True

    def to(self, address: str) -> list[OutgoingEmail]:
        return [e for e in self.sent if any(a.email == address for a in e.to)]
