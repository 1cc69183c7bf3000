"""The shapes of the embassy endpoints' answers."""

from typing import Literal

from pydantic import BaseModel, Field

from app.directory.models import Embassy


class LocationOut(BaseModel):
    """Where the service believes the person is, and how it knows."""

    lat: float = Field(examples=[47.5584], description="Latitude, degrees.")
    lon: float = Field(examples=[7.5733], description="Longitude, degrees.")
    country: str | None = Field(examples=["CH"], description="None on the open sea.")
    city: str | None = Field(examples=["Basel"], description="The city there, where known.")
    source: Literal["coordinates", "place", "country", "ip"] = Field(
        examples=["place"], description="What the location was taken from.")
    precision: Literal["point", "city", "country"] = Field(
        examples=["city"], description="How exact it is: a point, a city's, a country's.")


class NearestResult(BaseModel):
    embassy: Embassy
    distance_km: float = Field(examples=[69.4], description="Great-circle distance.")
    reason: str = Field(examples=["embassy in your country"],
                        description="Why this mission, in a sentence.")


class NearestResponse(BaseModel):
    """The missions this person should write to, best first."""

    location: LocationOut
    results: list[NearestResult] = Field(description="Best first.")
