"""The k nearest of a few hundred points: exactly what sorting every one by haversine gives.

At this size numpy's fixed cost per call (an array, a matrix product, an argsort) outweighs
the arithmetic, so the search is plain Python over a short list. Each cell of a coarse
lat/lon grid keeps the points by chord length from the cell's centre. Chords are Euclidean,
so a point c from the centre is at least c - e from a query e from the centre: the search
reads the list in that order and stops once the bound passes the k-th best chord so far.
A list ends where no query in its cell can need more of it for k <= `k_max`; a query that
does (many points skipped) reads every point, so the answer never depends on the lists.

The candidates are picked by chord and then sorted by haversine, ties by row: a candidate
within `SLACK` of the k-th chord is kept, so rounding cannot make the two orders disagree.
Chords are `math.dist` of the unit vectors: one C call where the dot product in Python was
six float operations and three subscripts, the largest cost of reading a point.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right, insort
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, product, repeat
from math import asin, cos, dist, inf, sin, sqrt
from operator import le

from app.geo.distance import DIAMETER_KM, RADIANS_PER_DEGREE
from app.geo.grid import unit_vector

CELL_DEG = 10.0
K_MAX = 24  # lists long enough for this many results without reading every point
# A lookup asks for a few (the policy's pick and the next two, skipping the pick): each cell
# of a finer grid keeps every point that can be among the FEW_K nearest of a query in it,
# built the first time a query lands there (~0.1 ms; 16,200 cells at most: for the
# directory's two indexes 9.6 MB in all if every one were asked, by tracemalloc), and a
# query measures all of them in C (map, sorted) instead of reading a coarse cell's list
# point by point.
FEW_DEG, FEW_K = 2.0, 4
# Relative and absolute slack on chords (3e-7: 2 m), far above their rounding (a few ulps of
# numbers below 2, ~1e-15), so near-ties in chord stay in for the haversine sort.
SLACK, SLACK_ABS = 1e-8, 3e-7
# On chords (0.6 m), for the rounding of c and e in the stopping bound.
MARGIN = 1e-7

Vector = tuple[float, float, float]
FEW_COLUMNS, FEW_ROWS = round(360 / FEW_DEG), round(180 / FEW_DEG)


@dataclass(frozen=True, slots=True, eq=False)
class KNearest:
    lons: tuple[float, ...]
    radians: tuple[float, ...]  # each row's latitude in radians, and its cosine
    cosines: tuple[float, ...]
    vectors: tuple[Vector, ...]  # unit vectors
    cell_deg: float
    columns: int
    rows: int
    # Cell k (row-major): its centre, the rows of its list with their chords from the
    # centre (ascending), and the chord of the nearest point left off the list (or inf).
    centres: tuple[Vector, ...]
    listed: tuple[array[int], ...]
    chords: tuple[array[float], ...]
    cutoff: array[float]
    # FEW_DEG cell (row-major) -> the rows a query there may need for k + skipped <= FEW_K,
    # and their unit vectors; filled in by `_few_cell`.
    few: dict[int, tuple[tuple[int, ...], tuple[Vector, ...]]]

    @classmethod
    def build(cls, lats: Sequence[float], lons: Sequence[float], cell_deg: float = CELL_DEG,
              k_max: int = K_MAX) -> KNearest:
        columns, rows = round(360 / cell_deg), round(180 / cell_deg)
        xyz = tuple(unit_vector(lat, lon) for lat, lon in zip(lats, lons, strict=True))
        centres, listed, chords, cutoff = [], [], [], array("d")
        for row, column in product(range(rows), range(columns)):
            south, west = row * cell_deg - 90.0, column * cell_deg - 180.0
            centre = unit_vector(south + cell_deg / 2, west + cell_deg / 2)
            rows_kept, chords_kept, left_off = _cell_list(
                centre, _radius(centre, south, west, cell_deg), xyz, k_max)
            centres.append(centre)
            listed.append(array("H", rows_kept))
            chords.append(array("d", chords_kept))
            cutoff.append(left_off)
        radians = tuple(lat * RADIANS_PER_DEGREE for lat in lats)
        return cls(tuple(lons), radians, tuple(map(cos, radians)), xyz,
                   cell_deg, columns, rows, tuple(centres), tuple(listed), tuple(chords),
                   cutoff, {})

    def nearest(self, lat: float, lon: float, k: int,
                skip: Collection[int] = ()) -> list[tuple[float, int]]:
        """(km, row) of the k nearest rows not in `skip`, by haversine, ties by row."""
        if k <= 0 or not self.vectors:
            return []
        # unit_vector and great_circle_km written out: every lookup runs this, and their
        # calls (and two cosines per candidate) were a third of its cost. Same operations in
        # the same order, so the same floats.
        p, q = lat * RADIANS_PER_DEGREE, lon * RADIANS_PER_DEGREE
        cos_p = cos(p)
        query = cos_p * cos(q), cos_p * sin(q), sin(p)
        if k + len(skip) <= FEW_K:
            found = self._few(query, lat, lon, k, skip)
        else:
            found = self._read(query, lat, lon, k, skip)
        radians, cosines, lons = self.radians, self.cosines, self.lons
        ranked = []
        for n in found:
            dl = (lons[n] - lon) * RADIANS_PER_DEGREE
            a, b = sin((radians[n] - p) / 2), sin(dl / 2)
            h = a * a + cos_p * cosines[n] * (b * b)
            s = sqrt(h)
            ranked.append((DIAMETER_KM * asin(s if s < 1.0 else 1.0), n))
        ranked.sort()
        return ranked[:k]

    def _few(self, query: Vector, lat: float, lon: float, k: int,
             skip: Collection[int]) -> list[int]:
        """The rows within SLACK of the k-th nearest chord, from the query's FEW_DEG cell.
        Chords of floats only, sorted and compared in C: sorting (chord, row) tuples cost
        more than all the rest (a tuple comparison is a rich comparison of each item)."""
        row = min(int((lat + 90.0) / FEW_DEG), FEW_ROWS - 1)
        cell = row * FEW_COLUMNS + int((lon + 180.0) / FEW_DEG) % FEW_COLUMNS
        rows, vectors = self.few.get(cell) or self._few_cell(row, cell)
        chords = list(map(dist, vectors, repeat(query)))
        for n in skip:
            if n in rows:
                chords[rows.index(n)] = inf
        kth = sorted(chords)[k - 1] if k < len(chords) else inf
        # No chord is over 2: with fewer than k rows left, every one not skipped.
        within = kth * (1 + SLACK) + SLACK_ABS if kth < inf else 4.0
        return list(compress(rows, map(le, chords, repeat(within))))

    def _few_cell(self, row: int, cell: int) -> tuple[tuple[int, ...], tuple[Vector, ...]]:
        """Every row that can be among the FEW_K nearest of a query in the cell, or within
        SLACK of the k-th of them: the query is within `radius` of the centre, so its FEW_K-th
        nearest is within kth + radius of it, and each one it may keep within that, SLACKed,
        plus radius of the centre."""
        south, west = row * FEW_DEG - 90.0, cell % FEW_COLUMNS * FEW_DEG - 180.0
        centre = unit_vector(south + FEW_DEG / 2, west + FEW_DEG / 2)
        radius = _radius(centre, south, west, FEW_DEG)
        chords = list(map(dist, repeat(centre), self.vectors))
        rows = sorted(range(len(chords)), key=chords.__getitem__)
        if len(rows) > FEW_K:
            kth = chords[rows[FEW_K - 1]]
            reach = (kth + radius) * (1 + SLACK) + SLACK_ABS + radius + MARGIN
            rows = [n for n in rows if chords[n] <= reach]
        found = tuple(rows), tuple(map(self.vectors.__getitem__, rows))
        self.few[cell] = found  # one dict store: safe with other threads reading
        return found

    def _read(self, query: Vector, lat: float, lon: float, k: int,
              skip: Collection[int]) -> list[int]:
        """As `_few`, for any k, by reading the CELL_DEG cell's list in order."""
        # The query's own cell has the shortest read; any cell's list gives the same answer.
        row = min(int((lat + 90.0) / self.cell_deg), self.rows - 1)
        cell = row * self.columns + int((lon + 180.0) / self.cell_deg) % self.columns
        e = dist(self.centres[cell], query)
        listed = zip(self.chords[cell], self.listed[cell], strict=False)  # equal lengths
        found, bound = self._search(query, e, listed, k, skip)
        cutoff = self.cutoff[cell]
        if cutoff < inf and cutoff <= bound:  # a point left off the list may be nearer
            every = zip(repeat(0.0), range(len(self.vectors)))
            found, _ = self._search(query, 0.0, every, k, skip)
        return found

    def _search(self, query: Vector, e: float, listed: Iterable[tuple[float, int]], k: int,
                skip: Collection[int]) -> tuple[list[int], float]:
        """The rows whose chord is within SLACK of the k-th smallest among those read, and
        how far from the centre a point would have to be to be left out by them (inf: fewer
        than k were found)."""
        vectors = self.vectors
        best: list[tuple[float, int]] = []  # (chord, row), in order
        within = bound = inf
        for c, n in listed:
            if c > bound:
                break
            if n in skip:
                continue
            d = dist(vectors[n], query)
            if d <= within:
                insort(best, (d, n))  # kept in order: one bisection, not a sort per find
                if len(best) >= k:
                    within = best[k - 1][0] * (1 + SLACK) + SLACK_ABS
                    bound = within + e + MARGIN
        return [n for d, n in best if d <= within], bound


