"""The gazetteer: cities and countries by name in many languages, nearest cities, capitals."""

from dataclasses import dataclass
from math import inf

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.distance import EARTH_RADIUS_KM, great_circle_km
from app.geo.gazetteer import City, Gazetteer


@pytest.mark.parametrize(
    ("name", "city", "country"),
    [
        ("München", "Munich", "DE"),
        ("Munich", "Munich", "DE"),
        ("Мюнхен", "Munich", "DE"),
        ("MUENCHEN", "Munich", "DE"),
        ("munchen", "Munich", "DE"),
        ("ミュンヘン", "Munich", "DE"),
        ("Paris", "Paris", "FR"),
        ("Париж", "Paris", "FR"),
        ("Wien", "Vienna", "AT"),
        ("Praha", "Prague", "CZ"),
        ("Roma", "Rome", "IT"),
        ("Kiev", "Kyiv", "UA"),
        ("Санкт-Петербург", "Saint Petersburg", "RU"),
        ("東京", "Tokyo", "JP"),
        ("北京", "Beijing", "CN"),
        ("Zurich", "Zürich", "CH"),
        ("St. Gallen", "Sankt Gallen", "CH"),
        ("Ciudad Juarez", "Ciudad Juárez", "MX"),
        ("Kehl", "Kehl", "DE"),
        ("Vaals", "Vaals", "NL"),
        ("Baarle-Nassau", "Baarle-Nassau", "NL"),
        ("Tbilisi", "Tbilisi", "GE"),
        ("თბილისი", "Tbilisi", "GE"),
    ],
)
def test_find_city_in_any_script(gazetteer: Gazetteer, name: str, city: str, country: str) -> None:
    found = gazetteer.find_city(name)
    assert found is not None
    assert (found.name, found.country) == (city, country)


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Paris", "FR"),  # not Paris, Texas
        ("London", "GB"),  # not London, Ontario
        ("Birmingham", "GB"),
        ("Frankfurt", "DE"),  # am Main, not an der Oder
        ("Görlitz", "DE"),  # geonames also lists it as a name of Zgorzelec
    ],
)
def test_the_most_populous_of_equal_names_wins(
    gazetteer: Gazetteer, name: str, country: str
) -> None:
    found = gazetteer.find_city(name)
    assert found is not None
    same_name = [c for c in (gazetteer.find_city(name, code) for code in gazetteer.countries) if c]
    assert found.country == country
    assert found.population == max(c.population for c in same_name)


def test_country_narrows_the_search(gazetteer: Gazetteer) -> None:
    texas = gazetteer.find_city("Paris", "US")
    assert texas is not None
    assert texas.country == "US"
    assert abs(texas.lat - 33.66) < 0.1
    assert gazetteer.find_city("paris", "us") == texas
    assert gazetteer.find_city("Paris", "US", state="TX") == texas
    assert gazetteer.find_city("Munich", "FR") is None
    assert gazetteer.find_city("Munich", "ZZ") is None


def test_unknown_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.find_city("Xyzzyville") is None
    assert gazetteer.find_city("") is None
    assert gazetteer.find_country("Narnia") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("France", "FR"), ("Frankreich", "FR"), ("Франция", "FR"), ("Francia", "FR"),
        ("Germany", "DE"), ("Allemagne", "DE"), ("Deutschland", "DE"), ("Германия", "DE"),
        ("Niemcy", "DE"), ("DE", "DE"), ("de", "DE"), ("DEU", "DE"), ("ドイツ", "DE"),
        ("Schweiz", "CH"), ("Suisse", "CH"), ("Svizzera", "CH"),
        ("USA", "US"), ("United States", "US"), ("Соединенные Штаты", "US"),
        ("UK", "GB"), ("United Kingdom", "GB"), ("Holland", "NL"),
        ("Грузия", "GE"), ("საქართველო", "GE"), ("Côte d’Ivoire", "CI"), ("Ivory Coast", "CI"),
        ("Czech Republic", "CZ"), ("Czechia", "CZ"), ("Türkiye", "TR"), ("Burma", "MM"),
        ("Kosovo", "XK"),
    ],
)
def test_find_country_in_many_languages(gazetteer: Gazetteer, name: str, code: str) -> None:
    assert gazetteer.find_country(name) == code


