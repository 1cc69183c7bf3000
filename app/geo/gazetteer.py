"""Cities and countries by name, by coordinates, and by country: loaded once, offline.

Data: `data/gazetteer/gazetteer.bin`, built by `scripts/build_gazetteer.py` from geonames
cities5000 (+ capitals from cities500), their alternate names in every script, and CLDR
country names in ~60 locales. Names are kept only as 47-bit hashes of `name_key`: the
alternate-name table as Python strings would cost ~60 MB; the hashes cost 4 MB.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from math import inf, isnan
from pathlib import Path
from typing import NamedTuple

from app.geo.grid import PointGrid
from app.geo.normalize import KEY_VERSION, name_hash, name_key
from app.geo.packed import Packed, read_packed
from app.paths import DATA

DATA_FILE = DATA / "gazetteer" / "gazetteer.bin"
# A name index entry is `name_hash << CITY_BITS | city`, and cities are numbered most
# populous first, so one sorted array of 64-bit ints answers "most populous city named X".
CITY_BITS = 17
_CITY_MASK = (1 << CITY_BITS) - 1


class City(NamedTuple):
    """Read-only; a named tuple, as every lookup from coordinates builds one (half a frozen
    dataclass's cost)."""

    name: str
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    """Read-only after `load`; safe to share between requests and threads."""

    countries: tuple[str, ...]  # ISO codes; a city's country is an index into this
    country_titles: tuple[str, ...]  # English names, for messages
    _country_ids: dict[str, int]
    _names: array[int]  # every city's display name, UTF-8, end to end
    _name_ends: array[int]
    _lat: array[float]
    _lon: array[float]
    _pop: array[int]
    _country: array[int]
    _state: array[int]  # 1-based index into _states for US cities, else 0
    _states: tuple[str, ...]
    _state_keys: dict[str, int]
    _name_index: array[int]  # sorted `name_hash << CITY_BITS | city`
    _country_name_hash: array[int]
    _country_name_id: array[int]
    _capital: array[int]
    _zone_lat: array[float]
    _zone_lon: array[float]
    _grid: PointGrid  # tagged by country id

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Gazetteer:
        """Read the packed data file and index its points (~0.2 s), no network."""
        return cls.from_packed(read_packed(path))

    @classmethod
    def from_packed(cls, packed: Packed, grid: PointGrid | None = None) -> Gazetteer:
        """The gazetteer in `packed`, with its point grid if already built (prebuilt.py)."""
        if packed.meta.get("key_version") != KEY_VERSION:
            raise RuntimeError("the gazetteer is stale: run scripts/build_gazetteer.py")
        a, t = packed.arrays, packed.texts
        codes = t["countries"]
        countries = tuple(codes[i : i + 2] for i in range(0, len(codes), 2))
        states = [line.split("\t") for line in t["states"].split("\n")]
        state_keys = {name_key(key): i + 1 for i, row in enumerate(states) for key in row}
        return cls(
            countries=countries,
            country_titles=tuple(t["country_titles"].split("\n")),
            _country_ids={code: i for i, code in enumerate(countries)},
            _names=a["city_names"],
            _name_ends=a["city_name_end"],
            _lat=a["city_lat"], _lon=a["city_lon"], _pop=a["city_pop"],
            _country=a["city_country"], _state=a["city_state"],
            _states=tuple(row[0] for row in states), _state_keys=state_keys,
            _name_index=a["names"],
            _country_name_hash=a["country_name_hash"],
            _country_name_id=a["country_name_country"],
            _capital=a["capital"], _zone_lat=a["zone_lat"], _zone_lon=a["zone_lon"],
            _grid=grid or cls.grid_of(packed),
        )

    @staticmethod
    def grid_of(packed: Packed) -> PointGrid:
        """The cities' point grid, tagged by country id."""
        a = packed.arrays
        return PointGrid.build(a["city_lat"], a["city_lon"], a["city_country"])

    def find_city(self, name: str, country: str | None = None, *,
                  state: str | None = None) -> City | None:
        """The most populous city called `name` in any language or script.

        `country` (ISO alpha-2) narrows the search; so does `state`, a US state code.
        """
        country_id = self._country_id(country) if country is not None else None
        if country is not None and country_id is None:
            return None
        for city in self._matches(name):
            if country_id is not None and self._country[city] != country_id:
                continue
            if state is not None and self._state_code(city) != state.upper():
                continue
            return self.city(city)
        return None

    def find_country(self, name: str) -> str | None:
        """ISO alpha-2 for a country name in ~60 languages, an alpha-2 or alpha-3 code."""
        wanted = name_hash(name)
        at = bisect_left(self._country_name_hash, wanted)
        if at < len(self._country_name_hash) and self._country_name_hash[at] == wanted:
            return self.countries[self._country_name_id[at]]
        return None

    def find_us_state(self, name: str) -> str | None:
        """A US state's two-letter code from its name or code ("Texas", "tx")."""
        index = self._state_keys.get(name_key(name))
        return None if index is None else self._states[index - 1]

    def nearest_city(self, lat: float, lon: float, country: str | None = None,
                     max_km: float = inf) -> City | None:
        """The city nearest to a point (in `country` if given), if within `max_km`."""
        index = self.nearest_city_index(lat, lon, country, max_km)
        return None if index is None else self.city(index)

    def nearest_city_index(self, lat: float, lon: float, country: str | None = None,
                           max_km: float = inf) -> int | None:
        """As `nearest_city`, its index: a lookup from coordinates wants only the name."""
        country_id = -1 if country is None else self._country_id(country)
        if country_id is None:
            return None
        found = self._grid.nearest_chord2(lat, lon, country_id, max_km)
        return None if found is None else found[0]

    def capital(self, country: str) -> City | None:
        """The country's capital (its largest city where geonames names no capital)."""
        country_id = self._country_id(country)
        if country_id is None or self._capital[country_id] < 0:
            return None
        return self.city(self._capital[country_id])

    def country_point(self, country: str) -> tuple[float, float] | None:
        """A representative point: the capital, else the country's main time-zone point."""
        capital = self.capital(country)
        if capital is not None:
            return capital.lat, capital.lon
        country_id = self._country_id(country)
        if country_id is None or isnan(self._zone_lat[country_id]):
            return None
        return self._zone_lat[country_id], self._zone_lon[country_id]

    def country_title(self, country: str) -> str | None:
        country_id = self._country_id(country)
        return None if country_id is None else self.country_titles[country_id]

    def is_country(self, code: str) -> bool:
        return self._country_id(code) is not None

    def city(self, index: int) -> City:
        return City(self.city_name(index), self.city_country(index),
                    self._lat[index], self._lon[index], self._pop[index])

    def city_name(self, index: int) -> str:
        start = self._name_ends[index - 1] if index else 0
        return self._names[start : self._name_ends[index]].tobytes().decode()

    def city_country(self, index: int) -> str:
        return self.countries[self._country[index]]

    def cities(self, country: str | None = None) -> Iterator[City]:
        """Every city (of `country`), most populous first."""
        country_id = -1 if country is None else self._country_id(country)
        for index in range(len(self)):
            if country_id in (-1, self._country[index]):
                yield self.city(index)

    def points(self) -> Iterator[tuple[float, float, str]]:
        """(lat, lon, country) of every city, most populous first, without building a City."""
        countries = self.countries
        for lat, lon, country in zip(self._lat, self._lon, self._country, strict=True):
            yield lat, lon, countries[country]

    def __len__(self) -> int:
        return len(self._pop)

    def _matches(self, name: str) -> Iterator[int]:
        """City indexes whose names match, most populous first."""
        wanted = name_hash(name)
        index = self._name_index
        at = bisect_left(index, wanted << CITY_BITS)
        while at < len(index) and index[at] >> CITY_BITS == wanted:
            yield index[at] & _CITY_MASK
            at += 1

    def _country_id(self, code: str) -> int | None:
        return self._country_ids.get(code.upper())

    def _state_code(self, city: int) -> str | None:
        index = self._state[city]
        return self._states[index - 1] if index else None
