"""The resolved location every lookup starts from."""

from dataclasses import dataclass
from typing import Literal

LocationSource = Literal["coordinates", "place", "country", "ip"]
Precision = Literal["point", "city", "country"]


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2; None where no country holds the point (open sea)
    city: str | None
    source: LocationSource
    precision: Precision
