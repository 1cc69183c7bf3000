"""The derived indexes read back from their file are the ones a build makes, and a file
that is missing, stale, cut short or cannot be written only costs a build."""

from dataclasses import replace
from pathlib import Path

import pytest

from app.geo import prebuilt
from app.geo.borders import shared_zones, zone_countries
from app.geo.gazetteer import DATA_FILE, Gazetteer
from app.geo.grid import PointGrid
from app.geo.packed import Packed, read_packed
from app.geo.prebuilt import Derived, derived, fingerprint
from app.geo.resolve import Geo


@pytest.fixture(scope="module")
def packed() -> Packed:
    return read_packed(DATA_FILE)


@pytest.fixture(scope="module")
def zones() -> dict[str, str]:
    return zone_countries()


@pytest.fixture(scope="module")
def built(packed: Packed, zones: dict[str, str]) -> Derived:
    gazetteer = Gazetteer.from_packed(packed)
    return Derived(Gazetteer.grid_of(packed), shared_zones(gazetteer.points(), zones))


def assert_same(found: Derived, expected: Derived) -> None:
    assert found.grid.to_arrays() == expected.grid.to_arrays()
    assert found.grid.rings == expected.grid.rings
    assert found.grid.tag_spans == expected.grid.tag_spans
    assert found.shared == expected.shared


def test_the_file_gives_back_what_was_built(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived
) -> None:
    path = tmp_path / "derived.bin"
    first = derived(packed, zones, path)
    assert path.exists()
    assert_same(first, built)
    read = derived(packed, zones, path)
    assert read.grid is not first.grid  # read, not the same object
    assert_same(read, built)
    assert built.shared["Asia/Jerusalem"] >= {"IL", "PS"}  # the table holds real entries


def test_lookups_through_the_read_grid_match_the_built_one(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived
) -> None:
    path = tmp_path / "derived.bin"
    derived(packed, zones, path)
    read = derived(packed, zones, path).grid
    for lat, lon, tag in [(48.57, 7.81, -1), (47.61, 7.66, 0), (-33.9, 18.4, -1),
                          (71.0, 100.0, -1), (0.0, -160.0, -1), (35.68, 139.76, -1)]:
        assert read.nearest(lat, lon, tag) == built.grid.nearest(lat, lon, tag)


def test_another_fingerprint_is_built_again_and_rewritten(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived
) -> None:
    path = tmp_path / "derived.bin"
    derived(packed, {**zones, "Atlantis/Capital": "DE"}, path)  # other inputs
    before = path.read_bytes()
    assert_same(derived(packed, zones, path), built)
    assert path.read_bytes() != before  # rewritten for these inputs
    assert read_packed(path).meta["fingerprint"] == fingerprint(packed, zones)


def test_a_change_of_any_point_changes_the_fingerprint(
    packed: Packed, zones: dict[str, str]
) -> None:
    lats = packed.arrays["city_lat"][:]
    lats[12345] += 1e-9
    moved = replace(packed, arrays={**packed.arrays, "city_lat": lats})
    assert fingerprint(moved, zones) != fingerprint(packed, zones)


@pytest.mark.parametrize("damage", [b"", b"GEOPACK1", b"not a packed file at all"])
def test_a_damaged_file_is_built_again(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived, damage: bytes
) -> None:
    path = tmp_path / "derived.bin"
    derived(packed, zones, path)
    path.write_bytes(damage or path.read_bytes()[: path.stat().st_size // 2])
    assert_same(derived(packed, zones, path), built)
    assert_same(derived(packed, zones, path), built)  # and the file is whole again


def test_a_place_that_cannot_be_written_only_costs_a_build(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived
) -> None:
    blocked = tmp_path / "a-file"  # where the folder should be: not writable, even by root
    blocked.write_text("")
    assert_same(derived(packed, zones, blocked / "derived.bin"), built)
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_write_that_fails_leaves_no_partial_file(
    tmp_path: Path, packed: Packed, zones: dict[str, str], built: Derived,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prebuilt.os, "replace", fail)
    assert_same(derived(packed, zones, tmp_path / "derived.bin"), built)
    assert list(tmp_path.iterdir()) == []


def test_geo_loads_through_the_file(tmp_path: Path, geo: Geo) -> None:
    path = tmp_path / "derived.bin"
    first, second = Geo.load(path), Geo.load(path)
    for loaded in (first, second):
        assert loaded.from_coordinates(48.5705, 7.8152) == geo.from_coordinates(48.5705, 7.8152)
        assert loaded.borders.shared == geo.borders.shared


def test_a_grid_survives_its_arrays() -> None:
    lats, lons, tags = [0.0, 10.0, -45.0, 89.9], [0.0, 170.0, -60.0, 5.0], [0, 1, 1, 2]
    grid = PointGrid.build(lats, lons, tags, cell_deg=2.0, max_rings=3)
    again = PointGrid.from_arrays(grid.to_arrays(), lats, lons)
    assert again.to_arrays() == grid.to_arrays()
    assert (again.cell_deg, again.columns, again.rows) == (2.0, 180, 90)
    assert again.rings == grid.rings and again.tag_spans == grid.tag_spans
    assert again.nearest(1.0, 1.0) == grid.nearest(1.0, 1.0)
