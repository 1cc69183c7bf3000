"""Coordinates: the country that holds the point, exact at borders, and the city a person
would name for it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import Unprocessable
from app.geo.gazetteer import Gazetteer
from app.geo.resolve import Geo

# Town centres (geonames), a few hundred metres to a few kilometres from a border.
BORDER_TOWNS = [
    ("Kehl", 48.5730, 7.8152, "DE", "Kehl"),
    ("Strasbourg", 48.5839, 7.7455, "FR", "Strasbourg"),
    ("Lörrach", 47.6156, 7.6615, "DE", "Lörrach"),
    ("Basel", 47.5584, 7.5733, "CH", "Basel"),
    ("Aachen", 50.7766, 6.0834, "DE", "Aachen"),
    ("Vaals", 50.7708, 6.0181, "NL", "Vaals"),
    ("Görlitz", 51.1552, 14.9885, "DE", "Görlitz"),
    ("Zgorzelec", 51.1494, 15.0084, "PL", "Zgorzelec"),
    ("El Paso", 31.7587, -106.4869, "US", "El Paso"),
    ("Ciudad Juárez", 31.7202, -106.4608, "MX", "Ciudad Juárez"),
    ("Vaduz", 47.1415, 9.5215, "LI", "Vaduz"),
    ("Baarle-Nassau", 51.4467, 4.9289, "NL", "Baarle-Nassau"),
    ("Geneva", 46.2022, 6.1457, "CH", "Geneva"),
    ("Narva", 59.3772, 28.1903, "EE", "Narva"),
    ("Ivangorod", 59.3767, 28.2231, "RU", "Ivangorod"),
    ("Hanoi", 21.0245, 105.8412, "VN", "Hanoi"),  # its zone is Asia/Bangkok
    ("Bangkok", 13.7540, 100.5014, "TH", "Bangkok"),
    ("Pristina", 42.6727, 21.1669, "XK", "Pristina"),  # its zone is Europe/Belgrade
    ("Belgrade", 44.8040, 20.4651, "RS", "Belgrade"),
]


@pytest.mark.parametrize(("place", "lat", "lon", "country", "city"), BORDER_TOWNS)
def test_border_towns(geo: Geo, place: str, lat: float, lon: float, country: str,
                      city: str) -> None:
    location = geo.from_coordinates(lat, lon)
    assert (location.country, location.city) == (country, city), place
    assert (location.lat, location.lon) == (lat, lon)
    assert (location.source, location.precision) == ("coordinates", "point")


def test_belgian_enclave_in_baarle(geo: Geo) -> None:
    # Baarle-Hertog (BE) is islands inside Baarle-Nassau (NL); the town is too small for
    # the gazetteer, so the city is the nearest Belgian one, but the country is right.
    assert geo.from_coordinates(51.4370, 4.9285).country == "BE"


def test_open_sea_is_in_no_country(geo: Geo) -> None:
    location = geo.from_coordinates(0.0, -30.0)
    assert (location.country, location.city) == (None, None)


def test_a_coastal_point_is_the_nearby_city(geo: Geo) -> None:
    # In the harbour mouth off Marseille: water, but a person there is in France, and the
    # place named is the nearest one ashore (the gazetteer's Le Pharo quarter of Marseille).
    location = geo.from_coordinates(43.2950, 5.3400)
    assert location.country == "FR"
    assert location.city in {"Marseille", "Le Pharo"}


def test_antarctica(geo: Geo) -> None:
    location = geo.from_coordinates(-77.85, 166.67)
    assert (location.country, location.city) == ("AQ", None)


@pytest.mark.parametrize(("lat", "lon"), [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0),
                                          (0.0, -180.0)])
def test_edges_of_the_map(geo: Geo, lat: float, lon: float) -> None:
    assert geo.from_coordinates(lat, lon).lat == lat


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(90.1, 0.0, "lat"), (-91.0, 0.0, "lat"), (0.0, 180.5, "lon"), (0.0, -181.0, "lon"),
     (float("nan"), 0.0, "lat"), (0.0, float("inf"), "lon")],
)
def test_out_of_range_is_422(geo: Geo, lat: float, lon: float, field: str) -> None:
    with pytest.raises(Unprocessable) as raised:
        geo.from_coordinates(lat, lon)
    assert raised.value.status == 422
    assert [e.field for e in raised.value.errors] == [field]


@pytest.fixture(scope="module")
def countries_with_a_point(gazetteer: Gazetteer) -> list[str]:
    return [c for c in gazetteer.countries if gazetteer.country_point(c) is not None]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_capital_resolves_back_to_its_country(
    geo: Geo, countries_with_a_point: list[str], data: st.DataObject
) -> None:
    country = data.draw(st.sampled_from(countries_with_a_point))
    point = geo.gazetteer.country_point(country)
    assert point is not None
    assert geo.from_coordinates(*point).country == country


@settings(max_examples=200, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180))
def test_any_point_resolves(geo: Geo, lat: float, lon: float) -> None:
    location = geo.from_coordinates(lat, lon)
    assert location.country is None or geo.gazetteer.is_country(location.country)
    if location.city is not None:
        assert location.country is not None
