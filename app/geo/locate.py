"""One place for the precedence of what a request says about where the person is."""

from dataclasses import dataclass

from app.errors import Unprocessable, UnresolvableLocation
from app.geo.resolve import Geo
from app.geo.types import Location


@dataclass(frozen=True, slots=True)
class LocationQuery:
    lat: float | None = None
    lon: float | None = None
    q: str | None = None
    country: str | None = None
    city: str | None = None
    ip: str | None = None


def locate(geo: Geo, query: LocationQuery) -> Location:
    """Coordinates, else a place name, else a country (+ city), else the client's IP."""
    if (query.lat is None) != (query.lon is None):
        missing = "lon" if query.lon is None else "lat"
        raise Unprocessable.for_field(missing, "lat and lon must be given together")
    if query.lat is not None and query.lon is not None:
        return geo.from_coordinates(query.lat, query.lon)
    if query.q:
        return geo.from_place(query.q)
    if query.country:
        return geo.from_country(query.country, query.city)
    if query.city:
        return geo.from_place(query.city)
    if query.ip:
        return geo.from_ip(query.ip)
    raise UnresolvableLocation.for_field(
        "location",
        "No location given and the client's address is unknown: give lat and lon, q, or country.",
    )
