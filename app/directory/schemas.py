"""The shapes of the embassy endpoints' answers."""

from typing import Literal

from pydantic import BaseModel, Field

from app.directory.models import Embassy


class LocationOut(BaseModel):
    """Where the service believes the person is, and how it knows."""

    lat: float = Field(examples=[47.5584])
    lon: float = Field(examples=[7.5733])
    country: str | None = Field(examples=["CH"], description="None on the open sea.")
    city: str | None = Field(examples=["Basel"])
    source: Literal["coordinates", "place", "country", "ip"] = Field(examples=["place"])
    precision: Literal["point", "city", "country"] = Field(examples=["city"])


class NearestResult(BaseModel):
    embassy: Embassy
    distance_km: float = Field(examples=[69.4])
    reason: str = Field(examples=["embassy in your country"])


class NearestResponse(BaseModel):
    """The missions this person should write to, best first."""

    location: LocationOut
    results: list[NearestResult]
