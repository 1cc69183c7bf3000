"""A letter as the send flow reads it back: plain values, no database types."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StoredLetter:
    id: str
    campaign_id: str
    embassy_id: str
    country: str
    language: str
    partner_id: str | None
    status: str
    sender_name: str | None
    sender_email: str | None
    subject: str | None
    body: str | None
    recipients: tuple[str, ...]
    cc_sender: bool
    message_id: str
    reference: str | None
    reason: str | None
    not_before: datetime | None
    created_at: datetime
    expires_at: datetime
    sent_at: datetime | None

    @property
    def erased(self) -> bool:
        return self.sender_email is None


@dataclass(frozen=True, slots=True)
class Platform:
    """Who sends, and where links point: the settings the e-mails need, nothing more."""

    from_email: str
    from_name: str
    public_url: str
    redirect_all_to: str | None = None

    @property
    def domain(self) -> str:
        return self.from_email.rpartition("@")[2] or "localhost"

    def message_id(self, reference: str) -> str:
        return f"<{reference}@{self.domain}>"

    def status_url(self, letter_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/v1/letters/{letter_id}"

    def confirm_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/v1/letters/confirm?token={token}"

    def pdf_url(self, letter_id: str, token: str) -> str:
        return f"{self.status_url(letter_id)}/pdf?token={token}"