@pytest.mark.parametrize(
    ("country", "capital"),
    [("DE", "Berlin"), ("FR", "Paris"), ("CH", "Bern"), ("US", "Washington"),
     ("LI", "Vaduz"), ("CW", "Willemstad"), ("XK", "Pristina")],
)
def test_capital(gazetteer: Gazetteer, country: str, capital: str) -> None:
    found = gazetteer.capital(country)
    assert found is not None
    assert (found.name, found.country) == (capital, country)


def test_countries_without_cities_still_have_a_point(gazetteer: Gazetteer) -> None:
    assert gazetteer.capital("AQ") is None
    point = gazetteer.country_point("AQ")
    assert point is not None
    assert point[0] < -60
    assert gazetteer.country_point("ZZ") is None


def brute_nearest(gazetteer: Gazetteer, lat: float, lon: float, country: str | None) -> City:
    return min((c for c in gazetteer.cities(country)),
               key=lambda c: great_circle_km(lat, lon, c.lat, c.lon))


@pytest.mark.parametrize(
    ("lat", "lon", "country"),
    [(48.57, 7.80, None), (48.57, 7.80, "FR"), (61.0, 100.0, "RU"), (-54.8, -68.3, None),
     (71.0, -156.0, "US"), (0.0, -179.99, None), (-33.9, 151.2, "AU")],
)
def test_nearest_city_is_the_nearest(
    gazetteer: Gazetteer, lat: float, lon: float, country: str | None
) -> None:
    found = gazetteer.nearest_city(lat, lon, country)
    expected = brute_nearest(gazetteer, lat, lon, country)
    assert found is not None
    assert great_circle_km(lat, lon, found.lat, found.lon) == pytest.approx(
        great_circle_km(lat, lon, expected.lat, expected.lon), abs=0.01)


def test_nearest_city_within_a_radius(gazetteer: Gazetteer) -> None:
    assert gazetteer.nearest_city(0.0, -30.0, max_km=30) is None  # mid-Atlantic
    kehl = gazetteer.nearest_city(48.5706, 7.8156, max_km=30)
    assert kehl is not None
    assert kehl.name == "Kehl"


@dataclass(frozen=True)
class Cloud:
    """Every city as arrays, for a brute-force scan per example (a Python loop takes 0.1 s)."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    country: npt.NDArray[np.str_]


@pytest.fixture(scope="module")
def cloud(gazetteer: Gazetteer) -> Cloud:
    cities = list(gazetteer.cities())
    return Cloud(np.array([c.lat for c in cities]), np.array([c.lon for c in cities]),
                 np.array([c.country for c in cities]))


def brute_force(cloud: Cloud, lat: float, lon: float, country: str | None) -> tuple[float, int]:
    """(km, index) of the nearest city (in `country`) by haversine, over every city."""
    inside = np.flatnonzero(cloud.country == country) if country else np.arange(len(cloud.lat))
    p1, p2 = np.radians(lat), np.radians(cloud.lat[inside])
    h = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(cloud.lon[inside] - lon) / 2) ** 2)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return float(km.min()), int(inside[km.argmin()])


@st.composite
def queries(draw: st.DrawFn, cloud: Cloud) -> tuple[float, float, str | None, float]:
    """Mostly within ~5 km of a city (where people are, and where the grid's sub-cells
    decide) and in that city's country or none; else anywhere, in any country or none."""
    countries = sorted(set(cloud.country.tolist()))
    if draw(st.integers(0, 3)):
        at = draw(st.integers(0, len(cloud.lat) - 1))
        lat = min(90.0, max(-90.0, float(cloud.lat[at]) + draw(st.floats(-0.05, 0.05))))
        lon = float(cloud.lon[at]) + draw(st.floats(-0.05, 0.05))
        country = draw(st.sampled_from([None, str(cloud.country[at])]))
    else:
        lat, lon = draw(st.floats(-90, 90)), draw(st.floats(-180, 180))
        country = draw(st.none() | st.sampled_from(countries))
    return lat, lon, country, draw(st.sampled_from([inf, 30.0, 100.0]))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_nearest_city_matches_a_brute_force_scan(
    gazetteer: Gazetteer, cloud: Cloud, data: st.DataObject
) -> None:
    """The grid's answer is as near as the nearest of all cities; ties may go either way."""
    lat, lon, country, max_km = data.draw(queries(cloud))
    found = gazetteer.nearest_city(lat, lon, country, max_km)
    expected = brute_force(cloud, lat, lon, country)[0]
    if found is None:
        assert expected > max_km - 0.01
        return
    assert country in (None, found.country)
    assert great_circle_km(lat, lon, found.lat, found.lon) == pytest.approx(expected, abs=0.01)
