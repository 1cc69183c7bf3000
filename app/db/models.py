"""The tables of sending through the platform.

Personal data (name, e-mail, letter text, recipients) lives only in the `letters` columns
marked PERSONAL; erasing a letter nulls exactly those. Everything else is bookkeeping.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime

Timestamp = UtcDateTime()


class LetterRow(Base):
    __tablename__ = "letters"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(100), index=True)
    embassy_id: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8))
    partner_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), index=True)
    # PERSONAL: nulled on erasure, expiry and after the retention period.
    sender_name: Mapped[str | None] = mapped_column(Text)
    sender_email: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str | None] = mapped_column(Text)  # JSON list of embassy addresses
    cc_sender: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The notice's link to this letter's PDF: only its hash; the raw token is in the
    # notice's outbox row until the provider takes it, then only in the person's inbox.
    pdf_token_hash: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(255))
    # Our correlation id for the letter e-mail, handed to providers (never the letter id,
    # which is the secret of the status URL); webhooks find the letter by it.
    reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    provider: Mapped[str | None] = mapped_column(String(32))
    provider_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # never personal: a code and a phrase
    not_before: Mapped[datetime | None] = mapped_column(Timestamp)
    # The UTC day this letter holds a slot of its embassy addresses' daily budget: a retry
    # or a claim after a crash that day takes no second one; a failure gives it back.
    budget_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    expires_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp, index=True)
    erased_at: Mapped[datetime | None] = mapped_column(Timestamp)


class LetterEventRow(Base):
    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    letter_id: Mapped[str] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(Timestamp)


class OutboxRow(Base):
    """One e-mail to send: written in the transaction that makes it due, deleted when done."""

    __tablename__ = "outbox"
    # Ids are never reused (SQLite reuses the highest rowid without AUTOINCREMENT): a
    # worker's late write by id (acceptance, done) must not land on a newer row.
    __table_args__ = (
        Index("ix_outbox_due", "due_at", "lease_expires_at"), {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    letter_id: Mapped[str] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # confirmation | letter | notice
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    # The confirmation link's token, kept only until that e-mail is accepted (then the row
    # goes); the letter keeps only its hash.
    secret: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    # The provider's acceptance, written in one statement the moment its answer comes (the
    # letter's bookkeeping follows in its own transaction): a row claimed with these set is
    # finished, never sent again.
    accepted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    accepted_by: Mapped[str | None] = mapped_column(String(32))
    provider_message_id: Mapped[str | None] = mapped_column(String(255))


class IdempotencyRow(Base):
    """A client's Idempotency-Key: the hash of the body it came with and the first answer."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # the partner, or ""
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    letter_id: Mapped[str] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(Text)  # JSON; ids and times only
    created_at: Mapped[datetime] = mapped_column(Timestamp)


class AddressHealthRow(Base):
    """Bounces seen per embassy address, shown by `embassies check`."""

    __tablename__ = "address_health"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    embassy_id: Mapped[str | None] = mapped_column(String(100))
    bounces: Mapped[int] = mapped_column(Integer, default=0)
    last_bounce_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_reason: Mapped[str | None] = mapped_column(Text)


class EmbassySendRow(Base):
    """Letters handed to the provider per embassy address per UTC day (the pacing budget)."""

    __tablename__ = "embassy_sends"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class CounterRow(Base):
    """Public counters: all that is left of a letter once its data is gone."""

    __tablename__ = "counters"

    campaign_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)  # "" when unknown
    partner_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" for none
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    composed: Mapped[int] = mapped_column(Integer, default=0)
    reported: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
