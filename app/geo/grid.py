"""Nearest point on the sphere through a lat/lon bucket grid, optionally among one tag.

Points are compared by squared chord length between unit vectors: it orders exactly as
great-circle distance does and costs three subtractions, no trigonometry. Cells are a
dense prefix-sum array (cell k holds order[first[k]:first[k + 1]]): one array read per
cell, where a dict of the occupied cells cost 3 MB more and a hash lookup.

Inside a cell, points are ordered by a 16 x 16 sub-grid (`sub`, row-major), so a search
reads only the sub-rows its circle crosses, found by bisection: in the densest cells (Tokyo,
Madrid, Sydney: ~200 cities each) a lookup visits a handful of points, not all of them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import asin, cos, degrees, floor, inf, pi, radians, sin, sqrt
from typing import Any

from app.geo.distance import EARTH_RADIUS_KM, RADIANS_PER_DEGREE

SUB = 16  # sub-cells along each side of a cell
SMALL = 16  # a cell with at most this many points is read whole: bisecting would cost more
# Widens every search circle by 6 m: points are float32 (0.6 m), and a point on a sub-cell
# edge must not fall out of the circle's box through rounding.
MARGIN_RAD = 1e-6


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    p, q = lat * RADIANS_PER_DEGREE, lon * RADIANS_PER_DEGREE
    cos_p = cos(p)
    return cos_p * cos(q), cos_p * sin(q), sin(p)


def chord2_to_km(chord2: float) -> float:
    half = sqrt(chord2) / 2
    return 2 * EARTH_RADIUS_KM * asin(half if half < 1.0 else 1.0)


@lru_cache(maxsize=16)  # a handful of fixed radii, asked for on every lookup
def km_to_chord2(km: float) -> float:
    return (2 * sin(min(km, EARTH_RADIUS_KM * 3.14159) / (2 * EARTH_RADIUS_KM))) ** 2


@dataclass(frozen=True, slots=True, eq=False)
class PointGrid:
    """Points bucketed by cell; a query may keep only the points with one tag (a country)."""

    cell_deg: float
    columns: int
    rows: int
    first: array[int]  # cell k -> its first position in `order`; one extra entry at the end
    order: array[int]  # point ids, cell by cell, sub-cell by sub-cell within a cell
    sub: array[int]  # in `order` order: the sub-cell (row * SUB + column) within its cell
    tags: array[int]  # in `order` order
    xs: array[float]  # unit vectors in `order` order (float32: 0.6 m at worst)
    ys: array[float]
    zs: array[float]
    rings: tuple[tuple[tuple[int, int], ...], ...]  # (row, column) offsets of each ring
    lats: Sequence[float]  # as given: the rare linear scan reads them
    lons: Sequence[float]
    by_tag: array[int]  # point ids grouped by tag
    tag_spans: dict[int, tuple[int, int]]  # tag -> its run in `by_tag`

    @classmethod
    def build(cls, lats: Sequence[float], lons: Sequence[float], tags: Sequence[int],
              cell_deg: float = 0.5, max_rings: int = 6) -> PointGrid:
        """Index the points: every step writes typed arrays, sorting by counting, so that no
        list of one Python object per point is ever made (for the gazetteer's 70k cities
        those cost ~11 MiB that the allocator kept resident after they were freed)."""
        columns, rows = round(360 / cell_deg), round(180 / cell_deg)
        count = len(lats)
        keys, subs = _zeros("I", count), _zeros("B", count)
        for point in range(count):
            row, column = _fine(lats[point], lons[point], cell_deg, columns, rows)
            keys[point] = (row // SUB) * columns + column // SUB
            subs[point] = row % SUB * SUB + column % SUB
        first = _starts(keys, columns * rows)
        # Two stable counting sorts: by sub-cell, then by cell; ties stay in id order.
        by_sub = _counting_sort(range(count), subs, _starts(subs, SUB * SUB))
        order = _counting_sort(by_sub, keys, array("I", first))
        vectors = [_zeros("f", count) for _ in range(3)]
        for position, point in enumerate(order):
            (vectors[0][position], vectors[1][position],
             vectors[2][position]) = unit_vector(lats[point], lons[point])
        by_tag = _counting_sort(range(count), tags, _starts(tags, max(tags, default=0) + 1))
        xs, ys, zs = vectors
        return cls(cell_deg, columns, rows, first, order, array("B", (subs[i] for i in order)),
                   array("B", (tags[i] for i in order)), xs, ys, zs, _rings(max_rings),
                   lats, lons, by_tag, _spans(by_tag, tags))

    def to_arrays(self) -> dict[str, array[Any]]:
        """What `from_arrays` needs besides the points, for a file (app/geo/prebuilt.py)."""
        tags = sorted(self.tag_spans)
        return {
            "first": self.first, "order": self.order, "sub": self.sub, "tags": self.tags,
            "xs": self.xs, "ys": self.ys, "zs": self.zs, "by_tag": self.by_tag,
            "shape": array("d", (self.cell_deg, self.columns, self.rows,
                                 len(self.rings) - 1)),
            "span_tags": array("I", tags),
            "span_starts": array("I", (self.tag_spans[t][0] for t in tags)),
            "span_ends": array("I", (self.tag_spans[t][1] for t in tags)),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, array[Any]], lats: Sequence[float],
                    lons: Sequence[float]) -> PointGrid:
        """The grid `to_arrays` wrote for these points, without building it again."""
        a = arrays
        cell_deg, columns, rows, max_rings = a["shape"]
        spans = {tag: (start, end) for tag, start, end
                 in zip(a["span_tags"], a["span_starts"], a["span_ends"], strict=True)}
        return cls(cell_deg, int(columns), int(rows), a["first"], a["order"], a["sub"],
                   a["tags"], a["xs"], a["ys"], a["zs"], _rings(int(max_rings)), lats, lons,
                   a["by_tag"], spans)

    def nearest(self, lat: float, lon: float, tag: int = -1,
                max_km: float = inf) -> tuple[int, float] | None:
        """(point id, km) of the nearest point (with `tag` unless -1) within `max_km`."""
        found = self.nearest_chord2(lat, lon, tag, max_km)
        return None if found is None else (found[0], chord2_to_km(found[1]))

    def nearest_chord2(self, lat: float, lon: float, tag: int = -1,
                       max_km: float = inf) -> tuple[int, float] | None:
        """As `nearest`, with the squared chord for the distance: for callers that need
        only the point, the conversion to km is work thrown away."""
        lon = (lon + 180.0) % 360.0 - 180.0
        p, q = lat * RADIANS_PER_DEGREE, lon * RADIANS_PER_DEGREE  # unit_vector, written out:
        cos_p = cos(p)  # the bound below wants cos_p too
        x, y, z = cos_p * cos(q), cos_p * sin(q), sin(p)
        limit = km_to_chord2(max_km) if max_km < inf else 5.0
        fine_row, fine_column = _fine(lat, lon, self.cell_deg, self.columns, self.rows)
        row, column = fine_row // SUB, fine_column // SUB
        first, columns, rows = self.first, self.columns, self.rows
        start, end = first[row * columns + column], first[row * columns + column + 1]
        best, best_at, searched = limit, -1, -1  # `searched`: rings of whole cells read
        if end - start > SMALL:  # a dense cell: the query's own sub-cell gives a first bound
            own = fine_row % SUB * SUB + fine_column % SUB
            start = bisect_left(self.sub, own, start, end)
            end = bisect_left(self.sub, own + 1, start, end)
            best, best_at = self._scan(x, y, z, start, end, tag, best, best_at)
            if best_at >= 0 and best < _sub_cell_gap2(lat, lon, cos_p, fine_row, fine_column,
                                                      self.cell_deg / SUB):
                return self.order[best_at], best  # no other sub-cell is nearer
        while best_at < 0:
            searched += 1
            if searched == len(self.rings):  # past the last ring (open sea, Siberia)
                return self._linear(x, y, z, tag, limit)
            for d_row, d_column in self.rings[searched]:
                if 0 <= row + d_row < rows:
                    key = (row + d_row) * columns + (column + d_column) % columns
                    best, best_at = self._scan(x, y, z, first[key], first[key + 1],
                                               tag, best, best_at)
            outside = self._outside_chord2(lat, lon, (row, column), searched, self.cell_deg)
            if best_at < 0 and outside >= limit:
                return None
            if best_at >= 0 and best < outside:
                return self.order[best_at], best  # no other cell is nearer
        # Only points inside the bound's circle can be nearer: read each one of them.
        best, best_at = self._scan_circle(x, y, z, lat, lon, (row, column, searched),
                                          tag, best, best_at)
        return self.order[best_at], best

    def _scan(self, x: float, y: float, z: float, start: int, end: int, tag: int,
              best: float, best_at: int) -> tuple[float, int]:
        xs, ys, zs, tags = self.xs, self.ys, self.zs, self.tags
        for i in range(start, end):
            if tag >= 0 and tags[i] != tag:
                continue
            dx, dy, dz = xs[i] - x, ys[i] - y, zs[i] - z
            d = dx * dx + dy * dy + dz * dz  # x * x: half the cost of x ** 2 (a pow call)
            if d < best:
                best, best_at = d, i
        return best, best_at

    def _scan_circle(self, x: float, y: float, z: float, lat: float, lon: float,
                     searched: tuple[int, int, int], tag: int,
                     best: float, best_at: int) -> tuple[float, int]:
        """Scan the sub-cells of the lat/lon box around the circle of radius `best`, skipping
        the square of `ring` rings of whole cells around (row, column) already searched."""
        row, column, ring = searched
        fine, columns = self.cell_deg / SUB, self.columns
        angle = 2.0 * asin(min(1.0, sqrt(best) / 2.0)) + MARGIN_RAD
        d_lat, coslat = degrees(angle), cos(radians(lat))
        if angle < pi / 2 and sin(angle) < coslat:
            d_lon = degrees(asin(sin(angle) / coslat))
            west, east = floor((lon - d_lon + 180.0) / fine), floor((lon + d_lon + 180.0) / fine)
        else:  # the circle reaches a pole: every longitude
            west, east = 0, columns * SUB - 1
        south = max(floor((lat - d_lat + 90.0) / fine), 0)
        north = min(floor((lat + d_lat + 90.0) / fine), self.rows * SUB - 1)
        for r in range(south // SUB, north // SUB + 1):
            sub_rows = max(south - r * SUB, 0), min(north - r * SUB, SUB - 1)
            for c in range(west // SUB, east // SUB + 1):
                if abs(r - row) > ring or abs(c - column) > ring:
                    sub_columns = max(west - c * SUB, 0), min(east - c * SUB, SUB - 1)
                    best, best_at = self._scan_cell(x, y, z, r * columns + c % columns,
                                                    (sub_rows, sub_columns), tag, best, best_at)
        return best, best_at

    def _scan_cell(self, x: float, y: float, z: float, key: int,
                   box: tuple[tuple[int, int], tuple[int, int]], tag: int,
                   best: float, best_at: int) -> tuple[float, int]:
        """Scan cell `key`'s sub-cells in ((first, last row), (first, last column))."""
        start, end = self.first[key], self.first[key + 1]
        if end - start <= SMALL:
            return self._scan(x, y, z, start, end, tag, best, best_at)
        (top, bottom), (left, right) = box
        sub = self.sub
        if left == 0 and right == SUB - 1:  # whole sub-rows follow each other: one run
            start = bisect_left(sub, top * SUB, start, end)
            end = bisect_left(sub, (bottom + 1) * SUB, start, end)
            return self._scan(x, y, z, start, end, tag, best, best_at)
        for sub_row in range(top, bottom + 1):
            at = bisect_left(sub, sub_row * SUB + left, start, end)
            to = bisect_left(sub, sub_row * SUB + right + 1, at, end)
            best, best_at = self._scan(x, y, z, at, to, tag, best, best_at)
        return best, best_at

    def _linear(self, x: float, y: float, z: float, tag: int,
                limit: float) -> tuple[int, float] | None:
        """Past the last ring (open sea, Siberia, Antarctica): scan the tag's points."""
        start, end = self.tag_spans.get(tag, (0, 0)) if tag >= 0 else (0, len(self.by_tag))
        best, best_at = limit, -1
        for point in self.by_tag[start:end]:
            px, py, pz = unit_vector(self.lats[point], self.lons[point])
            d = (px - x) ** 2 + (py - y) ** 2 + (pz - z) ** 2
            if d < best:
                best, best_at = d, point
        return None if best_at < 0 else (best_at, best)

    @staticmethod
    def _outside_chord2(lat: float, lon: float, cell: tuple[int, int], ring: int,
                        step: float) -> float:
        """A lower bound on the squared chord to any point outside the window of `ring`
        rings around `cell` (row, column) in a grid of `step` degrees."""
        # Conditional expressions, not min() and max(): a lookup from coordinates makes up to
        # three of these bounds, and the builtin calls were a third of their cost.
        row, column = cell
        south, north = (row - ring) * step - 90.0, (row + ring + 1) * step - 90.0
        below = lat - south if south > -90.0 else 180.0
        above = north - lat if north < 90.0 else 180.0
        west = lon - ((column - ring) * step - 180.0)
        east = (column + ring + 1) * step - 180.0 - lon
        lon_gap = west if west < east else east
        lat_angle = (below if below < above else above) * RADIANS_PER_DEGREE
        # The nearest meridian outside the window is at the cross-track angle; for gaps past
        # 90 degrees that is the angle to the pole.
        lon_angle = asin(cos(lat * RADIANS_PER_DEGREE)
                         * sin((lon_gap if lon_gap < 90.0 else 90.0) * RADIANS_PER_DEGREE))
        angle = (lat_angle if lat_angle < lon_angle else lon_angle) - MARGIN_RAD
        if angle <= 0.0:
            return 0.0
        return 2.0 - 2.0 * cos(angle) if angle < 3.14159 else 5.0


