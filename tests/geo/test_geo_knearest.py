"""The k-nearest index answers exactly as sorting every point by haversine does."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.geo.distance import great_circle_km
from app.geo.knearest import FEW_K, KNearest

# Worldwide, with extra weight where lat/lon cells are awkward: the poles, the antimeridian.
lats = st.one_of(st.floats(-90, 90), st.floats(80, 90), st.floats(-90, -80),
                 st.sampled_from([-90.0, 0.0, 90.0]))
lons = st.one_of(st.floats(-180, 180), st.floats(170, 180), st.floats(-180, -170),
                 st.sampled_from([-180.0, 0.0, 180.0]))
# Repeated coordinates: ties on distance, which go by row.
clouds = st.lists(st.tuples(lats, lons), min_size=1, max_size=60).flatmap(
    lambda c: st.lists(st.sampled_from(c), max_size=10).map(lambda extra: c + extra))


def brute_force(cloud: list[tuple[float, float]], lat: float, lon: float, k: int,
                skip: set[int]) -> list[tuple[float, int]]:
    return sorted((great_circle_km(lat, lon, p, q), n) for n, (p, q) in enumerate(cloud)
                  if n not in skip)[:k]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), cloud=clouds, lat=lats, lon=lons, k=st.integers(0, 30),
       cell=st.sampled_from([10.0, 30.0, 45.0]), k_max=st.integers(1, 8))
def test_nearest_matches_brute_force(
    data: st.DataObject, cloud: list[tuple[float, float]], lat: float, lon: float, k: int,
    cell: float, k_max: int,
) -> None:
    # A small k_max makes short cell lists, so queries also take the read-every-point path.
    skip = data.draw(st.sets(st.integers(0, len(cloud) - 1), max_size=len(cloud)))
    index = KNearest.build([p for p, _ in cloud], [q for _, q in cloud], cell, k_max)
    assert index.nearest(lat, lon, k, skip) == brute_force(cloud, lat, lon, k, skip)


@settings(max_examples=200, deadline=None)
@given(cloud=clouds, lat=lats, lon=lons, k=st.integers(1, 5))
def test_a_query_at_a_point_or_its_antipode(
    cloud: list[tuple[float, float]], lat: float, lon: float, k: int
) -> None:
    index = KNearest.build([p for p, _ in cloud], [q for _, q in cloud])
    for p, q in (cloud[0], (-cloud[0][0], q_antipode(cloud[0][1]))):
        assert index.nearest(p, q, k) == brute_force(cloud, p, q, k, set())


def q_antipode(lon: float) -> float:
    return lon - 180.0 if lon > 0 else lon + 180.0


def test_across_the_antimeridian_and_at_the_poles() -> None:
    index = KNearest.build([0.0, 89.9, -89.9, 10.0, 0.0], [179.9, -170.0, 45.0, 0.0, -179.5])
    assert [n for _, n in index.nearest(0.0, -179.9, 2)] == [0, 4]
    assert [n for _, n in index.nearest(90.0, 0.0, 1)] == [1]
    assert [n for _, n in index.nearest(-90.0, 180.0, 1)] == [2]
    assert [n for _, n in index.nearest(0.0, 180.0, 3, skip={0})] == [4, 1, 2]
    assert index.nearest(0.0, 0.0, 0) == []
    assert KNearest.build([], []).nearest(0.0, 0.0, 3) == []


@settings(max_examples=300, deadline=None)
@given(data=st.data(), cloud=clouds, lat=lats, lon=lons, k=st.integers(1, 4))
def test_a_few_nearest_from_the_fine_cells_match_brute_force(
    data: st.DataObject, cloud: list[tuple[float, float]], lat: float, lon: float, k: int,
) -> None:
    # k + skipped <= FEW_K: answered from the query's fine cell, built on first use; asked
    # twice, so the second answer comes from the cell as kept.
    skip = data.draw(st.sets(st.integers(0, len(cloud) - 1), max_size=FEW_K - k))
    index = KNearest.build([p for p, _ in cloud], [q for _, q in cloud])
    expected = brute_force(cloud, lat, lon, k, skip)
    assert index.nearest(lat, lon, k, skip) == expected
    assert index.nearest(lat, lon, k, skip) == expected
    assert len(index.few) == 1
