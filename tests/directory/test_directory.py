"""Loading the directory: indexes, look-ups, and overrides merged at start-up."""

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.directory.directory import Directory, DirectoryError
from app.directory.schema import schema_errors
from app.errors import NotFound
from app.geo.distance import great_circle_km

from .factory import write_json


def test_the_indexes(directory: Directory) -> None:
    assert directory.resident["CH"].id == "ch-bern-embassy"
    assert directory.accredited["LI"].id == "ch-bern-embassy"
    assert directory.resident["GE"].id == "ge-tbilisi-interests_section"
    assert "UA" not in directory.resident  # the Kyiv embassy is closed
    assert [r.id for r in directory.records] == sorted(r.id for r in directory.records)
    germany = {r.id for r in directory.in_country("DE")}
    assert {"de-berlin-embassy", "de-bonn-consulate_general",
            "de-munich-consulate_general"} <= germany
    assert [r.id for r in directory.select(country="DE", kind="embassy")] == [
        "de-berlin-embassy"]
    assert "ch-bern-embassy" in {r.id for r in directory.serving("LI")}


def test_an_unknown_id_is_not_found(directory: Directory) -> None:
    with pytest.raises(NotFound):
        directory.get("zz-nowhere-embassy")
    assert directory.find("zz-nowhere-embassy") is None
    assert directory.get("ch-bern-embassy").city == "Bern"


def test_the_directory_is_read_only(directory: Directory) -> None:
    with pytest.raises(TypeError):
        directory.by_id["x"] = directory.get("ch-bern-embassy")  # type: ignore[index]
    with pytest.raises(AttributeError):
        directory.records = ()  # type: ignore[misc]


def _load(tmp_path: Path, shipped: Path, overrides: object) -> Directory:
    return Directory.load(shipped, write_json(tmp_path / "overrides.json", overrides))


def test_an_override_corrects_a_field(tmp_path: Path, shipped: Path) -> None:
    d = _load(tmp_path, shipped, [{"id": "ch-bern-embassy", "address": "Corrected 1, Bern",
                                   "sources": {"address": ["https://example.org/a"]}}])
    bern = d.get("ch-bern-embassy")
    assert bern.address == "Corrected 1, Bern"
    assert bern.sources.address == ["https://example.org/a"]
    assert bern.sources.emails  # other facts' sources are kept
    assert bern.updated_at == date.today()


def test_an_override_retires_addresses(tmp_path: Path, shipped: Path) -> None:
    d = _load(tmp_path, shipped, [{"id": "de-berlin-embassy", "emails": []}])
    berlin = d.get("de-berlin-embassy")
    assert berlin.emails == [] and berlin.email_roles == {}


def test_an_override_adds_a_record(tmp_path: Path, shipped: Path) -> None:
    new = {
        "id": "li-vaduz-consulate", "kind": "consulate", "name": "Test consulate",
        "country": "LI", "city": "Vaduz", "lat": 47.141, "lon": 9.521,
        "coord_precision": "city", "accredited_to": ["LI"], "status": "open",
        "sources": {"existence": ["https://example.org/test"]},
    }
    d = _load(tmp_path, shipped, [new])
    assert d.get("li-vaduz-consulate").updated_at == date.today()
    assert [r.id for r in d.in_country("LI")] == ["li-vaduz-consulate"]
    # A consulate is not an embassy: Liechtenstein is still served from Bern.
    assert d.accredited["LI"].id == "ch-bern-embassy" and "LI" not in d.resident


def test_an_override_can_close_a_mission(tmp_path: Path, shipped: Path) -> None:
    d = _load(tmp_path, shipped, [{"id": "ch-bern-embassy", "status": "suspended"}])
    assert "CH" not in d.resident and "LI" not in d.accredited


