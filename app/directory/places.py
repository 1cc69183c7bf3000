"""Finding a mission's city in the gazetteer: shared by `build` (city-level coordinates) and
`check` (are a record's coordinates near its city?), so both read a city name the same way.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Protocol
from urllib.parse import urlencode


class CityLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


class CityFinder(Protocol):
    """What we need of `app.geo.gazetteer.Gazetteer` (a fake in tests)."""

    def find_city(self, name: str, country: str | None = None) -> CityLike | None: ...


# Missions whose city lies outside their host country. The Holy See has no city called
# Rome: missions to it sit in Rome, Italy ("The embassy is located in Rome", record note).
CITY_ELSEWHERE: dict[str, str] = {"va-rome-embassy": "IT"}

_PARENTHESIS = re.compile(r"^(?P<main>.*?)\s*\((?P<inner>[^)]*)\)$")


def name_variants(city: str) -> list[str]:
    """The names to try, most precise first.

    Researchers write "Brussels (Uccle)", "Osaka (Toyonaka)", "Uralsk (Oral)": the part in
    brackets is the district or the other name, and where the gazetteer knows it, it is the
    closer point; else the main name. "Nicosia (north)" falls through to "Nicosia".
    """
    match = _PARENTHESIS.match(city.strip())
    if match is None:
        return [city.strip()]
    return [city.strip(), match["inner"].strip(), match["main"].strip()]


def search_countries(
    record_id: str, country: str, part_of: Mapping[str, str]
) -> list[str]:
    """Where to look: the host country, then its territories that carry their own code.

    The gazetteer files Hong Kong under `HK` and Mariehamn under `AX`, while the records
    name the host state (CN, FI), as Russia's missions are accredited to the state.
    """
    first = CITY_ELSEWHERE.get(record_id, country)
    territories = sorted(code for code, state in part_of.items() if state == first)
    return [first, *territories]


def find_city(
    finder: CityFinder, record_id: str, city: str, country: str, part_of: Mapping[str, str]
) -> CityLike | None:
    """The first match over name variants × countries; None when the gazetteer lacks it."""
    return next(_candidates(finder, record_id, city, country, part_of), None)


def all_matches(
    finder: CityFinder, record_id: str, city: str, country: str, part_of: Mapping[str, str]
) -> list[CityLike]:
    """Every variant's match: `check` measures a record's point against the nearest."""
    return list(_candidates(finder, record_id, city, country, part_of))


def _candidates(
    finder: CityFinder, record_id: str, city: str, country: str, part_of: Mapping[str, str]
) -> Iterator[CityLike]:
    for name in name_variants(city):
        for code in search_countries(record_id, country, part_of):
            found = finder.find_city(name, code)
            if found is not None:
                yield found


def coords_source(city: CityLike) -> str:
    """A re-checkable source for a city-level point: the GeoNames search for that city."""
    return "https://www.geonames.org/search.html?" + urlencode(
        {"q": city.name, "country": city.country}
    )
