"""The shapes of sending through the platform, as the contract names them."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.directory.models import Embassy
from app.letters.schemas import COMPOSE_EXAMPLE, ComposeRequest, Sender

LetterStatus = Literal[
    "awaiting_confirmation", "queued", "sending", "sent", "delivered", "bounced",
    "failed", "expired", "erased",
]
EXAMPLE_ID = "q3Vh0cJtW5m1nS8dZpA2xg"
SEND_EXAMPLE: dict[str, Any] = COMPOSE_EXAMPLE | {"consent": True, "cc_sender": True}


class SendSender(Sender):
    email: EmailStr = Field(
        examples=["jane@example.org"],
        description="Required to send: the confirmation link goes here, and it is the "
        "letter's Reply-To.",
    )


class SendRequest(ComposeRequest):
    """The compose body, the person's consent, and their e-mail address."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SEND_EXAMPLE]})

    sender: SendSender
    consent: bool = Field(
        examples=[True],
        description="Must be true: the person asks the platform to send this letter for "
        "them, from the platform's address with theirs as Reply-To.",
        # The document says what the validator below enforces (false is a 422).
        json_schema_extra={"const": True},
    )
    cc_sender: bool = Field(
        False, examples=[True], description="Send the person a copy (Cc) of the letter."
    )

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("must be true: the platform sends a letter only when asked to")
        return value


class SendAccepted(BaseModel):
    id: str = Field(examples=[EXAMPLE_ID], description="The letter's id (unguessable).")
    status: LetterStatus = Field(
        examples=["awaiting_confirmation"], description="Where the letter stands now."
    )
    status_url: str = Field(
        examples=[f"http://localhost:8000/v1/letters/{EXAMPLE_ID}"],
        description="GET it for the status, DELETE it to erase the person's data.",
    )
    expires_at: datetime = Field(
        examples=["2026-12-03T10:00:00Z"],
        description="Unconfirmed by then, the letter and the person's data are erased.",
    )


class ConfirmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(
        min_length=1, max_length=200, examples=["Xc2p9..."],
        description="The token from the link in the confirmation e-mail.",
    )


class LetterEvent(BaseModel):
    status: LetterStatus = Field(examples=["queued"], description="The status entered.")
    at: datetime = Field(examples=["2026-12-01T10:02:11Z"], description="When (UTC).")


class LetterState(BaseModel):
    id: str = Field(examples=[EXAMPLE_ID], description="The letter's id.")
    status: LetterStatus = Field(examples=["sent"], description="Where the letter stands now.")
    events: list[LetterEvent] = Field(
        examples=[[{"status": "awaiting_confirmation", "at": "2026-12-01T10:00:00Z"}]],
        description="Every status the letter went through, oldest first.",
    )
    embassy: Embassy | None = Field(
        description="The mission the letter is addressed to (null once erased)."
    )
    not_before: datetime | None = Field(
        None, examples=["2026-12-02T08:00:00Z"],
        description="Queued but held back by the embassy's pacing until this moment.",
    )
    reason: str | None = Field(
        None, examples=["smtp 550: mailbox unavailable"],
        description="Why a letter failed or bounced (never personal data).",
    )
    expires_at: datetime | None = Field(
        None, examples=["2026-12-03T10:00:00Z"],
        description="While awaiting confirmation: when the letter expires.",
    )


class ConfirmAnswer(BaseModel):
    id: str = Field(examples=[EXAMPLE_ID], description="The letter confirmed.")
    status: LetterStatus = Field(examples=["queued"], description="Its status now.")
    status_url: str = Field(
        examples=[f"http://localhost:8000/v1/letters/{EXAMPLE_ID}"],
        description="Where to follow it.",
    )


class CampaignStats(BaseModel):
    composed: int = Field(examples=[1520], description="Letters composed (not stored).")
    reported: int = Field(examples=[640], description="Letters people say they sent themselves.")
    sent: int = Field(examples=[310], description="Letters the platform handed to its provider.")
    delivered: int = Field(examples=[295], description="Letters the provider says arrived.")
    by_country: dict[str, int] = Field(
        examples=[{"DE": 12, "FR": 7}],
        description="Letters sent or reported, by the embassy's host country.",
    )
