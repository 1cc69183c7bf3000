"""Where a person is, from what they told us: coordinates, a place, a country, an IP."""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite
from pathlib import Path

from app.errors import FieldError, Unprocessable, UnresolvableLocation
from app.geo.borders import Borders, zone_countries
from app.geo.gazetteer import DATA_FILE, City, Gazetteer
from app.geo.ip import IpCountries
from app.geo.packed import read_packed
from app.geo.places import parse_place
from app.geo.prebuilt import DERIVED_FILE, derived
from app.geo.types import Location, LocationSource, new_tuple

MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True, eq=False)
class Geo:
    """Everything geographic, loaded once; pure and read-only afterwards."""

    gazetteer: Gazetteer
    borders: Borders
    ip: IpCountries

    @classmethod
    def load(cls, derived_file: Path = DERIVED_FILE) -> Geo:
        """The packed data files, with the indexes derived from them read from
        `derived_file` when it is current (see app/geo/prebuilt.py)."""
        packed, zones = read_packed(DATA_FILE), zone_countries()
        indexes = derived(packed, zones, derived_file)
        gazetteer = Gazetteer.from_packed(packed, indexes.grid)
        return cls(gazetteer, Borders.of(gazetteer, zones, indexes.shared), IpCountries.load())

    def from_coordinates(self, lat: float, lon: float) -> Location:
        """The country holding the point (exact at borders) and the nearest city in it."""
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # NaN fails these too
            _check_range("lat", lat, 90.0)
            _check_range("lon", lon, 180.0)
        country, city = self.borders.place_at(lat, lon)
        return new_tuple(Location, (lat, lon, country, city, "coordinates", "point"))

    def from_place(self, q: str) -> Location:
        """A free-text place: "München", "Мюнхен", "Paris, France", "Paris, TX", "Germany"."""
        text = q.strip()
        if not text:
            raise _unresolvable("q", "The place is empty: give a city or a country.")
        if len(text) > MAX_QUERY_CHARS:
            raise Unprocessable.for_field("q", f"The place is longer than {MAX_QUERY_CHARS} "
                                               "characters.")
        found = parse_place(self.gazetteer, text)
        if isinstance(found, City):
            return _city_location(found, "place")
        return self._country_location(found.country, "place")

    def from_country(self, country: str, city: str | None = None) -> Location:
        """A country (ISO alpha-2; names are accepted too), narrowed to a city when it is there."""
        code = self._country_code(country)
        if city and city.strip():
            found = self.gazetteer.find_city(city.strip()[:MAX_QUERY_CHARS], code)
            if found is not None:
                return _city_location(found, "country")
        return self._country_location(code, "country")

    def from_ip(self, ip: str) -> Location:
        """The country of a public IP address, at country precision (its capital's point)."""
        code = self.ip.country(ip)
        if code is None or self.gazetteer.country_point(code) is None:
            raise _unresolvable(
                "location", "The client's IP address could not be located (it is private, "
                "reserved or unknown): give lat and lon, q (a place) or country.")
        return self._country_location(code, "ip")

    def _country_code(self, country: str) -> str:
        text = country.strip()[:MAX_QUERY_CHARS]
        code = text.upper() if self.gazetteer.is_country(text) else None
        code = code or self.gazetteer.find_country(text)
        if code is None:
            raise Unprocessable.for_field(
                "country", f"Unknown country {text!r}: give an ISO 3166-1 alpha-2 code such "
                "as DE.")
        return code

    def _country_location(self, country: str, source: LocationSource) -> Location:
        """The capital's point stands for the country; `city` stays empty (not a claim)."""
        point = self.gazetteer.country_point(country)
        if point is None:
            field = {"place": "q", "country": "country"}.get(source, "location")
            raise _unresolvable(field, f"{self.gazetteer.country_title(country)} has no known "
                                       "point to measure distances from: give lat and lon.")
        return Location(point[0], point[1], country, None, source, "country")


def _unresolvable(field: str, message: str) -> UnresolvableLocation:
    return UnresolvableLocation(message, [FieldError(field, message)])


def _city_location(city: City, source: LocationSource) -> Location:
    return Location(city.lat, city.lon, city.country, city.name, source, "city")


def _check_range(field: str, value: float, limit: float) -> None:
    if not isfinite(value) or not -limit <= value <= limit:
        raise Unprocessable.for_field(field, f"{field} must be between {-limit:g} and {limit:g}.")
