"""Nearest point on the sphere through a lat/lon bucket grid, optionally within a group.

Points are compared by squared chord length between unit vectors: it orders exactly as
great-circle distance does and costs three subtractions, no trigonometry.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from math import asin, cos, degrees, floor, inf, radians, sin, sqrt

from app.geo.distance import EARTH_RADIUS_KM

_COUNT_BITS = 24  # a cell's (start, count) packed in one int: keeps the dict small
_COUNT_MASK = (1 << _COUNT_BITS) - 1


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    p, q = radians(lat), radians(lon)
    return cos(p) * cos(q), cos(p) * sin(q), sin(p)


def chord2_to_km(chord2: float) -> float:
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(chord2) / 2))


def km_to_chord2(km: float) -> float:
    return (2 * sin(min(km, EARTH_RADIUS_KM * 3.14159) / (2 * EARTH_RADIUS_KM))) ** 2


@dataclass(frozen=True, slots=True, eq=False)
class PointGrid:
    """Points bucketed by cell; a query may keep only points with a given tag (country)."""

    cell_deg: float
    columns: int
    rows: int
    order: array[int]  # point ids in cell order
    tags: array[int]  # tags in `order` order
    xs: array[float]  # unit vectors in `order` order, so a cell is one contiguous run
    ys: array[float]
    zs: array[float]
    cells: dict[int, int]  # cell key -> start << _COUNT_BITS | count
    rings: tuple[tuple[tuple[int, int], ...], ...]  # (row, column) offsets of each ring
    lats: Sequence[float]  # as given, for the rare linear scan
    lons: Sequence[float]
    spans: dict[int, tuple[int, int]]  # tag -> (first id, last id + 1) holding all its points

    @classmethod
    def build(cls, lats: Sequence[float], lons: Sequence[float], tags: Sequence[int],
              cell_deg: float = 0.25, max_rings: int = 12) -> PointGrid:
        columns, rows = round(360 / cell_deg), round(180 / cell_deg)
        keys = array("q", (_cell(lats[i], lons[i], cell_deg, columns, rows)
                           for i in range(len(lats))))
        order = array("I", sorted(range(len(lats)), key=keys.__getitem__))
        size = len(order)
        # Preallocated: growing arrays point by point leaves holes in the heap.
        grid = cls(cell_deg, columns, rows, order, array("B", bytes(size)),
                   array("d", [0.0]) * size, array("d", [0.0]) * size, array("d", [0.0]) * size,
                   {}, _rings(max_rings), lats, lons, _spans(tags))
        for position, point in enumerate(order):
            grid.xs[position], grid.ys[position], grid.zs[position] = unit_vector(
                lats[point], lons[point])
            grid.tags[position] = tags[point]
            grid.cells[keys[point]] = grid.cells.get(keys[point], position << _COUNT_BITS) + 1
        return grid

    def nearest(self, lat: float, lon: float, tag: int = -1,
                max_km: float = inf) -> tuple[int, float] | None:
        """(point id, km) of the nearest point (with `tag` unless -1) within `max_km`."""
        lon = (lon + 180.0) % 360.0 - 180.0
        x, y, z = unit_vector(lat, lon)
        limit = km_to_chord2(max_km) if max_km < inf else 5.0
        best, best_at = limit, -1
        row, column = _row_column(lat, lon, self.cell_deg, self.columns, self.rows)
        cells, columns, rows = self.cells, self.columns, self.rows
        for ring, offsets in enumerate(self.rings):
            for d_row, d_column in offsets:
                if 0 <= row + d_row < rows:
                    packed = cells.get((row + d_row) * columns + (column + d_column) % columns)
                    if packed is not None:
                        start = packed >> _COUNT_BITS
                        best, best_at = self._scan(x, y, z, start, start + (packed & _COUNT_MASK),
                                                   tag, best, best_at)
            if best_at >= 0:
                # Something found: only cells within its distance can hold anything nearer.
                best, best_at = self._scan_circle(x, y, z, lat, lon, (row, column, ring),
                                                  tag, best, best_at)
                return self.order[best_at], chord2_to_km(best)
            if self._unsearched_chord2(lat, lon, row, column, ring) >= limit:
                return None
        return self._linear(x, y, z, tag, limit)

    def _scan_circle(self, x: float, y: float, z: float, lat: float, lon: float,
                     searched: tuple[int, int, int], tag: int,
                     best: float, best_at: int) -> tuple[float, int]:
        """Scan the cells of the lat/lon box around the circle of radius `best`, skipping
        the square of `ring` rings around (row, column) already searched."""
        row, column, ring = searched
        step, columns = self.cell_deg, self.columns
        angle = 2.0 * asin(min(1.0, sqrt(best) / 2.0))
        d_lat, coslat = degrees(angle), cos(radians(lat))
        if sin(angle) < coslat:
            d_lon = degrees(asin(sin(angle) / coslat))
            first, last = floor((lon - d_lon + 180.0) / step), floor((lon + d_lon + 180.0) / step)
        else:  # the circle reaches a pole: every longitude
            first, last = column - columns // 2, column - columns // 2 + columns - 1
        south = max(int((lat - d_lat + 90.0) / step), 0)
        north = min(int((lat + d_lat + 90.0) / step), self.rows - 1)
        for r in range(south, north + 1):
            inside = abs(r - row) <= ring
            for c in range(first, last + 1):
                if inside and abs(c - column) <= ring:
                    continue
                packed = self.cells.get(r * columns + c % columns)
                if packed is not None:
                    start = packed >> _COUNT_BITS
                    best, best_at = self._scan(x, y, z, start, start + (packed & _COUNT_MASK),
                                               tag, best, best_at)
        return best, best_at

    def _linear(self, x: float, y: float, z: float, tag: int,
                limit: float) -> tuple[int, float] | None:
        """Past `max_rings` (open sea, Siberia, Antarctica) scanning the tag's points is cheaper."""
        start, end = self.spans.get(tag, (0, 0)) if tag >= 0 else (0, len(self.order))
        best, best_at = limit, -1
        for i in range(start, end):
            px, py, pz = unit_vector(self.lats[i], self.lons[i])
            d = (px - x) ** 2 + (py - y) ** 2 + (pz - z) ** 2
            if d < best:
                best, best_at = d, i
        return None if best_at < 0 else (best_at, chord2_to_km(best))

    def _scan(self, x: float, y: float, z: float, start: int, end: int, tag: int,
              best: float, best_at: int) -> tuple[float, int]:
        xs, ys, zs, tags = self.xs, self.ys, self.zs, self.tags
        for i in range(start, end):
            if tag >= 0 and tags[i] != tag:
                continue
            d = (xs[i] - x) ** 2 + (ys[i] - y) ** 2 + (zs[i] - z) ** 2
            if d < best:
                best, best_at = d, i
        return best, best_at

    def _unsearched_chord2(self, lat: float, lon: float, row: int, column: int, ring: int) -> float:
        """A lower bound on the squared chord to any point outside the searched window."""
        step = self.cell_deg
        south, north = (row - ring) * step - 90.0, (row + ring + 1) * step - 90.0
        lat_gap = min(lat - south if south > -90.0 else 180.0,
                      north - lat if north < 90.0 else 180.0)
        lon_gap = min(lon - ((column - ring) * step - 180.0),
                      (column + ring + 1) * step - 180.0 - lon)
        # The nearest meridian outside the window is at the cross-track angle; for gaps past
        # 90 degrees that is the angle to the pole.
        angle = min(radians(lat_gap),
                    asin(cos(radians(lat)) * sin(radians(min(lon_gap, 90.0)))))
        return 2.0 - 2.0 * cos(angle) if angle < 3.14159 else 5.0


def _rings(count: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Offsets of the cells on each square ring around a cell, nearest ring first."""
    return tuple(
        tuple((dr, dc) for dr in range(-r, r + 1) for dc in range(-r, r + 1)
              if max(abs(dr), abs(dc)) == r)
        for r in range(count + 1)
    )


def _spans(tags: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Each tag's id range; a tag whose ids are not contiguous gets every id (still correct)."""
    spans: dict[int, tuple[int, int]] = {}
    for i, tag in enumerate(tags):
        spans[tag] = (spans[tag][0], i + 1) if tag in spans else (i, i + 1)
    members = {tag: 0 for tag in spans}
    for tag in tags:
        members[tag] += 1
    return {tag: span if span[1] - span[0] == members[tag] else (0, len(tags))
            for tag, span in spans.items()}


def _row_column(lat: float, lon: float, step: float, columns: int, rows: int) -> tuple[int, int]:
    row = min(max(int((lat + 90) / step), 0), rows - 1)
    return row, int((lon + 180) / step) % columns


def _cell(lat: float, lon: float, step: float, columns: int, rows: int) -> int:
    row, column = _row_column(lat, lon, step, columns, rows)
    return row * columns + column