def _sub_cell_gap2(lat: float, lon: float, cos_lat: float, fine_row: int, fine_column: int,
                   fine: float) -> float:
    """A lower bound on the squared chord from a point to anything outside its sub-cell
    (`fine` degrees a side): what `_outside_chord2` gives for one cell, without its four
    trigonometric calls, a third of the cost of the common lookup of the nearest city.

    Every angle here is at most f = `fine` in radians, where sin(g) >= g (1 - f^2 / 6),
    asin(v) >= v and 4 sin^2(a / 2) >= a^2 (1 - f^2 / 12): the cross-track angle and the
    squared chord are taken at 1 - f^2 of their small-angle values (1 - 3e-7 for 0.03 deg)."""
    south, west = fine_row * fine - 90.0, fine_column * fine - 180.0
    below = lat - south if south > -90.0 else 180.0
    above = south + fine - lat if south + fine < 90.0 else 180.0
    west_gap, east_gap = lon - west, west + fine - lon
    lat_gap = below if below < above else above
    f = fine * RADIANS_PER_DEGREE
    slack = 1.0 - f * f
    cross = cos_lat * (west_gap if west_gap < east_gap else east_gap) * slack
    angle = (lat_gap if lat_gap < cross else cross) * RADIANS_PER_DEGREE - MARGIN_RAD
    return angle * angle * slack if angle > 0.0 else 0.0


