"""A spatial grid index that any database can serve: no PostGIS, no SpatiaLite.

The plane of GCJ-02 degrees is cut into cells of ``CELL_DEG`` (0.01°: about 1.1 km north-south
and 0.85 km east-west in Beijing). A station stores its cell as one integer, row-major
(``row * ROW_WIDTH + column``), with a B-tree index, so the cells of one grid row between two
columns are one index range. A search asks for the square of cells around the point, then
for ever larger squares (only the new ring each time), and knows after each step how far
it has certainly looked: the distance from the point to the nearest edge of the square.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

CELL_DEG = 0.01
COLUMNS = round(360 / CELL_DEG)
ROWS = round(180 / CELL_DEG)
ROW_WIDTH = 65536  # > COLUMNS, so rows never overlap
M_PER_DEG_LAT = 111_194.9  # metres per degree of latitude (and of longitude at the equator)
# Half-sizes (in cells) of the squares searched in turn: each step reads only the new ring.
STEPS = (1, 3, 7, 15, 31, 63)
MAX_LAT = 89.99  # the grid is not made for the poles (nor for the antimeridian)


def cell_xy(lat: float, lng: float) -> tuple[int, int]:
    return math.floor((lng + 180.0) / CELL_DEG), math.floor((lat + 90.0) / CELL_DEG)


def cell_key(lat: float, lng: float) -> int:
    x, y = cell_xy(lat, lng)
    return y * ROW_WIDTH + x


@dataclass(frozen=True)
class Ring:
    """One step of a search: the index ranges to read and how far the search now reaches."""

    ranges: tuple[tuple[int, int], ...]  # inclusive (first key, last key)
    radius_m: float  # every point within this distance has been read


def _rect_ranges(
    cx: int, cy: int, kx: int, ky: int, inner: tuple[int, int] | None
) -> list[tuple[int, int]]:
    """Key ranges of the rectangle of half-sizes (``kx``, ``ky``) cells minus the rectangle
    ``inner`` = (kx, ky) already read: one range per row, two where the row crosses ``inner``."""
    west, east = max(cx - kx, 0), min(cx + kx, COLUMNS - 1)
    ranges = []
    for y in range(max(cy - ky, 0), min(cy + ky, ROWS - 1) + 1):
        base = y * ROW_WIDTH
        if inner is not None and cy - inner[1] <= y <= cy + inner[1]:
            spans = [(west, cx - inner[0] - 1), (cx + inner[0] + 1, east)]
        else:
            spans = [(west, east)]
        ranges += [(base + first, base + last) for first, last in spans if first <= last]
    return ranges


def _reach_m(lat: float, lng: float, cx: int, cy: int, kx: int, ky: int) -> float:
    """The distance from the point to the nearest edge of the rectangle: a lower bound, taking
    the narrowest degree of longitude anywhere in it."""
    south = (cy - ky) * CELL_DEG - 90.0
    north = (cy + ky + 1) * CELL_DEG - 90.0
    west = (cx - kx) * CELL_DEG - 180.0
    east = (cx + kx + 1) * CELL_DEG - 180.0
    widest_lat = min(MAX_LAT, max(abs(south), abs(north)))
    lng_m = M_PER_DEG_LAT * math.cos(math.radians(widest_lat))
    reach = min((lat - south) * M_PER_DEG_LAT, (north - lat) * M_PER_DEG_LAT)
    reach = min(reach, (lng - west) * lng_m, (east - lng) * lng_m)
    return max(0.0, reach - 1.0)  # a metre of slack for floating-point cell edges


def rings(lat: float, lng: float, max_radius_m: float) -> Iterator[Ring]:
    """The search steps around a point, ending with the first rectangle that reaches
    ``max_radius_m``. Rows grow by ``STEPS``; columns grow so that the rectangle reaches as
    far east and west as north and south (more columns away from the equator), so a query
    never has more than two conditions per row."""
    cx, cy = cell_xy(lat, lng)
    cell_h = CELL_DEG * M_PER_DEG_LAT
    last = math.ceil(max_radius_m / cell_h) + 1
    inner = None
    for ky in [step for step in STEPS if step < last] + [last]:
        far_lat = min(MAX_LAT, abs(lat) + (ky + 1) * CELL_DEG)
        kx = math.ceil(ky * cell_h / (cell_h * math.cos(math.radians(far_lat))))
        reach = _reach_m(lat, lng, cx, cy, kx, ky)
        yield Ring(tuple(_rect_ranges(cx, cy, kx, ky, inner)), reach)
        if reach >= max_radius_m:
            return
        inner = (kx, ky)


def merge_ranges(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Adjacent ranges joined, so a query carries as few conditions as possible."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged
