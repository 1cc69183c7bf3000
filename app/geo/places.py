"""Reading a free-text place: "München", "Paris, France", "Springfield, IL", "Germany".

The rule is to use only what the text says: a qualifier after a comma narrows the search,
and one that names nothing we know is an error, not something to ignore ("Paris, Ontario"
must not become Paris, France).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import FieldError, UnresolvableLocation
from app.geo.gazetteer import City, Gazetteer
from app.geo.normalize import name_key


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """The text named a country (or a US state), and no city in it."""

    country: str


@dataclass(frozen=True, slots=True)
class Scope:
    country: str
    state: str | None
    label: str  # for messages: "France", "Texas (US)"


def parse_place(gazetteer: Gazetteer, text: str) -> City | CountryMatch:
    """A city (the most populous of that name, within any qualifier) or a country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise _unresolvable("The place is empty: give a city or a country.")
    if len(parts) == 1:
        return _single(gazetteer, parts[0])
    for names, qualifier in ((parts[:-1], parts[-1]), (parts[1:], parts[0])):
        scopes = _scopes(gazetteer, qualifier)
        if scopes:
            return _within(gazetteer, names, scopes)
    whole = gazetteer.find_city(text)  # names with a comma: "Washington, D.C."
    if whole is not None:
        return whole
    raise _unresolvable(
        f"Could not tell what {_quote(parts[-1])} is in {_quote(text)}: after the comma give "
        "a country (a name or an ISO code such as FR) or a US state.")


def _single(gazetteer: Gazetteer, text: str) -> City | CountryMatch:
    # "Bo" is a city in Sierra Leone, "BO" is Bolivia: short words are codes only in capitals.
    code_like = len(text) <= 3 and not text.isupper()
    city = gazetteer.find_city(text)
    if city is not None and code_like:
        return city
    country = gazetteer.find_country(text)
    if country is not None:
        capital = gazetteer.capital(country)
        # City-states: "Singapore", "Luxembourg" name the capital as much as the country.
        if capital is not None and name_key(capital.name) == name_key(text):
            return capital
        return CountryMatch(country)
    if city is not None:
        return city
    if gazetteer.find_us_state(text) is not None:
        return CountryMatch("US")
    raise _unresolvable(f"No city or country called {_quote(text)} was found.")


def _scopes(gazetteer: Gazetteer, qualifier: str) -> list[Scope]:
    """Every reading of a qualifier: "IL" is Israel and Illinois, "CA" Canada and California."""
    scopes = []
    country = gazetteer.find_country(qualifier)
    if country is not None:
        scopes.append(Scope(country, None, gazetteer.country_title(country) or country))
    state = gazetteer.find_us_state(qualifier)
    if state is not None:
        scopes.append(Scope("US", state, f"{state} (US)"))
    return scopes


def _within(gazetteer: Gazetteer, names: list[str], scopes: list[Scope]) -> City | CountryMatch:
    """The first name found in the first scope that has it ("Marienplatz, München, DE")."""
    for scope in scopes:
        for name in names:
            city = gazetteer.find_city(name, scope.country, state=scope.state)
            if city is not None:
                return city
    if len(scopes) == 1:
        # The country is certain, the city unknown: say so by precision "country".
        return CountryMatch(scopes[0].country)
    where = " or ".join(scope.label for scope in scopes)
    raise _unresolvable(f"No place called {_quote(names[0])} was found in {where}.")


def _unresolvable(message: str) -> UnresolvableLocation:
    return UnresolvableLocation(message, [FieldError("q", message)])


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
