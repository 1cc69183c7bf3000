"""Haversine distance: the same floats as the textbook formula, and known distances."""

from math import asin, cos, pi, radians, sin, sqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.distance import EARTH_RADIUS_KM, great_circle_km

lats = st.floats(-90, 90)
lons = st.floats(-180, 180)


def textbook(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Squares as products: x ** 2 is C's pow(), which may differ from the correctly
    # rounded x * x in the last bit (25, 48.137 to 2, -29.502351474410155 does).
    p1, p2 = radians(lat1), radians(lat2)
    a, b = sin((p2 - p1) / 2), sin(radians(lon2 - lon1) / 2)
    h = a * a + cos(p1) * cos(p2) * (b * b)
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


@settings(max_examples=2000, deadline=None)
@given(lats, lons, lats, lons, st.sampled_from(["any", "near", "antipode"]))
def test_bit_for_bit_the_textbook_formula(
    lat1: float, lon1: float, lat2: float, lon2: float, where: str
) -> None:
    if where == "near":
        lat2, lon2 = lat1 + (lat2 - lat1) * 1e-6, lon1 + (lon2 - lon1) * 1e-6
    elif where == "antipode":
        lat2, lon2 = -lat1 + lat2 * 1e-9, lon1 + 180.0 - lon2 * 1e-9
    assert great_circle_km(lat1, lon1, lat2, lon2) == textbook(lat1, lon1, lat2, lon2)


def test_a_pair_where_pow_and_the_product_differ() -> None:
    assert great_circle_km(25.0, 48.137, 2.0, -29.502351474410155) == textbook(
        25.0, 48.137, 2.0, -29.502351474410155)


def test_known_distances() -> None:
    assert great_circle_km(0.0, 0.0, 0.0, 0.0) == 0.0
    assert great_circle_km(90.0, 0.0, -90.0, 0.0) == pytest.approx(EARTH_RADIUS_KM * pi)
    bern_vaduz = great_circle_km(46.948, 7.447, 47.141, 9.521)
    assert bern_vaduz == pytest.approx(158.9, abs=0.5)
