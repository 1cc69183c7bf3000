"""The recipient policy on the real directory: named cases, then properties."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.directory.directory import Directory
from app.directory.policy import Choice, PolicyKind, choose
from app.geo.distance import great_circle_km
from app.geo.types import Location

from .factory import write_json


def at(lat: float, lon: float, country: str | None) -> Location:
    return Location(lat, lon, country, None, "coordinates", "point")


def ids(choices: list[Choice]) -> list[str]:
    return [c.embassy.id for c in choices]


def test_liechtenstein_is_served_from_bern(directory: Directory) -> None:
    first = choose(directory, at(47.141, 9.521, "LI"))[0]
    assert first.embassy.id == "ch-bern-embassy"
    assert first.reason == "embassy in Bern, accredited to Liechtenstein"
    assert 150 < first.distance_km < 165


def test_a_swiss_point_gets_bern(directory: Directory) -> None:
    first = choose(directory, at(47.56, 7.59, "CH"), limit=1)[0]  # Basel
    assert (first.embassy.id, first.reason) == ("ch-bern-embassy", "embassy in your country")


def test_ukraine_gets_the_nearest_open_embassy_never_kyiv(directory: Directory) -> None:
    results = choose(directory, at(50.45, 30.52, "UA"), limit=20)
    assert results[0].reason == "no diplomatic relations: nearest embassy"
    assert "ua-kyiv-embassy" not in ids(results)
    assert results[0].distance_km == min(c.distance_km for c in results)
    assert all(c.embassy.is_open for c in results)


def test_georgia_gets_the_interests_section(directory: Directory) -> None:
    first = choose(directory, at(41.72, 44.79, "GE"))[0]
    assert first.embassy.id == "ge-tbilisi-interests_section"
    assert first.reason == "interests section in your country: it stands in for an embassy"


@pytest.mark.parametrize(("lat", "lon"), [(50.11, 8.68), (48.14, 11.58), (53.55, 9.99),
                                          (51.34, 12.37)])  # Frankfurt, Munich, Hamburg, Leipzig
def test_closed_consulates_are_never_chosen(directory: Directory, lat: float,
                                            lon: float) -> None:
    kinds: list[PolicyKind] = ["embassy", "any"]
    for kind in kinds:
        results = choose(directory, at(lat, lon, "DE"), kind, limit=20)
        assert all(c.embassy.status == "open" for c in results)
    closed = {r.id for r in directory.records if r.status != "open"}
    everywhere = choose(directory, at(lat, lon, None), "any", limit=20)
    assert not closed & set(ids(everywhere))


@pytest.mark.parametrize(("lat", "lon", "expected"), [
    (50.94, 6.96, ["de-bonn-consulate_general", "de-berlin-embassy"]),  # Cologne
    (53.55, 9.99, ["de-berlin-embassy", "de-bonn-consulate_general"]),  # Hamburg
])
def test_any_in_germany_lists_berlin_and_bonn_first_by_distance(
    directory: Directory, lat: float, lon: float, expected: list[str]
) -> None:
    results = choose(directory, at(lat, lon, "DE"), "any", limit=5)
    assert ids(results)[:2] == expected
    assert results[0].distance_km <= results[1].distance_km
    assert all(c.embassy.country != "DE" for c in results[2:])
    assert results[0].reason.endswith("in your country")


@pytest.mark.parametrize(("country", "lat", "lon", "first", "reason"), [
    ("XK", 42.66, 21.16, "rs-belgrade-embassy", "Russia does not recognise Kosovo"),
    ("HK", 22.30, 114.17, "cn-beijing-embassy", "embassy in China, covering Hong Kong"),
    ("BT", 27.47, 89.64, "in-new-delhi-embassy", "no diplomatic relations with Bhutan"),
    ("PS", 31.90, 35.20, "ps-ramallah-representative_office", "representative office in your"),
    ("TW", 25.03, 121.56, None, "no diplomatic relations: nearest embassy"),
    ("EH", 27.15, -13.20, None, "no embassy covers Western Sahara: nearest embassy"),
    (None, 0.0, -30.0, None, "no country at this point: nearest embassy"),
])
def test_special_places(directory: Directory, country: str | None, lat: float, lon: float,
                        first: str | None, reason: str) -> None:
    result = choose(directory, at(lat, lon, country))[0]
    assert result.reason.startswith(reason)
    if first is not None:
        assert result.embassy.id == first


def test_a_suspended_embassy_is_skipped_and_the_reason_says_so(
    tmp_path: Path, shipped: Path
) -> None:
    overrides = write_json(tmp_path / "o.json", [{"id": "ch-bern-embassy",
                                                  "status": "suspended"}])
    d = Directory.load(shipped, overrides)
    for country in ("CH", "LI"):
        results = choose(d, at(46.95, 7.45, country), limit=20)
        assert "ch-bern-embassy" not in ids(results)
    assert choose(d, at(46.95, 7.45, "CH"))[0].reason == (
        "the embassy in Bern is suspended: nearest embassy")


def test_limits_and_kinds(directory: Directory) -> None:
    assert choose(directory, at(46.95, 7.45, "CH"), limit=0) == []
    assert len(choose(directory, at(46.95, 7.45, "CH"), limit=20)) == 20
    with pytest.raises(ValueError, match="kind"):
        choose(directory, at(46.95, 7.45, "CH"), "consulate")  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------

def _residents(directory: Directory) -> list[str]:
    return sorted(c for c, r in directory.resident.items()
                  if r.is_embassy_level and directory.relations.home(c) == c)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dlat=st.floats(-0.3, 0.3), dlon=st.floats(-0.3, 0.3),
       limit=st.integers(1, 20))
def test_a_country_with_its_own_embassy_gets_it_first(
    directory: Directory, data: st.DataObject, dlat: float, dlon: float, limit: int
) -> None:
    country = data.draw(st.sampled_from(_residents(directory)))
    embassy = directory.resident[country]
    results = choose(directory, at(embassy.lat + dlat, embassy.lon + dlon, country),
                     "embassy", limit)
    assert results[0].embassy == embassy
    assert results[0].reason in ("embassy in your country",
                                 "interests section in your country: it stands in for an embassy")


COUNTRIES = st.sampled_from([None, "CH", "LI", "DE", "UA", "GE", "XK", "PS", "HK", "AX",
                             "TW", "YE", "RU", "AD", "EH", "US", "BR", "ZZ"])


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-85, 85), lon=st.floats(-180, 180), country=COUNTRIES,
       kind=st.sampled_from(["embassy", "any"]), limit=st.integers(1, 20))
def test_results_are_ordered_as_the_policy_says(
    directory: Directory, lat: float, lon: float, country: str | None, kind: PolicyKind,
    limit: int,
) -> None:
    results = choose(directory, at(lat, lon, country), kind, limit)
    assert 1 <= len(results) <= limit
    assert len(set(ids(results))) == len(results)
    assert all(c.embassy.is_open for c in results)
    for c in results:
        assert c.distance_km == pytest.approx(
            great_circle_km(lat, lon, c.embassy.lat, c.embassy.lon), abs=1e-6)
    if kind == "embassy":
        # the policy pick first, then the next nearest embassies by distance
        assert all(c.embassy.is_embassy_level for c in results[1:])
        _non_decreasing(results[1:])
        if results[0].reason.endswith(": nearest embassy"):  # distance decided from the start
            _non_decreasing(results)
    else:
        home = directory.relations.home(country)
        inside = [c for c in results if c.embassy.country == home]
        assert results[: len(inside)] == inside  # the person's country first
        open_inside = [r for r in directory.in_country(home or "") if r.is_open]
        assert len(inside) == min(limit, len(open_inside))
        _non_decreasing(inside)
        _non_decreasing(results[len(inside):])


def _non_decreasing(results: list[Choice]) -> None:
    distances = [c.distance_km for c in results]
    assert distances == sorted(distances)
