"""Where should this person write? The recipient policy of `GET /v1/embassies/nearest`.

`kind="embassy"`: the open embassy in the person's country (an interests section or a named
stand-in where there is no embassy); else the embassy that serves a place Russia does not
recognise (Kosovo); else the open embassy accredited to the country; else, and the reason
says why, the nearest open embassy by great-circle distance. The rest of the list is the next
nearest open embassies. `kind="any"`: open missions of every kind in the person's country by
distance, then the rest by distance. Closed and suspended missions are never chosen.

A person in a territory with its own code (Hong Kong, Åland) is served as one in the state
that conducts its foreign relations (`relations.part_of`).
"""

from functools import cache
from typing import Literal, NamedTuple

from app.directory import countries
from app.directory.directory import Directory, Ranked
from app.directory.models import Embassy
from app.geo.distance import great_circle_km
from app.geo.types import Location, new_tuple

PolicyKind = Literal["embassy", "any"]

LABELS: dict[str, str] = {
    "embassy": "embassy",
    "consulate_general": "consulate-general",
    "consulate": "consulate",
    "consular_office": "consular office",
    "interests_section": "interests section",
    "representative_office": "representative office",
}


class Choice(NamedTuple):
    """One answer. A named tuple: read-only, and half a frozen dataclass's cost to build
    (a lookup builds several)."""

    embassy: Embassy
    distance_km: float
    reason: str


def choose(
    directory: Directory, location: Location, kind: PolicyKind = "embassy", limit: int = 3
) -> list[Choice]:
    """The missions to write to, best first, at most `limit`."""
    if kind not in ("embassy", "any"):
        raise ValueError(f"kind must be 'embassy' or 'any', not {kind!r}")
    if limit <= 0:
        return []
    if kind == "any":
        return _any(directory, location, limit)
    first = _policy_pick(directory, location)
    if first is None:  # no resident or accredited embassy: distance decides from the start
        ranked = directory.nearest(location.lat, location.lon, limit, embassy_level=True)
        if not ranked:
            return []
        embassy, km = ranked[0]
        head = Choice(embassy, km, _fallback_reason(directory, location.country))
        return [head, *map(_next_nearest, ranked[1:])]
    if limit == 1:
        return [first]  # the fast path: dictionary look-ups only
    rest = directory.nearest(location.lat, location.lon, limit - 1, embassy_level=True,
                             exclude=(first.embassy.id,))
    # A comprehension, not map(): map calls a Python function through C, 0.25 µs a call.
    return [first, *[_next_nearest(ranked) for ranked in rest]]


def _policy_pick(directory: Directory, location: Location) -> Choice | None:
    """The resident, serving or accredited embassy for the person's country, if any."""
    country = location.country
    home = directory.relations.home(country)
    if home is None or country is None:
        return None
    picked: tuple[Embassy, str] | None = None
    if (resident := directory.resident.get(home)) is not None:
        picked = resident, _resident_reason(resident, country, home)
    elif (served := directory.relations.served_by.get(home)) is not None:
        mission = directory.find(served.mission)
        if mission is not None and mission.is_open:
            picked = mission, served.reason or f"embassy in {mission.city}, serving {home}"
    if picked is None and (accredited := directory.accredited.get(home)) is not None:
        picked = accredited, (
            f"embassy in {accredited.city}, accredited to {countries.name(home)}"
        )
    if picked is None:
        return None
    embassy, reason = picked
    distance = great_circle_km(location.lat, location.lon, embassy.lat, embassy.lon)
    return new_tuple(Choice, (embassy, distance, reason))


def _resident_reason(embassy: Embassy, country: str, home: str) -> str:
    if country != home:  # a territory: Åland → Finland
        label = LABELS[embassy.kind]
        return f"{label} in {countries.name(home)}, covering {countries.name(country)}"
    if embassy.kind == "embassy":
        return "embassy in your country"
    return f"{LABELS[embassy.kind]} in your country: it stands in for an embassy"


def _fallback_reason(directory: Directory, country: str | None) -> str:
    """Why the first answer is only the nearest embassy."""
    home = directory.relations.home(country)
    if home is None:
        return "no country at this point: nearest embassy"
    if home in directory.relations.no_relations:
        return "no diplomatic relations: nearest embassy"
    if home == "RU":
        return "in Russia: nearest Russian embassy abroad"
    shut = [r for r in directory.by_country.get(home, ()) if r.is_embassy_level]
    if shut:  # a resident embassy exists but is not open (Yemen: suspended)
        return f"the embassy in {shut[0].city} is {shut[0].status}: nearest embassy"
    return f"no embassy covers {countries.name(home)}: nearest embassy"


def _next_nearest(ranked: Ranked) -> Choice:
    embassy, km = ranked
    return new_tuple(Choice, (embassy, km, _nearest_reason(embassy.kind, embassy.country)))


@cache  # a few hundred (kind, country) pairs: build each sentence once
def _nearest_reason(kind: str, country: str) -> str:
    return f"nearest {LABELS[kind]} in {countries.name(country)}"


def _any(directory: Directory, location: Location, limit: int) -> list[Choice]:
    home = directory.relations.home(location.country)
    ranked = directory.nearest(location.lat, location.lon, limit, first_country=home)
    return [
        Choice(r[0], r[1], f"{LABELS[r[0].kind]} in your country")
        if r[0].country == home else _next_nearest(r)
        for r in ranked
    ]