def _rings(count: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Offsets of the cells on each square ring around a cell, nearest ring first."""
    return tuple(
        tuple((dr, dc) for dr in range(-r, r + 1) for dc in range(-r, r + 1)
              if max(abs(dr), abs(dc)) == r)
        for r in range(count + 1)
    )


def _zeros(typecode: str, count: int) -> array[Any]:
    """A zero-filled array made in one allocation (no temporary bytes or list)."""
    return array(typecode, [0]) * count


def _starts(keys: Sequence[int], buckets: int) -> array[int]:
    """Prefix sums of the key counts: bucket k's run starts at [k], ends at [k + 1]."""
    starts = _zeros("I", buckets + 1)
    for key in keys:
        starts[key + 1] += 1
    for bucket in range(1, buckets + 1):
        starts[bucket] += starts[bucket - 1]
    return starts


def _counting_sort(items: Iterable[int], keys: Sequence[int], starts: array[int]) -> array[int]:
    """`items` (ids into `keys`) stably ordered by key; `starts` from `_starts`, consumed."""
    out = _zeros("I", starts[-1])
    for item in items:
        key = keys[item]
        out[starts[key]] = item
        starts[key] += 1
    return out


def _spans(by_tag: Sequence[int], tags: Sequence[int]) -> dict[int, tuple[int, int]]:
    spans: dict[int, tuple[int, int]] = {}
    for position, point in enumerate(by_tag):
        start = spans.get(tags[point], (position, position))[0]
        spans[tags[point]] = (start, position + 1)
    return spans


def _fine(lat: float, lon: float, step: float, columns: int, rows: int) -> tuple[int, int]:
    """(row, column) of the sub-cell holding the point, counted over the whole grid."""
    fine, last = step / SUB, rows * SUB - 1
    row = int((lat + 90) / fine)
    row = 0 if row < 0 else last if row > last else row
    return row, int((lon + 180) / fine) % (columns * SUB)
