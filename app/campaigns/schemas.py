"""The shapes of the campaign endpoints."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CampaignSummary(BaseModel):
    id: str = Field(examples=["navalny-appeal"])
    title: str = Field(examples=["Appeal for Aleksei Navalny"])
    summary: str
    language: str = Field(examples=["en"], description="The language of title and summary.")
    languages: list[str] = Field(examples=[["de", "en", "es", "fr", "ru"]])
    default_language: str = Field(examples=["en"])
    status: Literal["active", "closed"] = Field(examples=["active"])
    starts_at: datetime
    ends_at: datetime | None
    editable: bool = Field(description="Whether the person may replace the subject and body.")
    platform_send: bool = Field(
        True, description="Whether the platform sends letters for people (POST /v1/letters)."
    )


class CampaignField(BaseModel):
    """A personalisation field the compose body accepts, with its limits."""

    name: str = Field(examples=["sender.name"])
    required: bool
    max_length: int | None = Field(None, examples=[100])
    options: list[str] | None = Field(None, examples=[["feminine", "masculine"]])


class CampaignDetail(CampaignSummary):
    fields: list[CampaignField]
    variants: dict[str, int] = Field(
        description="How many distinct wordings each language has (`variant` is taken modulo).",
        examples=[{"en": 32805}],
    )
