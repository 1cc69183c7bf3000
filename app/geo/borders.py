"""The country holding a coordinate, right up to the border.

Time-zone polygons (timezone-boundary-builder, via tzfpy) follow national borders, and
every zone in tzdata's zone.tab belongs to one country, so zone -> country is exact where a
nearest-city guess is not: Kehl's centre is 4 km from Strasbourg's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import NamedTuple

import tzfpy

from app.geo.gazetteer import Gazetteer
from app.geo.types import new_tuple

# A point at sea this close to a city is taken as that city's coast (harbours, beaches,
# coastal waters the polygons leave out); farther out, it is in no country.
COAST_KM = 30.0
# A city farther than this from the point is not where the person is: report none.
CITY_KM = 100.0
# Fewer cities of another country inside a zone are coordinates a little off at a border
# (measured: the next largest share after Jerusalem's 7 is 4).
SHARED_MIN = 5


class Place(NamedTuple):
    country: str | None  # ISO alpha-2; None at sea
    city: str | None  # the name of the nearest city in `country`, within CITY_KM


@dataclass(frozen=True, slots=True, eq=False)
class Borders:
    gazetteer: Gazetteer
    zone_country: Mapping[str, str]
    # Zones whose polygon holds more than its own country: north Vietnam is in
    # Asia/Bangkok, Kosovo in Europe/Belgrade, East Jerusalem in Asia/Jerusalem. There the
    # nearest city decides between the countries listed.
    shared: Mapping[str, frozenset[str]]

    @classmethod
    def load(cls, gazetteer: Gazetteer) -> Borders:
        zones = zone_countries()
        return cls.of(gazetteer, zones, shared_zones(gazetteer.points(), zones))

    @classmethod
    def of(cls, gazetteer: Gazetteer, zones: Mapping[str, str],
           shared: Mapping[str, frozenset[str]]) -> Borders:
        """From tables already made (app/geo/prebuilt.py keeps `shared` in a file)."""
        # tzfpy builds its finder at the first call (~0.1 s): here, not in a person's lookup.
        tzfpy.get_tz(0.0, 0.0)
        return cls(gazetteer, MappingProxyType(dict(zones)), MappingProxyType(dict(shared)))

    def place_at(self, lat: float, lon: float) -> Place:
        """Country by the time-zone polygons, then the nearest city inside that country."""
        zone = tzfpy.get_tz(lon, lat)
        country = self.zone_country.get(zone)
        gazetteer = self.gazetteer
        if country is None:
            coast = gazetteer.nearest_city_index(lat, lon, max_km=COAST_KM)
            return Place(None, None) if coast is None else self._city_place(coast)
        if zone in self.shared:
            nearest = gazetteer.nearest_city_index(lat, lon, max_km=CITY_KM)
            if nearest is not None and gazetteer.city_country(nearest) in self.shared[zone]:
                return self._city_place(nearest)
        city = gazetteer.nearest_city_index(lat, lon, country, CITY_KM)
        return new_tuple(Place, (country, None if city is None else gazetteer.city_name(city)))

    def _city_place(self, index: int) -> Place:
        return Place(self.gazetteer.city_country(index), self.gazetteer.city_name(index))

    def country_at(self, lat: float, lon: float) -> str | None:
        return self.place_at(lat, lon).country


def shared_zones(points: Iterable[tuple[float, float, str]],
                 zones: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Zones holding at least SHARED_MIN of the `points` (lat, lon, country) of another
    country (any, if that country has no zone at all). Measured on the installed tzfpy, so
    a new boundary release cannot leave a stale table behind."""
    counts: Counter[tuple[str, str]] = Counter(
        (tzfpy.get_tz(lon, lat), country) for lat, lon, country in points)
    zoned = set(zones.values())
    shared: dict[str, set[str]] = {}
    for (zone, country), count in counts.items():
        own = zones.get(zone)
        if own is not None and own != country and (count >= SHARED_MIN or country not in zoned):
            shared.setdefault(zone, {own}).add(country)
    return {zone: frozenset(countries) for zone, countries in shared.items()}


def zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country, from zone.tab (one country per zone, links included)."""
    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coords, zone = line.split("\t")[:3]
            zones[zone] = country
    return zones