@pytest.mark.parametrize(("overrides", "names"), [
    ([{"id": "ch-bern-embassy", "lat": "north"}], ["ch-bern-embassy", "field lat"]),
    ([{"id": "ch-bern-embassy", "colour": "red"}], ["ch-bern-embassy", "'colour'"]),
    ([{"id": "ch-bern-embassy", "status": "gone"}], ["ch-bern-embassy", "field status"]),
    ([{"id": "xx-nowhere-embassy", "city": "Nowhere"}],
     ["new record xx-nowhere-embassy", "'kind' is a required property"]),
    ([{"city": "Bern"}], ["record #0", "'id' is a required property"]),
    ({"id": "ch-bern-embassy"}, ["file", "is not of type 'array'"]),
])
def test_invalid_overrides_fail_at_start_up_naming_record_and_field(
    tmp_path: Path, shipped: Path, overrides: object, names: list[str]
) -> None:
    with pytest.raises(DirectoryError) as caught:
        _load(tmp_path, shipped, overrides)
    message = str(caught.value)
    assert all(name in message for name in names), message


def test_the_shipped_file_meets_the_schema(shipped: Path) -> None:
    # Start-up leaves the shipped file to the model, trusting this check and the build's.
    assert schema_errors(json.loads(shipped.read_text(encoding="utf-8"))) == []


def test_another_directory_file_is_held_to_the_schema_at_start_up(
    tmp_path: Path, shipped: Path
) -> None:
    rows = json.loads(shipped.read_text(encoding="utf-8"))
    bern = next(r for r in rows if r["id"] == "ch-bern-embassy")
    bern["lat"] = 123.0  # a float the model takes, out of the schema's range
    own = write_json(tmp_path / "embassies.json", rows)
    with pytest.raises(DirectoryError) as caught:
        Directory.load(own)
    assert "record ch-bern-embassy field lat" in str(caught.value)


def test_an_unreadable_overrides_file_fails_at_start_up(tmp_path: Path, shipped: Path) -> None:
    broken = tmp_path / "overrides.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(DirectoryError, match="cannot read"):
        Directory.load(shipped, broken)


# --- ranking by distance ----------------------------------------------------------------

def reference(directory: Directory, lat: float, lon: float, limit: int, embassy_level: bool,
              first_country: str | None, exclude: list[str]) -> list[tuple[str, float]]:
    """Every open record measured, sorted as `nearest` promises: no index involved."""
    rows = [r for r in directory.records if r.is_open and r.id not in exclude
            and (r.is_embassy_level or not embassy_level)]
    ranked = sorted(rows, key=lambda r: (r.country != first_country,
                                         great_circle_km(lat, lon, r.lat, r.lon), r.id))
    return [(r.id, great_circle_km(lat, lon, r.lat, r.lon)) for r in ranked[:limit]]


world_lats = st.one_of(st.floats(-90, 90), st.floats(80, 90), st.floats(-90, -80))
world_lons = st.one_of(st.floats(-180, 180), st.floats(170, 180), st.floats(-180, -170))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), lat=world_lats, lon=world_lons, limit=st.integers(0, 25),
       embassy_level=st.booleans())
def test_nearest_is_every_open_record_sorted_by_distance(
    directory: Directory, data: st.DataObject, lat: float, lon: float, limit: int,
    embassy_level: bool,
) -> None:
    ids = [r.id for r in directory.records]
    near_here = directory.nearest(lat, lon, 3)
    first_country = data.draw(st.sampled_from(
        [None, "ZZ", "DE", "US", "CN", "TR", *(r.country for r, _ in near_here)]))
    exclude = data.draw(st.lists(st.sampled_from([*ids, *(r.id for r, _ in near_here),
                                                  "zz-nowhere-embassy"]), max_size=3))
    found = directory.nearest(lat, lon, limit, embassy_level=embassy_level,
                              first_country=first_country, exclude=exclude)
    assert [(r.id, km) for r, km in found] == reference(
        directory, lat, lon, limit, embassy_level, first_country, exclude)
