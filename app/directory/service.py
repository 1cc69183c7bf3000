"""The directory's use-cases, shared by the HTTP router and the command line."""

from dataclasses import replace

from app.directory import countries
from app.directory.directory import Directory
from app.directory.models import Embassy, Kind
from app.directory.policy import PolicyKind, choose
from app.directory.schemas import LocationOut, NearestResponse, NearestResult
from app.errors import Unprocessable
from app.geo.locate import LocationQuery, locate
from app.geo.resolve import Geo


def country_code(value: str | None, field: str = "country") -> str | None:
    """An upper-case ISO 3166-1 alpha-2 code, or a 422 naming the field."""
    if value is None:
        return None
    code = value.strip().upper()
    if not countries.is_valid(code):
        raise Unprocessable.for_field(field, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def list_embassies(directory: Directory, country: str | None, kind: Kind | None) -> list[Embassy]:
    return directory.select(country=country_code(country), kind=kind)


def nearest(
    geo: Geo, directory: Directory, query: LocationQuery, kind: PolicyKind, limit: int
) -> NearestResponse:
    """Where this person should write, best first, with the reason for each."""
    if query.country is not None:
        query = replace(query, country=country_code(query.country))
    location = locate(geo, query)
    choices = choose(directory, location, kind, limit)
    return NearestResponse(
        location=LocationOut(
            lat=location.lat,
            lon=location.lon,
            country=location.country,
            city=location.city,
            source=location.source,
            precision=location.precision,
        ),
        results=[
            NearestResult(embassy=c.embassy, distance_km=round(c.distance_km, 1), reason=c.reason)
            for c in choices
        ],
    )