def _radius(centre: Vector, south: float, west: float, size: float) -> float:
    """Chord from a lat/lon box's centre to its farthest point, one of its corners."""
    return max(dist(centre, unit_vector(lat, lon))
               for lat, lon in product((south, south + size), (west, west + size)))


def _cell_list(centre: Vector, radius: float, xyz: Sequence[Vector],
               k_max: int) -> tuple[list[int], list[float], float]:
    """The rows a query in the cell may need, nearest the centre first (ties by row), their
    chords from the centre, and the chord of the first point left off (inf if none).

    A query in the cell is within `radius` of the centre, so its k-th nearest point is
    within chords[k - 1] + radius of it, and within chords[k - 1] + 2 * radius of the centre.
    Rows are sorted by their chord as a key (a stable sort: ties stay in row order), not as
    (chord, row) tuples, whose comparisons cost four times as much: this runs for every
    cell at start-up.
    """
    chords = list(map(dist, repeat(centre), xyz))
    order = sorted(range(len(chords)), key=chords.__getitem__)
    ordered = list(map(chords.__getitem__, order))
    if len(order) <= k_max:
        return order, ordered, inf
    end = bisect_right(ordered, ordered[k_max - 1] + 2 * radius)
    return order[:end], ordered[:end], ordered[end] if end < len(ordered) else inf
