"""The bucket grid finds exactly the nearest point, anywhere on the sphere."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.distance import great_circle_km
from app.geo.grid import PointGrid

lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)
points = st.lists(st.tuples(lats, lons, st.integers(0, 2)), min_size=1, max_size=60)


def brute_force(cloud: list[tuple[float, float, int]], lat: float, lon: float,
                tag: int) -> float | None:
    found = [great_circle_km(lat, lon, p, q) for p, q, t in cloud if tag in (-1, t)]
    return min(found, default=None)


@settings(max_examples=300, deadline=None)
@given(points, lats, lons, st.integers(-1, 2), st.sampled_from([0.5, 2.0, 10.0]))
def test_nearest_matches_brute_force(
    cloud: list[tuple[float, float, int]], lat: float, lon: float, tag: int, cell: float
) -> None:
    grid = PointGrid.build([p[0] for p in cloud], [p[1] for p in cloud],
                           [p[2] for p in cloud], cell_deg=cell, max_rings=3)
    found = grid.nearest(lat, lon, tag)
    expected = brute_force(cloud, lat, lon, tag)
    if expected is None:
        assert found is None
        return
    assert found is not None
    point, km = found
    assert abs(great_circle_km(lat, lon, cloud[point][0], cloud[point][1]) - expected) < 0.01
    assert abs(km - expected) < 0.01


@settings(max_examples=200, deadline=None)
@given(points, lats, lons, st.floats(0, 3000))
def test_max_km_is_a_hard_limit(
    cloud: list[tuple[float, float, int]], lat: float, lon: float, max_km: float
) -> None:
    grid = PointGrid.build([p[0] for p in cloud], [p[1] for p in cloud],
                           [p[2] for p in cloud], cell_deg=1.0, max_rings=4)
    found = grid.nearest(lat, lon, max_km=max_km)
    expected = brute_force(cloud, lat, lon, -1)
    assert expected is not None
    if expected < max_km - 0.01:
        assert found is not None
    if found is not None:
        assert found[1] <= max_km + 0.01


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(lats, lons, st.integers(0, 3)), max_size=300))
def test_points_are_laid_out_cell_by_cell_then_sub_cell_then_id(
    cloud: list[tuple[float, float, int]],
) -> None:
    step = 10.0
    grid = PointGrid.build([p[0] for p in cloud], [p[1] for p in cloud],
                           [p[2] for p in cloud], cell_deg=step)
    assert sorted(grid.order) == list(range(len(cloud)))
    assert grid.first[0] == 0 and grid.first[-1] == len(cloud)
    for cell in range(grid.columns * grid.rows):
        start, end = grid.first[cell], grid.first[cell + 1]
        row, column = divmod(cell, grid.columns)
        for position in range(start, end):
            lat, lon, _ = cloud[grid.order[position]]
            # (within rounding: a point a hair's breadth from an edge may fall on either side)
            assert row * step - 90 - 1e-9 <= lat <= (row + 1) * step - 90 + 1e-9
            assert column * step - 1e-9 <= (lon + 180) % 360 <= (column + 1) * step + 1e-9
        run = [(grid.sub[p], grid.order[p]) for p in range(start, end)]
        assert run == sorted(run)
    assert list(grid.by_tag) == sorted(range(len(cloud)), key=lambda i: (cloud[i][2], i))
    assert [grid.tags[p] for p in range(len(cloud))] == [cloud[i][2] for i in grid.order]


def nearest_id(grid: PointGrid, lat: float, lon: float) -> int | None:
    found = grid.nearest(lat, lon)
    return None if found is None else found[0]


def test_across_the_antimeridian_and_the_pole() -> None:
    grid = PointGrid.build([0.0, 89.9, 10.0], [179.9, -170.0, 0.0], [0, 0, 0])
    assert nearest_id(grid, 0.0, -179.9) == 0
    assert nearest_id(grid, 89.95, 10.0) == 1
    assert nearest_id(grid, -60.0, 1.0) == 2


# Clusters a few km across in dense cells, with a query close to one of their points: the
# common lookup, decided inside the query's own sub-cell.
clustered = st.tuples(st.floats(-89, 89), st.floats(-180, 180)).flatmap(
    lambda centre: st.lists(
        st.tuples(st.floats(centre[0] - 0.05, centre[0] + 0.05),
                  st.floats(centre[1] - 0.05, centre[1] + 0.05), st.integers(0, 2)),
        min_size=1, max_size=80))


@settings(max_examples=300, deadline=None)
@given(clustered, st.data(), st.floats(-0.002, 0.002), st.floats(-0.002, 0.002),
       st.integers(-1, 2))
def test_a_query_beside_a_point_finds_the_nearest(
    cloud: list[tuple[float, float, int]], data: st.DataObject, d_lat: float, d_lon: float,
    tag: int,
) -> None:
    lat, lon, _ = data.draw(st.sampled_from(cloud))
    lat, lon = max(-90.0, min(90.0, lat + d_lat)), lon + d_lon
    grid = PointGrid.build([p[0] for p in cloud], [p[1] for p in cloud],
                           [p[2] for p in cloud], cell_deg=0.5)
    found = grid.nearest(lat, lon, tag)
    expected = brute_force(cloud, lat, lon, tag)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert abs(great_circle_km(lat, lon, cloud[found[0]][0], cloud[found[0]][1])
               - expected) < 0.001
