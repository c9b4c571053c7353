"""The station finder: the nearest listed stations to a point, with filters, on any database.

The grid (grid.py) is read ring by ring around the point. After each ring the search knows a
radius within which it has read every station; once ``limit`` matching stations lie within
that radius the answer is final, because anything not yet read is farther away. Filters
apply inside the loop (services in SQL through a bit mask, "open now" in Python on the few
candidates), so a rare service keeps the search widening until it has enough matches or
reaches ``MAX_RADIUS_M``. Distances are exact great-circle distances, sorted in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, F, Func, QuerySet
from django.utils import timezone

from gonghui.stations import grid
from gonghui.stations.coords import Crs, haversine_m, to_gcj02
from gonghui.stations.hours import OpeningHours
from gonghui.stations.models import Station, StationStatus, services_mask
from gonghui.stations.selectors import public_stations

MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@dataclass(frozen=True)
class Found:
    station: Station
    distance_m: float
    open_now: bool


@dataclass
class NearbyResult:
    lat: float  # the query point in GCJ-02
    lng: float
    radius_m: float  # every matching station within this distance is among the candidates
    items: list[Found] = field(default_factory=list)


@dataclass(order=True)
class _Candidate:
    distance_m: float
    pk: int
    hours: dict | None = field(default=None, compare=False)


def is_open_now(station: Station, at: datetime) -> bool:
    if station.status != StationStatus.OPEN:
        return False
    return OpeningHours.from_stored(station.hours).is_open(at)


def _base(services: list[str], open_now: bool) -> QuerySet[Station]:
    stations = public_stations()
    if open_now:
        stations = stations.filter(status=StationStatus.OPEN)
    mask = services_mask(services)
    if mask:
        stations = stations.alias(_has=F("services_mask").bitand(mask)).filter(_has=mask)
    return stations


class CellIn(Func):
    """``cell`` lies in one of the key ranges: one SQL condition, each range a B-tree range.

    Written as one expression because a Q object per range costs more to build and compile
    than the query takes to run once a search widens to a few hundred ranges.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        super().__init__(F("cell"))
        self.ranges = ranges

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        parts = []
        for first, last in self.ranges:
            if first == last:
                parts.append(f"{column} = %s")
                params = [*params, first]
            else:
                parts.append(f"{column} BETWEEN %s AND %s")
                params = [*params, first, last]
        return "(" + " OR ".join(parts) + ")", params


def _read_ring(
    base: QuerySet[Station], ring: grid.Ring, lat: float, lng: float, open_now: bool
) -> list[_Candidate]:
    cells = CellIn(grid.merge_ranges(ring.ranges))
    columns = ("pk", "lat", "lng", "hours") if open_now else ("pk", "lat", "lng")
    return [
        _Candidate(haversine_m(lat, lng, row[1], row[2]), row[0], row[3] if open_now else None)
        for row in base.filter(cells).values_list(*columns)
    ]


def _matches(
    candidates: list[_Candidate], radius_m: float, limit: int, open_at: datetime | None
) -> list[_Candidate]:
    """The nearest ``limit`` candidates within ``radius_m`` that pass "open now"."""
    chosen = []
    for candidate in sorted(candidates):
        if candidate.distance_m > radius_m or len(chosen) == limit:
            break
        if open_at is not None and not OpeningHours.from_stored(candidate.hours).is_open(open_at):
            continue
        chosen.append(candidate)
    return chosen


def nearby_stations(
    *,
    lat: float,
    lng: float,
    crs: Crs | str = Crs.WGS84,
    services: list[str] | tuple[str, ...] = (),
    open_now: bool = False,
    limit: int = DEFAULT_LIMIT,
    at: datetime | None = None,
    max_radius_m: float = MAX_RADIUS_M,
) -> NearbyResult:
    """The nearest ``limit`` listed stations to (``lat``, ``lng``) given in ``crs``, within
    ``max_radius_m``, nearest first; ``services`` must all be offered; ``open_now`` keeps
    only stations open at ``at`` (default: now)."""
    glat, glng = to_gcj02(lat, lng, crs)
    at = at or timezone.now()
    base = _base(list(services), open_now)
    candidates: list[_Candidate] = []
    chosen: list[_Candidate] = []
    radius = 0.0
    for ring in grid.rings(glat, glng, max_radius_m):
        candidates.extend(_read_ring(base, ring, glat, glng, open_now))
        radius = min(ring.radius_m, max_radius_m)
        chosen = _matches(candidates, radius, limit, at if open_now else None)
        if len(chosen) >= limit:
            break
    stations = Station.objects.in_bulk([c.pk for c in chosen])
    items = [Found(stations[c.pk], c.distance_m, is_open_now(stations[c.pk], at)) for c in chosen]
    return NearbyResult(glat, glng, radius, items)


def full_scan(
    *, lat: float, lng: float, limit: int = DEFAULT_LIMIT, max_radius_m: float = MAX_RADIUS_M
) -> list[tuple[float, int]]:
    """The baseline the grid must beat and agree with: haversine over every listed station.
    (distance, pk) of the nearest ``limit`` within ``max_radius_m``; ``lat``/``lng`` GCJ-02."""
    rows = public_stations().values_list("pk", "lat", "lng")
    distances = sorted((haversine_m(lat, lng, la, ln), pk) for pk, la, ln in rows)
    return [row for row in distances if row[0] <= max_radius_m][:limit]
