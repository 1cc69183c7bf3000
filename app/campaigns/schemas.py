"""The shapes of the campaign endpoints."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CampaignSummary(BaseModel):
    id: str = Field(examples=["navalny-appeal"], description="The campaign's stable id.")
    title: str = Field(examples=["Appeal for Aleksei Navalny"],
                       description="The campaign's title, in `language`.")
    summary: str = Field(
        examples=["A personal letter to the Russian Ambassador asking that Aleksei Navalny be "
                  "allowed to see independent doctors of his choice."],
        description="What the letter asks for, in a sentence or two, in `language`.")
    language: str = Field(examples=["en"], description="The language of title and summary.")
    languages: list[str] = Field(examples=[["de", "en", "es", "fr", "ru"]],
                                 description="Every language the letter is written in.")
    default_language: str = Field(
        examples=["en"], description="The language used when the request names none.")
    status: Literal["active", "closed"] = Field(
        examples=["active"], description="`closed`: readable, but composing answers 410.")
    starts_at: datetime = Field(examples=["2021-04-01T00:00:00Z"],
                                description="When the campaign opened.")
    ends_at: datetime | None = Field(
        examples=["2027-01-01T00:00:00Z"],
        description="When it closes (null: open-ended); past it the campaign is closed.")
    editable: bool = Field(examples=[True],
                           description="Whether the person may replace the subject and body.")
    platform_send: bool = Field(
        True, examples=[True],
        description="Whether the platform sends letters for people (POST /v1/letters).")


class CampaignField(BaseModel):
    """A personalisation field the compose body accepts, with its limits."""

    name: str = Field(examples=["sender.name"], description="The field's path in the body.")
    required: bool = Field(examples=[True], description="Whether composing needs it.")
    max_length: int | None = Field(None, examples=[100], description="At most this many "
                                   "characters (null: no limit of its own).")
    options: list[str] | None = Field(None, examples=[["feminine", "masculine"]],
                                      description="The values it accepts, where it is a choice.")


class CampaignDetail(CampaignSummary):
    fields: list[CampaignField] = Field(description="The personalisation the campaign accepts.")
    variants: dict[str, int] = Field(
        description="How many distinct wordings each language has (`variant` is taken modulo).",
        examples=[{"en": 32805}],
    )
