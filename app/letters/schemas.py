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

    name: str = Field(min_length=1, max_length=200, examples=["Jane Doe"],
                      description="The name the letter is signed with.")
    email: EmailStr | None = Field(None, examples=["jane@example.org"],
                                   description="Needed only for the platform to send it.")
    city: str | None = Field(None, max_length=200, examples=["Munich"],
                             description="Where the person lives; named in the letter.")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", examples=["DE"],
                                description="ISO 3166-1 alpha-2; with `city`, finds the embassy.")
    gender: Literal["feminine", "masculine"] | None = Field(
        None, description="Only for languages whose grammar needs it (Russian); never guessed."
    )


class Coordinates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90, examples=[48.137], description="Latitude, degrees.")
    lon: float = Field(ge=-180, le=180, examples=[11.575], description="Longitude, degrees.")


class ComposeRequest(BaseModel):
    """What a person gives to have a letter composed. Only campaign and name are required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [COMPOSE_EXAMPLE]},
    )

    campaign_id: str = Field(max_length=100, examples=["navalny-appeal"],
                             description="The campaign whose letter to compose.")
    language: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", examples=["en"],
        description="BCP 47 primary tag; absent: `Accept-Language`, then the campaign's default.")
    sender: Sender
    location: Coordinates | None = Field(
        None, description="Where the person is; absent: the sender's city and country, then "
        "the client's IP address.")
    embassy_id: str | None = Field(None, max_length=100, examples=["de-berlin-embassy"],
                                   description="Write to this mission instead of the nearest.")
    personal_note: str | None = Field(
        None, max_length=4000, examples=["I have followed this case since 2020."],
        description="A few words of the person's own, added to the letter; paragraphs kept.")
    variant: int | None = Field(
        None, ge=0, examples=[3],
        description="Picks among the wordings; absent: derived from the inputs (stable).")
    subject: str | None = Field(None, max_length=200, examples=["A letter about a prisoner"],
                                description="The person's own subject.")
    body: str | None = Field(None, max_length=8000, examples=["Dear Ambassador, ..."],
                             description="The person's own letter text.")
    signature: Literal["full", "initials"] = Field(
        "full", description="`initials`: signed with initials and city only."
    )
    bilingual: bool = Field(False, description="Add the Russian text below the letter.")


class Links(BaseModel):
    """One-tap links; each is null where the embassy has no e-mail on file."""

    mailto: str | None = Field(
        examples=["mailto:rusbotschaft@bluewin.ch?subject=Appeal&body=Dear%20Ambassador"],
        description="RFC 6068 link for the person's own mail app.")
    gmail: str | None = Field(
        None, description="Gmail's compose page, filled in.",
        examples=["https://mail.google.com/mail/?view=cm&fs=1&to=rusbotschaft%40bluewin.ch"
                  "&su=Appeal&body=Dear%20Ambassador"])
    outlook: str | None = Field(
        None, description="Outlook on the web's compose page, filled in.",
        examples=["https://outlook.live.com/mail/0/deeplink/compose?to=rusbotschaft%40bluewin.ch"
                  "&subject=Appeal&body=Dear%20Ambassador"])
    yahoo: str | None = Field(
        None, description="Yahoo Mail's compose page, filled in.",
        examples=["https://compose.mail.yahoo.com/?to=rusbotschaft%40bluewin.ch"
                  "&subject=Appeal&body=Dear%20Ambassador"])


class Warning(BaseModel):
    code: str = Field(examples=["link_too_long"],
                      description="`link_too_long`, `no_email_on_file`, `email_dated` (the "
                      "address's newest source is old), `email_bounced` (an address on file "
                      "bounced hard and is not used), ...: stable, for code.")
    message: str = Field(examples=["The letter is too long for the mailto link in some mail "
                                   "apps: use the fallback."], description="For the person.")
    links: list[str] = Field(default_factory=list, examples=[["mailto"]],
                             description="The links the warning is about.")
    clients: list[str] = Field(default_factory=list, examples=[["outlook-desktop"]],
                               description="The mail clients that will fail.")


class Fallback(BaseModel):
    mailto: str = Field(description="A link without the body, which every client opens.",
                        examples=["mailto:rusbotschaft@bluewin.ch?subject=Appeal"])
    text: str = Field(description="The whole letter to paste into the message.",
                      examples=["Dear Ambassador,\n\n..."])


class OtherWay(BaseModel):
    """A way to reach the embassy that works without its e-mail address."""

    kind: Literal["website", "post", "pdf", "mission_email"] = Field(
        examples=["post"], description="What kind of way in this is.")
    message: str = Field(examples=["Post the printable letter to the embassy."],
                         description="The way in, said plainly for the person.")
    url: str | None = Field(None, examples=["https://france.mid.ru"],
                            description="A website or endpoint to open, where there is one.")
    address: str | None = Field(None, examples=["40-50 Boulevard Lannes, 75116 Paris"],
                                description="The postal address, where known.")
    embassy_id: str | None = Field(None, examples=["fr-marseille-consulate_general"],
                                   description="Another mission to write through.")
    emails: list[str] = Field(default_factory=list, examples=[["consulat@example.org"]],
                              description="That mission's addresses on file.")
    name: str | None = Field(
        None, examples=["Consulate-General of the Russian Federation in Almaty"],
        description="For `mission_email`: that mission's name.")
    city: str | None = Field(None, examples=["Almaty"],
                             description="For `mission_email`: the city it is in.")


class PlatformSend(BaseModel):
    """Whether `POST /v1/letters` would send this letter, said before the person asks."""

    possible: bool = Field(examples=[False], description="True: the platform can send it.")
    reason: str | None = Field(
        None, examples=["email_dated"],
        description="Why not: `no_email_on_file`, `email_bounced`, `email_dated` (a dated "
        "address off the ministry's domain), `campaign` (the campaign does not allow it).")


class ComposeResponse(BaseModel):
    campaign_id: str = Field(examples=["navalny-appeal"], description="The campaign.")
    language: str = Field(examples=["en"], description="The language the letter is in.")
    variant: int = Field(examples=[3], description="The wording chosen; send it again to "
                         "get the same letter.")
    embassy: Embassy
    reason: str = Field(examples=["embassy in your country"],
                        description="Why this mission was chosen.")
    to: list[str] = Field(examples=[["rusbotschaft@bluewin.ch"]],
                          description="The recipients; empty when no e-mail is on file.")
    subject: str = Field(examples=["Appeal on behalf of Aleksei Navalny"],
                         description="The subject line.")
    body: str = Field(examples=["Dear Ambassador,\n\nI am writing to you ..."],
                      description="The letter, plain text, CRLF-free (links encode `\\n`).")
    links: Links
    warnings: list[Warning] = Field(default_factory=list,
                                    description="What the person should know before sending.")
    fallback: Fallback | None = Field(
        None, description="What works everywhere when a link is too long for some clients.")
    other_ways: list[OtherWay] = Field(
        default_factory=list, description="Ways in that do not need the embassy's e-mail."
    )
    send_by_platform: PlatformSend = Field(
        default_factory=lambda: PlatformSend(possible=True),
        description="Whether the platform can send this letter (`POST /v1/letters`); a "
        "client hides its \"send it for me\" choice when not.")


class ReportedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign_id: str = Field(max_length=100, examples=["navalny-appeal"],
                             description="The campaign the letter was written for.")
    embassy_id: str = Field(max_length=100, examples=["de-berlin-embassy"],
                            description="The mission it was sent to.")
    channel: Literal["mailto", "gmail", "outlook", "yahoo", "pdf"] = Field(
        examples=["mailto"], description="How the person sent it.")
