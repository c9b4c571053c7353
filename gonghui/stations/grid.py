"""A spatial grid index that any database can serve: no PostGIS, no SpatiaLite.

The plane of GCJ-02 degrees is cut into cells at two levels: fine cells of 0.01° (about
1.1 km north-south and 0.85 km east-west in Beijing) and coarse cells of 0.1°. A station
stores its cell at each level as one integer, row-major (``row * ROW_WIDTH + column``), with
a B-tree index, so the cells of one grid row between two columns are one index range.

A search reads the rectangle of fine cells around the point, then ever larger rectangles
(only the new ring each time), and knows after each step how far it has certainly looked:
the distance from the point to the nearest edge of the rectangle. Past about 17 km it moves
to coarse cells, so that even a 50 km search in the countryside reads a few dozen index
ranges rather than hundreds.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

ROW_WIDTH = 65536  # more columns than either level has, so rows never overlap
M_PER_DEG_LAT = 111_194.9  # metres per degree of latitude (and of longitude at the equator)
MAX_LAT = 89.99  # the grid is not made for the poles (nor for the antimeridian)


@dataclass(frozen=True)
class Level:
    column: str  # the Station field holding the key
    deg: float
    steps: tuple[int, ...]  # half-heights (in cells) of the rectangles read in turn

    @property
    def metres(self) -> float:
        return self.deg * M_PER_DEG_LAT

    def xy(self, lat: float, lng: float) -> tuple[int, int]:
        return math.floor((lng + 180.0) / self.deg), math.floor((lat + 90.0) / self.deg)

    def key(self, lat: float, lng: float) -> int:
        x, y = self.xy(lat, lng)
        return y * ROW_WIDTH + x


FINE = Level("cell", 0.01, (1, 3, 7, 15))
# From 2 on: one coarse cell reaches less far than the last fine rectangle already did.
COARSE = Level("cell_coarse", 0.1, (2, 3))
CELL_DEG = FINE.deg


def cell_key(lat: float, lng: float) -> int:
    return FINE.key(lat, lng)


def coarse_key(lat: float, lng: float) -> int:
    return COARSE.key(lat, lng)


@dataclass(frozen=True)
class Ring:
    """One step of a search: the index ranges to read and how far the search now reaches."""

    column: str
    ranges: tuple[tuple[int, int], ...]  # inclusive (first key, last key)
    radius_m: float  # every point within this distance has been read


def _rect_ranges(
    level: Level, cx: int, cy: int, kx: int, ky: int, inner: tuple[int, int] | None
) -> list[tuple[int, int]]:
    """Key ranges of the rectangle of half-sizes (``kx``, ``ky``) cells minus the rectangle
    ``inner`` = (kx, ky) already read: one range per row, two where the row crosses ``inner``."""
    columns, rows = round(360 / level.deg), round(180 / level.deg)
    west, east = max(cx - kx, 0), min(cx + kx, columns - 1)
    ranges = []
    for y in range(max(cy - ky, 0), min(cy + ky, rows - 1) + 1):
        base = y * ROW_WIDTH
        if inner is not None and cy - inner[1] <= y <= cy + inner[1]:
            spans = [(west, cx - inner[0] - 1), (cx + inner[0] + 1, east)]
        else:
            spans = [(west, east)]
        ranges += [(base + first, base + last) for first, last in spans if first <= last]
    return ranges


def _reach_m(level: Level, lat: float, lng: float, cx: int, cy: int, kx: int, ky: int) -> float:
    """The distance from the point to the nearest edge of the rectangle: a lower bound, taking
    the narrowest degree of longitude anywhere in it."""
    south = (cy - ky) * level.deg - 90.0
    north = (cy + ky + 1) * level.deg - 90.0
    west = (cx - kx) * level.deg - 180.0
    east = (cx + kx + 1) * level.deg - 180.0
    widest_lat = min(MAX_LAT, max(abs(south), abs(north)))
    lng_m = M_PER_DEG_LAT * math.cos(math.radians(widest_lat))
    reach = min((lat - south) * M_PER_DEG_LAT, (north - lat) * M_PER_DEG_LAT)
    reach = min(reach, (lng - west) * lng_m, (east - lng) * lng_m)
    return max(0.0, reach - 1.0)  # a metre of slack for floating-point cell edges


class RingSearch:
    """The rectangles read in turn around a point, out to ``max_radius_m``.

    Rows grow by each level's steps; columns grow so that a rectangle reaches as far east
    and west as north and south (more columns away from the equator), so a query never
    carries more than two conditions per row. ``next(wanted_m)`` skips steps when the caller
    expects to need a wider ring, e.g. when nothing matched so far: fewer round trips where
    stations are sparse. The first coarse rectangle is read whole (its edge does not follow
    the fine one's), so a station may come back twice: callers drop repeats.
    """

    def __init__(self, lat: float, lng: float, max_radius_m: float) -> None:
        self.lat, self.lng, self.max_radius_m = lat, lng, max_radius_m
        # The last rectangle is tall enough to reach max_radius_m wherever the point lies
        # in its cell; the search usually stops well before it.
        last = math.ceil((max_radius_m + 1) / COARSE.metres)
        self.plan = [(FINE, k) for k in FINE.steps]
        self.plan += [(COARSE, k) for k in COARSE.steps if k < last] + [(COARSE, last)]
        self.position = -1
        self.inner: tuple[Level, int, int] | None = None
        self.done = False

    def next(self, wanted_m: float = 0.0) -> Ring | None:
        if self.done:
            return None
        ahead = range(self.position + 1, len(self.plan))
        self.position = next(
            (i for i in ahead if self.plan[i][1] * self.plan[i][0].metres >= wanted_m), ahead[-1]
        )
        level, ky = self.plan[self.position]
        cx, cy = level.xy(self.lat, self.lng)
        far_lat = min(MAX_LAT, abs(self.lat) + (ky + 1) * level.deg)
        kx = math.ceil(ky / math.cos(math.radians(far_lat)))
        inner = self.inner[1:] if self.inner and self.inner[0] is level else None
        reach = _reach_m(level, self.lat, self.lng, cx, cy, kx, ky)
        ring = Ring(level.column, tuple(_rect_ranges(level, cx, cy, kx, ky, inner)), reach)
        self.done = reach >= self.max_radius_m or self.position == len(self.plan) - 1
        self.inner = (level, kx, ky)
        return ring


def rings(lat: float, lng: float, max_radius_m: float) -> Iterator[Ring]:
    """Every step of a search, none skipped."""
    search = RingSearch(lat, lng, max_radius_m)
    while (ring := search.next()) is not None:
        yield ring


def merge_ranges(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Adjacent ranges joined, so a query carries as few conditions as possible."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged
