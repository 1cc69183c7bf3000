"""The shapes of the letter endpoints (compose, pdf, reported), as the contract names them."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.directory.models import Embassy

COMPOSE_EXAMPLE: dict[str, Any] = {
    "campaign_id": "navalny-appeal",
    "language": "en",
    "sender": {"name": "Jane Doe", "email": "jane@example.org", "city": "Munich", "country": "DE"},
    "location": {"lat": 48.137, "lon": 11.575},
    "personal_note": "I have followed this case since 2020.",
    "variant": 3,
}


class Sender(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["Jane Doe"])
    email: EmailStr | None = Field(None, examples=["jane@example.org"])
    city: str | None = Field(None, max_length=200, examples=["Munich"])
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", examples=["DE"])
    gender: Literal["feminine", "masculine"] | None = Field(
        None, description="Only for languages whose grammar needs it (Russian); never guessed."
    )


class Coordinates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, examples=[48.137])
    lon: float = Field(ge=-180, le=180, examples=[11.575])


class ComposeRequest(BaseModel):
    """What a person gives to have a letter composed. Only campaign and name are required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [COMPOSE_EXAMPLE]},
    )

    campaign_id: str = Field(max_length=100, examples=["navalny-appeal"])
    language: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", examples=["en"])
    sender: Sender
    location: Coordinates | None = None
    embassy_id: str | None = Field(None, max_length=100, examples=["de-berlin-embassy"])
    personal_note: str | None = Field(None, max_length=4000)
    variant: int | None = Field(None, ge=0, examples=[3])
    subject: str | None = Field(None, max_length=200, description="The person's own subject.")
    body: str | None = Field(None, max_length=8000, description="The person's own letter text.")
    signature: Literal["full", "initials"] = Field(
        "full", description="`initials`: signed with initials and city only."
    )
    bilingual: bool = Field(False, description="Add the Russian text below the letter.")


class Links(BaseModel):
    """One-tap links; each is null where the embassy has no e-mail on file."""

    mailto: str | None = Field(examples=["mailto:info@russische-botschaft.de?subject=...&body=..."])
    gmail: str | None = None
    outlook: str | None = None
    yahoo: str | None = None


class Warning(BaseModel):
    code: str = Field(examples=["link_too_long"])
    message: str
    links: list[str] = Field(default_factory=list, examples=[["mailto"]])
    clients: list[str] = Field(default_factory=list)


class Fallback(BaseModel):
    mailto: str = Field(description="A link without the body, which every client opens.")
    text: str = Field(description="The whole letter to paste into the message.")


class OtherWay(BaseModel):
    """A way to reach the embassy that works without its e-mail address."""

    kind: Literal["website", "post", "pdf", "mission_email"] = Field(examples=["post"])
    message: str
    url: str | None = None
    address: str | None = None
    embassy_id: str | None = None
    emails: list[str] = Field(default_factory=list)
    # For `mission_email`: who that mission is, so a widget can name it in its own language.
    name: str | None = None
    city: str | None = None


class ComposeResponse(BaseModel):
    campaign_id: str = Field(examples=["navalny-appeal"])
    language: str = Field(examples=["en"])
    variant: int = Field(examples=[3])
    embassy: Embassy
    reason: str = Field(examples=["embassy in your country"])
    to: list[str] = Field(examples=[["info@russische-botschaft.de"]])
    subject: str
    body: str
    links: Links
    warnings: list[Warning] = Field(default_factory=list)
    fallback: Fallback | None = None
    other_ways: list[OtherWay] = Field(
        default_factory=list, description="Ways in that do not need the embassy's e-mail."
    )


class ReportedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(max_length=100, examples=["navalny-appeal"])
    embassy_id: str = Field(max_length=100, examples=["de-berlin-embassy"])
    channel: Literal["mailto", "gmail", "outlook", "yahoo", "pdf"] = Field(examples=["mailto"])
